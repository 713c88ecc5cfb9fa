"""`kam-bot`: run the bot, or `kam-bot seed-demo` to load a demo portfolio."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging
from domain.clock import SystemClock
from storage import Database, DatabaseTooNewError, Storage

_LOG = logging.getLogger("kam")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kam-bot", description="KAM Assistant Telegram bot")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start the bot (the default)")
    commands.add_parser("migrate", help="create or upgrade the database, then exit")
    seed = commands.add_parser("seed-demo", help="load a demo portfolio for a manager")
    seed.add_argument("--telegram-id", type=int, required=True, help="the manager's Telegram id")
    seed.add_argument("--name", default="Demo Manager", help="name if the manager is new")
    return parser


def _fail(message: str) -> int:
    print(f"kam-bot: {message}", file=sys.stderr)
    return 2


async def _open_storage(settings: Settings) -> Storage:
    return await Storage.open(settings.database_path)


async def _migrate(settings: Settings) -> None:
    storage = await _open_storage(settings)
    await storage.close()


def _run_bot(settings: Settings) -> int:
    from bot.application import build_application

    asyncio.run(_migrate(settings))  # clear errors before the bot starts; opened again below
    storage = Storage(Database(settings.database_path))
    application = build_application(settings, storage, SystemClock())
    _LOG.info("KAM Assistant starting; database %s", settings.database_path)
    application.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


async def _seed(settings: Settings, telegram_id: int, name: str) -> str:
    from storage.demo import load_demo_portfolio

    storage = await _open_storage(settings)
    try:
        summary = await load_demo_portfolio(
            storage,
            telegram_id=telegram_id,
            full_name=name,
            language=settings.default_language,
            timezone=settings.default_timezone,
            now=SystemClock().now(),
        )
    finally:
        await storage.close()
    return summary


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings(require_token=command == "run")
    except ConfigError as error:
        return _fail(str(error))
    configure_logging(settings.log_level, settings.bot_token)
    try:
        if command == "migrate":
            asyncio.run(_migrate(settings))
            return 0
        if command == "seed-demo":
            print(asyncio.run(_seed(settings, args.telegram_id, args.name)))
            return 0
        return _run_bot(settings)
    except DatabaseTooNewError as error:
        return _fail(f"DATABASE_PATH: {error}")
    except OSError as error:
        return _fail(f"DATABASE_PATH: cannot open {settings.database_path}: {error}")
