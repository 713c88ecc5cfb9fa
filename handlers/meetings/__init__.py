"""Meetings: log a held meeting or plan one (/meeting, /plan), quick log from free text,
an account's timeline (/timeline), a meeting in full with edit and delete, and a planned
meeting as a file for the phone's calendar."""

from __future__ import annotations

from bot.context import KamApp
from handlers.meetings import calendar, log_flow, timeline, view


def register(application: KamApp) -> None:
    log_flow.register(application)
    timeline.register(application)
    view.register(application)
    calendar.register(application)
