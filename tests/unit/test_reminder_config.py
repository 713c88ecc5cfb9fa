"""The reminder settings read from the environment."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"


def test_defaults() -> None:
    settings = load_settings({"BOT_TOKEN": TOKEN})
    assert settings.reminder_tick_seconds == 30
    assert settings.reminder_send_rate == 30


def test_values_are_read() -> None:
    settings = load_settings(
        {"BOT_TOKEN": TOKEN, "REMINDER_TICK_SECONDS": "1", "REMINDER_SEND_RATE": "20"}
    )
    assert settings.reminder_tick_seconds == 1
    assert settings.reminder_send_rate == 20


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REMINDER_TICK_SECONDS", "0"),
        ("REMINDER_TICK_SECONDS", "soon"),
        ("REMINDER_TICK_SECONDS", "nan"),
        ("REMINDER_SEND_RATE", "31"),
        ("REMINDER_SEND_RATE", "-1"),
    ],
)
def test_bad_values_are_refused_with_the_setting_named(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({"BOT_TOKEN": TOKEN, name: value})
