"""Contracts by conversation: the flow, its bad input, the contract's screen, its terms."""

from __future__ import annotations

from datetime import date

from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID

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
