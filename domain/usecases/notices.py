"""Who is told about a bad event: the lead of the account's owner, never the actor."""

from __future__ import annotations

from datetime import datetime

from domain.reminders import Kind, Occasion


def lead_notice(
    lead_id: int | None, actor_id: int, *, key: str, kind: Kind, ref_id: int, now: datetime
) -> Occasion | None:
    """The notice to queue for the lead; None when there is no lead or the lead acted."""
    if lead_id is None or lead_id == actor_id:
        return None
    return Occasion(key, lead_id, kind, ref_id, now)
