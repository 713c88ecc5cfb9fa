"""The database: every SQL statement, the migrations, and plain dataclasses for the rest."""

from __future__ import annotations

from storage.accounts import AccountRepository
from storage.audit import AuditRepository
from storage.bot_state import BotStateRepository
from storage.contacts import ContactRepository
from storage.contracts import ContractRepository
from storage.database import Database
from storage.deals import DealRepository
from storage.inbox import InboxRepository
from storage.invites import InviteRepository
from storage.managers import ManagerRepository
from storage.meetings import MeetingRepository
from storage.migrations import DatabaseTooNewError
from storage.portfolio import PortfolioRepository
from storage.profile import ProfileRepository
from storage.reassign import ReassignRepository
from storage.reminders import ReminderRepository
from storage.reports import ReportRepository
from storage.satisfaction import SatisfactionRepository
from storage.search import SearchRepository
from storage.tasks import TaskRepository
from storage.team import TeamRepository


class Storage:
    """All repositories over one open database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.managers = ManagerRepository(db)
        self.invites = InviteRepository(db)
        self.audit = AuditRepository(db)
        self.bot_state = BotStateRepository(db)
        self.inbox = InboxRepository(db)
        self.accounts = AccountRepository(db)
        self.contacts = ContactRepository(db)
        self.tasks = TaskRepository(db)
        self.reminders = ReminderRepository(db)
        self.satisfaction = SatisfactionRepository(db)
        self.contracts = ContractRepository(db)
        self.profile = ProfileRepository(db)
        self.search = SearchRepository(db)
        self.meetings = MeetingRepository(db)
        self.deals = DealRepository(db)
        self.portfolio = PortfolioRepository(db)
        self.team = TeamRepository(db, self.managers.forget_cached)
        self.reassign = ReassignRepository(db)
        self.reports = ReportRepository(db)

    @classmethod
    async def open(cls, path: str) -> Storage:
        db = Database(path)
        await db.open()
        return cls(db)

    async def close(self) -> None:
        await self.db.close()


__all__ = ["Database", "DatabaseTooNewError", "Storage"]
