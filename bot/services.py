"""What handlers need at run time, kept in `application.bot_data` (never persisted)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from domain.clock import Clock
from storage import Storage


@dataclass
class Services:
    settings: Settings
    storage: Storage
    clock: Clock
