"""The Telegram-facing flows. `register` adds them to the application in priority order.

The features are imported by :func:`features`, not with this package: importing one module of
it (the access gate, handlers.ui) does not import them all, and the bot can import them in a
thread while it already polls (bot.application).
"""

from __future__ import annotations

from typing import Protocol

from bot.context import KamApp


class Feature(Protocol):
    def register(self, application: KamApp) -> None: ...


def features() -> list[Feature]:
    """Every feature module, in the order their handlers take an update."""
    from handlers import access, fallbacks, help, intake, invites, menu_text, preferences, team
    from handlers import audit as audit_feature
    from handlers import contracts as contracts_feature
    from handlers import deals as deals_feature
    from handlers import meetings as meetings_feature
    from handlers import portfolio as portfolio_feature
    from handlers import profiles as profiles_feature
    from handlers import reminders as reminders_feature
    from handlers import reports as reports_feature

    return [
        access,
        intake,
        preferences,
        help,
        invites,
        team,
        meetings_feature,
        contracts_feature,
        profiles_feature,
        reminders_feature,
        deals_feature,
        portfolio_feature,
        reports_feature,
        audit_feature,
        menu_text,
        fallbacks,
    ]


def register(application: KamApp) -> None:
    from handlers import errors

    for feature in features():
        feature.register(application)
    application.add_error_handler(errors.on_error)
