"""Screens read dates, money and counts as people write them, in English, Chinese, Russian."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import translator
from domain.clock import FakeClock
from domain.profile import Parsed, field_spec, parse_value
from storage import Storage
from storage.codec import dt_to_db
from tests.fake_telegram import TelegramUser
from tests.handlers.test_profile_create_find import create

NBSP = "\u00a0"
MSK = ZoneInfo("Europe/Moscow")


async def _account_and_me(storage: Storage) -> tuple[int, int]:
    [account] = await storage.accounts.visible(1, sees_all=True)
    assert account.owner_id is not None
    return account.id, account.owner_id


async def _speak(storage: Storage, clock: FakeClock, user: TelegramUser, language: str) -> None:
    manager = await storage.managers.by_telegram_id(user.user_id)
    assert manager is not None
    await storage.managers.update(
        manager.id, actor_id=manager.id, now=clock.now(), language=language
    )


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "21 Dec 2026"), ("zh", "2026年12月21日"), ("ru", "21 дек. 2026")],
)
async def test_a_plan_steps_due_date_is_shown_as_typed(
    admin: TelegramUser, storage: Storage, clock: FakeClock, language: str, shown: str
) -> None:
    """'21.12.2026' typed in Moscow is stored as 20 Dec 21:00 UTC; every screen says 21 Dec."""
    await create(admin, "VT-Metal")
    account_id, me = await _account_and_me(storage)
    spec = field_spec("plan", "due_at")
    assert spec is not None
    typed = parse_value(spec, "21.12.2026", now=clock.now(), tz=MSK, default_currency="RUB")
    assert isinstance(typed, Parsed)
    values = {"text": "Send the offer", **typed.changes}
    await storage.profile.add_item("plan", account_id, values, actor_id=me, now=clock.now())
    await _speak(storage, clock, admin, language)
    await admin.press_data(f"acc:sec:{account_id}:prospects:0")
    assert shown in admin.last_text and "20 " not in admin.last_text
    await admin.press_data(f"acc:brief:{account_id}")
    assert shown in admin.last_text


@pytest.mark.parametrize(
    ("language", "currency", "shown"),
    [
        ("en", "RUB", f"1.2M{NBSP}₽"),
        ("en", "USD", "$1.2M"),
        ("zh", "CNY", "120万元"),
        ("ru", "RUB", f"1,2{NBSP}млн{NBSP}₽"),
    ],
)
async def test_card_and_brief_show_amounts_compact(
    admin: TelegramUser,
    storage: Storage,
    clock: FakeClock,
    language: str,
    currency: str,
    shown: str,
) -> None:
    await create(admin, "VT-Metal")
    account_id, me = await _account_and_me(storage)
    await storage.accounts.update(
        account_id,
        actor_id=me,
        now=clock.now(),
        opportunity_1y_minor=120_000_000,
        opportunity_1y_currency=currency,
    )
    await _speak(storage, clock, admin, language)
    await admin.press_data(f"acc:open:{account_id}")
    assert shown in admin.last_text and currency not in admin.last_text
    await admin.press_data(f"acc:brief:{account_id}")
    assert shown in admin.last_text


@pytest.mark.parametrize(
    ("language", "with_year", "without_year"),
    [
        ("en", "3 December 1979", "5 March"),
        ("zh", "1979年12月3日", "3月5日"),
        ("ru", "3 декабря 1979", "5 марта"),
    ],
)
async def test_birthdays_read_naturally(
    admin: TelegramUser,
    storage: Storage,
    clock: FakeClock,
    language: str,
    with_year: str,
    without_year: str,
) -> None:
    await create(admin, "VT-Metal")
    account_id, me = await _account_and_me(storage)
    for name, birthday in (("Ivan Petrov", "1979-12-03"), ("Olga Smirnova", "--03-05")):
        await storage.profile.add_item(
            "contact",
            account_id,
            {"full_name": name, "birthday": birthday},
            actor_id=me,
            now=clock.now(),
        )
    await _speak(storage, clock, admin, language)
    await admin.press_data(f"acc:sec:{account_id}:contacts:0")
    assert with_year in admin.last_text and without_year in admin.last_text


async def test_an_invite_in_chinese_reads_month_then_day(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    """Valid for 7 days from 26 Nov 10:30 in Moscow: 12月3日 10:30, not '3 12月 10:30'."""
    await _speak(storage, clock, admin, "zh")
    await admin.send("/invite")
    await admin.press(translator("zh")("role.kam"))
    assert "12月3日 10:30" in admin.last_text


async def test_counts_of_one_are_singular(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await admin.send("/team")
    assert "Team</b>: 1 person." in admin.last_html or "Team: 1 person." in admin.last_text
    await create(admin, "VT-Metal")
    account_id, me = await _account_and_me(storage)
    stamp = dt_to_db(clock.now() - timedelta(days=2))
    async with storage.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO meetings (account_id, author_id, status, kind, starts_at, summary,"
            " created_at, updated_at) VALUES (?, ?, 'held', 'visit', ?, 'Prices', ?, ?)",
            (account_id, me, stamp, stamp, stamp),
        )
    await admin.press_data(f"tl:{account_id}:0")
    assert "1 meeting ·" in admin.last_text
    await _speak(storage, clock, admin, "ru")
    await admin.press_data(f"tl:{account_id}:0")
    assert "1 встреча ·" in admin.last_text


async def test_a_contract_ending_today_is_in_the_brief_west_of_utc(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    """23:30 on 25 Nov in Los Angeles is already 26 Nov in UTC: the contract ending on the
    manager's today (25 Nov) is still one of the brief's deadlines."""
    await create(admin, "VT-Metal")
    account_id, me = await _account_and_me(storage)
    await storage.managers.update(me, actor_id=me, now=clock.now(), timezone="America/Los_Angeles")
    stamp = dt_to_db(clock.now())
    async with storage.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO contracts (account_id, title, ends_on, status, created_at, updated_at)"
            " VALUES (?, 'Supply 2026', '2026-11-25', 'active', ?, ?)",
            (account_id, stamp, stamp),
        )
    await admin.press_data(f"acc:brief:{account_id}")
    assert "25 Nov 2026 — Supply 2026" in admin.last_text


async def test_edit_buttons_show_amounts_compact(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    account_id, me = await _account_and_me(storage)
    await storage.accounts.update(
        account_id,
        actor_id=me,
        now=clock.now(),
        opportunity_1y_minor=120_000_000,
        opportunity_1y_currency="CNY",
    )
    await _speak(storage, clock, admin, "zh")
    await admin.press_data(f"ed:sec:{account_id}:prospects")
    assert any(
        label.endswith("：120万元") or label.endswith(": 120万元") for label in admin.buttons
    )
