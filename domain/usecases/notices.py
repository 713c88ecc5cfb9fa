"""Who is told about a bad event: the lead of the account's owner, never the actor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from domain.reminders import Occasion


def lead_notice(
    lead_id: int | None,
    actor_id: int,
    occasion: Callable[[int, int, datetime], Occasion],
    *,
    ref_id: int,
    now: datetime,
) -> Occasion | None:
    """The notice to queue for the lead (built by ``occasion(ref_id, lead_id, now)``, e.g.
    ``reminders.missed_occasion``); None when there is no lead or the lead acted."""
    if lead_id is None or lead_id == actor_id:
        return None
    return occasion(ref_id, lead_id, now)
