"""The protocol's JSON Schema files, loaded once from package data and turned into validators.

The schema under ``schema/v1/`` is the source of truth: the message classes, the adapters and the
smoke check all validate through this module. Every ``$ref`` resolves through a ``referencing``
registry built from the packaged files, so validation never touches the network. Loading and
validator construction are cached (``functools.cache``), so the files are read once per process.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, relevance
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from harness.errors import ProtocolError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "BASE_URI",
    "PROTOCOL_VERSION",
    "any_request_validator",
    "command_names",
    "envelope_validator",
    "error_codes",
    "error_response_validator",
    "load_schemas",
    "problems",
    "request_validator",
    "response_validator",
    "schema_id",
    "test_hooks",
    "validate",
    "validator",
]

PROTOCOL_VERSION = 1
BASE_URI = "https://offline-conformance.invalid/protocol/v1/"
PROTOCOL_URI = BASE_URI + "protocol.json"
ERRORS_URI = BASE_URI + "errors.json"


def _schema_dir() -> Traversable:
    return files("harness.protocol").joinpath("schema", f"v{PROTOCOL_VERSION}")


def _read(resource: Traversable) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return loaded


@cache
def load_schemas() -> dict[str, dict[str, Any]]:
    """Every schema document of this version, keyed by its ``$id``."""
    directory = _schema_dir()
    documents = [_read(directory / "protocol.json"), _read(directory / "errors.json")]
    commands = directory / "commands"
    documents += [_read(entry) for entry in sorted(commands.iterdir(), key=lambda e: e.name)]
    return {document["$id"]: document for document in documents}


@cache
def _registry() -> Registry[Any]:
    resources = [
        (uri, Resource.from_contents(document, default_specification=DRAFT202012))
        for uri, document in load_schemas().items()
    ]
    # crawl() resolves anchors ("#response") up front, so lookups never fall back to retrieval.
    return Registry().with_resources(resources).crawl()


@cache
def command_names() -> tuple[str, ...]:
    """The commands of this version, in the order ``protocol.json`` lists them."""
    root = load_schemas()[PROTOCOL_URI]
    refs = [entry["$ref"] for entry in root["$defs"]["command"]["oneOf"]]
    schemas = load_schemas()
    return tuple(schemas[BASE_URI + ref]["properties"]["cmd"]["const"] for ref in refs)


@cache
def test_hooks() -> frozenset[str]:
    """The commands marked ``"x-test-hook": true``: they let the harness steer the device (its
    clock, say) rather than act as its user. A client may answer them ``unsupported_command``;
    the scenarios that need one are then not applicable to it."""
    schemas = load_schemas()
    return frozenset(cmd for cmd in command_names() if schemas[schema_id(cmd)].get("x-test-hook") is True)


@cache
def error_codes() -> tuple[str, ...]:
    """The error codes ``errors.json`` enumerates, in its order."""
    code = load_schemas()[ERRORS_URI]["$defs"]["code"]
    return tuple(entry["const"] for entry in code["oneOf"])


def schema_id(cmd: str) -> str:
    """The ``$id`` of a command's schema file."""
    uri = f"{BASE_URI}commands/{cmd}.json"
    if uri not in load_schemas():
        known = ", ".join(command_names())
        raise ProtocolError(f"unknown command {cmd!r}; protocol v{PROTOCOL_VERSION} has: {known}")
    return uri


@cache
def validator(ref: str) -> Draft202012Validator:
    """A cached validator for a schema URI (with a fragment or anchor when needed)."""
    return Draft202012Validator({"$ref": ref}, registry=_registry())


def request_validator(cmd: str) -> Draft202012Validator:
    """Validates a request of ``cmd`` (its schema file's top level)."""
    return validator(schema_id(cmd))


def response_validator(cmd: str) -> Draft202012Validator:
    """Validates a reply to ``cmd``: its result, or a typed error (``$defs/response``)."""
    return validator(schema_id(cmd) + "#response")


def any_request_validator() -> Draft202012Validator:
    """Validates any request of this version (``protocol.json#/$defs/command``)."""
    return validator(PROTOCOL_URI + "#/$defs/command")


def envelope_validator() -> Draft202012Validator:
    """Validates what every request has whatever its command: ``cmd`` and ``id``."""
    return validator(PROTOCOL_URI + "#/$defs/envelope")


def error_response_validator() -> Draft202012Validator:
    """Validates a typed error reply, e.g. the answer to an unknown command."""
    return validator(ERRORS_URI + "#/$defs/error_response")


def problems(checker: Draft202012Validator, instance: object) -> tuple[str, ...]:
    """Every way ``instance`` breaks the schema, each as ``at <path>: <message>``."""
    found: list[str] = []
    for error in sorted(checker.iter_errors(instance), key=relevance):
        found += _explain(error)
    return tuple(found)


def _explain(error: ValidationError) -> list[str]:
    """The useful messages of one error; for a failed ``oneOf``, those of the closest branch.

    A branch is ruled out when a ``const`` rejects it (``cmd`` names another command); among the
    rest, the one with the fewest errors is the one the sender most likely meant.
    """
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [f"at {error.json_path}: {error.message}"]
    branches: dict[object, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    plausible = [errors for errors in branches.values() if not any(e.validator == "const" for e in errors)]
    if not plausible:
        return [f"at {error.json_path}: {error.message}"]
    closest = min(plausible, key=len)
    return [message for sub in closest for message in _explain(sub)]


def validate(checker: Draft202012Validator, instance: object, what: str) -> None:
    """Raise one ``ProtocolError`` listing every problem when ``instance`` is invalid."""
    found = problems(checker, instance)
    if found:
        raise ProtocolError(f"{what} does not match protocol v{PROTOCOL_VERSION}", found)
