"""Settings from the environment and from `.env` (the environment wins)."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dotenv import dotenv_values

from domain.languages import LANGUAGES
from domain.timezones import is_valid_zone

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILE_API = "https://api.telegram.org/file/bot"
_TOKEN = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{20,80}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_LOG_FORMATS = ("text", "json")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and says what to do."""


@dataclass(frozen=True)
class Settings:
    bot_token: str
    api_base_url: str
    api_base_file_url: str
    database_path: str
    admin_ids: frozenset[int]
    default_timezone: str
    default_language: str
    log_level: str
    invite_ttl_days: int
    reminder_tick_seconds: float = 30.0
    reminder_send_rate: float = 30.0
    backup_dir: str | None = None  # None: no automatic backups
    backup_keep_daily: int = 7
    backup_keep_weekly: int = 4
    log_format: str = "text"  # or "json": one JSON object per line
    webhook_url: str | None = None  # None: long polling
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str | None = None
    flood_rate: float = 10.0  # updates a second per user, after the burst; 0: no flood control
    flood_burst: int = 30

    @property
    def webhook_path(self) -> str:
        """The path part of WEBHOOK_URL: where the bot's webhook server takes updates."""
        return urlsplit(self.webhook_url or "").path


def _read_environment(env_file: str | Path | None) -> dict[str, str]:
    values: dict[str, str] = {}
    path = Path(env_file) if env_file is not None else Path(".env")
    if path.is_file():
        values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    values.update(os.environ)
    return values


