"""`kam-bot`: run the bot, or one of the operator's commands (check, migrate, seed-demo,
backup, restore, export, erase-contact)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging
from bot.run_lock import DatabaseInUseError, ensure_free, hold
from domain.backup_rotation import backup_name
from domain.clock import SystemClock
from storage import Database, DatabaseTooNewError, Storage
from storage.backup import BackupError, copy_database, make_private, restore_database

if TYPE_CHECKING:  # the operator's commands import what they use: `kam-bot` starts sooner
    from storage.data_export import Rows

_LOG = logging.getLogger("kam")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query", "my_chat_member"]
"""my_chat_member: the bot is told when it is added to a group, and leaves (handlers.intake)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kam-bot", description="KAM Assistant Telegram bot")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start the bot (the default)")
    commands.add_parser("check", help="check settings, database and Bot API; exit 0 or 1")
    commands.add_parser("migrate", help="create or upgrade the database, then exit")
    seed = commands.add_parser("seed-demo", help="load a demo portfolio for a manager")
    seed.add_argument("--telegram-id", type=int, required=True, help="the manager's Telegram id")
    seed.add_argument("--name", default="Demo Manager", help="name if the manager is new")
    backup = commands.add_parser("backup", help="copy the database, also while the bot runs")
    backup.add_argument("path", help="the backup file, or a folder to put it in")
    restore = commands.add_parser("restore", help="replace the database with a checked backup")
    restore.add_argument("path", help="the backup file")
    export = commands.add_parser(
        "export", help="an account's or a manager's data (JSON), or the audit log (CSV)"
    )
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--account", type=int, help="the account's id")
    which.add_argument("--manager", type=int, help="the manager's id")
    which.add_argument("--audit", action="store_true", help="the audit log as CSV")
    export.add_argument("--since", type=date.fromisoformat, help="--audit from YYYY-MM-DD on")
    export.add_argument("--out", help="the JSON (or CSV) file (default: standard output)")
    erase = commands.add_parser("erase-contact", help="erase a contact's personal data")
    erase.add_argument("contact_id", type=int, help="the contact's id")
    return parser


def _fail(message: str) -> int:
    print(f"kam-bot: {message}", file=sys.stderr)
    return 2


async def _open_storage(settings: Settings) -> Storage:
    return await Storage.open(settings.database_path)


async def _migrate(settings: Settings) -> None:
    storage = await _open_storage(settings)
    await storage.close()


def _run_bot(settings: Settings, _: argparse.Namespace) -> int:
    gc.disable()  # until the features are in (bot.application._collect_garbage_again)
    from bot.application import build_application

    lock = hold(settings.database_path)  # held until the process ends
    asyncio.run(_migrate(settings))  # clear errors before the bot starts; opened again below
    storage = Storage(Database(settings.database_path))
    application = build_application(settings, storage, SystemClock(), features_in_background=True)
    _LOG.info("KAM Assistant starting; database %s", settings.database_path)
    if settings.webhook_url is None:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    else:  # PTB's webhook server refuses (403) a request without the secret-token header
        where = f"{settings.webhook_listen}:{settings.webhook_port}"
        _LOG.info("webhook mode: listening on %s", where)
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=settings.webhook_path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    _LOG.info("KAM Assistant stopped; database closed")
    lock.close()
    return 1 if getattr(application, "features_failed", False) else 0


def _migrate_command(settings: Settings, _: argparse.Namespace) -> int:
    asyncio.run(_migrate(settings))
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


def _seed_command(settings: Settings, args: argparse.Namespace) -> int:
    print(asyncio.run(_seed(settings, args.telegram_id, args.name)))
    return 0


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    if not Path(settings.database_path).is_file():
        return _fail(f"DATABASE_PATH: {settings.database_path} does not exist")
    target = Path(args.path)
    if target.is_dir():
        target = target / backup_name(SystemClock().now())
    copy_database(settings.database_path, target)
    print(f"backup written to {target}")
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    ensure_free(settings.database_path)
    kept = restore_database(args.path, settings.database_path, SystemClock().now())
    print(f"restored {settings.database_path} from {args.path}")
    if kept is not None:
        print(f"the database it replaced is kept as {kept}")
    return 0


async def _exported(settings: Settings, args: argparse.Namespace) -> dict[str, Rows] | None:
    from storage.data_export import export_account, export_manager

    storage = await _open_storage(settings)
    try:
        if args.account is not None:
            return await export_account(storage.db, args.account)
        return await export_manager(storage.db, args.manager)
    finally:
        await storage.close()


def _export(settings: Settings, args: argparse.Namespace) -> int:
    if args.audit:
        from bot.audit_export import export_audit

        export_audit(settings, args)
        return 0
    data = asyncio.run(_exported(settings, args))
    if data is None:
        what = "account" if args.account is not None else "manager"
        return _fail(f"there is no {what} with id {args.account or args.manager}")
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if args.out is None:
        print(text)
    else:
        make_private(args.out)
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"written to {args.out}")
    return 0


async def _erase(settings: Settings, contact_id: int) -> bool:
    from storage.data_export import erase_contact

    storage = await _open_storage(settings)
    try:
        return await erase_contact(storage.db, contact_id, actor_id=None, now=SystemClock().now())
    finally:
        await storage.close()


def _erase_command(settings: Settings, args: argparse.Namespace) -> int:
    if not asyncio.run(_erase(settings, args.contact_id)):
        return _fail(f"there is no contact with id {args.contact_id}")
    print(f"contact {args.contact_id}: personal data erased (logged in the audit log)")
    return 0


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "run": _run_bot,
    "migrate": _migrate_command,
    "seed-demo": _seed_command,
    "backup": _backup,
    "restore": _restore,
    "export": _export,
    "erase-contact": _erase_command,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    if command == "check":  # reports a settings error as one of its lines
        from bot.health import run_checks

        return run_checks()
    try:
        settings = load_settings(require_token=command == "run")
    except ConfigError as error:
        return _fail(str(error))
    secrets = (settings.webhook_secret,) if settings.webhook_secret else ()
    configure_logging(settings.log_level, settings.bot_token, settings.log_format, also=secrets)
    try:
        return COMMANDS[command](settings, args)
    except DatabaseTooNewError as error:
        return _fail(f"DATABASE_PATH: {error}")
    except (DatabaseInUseError, BackupError) as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"{settings.database_path}: {error}")
