"""Report figures from storage.reports' rows, against tests/report_support.py's team; every
total below is counted by hand from that fixture (see its comments)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from domain.clock import FakeClock
from domain.report_periods import named_period
from domain.reports import (
    ContractState,
    Figures,
    ObligationRow,
    Scope,
    compute,
    contract_status,
    history_start,
    trend_of,
)
from storage import Storage
from tests.report_support import Team, seed_team

MOSCOW = ZoneInfo("Europe/Moscow")


async def _figures(storage: Storage, clock: FakeClock, scope: Scope) -> Figures:
    period = named_period("last_week", clock.now(), MOSCOW)
    rows = await storage.reports.rows(
        scope, start=period.start, end=period.end, history=history_start(period)
    )
    return compute(rows, period, clock.now())


async def test_my_figures_for_last_week(storage: Storage, clock: FakeClock) -> None:
    team: Team = await seed_team(storage, clock.now())
    f = await _figures(storage, clock, Scope("me", (team.kam_a.id,)))
    # meetings 16-22 Nov (Moscow): visit 17th, calls 18th and Sunday 23:30; one planned, one
    # cancelled; Monday 00:30, the week before and the deleted one do not count
    assert f.meetings_held == {"visit": 1, "call": 2}
    assert (f.meetings_planned, f.meetings_cancelled) == (1, 1)
    assert f.accounts_total == 3
    assert f.touched == ["Alpha <Steel>", "Beta"] and f.untouched == ["Epsilon"]
    # tasks: one done on the 18th; open: overdue timed (20th), today (day), 30th, 25th (day)
    assert (f.tasks_done, f.tasks_open, f.tasks_overdue) == (1, 4, 2)
    # satisfaction 4 and 5; the week before 3
    assert f.satisfaction == 4.5 and f.satisfaction_count == 2
    assert f.satisfaction_before == 3.0 and f.trend == "up"
    stages = {s.stage: (s.count, s.amounts, s.weighted) for s in f.stages}
    assert stages == {
        "lead": (1, {"RUB": 100_000_000}, {"RUB": 10_000_000}),  # no probability: 10 %
        "qualified": (0, {}, {}),
        "proposal": (1, {"USD": 5_000_000}, {"USD": 2_000_000}),
        "negotiation": (1, {"USD": 10_000_000}, {"USD": 8_000_000}),
    }
    assert f.forecast == {"RUB": 10_000_000, "USD": 10_000_000}
    assert [d.title for d in f.won] == ["Bolts"] and [d.title for d in f.lost] == ["Beams"]
    assert f.reasons == {"won": {"relationship": 1}, "lost": {"competitor": 1}}
    assert f.opportunity_1y == {"RUB": 100_000_000, "USD": 20_000_000}
    assert f.opportunity_3_5y == {"RUB": 500_000_000}
    assert [(c.title, c.state.status) for c in f.contracts] == [
        ("Supply 2026", "breached"),
        ("Service", "at_risk"),
    ]
    weeks = dict(f.satisfaction_weeks)
    assert len(weeks) == 12 and weeks[date(2026, 11, 16)] == 4.5
    assert weeks[date(2026, 11, 9)] == 3.0 and weeks[date(2026, 11, 2)] is None


async def test_the_leads_team_is_their_kams_and_themself(
    storage: Storage, clock: FakeClock
) -> None:
    team = await seed_team(storage, clock.now())
    ids = await storage.reports.team_ids(team.lead.id, everyone=False)
    assert set(ids) == {team.lead.id, team.kam_a.id, team.kam_b.id}
    f = await _figures(storage, clock, Scope("team", ids))
    assert f.meetings_held == {"visit": 1, "call": 2, "negotiation": 1}
    assert f.accounts_total == 4 and f.untouched == ["Epsilon"]
    assert (f.tasks_done, f.tasks_open, f.tasks_overdue) == (1, 5, 2)
    assert f.satisfaction is not None and round(f.satisfaction, 2) == 3.67  # (4 + 5 + 2) / 3
    assert f.forecast == {"RUB": 10_000_000, "USD": 10_000_000, "EUR": 1_000_000}
    everyone = await storage.reports.team_ids(team.lead.id, everyone=True)
    f = await _figures(storage, clock, Scope("team", everyone))
    assert f.meetings_held == {"visit": 2, "call": 2, "negotiation": 1}
    assert f.accounts_total == 5


async def test_one_accounts_figures(storage: Storage, clock: FakeClock) -> None:
    team = await seed_team(storage, clock.now())
    f = await _figures(storage, clock, Scope("account", account_id=team.beta))
    assert f.meetings_held == {"call": 1}
    assert (f.meetings_planned, f.meetings_cancelled) == (1, 1)
    assert f.touched == ["Beta"] and f.untouched == []
    assert (f.tasks_done, f.tasks_open) == (0, 0)
    assert f.satisfaction == 5.0 and f.satisfaction_before is None and f.trend is None
    assert [s.count for s in f.stages] == [0, 0, 0, 1]
    assert [d.title for d in f.won] == ["Bolts"] and f.lost == []
    assert f.opportunity_1y == {"USD": 20_000_000} and f.opportunity_3_5y == {}
    assert [c.title for c in f.contracts] == ["Service"]


def test_contract_status_rule() -> None:
    today = date(2026, 11, 26)

    def term(status: str, due: date) -> ObligationRow:
        return ObligationRow(status, due, None, "term")

    assert contract_status((), today) == ContractState("on_track")
    assert contract_status((term("pending", date(2026, 12, 4)),), today).status == "on_track"
    soon = contract_status((term("pending", date(2026, 12, 3)),), today)
    assert soon == ContractState("at_risk", due_soon=1)
    late = contract_status((term("pending", date(2026, 11, 1)),), today)
    assert late.status == "at_risk"
    assert contract_status((term("delayed", date(2027, 1, 1)),), today).status == "at_risk"
    both = (term("missed", date(2026, 1, 1)), term("delayed", date(2027, 1, 1)))
    assert contract_status(both, today) == ContractState("breached", missed=1, delayed=1)
    assert contract_status((term("met", date(2026, 11, 27)),), today).status == "on_track"


def test_trend() -> None:
    assert trend_of(4.0, 3.9) == "up"
    assert trend_of(3.8, 3.9) == "down"
    assert trend_of(3.95, 3.9) == "flat"
    assert trend_of(None, 3.0) is None and trend_of(3.0, None) is None


async def test_the_report_reads_use_indexes(storage: Storage) -> None:
    """No full scan of the big tables (meetings, tasks, checks) for a manager's report."""
    from storage.reports import _CHECKS, _MEETINGS, _TASKS

    params = {
        "managers": "[1]",
        "account": None,
        "start": "2026-11-01T00:00:00Z",
        "end": "2026-12-01T00:00:00Z",
        "history": "2026-08-01T00:00:00Z",
    }
    for sql, alias in ((_MEETINGS, "m"), (_TASKS, "t"), (_CHECKS, "c")):
        plan = await storage.db.fetch_all("EXPLAIN QUERY PLAN " + sql, params)
        details = [str(row["detail"]) for row in plan]
        assert any(d.startswith(f"SEARCH {alias} USING INDEX") for d in details), details
        assert not any(d.split(" ")[:2] == ["SCAN", alias] for d in details), details


