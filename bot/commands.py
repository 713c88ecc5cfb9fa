"""The command list Telegram shows in the chat's menu, in each language.

The default list (every private chat, in each language) holds what every manager may use.
Leads and admins get their own list in their chat (``BotCommandScopeChat``), with /invite and
/team added, in the language they chose. It is set at start-up, when someone registers, and
when an admin changes a role or switches access off or on.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.context import SERVICES_KEY, KamApp
from bot.i18n import translator
from bot.services import Services
from domain.languages import LANGUAGES

if TYPE_CHECKING:
    from storage.managers import Manager

_LOG = logging.getLogger(__name__)

COMMANDS: tuple[str, ...] = (
    "start",
    "meeting",
    "plan",
    "timeline",
    "history",
    "find",
    "newclient",
    "today",
    "tasks",
    "report",
    "edit",
    "contract",
    "deal",
    "help",
    "settings",
    "cancel",
)
LEAD_COMMANDS: tuple[str, ...] = ("invite", "team", "portfolio")
ADMIN_COMMANDS: tuple[str, ...] = ("audit",)  # after the leads' commands, for admins only


def commands_for(language: str, *, leads: bool = False, admin: bool = False) -> list[BotCommand]:
    """Everyone's commands; with ``leads``, /invite, /team and /portfolio before /cancel (and
    with ``admin`` also /audit)."""
    t = translator(language)
    extra = (*LEAD_COMMANDS, *ADMIN_COMMANDS) if admin else LEAD_COMMANDS
    names = (*COMMANDS[:-1], *extra, COMMANDS[-1]) if leads else COMMANDS
    return [BotCommand(name, t(f"command.{name}")) for name in names]


async def publish_commands(application: KamApp) -> None:
    """setMyCommands for every language (English also as the default for all others), then
    the lists of the leads and admins."""
    bot = application.bot
    await bot.set_my_commands(commands_for("en"))
    for language in LANGUAGES:
        await bot.set_my_commands(commands_for(language), language_code=language)
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    for manager in await services.storage.managers.list_all():
        if manager.active and manager.can_invite:
            await publish_manager_commands(bot, manager)


async def publish_manager_commands(bot: Bot, manager: Manager) -> None:
    """The menu of one manager's chat: the lead's list, or back to the default one.

    A failure is logged, not raised: the menu is a convenience, and the commands themselves
    check who may use them.
    """
    scope = BotCommandScopeChat(manager.telegram_id)
    try:
        if manager.active and manager.can_invite:
            admin = manager.role == "admin"
            menu = commands_for(manager.language, leads=True, admin=admin)
            await bot.set_my_commands(menu, scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as error:
        _LOG.warning("could not set the command menu of manager %s: %s", manager.id, error)
