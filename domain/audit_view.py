"""How an audit row reads to a person: values shortened, dates recognised, rows of one change
grouped under one heading (the same moment, person, item and action)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Generic, Protocol, TypeVar

from domain import contracts, profile
from domain.entities import MEETING_KINDS
from domain.policy import ALL_ROLES

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
VALUE_CHARS = 60
# Columns that hold a manager's id: shown as the manager's name.
MANAGER_FIELDS = frozenset({"owner_id", "assignee_id", "manager_id", "author_id", "lead_id"})
# Columns stored as 0/1.
FLAG_FIELDS = frozenset({"active", "is_executive_sponsor", "due_has_time", "notify_weekly"})
# The audit log's entity for each list of the profile (domain.profile.FIELDS).
_PROFILE_ENTITIES = {
    "account": "account",
    "contact": "contact",
    "related": "related_organisation",
    "team": "account_team",
    "deal": "deal",
    "spend": "client_spend",
    "supplier": "previous_supplier",
    "plan": "task",
}


def _code_labels() -> dict[tuple[str, str], tuple[frozenset[str], str]]:
    """Columns that store a code (a status, a stage, a kind): the codes, and the message id
    prefix that names each in the reader's language."""
    found = {
        (_PROFILE_ENTITIES[entity], spec.col): (frozenset(spec.options), spec.option_label + ".")
        for entity, specs in profile.FIELDS.items()
        for spec in specs
        if spec.kind == "choice" and entity in _PROFILE_ENTITIES
    }
    found[("contract", "status")] = (
        frozenset(("draft", "active", "at_risk", "completed", "terminated", "expired")),
        "contract.status.",
    )
    found[("obligation", "status")] = (
        frozenset((*contracts.OPEN_STATUSES, "met", "missed")),
        "contract.term_status.",
    )
    found[("obligation", "kind")] = (frozenset(contracts.OBLIGATION_KINDS), "contract.kind.")
    found[("obligation", "party")] = (frozenset(("ours", "client")), "contract.party.")
    found[("meeting", "status")] = (frozenset(("planned", "held")), "meeting.status_")
    found[("meeting", "kind")] = (frozenset(MEETING_KINDS), "meeting.kind_")
    found[("manager", "role")] = (frozenset(ALL_ROLES), "role.")
    return found


_CODE_LABELS = _code_labels()


def code_message(entity: str, field: str | None, raw: str) -> str | None:
    """The message id naming a stored code ("terminated" → "contract.status.terminated"), or
    None when the column holds no code or the value is not one of its codes."""
    entry = _CODE_LABELS.get((entity, field or ""))
    if entry is None or raw not in entry[0]:
        return None
    return entry[1] + raw


def parse_value(raw: str) -> str | date | datetime:
    """A stored value as a date or time when it is one (so it can be shown in the reader's
    language and zone), else the text."""
    if _DATETIME.match(raw):
        return datetime.strptime(raw, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    if _DATE.match(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return raw
    return raw


def short(text: str, limit: int = VALUE_CHARS) -> str:
    """One line of at most ``limit`` characters (an ellipsis marks a cut)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class Row(Protocol):
    @property
    def at(self) -> datetime: ...
    @property
    def actor_name(self) -> str | None: ...
    @property
    def entity(self) -> str: ...
    @property
    def entity_id(self) -> int: ...
    @property
    def action(self) -> str: ...


R = TypeVar("R", bound=Row)


@dataclass(frozen=True)
class Group(Generic[R]):
    """Rows of one change: one heading, a line per field."""

    head: R
    rows: Sequence[R]


def group(rows: Sequence[R]) -> list[Group[R]]:
    """Consecutive rows of the same moment, person, item and action, together."""
    groups: list[Group[R]] = []
    current: list[R] = []

    def key(row: R) -> tuple[object, ...]:
        return (row.at, row.actor_name, row.entity, row.entity_id, row.action)

    for row in rows:
        if current and key(current[0]) != key(row):
            groups.append(Group(current[0], tuple(current)))
            current = []
        current.append(row)
    if current:
        groups.append(Group(current[0], tuple(current)))
    return groups
