"""The weekly report as a push: last week's report (the team's for leads and admins, one's own
for a KAM who turned it on) and its chart, Monday at the digest time."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from domain.policy import Action, Kind, Target, decide
from domain.report_chart import build_chart
from domain.report_periods import named_period
from handlers.reminders.registry import Push, PushInput, renders
from handlers.ui import shorten

if TYPE_CHECKING:
    from storage.reminders import Delivery


@renders("weekly")
async def weekly_push(push_input: PushInput, delivery: Delivery) -> Push | None:
    from handlers.reports.view import (  # the report's code on its first use
        chart_input,
        load_report,
        manager_scope,
        period_range,
        report_text,
    )

    manager, fmt = push_input.manager, push_input.fmt
    t = fmt.t
    period = named_period("last_week", delivery.due_at, fmt.tz)  # the week before that Monday
    team = decide(manager.actor, Action.SEE, Target(Kind.REPORT)).allowed  # leads, admins
    scope, heading = await manager_scope(push_input.sources, t, manager, team=team)
    rows, figures = await load_report(push_input.sources, scope, period, push_input.now)
    text = shorten(
        t("report.weekly.intro")
        + "\n\n"
        + report_text(t, fmt, heading, period, figures, len(rows.contracts))
    )
    chart = await asyncio.to_thread(build_chart, chart_input(t, fmt, heading, period, figures))
    line = t("report.weekly.line", period=period_range(fmt, period))
    return Push(text, None, line, None, photo=chart)
