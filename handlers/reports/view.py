"""A report as the manager receives it: the text (phone-sized sections), the chart, the XLSX.

Shared by `/report` (handlers.reports.flow) and the weekly push (reminders/kinds/weekly.py):
both say who the report is about (a :class:`Scope` and its heading) and for which
:class:`Period`; :func:`build` reads the rows, computes the figures (domain.reports) and
renders them in the manager's language and zone; :func:`send_files` sends the chart as a photo
and the workbook as a document after the text.
"""

from __future__ import annotations

import asyncio
import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import Bot

from bot.i18n import Html, Translator
from domain.deals import OPEN_STAGES
from domain.money import Money
from domain.report_chart import ChartInput, build_chart
from domain.report_workbook import Sheet, build_workbook
from domain.reports import (
    Amounts,
    ClosedDeal,
    Figures,
    ReportRows,
    Scope,
    compute,
    history_start,
)
from handlers.reports.sheets import contract_reason, workbook_sheets
from handlers.ui import clip, shorten

if TYPE_CHECKING:
    from domain.formatting import Formats
    from domain.report_periods import Period
    from storage import Storage
    from storage.managers import Manager

MAX_NAMES = 8  # accounts without a meeting, listed by name
MAX_CLOSED = 5  # won or lost deals listed with their reason
MAX_CONTRACTS = 8


@dataclass(frozen=True)
class ReportOutput:
    text: str
    chart: bytes
    workbook: bytes
    filename: str


def period_range(fmt: Formats, period: Period) -> str:
    return f"{fmt.date(period.first)} – {fmt.date(period.last)}"


def period_name(t: Translator, period: Period) -> str:
    if period.kind == "custom":
        return t("report.period.named_custom")
    return t(f"report.period.{period.kind}")


def amounts_text(t: Translator, fmt: Formats, amounts: Amounts) -> str:
    """Compact sums per currency: "$1.2M + 350万元"; "no amount" without any."""
    shown = [fmt.money_compact(Money(v, c)) for c, v in sorted(amounts.items()) if v]
    return " + ".join(shown) if shown else t("report.no_amount")


def _more(t: Translator, names: list[str], limit: int) -> str:
    shown = ", ".join(clip(name, 40) for name in names[:limit])
    if len(names) > limit:
        shown += ", " + t.plural("report.more", len(names) - limit)
    return shown


def _meetings(t: Translator, figures: Figures) -> list[str]:
    lines = [
        t("report.section.meetings"),
        t("report.meetings.held", count=figures.meetings_held_total),
    ]
    if figures.meetings_held:
        kinds = [
            t.plural("report.meetings.kind", n, kind=t(f"report.kind.{kind}"))
            for kind, n in figures.meetings_held.items()
        ]
        lines[-1] += " — " + ", ".join(kinds)
    lines.append(
        t(
            "report.meetings.planned",
            planned=figures.meetings_planned,
            cancelled=figures.meetings_cancelled,
        )
    )
    return lines


def _accounts(t: Translator, figures: Figures) -> list[str]:
    lines = [t("report.section.accounts")]
    if not figures.accounts_total:
        return [*lines, t("report.accounts.none")]
    lines.append(
        t("report.accounts.touched", touched=len(figures.touched), total=figures.accounts_total)
    )
    if figures.untouched:
        lines.append(t("report.accounts.untouched", names=_more(t, figures.untouched, MAX_NAMES)))
    return lines


def _satisfaction(t: Translator, fmt: Formats, figures: Figures) -> list[str]:
    lines = [t("report.section.satisfaction")]
    if figures.satisfaction is None:
        return [*lines, t("report.satisfaction.none")]
    score = Html(fmt.number(figures.satisfaction, digits=1))
    line = t.plural("report.satisfaction.average", figures.satisfaction_count, score=score)
    if figures.trend is None or figures.satisfaction_before is None:
        line += ", " + t("report.trend.none")
    else:
        before = fmt.number(figures.satisfaction_before, digits=1)
        line += ", " + t(f"report.trend.{figures.trend}", before=before)
    return [*lines, line]


