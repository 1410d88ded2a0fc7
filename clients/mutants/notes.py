"""Mutants of section 7 of the catalogue: notes on the timeline (MO-NOTE)."""

from __future__ import annotations

import pytest

from clients.mutants import Mutant
from clients.reference import local_store, notes, records


def _skip_note_download(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(notes, "download", lambda engine, result: None)


def _upload_notes_without_files(patch: pytest.MonkeyPatch) -> None:
    to_server = records.to_server
    patch.setattr(
        records,
        "to_server",
        lambda info, values, metadata, reference: to_server(
            info,
            {c: v for c, v in values.items() if info.logical_name != notes.NOTE or c not in notes.NO_FILE},
            metadata,
            reference,
        ),
    )


def _upload_newest_first(patch: pytest.MonkeyPatch) -> None:
    queue = local_store.LocalStore.queue
    patch.setattr(local_store.LocalStore, "queue", lambda store: queue(store)[::-1])


def _remove_only_file_name(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(notes, "NO_FILE", {"filename": None})


MUTANTS = (
    Mutant(
        name="skips_note_download",
        defect="downloads no notes, so the timeline is empty offline",
        requirements=("MO-NOTE-001",),
        apply=_skip_note_download,
    ),
    Mutant(
        name="uploads_notes_without_files",
        defect="uploads a note's text but not the file attached to it offline",
        requirements=("MO-NOTE-002", "MO-NOTE-003"),
        apply=_upload_notes_without_files,
    ),
    Mutant(
        name="uploads_newest_first",
        defect="uploads the offline writes newest first, so a note's create follows its updates",
        requirements=("MO-NOTE-002", "MO-NOTE-003"),
        apply=_upload_newest_first,
    ),
    Mutant(
        name="removes_only_file_name",
        defect="removing a note's attachment clears its file name but keeps the file",
        requirements=("MO-NOTE-003",),
        apply=_remove_only_file_name,
    ),
)
