"""The report's workbook sheets: meetings, tasks, deals, satisfaction and contracts, with
translated headers and typed values (domain.report_workbook writes the XLSX)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from domain.money import currency_exponent
from domain.report_workbook import Cell, Column, ColumnType, Sheet
from domain.reports import ReportRows, RiskyContract, contract_status, weighted_minor

if TYPE_CHECKING:
    from bot.i18n import Translator
    from domain.formatting import Formats
    from domain.report_periods import Period


def _major(minor: int | None, currency: str | None) -> float | None:
    """An amount in major units (a number in the sheet; the currency has its own column)."""
    if minor is None:
        return None
    return minor / 10 ** currency_exponent(currency) if currency else float(minor)


def _columns(t: Translator, spec: list[tuple[str, ColumnType]]) -> list[Column]:
    return [Column(t(f"report.col.{key}"), kind) for key, kind in spec]


def _local(fmt: Formats, moment: datetime | None) -> datetime | None:
    """A moment as the manager's wall time (spreadsheets have no zones)."""
    return None if moment is None else fmt.local(moment).replace(tzinfo=None)


def _meetings(t: Translator, fmt: Formats, rows: ReportRows, period: Period) -> Sheet:
    spec: list[tuple[str, ColumnType]] = [
        ("when", "datetime"),
        ("account", "text"),
        ("kind", "text"),
        ("status", "text"),
        ("author", "text"),
        ("outcome", "text"),
    ]
    sheet = Sheet(t("report.sheet.meetings"), _columns(t, spec))
    for m in rows.meetings:
        if period.contains(m.starts_at):
            outcome = t(f"meeting.outcome_{m.outcome}") if m.outcome else None
            sheet.rows.append(
                [
                    _local(fmt, m.starts_at),
                    m.account_name,
                    t(f"report.kind.{m.kind}"),
                    t(f"report.mstatus.{m.status}"),
                    m.author_name,
                    outcome,
                ]
            )
    return sheet


def _tasks(t: Translator, fmt: Formats, rows: ReportRows) -> Sheet:
    spec: list[tuple[str, ColumnType]] = [
        ("task", "text"),
        ("account", "text"),
        ("assignee", "text"),
        ("due", "datetime"),
        ("status", "text"),
        ("completed", "datetime"),
    ]
    sheet = Sheet(t("report.sheet.tasks"), _columns(t, spec))
    for task in rows.tasks:
        sheet.rows.append(
            [
                task.text,
                task.account_name,
                task.assignee_name,
                _local(fmt, task.due_at),
                t(f"report.tstatus.{task.status}"),
                _local(fmt, task.completed_at),
            ]
        )
    return sheet


def _deals(t: Translator, rows: ReportRows, period: Period) -> Sheet:
    """The open deals and those won or lost in the period (as in the report's text)."""
    spec: list[tuple[str, ColumnType]] = [
        ("title", "text"),
        ("account", "text"),
        ("kind", "text"),
        ("stage", "text"),
        ("amount", "amount"),
        ("currency", "text"),
        ("probability", "percent"),
        ("weighted", "amount"),
        ("expected_close", "date"),
        ("closed_on", "date"),
        ("reason", "text"),
        ("reason_text", "text"),
    ]
    sheet = Sheet(t("report.sheet.deals"), _columns(t, spec))
    for d in rows.deals:
        is_open = d.stage not in ("won", "lost")
        if not is_open and not (d.closed_on and period.contains_day(d.closed_on)):
            continue
        probability = d.probability / 100 if d.probability is not None else None
        row: list[Cell] = [
            d.title,
            d.account_name,
            t(f"report.dkind.{d.kind}"),
            t(f"report.stage.{d.stage}"),
            _major(d.amount_minor, d.currency),
            d.currency,
            probability,
            _major(weighted_minor(d), d.currency) if is_open and d.amount_minor else None,
            d.expected_close_on,
            d.closed_on,
            t(f"report.reason.{d.reason_code}") if d.reason_code else None,
            d.result_reason,
        ]
        sheet.rows.append(row)
    return sheet


def _satisfaction(t: Translator, fmt: Formats, rows: ReportRows, period: Period) -> Sheet:
    spec: list[tuple[str, ColumnType]] = [
        ("when", "datetime"),
        ("account", "text"),
        ("manager", "text"),
        ("score", "int"),
        ("comment", "text"),
    ]
    sheet = Sheet(t("report.sheet.satisfaction"), _columns(t, spec))
    for c in rows.checks:
        if period.contains(c.answered_at):
            sheet.rows.append(
                [_local(fmt, c.answered_at), c.account_name, c.manager_name, c.score, c.comment]
            )
    return sheet


def contract_reason(t: Translator, contract: RiskyContract) -> str:
    state = contract.state
    parts = [
        t.plural(f"report.contract.{name}", count)
        for name, count in (
            ("missed", state.missed),
            ("delayed", state.delayed),
            ("due_soon", state.due_soon),
        )
        if count
    ]
    return ", ".join(parts)


def _contracts(t: Translator, rows: ReportRows, now: datetime, period: Period) -> Sheet:
    spec: list[tuple[str, ColumnType]] = [
        ("account", "text"),
        ("title", "text"),
        ("number", "text"),
        ("ends_on", "date"),
        ("value", "amount"),
        ("currency", "text"),
        ("compliance", "text"),
        ("problems", "text"),
    ]
    sheet = Sheet(t("report.sheet.contracts"), _columns(t, spec))
    today = now.astimezone(period.tz).date()
    for c in rows.contracts:
        state = contract_status(c.obligations, today)
        reason = contract_reason(t, RiskyContract(c.title, c.account_name, state, c.ends_on))
        sheet.rows.append(
            [
                c.account_name,
                c.title,
                c.number,
                c.ends_on,
                _major(c.amount_minor, c.currency),
                c.currency,
                t(f"report.compliance.{state.status}"),
                reason or None,
            ]
        )
    return sheet


def workbook_sheets(
    t: Translator, fmt: Formats, rows: ReportRows, period: Period, now: datetime
) -> list[Sheet]:
    return [
        _meetings(t, fmt, rows, period),
        _tasks(t, fmt, rows),
        _deals(t, rows, period),
        _satisfaction(t, fmt, rows, period),
        _contracts(t, rows, now, period),
    ]
