"""Editing a profile: each field type, invalid values, list items, contact cards, audit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import MakeUser, onboard
from tests.handlers.test_profile_create_find import create


async def _account_id(storage: Storage) -> int:
    [account] = await storage.accounts.visible(1, sees_all=True)
    return account.id


async def _open_section(user: TelegramUser, section: str) -> None:
    await user.press("✏️ Edit")
    await user.press(section)


async def test_money_field_saved_at_once_with_old_and_new_and_audit(
    admin: TelegramUser, storage: Storage
) -> None:
    await create(admin, "VT-Metal")
    card_message = admin.last_message.message_id
    await _open_section(admin, "🎯 Prospects")
    assert admin.last_message.message_id == card_message  # one screen, edited in place
    await admin.press("Opportunity, 1 year")
    await admin.send("1.2m RUB")
    assert "Was: —" in admin.last_text and "1,200,000" in admin.last_text
    assert "Saved: Opportunity, 1 year" in admin.last_text
    account_id = await _account_id(storage)
    account = await storage.accounts.get(account_id)
    assert account is not None
    assert (account.opportunity_1y_minor, account.opportunity_1y_currency) == (120_000_000, "RUB")
    fields = {e.field for e in await storage.audit.for_entity("account", account_id)}
    assert {"opportunity_1y_minor", "opportunity_1y_currency"} <= fields
    await admin.press("Opportunity, 3-5 years")
    await admin.send("50万元")
    assert "¥500,000" in admin.last_text
    await admin.press("Done")
    assert "1 year: 1,200,000\xa0₽\nOpportunity, 3-5 years: ¥500,000" in admin.last_text


async def test_invalid_values_are_explained_and_asked_again(
    admin: TelegramUser, storage: Storage
) -> None:
    await create(admin, "VT-Metal")
    await _open_section(admin, "🎯 Prospects")
    await admin.press("Opportunity, 1 year")
    await admin.send("lots of money")
    assert "could not read the amount" in admin.last_text
    await admin.send_update(
        {
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
    )
    assert "type the value" in admin.last_text
    await admin.press("Back")
    await admin.press("Contact at least every N days")
    await admin.send("9999")
    assert "whole number from 1 to 365" in admin.last_text
    await admin.send("14")
    account = await storage.accounts.get(await _account_id(storage))
    assert account is not None and account.contact_cadence_days == 14
    await admin.press("Back")  # from the section to the list of sections
    await admin.press("📋 General")
    await admin.press("Goals")
    await admin.send("g" * 2001)
    assert "Too long: 2,001 characters, at most 2,000" in admin.last_text
    assert "kept the first part" in admin.last_text and "Will be: ggg" in admin.last_text
    await admin.send("Grow <b>exports</b> to Asia")  # typed again instead: saved at once
    assert "Grow <b>exports</b> to Asia" in admin.last_text  # shown as text, not markup
    account = await storage.accounts.get(await _account_id(storage))
    assert account is not None and account.goals == "Grow <b>exports</b> to Asia"


async def test_choice_field_uses_buttons(admin: TelegramUser, storage: Storage) -> None:
    await create(admin, "VT-Metal")
    await _open_section(admin, "📋 General")
    await admin.press("Status")
    await admin.send("at risk please")
    assert "choose with the buttons" in admin.last_text
    await admin.press("At risk")
    assert "Was: Key account" in admin.last_text and "Now: At risk" in admin.last_text
    account = await storage.accounts.get(await _account_id(storage))
    assert account is not None and account.status == "at_risk"


async def test_list_items_add_edit_remove(admin: TelegramUser, storage: Storage) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    await _open_section(admin, "👤 Contacts")
    await admin.press("Add a person")
    await admin.send("Ivan Petrov")
    assert "Added" in admin.last_text
    await admin.press("Role in the decision")
    await admin.press("Decision maker")
    await admin.press("Phone")
    await admin.send("call me maybe")
    assert "does not look like a phone" in admin.last_text
    await admin.send("+7 916 123-45-67")
    await admin.press("Birthday")
    await admin.send("31.02")
    assert "could not read the birthday" in admin.last_text
    await admin.send("12.03")
    [contact] = await storage.contacts.for_account(account_id)
    assert (contact.decision_role, contact.phone, contact.birthday) == (
        "decision_maker",
        "+7 916 123-45-67",
        "--03-12",
    )
    await admin.press("Remove")
    await admin.press("Yes, remove")
    assert await storage.contacts.for_account(account_id) == []
    actions = [e.action for e in await storage.audit.for_entity("contact", contact.id)]
    assert actions[0] == "create" and actions[-1] == "delete"


async def test_plan_step_is_a_task_with_a_due_date(admin: TelegramUser, storage: Storage) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    await _open_section(admin, "🎯 Prospects")
    await admin.press("Add a plan step")
    await admin.send("Present the 2027 offer")
    await admin.press("Due")
    await admin.send("someday")
    assert "could not read the date" in admin.last_text
    await admin.send("15.12.2026")
    [task] = await storage.tasks.open_for_account(account_id)
    assert task.origin == "action_plan" and task.due_at is not None
    assert task.due_at.date().isoformat() in ("2026-12-14", "2026-12-15")


async def test_shared_contact_card_adds_a_person(admin: TelegramUser, storage: Storage) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    await admin.send_update(
        {"contact": {"phone_number": "+79161234567", "first_name": "Olga", "last_name": "Ko"}}
    )
    assert "Olga Ko added to VT-Metal" in admin.last_text
    [contact] = await storage.contacts.for_account(account_id)
    assert (contact.full_name, contact.phone) == ("Olga Ko", "+79161234567")
    await admin.send_update({"contact": {"phone_number": "+7 916 123 45 67", "first_name": "Olga"}})
    assert "already among" in admin.last_text
    assert len(await storage.contacts.for_account(account_id)) == 1


async def test_stale_and_forged_presses_are_refused(admin: TelegramUser, storage: Storage) -> None:
    await create(admin, "VT-Metal")
    await admin.press_data("ed:f:goals")
    assert (admin.last_alert and "no longer" in admin.last_alert.lower()) or admin.last_alert
    await admin.press_data("acc:open:99999")
    assert admin.last_alert and "not found" in admin.last_alert
    await admin.press_data("acc:sec:1:nonsense:0")
    assert admin.last_alert


async def test_leaving_an_edit_for_the_card_drops_the_half_done_step(
    admin: TelegramUser, storage: Storage
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    await _open_section(admin, "📋 General")
    await admin.press("Goals")
    await admin.press_data(f"acc:open:{account_id}")
    assert "Owner" in admin.last_text
    await admin.send("VT")  # now a search, not the goals
    account = await storage.accounts.get(account_id)
    assert account is not None and account.goals is None


async def test_menu_button_mid_edit_is_not_taken_as_a_value(
    admin: TelegramUser, storage: Storage
) -> None:
    await create(admin, "VT-Metal")
    await _open_section(admin, "📋 General")
    await admin.press("Goals")
    await admin.send("🔎 Find client")
    assert "Type a client's name" in admin.last_text
    account = await storage.accounts.get(await _account_id(storage))
    assert account is not None and account.goals is None


async def test_an_edit_left_open_does_not_take_later_text(
    admin: TelegramUser, storage: Storage
) -> None:
    await create(admin, "VT-Metal")
    await _open_section(admin, "📋 General")
    await admin.press("Goals")
    await admin.send("📋 Today")  # walked away from the value prompt
    await admin.send("vt")  # plain text at the menu: a search, not the new goals
    assert "VT-Metal" in admin.last_text
    assert "Old value" not in admin.last_text and "New value" not in admin.last_text
    account = await storage.accounts.get(await _account_id(storage))
    assert account is not None and account.goals is None


async def test_starting_a_search_closes_an_open_edit(admin: TelegramUser, storage: Storage) -> None:
    await create(admin, "VT-Metal")
    await _open_section(admin, "📋 General")
    await admin.press("Goals")
    await admin.send("/find")
    await admin.send("vt")
    assert "VT-Metal" in admin.last_text
    await admin.send("Grow exports to Kazakhstan")  # neither a value nor a search now
    account = await storage.accounts.get(await _account_id(storage))
    assert account is not None and account.goals is None


async def test_one_field_in_four_actions_from_the_card_then_undo(
    admin: TelegramUser, storage: Storage
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    assert "✏️ Edit" in admin.buttons  # on the card
    actions: list[Callable[[], Awaitable[None]]] = [
        lambda: admin.press("✏️ Edit"),
        lambda: admin.press("📋 General"),
        lambda: admin.press("Goals"),
        lambda: admin.send("Grow exports to Kazakhstan"),
    ]
    for action in actions:
        await action()
    account = await storage.accounts.get(account_id)
    assert account is not None and account.goals == "Grow exports to Kazakhstan"
    assert len(actions) <= 4
    assert "Saved: Goals" in admin.last_text and "Was: —" in admin.last_text
    assert "Choose a field" in admin.last_text  # back in the section
    assert "↩️ Undo" in admin.buttons
    assert any(b.startswith("Goals: Grow exports") for b in admin.buttons)
    await admin.press("Description")
    await admin.send("Steel mill")
    await admin.press("Description")
    await admin.send("Steel mill in the Urals")
    await admin.press("↩️ Undo")
    account = await storage.accounts.get(account_id)
    assert account is not None and account.description == "Steel mill"
    assert "Undone: Description is back to Steel mill" in admin.last_text
    assert "↩️ Undo" not in admin.buttons  # one step back, not a history
    entries = await storage.audit.for_entity("account", account_id)
    assert [e.new_value for e in entries if e.field == "description"] == [
        "Steel mill",
        "Steel mill in the Urals",
        "Steel mill",
    ]


async def test_undo_of_an_added_entry_removes_it_in_chinese(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _account_id(storage)
    manager = await storage.managers.by_telegram_id(admin.user_id)
    assert manager is not None
    await storage.managers.update(manager.id, actor_id=manager.id, now=clock.now(), language="zh")
    await admin.press("✏️")
    await admin.press("👤")
    await admin.press("添加")
    await admin.send("王伟")
    assert [c.full_name for c in await storage.contacts.for_account(account_id)] == ["王伟"]
    await admin.press("↩️ 撤销")
    assert await storage.contacts.for_account(account_id) == []
    assert "已撤销" in admin.last_text


async def test_a_button_of_an_earlier_edit_is_refused_and_the_new_one_goes_on(
    admin: TelegramUser, storage: Storage
) -> None:
    await create(admin, "VT-Metal")
    await _open_section(admin, "📋 General")
    [goals] = [b for b in admin.last_message.buttons if str(b["text"]).startswith("Goals")]
    earlier = (str(goals["callback_data"]), admin.last_message.message_id)
    await admin.send("/edit VT-Metal")  # a new edit: the earlier one's buttons are stale
    await admin.press_data(*earlier)
    assert admin.last_alert is not None and "card is closed" in admin.last_alert
    await admin.press("📋 General")
    await admin.press("Goals")
    await admin.send("Grow exports")
    account = await storage.accounts.get(await _account_id(storage))
    assert account is not None and account.goals == "Grow exports"


async def test_a_team_member_may_edit_but_not_reassign_the_owner(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    await admin.send("/invite")
    await admin.press("Key account manager")
    link = next(t for t in admin.bot_texts() if "start=" in t)
    boris = await make_user(2000, "Boris")
    await onboard(boris, start="/start " + link.split("start=")[1].split()[0])
    member = await storage.managers.by_telegram_id(2000)
    assert member is not None
    account_id = await _account_id(storage)
    await storage.profile.add_item(
        "team", account_id, {"manager_id": member.id}, actor_id=1, now=clock.now()
    )
    await boris.send("/edit VT-Metal")
    await boris.press("📋 General")
    screen = boris.last_text
    await boris.press("Owner")
    assert boris.last_alert and "Only the owner" in boris.last_alert  # an alert, not dropped
    assert boris.last_text == screen
    await boris.press("Goals")
    await boris.send("Grow exports")
    account = await storage.accounts.get(account_id)
    assert account is not None and account.goals == "Grow exports" and account.owner_id == 1
