"""The Telegram-facing flows. `register` adds them to the application in priority order."""

from __future__ import annotations

from telegram.ext import Application

from handlers import access, errors, fallbacks, help, invites, preferences, team


def register(application: Application) -> None:  # type: ignore[type-arg]
    access.register(application)
    preferences.register(application)
    help.register(application)
    invites.register(application)
    team.register(application)
    fallbacks.register(application)
    application.add_error_handler(errors.on_error)
