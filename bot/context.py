"""The CallbackContext handlers receive: services, the current manager, and their language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.i18n import Translator, translator
from bot.services import Services
from domain.formatting import Formats, formats
from domain.languages import language_from_telegram

if TYPE_CHECKING:
    from storage.accounts import Account
    from storage.managers import Manager

SERVICES_KEY = "services"


class KamContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    """Set up once per update; the access gate fills in :attr:`manager`."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.manager: Manager | None = None
        self.telegram_language: str | None = None
        self._visible_accounts: list[Account] | None = None

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> KamContext:
        context = super().from_update(update, application)
        assert isinstance(context, KamContext)
        if isinstance(update, Update) and update.effective_user:
            context.telegram_language = update.effective_user.language_code
        return context

    @property
    def services(self) -> Services:
        services = self.bot_data[SERVICES_KEY]
        assert isinstance(services, Services)
        return services

    @property
    def language(self) -> str:
        if self.manager is not None:
            return self.manager.language
        default = self.services.settings.default_language
        return language_from_telegram(self.telegram_language, default)

    @property
    def t(self) -> Translator:
        return translator(self.language)

    @property
    def fmt(self) -> Formats:
        """Dates, numbers and money in this user's language and time zone."""
        zone = self.manager.timezone if self.manager else self.services.settings.default_timezone
        return formats(self.language, zone)

    def require_manager(self) -> Manager:
        """The registered manager behind this update (the access gate guarantees one)."""
        if self.manager is None:
            raise PermissionError("no registered manager for this update")
        return self.manager

    async def visible_accounts(self) -> list[Account]:
        """The clients this manager sees, read once per update (the menu's text router and the
        quick log it hands the text to both need them)."""
        if self._visible_accounts is None:
            manager = self.require_manager()
            self._visible_accounts = await self.services.storage.accounts.visible(
                manager.id, sees_all=manager.sees_all_accounts
            )
        return self._visible_accounts


KamApp = Application[
    ExtBot[None], KamContext, dict[str, Any], dict[str, Any], dict[str, Any], JobQueue[KamContext]
]
"""The Application as handlers and the scheduler see it (bot.application builds it: its class is
:class:`bot.application.KamApplication`, its context :class:`KamContext`, a JobQueue, no arbitrary
callback data). Lives here, not in bot.application, so that handlers may import it."""
