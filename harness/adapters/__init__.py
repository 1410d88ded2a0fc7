"""Adapters start a client under test and carry protocol messages to it, one transport each."""

from harness.adapters.connect import KINDS, ClientSession, connect, handshake, resolve, start_client
from harness.adapters.connection import Connection, SupportsHandle
from harness.adapters.container import ContainerConnection, ContainerSettings
from harness.adapters.inprocess import InProcessConnection
from harness.adapters.process import DEFAULT_TIMEOUT, ProcessConnection

__all__ = [
    "DEFAULT_TIMEOUT",
    "KINDS",
    "ClientSession",
    "Connection",
    "ContainerConnection",
    "ContainerSettings",
    "InProcessConnection",
    "ProcessConnection",
    "SupportsHandle",
    "connect",
    "handshake",
    "resolve",
    "start_client",
]
