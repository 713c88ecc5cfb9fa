"""`kam-bot check`: is this bot able to run? One line per check, "OK …" or "FAIL … what to
fix", and exit status 0 when every check passed, 1 otherwise (the Docker health check).

Checks: the settings; the database file (SQLite's integrity check) and its migrations (any
pending are listed); `getMe` on the configured Bot API, with a short time-out; and in webhook
mode, that the bot's webhook server answers on its port (so, there, a stopped bot fails).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

import httpx
from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging, redact
from storage.health import inspect_database

TIMEOUT = 5.0  # seconds, for each network check
Result = tuple[bool, str]


def _settings(settings: Settings) -> Result:
    mode = f"webhook {settings.webhook_url}" if settings.webhook_url else "long polling"
    return True, f"settings: {mode}, database {settings.database_path}"


def _database(settings: Settings) -> list[Result]:
    health = inspect_database(settings.database_path)
    if health.problem == "missing":
        fix = "check DATABASE_PATH, or create it with `kam-bot migrate`"
        return [(False, f"database: {health.detail}: {fix}")]
    if health.problem == "damaged":
        fix = "stop the bot and restore the newest backup with `kam-bot restore PATH`"
        return [(False, f"database: {health.detail}: {fix}")]
    if health.problem == "too_new":
        return [(False, f"database: {health.detail}: upgrade kam-bot, or check DATABASE_PATH")]
    intact = (True, f"database: {settings.database_path} is intact")
    if health.pending:
        names = ", ".join(health.pending)
        fix = "run `kam-bot migrate` (the bot also applies them when it starts)"
        return [intact, (False, f"migrations: {len(health.pending)} pending ({names}): {fix}")]
    return [intact, (True, f"migrations: schema version {health.version}, none pending")]


async def _bot_api(settings: Settings) -> Result:
    request = HTTPXRequest(connect_timeout=TIMEOUT, read_timeout=TIMEOUT, write_timeout=TIMEOUT)
    bot = Bot(
        settings.bot_token,
        base_url=settings.api_base_url,
        request=request,
        get_updates_request=HTTPXRequest(connect_timeout=TIMEOUT, read_timeout=TIMEOUT),
    )
    where = settings.api_base_url
    try:
        async with bot:  # initialize() asks getMe
            return True, f"Bot API: getMe answered at {where}: @{bot.username}"
    except InvalidToken as error:
        fix = "copy BOT_TOKEN again from @BotFather (or check BOT_API_BASE_URL)"
        return False, f"Bot API: {where} refused the token ({error.message}): {fix}"
    except TimedOut:
        fix = "check BOT_API_BASE_URL and the network"
        return False, f"Bot API: no answer from {where} within {TIMEOUT:g} s: {fix}"
    except NetworkError as error:
        fix = "check BOT_API_BASE_URL and the network"
        return False, f"Bot API: cannot reach {where} ({error.message}): {fix}"
    except TelegramError as error:
        return False, f"Bot API: getMe failed at {where} ({error.message}): check BOT_TOKEN"


def _webhook(settings: Settings) -> Result:
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(settings.webhook_listen)
    host = host or settings.webhook_listen
    address = f"[{host}]" if ":" in host else host
    url = f"http://{address}:{settings.webhook_port}{settings.webhook_path or '/'}"
    try:  # without the secret: the bot's server answers 403 and takes nothing
        status = httpx.post(url, content=b"{}", timeout=TIMEOUT).status_code
    except httpx.HTTPError as error:
        fix = "is the bot running? (check WEBHOOK_LISTEN and WEBHOOK_PORT)"
        return False, f"webhook: nothing answers at {url} ({type(error).__name__}): {fix}"
    if status != 403:
        fix = "another program holds WEBHOOK_PORT, or WEBHOOK_URL's path is not the bot's"
        return False, f"webhook: {url} answered {status} to a request without the secret: {fix}"
    return True, f"webhook: the bot's webhook server answers at {url}"


def _results(settings: Settings) -> list[Result]:
    results = [_settings(settings), *_database(settings), asyncio.run(_bot_api(settings))]
    if settings.webhook_url:
        results.append(_webhook(settings))
    return results


def quiet_logging(token: str) -> None:
    """The lines `check` prints say what went wrong; the libraries' log would repeat it."""
    configure_logging("CRITICAL", token)
    logging.getLogger("httpx").setLevel(logging.CRITICAL)


def run_checks(environ: Mapping[str, str] | None = None) -> int:
    try:
        settings = load_settings(environ)
    except ConfigError as error:
        print(f"FAIL settings: {error}")
        return 1
    quiet_logging(settings.bot_token)
    secrets = tuple(s for s in (settings.bot_token, settings.webhook_secret) if s)
    results = _results(settings)
    for ok, text in results:
        print(redact(f"{'OK' if ok else 'FAIL'} {text}", secrets))
    return 0 if all(ok for ok, _ in results) else 1
