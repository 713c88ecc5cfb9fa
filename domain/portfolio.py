"""The lead's portfolio view: who carries which key accounts and how much revenue, and who
carries too much.

The article assigns key accounts by revenue, not by count: a KAM works 1-3 key accounts. So a
manager is flagged when they hold more than MAX_KEY_ACCOUNTS key accounts, or when their
revenue in a currency is more than LOAD_FACTOR times the median of the managers in the view
who hold key accounts (a median of nothing or of zero flags nobody). Revenue is per currency
and never converted; each currency is compared on its own.

An account's revenue is its contracts in force (active or at risk) plus its deals won within
the last WON_WITHIN (a signed "agreement" of the former History counts as won from the day it
was entered): a deal won years ago is not this year's revenue.

Plain Python: storage hands in the figures, handlers show them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

MAX_KEY_ACCOUNTS = 3
LOAD_FACTOR = 2
WON_WITHIN = timedelta(days=365)


def won_since(today: date) -> date:
    """The first day whose won deals still count as revenue."""
    return today - WON_WITHIN


TOO_MANY = "too_many"
HEAVY = "heavy"


@dataclass(frozen=True)
class Load:
    """One manager's key accounts and revenue (minor units per currency)."""

    manager_id: int
    key_accounts: int
    revenue: Mapping[str, int]


@dataclass(frozen=True)
class Flag:
    kind: str  # TOO_MANY or HEAVY
    currency: str | None = None  # HEAVY: in which currency
    median_minor: int | None = None  # HEAVY: the team's median in it


def add_up(parts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Sums of amounts per currency, currencies in alphabetical order."""
    totals: dict[str, int] = {}
    for part in parts:
        for currency, amount in part.items():
            totals[currency] = totals.get(currency, 0) + amount
    return dict(sorted(totals.items()))


def team_medians(loads: Sequence[Load]) -> dict[str, float]:
    """The median revenue per currency over the managers who hold key accounts (a manager
    without revenue in a currency counts as zero in it)."""
    holders = [load for load in loads if load.key_accounts > 0]
    currencies = sorted({c for load in holders for c in load.revenue})
    return {c: float(median(load.revenue.get(c, 0) for load in holders)) for c in currencies}


def flags(loads: Sequence[Load]) -> dict[int, list[Flag]]:
    """Each manager's flags (empty list: none)."""
    medians = team_medians(loads)
    found: dict[int, list[Flag]] = {}
    for load in loads:
        mine: list[Flag] = []
        if load.key_accounts > MAX_KEY_ACCOUNTS:
            mine.append(Flag(TOO_MANY))
        for currency, amount in sorted(load.revenue.items()):
            middle = medians.get(currency, 0.0)
            if middle > 0 and amount > LOAD_FACTOR * middle:
                mine.append(Flag(HEAVY, currency, round(middle)))
        found[load.manager_id] = mine
    return found
