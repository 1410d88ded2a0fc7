"""The reference offline client: a local SQLite store, a sync engine over the Dataverse Web API,
and a driver that answers the conformance suite's JSON protocol."""

from clients.reference.catalog import OFFLINE_COMMANDS, Catalog, Command
from clients.reference.driver import ReferenceClient

__all__ = ["OFFLINE_COMMANDS", "Catalog", "Command", "ReferenceClient"]
