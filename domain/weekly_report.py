"""Who gets the Monday report when they never chose (kept apart from domain.reports, which
storage.managers would otherwise import with all its figures at start-up)."""

from __future__ import annotations


def weekly_default(role: str) -> bool:
    """Whether the weekly report is on when the manager never chose: leads and admins yes."""
    return role in ("lead", "admin")


def weekly_on(role: str, notify_weekly: bool | None) -> bool:
    return weekly_default(role) if notify_weekly is None else notify_weekly
