"""A report's figures, computed from plain rows (storage.reports reads them for a scope).

A scope is a set of managers (one's own: oneself; a lead's team: the managers whose lead is
the lead, and the lead; an admin's: everyone) or one account. Its accounts are the accounts
the managers own (or the one account); its meetings are those on its accounts or written by
its managers; its tasks and satisfaction checks are its managers' (or the account's).

What the report says, for a period ``[start, end)``:

* meetings held by kind, planned, cancelled (by their start time);
* the scope's accounts with a held meeting in the period (touched) and without (not touched);
* tasks done in the period, open now and overdue now;
* the average satisfaction score answered in the period, the previous period of the same
  length, and the trend between them; the weekly averages for the chart;
* open deals by stage with their amount and the weighted forecast (amount × probability,
  per currency; a deal without a probability counts with its stage's default); deals won and
  lost in the period (by ``closed_on``) with their reasons;
* the opportunity volume (1 year, 3-5 years) of the scope's accounts, per currency;
* live contracts at risk or breached, derived from their obligations (:func:`contract_status`).

Everything is plain Python over the row dataclasses below; "now" and the zone are passed in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from domain.contracts import obligation_state
from domain.deals import OPEN_STAGES, REASONS, STAGE_PROBABILITY
from domain.report_periods import Period, local_midnight
from domain.weekly_report import weekly_default as weekly_default
from domain.weekly_report import weekly_on as weekly_on

MEETING_KINDS = ("visit", "office", "call", "video", "event", "negotiation")
LIVE_CONTRACTS = ("active", "at_risk")
SATISFACTION_WEEKS = 12
"""How many weeks of satisfaction the chart shows (up to the period's end)."""

ScopeKind = Literal["me", "team", "account"]
Compliance = Literal["on_track", "at_risk", "breached"]
Trend = Literal["up", "down", "flat"]


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    manager_ids: tuple[int, ...] = ()  # "me" and "team"
    account_id: int | None = None  # "account"


# --- rows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    owner_id: int | None
    owner_name: str | None
    opportunity_1y_minor: int | None
    opportunity_1y_currency: str | None
    opportunity_3_5y_minor: int | None
    opportunity_3_5y_currency: str | None


@dataclass(frozen=True)
class MeetingRow:
    id: int
    account_id: int
    account_name: str
    author_name: str
    status: str  # planned, held, cancelled
    kind: str
    starts_at: datetime
    outcome: str | None


@dataclass(frozen=True)
class TaskRow:
    id: int
    account_name: str | None
    assignee_name: str
    text: str
    status: str  # open, done, cancelled
    due_at: datetime | None
    due_has_time: bool
    completed_at: datetime | None


@dataclass(frozen=True)
class CheckRow:
    account_id: int
    account_name: str
    manager_name: str
    score: int
    answered_at: datetime
    comment: str | None


@dataclass(frozen=True)
class DealRow:
    id: int
    account_id: int
    account_name: str
    kind: str  # deal, tender, agreement
    title: str
    stage: str
    amount_minor: int | None
    currency: str | None
    probability: int | None
    expected_close_on: date | None
    closed_on: date | None
    reason_code: str | None
    result_reason: str | None


@dataclass(frozen=True)
class ObligationRow:
    status: str  # pending, met, missed, delayed
    due_on: date
    delayed_to: date | None
    description: str
    id: int = 0

    @property
    def effective_due(self) -> date:
        return self.delayed_to or self.due_on


@dataclass(frozen=True)
class ContractRow:
    id: int
    account_id: int
    account_name: str
    title: str
    number: str | None
    ends_on: date | None
    amount_minor: int | None
    currency: str | None
    status: str
    obligations: tuple[ObligationRow, ...] = ()


@dataclass(frozen=True)
class ReportRows:
    """Everything a report is computed from (storage.reports.ReportRepository.rows)."""

    accounts: list[AccountRow]
    meetings: list[MeetingRow]  # starting in the period
    tasks: list[TaskRow]  # open now, or completed in the period
    checks: list[CheckRow]  # answered since :func:`history_start`
    deals: list[DealRow]  # all of the scope's accounts
    contracts: list[ContractRow]  # the live ones, with their obligations


def history_start(period: Period) -> datetime:
    """From when satisfaction is read: the previous period and the chart's weeks."""
    weeks_back = period.last - timedelta(days=7 * SATISFACTION_WEEKS - 1)
    return min(period.previous().start, local_midnight(weeks_back, period.tz))


# --- contracts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractState:
    status: Compliance
    missed: int = 0
    delayed: int = 0
    due_soon: int = 0  # pending and due within 7 days (or already past its date)


def contract_status(obligations: tuple[ObligationRow, ...], today: date) -> ContractState:
    """The contract card's rule (domain.contracts.obligation_state), counted: breached when an
    obligation was missed; at risk when one is delayed, or pending and due within 7 days or
    past its date; else on track."""
    counts = Counter(obligation_state(o, today) for o in obligations)
    missed, delayed = counts["missed"], counts["delayed"]
    soon = counts["due_soon"] + counts["overdue"]
    if missed:
        return ContractState("breached", missed, delayed, soon)
    if delayed or soon:
        return ContractState("at_risk", missed, delayed, soon)
    return ContractState("on_track")


# --- figures -------------------------------------------------------------------------------


Amounts = dict[str, int]  # minor units by currency


@dataclass
class StageFigure:
    stage: str
    count: int
    amounts: Amounts
    weighted: Amounts


@dataclass(frozen=True)
class ClosedDeal:
    title: str
    account_name: str
    stage: str  # won or lost
    amount_minor: int | None
    currency: str | None
    reason_code: str | None
    result_reason: str | None
    closed_on: date


@dataclass(frozen=True)
class RiskyContract:
    title: str
    account_name: str
    state: ContractState
    ends_on: date | None


@dataclass
class Figures:
    meetings_held: dict[str, int] = field(default_factory=dict)  # by kind, in MEETING_KINDS
    meetings_planned: int = 0
    meetings_cancelled: int = 0
    accounts_total: int = 0
    touched: list[str] = field(default_factory=list)  # account names
    untouched: list[str] = field(default_factory=list)
    tasks_done: int = 0
    tasks_open: int = 0
    tasks_overdue: int = 0
    satisfaction: float | None = None
    satisfaction_count: int = 0
    satisfaction_before: float | None = None
    trend: Trend | None = None
    satisfaction_weeks: list[tuple[date, float | None]] = field(default_factory=list)
    stages: list[StageFigure] = field(default_factory=list)  # the open stages, in order
    forecast: Amounts = field(default_factory=dict)  # the weighted sum of every open deal
    won: list[ClosedDeal] = field(default_factory=list)
    lost: list[ClosedDeal] = field(default_factory=list)
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)  # won/lost → code → n
    opportunity_1y: Amounts = field(default_factory=dict)
    opportunity_3_5y: Amounts = field(default_factory=dict)
    contracts: list[RiskyContract] = field(default_factory=list)  # breached first

    @property
    def meetings_held_total(self) -> int:
        return sum(self.meetings_held.values())


