"""Deals and tenders: `/deal` (a flow on the dialog layer), a deal's card and stage buttons,
an account's deal list. The profile's History section and the account card lead here."""

from __future__ import annotations

from bot.context import KamApp


def register(application: KamApp) -> None:
    from handlers import dialog  # here: the profile screens import handlers.deals.text
    from handlers.deals import flow, view

    dialog.register(application, flow.DEAL)
    view.register(application)
