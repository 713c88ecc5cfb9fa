"""An admin erases a contact's personal data from the contact's screen (🧹 → confirm → Erase):
the data is gone from the contacts table and the audit log's values, the erasure is logged, the
contact leaves the profile and a meeting that named them shows "deleted contact" translated.
Leads and KAMs see no button and a forged press of theirs is refused and audited; Back changes
nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.i18n import translator
from domain.clock import FakeClock
from storage import Storage
from storage.data_export import ERASED_NAME
from storage.managers import Manager, Role
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import MakeUser
from tests.reminder_support import add_account, add_manager, add_meeting

PHONE, EMAIL, NOTES = "+7 916 123-45-67", "ivan@vt-metal.ru", "Prefers calls after six"


@dataclass
class Client:
    owner: Manager
    account_id: int
    contact_id: int
    meeting_id: int


async def _client(storage: Storage, clock: FakeClock) -> Client:
    """A KAM's client with one contact (phone, e-mail, notes) named in a held meeting."""
    owner = await add_manager(storage, 2001, "Kim", now=clock.now())
    account_id = await add_account(storage, owner, "VT-Metal", now=clock.now())
    contact = await storage.contacts.create(
        account_id=account_id, full_name="Ivan Petrov", position="CFO", actor_id=owner.id,
        now=clock.now(),
    )  # fmt: skip
    changes = {"phone": PHONE, "email": EMAIL, "notes": NOTES}
    await storage.profile.update_item(
        "contact", contact.id, changes, actor_id=owner.id, now=clock.now()
    )
    meeting_id = await add_meeting(
        storage, owner, account_id, clock.now(), now=clock.now(), status="held"
    )
    async with storage.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO meeting_contacts (meeting_id, contact_id) VALUES (?, ?)",
            (meeting_id, contact.id),
        )
    return Client(owner, account_id, contact.id, meeting_id)


async def _user(
    make_user: MakeUser, storage: Storage, clock: FakeClock, tid: int, role: Role, lang: str
) -> TelegramUser:
    user = await make_user(tid, f"U{tid}", lang)
    await add_manager(storage, tid, f"U{tid}", now=clock.now(), role=role, language=lang)
    return user


async def _open_contact(user: TelegramUser, language: str) -> None:
    """The contact's screen in the profile editor: /find → ✏️ → 👤 Contacts → the person."""
    t = translator(language)
    await user.send("/find VT-Metal")
    await user.press(t("profile.edit_button"))
    await user.press(t("profile.section.contacts"))
    await user.press("✏️ Ivan Petrov")
    assert "Ivan Petrov" in user.last_text and PHONE in user.last_text


async def _audit_values(storage: Storage, contact_id: int) -> str:
    rows = await storage.db.fetch_all(
        "SELECT old_value, new_value FROM audit_log WHERE entity = 'contact' AND entity_id = ?",
        (contact_id,),
    )
    return " ".join(str(value) for row in rows for value in row if value is not None)


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
async def test_an_admin_erases_a_contact(
    make_user: MakeUser, storage: Storage, clock: FakeClock, language: str
) -> None:
    client = await _client(storage, clock)
    assert PHONE in await _audit_values(storage, client.contact_id)
    admin = await _user(make_user, storage, clock, 4001, "admin", language)
    t = translator(language)
    await _open_contact(admin, language)
    await admin.press(t("profile.erase.button"))
    text = admin.last_text
    assert "Ivan Petrov" in text and "VT-Metal" in text
    assert t("profile.erase.deleted_contact") in text  # says what the name becomes
    await admin.press(t("profile.erase.yes"))
    assert admin.last_alert == t("profile.erase.done", name="Ivan Petrov")
    assert t("profile.section.contacts") in admin.last_text  # the section, without them
    assert "Ivan Petrov" not in admin.last_text and PHONE not in admin.last_text

    row = await storage.db.fetch_one(
        "SELECT full_name, position, phone, email, notes, archived_at FROM contacts WHERE id = ?",
        (client.contact_id,),
    )
    assert row is not None and tuple(row)[:5] == (ERASED_NAME, None, None, None, None)
    assert row["archived_at"] is not None
    logged = await _audit_values(storage, client.contact_id)
    assert PHONE not in logged and EMAIL not in logged and NOTES not in logged
    assert "Ivan Petrov" not in logged
    manager = await storage.managers.by_telegram_id(4001)
    assert manager is not None
    erasure = await storage.db.fetch_one(
        "SELECT actor_id FROM audit_log WHERE entity = 'contact' AND entity_id = ?"
        " AND action = 'delete' AND field = 'personal_data'",
        (client.contact_id,),
    )
    assert erasure is not None and erasure["actor_id"] == manager.id

    await admin.press_data(f"mtg:v:{client.meeting_id}")  # the meeting that named them
    assert t("profile.erase.deleted_contact") in admin.last_text
    assert "Ivan Petrov" not in admin.last_text
    await admin.send("/find VT-Metal")
    await admin.press(t("profile.section.contacts"))
    assert "Ivan Petrov" not in admin.last_text and ERASED_NAME not in admin.last_text


@pytest.mark.parametrize("role", ["lead", "kam"])
async def test_a_lead_and_a_kam_see_no_button_and_a_forged_press_is_refused(
    make_user: MakeUser, storage: Storage, clock: FakeClock, role: Role
) -> None:
    client = await _client(storage, clock)
    if role == "kam":  # the owner themself
        user = await make_user(2001, "Kim")
    else:
        user = await _user(make_user, storage, clock, 3001, role, "en")
    t = translator("en")
    await _open_contact(user, "en")
    assert not any("🧹" in label for label in user.buttons)
    await user.press_data(f"erase:{client.contact_id}")
    assert user.last_alert == t("error.stale_button")
    await user.press_data("erase:not-a-number")
    contact = await storage.contacts.get(client.contact_id)
    assert contact is not None and contact.full_name == "Ivan Petrov" and contact.phone == PHONE
    denials = await storage.db.fetch_all(
        "SELECT entity, entity_id, field FROM audit_log WHERE action = 'deny'"
    )
    assert [tuple(row) for row in denials] == [("contact", client.contact_id, "erase")]


async def test_back_changes_nothing_and_a_demoted_admins_old_button_is_refused(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    client = await _client(storage, clock)
    admin = await _user(make_user, storage, clock, 4001, "admin", "ru")
    t = translator("ru")
    await _open_contact(admin, "ru")
    await admin.press(t("profile.erase.button"))
    await admin.press(t("button.back"))
    assert "Ivan Petrov" in admin.last_text and PHONE in admin.last_text  # the contact again
    assert t("profile.erase.button") in admin.buttons
    contact = await storage.contacts.get(client.contact_id)
    assert contact is not None and (contact.full_name, contact.email) == ("Ivan Petrov", EMAIL)

    await admin.press(t("profile.erase.button"))
    manager = await storage.managers.by_telegram_id(4001)
    assert manager is not None
    await storage.managers.update(manager.id, actor_id=manager.id, now=clock.now(), role="lead")
    await admin.press(t("profile.erase.yes"))
    assert admin.last_alert == t("error.stale_button")
    contact = await storage.contacts.get(client.contact_id)
    assert contact is not None and contact.full_name == "Ivan Petrov" and contact.phone == PHONE