def _meetings(figures: Figures, rows: ReportRows, period: Period) -> None:
    held: Counter[str] = Counter()
    touched: set[int] = set()
    for meeting in rows.meetings:
        if not period.contains(meeting.starts_at):
            continue
        if meeting.status == "held":
            held[meeting.kind] += 1
            touched.add(meeting.account_id)
        elif meeting.status == "planned":
            figures.meetings_planned += 1
        elif meeting.status == "cancelled":
            figures.meetings_cancelled += 1
    figures.meetings_held = {kind: held[kind] for kind in MEETING_KINDS if held[kind]}
    figures.accounts_total = len(rows.accounts)
    ordered = sorted(rows.accounts, key=lambda a: a.name.casefold())
    figures.touched = [a.name for a in ordered if a.id in touched]
    figures.untouched = [a.name for a in ordered if a.id not in touched]


def is_overdue(task: TaskRow, now: datetime, tz: ZoneInfo) -> bool:
    """An open task past its time; a task due on a day (no time) is overdue from the next."""
    if task.status != "open" or task.due_at is None:
        return False
    if task.due_has_time:
        return task.due_at < now
    return task.due_at.astimezone(tz).date() < now.astimezone(tz).date()


def _tasks(figures: Figures, rows: ReportRows, period: Period, now: datetime) -> None:
    for task in rows.tasks:
        if task.status == "done" and task.completed_at and period.contains(task.completed_at):
            figures.tasks_done += 1
        elif task.status == "open":
            figures.tasks_open += 1
            figures.tasks_overdue += is_overdue(task, now, period.tz)


def _average(scores: list[int]) -> float | None:
    return sum(scores) / len(scores) if scores else None