def _pipeline(t: Translator, fmt: Formats, figures: Figures) -> list[str]:
    lines = [t("report.section.pipeline")]
    stages = [s for s in figures.stages if s.count]
    if not stages:
        return [*lines, t("report.pipeline.none")]
    for stage in stages:
        lines.append(
            t(
                "report.pipeline.stage",
                stage=t(f"report.stage.{stage.stage}"),
                deals=t.plural("report.deals", stage.count),
                amount=amounts_text(t, fmt, stage.amounts),
            )
        )
    lines.append(t("report.pipeline.forecast", amount=amounts_text(t, fmt, figures.forecast)))
    return lines


def _closed_sum(deals: list[ClosedDeal]) -> Amounts:
    total: Amounts = {}
    for deal in deals:
        if deal.currency and deal.amount_minor is not None:
            total[deal.currency] = total.get(deal.currency, 0) + deal.amount_minor
    return total


def _reason(t: Translator, deal: ClosedDeal) -> str:
    code = t(f"report.reason.{deal.reason_code or 'other'}")
    return f"{code} — {clip(deal.result_reason, 80)}" if deal.result_reason else code


def _closed(t: Translator, fmt: Formats, figures: Figures) -> list[str]:
    lines = [t("report.section.closed")]
    if not figures.won and not figures.lost:
        return [*lines, t("report.closed.none")]
    for outcome, deals in (("won", figures.won), ("lost", figures.lost)):
        if not deals:
            continue
        deals_text = t.plural("report.deals", len(deals))
        amount = amounts_text(t, fmt, _closed_sum(deals))
        lines.append(t(f"report.closed.{outcome}", deals=deals_text, amount=amount))
        reasons = [
            t.plural("report.reason.count", n, reason=t(f"report.reason.{code}"))
            for code, n in figures.reasons.get(outcome, {}).items()
        ]
        if reasons:
            lines.append(t("report.closed.reasons", reasons=", ".join(reasons)))
        for deal in deals[:MAX_CLOSED]:
            lines.append(
                t(
                    "report.closed.line",
                    title=clip(deal.title, 60),
                    account=clip(deal.account_name, 40),
                    reason=_reason(t, deal),
                )
            )
    return lines


def _opportunity(t: Translator, fmt: Formats, figures: Figures) -> list[str]:
    lines = [t("report.section.opportunity")]
    if not figures.opportunity_1y and not figures.opportunity_3_5y:
        return [*lines, t("report.opportunity.none")]
    one = amounts_text(t, fmt, figures.opportunity_1y)
    three = amounts_text(t, fmt, figures.opportunity_3_5y)
    return [
        *lines,
        t("report.opportunity.one_year", amount=one),
        t("report.opportunity.three_five", amount=three),
    ]


def _contracts(t: Translator, figures: Figures, live: int) -> list[str]:
    lines = [t("report.section.contracts")]
    if not live:
        return [*lines, t("report.contracts.none")]
    if not figures.contracts:
        return [*lines, t("report.contracts.ok")]
    for contract in figures.contracts[:MAX_CONTRACTS]:
        lines.append(
            t(
                f"report.contract.{contract.state.status}",
                title=clip(contract.title, 60),
                account=clip(contract.account_name, 40),
                reason=contract_reason(t, contract),
            )
        )
    if len(figures.contracts) > MAX_CONTRACTS:
        lines.append(t.plural("report.more", len(figures.contracts) - MAX_CONTRACTS))
    return lines


