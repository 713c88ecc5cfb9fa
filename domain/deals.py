"""Deals and tenders: their stages and order, which are open, win/loss reasons, the weighted
forecast, and the checks on what a manager types for a deal.

Plain Python. A deal moves lead → qualified → proposal → negotiation and ends won or lost;
"won" and "lost" need a reason (price, quality, relationship, competitor (named), timing,
other with a text). A tender is a deal with a submission deadline. Rows of the former
profile History of kind 'agreement' are signed deals: they read as won unless marked lost.

Example::

    forecast([d1, d2])            # {"RUB": 600_000_00}: amount × probability, open deals only
    check_probability("150")      # Invalid("deal.invalid.probability", {...})
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from domain.profile import Invalid

STAGES: tuple[str, ...] = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
OPEN_STAGES: tuple[str, ...] = STAGES[:4]
CLOSED_STAGES: tuple[str, ...] = ("won", "lost")
KINDS: tuple[str, ...] = ("deal", "tender", "agreement")
NEW_KINDS: tuple[str, ...] = ("deal", "tender")  # an agreement is a deal already won
REASONS: tuple[str, ...] = ("price", "quality", "relationship", "competitor", "timing", "other")
REASON_TEXT_NEEDED = frozenset({"competitor", "other"})  # the name, the text
PROBABILITY_PRESETS: tuple[int, ...] = (10, 25, 50, 75, 90)
# What an open deal counts for in the forecast when nobody set its probability.
STAGE_PROBABILITY: dict[str, int] = {"lead": 10, "qualified": 25, "proposal": 50, "negotiation": 75}
TITLE_LIMIT = 200
REASON_LIMIT = 1000
PAST_CLOSE_DAYS = 30  # an open deal expected to close longer ago than this is out of date
FUTURE_YEARS = 10


class DealLike(Protocol):
    """What the rules read of a deal (storage's Deal has it)."""

    @property
    def kind(self) -> str: ...
    @property
    def stage(self) -> str: ...
    @property
    def amount_minor(self) -> int | None: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def probability(self) -> int | None: ...


def effective_stage(kind: str, stage: str) -> str:
    """The stage as shown and counted: an agreement (signed) is won unless marked lost."""
    if kind == "agreement" and stage not in CLOSED_STAGES:
        return "won"
    return stage if stage in STAGES else "lead"


def is_open(kind: str, stage: str) -> bool:
    return effective_stage(kind, stage) in OPEN_STAGES


def needs_reason(stage: str) -> bool:
    """Won and lost are closed only with a reason."""
    return stage in CLOSED_STAGES


def stage_order(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else 0


def expected_probability(deal: DealLike) -> int:
    """The probability a forecast uses: the one set, else the stage's (won 100, lost 0)."""
    stage = effective_stage(deal.kind, deal.stage)
    if stage == "won":
        return 100
    if stage == "lost":
        return 0
    if deal.probability is not None:
        return max(0, min(100, deal.probability))
    return STAGE_PROBABILITY.get(stage, 0)


def forecast(deals: Iterable[DealLike]) -> dict[str, int]:
    """The weighted forecast of the open deals: Σ amount × probability, per currency (minor
    units, rounded half up), currencies in alphabetical order; deals without amount skipped."""
    totals: dict[str, int] = {}
    for deal in deals:
        if not is_open(deal.kind, deal.stage) or deal.amount_minor is None or not deal.currency:
            continue
        weighted = (deal.amount_minor * expected_probability(deal) + 50) // 100
        totals[deal.currency] = totals.get(deal.currency, 0) + weighted
    return dict(sorted(totals.items()))


def pipeline(deals: Iterable[DealLike]) -> dict[str, int]:
    """How many deals are at each stage (agreements as won), in stage order."""
    counts = dict.fromkeys(STAGES, 0)
    for deal in deals:
        counts[effective_stage(deal.kind, deal.stage)] += 1
    return counts


# --- what the manager types -------------------------------------------------------------

_PERCENT = re.compile(r"^\s*(\d{1,3})\s*(?:%|％|процент\w*)?\s*$")


def check_probability(text: str) -> int | Invalid:
    """A probability typed as "60", "60%", "60 ％": a whole number from 0 to 100."""
    found = _PERCENT.match(text)
    value = int(found[1]) if found else -1
    if not 0 <= value <= 100:
        return Invalid("deal.invalid.probability", {"minimum": 0, "maximum": 100})
    return value


def check_title(text: str) -> str | Invalid:
    """A title on one line (whitespace runs become one space), 1..TITLE_LIMIT characters."""
    title = " ".join(text.split())
    if not title:
        return Invalid("deal.invalid.empty", {})
    if len(title) > TITLE_LIMIT:
        return Invalid("deal.invalid.too_long", {"limit": TITLE_LIMIT, "length": len(title)})
    return title


def check_reason_text(text: str) -> str | Invalid:
    value = text.strip()
    if not value:
        return Invalid("deal.invalid.empty", {})
    if len(value) > REASON_LIMIT:
        return Invalid("deal.invalid.too_long", {"limit": REASON_LIMIT, "length": len(value)})
    return value


def check_close(day: date, today: date, *, open_deal: bool) -> Invalid | None:
    """An expected close must make sense: not more than PAST_CLOSE_DAYS ago for a deal still
    open (it would have closed: move it to won or lost), nor more than FUTURE_YEARS ahead."""
    if open_deal and day < today - timedelta(days=PAST_CLOSE_DAYS):
        return Invalid("deal.invalid.close_past", {"days": PAST_CLOSE_DAYS})
    if day > today + timedelta(days=366 * FUTURE_YEARS):
        return Invalid("deal.invalid.far", {"years": FUTURE_YEARS})
    return None


def check_deadline(day: date, today: date) -> Invalid | None:
    """A tender's submission deadline: today or later (a past one was missed already)."""
    if day < today:
        return Invalid("deal.invalid.deadline_past", {})
    if day > today + timedelta(days=366 * FUTURE_YEARS):
        return Invalid("deal.invalid.far", {"years": FUTURE_YEARS})
    return None


# --- date presets -----------------------------------------------------------------------

CLOSE_PRESETS: tuple[str, ...] = ("month", "next_month", "quarter", "half")
DEADLINE_PRESETS: tuple[str, ...] = ("week", "2weeks", "30days")


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def close_preset(preset: str, today: date) -> date | None:
    """End of this month, of next month, of this quarter, in six months; None if unknown."""
    if preset == "month":
        return _month_end(today.year, today.month)
    if preset == "next_month":
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return _month_end(year, month)
    if preset == "quarter":
        return _month_end(today.year, (today.month - 1) // 3 * 3 + 3)
    if preset == "half":
        return today + timedelta(days=182)
    return None


def deadline_preset(preset: str, today: date) -> date | None:
    days = {"week": 7, "2weeks": 14, "30days": 30}.get(preset)
    return None if days is None else today + timedelta(days=days)


@dataclass(frozen=True)
class Closing:
    """What closing a deal writes: the stage, its reason and text, the day it closed."""

    stage: str
    reason_code: str
    result_reason: str | None
    closed_on: date


def closing(stage: str, reason: str, text: str | None, today: date) -> Closing | Invalid:
    """Won or lost with a known reason; competitor and other need their text."""
    if stage not in CLOSED_STAGES or reason not in REASONS:
        return Invalid("deal.invalid.reason", {})
    if reason in REASON_TEXT_NEEDED and not (text or "").strip():
        return Invalid("deal.invalid.empty", {})
    return Closing(stage, reason, (text or "").strip() or None, today)
