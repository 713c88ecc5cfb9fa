"""Erasing a contact's personal data on their request: admins only, from the contact's screen.

The profile editor shows an admin "🧹 Erase personal data" on a contact (its data is
`erase:<contact id>`, nothing else). The press opens a confirmation naming the person and
saying what happens; Erase clears the data (storage.data_export.erase_contact: the name kept
as "deleted contact", the fields and the audit log's values of them cleared, the erasure
logged) and shows the Contacts section again, without them; Back returns to the contact's
screen with nothing changed, Cancel to the section. Every press reloads the contact and asks
domain.policy: a forged or replayed press by anyone but an admin is refused and audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler

from domain.policy import Action, Kind, Target
from handlers import authz
from handlers.dialog import Address, Flow, Go, Next, Run, Screen, Step, on_button
from handlers.profiles.common import FLOW, refuse_missing, visible_account
from handlers.profiles.edit import EDIT, ITEM
from handlers.profiles.sections import show_section
from handlers.ui import StaleButton, answer, callback_id, callback_parts, clip
from storage.data_export import erase_contact

if TYPE_CHECKING:
    from bot.context import KamContext
    from storage.profile import ProfileItem

CONFIRM = "confirm"
SECTION = "contacts"


async def _erasable(update: Update, context: KamContext, contact_id: int) -> ProfileItem | None:
    """The live contact when the manager may erase it; else the press is answered (a refusal
    is audited by handlers.authz) and None."""
    if not await authz.require(update, context, Action.ERASE, Target(Kind.CONTACT, contact_id)):
        return None
    contact = await context.services.storage.profile.item("contact", contact_id)
    if contact is None or await visible_account(context, contact.account_id) is None:
        await refuse_missing(update, context)
        return None
    return contact


async def show_confirm(update: Update, context: KamContext, run: Run) -> Screen | None:
    storage = context.services.storage
    contact = await storage.profile.item("contact", int(run.data["contact_id"]))
    account = await visible_account(context, int(run.data["account_id"]))
    if contact is None or account is None:
        await refuse_missing(update, context)
        run.flow.end(context)
        return None
    t = context.t
    text = t("profile.erase.confirm", name=clip(contact.title or "—", 120), client=account.name)
    rows = [
        [run.button(t("profile.erase.yes"), "yes")],
        [run.button(t("button.back"), "back"), run.button(t("button.cancel"), "cancel")],
    ]
    return Screen(text, rows)


async def erase(update: Update, context: KamContext, run: Run) -> Next:
    """Erase: asked again of the policy (the role may have changed since the screen)."""
    run.back_to = None
    contact = await _erasable(update, context, int(run.data["contact_id"]))
    if contact is None:
        return Go.END
    clock_now = context.services.clock.now()
    manager = context.require_manager()
    await erase_contact(context.services.storage.db, contact.id, actor_id=manager.id, now=clock_now)
    await answer(update, context.t("profile.erase.done", name=clip(contact.title or "—", 60)))
    await show_section(update, context, contact.account_id, SECTION)
    return Go.END


async def back(update: Update, context: KamContext, run: Run) -> Next:
    """Back to the contact's screen in the editor (the flow's return address)."""
    return Go.END


async def cancel(update: Update, context: KamContext, run: Run) -> Next:
    """Cancel: the Contacts section, nothing changed."""
    run.back_to = None
    await show_section(update, context, int(run.data["account_id"]), SECTION)
    return Go.END


async def on_erase(update: Update, context: KamContext) -> None:
    """`erase:<contact id>`: the confirmation, when the manager may erase that contact."""
    if len(callback_parts(update, "erase")) != 1:
        raise StaleButton("erase: more than an id")
    contact = await _erasable(update, context, callback_id(update, "erase"))
    if contact is None:
        return
    await answer(update)
    ids = {"account_id": contact.account_id, "contact_id": contact.id}
    back_to = Address(
        EDIT.name,
        ITEM,
        {"account_id": contact.account_id, "entity": "contact", "item_id": contact.id,
         "section": SECTION},
    )  # fmt: skip
    await ERASE.start(update, context, CONFIRM, data=ids, back_to=back_to)


ERASE = Flow(
    "contact_erase",
    "ers",
    entries=[CallbackQueryHandler(on_erase, pattern=r"^erase:")],
    steps=[Step(CONFIRM, show_confirm, [on_button("yes", erase)])],
    common=[
        on_button("back", back),
        on_button("cancel", cancel),
    ],
    prompt=True,  # going elsewhere closes it: nothing is erased
    screen_key=FLOW,
)
