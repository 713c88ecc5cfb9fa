"""Recording a satisfaction score: a low one creates a recovery task and tells the lead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.entities import CheckView, NewTask
from domain.reminders import Occasion, local_moment, low_score_occasion
from domain.usecases.notices import lead_notice

LOW_SCORE = 2
"""A score at or below this creates a recovery task and tells the lead."""
OPEN_STATUSES = ("scheduled", "asked")


def is_open(check: CheckView) -> bool:
    """Still waiting for a score (not answered or skipped yet)."""
    return check.status in OPEN_STATUSES


def is_low(score: int) -> bool:
    return score <= LOW_SCORE


def recovery_due(today: date, tz: ZoneInfo) -> datetime:
    """Tomorrow (local midnight: a task with a date only; it shows in the digest)."""
    return local_moment(today + timedelta(days=1), time(0, 0), tz)


@dataclass(frozen=True)
class ScorePlan:
    """What recording the score writes: the answer, maybe a recovery task and a notice."""

    check_id: int
    score: int
    old_status: str
    recovery: NewTask | None
    notice: Occasion | None

    @property
    def lead_id(self) -> int | None:
        return None if self.notice is None else self.notice.manager_id


def plan_score(
    check: CheckView,
    score: int,
    *,
    actor_id: int,
    now: datetime,
    lead_id: int | None,
    recovery_text: str,
    recovery_due: datetime,
) -> ScorePlan | None:
    """The plan for `score` on `check`; None when the check is answered or skipped already.

    `lead_id` is the lead of the account's owner; the recovery task is dated only.
    """
    if not 1 <= score <= 5:
        raise ValueError("a score is 1 to 5")
    if not is_open(check):
        return None
    if not is_low(score):
        return ScorePlan(check.id, score, check.status, None, None)
    task = NewTask(
        assignee_id=actor_id,
        text=recovery_text,
        origin="recovery",
        account_id=check.account_id,
        meeting_id=check.meeting_id,
        due_at=recovery_due,
        due_has_time=False,
    )
    notice = lead_notice(lead_id, actor_id, low_score_occasion, ref_id=check.id, now=now)
    return ScorePlan(check.id, score, check.status, task, notice)
