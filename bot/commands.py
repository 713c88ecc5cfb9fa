"""The command list Telegram shows in the chat's menu, in each language."""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import Application

from bot.i18n import translator
from domain.languages import LANGUAGES

COMMANDS: tuple[str, ...] = (
    "start",
    "meeting",
    "plan",
    "timeline",
    "find",
    "newclient",
    "today",
    "tasks",
    "edit",
    "help",
    "settings",
    "invite",
    "team",
    "cancel",
)


def commands_for(language: str) -> list[BotCommand]:
    t = translator(language)
    return [BotCommand(name, t(f"command.{name}")) for name in COMMANDS]


async def publish_commands(application: Application) -> None:  # type: ignore[type-arg]
    """setMyCommands for every language (English also as the default for all others)."""
    bot = application.bot
    await bot.set_my_commands(commands_for("en"))
    for language in LANGUAGES:
        await bot.set_my_commands(commands_for(language), language_code=language)