def trend_of(now: float | None, before: float | None) -> Trend | None:
    """Up or down by at least 0.1 of a point, else flat; None without both averages."""
    if now is None or before is None:
        return None
    if now - before >= 0.1:
        return "up"
    if before - now >= 0.1:
        return "down"
    return "flat"


def _satisfaction(figures: Figures, rows: ReportRows, period: Period) -> None:
    previous = period.previous()
    scores = [c.score for c in rows.checks if period.contains(c.answered_at)]
    before = [c.score for c in rows.checks if previous.contains(c.answered_at)]
    figures.satisfaction, figures.satisfaction_count = _average(scores), len(scores)
    figures.satisfaction_before = _average(before)
    figures.trend = trend_of(figures.satisfaction, figures.satisfaction_before)
    last_monday = period.last - timedelta(days=period.last.weekday())
    mondays = [last_monday - timedelta(weeks=n) for n in reversed(range(SATISFACTION_WEEKS))]
    by_week: dict[date, list[int]] = defaultdict(list)
    for check in rows.checks:
        day = check.answered_at.astimezone(period.tz).date()
        if day <= period.last:
            by_week[day - timedelta(days=day.weekday())].append(check.score)
    figures.satisfaction_weeks = [(monday, _average(by_week[monday])) for monday in mondays]


def _add(amounts: Amounts, currency: str | None, minor: int | None) -> None:
    if currency and minor is not None:
        amounts[currency] = amounts.get(currency, 0) + minor


def weighted_minor(deal: DealRow) -> int:
    """The deal's amount times its probability (its stage's default without one), rounded."""
    probability = deal.probability
    if probability is None:
        probability = STAGE_PROBABILITY.get(deal.stage, 0)
    return round((deal.amount_minor or 0) * probability / 100)


def _deals(figures: Figures, rows: ReportRows, period: Period) -> None:
    stages = {stage: StageFigure(stage, 0, {}, {}) for stage in OPEN_STAGES}
    reasons: dict[str, Counter[str]] = {"won": Counter(), "lost": Counter()}
    for deal in rows.deals:
        if deal.stage in stages:
            found = stages[deal.stage]
            found.count += 1
            _add(found.amounts, deal.currency, deal.amount_minor)
            _add(found.weighted, deal.currency, weighted_minor(deal))
            _add(figures.forecast, deal.currency, weighted_minor(deal))
        elif deal.stage in reasons and deal.closed_on and period.contains_day(deal.closed_on):
            closed = ClosedDeal(
                deal.title,
                deal.account_name,
                deal.stage,
                deal.amount_minor,
                deal.currency,
                deal.reason_code,
                deal.result_reason,
                deal.closed_on,
            )
            (figures.won if deal.stage == "won" else figures.lost).append(closed)
            reasons[deal.stage][deal.reason_code or "other"] += 1
    figures.stages = list(stages.values())
    figures.reasons = {
        outcome: {code: counted[code] for code in REASONS if counted[code]}
        for outcome, counted in reasons.items()
    }
    for closed_list in (figures.won, figures.lost):
        closed_list.sort(key=lambda d: (d.closed_on, d.title), reverse=True)


def _accounts(figures: Figures, rows: ReportRows) -> None:
    for account in rows.accounts:
        _add(figures.opportunity_1y, account.opportunity_1y_currency, account.opportunity_1y_minor)
        _add(
            figures.opportunity_3_5y,
            account.opportunity_3_5y_currency,
            account.opportunity_3_5y_minor,
        )


def _contracts(figures: Figures, rows: ReportRows, today: date) -> None:
    risky = []
    for contract in rows.contracts:
        if contract.status not in LIVE_CONTRACTS:
            continue
        state = contract_status(contract.obligations, today)
        if state.status != "on_track":
            risky.append(
                RiskyContract(contract.title, contract.account_name, state, contract.ends_on)
            )
    order = {"breached": 0, "at_risk": 1}
    figures.contracts = sorted(risky, key=lambda c: (order[c.state.status], c.account_name))


def compute(rows: ReportRows, period: Period, now: datetime) -> Figures:
    """The report's figures for ``period``; "now" decides what is open and overdue."""
    figures = Figures()
    _meetings(figures, rows, period)
    _tasks(figures, rows, period, now)
    _satisfaction(figures, rows, period)
    _deals(figures, rows, period)
    _accounts(figures, rows)
    _contracts(figures, rows, now.astimezone(period.tz).date())
    return figures
