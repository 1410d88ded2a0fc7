"""The ``Prefer`` request header, in every form clients send it.

Preferences may come comma-joined in one header or as repeated headers, with values quoted
or not: ``return=representation``, ``odata.include-annotations="*"``,
``odata.maxpagesize=50``, ``odata.track-changes``, ``odata.continue-on-error``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass

from mock_server.errors import BadRequest
from mock_server.odata.split import split_outside

MAX_PAGE_SIZE = 5000

FORMATTED_VALUE = "OData.Community.Display.V1.FormattedValue"
LOOKUP_LOGICAL_NAME = "Microsoft.Dynamics.CRM.lookuplogicalname"
ASSOCIATED_NAVIGATION = "Microsoft.Dynamics.CRM.associatednavigationproperty"
TOTAL_RECORD_COUNT = "Microsoft.Dynamics.CRM.totalrecordcount"
TOTAL_RECORD_COUNT_EXCEEDED = "Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"


def _split(value: str, sep: str) -> list[str]:
    return [p.strip() for p in split_outside(value, sep, quote='"', nested=False) if p.strip()]


@dataclass(frozen=True)
class Preferences:
    return_representation: bool = False
    annotations: tuple[str, ...] = ()
    max_page_size: int | None = None
    track_changes: bool = False
    continue_on_error: bool = False

    def wants(self, annotation: str) -> bool:
        """Whether ``odata.include-annotations`` asked for this annotation (``*`` and wildcards)."""
        return any(
            fnmatch.fnmatchcase(annotation, pattern) for pattern in self.annotations if pattern[:1] != "-"
        )

    @property
    def any_annotations(self) -> bool:
        return bool(self.annotations)

    def applied(self, *, page_size_used: bool = False) -> str | None:
        """The ``Preference-Applied`` header for what was honoured."""
        applied = []
        if self.return_representation:
            applied.append("return=representation")
        if self.annotations:
            applied.append(f'odata.include-annotations="{",".join(self.annotations)}"')
        if page_size_used and self.max_page_size is not None:
            applied.append(f"odata.maxpagesize={self.max_page_size}")
        if self.track_changes:
            applied.append("odata.track-changes")
        return ",".join(applied) or None


def parse_prefer(headers: Iterable[str]) -> Preferences:
    values: dict[str, str] = {}
    for header in headers:
        for item in _split(header, ","):
            name, _, value = item.partition("=")
            values[name.strip().lower()] = value.strip().strip('"').strip()
    page_size = None
    if "odata.maxpagesize" in values:
        raw = values["odata.maxpagesize"]
        if not raw.isdigit() or not 0 < int(raw) <= MAX_PAGE_SIZE:
            raise BadRequest(
                f"The odata.maxpagesize preference must be a whole number from 1 to {MAX_PAGE_SIZE}."
            )
        page_size = int(raw)
    annotations = values.get("odata.include-annotations", "")
    return Preferences(
        return_representation=values.get("return") == "representation",
        annotations=tuple(a.strip() for a in annotations.split(",") if a.strip()),
        max_page_size=page_size,
        track_changes="odata.track-changes" in values,
        continue_on_error="odata.continue-on-error" in values,
    )