def report_text(
    t: Translator, fmt: Formats, heading: str, period: Period, figures: Figures, live: int
) -> str:
    """The report in short sections with bold headings (HTML), within one message."""
    head = [
        heading,
        t("report.period.line", period=period_name(t, period), range=period_range(fmt, period)),
    ]
    tasks = [
        t("report.section.tasks"),
        t(
            "report.tasks.line",
            done=figures.tasks_done,
            open=figures.tasks_open,
            overdue=figures.tasks_overdue,
        ),
    ]
    sections = [
        head,
        _meetings(t, figures),
        _accounts(t, figures),
        tasks,
        _satisfaction(t, fmt, figures),
        _pipeline(t, fmt, figures),
        _closed(t, fmt, figures),
        _opportunity(t, fmt, figures),
        _contracts(t, figures, live),
    ]
    return shorten("\n\n".join("\n".join(lines) for lines in sections))


_TAGS = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """A translated label without its HTML and its leading emoji (for the chart and sheets)."""
    bare = html.unescape(_TAGS.sub("", text)).strip()
    first, _, rest = bare.partition(" ")
    return rest if rest and not any(ch.isalnum() for ch in first) else bare


def chart_input(
    t: Translator, fmt: Formats, heading: str, period: Period, f: Figures
) -> ChartInput:
    return ChartInput(
        title=t("report.chart.title", scope=plain(heading), range=period_range(fmt, period)),
        pipeline_title=t("report.chart.pipeline"),
        stage_labels=[t(f"report.stage.{stage}") for stage in OPEN_STAGES],
        stage_counts=[s.count for s in f.stages],
        count_label=t("report.chart.deals"),
        satisfaction_title=t("report.chart.satisfaction"),
        week_labels=[fmt.day_month(monday) for monday, _ in f.satisfaction_weeks],
        week_scores=[score for _, score in f.satisfaction_weeks],
        score_label=t("report.chart.score"),
        empty_label=t("report.chart.empty"),
    )


def _render_files(chart: ChartInput, sheets: list[Sheet]) -> tuple[bytes, bytes]:
    return build_chart(chart), build_workbook(sheets)


async def manager_scope(
    storage: Storage, t: Translator, manager: Manager, *, team: bool
) -> tuple[Scope, str]:
    """One's own report, or the team's (a lead's: their KAMs and themself; an admin's:
    everyone), and its heading. Whether the manager may see it is the caller's question."""
    if not team:
        return Scope("me", (manager.id,)), t("report.title.me", name=manager.full_name)
    everyone = manager.role == "admin"
    ids = await storage.reports.team_ids(manager.id, everyone=everyone)
    if everyone:
        return Scope("team", ids), t("report.title.everyone")
    return Scope("team", ids), t("report.title.team", name=manager.full_name)


async def load_report(
    storage: Storage, scope: Scope, period: Period, now: datetime
) -> tuple[ReportRows, Figures]:
    """The scope's rows for the period and the figures computed from them."""
    rows = await storage.reports.rows(
        scope, start=period.start, end=period.end, history=history_start(period)
    )
    return rows, compute(rows, period, now)


async def build(
    storage: Storage,
    t: Translator,
    fmt: Formats,
    *,
    scope: Scope,
    period: Period,
    heading: str,
    now: datetime,
) -> ReportOutput:
    """The report's text, chart and workbook (the two files are made off the event loop)."""
    rows, figures = await load_report(storage, scope, period, now)
    text = report_text(t, fmt, heading, period, figures, len(rows.contracts))
    sheets = workbook_sheets(t, fmt, rows, period, now)
    chart, workbook = await asyncio.to_thread(
        _render_files, chart_input(t, fmt, heading, period, figures), sheets
    )
    stem = re.sub(r"[^\w\- ]+", "", f"{t('report.file.name')} {period.first}_{period.last}")
    return ReportOutput(text, chart, workbook, stem.strip().replace(" ", "_") + ".xlsx")


async def send_files(bot: Bot, chat_id: int, t: Translator, output: ReportOutput) -> None:
    """The chart as a photo, then the workbook as a document."""
    await bot.send_photo(chat_id, photo=output.chart, caption=t("report.chart.caption"))
    await bot.send_document(
        chat_id,
        document=output.workbook,
        filename=output.filename,
        caption=t("report.file.caption"),
    )
