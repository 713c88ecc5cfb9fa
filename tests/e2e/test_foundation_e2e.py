"""The foundation over real HTTP: onboarding, strangers, invites, /help, restarts, settings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN_ID, BotProcess, run_cli
from tests.fake_telegram.client import new_message, text


async def test_admin_start_onboards_and_commands_are_published(bot: BotProcess) -> None:
    anna = bot.user(ADMIN_ID, "Anna")
    await anna.send("/start")
    assert "Welcome to KAM Assistant, Anna" in anna.last_text
    await anna.press("English")
    await anna.press("Moscow")
    await anna.press("09:00", expect=new_message())  # "All set", then the menu
    assert "All set" in anna.bot_texts()[-2]
    assert "⚙️ Settings" in anna.reply_keyboard
    rows = bot.query("SELECT role, timezone, onboarded_at IS NOT NULL FROM managers")
    assert rows == [("admin", "Europe/Moscow", 1)]
    commands = [c["command"] for c in bot.fake.commands()]
    assert commands[0] == "start" and {"help", "settings", "cancel"} <= set(commands)

    def described(language: str) -> dict[str, str]:
        listed = bot.fake.commands(language_code=language)
        return {c["command"]: c["description"] for c in listed}

    assert described("ru")["help"] == "Что я умею"
    assert described("zh")["help"] == "我能做什么"


async def test_a_stranger_is_refused(bot: BotProcess) -> None:
    eve = bot.user(777, "Eve", "ru")
    await eve.send("/start")
    assert "закрытый бот" in eve.last_text
    await eve.send("покажи клиентов")
    assert "закрытый бот" in eve.last_text
    assert bot.query("SELECT count(*) FROM managers") == [(0,)]


async def test_invite_round_trip(bot: BotProcess) -> None:
    anna = bot.user(ADMIN_ID, "Anna")
    await anna.send("/start")
    await anna.press("English")
    await anna.press("Moscow")
    await anna.press("09:00", expect=new_message())
    await anna.send("/invite")
    await anna.press("Key account manager")
    match = re.search(r"https://t\.me/kam_test_bot\?start=([\w-]+)", anna.last_text)
    assert match is not None, anna.last_text
    kim = bot.user(2000, "Kim", "zh-hans")
    await kim.send(f"/start {match[1]}")
    assert "欢迎使用 KAM Assistant" in kim.last_text
    await kim.press("简体中文")
    await kim.press("上海")
    await kim.press("09:00", expect=new_message())
    assert "设置完成" in kim.bot_texts()[-2]
    assert bot.query("SELECT role, language, timezone FROM managers WHERE telegram_id = 2000") == [
        ("kam", "zh", "Asia/Shanghai")
    ]
    eve = bot.user(2001, "Eve")
    await eve.send(f"/start {match[1]}")
    assert "already been used" in eve.last_text


async def test_help_answers_in_each_language(bot: BotProcess) -> None:
    expected = {"en": "Commands", "zh": "命令", "ru": "Команды"}
    for offset, language in enumerate(("en", "zh", "ru")):
        user = bot.user(ADMIN_ID + offset, "Anna", language)
        await user.send("/start")
        await user.send("/cancel")
        await user.send("/help", expect=text(expected[language]))
        assert expected[language] in user.last_text


async def test_killed_mid_onboarding_continues_where_the_user_was(bot: BotProcess) -> None:
    anna = bot.user(ADMIN_ID, "Anna")
    await anna.send("/start")
    await anna.press("Русский")
    assert "Шаг 2 из 3" in anna.last_text
    await bot.finished(anna)  # a crash between two steps
    bot.restart()
    await anna.press("Новосибирск", expect=text("Шаг 3 из 3"))
    assert "Шаг 3 из 3" in anna.last_text
    await anna.press("08:00", expect=new_message())
    assert "Всё готово" in anna.bot_texts()[-2]
    assert bot.query("SELECT language, timezone, digest_time FROM managers") == [
        ("ru", "Asia/Novosibirsk", "08:00")
    ]


async def test_graceful_stop_exits_cleanly(bot: BotProcess) -> None:
    anna = bot.user(ADMIN_ID, "Anna")
    await anna.send("/start")
    assert bot.stop() == 0
    assert "Traceback" not in bot.log
    assert "Warning:" not in bot.log and " ERROR " not in bot.log
    assert "Application.stop() complete" in bot.log


def test_a_stop_right_after_start_leaves_no_task_behind(bot: BotProcess) -> None:
    # `bot` returns as soon as the process polls: this stop comes within its first second,
    # while anything started in post_init may still be running.
    assert bot.stop() == 0
    assert "Task was destroyed but it is pending" not in bot.log
    assert " ERROR " not in bot.log and "Traceback" not in bot.log
    assert "Application.stop() complete" in bot.log


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BOT_TOKEN": ""}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN"),
        ({"DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"ADMIN_IDS": "12,boss"}, "ADMIN_IDS"),
    ],
)
def test_a_bad_setting_exits_2_with_its_name(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    base = {"BOT_TOKEN": "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"}
    result = run_cli(env={**base, **env}, cwd=tmp_path)
    assert result.returncode == 2
    assert named in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_seed_demo_loads_vt_metal(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "kam.sqlite3")}
    result = run_cli("seed-demo", "--telegram-id", "42", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "VT-Metal" in result.stdout
