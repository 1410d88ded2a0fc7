"""The conformance suite: Gherkin scenarios, one or more per requirement ID, run by pytest-bdd."""
