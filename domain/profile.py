"""The key account profile as data: sections, typed fields with limits, and their validation;
how complete a profile is and what matters most that is missing; the satisfaction trend.

Plain Python: message ids (``"profile.field.goals"``) name labels; handlers translate them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol, TypeVar
from zoneinfo import ZoneInfo

from domain.money import parse_money

FieldKind = Literal["text", "money", "number", "date", "birthday", "choice", "manager", "flag"]
ListKind = Literal["contact", "related", "team", "deal", "spend", "supplier", "plan"]
Entity = Literal["account", "contact", "related", "team", "deal", "spend", "supplier", "plan"]

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_PHONE = re.compile(r"^\+?[\d\s().\-]+$")
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
_DAY_MONTH = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{4}))?$")
_ISO_DAY = re.compile(r"^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?$")


@dataclass(frozen=True)
class FieldSpec:
    """One editable field. `key` is short and goes into callback data."""

    key: str
    kind: FieldKind
    label: str  # message id
    column: str = ""  # stored column; money: the *_minor column
    limit: int = 200  # text: maximum characters; number: maximum value
    minimum: int = 0
    options: tuple[str, ...] = ()
    option_label: str = ""  # message id prefix: f"{option_label}.{option}"
    currency_column: str | None = None
    required: bool = False
    prefer: Literal["past", "future"] = "future"  # for dates
    timed: bool = False  # a date stored as a UTC moment (tasks' due_at)

    @property
    def col(self) -> str:
        return self.column or self.key

    def option_message(self, option: str) -> str:
        return f"{self.option_label}.{option}"

    @property
    def picked(self) -> bool:
        """Chosen with buttons (a choice, yes/no, a manager), not typed."""
        return self.kind in ("choice", "manager", "flag")


def _text(key: str, limit: int = 200, *, required: bool = False) -> FieldSpec:
    return FieldSpec(key, "text", f"profile.field.{key}", limit=limit, required=required)


def _long(key: str, limit: int = 2000) -> FieldSpec:
    return FieldSpec(key, "text", f"profile.field.{key}", limit=limit)


def _choice(key: str, options: tuple[str, ...], prefix: str) -> FieldSpec:
    return FieldSpec(key, "choice", f"profile.field.{key}", options=options, option_label=prefix)


def _money(key: str, minor: str, currency: str) -> FieldSpec:
    return FieldSpec(key, "money", f"profile.field.{key}", column=minor, currency_column=currency)


ACCOUNT_STATUSES = ("prospect", "active", "at_risk", "lost")
DECISION_ROLES = ("decision_maker", "influencer", "user", "gatekeeper", "champion")
ATTITUDES = ("supporter", "neutral", "opponent")
ORG_KINDS = ("division", "branch", "subsidiary", "partner", "competitor", "supplier", "customer")
STRUCTURE_KINDS = frozenset({"division", "branch", "subsidiary"})
DEAL_KINDS = ("agreement", "tender", "deal")
DEAL_STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
SPEND_PERIODS = ("month", "quarter", "year", "once")
PLAN_STATUSES = ("open", "done")

FIELDS: dict[Entity, tuple[FieldSpec, ...]] = {
    "account": (
        _text("name", 120, required=True),
        _text("aliases", 300),
        _choice("status", ACCOUNT_STATUSES, "profile.status"),
        FieldSpec("owner_id", "manager", "profile.field.owner_id", required=True),
        _text("industry", 100),
        _text("city", 100),
        _text("website", 200),
        _long("description"),
        _long("goals"),
        _long("financial_results"),
        _long("corporate_culture"),
        _long("industry_notes"),
        _long("relationship_current"),
        _long("relationship_future"),
        _long("decision_process"),
        _long("resources_plan"),
        _money("opportunity_1y", "opportunity_1y_minor", "opportunity_1y_currency"),
        _money("opportunity_3_5y", "opportunity_3_5y_minor", "opportunity_3_5y_currency"),
        FieldSpec(
            "contact_cadence_days",
            "number",
            "profile.field.contact_cadence_days",
            limit=365,
            minimum=1,
            required=True,
        ),
    ),
    "contact": (
        _text("full_name", 120, required=True),
        _text("position", 120),
        _choice("decision_role", DECISION_ROLES, "profile.role"),
        _choice("attitude", ATTITUDES, "profile.attitude"),
        _text("phone", 40),
        _text("email", 120),
        FieldSpec("birthday", "birthday", "profile.field.birthday", prefer="past"),
        _long("notes", 1000),
    ),
    "related": (
        _choice("kind", ORG_KINDS, "profile.org_kind"),
        _text("name", 120, required=True),
        _text("note", 500),
    ),
    "team": (
        FieldSpec("manager_id", "manager", "profile.field.team_manager"),
        _text("name", 120),
        _text("role", 120),
        FieldSpec("is_executive_sponsor", "flag", "profile.field.is_executive_sponsor"),
    ),
    "deal": (
        _choice("kind", DEAL_KINDS, "profile.deal_kind"),
        _text("title", 200, required=True),
        _choice("stage", DEAL_STAGES, "profile.stage"),
        _money("amount", "amount_minor", "currency"),
        FieldSpec("probability", "number", "profile.field.probability", limit=100),
        FieldSpec("expected_close_on", "date", "profile.field.expected_close_on"),
        FieldSpec("closed_on", "date", "profile.field.closed_on", prefer="past"),
        _long("result_reason", 1000),
        FieldSpec("owner_id", "manager", "profile.field.deal_owner"),
    ),
    "spend": (
        _text("need", 200, required=True),
        _money("amount", "amount_minor", "currency"),
        _choice("period", SPEND_PERIODS, "profile.period"),
        _text("note", 500),
    ),
    "supplier": (
        _text("name", 120, required=True),
        _text("supplied", 300),
        _text("period", 100),
        _long("reason_left", 1000),
    ),
    "plan": (
        _text("text", 300, required=True),
        _text("goal", 300),
        FieldSpec("assignee_id", "manager", "profile.field.assignee_id", required=True),
        FieldSpec("due_at", "date", "profile.field.due_at", timed=True),
        _text("resources", 500),
        _choice("status", PLAN_STATUSES, "profile.plan_status"),
    ),
}

# The field asked for first when a list item is added (it names the item).
TITLE_FIELD: dict[ListKind, str] = {
    "contact": "full_name",
    "related": "name",
    "team": "name",
    "deal": "title",
    "spend": "need",
    "supplier": "name",
    "plan": "text",
}


class _Item(Protocol):
    def get(self, key: str) -> Any: ...


ItemT = TypeVar("ItemT", bound=_Item)


def list_groups(entity: str, items: Sequence[ItemT]) -> list[tuple[str, list[ItemT]]]:
    """A list's heading (a message id) and items; related organisations come as two lists:
    the account's own structure (divisions, branches, subsidiaries) and the others."""
    if entity != "related":
        return [(f"profile.list.{entity}", list(items))]
    structure = [i for i in items if i.get("kind") in STRUCTURE_KINDS]
    others = [i for i in items if i.get("kind") not in STRUCTURE_KINDS]
    return [("profile.list.structure", structure), ("profile.list.related", others)]


