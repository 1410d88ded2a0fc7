"""Mutants of section 4 of the catalogue: lookups offline (MO-LKP).

A lookup to an offline table must offer the device's own records and upload the pick; a lookup
to a table that is not offline must be refused. These mutants ask the server for candidates,
lose the pick on upload, or answer a lookup they cannot serve with an empty list.
"""

from __future__ import annotations

from typing import Any

import pytest

from clients.mutants import Mutant
from clients.reference import driver, records
from clients.reference.catalog import NotAvailableOffline
from clients.reference.driver import ReferenceClient


def _candidates_from_server(patch: pytest.MonkeyPatch) -> None:
    def from_server(self: ReferenceClient, message: driver.Message) -> driver.Message:
        entity, engine = self._offline_entity(message), self._engine()
        targets = engine.metadata()[entity].lookup_targets(str(message.get("column")))
        offline = [target for target in targets if target in engine.catalog.entities]
        if not offline:
            raise NotAvailableOffline(f"The lookup points to {', '.join(targets)}, which is not offline.")
        candidates = []
        for target in offline:
            info = engine.metadata()[target]
            for row in engine.api.all_rows(
                f"{info.entity_set}?$select={info.primary_id},{info.primary_name}"
            ):
                record_id = str(row[info.primary_id]).lower()
                candidates.append({"entity": target, "id": record_id, "name": row.get(info.primary_name)})
        return {"candidates": candidates}

    patch.setattr(ReferenceClient, "lookup_candidates", from_server)


def _drop_lookups_on_upload(patch: pytest.MonkeyPatch) -> None:
    to_server = records.to_server

    def without_binds(*args: Any, **kwargs: Any) -> dict[str, Any]:
        body = to_server(*args, **kwargs)
        return {column: value for column, value in body.items() if not column.endswith("@odata.bind")}

    patch.setattr(records, "to_server", without_binds)


def _no_candidates_for_online_tables(patch: pytest.MonkeyPatch) -> None:
    candidates = ReferenceClient.lookup_candidates

    def empty_instead(self: ReferenceClient, message: driver.Message) -> driver.Message:
        try:
            return candidates(self, message)
        except NotAvailableOffline:
            return {"candidates": []}

    patch.setattr(ReferenceClient, "lookup_candidates", empty_instead)


MUTANTS = (
    Mutant(
        "lookup_candidates_from_server",
        "asks the server for lookup candidates instead of the local store",
        ("MO-LKP-001",),
        _candidates_from_server,
    ),
    Mutant(
        "lookup_pick_not_uploaded",
        "uploads records without the lookups picked offline",
        ("MO-LKP-001",),
        _drop_lookups_on_upload,
    ),
    Mutant(
        "empty_candidates_for_online_table",
        "answers a lookup to a table that is not offline with no candidates instead of refusing it",
        ("MO-LKP-002",),
        _no_candidates_for_online_tables,
    ),
)
