"""Meetings: log a held meeting or plan one (/meeting, /plan), quick log from free text,
an account's timeline (/timeline) and a meeting in full with edit and delete."""

from __future__ import annotations

from telegram.ext import Application

from handlers.meetings import log_flow, timeline, view


def register(application: Application) -> None:  # type: ignore[type-arg]
    log_flow.register(application)
    timeline.register(application)
    view.register(application)
