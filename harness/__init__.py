"""The conformance harness: the client driver protocol, the adapters that run a client under
test, the pytest plugin and the conformance reports."""
