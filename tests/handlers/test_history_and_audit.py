"""/history and the card's 🕓 History button (owner, leads, admins; refused to the team and to
others, and audited), /audit's CSV for admins, and denial rows for a forged press, a /find
and an inline query about someone else's client."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.i18n import translator
from domain.clock import FakeClock
from storage import Storage
from storage.managers import Manager
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser
from tests.reminder_support import add_account, add_manager, add_task


async def _denials(storage: Storage) -> list[tuple[object, ...]]:
    rows = await storage.db.fetch_all(
        "SELECT actor_id, entity, entity_id, field, new_value FROM audit_log"
        " WHERE action = 'deny' ORDER BY id"
    )
    return [tuple(row) for row in rows]


async def _kam(
    make_user: MakeUser, storage: Storage, clock: FakeClock, tid: int, lang: str = "en"
) -> tuple[TelegramUser, Manager]:
    user = await make_user(tid, f"K{tid}", lang)
    manager = await add_manager(storage, tid, f"K{tid}", now=clock.now(), language=lang)
    return user, manager


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
async def test_the_owner_reads_the_history_from_the_card(
    make_user: MakeUser, storage: Storage, clock: FakeClock, language: str
) -> None:
    user, kim = await _kam(make_user, storage, clock, 2001, language)
    account_id = await add_account(storage, kim, "VT-Metal", now=clock.now())
    clock.advance(timedelta(hours=1))
    await storage.accounts.update(
        account_id, actor_id=kim.id, now=clock.now(), industry="<b>Steel</b> & co"
    )
    await storage.contacts.create(
        account_id=account_id, full_name="Иван 王", position="CEO", actor_id=kim.id,
        now=clock.now(),
    )  # fmt: skip
    await user.send("/find VT-Metal")
    t = translator(language)
    await user.press(t("audit.history_button"))
    text = user.last_text
    assert t("audit.history.title", name="VT-Metal").replace("&amp;", "&") in text
    assert "<b>Steel</b> & co" in text  # shown as text, not as markup
    assert "&lt;b&gt;Steel" in user.last_html
    assert "Иван 王" in text and f"K{2001}" in text
    assert text.index("Иван 王") < text.index("<b>Steel</b>")  # newest first
    assert t("audit.history.back") in user.buttons


async def test_history_pages_and_survives_a_forged_page(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, kim = await _kam(make_user, storage, clock, 2001)
    account_id = await add_account(storage, kim, "VT-Metal", now=clock.now())
    for n in range(30):
        clock.advance(timedelta(minutes=1))
        await storage.accounts.update(account_id, actor_id=kim.id, now=clock.now(), city=f"C{n}")
    await user.send("/history VT-Metal")
    assert "C29" in user.last_text and "C0" not in user.last_text and "▶" in user.buttons
    await user.press("▶")
    assert "C29" not in user.last_text and "◀" in user.buttons
    await user.press_data(f"hist:{account_id}:999")  # beyond the end: the last page
    assert "C0" in user.last_text


async def test_the_team_and_strangers_to_the_account_are_refused_and_audited(
    make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    owner = await add_manager(storage, 2001, "Owner", now=clock.now())
    account_id = await add_account(storage, owner, "VT-Metal", now=clock.now())
    member_user, member = await _kam(make_user, storage, clock, 2002)
    await storage.profile.add_item(
        "team", account_id, {"manager_id": member.id}, actor_id=owner.id, now=clock.now()
    )
    other_user, other = await _kam(make_user, storage, clock, 2003, "ru")
    await member_user.send("/find VT-Metal")
    assert "🧾" not in " ".join(member_user.buttons)  # the card offers no button
    await member_user.press_data(f"hist:{account_id}:0")
    assert member_user.last_alert == translator("en")("audit.history.not_allowed")
    await other_user.send(f"/history {account_id}")
    assert other_user.last_text == translator("ru")("audit.history.not_allowed")
    await other_user.send("/history VT-Metal")
    assert "VT-Metal" in other_user.last_text and "🧾" not in other_user.last_text
    assert await _denials(storage) == [
        (member.id, "account", account_id, "history", "no relation"),
        (other.id, "account", account_id, "history", "no relation"),
        (other.id, "account", account_id, "see", "no relation"),
    ]


async def test_a_lead_reads_any_history(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    owner = await add_manager(storage, 2001, "Owner", now=clock.now())
    account_id = await add_account(storage, owner, "VT-Metal", now=clock.now())
    lena = await make_user(3001, "Lena")
    await add_manager(storage, 3001, "Lena", now=clock.now(), role="lead")
    await lena.send(f"/history {account_id}")
    assert "VT-Metal" in lena.last_text and "Owner" in lena.last_text


async def test_an_erased_contact_shows_as_erased(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    from storage.data_export import erase_contact

    anna = await storage.managers.by_telegram_id(ADMIN_ID)
    assert anna is not None
    account_id = await add_account(storage, anna, "VT-Metal", now=clock.now())
    contact = await storage.contacts.create(
        account_id=account_id, full_name="Secret Person", position="CFO", actor_id=anna.id,
        now=clock.now(),
    )  # fmt: skip
    await erase_contact(storage.db, contact.id, actor_id=anna.id, now=clock.now())
    await admin.send(f"/history {account_id}")
    text = admin.last_text
    assert "Secret Person" not in text and "CFO" not in text
    assert translator("en")("audit.erased_contact") in text


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
async def test_an_admin_exports_the_audit_log_as_csv(
    make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram, language: str
) -> None:
    boss = await make_user(4001, "Boss", language)
    anna = await add_manager(
        storage, 4001, "Анна 王", now=clock.now(), role="admin", language=language
    )
    await add_account(storage, anna, "Клиент 客户", now=clock.now())
    t = translator(language)
    await boss.send("/audit")
    await boss.press(t("audit.period.week"))
    document = boss.last_message.document
    assert document is not None and str(document["file_name"]).endswith(".csv")
    stored = fake.file(document["file_id"])
    assert stored is not None and stored.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(stored.data.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["id", "time_utc", "actor_name"]
    assert any(row[10] == "Клиент 客户" and row[2] == "Анна 王" for row in rows[1:])


async def test_a_kam_may_not_export_the_audit_log(
    make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    user, kim = await _kam(make_user, storage, clock, 2001)
    await user.send("/audit")
    assert user.last_text == translator("en")("audit.not_allowed")
    await user.press_data("aud.1:p:all")
    assert await _denials(storage) == [(kim.id, "audit", 0, "list", "no relation")]
    assert not [m for m in fake.messages(2001) if m.document is not None]


async def test_a_forged_press_a_find_and_an_inline_query_each_leave_one_denial(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    owner = await add_manager(storage, 2001, "Owner", now=clock.now())
    account_id = await add_account(storage, owner, "Zeta Trade", now=clock.now())
    task_id = await add_task(storage, owner, "Call Zeta", None, now=clock.now())
    user, kim = await _kam(make_user, storage, clock, 2002)
    await user.send("/tasks")
    await user.press_data(f"task:done:{task_id}")
    assert await _denials(storage) == [(kim.id, "task", task_id, "change", "no relation")]
    await user.send("/find Zeta")
    assert "Zeta" in user.last_text  # "nothing found for Zeta": no card, no name of the owner
    await user.send_update({"query": "zeta", "chat_type": "sender"}, kind="inline_query")
    assert (await _denials(storage))[1:] == [
        (kim.id, "account", account_id, "see", "no relation"),
        (kim.id, "account", account_id, "see", "no relation"),
    ]
    task = await storage.tasks.get(task_id)
    assert task is not None and task.status == "open"
