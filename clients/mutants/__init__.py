"""Mutant clients: the reference client with one deliberate defect each.

A conformance suite is only worth the violations it catches. Each ``Mutant`` names a defect a
careless client team could plausibly ship, in one line, with the requirement IDs it violates;
its ``apply`` patches one small piece of the reference client (a function, a constant, a
method) in the current process through a ``pytest.MonkeyPatch``, so the reference code carries
no trace of mutants. The section modules of this package each hold a ``MUTANTS`` tuple;
``registry()`` gathers them.

``--client inprocess:clients.mutants:<name>`` runs the suite against one mutant: the attribute
lookup applies the defect and hands back the reference client's class. One process holds at
most one mutant.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pytest

from clients.reference import ReferenceClient

__all__ = ["Mutant", "activate", "registry"]


@dataclass(frozen=True)
class Mutant:
    """One defect: its name (a Python identifier), what it breaks, and how to break it."""

    name: str
    defect: str  # one line, as a report shows it
    requirements: tuple[str, ...]  # the catalogue IDs it violates
    apply: Callable[[pytest.MonkeyPatch], None]


@cache
def registry() -> dict[str, Mutant]:
    """Every mutant of every section module, by name; a name used twice is a programming error."""
    mutants: dict[str, Mutant] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):
            continue
        for mutant in importlib.import_module(f"{__name__}.{module.name}").MUTANTS:
            if mutant.name in mutants:
                raise ValueError(f"two mutants are named {mutant.name!r}")
            mutants[mutant.name] = mutant
    return mutants


_active: dict[str, pytest.MonkeyPatch] = {}


def activate(name: str) -> Mutant:
    """Apply the mutant ``name`` to this process (once); another mutant may not join it."""
    mutant = registry()[name]
    if name not in _active:
        if _active:
            raise RuntimeError(f"mutant {next(iter(_active))!r} is already active in this process")
        patcher = pytest.MonkeyPatch()
        mutant.apply(patcher)
        _active[name] = patcher
    return mutant


def __getattr__(name: str) -> type[ReferenceClient]:
    """``clients.mutants.<mutant name>``: the reference client, with that mutant's defect applied."""
    if name.startswith("__") or name not in registry():
        raise AttributeError(name)
    activate(name)
    return ReferenceClient
