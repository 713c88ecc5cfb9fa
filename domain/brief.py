"""What a pre-meeting brief picks out of a profile: plain selections, no Telegram."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from domain.profile import birthday_month_day

ROLE_ORDER = ("decision_maker", "champion", "influencer", "gatekeeper", "user")


def key_people(contacts: Sequence[Mapping[str, Any]], limit: int = 6) -> list[Mapping[str, Any]]:
    """Who is who: people with a decision role first (decision makers on top)."""

    def order(contact: Mapping[str, Any]) -> tuple[int, str]:
        role = contact.get("decision_role")
        rank = ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)
        return rank, str(contact.get("full_name") or "")

    return sorted(contacts, key=order)[:limit]


def birthdays_this_month(
    contacts: Sequence[Mapping[str, Any]], today: date
) -> list[tuple[int, Mapping[str, Any]]]:
    """(day of month, contact) for birthdays in today's month, in calendar order."""
    found = []
    for contact in contacts:
        month_day = birthday_month_day(contact.get("birthday"))
        if month_day and month_day[0] == today.month:
            found.append((month_day[1], contact))
    return sorted(found, key=lambda pair: pair[0])


def next_plan_step(steps: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The first open action-plan step (steps come soonest due first)."""
    return next((s for s in steps if s.get("status") == "open"), None)
