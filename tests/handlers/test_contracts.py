"""Contracts by conversation: the flow, its bad input, the contract's screen, its terms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from telegram.ext import Application

from bot.i18n import translator
from bot.scheduler import tick
from domain.clock import FakeClock
from domain.contracts import ContractFields, ObligationFields
from storage import Storage
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser
from tests.reminder_support import add_account, add_manager

App = Application[Any, Any, Any, Any, Any, Any]


async def run_until(app: App, clock: FakeClock, until: datetime, step: timedelta) -> None:
    """Ticks every `step` of fake time, as the JobQueue would."""
    while clock.now() < until:
        clock.advance(min(step, until - clock.now()))
        await tick(app)


STICKER = {
    "sticker": {
        "file_id": "st1",
        "file_unique_id": "u1",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
}


async def _account(storage: Storage, clock: FakeClock, name: str = "VT-Metal") -> int:
    admin = await storage.managers.by_telegram_id(ADMIN_ID)
    assert admin is not None
    account = await storage.accounts.create(
        name=name, owner_id=admin.id, actor_id=admin.id, now=clock.now()
    )
    return account.id


async def test_a_contract_by_conversation_with_its_file(
    admin: TelegramUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    account_id = await _account(storage, clock)
    await admin.send("/contract")
    assert "Which client" in admin.last_text
    await admin.press("VT-Metal")
    assert "What is it called?" in admin.last_text
    await admin.send("Supply <b>2027</b>")
    await admin.send("17/2027")
    assert "When was it signed?" in admin.last_text
    await admin.press("Today")
    await admin.press("Today")
    assert "When does it end?" in admin.last_text
    await admin.send("1 March 2026")  # before the start (26 Nov 2026): refused, asked again
    assert "cannot be before the start" in admin.last_text
    assert "When does it end?" in admin.last_text
    await admin.press("1 year")
    assert "Its value?" in admin.last_text
    await admin.send("lots of money")
    assert "could not read “lots of money” as an amount" in admin.last_text
    await admin.send("1,2 млн руб")
    assert "Send the signed contract as a file" in admin.last_text
    await admin.send_update(STICKER)
    assert "That is not a file" in admin.last_text
    photo = fake.add_file(kind="photo")
    photo_size = {"file_id": photo.file_id, "file_unique_id": "p1", "width": 90, "height": 90}
    await admin.send_update({"photo": [photo_size]})
    assert "That is not a file" in admin.last_text
    await admin.send("here it is")
    assert "That is not a file" in admin.last_text and "as a file" in admin.last_text
    doc = fake.add_file(b"pdf", file_name="supply.pdf", mime_type="application/pdf")
    await admin.send_update(
        {"document": {"file_id": doc.file_id, "file_unique_id": "d1", "file_name": "supply.pdf"}}
    )
    assert "Any notes?" in admin.last_text
    await admin.press("Skip")
    card = admin.last_text
    assert "Supply <b>2027</b>" in card  # typed HTML shown as it was typed
    assert "&lt;b&gt;" in admin.last_html
    assert "17/2027" in card and "supply.pdf" in card and "25 Nov 2027" in card
    await admin.press("✏️ Start")
    await admin.send("1 December 2027")  # after the end: refused
    assert "cannot be after the end" in admin.last_text
    await admin.press("Back")
    assert "check and save" in admin.last_text
    await admin.press("Save")
    assert "Supply" in admin.last_text and "On track" in admin.last_text
    rows = await storage.contracts.for_account(account_id)
    assert len(rows) == 1
    contract = rows[0][0]
    assert contract.number == "17/2027" and contract.currency == "RUB"
    assert contract.amount_minor == 120_000_000 and contract.file_name == "supply.pdf"
    assert contract.starts_on == date(2026, 11, 26) and contract.ends_on == date(2027, 11, 25)
    audit = await storage.audit.for_entity("contract", contract.id)
    assert audit and audit[0].action == "create"
    mark = admin.mark()
    await admin.press("Signed file")
    assert [c.method for c in admin.calls_since(mark) if c.method == "sendDocument"]


async def _contract(storage: Storage, clock: FakeClock, account_id: int, **values: object) -> int:
    admin = await storage.managers.by_telegram_id(ADMIN_ID)
    assert admin is not None
    fields = ContractFields(**{"title": "Supply 2027", "ends_on": date(2027, 1, 10), **values})  # type: ignore[arg-type]  # test values
    return await storage.contracts.create(account_id, fields, actor_id=admin.id, now=clock.now())


async def test_obligations_from_the_card_with_nonsense_recurrences_explained(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    account_id = await _account(storage, clock)
    contract_id = await _contract(storage, clock, account_id)
    await admin.press_data(f"acc:open:{account_id}")
    assert "Supply 2027: contract ends in 45 days" in admin.last_text
    await admin.press("📄 Contracts")
    assert "VT-Metal · contracts: 1" in admin.last_text and "On track" in admin.last_text
    await admin.press("📄 Supply 2027")
    await admin.press("➕ Obligation")
    assert "New obligation." in admin.last_text
    await admin.press("Payment")
    await admin.send_update(STICKER)
    assert "use the buttons" in admin.last_text and "describe it" in admin.last_text
    await admin.send("Pay the monthly fee")
    await admin.press("the client's")
    await admin.send("31 January 2027")
    await admin.press("Monthly on day…")
    await admin.send("day 35")
    assert "There is no day “day 35” in a month" in admin.last_text
    assert "On which day of the month?" in admin.last_text
    await admin.send("soon")
    assert "is not a day of the month" in admin.last_text
    await admin.send("31")
    review = admin.last_text
    assert "monthly on day 31" in review and "Sun 31 Jan" in review and "the client's" in review
    await admin.press("✏️ Repeats")
    await admin.press("Every N days…")
    await admin.send("every 0 days")
    assert "does not make a repeat" in admin.last_text
    await admin.press("Back")
    await admin.press("Monthly on day…")
    await admin.press("Last day of the month")
    await admin.press("Save")
    assert "Pay the monthly fee" in admin.last_text and "Obligations (1)" in admin.last_text
    [term] = await storage.contracts.obligations_of(contract_id)
    assert (term.kind, term.party, term.recurrence, term.recur_day) == (
        "payment",
        "client",
        "monthly",
        31,
    )
    assert term.due_on == date(2027, 1, 31)
    assert await storage.audit.for_entity("obligation", term.id)
    # one due within a week: at risk, with the reason, on the card too
    soon = ObligationFields("delivery", "Batch 2", "ours", date(2026, 11, 30))
    admin_row = await storage.managers.by_telegram_id(ADMIN_ID)
    assert admin_row is not None
    soon_id = await storage.contracts.add_term(
        contract_id, soon, actor_id=admin_row.id, now=clock.now()
    )
    await admin.press("◀ Contracts")
    assert "At risk" in admin.last_text and "due soon, not confirmed: Batch 2" in admin.last_text
    await admin.press("◀ To the client card")
    assert "1 obligation at risk" in admin.last_text
    # the "Was it met?" answers work from the contract's obligation screen
    await admin.press("📄 Contracts")
    await admin.press("📄 Supply 2027")
    await admin.press("⏳ Pay the monthly fee")
    await admin.press("Yes, met")
    assert "Next: Sun 28 Feb" in admin.last_text or "28 Feb" in admin.last_text
    terms = await storage.contracts.obligations_of(contract_id)
    assert [(t.status, t.due_on) for t in terms if t.description == "Pay the monthly fee"] == [
        ("met", date(2027, 1, 31)),
        ("pending", date(2027, 2, 28)),
    ]
    # edit and remove an obligation
    await admin.press_data(f"ctr:o:{soon_id}")
    await admin.press("✏️ Edit")
    await admin.press("✏️ Description")
    await admin.send("Batch 2, 40 t")
    await admin.press("Save")
    assert "Batch 2, 40 t" in admin.last_text
    await admin.press_data(f"ctr:o:{soon_id}")
    await admin.press("🗑 Remove")
    await admin.press("Yes, remove it")
    assert "Batch 2, 40 t" not in admin.last_text
    assert await storage.contracts.obligation(soon_id) is None


async def test_a_kam_cannot_open_or_change_another_kams_contract(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    ivan_user = await make_user(2001, "Ivan")
    ivan = await add_manager(storage, 2001, "Ivan", now=clock.now())
    olga = await add_manager(storage, 2002, "Olga", now=clock.now())
    theirs = await add_account(storage, olga, "Olga's client", now=clock.now())
    mine = await add_account(storage, ivan, "VT-Metal", now=clock.now())
    contract_id = await storage.contracts.create(
        theirs, ContractFields("Secret supply"), actor_id=olga.id, now=clock.now()
    )
    term = ObligationFields("payment", "Pay", "client", date(2027, 1, 5))
    term_id = await storage.contracts.add_term(contract_id, term, actor_id=olga.id, now=clock.now())
    denied = translator("en")("error.stale_button")
    for data in (
        f"ctr:v:{contract_id}",
        f"ctr:file:{contract_id}",
        f"ctr:edit:{contract_id}",
        f"ctr:oadd:{contract_id}",
        f"ctr:list:{theirs}",
        f"ctr:new:{theirs}",
        f"ctr:o:{term_id}",
        f"ctr:oed:{term_id}",
        f"ctr:odel:{term_id}:yes",
        "ctr:v:99999",
    ):
        await ivan_user.send("/contract")
        await ivan_user.press_data(data)
        alert = ivan_user.last_alert or ""
        assert alert == denied or "no longer exists" in alert, data
        assert "Secret supply" not in ivan_user.last_text
    await ivan_user.press_data("ctr:v:abc")  # forged: refused, nothing shown
    assert "no longer valid" in (ivan_user.last_alert or "")
    assert await storage.contracts.obligation(term_id) is not None
    # the client list offers only his own
    await ivan_user.send("/contract")
    assert ivan_user.buttons[0] == "VT-Metal" and "Olga's client" not in ivan_user.buttons
    await ivan_user.send("Olga")
    assert "Olga's client" not in ivan_user.buttons
    assert mine


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "zh",
            {
                "ask": "与哪位客户签订",
                "today": "今天",
                "end": "1年",
                "end_date": "2026年3月1日",
                "before": "不能早于生效日",
                "amount": "120万",
                "skip": "跳过",
                "save": "保存",
                "saved": "正常履行",
            },
        ),
        (
            "ru",
            {
                "ask": "С каким клиентом",
                "today": "Сегодня",
                "end": "1 год",
                "end_date": "1 марта 2026",
                "before": "не может быть раньше начала",
                "amount": "1,2 млн",
                "skip": "Пропустить",
                "save": "Сохранить",
                "saved": "Исполняется в срок",
            },
        ),
    ],
)
async def test_the_main_path_in_chinese_and_russian(
    make_user: MakeUser, storage: Storage, clock: FakeClock, language: str, texts: dict[str, str]
) -> None:
    user = await make_user(2001, "Ivan", language_code=language)
    manager = await add_manager(storage, 2001, "Ivan", now=clock.now(), language=language)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    await user.send("/contract")
    assert texts["ask"] in user.last_text
    await user.press("VT-Metal")
    await user.send("<i>合同</i> 2027")
    await user.press(texts["skip"])
    await user.press(texts["today"])
    await user.press(texts["today"])
    await user.send(texts["end_date"])
    assert texts["before"] in user.last_text
    await user.press(texts["end"])
    await user.send(texts["amount"])
    await user.press(texts["skip"])
    await user.press(texts["skip"])
    assert "&lt;i&gt;" in user.last_html
    await user.press(texts["save"])
    assert texts["saved"] in user.last_text
    [(contract, _)] = await storage.contracts.for_account(account_id)
    assert contract.title == "<i>合同</i> 2027" and contract.amount_minor == 120_000_000
    assert contract.currency == ("CNY" if language == "zh" else "RUB")
    assert contract.ends_on == date(2027, 11, 25)


async def test_ten_thousand_characters_and_cancel(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _account(storage, clock)
    await admin.send("/contract")
    await admin.press("VT-Metal")
    await admin.send("x" * 10_000)
    assert "too long: 10,000 characters, at most 200" in admin.last_text
    await admin.send("Supply")
    await admin.send("/cancel")
    assert "Cancelled" in admin.last_text
    assert await storage.db.fetch_all("SELECT id FROM contracts") == []


async def test_the_renewal_reminder_goes_out_once_60_and_30_days_before(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user = await make_user(2001, "Ivan")
    manager = await add_manager(storage, 2001, "Ivan", now=clock.now(), notify_digest=False)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    await tick(app)
    contract_id = await storage.contracts.create(
        account_id,
        ContractFields("Supply 2027", ends_on=date(2027, 2, 1)),
        actor_id=manager.id,
        now=clock.now(),
    )
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    await run_until(app, clock, datetime(2026, 12, 3, 5, 0, tzinfo=UTC), timedelta(hours=1))
    assert user.bot_texts() == []
    await run_until(app, clock, datetime(2026, 12, 3, 7, 0, tzinfo=UTC), timedelta(minutes=30))
    assert len(user.bot_texts()) == 1
    assert "ends in 60 days (Mon 1 Feb)" in user.last_text and "VT-Metal" in user.last_text
    await run_until(app, clock, datetime(2027, 1, 2, 5, 0, tzinfo=UTC), timedelta(hours=3))
    assert len(user.bot_texts()) == 1
    await run_until(app, clock, datetime(2027, 1, 2, 7, 0, tzinfo=UTC), timedelta(minutes=30))
    texts = user.bot_texts()
    assert len(texts) == 2 and "ends in 30 days" in texts[1]
    await user.press("📄 Open the contract")
    assert "Supply 2027" in user.last_text and "ends in 30 days" in user.last_text
    # nothing more, however long it runs
    mark = user.mark()
    await run_until(app, clock, datetime(2027, 2, 5, 7, 0, tzinfo=UTC), timedelta(hours=6))
    assert user.sent_count_since(mark) == 0
    deliveries = [d for d in await storage.reminders.for_manager(manager.id) if d.kind == "renewal"]
    assert len(deliveries) == 2 and all(d.ref_id == contract_id for d in deliveries)


async def test_the_renewal_reminder_respects_the_contracts_switch(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user = await make_user(2001, "Ivan")
    manager = await add_manager(
        storage, 2001, "Ivan", now=clock.now(), notify_digest=False, notify_contracts=False
    )
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    await tick(app)
    await storage.contracts.create(
        account_id,
        ContractFields("Supply 2027", ends_on=date(2027, 1, 25)),
        actor_id=manager.id,
        now=clock.now(),
    )
    await run_until(app, clock, datetime(2026, 11, 27, 7, 0, tzinfo=UTC), timedelta(hours=2))
    assert user.bot_texts() == []


async def test_a_contract_terminated_early_gets_no_renewal_reminder(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user = await make_user(2001, "Ivan")
    manager = await add_manager(storage, 2001, "Ivan", now=clock.now(), notify_digest=False)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    contract_id = await storage.contracts.create(
        account_id,
        ContractFields("Supply <2027>", ends_on=date(2027, 1, 20)),
        actor_id=manager.id,
        now=clock.now(),
    )
    await user.send("/contract")
    await user.press_data(f"ctr:v:{contract_id}")
    await user.press("🏷 Status")
    assert "The status of “Supply <2027>” is now: Active" in user.last_text
    assert "&lt;2027&gt;" in user.last_html
    assert user.buttons[:3] == ["✅ Active", "Completed", "Terminated"]
    await user.press("Terminated")
    assert "Terminated" in user.last_text
    assert user.last_alert == "Status: Terminated"
    contract = await storage.contracts.get(contract_id)
    assert contract is not None and contract.status == "terminated"
    audit = await storage.audit.for_entity("contract", contract_id)
    assert any(row.field == "status" and row.new_value == "terminated" for row in audit)
    await user.press_data(f"acc:open:{account_id}")
    assert "contract ends in" not in user.last_text
    mark = user.mark()
    await run_until(app, clock, datetime(2026, 12, 30, 7, 0, tzinfo=UTC), timedelta(hours=6))
    assert user.sent_count_since(mark) == 0
    # back in force: the card counts it again
    await user.press_data(f"ctr:st:{contract_id}:active")
    assert "On track" in user.last_text and "ends in 21 days" in user.last_text
    await user.press_data(f"ctr:st:{contract_id}:expired")  # not a choice: refused
    assert "no longer valid" in (user.last_alert or "")
    assert (await storage.contracts.contract_status(contract_id)) == "active"


async def test_a_contract_entered_by_mistake_is_deleted_with_its_obligations(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    account_id = await _account(storage, clock)
    contract_id = await _contract(storage, clock, account_id)
    manager = await storage.managers.by_telegram_id(ADMIN_ID)
    assert manager is not None
    term = ObligationFields("payment", "Pay", "client", date(2027, 1, 5))
    term_id = await storage.contracts.add_term(
        contract_id, term, actor_id=manager.id, now=clock.now()
    )
    await admin.send("/contract")
    await admin.press_data(f"ctr:v:{contract_id}")
    await admin.press("🗑 Delete")
    assert "Delete the contract “Supply 2027” with all its obligations?" in admin.last_text
    await admin.press("◀ Back")
    assert "Supply 2027" in admin.last_text and "Obligations" in admin.last_text
    await admin.press("🗑 Delete")
    await admin.press("🗑 Yes, delete the contract")
    assert admin.last_alert == "Contract deleted."
    assert "contracts: 0" in admin.last_text
    assert await storage.contracts.get(contract_id) is None
    assert await storage.contracts.obligation(term_id) is None
    rows = await storage.db.fetch_all(
        "SELECT entity, account_id FROM audit_log WHERE action = 'delete'"
    )
    assert {(row[0], row[1]) for row in rows} == {
        ("contract", account_id),
        ("obligation", account_id),
    }
    await admin.send("/history VT-Metal")
    assert "✖ Contract «Supply 2027»" in admin.last_text and "status: Active" in admin.last_text
    await admin.press_data(f"ctr:del:{contract_id}:yes")  # an old button: it is gone
    assert "no longer exists" in (admin.last_alert or "")


@pytest.mark.parametrize(
    ("language", "status_button", "terminated", "delete_button", "yes", "deleted"),
    [
        ("zh", "🏷 状态", "已终止", "🗑 删除", "🗑 是的，删除合同", "合同已删除。"),
        ("ru", "🏷 Статус", "Расторгнут", "🗑 Удалить", "🗑 Да, удалить договор", "Договор удалён."),
    ],
)
async def test_status_and_delete_in_chinese_and_russian(
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    language: str,
    status_button: str,
    terminated: str,
    delete_button: str,
    yes: str,
    deleted: str,
) -> None:
    user = await make_user(2001, "Ivan", language_code=language)
    manager = await add_manager(storage, 2001, "Ivan", now=clock.now(), language=language)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    contract_id = await storage.contracts.create(
        account_id, ContractFields("Supply"), actor_id=manager.id, now=clock.now()
    )
    await user.send("/contract")
    await user.press_data(f"ctr:v:{contract_id}")
    await user.press(status_button)
    await user.press(terminated)
    assert terminated in user.last_text
    await user.press(delete_button)
    await user.press(yes)
    assert user.last_alert == deleted
    assert await storage.contracts.get(contract_id) is None
    await user.send("/history VT-Metal")  # the status reads in the manager's language
    assert terminated in user.last_text and "terminated" not in user.last_text


async def test_a_kam_cannot_change_the_status_of_another_kams_contract(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    ivan_user = await make_user(2001, "Ivan")
    await add_manager(storage, 2001, "Ivan", now=clock.now())
    olga = await add_manager(storage, 2002, "Olga", now=clock.now())
    theirs = await add_account(storage, olga, "Olga's client", now=clock.now())
    contract_id = await storage.contracts.create(
        theirs, ContractFields("Secret supply"), actor_id=olga.id, now=clock.now()
    )
    denied = translator("en")("error.stale_button")
    for data in (
        f"ctr:st:{contract_id}",
        f"ctr:st:{contract_id}:terminated",
        f"ctr:del:{contract_id}",
        f"ctr:del:{contract_id}:yes",
    ):
        await ivan_user.send("/help")
        await ivan_user.press_data(data)
        assert ivan_user.last_alert == denied, data
        assert "Secret supply" not in ivan_user.last_text
    assert (await storage.contracts.contract_status(contract_id)) == "active"


async def _won_deal(storage: Storage, clock: FakeClock, account_id: int, title: str) -> int:
    admin = await storage.managers.by_telegram_id(ADMIN_ID)
    assert admin is not None
    values = {"title": title, "stage": "won", "amount_minor": 5_000_000_00, "currency": "RUB"}
    deal = await storage.deals.create(account_id, values, actor_id=admin.id, now=clock.now())
    return deal.id


async def test_a_contract_signed_from_a_won_deal_takes_its_title_value_and_revenue(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    account_id = await _account(storage, clock)
    deal_id = await _won_deal(storage, clock, account_id, "Pipes <2027>")
    await admin.send("/contract")
    await admin.press("VT-Metal")
    assert "signed from a won deal" in admin.last_text
    assert admin.buttons[:2] == ["🏆 Pipes <2027> · 5,000,000\xa0₽", "No, a contract of its own"]
    await admin.press("🏆 Pipes <2027> · 5,000,000\xa0₽")
    assert "What is it called?" in admin.last_text and "Now: Pipes <2027>" in admin.last_text
    assert "&lt;2027&gt;" in admin.last_html
    await admin.press("Back")  # the deal step again, its choice marked
    assert "✓ Pipes <2027> · 5,000,000\xa0₽" in admin.buttons
    await admin.press("✓ Pipes <2027> · 5,000,000\xa0₽")
    await admin.press("Keep it ✓")
    assert "Number" in admin.last_text or "number" in admin.last_text
    await admin.press("Skip")
    await admin.press("Today")
    await admin.press("Today")
    await admin.press("1 year")
    assert "Now: 5,000,000\xa0₽" in admin.last_text  # the deal's value, kept with Skip
    await admin.press("Skip")
    await admin.press("Skip")
    await admin.press("Skip")
    assert "From the deal: Pipes <2027>" in admin.last_text
    await admin.press("Save")
    assert "From the deal: Pipes <2027>" in admin.last_text
    [(contract, _)] = await storage.contracts.for_account(account_id)
    assert contract.deal_id == deal_id and contract.title == "Pipes <2027>"
    assert contract.amount_minor == 5_000_000_00 and contract.currency == "RUB"
    # a second contract of the client is no longer offered that deal: no deal step
    await admin.send("/contract")
    await admin.press("VT-Metal")
    assert "What is it called?" in admin.last_text
    # the contract's edit card can unlink it
    await admin.send("/cancel")
    await admin.press_data(f"ctr:edit:{contract.id}")
    await admin.press("✏️ Deal")
    await admin.press("No, a contract of its own")
    assert "From the deal" not in admin.last_text
    await admin.press("Save")
    unlinked = await storage.contracts.get(contract.id)
    assert unlinked is not None and unlinked.deal_id is None
    await admin.press_data(f"hist:{account_id}:0")
    assert "won deal: Pipes <2027> → —" in admin.last_text


async def test_a_deal_gone_meanwhile_or_forged_is_refused_and_asked_again(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    account_id = await _account(storage, clock)
    other = await _account(storage, clock, "NRG")
    deal_id = await _won_deal(storage, clock, account_id, "Pilot")
    theirs = await _won_deal(storage, clock, other, "Other client's deal")
    second = await _won_deal(storage, clock, account_id, "Second")
    await admin.send("/contract")
    await admin.press("VT-Metal")
    pressed = [str(b.get("callback_data")) for b in admin.last_message.buttons]
    data = next(d for d in pressed if d.endswith(f":deal:{deal_id}"))
    await admin.press_data(data.replace(f":deal:{deal_id}", f":deal:{theirs}"))
    assert "can no longer be chosen" in admin.last_text
    assert "signed from a won deal" in admin.last_text
    admin_id = (await storage.managers.by_telegram_id(ADMIN_ID)).id  # type: ignore[union-attr]
    linked = ContractFields("Signed elsewhere meanwhile", deal_id=second)
    await storage.contracts.create(account_id, linked, actor_id=admin_id, now=clock.now())
    await admin.press("🏆 Second · 5,000,000\xa0₽")
    assert "can no longer be chosen" in admin.last_text
    assert not any(label.startswith("🏆 Second") for label in admin.buttons)
    await storage.deals.delete(deal_id, actor_id=admin_id, now=clock.now())
    await admin.press("🏆 Pilot · 5,000,000\xa0₽")
    assert "can no longer be chosen" in admin.last_text
    assert "What is it called?" not in admin.last_text
    await admin.press("No, a contract of its own")
    assert "What is it called?" in admin.last_text


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "zh",
            {
                "ask": "已赢得的交易",
                "none": "不是，单独的合同",
                "keep": "保留 ✓",
                "skip": "跳过",
                "today": "今天",
                "end": "1年",
                "field": "来自交易：Pilot",
                "save": "保存",
            },
        ),
        (
            "ru",
            {
                "ask": "выигранной сделке",
                "none": "Нет, отдельный договор",
                "keep": "Оставить ✓",
                "skip": "Пропустить",
                "today": "Сегодня",
                "end": "1 год",
                "field": "По сделке: Pilot",
                "save": "Сохранить",
            },
        ),
    ],
)
async def test_the_deal_step_in_chinese_and_russian(
    make_user: MakeUser, storage: Storage, clock: FakeClock, language: str, texts: dict[str, str]
) -> None:
    user = await make_user(2001, "Ivan", language_code=language)
    manager = await add_manager(storage, 2001, "Ivan", now=clock.now(), language=language)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    won = {"title": "Pilot", "stage": "won", "amount_minor": 100_00, "currency": "CNY"}
    await storage.deals.create(account_id, won, actor_id=manager.id, now=clock.now())
    await user.send("/contract")
    await user.press("VT-Metal")
    assert texts["ask"] in user.last_text and texts["none"] in user.buttons
    await user.press(next(b for b in user.buttons if b.startswith("🏆 Pilot")))
    for label in ("keep", "skip", "today", "today", "end", "skip", "skip", "skip"):
        await user.press(texts[label])
    assert texts["field"] in user.last_text
    await user.press(texts["save"])
    [(contract, _)] = await storage.contracts.for_account(account_id)
    assert contract.deal_id is not None and contract.amount_minor == 100_00


async def test_the_deal_shows_the_contract_signed_from_it(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    account_id = await _account(storage, clock)
    deal_id = await _won_deal(storage, clock, account_id, "Pilot")
    admin_id = (await storage.managers.by_telegram_id(ADMIN_ID)).id  # type: ignore[union-attr]
    fields = ContractFields("Supply <2027>", deal_id=deal_id)
    await storage.contracts.create(account_id, fields, actor_id=admin_id, now=clock.now())
    await admin.send("/deal")
    await admin.press_data(f"deal:open:{deal_id}")
    assert "Contract signed: Supply <2027>" in admin.last_text
    assert "&lt;2027&gt;" in admin.last_html
    await admin.press("📄 Its contract")
    assert "📄 Supply <2027>" in admin.last_text and "From the deal: Pilot" in admin.last_text


async def test_a_won_deal_offers_to_enter_its_contract(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    account_id = await _account(storage, clock)
    deal_id = await _won_deal(storage, clock, account_id, "Pilot")
    await admin.send("/deal")
    await admin.press_data(f"deal:open:{deal_id}")
    await admin.press("📄 Enter its contract")
    assert "What is it called?" in admin.last_text and "Now: Pilot" in admin.last_text
    await admin.press("Back")
    assert (
        "signed from a won deal" in admin.last_text and "✓ Pilot · 5,000,000\xa0₽" in admin.buttons
    )
    assert "Back" not in admin.buttons  # the client was given: nothing before the deal step
    await admin.press("✓ Pilot · 5,000,000\xa0₽")
    await admin.press("Keep it ✓")
    assert "Its number?" in admin.last_text
    await admin.send("/cancel")
    # once a contract is signed from it, the deal opens that contract instead
    admin_id = (await storage.managers.by_telegram_id(ADMIN_ID)).id  # type: ignore[union-attr]
    fields = ContractFields("Supply", deal_id=deal_id)
    await storage.contracts.create(account_id, fields, actor_id=admin_id, now=clock.now())
    await admin.press_data(f"deal:open:{deal_id}")
    assert "📄 Enter its contract" not in admin.buttons and "📄 Its contract" in admin.buttons
    await admin.press_data(f"ctr:deal:{deal_id}")  # an old button: refused, nothing started
    assert "can no longer be chosen" in (admin.last_alert or "")
    # another KAM cannot start a contract from it
    ivan_user = await make_user(2001, "Ivan")
    ivan = await add_manager(storage, 2001, "Ivan", now=clock.now())
    theirs = await add_account(storage, ivan, "Ivan's client", now=clock.now())
    assert theirs
    await ivan_user.send("/contract")
    await ivan_user.press_data(f"ctr:deal:{deal_id}")
    assert ivan_user.last_alert == translator("en")("error.stale_button")
    assert "Pilot" not in ivan_user.last_text
