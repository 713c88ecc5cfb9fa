"""Reminders on the Telegram side: the digest, task, satisfaction and obligation buttons,
`/today`, `/tasks`, and the reminder settings (inside /settings). The tick that pushes them
lives in bot/scheduler.py."""

from __future__ import annotations

from bot.context import KamApp
from handlers.reminders import lists, obligations, satisfaction, tasks, today


def register(application: KamApp) -> None:
    satisfaction.register(application)
    tasks.register(application)
    obligations.register(application)
    today.register(application)
    lists.register(application)
