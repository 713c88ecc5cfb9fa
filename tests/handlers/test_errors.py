from __future__ import annotations

from typing import Any

import pytest
from telegram.ext import Application

from handlers.ui import button, shorten
from storage import Storage
from tests.fake_telegram import FakeTelegram, TelegramUser


async def test_a_failure_is_reported_and_the_bot_keeps_running(
    admin: TelegramUser, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    await admin.send("/settings")
    await admin.press("Time zone")
    with monkeypatch.context() as patch:
        patch.setattr(storage.managers, "update", broken)
        await admin.send("Berlin")
    assert "Something went wrong on my side. What you entered is kept" in admin.last_text
    await admin.send("Berlin")  # the step is still open and now works
    assert "Europe/Berlin" in admin.last_text


async def test_telegram_refuses_oversized_callback_data(
    app: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram, admin: TelegramUser
) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.error import BadRequest

    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 200)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await app.bot.send_message(admin.chat_id, "hi", reply_markup=markup)


def test_our_buttons_refuse_what_telegram_would_refuse() -> None:
    with pytest.raises(ValueError, match="callback data"):
        button("x", "pref:tz:" + "Я" * 40)
    assert button("ok", "pref:tz:America/Argentina/ComodRivadavia").callback_data


def test_shorten_keeps_html_valid() -> None:
    text = "<b>" + "a" * 5000 + "</b>"
    short = shorten(text)
    assert len(short) <= 4096
    assert short.endswith("…</b>")
    assert shorten("<i>x</i>" + "&amp;" * 2000)[-1] != "&"
