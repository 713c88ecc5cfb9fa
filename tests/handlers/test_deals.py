"""Deals and tenders: /deal end to end, stages with reasons, bad input, other languages, the
profile's History and card, and a KAM refused another KAM's deal."""

from __future__ import annotations

from datetime import date

from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import MakeUser, onboard
from tests.handlers.test_profile_create_find import create

STICKER = {
    "sticker": {
        "file_id": "s",
        "file_unique_id": "u",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
}


async def _account_id(storage: Storage, name: str = "VT-Metal") -> int:
    accounts = await storage.accounts.visible(1, sees_all=True)
    return next(a.id for a in accounts if a.name == name)


async def test_a_tender_by_conversation_then_lost_to_a_named_competitor(
    admin: TelegramUser, storage: Storage
) -> None:
    await create(admin, "VT-Metal")
    await admin.send("/deal")
    assert "Which client?" in admin.last_text
    await admin.press("VT-Metal")
    await admin.send("Pipes <b>2027</b>")
    assert "Pipes &lt;b&gt;2027&lt;/b&gt;" in admin.last_html  # shown as text, not markup
    await admin.press("Tender")
    assert "When must the tender bid be submitted?" in admin.last_text
    await admin.send_update(STICKER)  # a sticker for a date: said, asked again
    assert "answer with the buttons" in admin.last_text and "submitted" in admin.last_text
    await admin.send("yesterday")
    assert "That day has passed" in admin.last_text
    await admin.press("In 2 weeks")  # 26 Nov + 14 days
    await admin.send("lots of money")
    assert "could not read the amount" in admin.last_text
    await admin.send("1,2 млн руб")
    await admin.send("150")
    assert "whole number from 0 to 100" in admin.last_text
    await admin.press("50%")
    await admin.send("15.01.2027")
    await admin.press("Negotiation")
    review = admin.last_text
    assert "Check the new deal" in review and "Pipes <b>2027</b> · Tender" in review
    assert "Submission deadline: 10 Dec 2026" in review
    assert "Amount: 1,200,000\xa0₽ · 50% → 600K\xa0₽ weighted" in review
    assert "Expected close: 15 Jan 2027" in review
    await admin.press("Save")
    account_id = await _account_id(storage)
    [deal] = await storage.deals.for_account(account_id)
    assert (deal.kind, deal.title, deal.stage, deal.probability) == (
        "tender",
        "Pipes <b>2027</b>",
        "negotiation",
        50,
    )
    assert (deal.amount_minor, deal.currency) == (120_000_000, "RUB")
    assert (deal.deadline_on, deal.expected_close_on) == (date(2026, 12, 10), date(2027, 1, 15))
    assert "Stage: 🟠 Negotiation" in admin.last_text
    await admin.press("Lost")
    assert "Lost: why?" in admin.last_text
    await admin.press("Competitor")
    assert "Which competitor?" in admin.last_text
    await admin.send("Severstal")
    deal_after = await storage.deals.get(deal.id)
    assert deal_after is not None
    assert (deal_after.stage, deal_after.reason_code, deal_after.result_reason) == (
        "lost",
        "competitor",
        "Severstal",
    )
    assert deal_after.closed_on == date(2026, 11, 26) and deal_after.stage_changed_at is not None
    assert "Reason: Competitor: Severstal" in admin.last_text
    actions = [e.action for e in await storage.audit.for_entity("deal", deal.id)]
    assert "create" in actions and "update" in actions


async def test_the_stage_buttons_move_and_won_asks_a_reason_back_keeps_it_open(
    admin: TelegramUser, storage: Storage
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    await admin.press_data(f"deal:new:{account_id}")
    assert "What is it called?" in admin.last_text  # the client is known: no question
    await admin.send("Service contract")
    await admin.press("Deal")
    await admin.press("Skip")  # amount
    await admin.press("Skip")  # probability
    await admin.press("Skip")  # close
    await admin.press("Lead")
    await admin.press("Save")
    [deal] = await storage.deals.for_account(account_id)
    await admin.press("Proposal")
    moved = await storage.deals.get(deal.id)
    assert moved is not None and moved.stage == "proposal"
    await admin.press("Won")
    assert "Won: why?" in admin.last_text
    await admin.press("Back")  # no reason given: it stays where it was
    still = await storage.deals.get(deal.id)
    assert still is not None and still.stage == "proposal"
    await admin.press("Won")
    await admin.press("Relationship")
    won = await storage.deals.get(deal.id)
    assert won is not None and (won.stage, won.reason_code) == ("won", "relationship")
    assert won.probability == 100


async def test_long_title_edit_and_delete(admin: TelegramUser, storage: Storage) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    await admin.press_data(f"deal:new:{account_id}")
    await admin.send("x" * 10_000)
    assert "Too long: 10,000 characters, at most 200" in admin.last_text
    await admin.press("Keep the first 200 characters")
    assert "A deal or a tender?" in admin.last_text
    await admin.press("Deal")
    await admin.press("EUR")
    assert "✓ € EUR" in admin.buttons and "without a currency: EUR" in admin.last_text
    await admin.send("5000")
    await admin.send("75 %")
    await admin.press("End of month")
    await admin.press("Qualified")
    await admin.press("Save")
    [deal] = await storage.deals.for_account(account_id)
    assert len(deal.title) == 200 and deal.probability == 75
    assert deal.expected_close_on == date(2026, 11, 30)
    assert (deal.amount_minor, deal.currency) == (500_000, "EUR")
    await admin.press("Edit")
    await admin.press("Amount")
    assert "Now: €5,000" in admin.last_text
    await admin.press("USD")  # the amount given keeps its figure, in dollars now
    await admin.press("Keep $5,000")
    await admin.press("Title")
    await admin.send("Rolled steel Q1")
    assert "Change what you need" in admin.last_text
    await admin.press("Probability")
    await admin.press("90%")
    await admin.press("Save changes")
    edited = await storage.deals.get(deal.id)
    assert edited is not None and (edited.title, edited.probability) == ("Rolled steel Q1", 90)
    assert edited.currency == "USD"
    await admin.press("Delete")
    assert "Delete “Rolled steel Q1”?" in admin.last_text
    await admin.press("Yes, delete")
    assert await storage.deals.get(deal.id) is None
    assert "Deleted: Rolled steel Q1" in admin.last_text
    entries = await storage.audit.for_entity("deal", deal.id)
    assert entries[-1].action == "delete"


async def test_history_rows_become_deals_and_the_card_shows_those_in_progress(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    p, now = storage.profile, clock.now()
    old = {"kind": "agreement", "title": "Frame agreement 2024", "result_reason": "good price"}
    await p.add_item("deal", account_id, old, actor_id=1, now=now)
    for number in range(5):
        values = {"kind": "deal", "title": f"Open {number}", "stage": "proposal"}
        await p.add_item("deal", account_id, values, actor_id=1, now=now)
    await admin.press_data(f"acc:open:{account_id}")
    card = admin.last_text
    assert "Deals in progress:" in card and card.count("🟡 Proposal") == 3
    assert "+2 more" in card and "Frame agreement" not in card
    await admin.press("📜 History")
    history = admin.last_text
    assert "Frame agreement 2024 · Agreement" in history
    assert "✅ Won" in history and "Reason: good price" in history
    await admin.press("✏️ Edit")
    await admin.press("Frame agreement 2024")  # History's items open as deals now
    assert "Client: VT-Metal" in admin.last_text and "✅ Won" in admin.last_text
    await admin.press("Edit")
    await admin.press("Save changes")  # an old won agreement: no reason asked
    frame = next(d for d in await storage.deals.for_account(account_id) if d.kind == "agreement")
    assert (frame.shown_stage, frame.result_reason) == ("won", "good price")
    await admin.press("All deals")
    assert "6 deals and tenders" in admin.last_text
    assert admin.buttons[0].startswith("Open 0") and "Frame agreement 2024" in admin.buttons[5]
    await admin.press("New deal or tender")
    assert "What is it called?" in admin.last_text


async def test_a_kam_cannot_press_another_kams_deal(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    deal = await storage.deals.create(account_id, {"title": "Secret"}, actor_id=1, now=clock.now())
    await admin.send("/invite")
    await admin.press("Key account manager")
    code = admin.last_text.split("start=")[1].split()[0]
    kim = await make_user(2000, "Kim")
    await onboard(kim, start=f"/start {code}")
    for data in (f"deal:open:{deal.id}", f"deal:st:{deal.id}:lost", f"deal:delyes:{deal.id}"):
        await kim.press_data(data)
        assert kim.last_alert is not None and "not in your portfolio" in kim.last_alert
    await kim.press_data(f"deal:new:{account_id}")
    assert kim.last_alert is not None and "not in your portfolio" in kim.last_alert
    await kim.press_data("deal:open:99999999999999999999999")  # forged: out of range
    still = await storage.deals.get(deal.id)
    assert still is not None and still.stage == "lead"


async def test_deal_flow_in_chinese_and_russian(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    await storage.managers.update(1, actor_id=1, now=clock.now(), language="zh")
    await admin.press_data(f"deal:new:{account_id}")
    assert "名称是什么" in admin.last_text
    await admin.send("管材供应")
    await admin.press("投标")
    await admin.send("下周五")
    assert "金额是多少" in admin.last_text
    await admin.send("120万")
    await admin.send("百分之五十")
    assert "0 到 100" in admin.last_text
    await admin.press("25%")
    await admin.press("本季度末")
    await admin.press("丢单")
    await admin.press("价格")
    assert "请核对新交易" in admin.last_text and "原因：价格" in admin.last_text
    await admin.press("保存")
    [deal] = await storage.deals.for_account(account_id)
    assert (deal.amount_minor, deal.currency, deal.stage) == (120_000_000, "CNY", "lost")
    assert deal.deadline_on == date(2026, 12, 4) and deal.reason_code == "price"
    await storage.managers.update(1, actor_id=1, now=clock.now(), language="ru")
    await admin.press_data(f"deal:open:{deal.id}")
    assert "Причина: Цена" in admin.last_text and "Тендер" in admin.last_text
    await admin.press("Переговоры")
    await admin.press("Изменить")
    await admin.press("Ожидаемое закрытие")
    await admin.send("1 января 2020")
    assert "открытая сделка не может закрыться в прошлом" in admin.last_text
    await admin.send("15 января")
    await admin.press("Сохранить изменения")
    saved = await storage.deals.get(deal.id)
    assert saved is not None and saved.expected_close_on == date(2027, 1, 15)
    assert saved.stage == "negotiation" and saved.reason_code is None


async def test_back_cancel_and_deal_with_a_name(admin: TelegramUser, storage: Storage) -> None:
    await create(admin, "VT-Metal")
    await create(admin, "NRG Energy")
    await admin.send("/deal nrg")
    assert "NRG Energy" in admin.last_text and "What is it called?" in admin.last_text
    await admin.press("Back")  # the client is asked again
    assert "Which client?" in admin.last_text
    await admin.send("zzz")
    assert "None of your clients matches" in admin.last_text
    await admin.send("metal")
    assert "VT-Metal" in admin.last_text and "What is it called?" in admin.last_text
    await admin.send("Pipes")
    await admin.press("Deal")
    await admin.press("Back")  # the amount's Back: the kind again
    assert "A deal or a tender?" in admin.last_text
    await admin.press("Deal")
    await admin.send("/cancel")
    assert "Cancelled. Nothing was saved." in admin.last_text
    for name in ("VT-Metal", "NRG Energy"):
        assert await storage.deals.for_account(await _account_id(storage, name)) == []
    await admin.send("/deal")
    await admin.press("Cancel")
    assert "Cancelled. Nothing was saved." in admin.last_text and admin.buttons == []


async def test_a_long_reason_of_an_old_history_row_is_shown_whole(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    reason = "We lost on <price> and delivery terms. " * 25 + "THE END"
    values = {"kind": "tender", "title": "Pipes 2025", "stage": "lost", "result_reason": reason}
    await storage.profile.add_item("deal", account_id, values, actor_id=1, now=clock.now())
    await admin.press_data(f"acc:sec:{account_id}:history:0")
    shown = admin.last_text
    assert "Pipes 2025 · Tender" in shown and "❌ Lost" in shown
    while "▶" in admin.buttons:
        await admin.press("▶")
        shown += admin.last_text
    assert "THE END" in shown and "&lt;price&gt;" in admin.last_html
    await admin.press_data(f"deal:list:{account_id}:0")
    await admin.press("Pipes 2025")
    assert "Reason: We lost on <price>" in admin.last_text and len(admin.last_text) < 1000


async def test_won_without_a_reason_is_not_saved(admin: TelegramUser, storage: Storage) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    await admin.press_data(f"deal:new:{account_id}")
    await admin.send("Pilot")
    await admin.press("Deal")
    for _ in range(3):
        await admin.press("Skip")
    await admin.press("Lead")
    await admin.press("✏️ Stage")  # from the review card: won, then Back twice, no reason
    await admin.press("Won")
    await admin.press("Back")
    await admin.press("Back")
    assert "Check the new deal" in admin.last_text and "✅ Won" in admin.last_text
    await admin.press("Save")
    assert "Won: why?" in admin.last_text  # asked before anything is written
    assert await storage.deals.for_account(account_id) == []
    await admin.press("Price")
    await admin.press("Save")
    [deal] = await storage.deals.for_account(account_id)
    assert (deal.stage, deal.reason_code, deal.closed_on) == ("won", "price", date(2026, 11, 26))
