"""domain.contracts: recurrences (month ends clamped), compliance and its reasons, presets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from domain import contracts as rules
from domain.clock import FakeClock
from domain.entities import ObligationView
from domain.usecases import obligations

CLOCK = FakeClock(datetime(2026, 11, 26, 7, 30, tzinfo=UTC))
TODAY = CLOCK.now().date()


@pytest.mark.parametrize(
    ("due", "recurrence", "every", "day", "expected"),
    [
        (date(2027, 1, 31), "monthly", None, 31, date(2027, 2, 28)),
        (date(2028, 1, 31), "monthly", None, 31, date(2028, 2, 29)),  # a leap year
        (date(2027, 2, 28), "monthly", None, 31, date(2027, 3, 31)),  # back to the 31st
        (date(2027, 4, 30), "monthly", None, 31, date(2027, 5, 31)),
        (date(2026, 11, 30), "quarterly", None, 30, date(2027, 2, 28)),
        (date(2027, 2, 28), "quarterly", None, 30, date(2027, 5, 30)),
        (date(2026, 12, 15), "monthly", None, 15, date(2027, 1, 15)),  # across the year
        (date(2026, 11, 26), "days", 10, None, date(2026, 12, 6)),
        (date(2026, 11, 26), "weekly", None, None, date(2026, 12, 3)),
        (date(2028, 2, 29), "yearly", None, None, date(2029, 2, 28)),
        (date(2026, 11, 26), "none", None, None, None),
        (date(2026, 11, 26), "days", None, None, None),
    ],
)
def test_the_next_occurrence(
    due: date, recurrence: str, every: int | None, day: int | None, expected: date | None
) -> None:
    assert rules.next_occurrence(due, recurrence, every=every, day=day) == expected


def test_a_monthly_term_on_day_31_walks_the_month_ends_without_drifting() -> None:
    due, seen = date(2027, 1, 31), []
    for _ in range(4):
        next_day = rules.next_occurrence(due, "monthly", day=31)
        assert next_day is not None
        seen.append(next_day)
        due = next_day
    assert seen == [date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31)]


def test_the_first_occurrence_is_aligned_to_day_n() -> None:
    assert rules.first_occurrence(date(2026, 11, 26), "monthly", day=5) == date(2026, 12, 5)
    assert rules.first_occurrence(date(2026, 11, 26), "monthly", day=30) == date(2026, 11, 30)
    assert rules.first_occurrence(date(2027, 2, 10), "monthly", day=31) == date(2027, 2, 28)
    assert rules.first_occurrence(date(2026, 11, 26), "weekly") == date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "value", "problem"),
    [
        ("15", 15, None),
        ("day 15", 15, None),
        ("15-го", 15, None),
        ("15号", 15, None),
        ("35", None, "out_of_range"),
        ("day 0", None, "out_of_range"),
        ("soon", None, "not_a_number"),
        ("1 or 2", None, "not_a_number"),
    ],
)
def test_a_typed_day_of_the_month(text: str, value: int | None, problem: str | None) -> None:
    typed = rules.parse_day_of_month(text)
    assert (typed.value, typed.problem) == (value, problem)


def test_a_typed_number_of_days() -> None:
    assert rules.parse_every_days("every 10 days").value == 10
    assert rules.parse_every_days("every 0 days").problem == "out_of_range"
    assert rules.parse_every_days("99999").problem == "out_of_range"
    assert rules.parse_every_days("often").problem == "not_a_number"


@dataclass(frozen=True)
class Term:
    id: int
    description: str
    status: str
    due_on: date
    delayed_to: date | None = None

    @property
    def effective_due(self) -> date:
        return self.delayed_to if self.status == "delayed" and self.delayed_to else self.due_on


def _day(days: int) -> date:
    return date.fromordinal(TODAY.toordinal() + days)


def test_compliance_on_track_when_nothing_is_near() -> None:
    terms = [Term(1, "Deliver", "pending", _day(8)), Term(2, "Pay", "met", _day(-3))]
    assert rules.compliance(terms, TODAY) == rules.Compliance("on_track")
    assert rules.compliance([], TODAY).level == "on_track"


def test_compliance_at_risk_when_due_within_a_week_or_delayed() -> None:
    soon = rules.compliance([Term(1, "Deliver", "pending", _day(7))], TODAY)
    assert soon.level == "at_risk" and soon.reason == rules.Reason(
        "due_soon", 1, "Deliver", _day(7)
    )
    delayed = rules.compliance([Term(2, "Report", "delayed", _day(-5), delayed_to=_day(20))], TODAY)
    assert delayed.level == "at_risk" and delayed.reasons[0].kind == "delayed"
    assert delayed.reasons[0].day == _day(20)
    overdue = rules.compliance(
        [Term(3, "Pay", "pending", _day(-1)), Term(4, "Deliver", "pending", _day(2))], TODAY
    )
    assert [r.kind for r in overdue.reasons] == ["overdue", "due_soon"]


def test_compliance_breached_by_a_missed_one_names_it() -> None:
    state = rules.compliance(
        [
            Term(1, "Deliver", "pending", _day(1)),
            Term(2, "Pay 2", "missed", _day(-2)),
            Term(3, "Pay 1", "missed", _day(-40)),
        ],
        TODAY,
    )
    assert state.level == "breached"
    assert [r.description for r in state.reasons] == ["Pay 1", "Pay 2"]  # earliest first


def test_the_end_before_the_start_and_days_left() -> None:
    assert rules.end_before_start(date(2027, 1, 2), date(2027, 1, 1))
    assert not rules.end_before_start(date(2027, 1, 1), date(2027, 1, 1))
    assert not rules.end_before_start(None, date(2027, 1, 1))
    assert rules.days_left(date(2027, 1, 10), TODAY) == 45
    assert rules.days_left(None, TODAY) is None


def test_date_presets_of_the_end_run_from_the_start() -> None:
    presets = dict(rules.date_presets("ends", TODAY, starts=date(2027, 3, 1)))
    assert presets["1y"] == date(2028, 2, 29)
    assert presets["3y"] == date(2030, 2, 28)
    assert presets["year_end"] == date(2027, 12, 31)
    starts = dict(rules.date_presets("starts", TODAY, signed=date(2026, 11, 20)))
    assert starts == {
        "today": TODAY,
        "as_signed": date(2026, 11, 20),
        "next_month": date(2026, 12, 1),
    }
    due = dict(rules.due_presets(TODAY))
    assert due["month_end"] == date(2026, 11, 30) and due["quarter"] == date(2027, 2, 26)


def test_a_met_monthly_term_on_day_31_plans_the_next_at_the_month_end() -> None:
    view = ObligationView(
        id=8,
        contract_id=2,
        contract_title="Supply",
        contract_status="active",
        account_id=5,
        account_name="VT-Metal",
        owner_id=9,
        party="client",
        description="Pay",
        due_on=date(2027, 1, 31),
        recurrence="monthly",
        status="delayed",
        delayed_to=date(2027, 2, 3),
        kind="payment",
        recur_day=31,
    )
    plan = obligations.plan_resolve(view, "met", actor_id=9, now=CLOCK.now(), lead_id=None)
    assert plan is not None and plan.following is not None
    following = plan.following
    assert following.due_on == date(2027, 2, 28)  # from the scheduled day, not the delay
    assert (following.kind, following.recur_day, following.party) == ("payment", 31, "client")
    every = obligations.plan_resolve(
        ObligationView(
            **{**vars(view), "recurrence": "days", "recur_every": 45, "recur_day": None}
        ),
        "missed",
        actor_id=9,
        now=CLOCK.now(),
        lead_id=None,
    )
    assert every is not None and every.following is not None
    assert every.following.due_on == date(2027, 3, 17) and every.following.recur_every == 45
