from __future__ import annotations

import pytest

from bot.config import TELEGRAM_API, ConfigError, load_settings

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"


def test_defaults() -> None:
    settings = load_settings({"BOT_TOKEN": TOKEN})
    assert settings.api_base_url == TELEGRAM_API
    assert settings.database_path == "data/kam.sqlite3"
    assert settings.default_timezone == "UTC"
    assert settings.default_language == "en"
    assert settings.admin_ids == frozenset()
    assert settings.invite_ttl_days == 7
    assert (settings.backup_dir, settings.backup_keep_daily) == ("data/backups", 7)
    assert settings.backup_keep_weekly == 4


def test_backups_can_be_moved_or_switched_off() -> None:
    moved = load_settings({"BOT_TOKEN": TOKEN, "BACKUP_DIR": "/srv/kam", "BACKUP_KEEP_WEEKLY": "0"})
    assert (moved.backup_dir, moved.backup_keep_weekly) == ("/srv/kam", 0)
    assert load_settings({"BOT_TOKEN": TOKEN, "BACKUP_DIR": "OFF"}).backup_dir is None


def test_values_are_read() -> None:
    settings = load_settings(
        {
            "BOT_TOKEN": TOKEN,
            "ADMIN_IDS": "1, 22 ,333",
            "DEFAULT_TIMEZONE": "Europe/Moscow",
            "DEFAULT_LANGUAGE": "RU",
            "BOT_API_BASE_URL": "http://127.0.0.1:9/bot",
            "LOG_LEVEL": "debug",
        }
    )
    assert settings.admin_ids == {1, 22, 333}
    assert settings.default_language == "ru"
    assert settings.log_level == "DEBUG"
    assert settings.api_base_url == "http://127.0.0.1:9/bot"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "BOT_TOKEN is not set"),
        ({"BOT_TOKEN": "nonsense"}, "BOT_TOKEN is malformed"),
        ({"BOT_TOKEN": TOKEN, "DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": TOKEN, "DEFAULT_LANGUAGE": "de"}, "DEFAULT_LANGUAGE"),
        ({"BOT_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"BOT_TOKEN": TOKEN, "INVITE_TTL_DAYS": "0"}, "INVITE_TTL_DAYS"),
        ({"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": "ftp://x"}, "BOT_API_BASE_URL"),
        ({"BOT_TOKEN": TOKEN, "BACKUP_KEEP_DAILY": "0"}, "BACKUP_KEEP_DAILY"),
        ({"BOT_TOKEN": TOKEN, "BACKUP_KEEP_WEEKLY": "many"}, "BACKUP_KEEP_WEEKLY"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(env)


def test_token_is_optional_for_offline_commands() -> None:
    assert load_settings({}, require_token=False).bot_token == ""