def _admin_ids(raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ConfigError(
                f"ADMIN_IDS: {part!r} is not a Telegram user id; list numeric ids separated by"
                " commas, e.g. ADMIN_IDS=123456789,987654321 (ask @userinfobot for yours)"
            )
        ids.add(int(part))
    return frozenset(ids)


def _number(raw: str, name: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # also refuses nan
        raise ConfigError(f"{name}: {raw!r} must be a number from {low:g} to {high:g}")
    return value


def _whole(raw: str, name: str, low: int, high: int) -> int:
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{name}: {raw!r} must be a whole number from {low} to {high}")
    return int(raw)


def _backups(get: Callable[[str, str], str], database_path: str) -> dict[str, Any]:
    """BACKUP_DIR (default: a `backups` folder beside the database; `off`: none) and how
    many daily and weekly backups rotation keeps."""
    folder = get("BACKUP_DIR", str(Path(database_path).parent / "backups"))
    return {
        "backup_dir": None if folder.lower() == "off" else folder,
        "backup_keep_daily": _whole(get("BACKUP_KEEP_DAILY", "7"), "BACKUP_KEEP_DAILY", 1, 366),
        "backup_keep_weekly": _whole(get("BACKUP_KEEP_WEEKLY", "4"), "BACKUP_KEEP_WEEKLY", 0, 520),
    }


def _logging(get: Callable[[str, str], str]) -> dict[str, Any]:
    """LOG_LEVEL and LOG_FORMAT (text or json)."""
    level = get("LOG_LEVEL", "INFO").upper()
    if level not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL: {level!r} is not one of {', '.join(_LOG_LEVELS)}")
    form = get("LOG_FORMAT", "text").lower()
    if form not in _LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT: {form!r} is not one of {', '.join(_LOG_FORMATS)}")
    return {"log_level": level, "log_format": form}


def _webhook(get: Callable[[str, str], str]) -> dict[str, Any]:
    """WEBHOOK_URL (unset: long polling), WEBHOOK_LISTEN, WEBHOOK_PORT and WEBHOOK_SECRET (required
    with a URL: Telegram sends it with every update, and a request without it is refused)."""
    url = get("WEBHOOK_URL", "")
    if not url:
        return {}
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError(
            f"WEBHOOK_URL: {url!r} must be a URL like https://bot.example.com/telegram (the"
            " address Telegram posts updates to; no query string)"
        )
    listen = get("WEBHOOK_LISTEN", "0.0.0.0")
    try:
        ipaddress.ip_address(listen)
    except ValueError:
        raise ConfigError(
            f"WEBHOOK_LISTEN: {listen!r} must be an IP address, e.g. 0.0.0.0 (all) or 127.0.0.1"
        ) from None
    secret = get("WEBHOOK_SECRET", "")
    if not _SECRET.match(secret):
        raise ConfigError(
            "WEBHOOK_SECRET: set it when WEBHOOK_URL is set: 1 to 256 characters A-Z, a-z, 0-9,"
            " _ and -, e.g. the output of `openssl rand -hex 32`"
        )
    return {
        "webhook_url": url,
        "webhook_listen": listen,
        "webhook_port": _whole(get("WEBHOOK_PORT", "8443"), "WEBHOOK_PORT", 1, 65535),
        "webhook_secret": secret,
    }


def _flood(get: Callable[[str, str], str]) -> dict[str, Any]:
    """FLOOD_RATE (updates a second each user may send, after FLOOD_BURST at once); 0 in
    either switches flood control off."""
    return {
        "flood_rate": _number(get("FLOOD_RATE", "10"), "FLOOD_RATE", 0, 1000),
        "flood_burst": _whole(get("FLOOD_BURST", "30"), "FLOOD_BURST", 0, 10_000),
    }


def _check_token(token: str) -> None:
    if not token:
        raise ConfigError(
            "BOT_TOKEN is not set: create a bot with @BotFather in Telegram and put its token"
            " in .env (see .env.example) or in the environment"
        )
    if not _TOKEN.match(token):
        raise ConfigError(
            "BOT_TOKEN is malformed: it looks like 123456789:AAE... (digits, a colon, then"
            " letters); copy it again from @BotFather"
        )


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: str | Path | None = None,
    require_token: bool = True,
) -> Settings:
    """Reads and validates every setting; raises ConfigError with a one-line explanation."""
    env = dict(environ) if environ is not None else _read_environment(env_file)

    def get(name: str, default: str) -> str:
        value = env.get(name, "").strip()
        return value or default

    token = get("BOT_TOKEN", "")
    if require_token:
        _check_token(token)

    timezone = get("DEFAULT_TIMEZONE", "UTC")
    if not is_valid_zone(timezone):
        raise ConfigError(
            f"DEFAULT_TIMEZONE: {timezone!r} is not a known time zone; use an IANA name such as"
            " Europe/Moscow, Asia/Shanghai or UTC"
        )
    language = get("DEFAULT_LANGUAGE", "en").lower()
    if language not in LANGUAGES:
        raise ConfigError(
            f"DEFAULT_LANGUAGE: {language!r} is not supported; use one of {', '.join(LANGUAGES)}"
        )
    ttl = get("INVITE_TTL_DAYS", "7")
    if not ttl.isdigit() or not 1 <= int(ttl) <= 365:
        raise ConfigError(f"INVITE_TTL_DAYS: {ttl!r} must be a whole number of days, 1 to 365")
    tick = _number(get("REMINDER_TICK_SECONDS", "30"), "REMINDER_TICK_SECONDS", 1, 3600)
    rate = _number(get("REMINDER_SEND_RATE", "30"), "REMINDER_SEND_RATE", 1, 30)
    base_url = get("BOT_API_BASE_URL", TELEGRAM_API)
    file_url = get("BOT_API_BASE_FILE_URL", TELEGRAM_FILE_API)
    for name, url in (("BOT_API_BASE_URL", base_url), ("BOT_API_BASE_FILE_URL", file_url)):
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{name}: {url!r} must start with http:// or https://")

    database_path = get("DATABASE_PATH", "data/kam.sqlite3")
    return Settings(
        bot_token=token,
        api_base_url=base_url,
        api_base_file_url=file_url,
        database_path=database_path,
        admin_ids=_admin_ids(env.get("ADMIN_IDS", "")),
        default_timezone=timezone,
        default_language=language,
        invite_ttl_days=int(ttl),
        reminder_tick_seconds=tick,
        reminder_send_rate=rate,
        **_backups(get, database_path),
        **_logging(get),
        **_webhook(get),
        **_flood(get),
    )
