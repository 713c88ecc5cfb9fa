"""What handlers need at run time, kept in `application.bot_data` (never persisted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.config import Settings
from domain.clock import Clock
from storage import Storage

if TYPE_CHECKING:
    from storage.audit import Denial


@dataclass
class Services:
    settings: Settings
    storage: Storage
    clock: Clock
    # refusals seen while an update is handled, written to the audit log right after it
    denials: list[Denial] = field(default_factory=list)

    async def write_denials(self) -> None:
        """Writes the refusals gathered so far to the audit log (one transaction)."""
        pending, self.denials = self.denials, []
        await self.storage.audit.record_denials(pending)