def field_spec(entity: Entity, key: str) -> FieldSpec | None:
    return next((spec for spec in FIELDS[entity] if spec.key == key), None)


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # message id
    fields: tuple[str, ...]  # account fields shown and edited in this section
    lists: tuple[ListKind, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "general",
        "profile.section.general",
        (
            "name",
            "aliases",
            "status",
            "owner_id",
            "industry",
            "city",
            "website",
            "description",
            "goals",
            "financial_results",
            "corporate_culture",
            "industry_notes",
        ),
        (),
    ),
    Section("structure", "profile.section.structure", (), ("related",)),
    Section("contacts", "profile.section.contacts", ("decision_process",), ("contact",)),
    Section("team", "profile.section.team", (), ("team",)),
    Section(
        "history",
        "profile.section.history",
        ("relationship_current", "relationship_future"),
        ("deal",),
    ),
    Section("spending", "profile.section.spending", (), ("spend", "supplier")),
    Section(
        "prospects",
        "profile.section.prospects",
        ("opportunity_1y", "opportunity_3_5y", "resources_plan", "contact_cadence_days"),
        ("plan",),
    ),
)
SECTION_KEYS = {section.key: section for section in SECTIONS}
SECTION_OF_LIST: dict[ListKind, str] = {
    entity: section.key for section in SECTIONS for entity in section.lists
}


# --- validation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Invalid:
    """Why a typed value was refused: a message id and its placeholder values."""

    reason: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Parsed:
    """The columns to store; `shown` is a neutral form of the value (handlers format it)."""

    changes: dict[str, Any]
    shown: Any


def _aliases(text: str) -> str:
    parts = [p.strip() for p in re.split(r"[\n,;，；、]", text)]
    return "\n".join(dict.fromkeys(p for p in parts if p))


