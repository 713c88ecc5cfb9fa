"""Contracts and their terms: `/contract`, an account's contracts, one contract and its
obligations (handlers.contracts.view), adding or editing a contract (flow) or an obligation
(obligations), a contract's status or its deletion (status). The profile card imports `common`
only, so the package imports nothing here until `register` (no import cycle through the
reminders' renderers)."""

from __future__ import annotations

from bot.context import KamApp


def register(application: KamApp) -> None:
    from handlers import dialog
    from handlers.contracts import flow, obligations, status, view

    dialog.register(application, flow.CONTRACT)
    dialog.register(application, obligations.TERM)
    view.register(application)
    status.register(application)
