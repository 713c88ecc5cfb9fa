"""Use cases in domain/: what saving, scoring, resolving, completing and snoozing decide.

No database: each use case takes its facts and returns a plan.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain import meeting_dates
from domain.entities import CheckView, ObligationView, Task
from domain.meeting_draft import MeetingDraft, NextStep, iso
from domain.search import Match, is_sure_match
from domain.usecases import obligations, satisfaction, tasks
from domain.usecases.meetings import plan_save

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)  # a Thursday
MOSCOW = ZoneInfo("Europe/Moscow")


def _draft(**changes: object) -> MeetingDraft:
    draft = MeetingDraft.start("tok", NOW, satisfaction_days=7)
    draft.set_account(5, "VT-Metal")
    draft.contact_ids = [3]
    draft.add_note("Prices")
    draft.next_steps.append(NextStep("send offer", iso(NOW + timedelta(days=1)), False))
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft


# --- saving a meeting ----------------------------------------------------------------------


def test_a_held_meeting_creates_its_next_steps_and_the_satisfaction_check() -> None:
    plan = plan_save(_draft(outcome="positive"), author_id=9, now=NOW)
    assert plan.status == "held" and plan.is_contact
    assert plan.summary == "Prices" and plan.agenda is None and plan.outcome == "positive"
    assert [(t.text, t.due_at) for t in plan.tasks] == [("send offer", NOW + timedelta(days=1))]
    assert plan.satisfaction_due_at == NOW + timedelta(days=7)
    assert plan.remind_before_minutes is None
    assert plan.author_id == 9 and plan.account_id == 5 and plan.client_token == "tok"


def test_a_planned_meeting_has_an_agenda_and_a_reminder_but_no_tasks_or_check() -> None:
    later = iso(NOW + timedelta(days=2))
    plan = plan_save(
        _draft(starts_at=later, mode="planned", outcome="positive"), author_id=9, now=NOW
    )
    assert plan.status == "planned" and not plan.is_contact
    assert plan.agenda == "Prices" and plan.summary is None and plan.outcome is None
    assert plan.tasks == () and plan.satisfaction_due_at is None
    assert plan.remind_before_minutes == 60


def test_editing_a_saved_meeting_creates_no_second_tasks_or_check() -> None:
    plan = plan_save(_draft(editing_meeting_id=42), author_id=9, now=NOW)
    assert plan.existing_id == 42 and plan.status == "held"
    assert plan.tasks == () and plan.satisfaction_due_at is None


def test_a_planned_meeting_recorded_as_held_is_the_same_row_and_creates_tasks() -> None:
    plan = plan_save(_draft(source_meeting_id=17, agenda="Plan"), author_id=9, now=NOW)
    assert plan.existing_id == 17 and plan.agenda == "Plan" and len(plan.tasks) == 1


def test_a_new_client_is_named_when_no_account_is_chosen() -> None:
    plan = plan_save(_draft(account_id=None, account_name="New Co"), author_id=9, now=NOW)
    assert plan.account_id is None and plan.new_account_name == "New Co"


def test_no_satisfaction_check_when_the_manager_turned_it_off() -> None:
    assert plan_save(_draft(satisfaction_days=0), author_id=9, now=NOW).satisfaction_due_at is None


# --- a satisfaction score ------------------------------------------------------------------


CHECK = CheckView(
    id=4,
    account_id=5,
    account_name="VT-Metal",
    manager_id=9,
    contact_id=3,
    contact_name="Ivan",
    meeting_id=17,
    meeting_at=NOW,
    due_at=NOW,
    status="asked",
    score=None,
    comment=None,
    answered_at=None,
)
DUE = NOW + timedelta(days=1)


def _score(
    score: int, lead_id: int | None = 1, check: CheckView = CHECK
) -> satisfaction.ScorePlan | None:
    return satisfaction.plan_score(
        check, score, actor_id=9, now=NOW, lead_id=lead_id, recovery_text="Fix", recovery_due=DUE
    )


def test_a_low_score_plans_a_recovery_task_and_the_leads_notice() -> None:
    plan = _score(2)
    assert isinstance(plan, satisfaction.ScorePlan)
    assert plan.recovery is not None and plan.recovery.origin == "recovery"
    assert (plan.recovery.assignee_id, plan.recovery.meeting_id) == (9, 17)
    assert plan.recovery.due_at == DUE and not plan.recovery.due_has_time
    assert plan.notice is not None and plan.notice.key == "low:4"
    assert plan.notice.kind == "low_score" and plan.lead_id == 1


@pytest.mark.parametrize("score", [3, 4, 5])
def test_a_good_score_is_only_recorded(score: int) -> None:
    plan = _score(score)
    assert isinstance(plan, satisfaction.ScorePlan)
    assert plan.recovery is None and plan.notice is None and plan.score == score


@pytest.mark.parametrize("lead_id", [None, 9])
def test_no_notice_without_a_lead_or_when_the_lead_scored(lead_id: int | None) -> None:
    plan = _score(1, lead_id)
    assert isinstance(plan, satisfaction.ScorePlan)
    assert plan.recovery is not None and plan.notice is None and plan.lead_id is None


def test_an_answered_check_is_not_scored_again_and_a_score_is_one_to_five() -> None:
    assert _score(1, check=replace(CHECK, status="answered")) is None
    assert _score(1, check=replace(CHECK, status="skipped")) is None
    assert satisfaction.is_open(CHECK) and satisfaction.is_open(replace(CHECK, status="scheduled"))
    assert not satisfaction.is_open(replace(CHECK, status="answered"))
    with pytest.raises(ValueError, match="1 to 5"):
        _score(6)


def test_the_recovery_task_is_due_tomorrow_local_midnight() -> None:
    due = satisfaction.recovery_due(date(2026, 11, 26), MOSCOW)
    assert due == datetime(2026, 11, 26, 21, 0, tzinfo=UTC)


# --- resolving an obligation ---------------------------------------------------------------


VIEW = ObligationView(
    id=8,
    contract_id=2,
    contract_title="Supply",
    contract_status="active",
    account_id=5,
    account_name="VT-Metal",
    owner_id=9,
    party="ours",
    description="Deliver",
    due_on=date(2026, 11, 25),
    recurrence="none",
    status="pending",
    delayed_to=None,
)


def test_a_missed_obligation_puts_the_contract_at_risk_and_tells_the_lead() -> None:
    plan = obligations.plan_resolve(VIEW, "missed", actor_id=9, now=NOW, lead_id=1)
    assert plan is not None and plan.contract_at_risk == 2
    assert plan.notice is not None and plan.notice.key == "missed:8" and plan.lead_id == 1
    assert plan.following is None


def test_a_missed_obligation_of_a_contract_already_at_risk_leaves_the_contract() -> None:
    view = replace(VIEW, contract_status="at_risk")
    plan = obligations.plan_resolve(view, "missed", actor_id=9, now=NOW, lead_id=9)
    assert plan is not None and plan.contract_at_risk is None and plan.notice is None


def test_a_met_recurring_obligation_gets_its_next_occurrence() -> None:
    view = replace(VIEW, recurrence="monthly", due_on=date(2026, 1, 31))
    plan = obligations.plan_resolve(view, "met", actor_id=9, now=NOW, lead_id=1)
    assert plan is not None and plan.notice is None and plan.contract_at_risk is None
    assert plan.following is not None and plan.following.due_on == date(2026, 2, 28)
    assert plan.following.recurrence == "monthly" and plan.following.contract_id == 2


def test_a_delay_moves_the_date_and_creates_nothing_else() -> None:
    view = replace(VIEW, recurrence="weekly")
    day = date(2026, 12, 1)
    plan = obligations.plan_resolve(view, "delayed", actor_id=9, now=NOW, lead_id=1, delayed_to=day)
    assert plan is not None and plan.delayed_to == day
    assert plan.following is None and plan.notice is None and plan.contract_at_risk is None
    with pytest.raises(ValueError, match="new date"):
        obligations.plan_resolve(view, "delayed", actor_id=9, now=NOW, lead_id=1)


def test_a_met_or_missed_obligation_is_not_resolved_again() -> None:
    for status in ("met", "missed"):
        view = replace(VIEW, status=status)
        assert obligations.plan_resolve(view, "met", actor_id=9, now=NOW, lead_id=1) is None
    delayed = replace(VIEW, status="delayed", delayed_to=date(2026, 12, 1))
    assert obligations.plan_resolve(delayed, "met", actor_id=9, now=NOW, lead_id=1) is not None


# --- completing and snoozing a task --------------------------------------------------------


TASK = Task(
    id=6,
    account_id=5,
    meeting_id=None,
    assignee_id=9,
    created_by=9,
    text="Call",
    origin="manual",
    goal=None,
    resources=None,
    due_at=NOW,
    due_has_time=True,
    snoozed_until=None,
    status="open",
    completed_at=None,
    escalated_at=None,
    created_at=NOW,
    updated_at=NOW,
)


def test_an_open_task_is_completed_once() -> None:
    assert tasks.plan_complete(TASK, now=NOW) == tasks.Completion(6, NOW)
    assert tasks.plan_complete(replace(TASK, status="done"), now=NOW) == "not_open"


def test_a_task_is_snoozed_only_to_a_moment_ahead() -> None:
    later = NOW + timedelta(hours=1)
    assert tasks.plan_snooze(TASK, later, now=NOW) == tasks.Snooze(6, later, None)
    assert tasks.plan_snooze(TASK, NOW, now=NOW) == "past"
    assert tasks.plan_snooze(replace(TASK, status="cancelled"), later, now=NOW) == "not_open"


# --- meeting dates and the contact match ---------------------------------------------------


def test_plan_presets_are_local_times() -> None:
    at = meeting_dates.plan_preset("t10", NOW, MOSCOW)
    assert at is not None and at.astimezone(UTC) == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    monday = meeting_dates.plan_preset("m10", NOW, MOSCOW)
    assert monday is not None and monday.astimezone(MOSCOW).date() == date(2026, 11, 30)
    assert meeting_dates.plan_preset("x", NOW, MOSCOW) is None


def test_due_presets_and_limits() -> None:
    def local(preset: str) -> date:
        at = meeting_dates.due_preset(preset, NOW, MOSCOW)
        assert at is not None
        return at.astimezone(MOSCOW).date()

    assert local("tomorrow") == date(2026, 11, 27)
    assert local("3d") == date(2026, 11, 29)
    assert local("week") == date(2026, 11, 30)
    assert meeting_dates.due_preset("none", NOW, MOSCOW) is None
    days = meeting_dates.pick_days(NOW, MOSCOW)
    assert days[0] == date(2026, 11, 27) and len(days) == meeting_dates.PICK_DAYS
    assert meeting_dates.due_day_allowed(date(2026, 11, 26), NOW, MOSCOW)
    assert not meeting_dates.due_day_allowed(date(2026, 11, 25), NOW, MOSCOW)
    assert not meeting_dates.due_day_allowed(date(2037, 1, 1), NOW, MOSCOW)


def test_a_sure_contact_match_is_exact_or_prefix() -> None:
    assert is_sure_match(Match(1, "Ivan", 300))
    assert not is_sure_match(Match(1, "Ivan", 299.5))


def test_delay_choices_and_the_earliest_delay() -> None:
    today = date(2026, 1, 31)
    assert obligations.delay_target("week", today) == date(2026, 2, 7)
    assert obligations.delay_target("two_weeks", today) == date(2026, 2, 14)
    assert obligations.delay_target("month", today) == date(2026, 2, 28)
    assert obligations.delay_target("year", today) is None
    assert obligations.delay_allowed(date(2026, 2, 1), today)
    assert not obligations.delay_allowed(today, today)
    assert obligations.is_open(VIEW) and not obligations.is_open(replace(VIEW, status="met"))


def test_domain_imports_neither_storage_nor_telegram() -> None:
    """The layer rule that lets handlers, storage and domain share domain.entities."""
    root = Path(__file__).resolve().parents[2] / "domain"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in ("storage", "telegram", "handlers", "bot"), (path, name)
