"""The audit log, read: an account's history (/history, the card's 🧾 Changes button) and
the admins' CSV export (/audit)."""

from __future__ import annotations

from bot.context import KamApp
from handlers.audit import export, history


def register(application: KamApp) -> None:
    history.register(application)
    export.register(application)
