"""Mutants of section 2 of the catalogue: business rules offline (MO-BR).

Each breaks one part of the device's own rule engine: an action applied where it should not be
or not undone, the else branch lost, the rules fetched from the server instead of the device, a
rule's error message that does not stop the save, or stops it only after the save was queued.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from clients.mutants import Mutant
from clients.reference import records, rules
from clients.reference.catalog import BusinessRuleRefused
from clients.reference.driver import ReferenceClient
from clients.reference.webapi import WebApi


def _default_existing_records(patch: pytest.MonkeyPatch) -> None:
    apply = rules._apply

    def as_if_new(action: Mapping[str, Any], state: rules.FormState, is_new: bool) -> None:
        apply(action, state, True)

    patch.setattr(rules, "_apply", as_if_new)


def _ignore_show_hide(patch: pytest.MonkeyPatch) -> None:
    apply = rules._apply

    def without_visibility(action: Mapping[str, Any], state: rules.FormState, is_new: bool) -> None:
        if action.get("type") != "setVisible":
            apply(action, state, is_new)

    patch.setattr(rules, "_apply", without_visibility)


def _rules_by_name(patch: pytest.MonkeyPatch) -> None:
    download = rules.download_rules

    def by_name(api: WebApi, entities: Iterable[str]) -> list[rules.Rule]:
        return sorted(download(api, entities), key=lambda rule: (rule.entity, rule.name))

    patch.setattr(rules, "download_rules", by_name)


def _drop_else_actions(patch: pytest.MonkeyPatch) -> None:
    definition = rules._definition

    def without_else(text: Any) -> dict[str, Any] | None:
        found = definition(text)
        return None if found is None else {key: value for key, value in found.items() if key != "elseActions"}

    patch.setattr(rules, "_definition", without_else)


def _rules_from_server(patch: pytest.MonkeyPatch) -> None:
    def download(self: ReferenceClient, entity: str) -> list[rules.Rule]:
        return rules.download_rules(self._engine().api, [entity])

    patch.setattr(ReferenceClient, "_rules", download)


def _ignore_rule_errors(patch: pytest.MonkeyPatch) -> None:
    def ruled(self: ReferenceClient, entity: str, values: records.Record, is_new: bool) -> records.Record:
        state = rules.evaluate(self._rules(entity), values, is_new)
        return rules.changes({}, state.values) if is_new else state.values

    patch.setattr(ReferenceClient, "_ruled", ruled)


def _queue_before_rules(patch: pytest.MonkeyPatch) -> None:
    ruled = ReferenceClient._ruled

    def queue_then_rule(
        self: ReferenceClient, entity: str, values: records.Record, is_new: bool
    ) -> records.Record:
        try:
            return ruled(self, entity, values, is_new)
        except BusinessRuleRefused:
            record_id = str(values.get(self._engine().metadata()[entity].primary_id) or uuid.uuid4())
            operation = "create" if is_new else "update"
            self._store().enqueue(entity, operation, record_id, {"values": values})
            raise

    patch.setattr(ReferenceClient, "_ruled", queue_then_rule)


MUTANTS = (
    Mutant(
        "default_value_on_existing_records",
        "applies a business rule's default value to existing records too",
        ("MO-BR-001",),
        _default_existing_records,
    ),
    Mutant(
        "ignores_show_hide",
        "ignores the show/hide actions of business rules",
        ("MO-BR-001",),
        _ignore_show_hide,
    ),
    Mutant(
        "rules_in_name_order",
        "runs an entity's business rules in name order, not in process order",
        ("MO-BR-001", "MO-BR-002"),
        _rules_by_name,
    ),
    Mutant(
        "drops_else_actions",
        "downloads business rules without their else actions",
        ("MO-BR-001",),
        _drop_else_actions,
    ),
    Mutant(
        "business_rules_from_server",
        "reads the business rules from the server each time a form opens or saves",
        ("MO-BR-001",),
        _rules_from_server,
    ),
    Mutant(
        "saves_despite_rule_error",
        "saves a record whose business rule shows an error message",
        ("MO-BR-001", "MO-BR-002"),
        _ignore_rule_errors,
    ),
    Mutant(
        "queues_save_refused_by_rule",
        "queues a save before a business rule's error message refuses it",
        ("MO-BR-002",),
        _queue_before_rules,
    ),
)
