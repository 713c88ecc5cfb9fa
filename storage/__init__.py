"""The database: every SQL statement, the migrations, and plain dataclasses for the rest.

A repository's module is imported when the repository is first used, not when the bot starts:
the access gate needs managers, persistence the bot state, and little else before the first
update (docs/benchmarks.md, "Start-up, lazy imports").
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from storage.database import Database
from storage.migrations import DatabaseTooNewError

if TYPE_CHECKING:
    from storage.accounts import AccountRepository
    from storage.audit import AuditRepository
    from storage.bot_state import BotStateRepository
    from storage.contacts import ContactRepository
    from storage.contracts import ContractRepository
    from storage.deals import DealRepository
    from storage.inbox import InboxRepository
    from storage.invites import InviteRepository
    from storage.managers import ManagerRepository
    from storage.meetings import MeetingRepository
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
    """All repositories over one open database, each made (and its module imported) on first
    use."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @cached_property
    def managers(self) -> ManagerRepository:
        from storage.managers import ManagerRepository

        return ManagerRepository(self.db)

    @cached_property
    def invites(self) -> InviteRepository:
        from storage.invites import InviteRepository

        return InviteRepository(self.db)

    @cached_property
    def audit(self) -> AuditRepository:
        from storage.audit import AuditRepository

        return AuditRepository(self.db)

    @cached_property
    def bot_state(self) -> BotStateRepository:
        from storage.bot_state import BotStateRepository

        return BotStateRepository(self.db)

    @cached_property
    def inbox(self) -> InboxRepository:
        from storage.inbox import InboxRepository

        return InboxRepository(self.db)

    @cached_property
    def accounts(self) -> AccountRepository:
        from storage.accounts import AccountRepository

        return AccountRepository(self.db)

    @cached_property
    def contacts(self) -> ContactRepository:
        from storage.contacts import ContactRepository

        return ContactRepository(self.db)

    @cached_property
    def tasks(self) -> TaskRepository:
        from storage.tasks import TaskRepository

        return TaskRepository(self.db)

    @cached_property
    def reminders(self) -> ReminderRepository:
        from storage.reminders import ReminderRepository

        return ReminderRepository(self.db)

    @cached_property
    def satisfaction(self) -> SatisfactionRepository:
        from storage.satisfaction import SatisfactionRepository

        return SatisfactionRepository(self.db)

    @cached_property
    def contracts(self) -> ContractRepository:
        from storage.contracts import ContractRepository

        return ContractRepository(self.db)

    @cached_property
    def profile(self) -> ProfileRepository:
        from storage.profile import ProfileRepository

        return ProfileRepository(self.db)

    @cached_property
    def search(self) -> SearchRepository:
        from storage.search import SearchRepository

        return SearchRepository(self.db)

    @cached_property
    def meetings(self) -> MeetingRepository:
        from storage.meetings import MeetingRepository

        return MeetingRepository(self.db)

    @cached_property
    def deals(self) -> DealRepository:
        from storage.deals import DealRepository

        return DealRepository(self.db)

    @cached_property
    def portfolio(self) -> PortfolioRepository:
        from storage.portfolio import PortfolioRepository

        return PortfolioRepository(self.db)

    @cached_property
    def team(self) -> TeamRepository:
        from storage.team import TeamRepository

        return TeamRepository(self.db, self.managers.forget_cached)

    @cached_property
    def reassign(self) -> ReassignRepository:
        from storage.reassign import ReassignRepository

        return ReassignRepository(self.db)

    @cached_property
    def reports(self) -> ReportRepository:
        from storage.reports import ReportRepository

        return ReportRepository(self.db)

    @classmethod
    async def open(cls, path: str) -> Storage:
        db = Database(path)
        await db.open()
        return cls(db)

    async def close(self) -> None:
        await self.db.close()


__all__ = ["Database", "DatabaseTooNewError", "Storage"]
