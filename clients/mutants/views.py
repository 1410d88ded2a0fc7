"""Mutants of section 5 of the catalogue: views offline (MO-VIEW)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from clients.mutants import Mutant
from clients.reference import views
from clients.reference.webapi import WebApi


def _ignore_view_order(patch: pytest.MonkeyPatch) -> None:
    run_fetch = views.run_fetch

    def unordered(fetch_xml: str, context: views.Context, text: str | None = None) -> list[views.Record]:
        fetch = ElementTree.fromstring(fetch_xml)
        for entity in fetch.iter("entity"):
            for order in entity.findall("order"):
                entity.remove(order)
        return run_fetch(ElementTree.tostring(fetch, encoding="unicode"), context, text)

    patch.setattr(views, "run_fetch", unordered)


def _ignore_view_filters(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(views, "_holds", lambda element, row, context, text: True)


def _download_personal_views(patch: pytest.MonkeyPatch) -> None:
    download_views = views.download_views

    def with_personal(api: WebApi, entities: tuple[str, ...]) -> list[views.View]:
        personal = [
            views.View(str(v["userqueryid"]), v["returnedtypecode"], v["name"], "public", v["fetchxml"])
            for v in api.readable_rows("userqueries?$select=userqueryid,name,returnedtypecode,fetchxml")
            if v["returnedtypecode"] in entities
        ]
        return download_views(api, entities) + personal

    patch.setattr(views, "download_views", with_personal)


def _offer_task_views(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(views, "WITHOUT_VIEWS", views.WITHOUT_VIEWS - {"task"})


def _ignore_linked_tables(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(views.View, "linked_entities", lambda view: set())


MUTANTS = (
    Mutant(
        name="ignores_view_order",
        defect="shows a view's rows in id order, ignoring the view's sort order",
        requirements=("MO-VIEW-001",),
        apply=_ignore_view_order,
    ),
    Mutant(
        name="ignores_view_filters",
        defect="runs a view offline without its filter conditions",
        requirements=("MO-VIEW-001",),
        apply=_ignore_view_filters,
    ),
    Mutant(
        name="runs_personal_views",
        defect="downloads the user's personal views and runs them offline",
        requirements=("MO-VIEW-002",),
        apply=_download_personal_views,
    ),
    Mutant(
        name="offers_task_views",
        defect="offers the views of task offline",
        requirements=("MO-VIEW-003",),
        apply=_offer_task_views,
    ),
    Mutant(
        name="keeps_views_linking_outside_profile",
        defect="keeps views that link a table outside the offline profile",
        requirements=("MO-VIEW-004",),
        apply=_ignore_linked_tables,
    ),
)
