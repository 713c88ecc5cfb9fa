"""The Telegram-facing flows. `register` adds them to the application in priority order."""

from __future__ import annotations

from bot.context import KamApp
from handlers import access, errors, fallbacks, help, intake, invites, menu_text, preferences, team
from handlers import audit as audit_feature
from handlers import contracts as contracts_feature
from handlers import deals as deals_feature
from handlers import meetings as meetings_feature
from handlers import portfolio as portfolio_feature
from handlers import profiles as profiles_feature
from handlers import reminders as reminders_feature
from handlers import reports as reports_feature


def register(application: KamApp) -> None:
    access.register(application)
    intake.register(application)
    preferences.register(application)
    help.register(application)
    invites.register(application)
    team.register(application)
    meetings_feature.register(application)
    contracts_feature.register(application)
    profiles_feature.register(application)
    reminders_feature.register(application)
    deals_feature.register(application)
    portfolio_feature.register(application)
    reports_feature.register(application)
    audit_feature.register(application)
    menu_text.register(application)
    fallbacks.register(application)
    application.add_error_handler(errors.on_error)