def parse_value(
    spec: FieldSpec,
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    default_currency: str,
) -> Parsed | Invalid:
    """Validates what the manager typed for `spec`; buttons-only kinds refuse typing."""
    from domain.dates import parse_when

    value = text.strip()
    if not value:
        return Invalid("profile.invalid.empty", {})
    if spec.picked:
        return Invalid("profile.invalid.use_buttons", {})
    if spec.kind == "text":
        if spec.key == "aliases":
            value = _aliases(value)
        if len(value) > spec.limit:
            return Invalid("profile.invalid.too_long", {"limit": spec.limit, "length": len(value)})
        if spec.key == "phone":
            digits = re.sub(r"\D", "", value)
            if not _PHONE.match(value) or not 5 <= len(digits) <= 15:
                return Invalid("profile.invalid.phone", {})
        if spec.key == "email" and not _EMAIL.match(value):
            return Invalid("profile.invalid.email", {})
        return Parsed({spec.col: value}, value)
    if spec.kind == "number":
        cleaned = re.sub(r"[\s%]", "", value)
        if not cleaned.isdigit() or not spec.minimum <= int(cleaned) <= spec.limit:
            return Invalid(
                "profile.invalid.number", {"minimum": spec.minimum, "maximum": spec.limit}
            )
        return Parsed({spec.col: int(cleaned)}, int(cleaned))
    if spec.kind == "money":
        money = parse_money(value, default_currency=default_currency)
        if money is None:
            return Invalid("profile.invalid.money", {})
        assert spec.currency_column is not None
        return Parsed({spec.col: money.amount_minor, spec.currency_column: money.currency}, money)
    if spec.kind == "birthday":
        day = parse_birthday(value, now=now, tz=tz)
        if day is None:
            return Invalid("profile.invalid.birthday", {})
        return Parsed({spec.col: day}, day)
    parsed = parse_when(value, now=now, tz=tz, prefer=spec.prefer)
    if parsed is None or not parsed.has_date:
        return Invalid("profile.invalid.date", {})
    if spec.timed:
        return Parsed({spec.col: parsed.at, "due_has_time": parsed.has_time}, parsed.at)
    local_day = parsed.at.astimezone(tz).date()
    return Parsed({spec.col: local_day}, local_day)


@dataclass(frozen=True)
class Clipped:
    """A value over its field's limit, cut to the limit: saved only if the manager confirms."""

    parsed: Parsed
    why: Invalid


def read_value(
    spec: FieldSpec, text: str, *, now: datetime, tz: ZoneInfo, default_currency: str
) -> Parsed | Invalid | Clipped:
    """`parse_value`; a text too long for the field is offered cut to the limit (nothing
    typed is lost: the manager may type it again instead)."""
    result = parse_value(spec, text, now=now, tz=tz, default_currency=default_currency)
    if isinstance(result, Invalid) and result.reason == "profile.invalid.too_long":
        cut = text.strip()[: spec.limit]
        clipped = parse_value(spec, cut, now=now, tz=tz, default_currency=default_currency)
        if isinstance(clipped, Parsed):
            return Clipped(clipped, result)
    return result


