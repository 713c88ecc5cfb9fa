"""Meetings: log a held meeting or plan one (/meeting, /plan), quick log from free text,
an account's timeline (/timeline) and a meeting in full with edit and delete."""

from __future__ import annotations

from bot.context import KamApp
from handlers.meetings import log_flow, timeline, view


def register(application: KamApp) -> None:
    log_flow.register(application)
    timeline.register(application)
    view.register(application)