def test_the_weekly_occasion_is_monday_at_the_digest_time_in_the_managers_zone() -> None:
    from datetime import UTC, datetime, time, timedelta

    from domain.reminders import weekly_occasion
    from domain.reports import weekly_on

    class Prefs:
        timezone = "Pacific/Auckland"  # Monday morning there is Sunday evening in UTC
        digest_time = time(8, 30)
        digest_days = (1, 2, 3, 4, 5)
        quiet_start = time(21, 0)
        quiet_end = time(8, 0)

    fire = datetime(2026, 11, 29, 19, 30, tzinfo=UTC)  # Monday 30 Nov, 08:30 NZDT
    found = weekly_occasion(7, Prefs(), fire - timedelta(minutes=1), fire)
    assert found is not None and found.key == "weekly:7:2026-11-30" and found.due_at == fire
    assert weekly_occasion(7, Prefs(), fire, fire + timedelta(minutes=1)) is None
    tuesday = fire + timedelta(days=1)
    assert weekly_occasion(7, Prefs(), fire - timedelta(minutes=1), tuesday) is None
    assert weekly_on("lead", None) and weekly_on("admin", None)
    assert not weekly_on("kam", None) and not weekly_on("bd", None)
    assert weekly_on("kam", True) and not weekly_on("lead", False)