def stored_form(changes: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Column values in a JSON-safe form (dates tagged) to keep in a dialog's data."""
    tagged: dict[str, list[Any]] = {}
    for col, value in changes.items():
        if isinstance(value, datetime):
            tagged[col] = ["dt", value.isoformat()]
        elif isinstance(value, date):
            tagged[col] = ["d", value.isoformat()]
        else:
            tagged[col] = ["v", value]
    return tagged


def from_stored_form(tagged: Mapping[str, Any]) -> dict[str, Any]:
    """The column values `stored_form` kept."""
    kinds = {"dt": datetime.fromisoformat, "d": date.fromisoformat}
    return {col: kinds[kind](raw) if kind in kinds else raw for col, (kind, raw) in tagged.items()}


def contact_from_card(first: str | None, last: str | None, phone: str | None) -> dict[str, Any]:
    """A shared Telegram contact card as a contact's fields (name and phone, within limits)."""
    name = " ".join(part for part in (first, last) if part).strip()[:120] or "—"
    return {"full_name": name, "phone": re.sub(r"[^\d+]", "", phone or "")[:40] or None}


def same_phone(one: str | None, other: str | None) -> bool:
    """Whether two phone numbers have the same digits (however they are written)."""
    digits = re.sub(r"\D", "", one or "")
    return bool(digits) and digits == re.sub(r"\D", "", other or "")


def parse_birthday(text: str, *, now: datetime, tz: ZoneInfo) -> str | None:
    """'12.03', '12.03.1980', '1980-03-12', '12 March', '3月12日' → 'YYYY-MM-DD' or '--MM-DD'."""
    from domain.dates import parse_when

    value = text.strip()
    found = _DAY_MONTH.match(value)
    iso = _ISO_DAY.match(value)
    if found:
        day, month = int(found[1]), int(found[2])
        year = int(found[3]) if found[3] else None
    elif iso:  # years long past are beyond parse_when's ten-year window
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    else:
        parsed = parse_when(value, now=now, tz=tz, prefer="past")
        if parsed is None or not parsed.has_date or parsed.has_time:
            return None
        local = parsed.at.astimezone(tz).date()
        day, month = local.day, local.month
        year = local.year if _YEAR.search(value) else None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29 February is fine
    except ValueError:
        return None
    if year is not None:
        if not 1900 <= year <= now.year:
            return None
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"--{month:02d}-{day:02d}"


def birthday_month_day(birthday: str | None) -> tuple[int, int] | None:
    if not birthday:
        return None
    found = re.match(r"^(?:\d{4}|-)-(\d{2})-(\d{2})$", birthday)
    return (int(found[1]), int(found[2])) if found else None


# --- completeness ----------------------------------------------------------------------

# (piece, weight): what a good dossier has, the most important first.
PIECES: tuple[tuple[str, int], ...] = (
    ("decision_process", 3),
    ("decision_maker", 3),
    ("opportunity_1y", 3),
    ("opportunity_3_5y", 2),
    ("goals", 2),
    ("executive_sponsor", 2),
    ("action_plan", 2),
    ("contacts", 2),
    ("description", 1),
    ("financial_results", 1),
    ("industry", 1),
    ("corporate_culture", 1),
    ("related", 1),
    ("history", 1),
    ("spend", 1),
    ("suppliers", 1),
)


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: tuple[str, ...]  # piece names, most important first


def completeness(
    account: Mapping[str, Any], lists: Mapping[str, Sequence[Mapping[str, Any]]]
) -> Completeness:
    """How much of the dossier is filled in, weighted by what matters for decisions."""

    def filled(name: str) -> bool:
        return bool(str(account.get(name) or "").strip())

    contacts = lists.get("contact", ())
    have = {
        "decision_process": filled("decision_process"),
        "decision_maker": any(c.get("decision_role") == "decision_maker" for c in contacts),
        "opportunity_1y": account.get("opportunity_1y_minor") is not None,
        "opportunity_3_5y": account.get("opportunity_3_5y_minor") is not None,
        "goals": filled("goals"),
        "executive_sponsor": any(m.get("is_executive_sponsor") for m in lists.get("team", ())),
        "action_plan": bool(lists.get("plan")),
        "contacts": bool(contacts),
        "description": filled("description"),
        "financial_results": filled("financial_results"),
        "industry": filled("industry"),
        "corporate_culture": filled("corporate_culture"),
        "related": bool(lists.get("related")),
        "history": bool(lists.get("deal")),
        "spend": bool(lists.get("spend")),
        "suppliers": bool(lists.get("supplier")),
    }
    total = sum(weight for _, weight in PIECES)
    done = sum(weight for name, weight in PIECES if have[name])
    missing = tuple(name for name, _ in PIECES if not have[name])
    return Completeness(round(100 * done / total), missing)


# --- satisfaction ----------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    latest: int
    average: float
    count: int
    direction: Literal["up", "down", "flat"] | None  # None with a single score


def satisfaction_trend(scores_newest_first: Sequence[int]) -> Trend | None:
    """The latest score against the mean of up to three before it (CSAT 1-5)."""
    if not scores_newest_first:
        return None
    latest = scores_newest_first[0]
    average = sum(scores_newest_first) / len(scores_newest_first)
    earlier = scores_newest_first[1:4]
    if not earlier:
        return Trend(latest, average, len(scores_newest_first), None)
    delta = latest - sum(earlier) / len(earlier)
    direction: Literal["up", "down", "flat"] = (
        "up" if delta >= 0.5 else "down" if delta <= -0.5 else "flat"
    )
    return Trend(latest, average, len(scores_newest_first), direction)


def days_since(moment: datetime | None, now: datetime, tz: ZoneInfo) -> int | None:
    """Whole calendar days between a moment and now in the manager's zone."""
    if moment is None:
        return None
    return (now.astimezone(tz).date() - moment.astimezone(tz).date()).days


def is_overdue(due_at: datetime | None, has_time: bool, now: datetime, tz: ZoneInfo) -> bool:
    """A task's due moment has passed: the time itself when one was given, else the whole
    local day (a task due today without a time is not overdue until tomorrow)."""
    if due_at is None:
        return False
    if has_time:
        return due_at < now
    return due_at.astimezone(tz).date() < now.astimezone(tz).date()
