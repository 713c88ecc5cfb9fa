"""Updating a profile: choose the field, enter the value; it is saved at once, with Undo.

A dialog flow in the card's message: sections → a section's fields or list items → value.
A value cut to its field's limit asks before saving (confirm), so does removing an item.
Done returns to the section or card the edit came from. The run's data: account_id,
section, entity and item_id (what is edited), field, adding (a list kind), pending, undo.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.i18n import N_
from domain.policy import Action, Kind, Target
from domain.profile import (
    FIELDS,
    SECTION_KEYS,
    SECTION_OF_LIST,
    SECTIONS,
    TITLE_FIELD,
    Clipped,
    Entity,
    FieldSpec,
    Invalid,
    contact_from_card,
    field_spec,
    from_stored_form,
    read_value,
    same_phone,
    stored_form,
)
from domain.profile_text import value_text
from domain.search import EXACT
from handlers import authz
from handlers.dialog import (
    Flow,
    Go,
    Next,
    Run,
    Screen,
    Step,
    on_button,
    on_command,
    on_message,
    on_text,
)
from handlers.profiles.card import show_card
from handlers.profiles.common import (
    FLOW,
    account_labels,
    default_currency,
    goto,
    int_part,
    manager_names,
    open_account,
    refuse_missing,
    reply,
    state,
    visible_account,
)
from handlers.profiles.sections import item_block, show_section
from handlers.ui import (
    StaleButton,
    answer,
    button,
    callback_id,
    callback_parts,
    clip,
    grid,
    keyboard,
    parse_id,
)
from storage.profile import ITEM_KINDS, ItemKind, ProfileItem

if TYPE_CHECKING:
    from bot.context import KamContext
    from handlers.dialog.model import Input, InputCallback

SECTIONS_STEP, FIELDS_STEP, ITEM = "sections", "fields", "item"
VALUE, CONFIRM, REMOVE = "value", "confirm", "remove"
MAX_ITEMS_SHOWN = 12
LIST_LABELS = {
    "contact": N_("profile.add.contact"),
    "related": N_("profile.add.related"),
    "team": N_("profile.add.team"),
    "deal": N_("profile.add.deal"),
    "spend": N_("profile.add.spend"),
    "supplier": N_("profile.add.supplier"),
    "plan": N_("profile.add.plan"),
}
KINDS: dict[str, ItemKind] = {kind: kind for kind in ITEM_KINDS}


def _entity(run: Run) -> Entity:
    return KINDS.get(str(run.data.get("entity")), "account")


def _spec(run: Run) -> FieldSpec | None:
    kind = KINDS.get(str(run.data.get("adding")))
    return field_spec(kind or _entity(run), str(run.data.get("field")))


def _nav(context: KamContext, run: Run, *, done: bool = False) -> list[InlineKeyboardButton]:
    """Back, and Done (or Cancel while a value is asked): both return to the card."""
    t = context.t
    label = t("button.done") if done else t("button.cancel")
    return [run.button(t("button.back"), "back"), run.button(label, "done")]


def _noted(run: Run, text: str, gap: str = "\n\n") -> str:
    note = run.note or run.data.pop("note", "")
    return (note + gap if note else "") + text


async def _values(context: KamContext, run: Run) -> dict[str, Any] | None:
    """The stored values of what is edited, the account or an item ({} for an item being
    added); None if it is gone."""
    if run.data.get("adding"):
        return {}
    storage = context.services.storage
    entity = _entity(run)
    if entity == "account":
        account = await storage.accounts.get(int(run.data["account_id"]))
        return None if account is None else dict(vars(account))
    item = await storage.profile.item(entity, int(run.data["item_id"]))
    return None if item is None or item.account_id != run.data["account_id"] else item.values


# --- screens ---------------------------------------------------------------------------------


async def show_sections(update: Update, context: KamContext, run: Run) -> Screen | None:
    account = await visible_account(context, int(run.data["account_id"]))
    if account is None:
        return await _gone(update, context, run)
    t = context.t
    buttons = [run.button(t(s.label), "s", s.key) for s in SECTIONS]
    rows = [*grid(buttons, 2), [run.button(t("button.done"), "done")]]
    return Screen(_noted(run, t("profile.edit.choose_section", name=account.name)), rows)


def _undo_row(context: KamContext, run: Run) -> list[InlineKeyboardButton]:
    return [run.button(context.t("profile.edit.undo"), "undo")] if "undo" in run.data else []


def _field_rows(
    context: KamContext,
    run: Run,
    specs: Sequence[FieldSpec | None],
    values: dict[str, Any],
    names: dict[int, str],
) -> list[list[InlineKeyboardButton]]:
    """A button per field: its label and its value in short (➕ when empty)."""
    rows = []
    for spec in filter(None, specs):
        shown = value_text(context.t, context.fmt, spec, values, names, compact=True)
        label = context.t(spec.label) + (f": {clip(shown, 24)}" if shown else " ➕")
        rows.append([run.button(label, "f", spec.key)])
    return rows


async def show_fields(update: Update, context: KamContext, run: Run) -> Screen | None:
    account_id = int(run.data["account_id"])
    account = await visible_account(context, account_id)
    section = SECTION_KEYS.get(str(run.data.get("section")))
    if account is None or section is None:
        return await _gone(update, context, run)
    t = context.t
    specs = [field_spec("account", key) for key in section.fields]
    rows = [
        _undo_row(context, run),
        *_field_rows(context, run, specs, vars(account), await manager_names(context)),
    ]
    for kind in section.lists:
        items = await context.services.storage.profile.items(kind, account_id)
        if kind == "deal":  # deals and tenders have their own flow (handlers.deals)
            rows += _deal_rows(context, account_id, items)
            continue
        for item in items[:MAX_ITEMS_SHOWN]:
            rows.append([run.button("✏️ " + clip(item.title or "—", 40), "i", kind, item.id)])
        rows.append([run.button(t(LIST_LABELS[kind]), "a", kind)])
    rows.append(_nav(context, run, done=True))
    text = t("profile.edit.choose_field", name=account.name, section=t(section.label))
    return Screen(_noted(run, text), rows)


def _deal_rows(
    context: KamContext, account_id: int, items: Sequence[ProfileItem]
) -> list[list[InlineKeyboardButton]]:
    """The History's deals open in the deal flow (its own buttons; this prompt closes)."""
    rows = [
        [button("✏️ " + clip(item.title or "—", 40), f"deal:open:{item.id}")]
        for item in items[:MAX_ITEMS_SHOWN]
    ]
    return [*rows, [button(context.t(LIST_LABELS["deal"]), f"deal:new:{account_id}")]]


async def show_item(update: Update, context: KamContext, run: Run) -> Screen | None:
    entity = _entity(run)
    assert entity != "account"  # entering the step made sure
    item = await context.services.storage.profile.item(entity, int(run.data["item_id"]))
    if item is None:
        return await _gone(update, context, run)
    names = await manager_names(context)
    rows = [
        _undo_row(context, run),
        *_field_rows(context, run, FIELDS[entity], item.values, names),
        [run.button(context.t("profile.edit.remove"), "rm")],
        _erase_row(context, item),
        _nav(context, run, done=True),
    ]
    return Screen(_noted(run, item_block(context, item, names)), rows)


def _erase_row(context: KamContext, item: ProfileItem) -> list[InlineKeyboardButton]:
    """An admin may erase a contact's personal data (handlers.profiles.erase confirms)."""
    if item.kind != "contact" or not authz.may(context, Action.ERASE, Target(Kind.CONTACT)):
        return []
    return [button(context.t("profile.erase.button"), f"erase:{item.id}")]


async def show_value(update: Update, context: KamContext, run: Run) -> Screen:
    spec = _spec(run)
    assert spec is not None
    t = context.t
    values = await _values(context, run) or {}
    current = value_text(context.t, context.fmt, spec, values, await manager_names(context))
    lines = [t("profile.edit.field_title", field=t(spec.label))]
    if current:
        lines.append(t("profile.edit.current", value=clip(current, 600)))
    rows = await _choices(context, run, spec)
    if spec.picked:
        team = run.data.get("adding") == "team" and spec.kind == "manager"
        lines.append(t("profile.edit.pick_or_type" if team else "profile.edit.pick"))
    else:
        lines.append(t(f"profile.prompt.{spec.kind}", limit=spec.limit))
    if current and not spec.required and spec.kind != "flag":
        rows.append([run.button(t("profile.edit.clear"), "clear")])
    rows.append(_nav(context, run))
    return Screen(_noted(run, "\n".join(lines), "\n"), rows)


async def _choices(context: KamContext, run: Run, spec: FieldSpec) -> list[list[Any]]:
    """The buttons of a field picked rather than typed (none for typed fields)."""
    t = context.t
    if spec.kind == "choice":
        return grid([run.button(t(spec.option_message(o)), "v", o) for o in spec.options], 2)
    if spec.kind == "manager":
        managers = [m for m in await context.services.storage.managers.list_all() if m.active]
        return grid([run.button(clip(m.full_name, 30), "v", m.id) for m in managers[:20]], 2)
    if spec.kind == "flag":
        return [[run.button(t("profile.yes"), "v", 1), run.button(t("profile.no"), "v", 0)]]
    return []


async def show_confirm(update: Update, context: KamContext, run: Run) -> Screen:
    spec = _spec(run)
    assert spec is not None
    t = context.t
    values = await _values(context, run) or {}
    old = value_text(context.t, context.fmt, spec, values, await manager_names(context)) or "—"
    text = t(
        "profile.edit.confirm",
        field=t(spec.label),
        old=clip(old, 1200),
        new=clip(str(run.data.get("shown") or "—"), 1500),
    )
    note = run.note + "\n" + t("profile.edit.clipped") + "\n\n" if run.note else ""
    rows = [[run.button(t("profile.edit.save"), "save")], _nav(context, run)]
    return Screen(note + text, rows)


async def show_remove(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    rows = [[run.button(t("profile.edit.remove_yes"), "rmyes")], _nav(context, run)]
    return Screen(t("profile.edit.remove_ask"), rows)


async def _gone(update: Update, context: KamContext, run: Run) -> Screen | None:
    """The client is gone or no longer the manager's: say so, and the edit ends."""
    await refuse_missing(update, context)
    run.flow.end(context)
    return None


# --- entering steps --------------------------------------------------------------------------


async def enter_account(update: Update, context: KamContext, run: Run) -> Next:
    """The sections or a section's fields: no item or field is being edited any more."""
    run.data.update(entity="account", item_id=None, field=None, adding=None)
    if run.step == SECTIONS_STEP:
        run.data["section"] = None  # Done returns to the card
    return None


async def enter_item(update: Update, context: KamContext, run: Run) -> Next:
    """A list item's fields; for an account field (or an item being added) its section's."""
    run.data.update(field=None, adding=None)
    if _entity(run) == "account":
        return FIELDS_STEP
    return None if await _values(context, run) is not None else await _item_gone(update, context)


async def enter_value(update: Update, context: KamContext, run: Run) -> Next:
    run.data.pop("pending", None)
    return None if await _values(context, run) is not None else await _item_gone(update, context)


async def _item_gone(update: Update, context: KamContext) -> Next:
    await answer(update, context.t("profile.item_gone"), alert=True)
    return FIELDS_STEP


# --- inputs ----------------------------------------------------------------------------------


def _checked(callback: InputCallback, *, keeps_undo: bool = False) -> InputCallback:
    """Input taken only while the client is visible to the manager; Undo lasts one step."""

    async def checked(update: Update, context: KamContext, run: Run) -> Next:
        if await visible_account(context, int(run.data["account_id"])) is None:
            await refuse_missing(update, context)
            return Go.END
        if not keeps_undo:
            run.data.pop("undo", None)
        return await callback(update, context, run)

    return checked


def _press(action: str, callback: InputCallback, *, keeps_undo: bool = False) -> Input:
    return on_button(action, _checked(callback, keeps_undo=keeps_undo))


def _arg_in(run: Run, allowed: dict[str, Any] | tuple[str, ...], index: int = 0) -> str:
    if run.arg(index) not in allowed:
        raise StaleButton(f"profile edit: {run.args!r}")
    return run.arg(index)


async def pick_section(update: Update, context: KamContext, run: Run) -> Next:
    run.data["section"] = _arg_in(run, SECTION_KEYS)
    return FIELDS_STEP


async def open_item(update: Update, context: KamContext, run: Run) -> Next:
    kind = KINDS[_arg_in(run, KINDS)]
    run.data.update(entity=kind, item_id=run.arg_id(1), section=SECTION_OF_LIST[kind])
    return ITEM


async def add_item(update: Update, context: KamContext, run: Run) -> Next:
    kind = KINDS[_arg_in(run, KINDS)]
    run.data.update(adding=kind, field=TITLE_FIELD[kind], section=SECTION_OF_LIST[kind])
    return VALUE


async def pick_field(update: Update, context: KamContext, run: Run) -> Next:
    spec = field_spec(_entity(run), run.arg())
    if spec is None:
        raise StaleButton(f"profile edit: no field {run.args!r}")
    if spec.key == "owner_id" and _entity(run) == "account":
        target = authz.account_values(context, await _values(context, run) or {})
        if not authz.check(context, Action.REASSIGN, target):
            await answer(update, context.t("profile.edit.owner_not_allowed"), alert=True)
            return None
    run.data["field"] = spec.key
    return VALUE


async def picked(update: Update, context: KamContext, run: Run) -> Next:
    """A value chosen with a button (a choice, yes/no, a manager): saved at once."""
    spec, raw = _spec(run), run.arg()
    if spec is not None and spec.kind == "choice" and raw in spec.options:
        return await _write(update, context, run, {spec.col: raw})
    if spec is not None and spec.kind == "flag" and raw in ("0", "1"):
        return await _write(update, context, run, {spec.col: raw == "1"})
    chosen_id = parse_id(raw) if spec is not None and spec.kind == "manager" else None
    chosen = await context.services.storage.managers.get(chosen_id) if chosen_id else None
    if spec is None or chosen is None or not chosen.active:
        raise StaleButton(f"profile edit: no choice {run.args!r}")
    return await _write(update, context, run, {spec.col: chosen.id})


async def clear(update: Update, context: KamContext, run: Run) -> Next:
    spec = _spec(run)
    if spec is None:
        raise StaleButton("profile edit: nothing to clear")
    columns = [spec.col] + ([spec.currency_column] if spec.currency_column else [])
    return await _write(update, context, run, dict.fromkeys(columns))


async def typed(update: Update, context: KamContext, run: Run) -> Next:
    """A value typed for the field being edited: validated and saved at once (with Undo)."""
    spec = _spec(run)
    if spec is not None and run.data.get("adding") == "team" and spec.kind == "manager":
        run.data["field"] = "name"
        spec = field_spec("team", "name")
    if spec is None:
        return None
    values = await _values(context, run) or {}
    currency = spec.currency_column and values.get(spec.currency_column)
    result = read_value(
        spec,
        run.text,
        now=context.services.clock.now(),
        tz=context.fmt.tz,
        default_currency=str(currency or default_currency(context)),
    )
    if isinstance(result, Invalid | Clipped):
        why = result.why if isinstance(result, Clipped) else result
        run.note = "⚠️ " + context.t(why.reason, **why.values)
    if isinstance(result, Clipped):
        run.data.update(pending=stored_form(result.parsed.changes), shown=str(result.parsed.shown))
        return CONFIRM
    if isinstance(result, Invalid):
        return VALUE
    return await _write(update, context, run, result.changes)


async def save(update: Update, context: KamContext, run: Run) -> Next:
    """Save on the confirmation screen (only a value cut to the field's limit asks first)."""
    pending = run.data.pop("pending", None)
    if not pending:
        return FIELDS_STEP
    return await _write(update, context, run, from_stored_form(pending))


def _by(context: KamContext) -> dict[str, Any]:
    """Who changes the profile, and when: storage audits every write."""
    return {"actor_id": context.require_manager().id, "now": context.services.clock.now()}


async def _store(
    context: KamContext, run: Run, entity: Entity, item_id: Any, changes: dict[str, Any]
) -> bool:
    """Writes the changes to the account or an item; False if the item is gone."""
    storage = context.services.storage
    try:
        if entity == "account":
            await storage.accounts.update(int(run.data["account_id"]), **_by(context), **changes)
        else:
            await storage.profile.update_item(entity, int(item_id), changes, **_by(context))
    except LookupError:
        return False
    return True


async def _write(update: Update, context: KamContext, run: Run, changes: dict[str, Any]) -> Next:
    """Writes the value at once and goes back where the manager was, with an Undo button."""
    run.data.pop("pending", None)
    if run.data.get("adding"):
        return await _write_new(context, run, changes)
    spec, entity = _spec(run), _entity(run)
    assert spec is not None
    names = await manager_names(context)
    before = await _values(context, run) or {}
    if not await _store(context, run, entity, run.data.get("item_id"), changes):
        return await _item_gone(update, context)
    label = context.t(spec.label)
    old = clip(value_text(context.t, context.fmt, spec, before, names) or "—", 300)
    new = value_text(context.t, context.fmt, spec, await _values(context, run) or {}, names) or "—"
    run.data["undo"] = {
        "action": "update",
        "entity": entity,
        "item_id": run.data.get("item_id"),
        "old": stored_form({col: before.get(col) for col in changes}),
        "field": label,
        "shown": old,
    }
    run.note = context.t("profile.edit.saved_change", field=label, old=old, new=clip(new, 600))
    return FIELDS_STEP if entity == "account" else ITEM


async def _write_new(context: KamContext, run: Run, changes: dict[str, Any]) -> Next:
    """A new list item from its first field; then its other fields."""
    storage = context.services.storage
    account_id = int(run.data["account_id"])
    kind = KINDS[str(run.data["adding"])]
    if kind == "plan":
        account = await storage.accounts.get(account_id)
        owner = account.owner_id if account else context.require_manager().id
        changes.setdefault("assignee_id", owner)
    if kind == "related":
        changes.setdefault("kind", "partner")
    item = await storage.profile.add_item(kind, account_id, changes, **_by(context))
    run.data.update(entity=kind, item_id=item.id, adding=None, field=None)
    run.data["undo"] = {"action": "add", "entity": kind, "item_id": item.id}
    run.note = context.t("profile.edit.added")
    return ITEM


async def undo(update: Update, context: KamContext, run: Run) -> Next:
    """Puts back what the last save changed (or removes what it added); audited as well."""
    last = run.data.pop("undo", None)
    if not isinstance(last, dict):
        raise StaleButton("profile edit: nothing to undo")
    t = context.t
    kind = KINDS.get(str(last["entity"]))
    if last["action"] == "add" and kind is not None:
        await context.services.storage.profile.remove_item(
            kind, int(last["item_id"]), **_by(context)
        )
        run.note = t("profile.edit.undone_added")
        return FIELDS_STEP
    old = from_stored_form(last["old"])
    if not await _store(context, run, kind or "account", last["item_id"], old):
        return await _item_gone(update, context)
    run.note = t("profile.edit.undone", field=last["field"], old=last["shown"])
    if kind is None:
        return FIELDS_STEP
    run.data.update(entity=kind, item_id=int(last["item_id"]))
    return ITEM


async def remove(update: Update, context: KamContext, run: Run) -> Next:
    kind = KINDS[str(run.data["entity"])]  # the item's screen asked
    await context.services.storage.profile.remove_item(
        kind, int(run.data["item_id"]), **_by(context)
    )
    run.note = context.t("profile.edit.removed")
    return FIELDS_STEP


async def leave(update: Update, context: KamContext, run: Run) -> Next:
    """Done (or Cancel): back to the section the edit was opened from, else to the card."""
    account_id, section = int(run.data["account_id"]), run.data.get("section")
    if section in SECTION_KEYS:
        await show_section(update, context, account_id, str(section))
    else:
        await show_card(update, context, account_id)
    return Go.END


async def back(update: Update, context: KamContext, run: Run) -> Next:
    return await leave(update, context, run) if run.step == SECTIONS_STEP else Go.BACK


# --- entries ---------------------------------------------------------------------------------


async def _open(update: Update, context: KamContext, account_id: int, **data: Any) -> None:
    """The edit of a client the manager may see, at the step `data` leads to."""
    if await open_account(update, context, account_id) is None:
        EDIT.end(context)
        return
    step = FIELDS_STEP if "section" in data else SECTIONS_STEP
    await EDIT.start(update, context, step, data={"account_id": account_id, **data})


async def from_card(update: Update, context: KamContext) -> None:
    await _open(update, context, callback_id(update, "ed:acc"))


async def from_section(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "ed:sec")
    account_id = int_part(parts, 0)
    if account_id is None or len(parts) < 2 or parts[1] not in SECTION_KEYS:
        raise StaleButton(f"profile edit: {parts!r}")
    await _open(update, context, account_id, section=parts[1])


async def edit_command(update: Update, context: KamContext) -> None:
    """`/edit [client]`: the named client (namesakes: the manager chooses), else the last one."""
    assert update.effective_message is not None
    query = " ".join(context.args or []).strip()
    remembered = state(context).get("account_id")
    account_id = await _named(update, context, query) if query else remembered
    if not isinstance(account_id, int):
        if not query:
            await update.effective_message.reply_text(context.t("profile.edit.no_client"))
        EDIT.end(context)
        return
    await _open(update, context, account_id)


async def _named(update: Update, context: KamContext, query: str) -> int | None:
    """The one client the query names; else None, with the namesakes as buttons or "nothing"."""
    assert update.effective_message is not None
    manager = context.require_manager()
    hits = await context.services.storage.search.search(
        query, manager_id=manager.id, sees_all=manager.sees_all_accounts, limit=6
    )
    exact = [h for h in hits if h.score >= EXACT - 10 and h.kind == "account"]
    if len(hits) == 1 or len(exact) == 1:
        return (exact or hits)[0].account_id
    if not hits:
        text = context.t("profile.find.nothing", query=clip(query, 100))
        await update.effective_message.reply_text(text)
        return None
    names = await account_labels(context, [(h.account_id, h.name) for h in hits])
    rows = [[button(names[h.account_id], f"ed:acc:{h.account_id}")] for h in hits]
    await update.effective_message.reply_text(
        context.t("profile.edit.which"), reply_markup=keyboard(rows)
    )
    return None


async def shared_contact(update: Update, context: KamContext) -> None:
    """A Telegram contact card shared while a client is open: that person becomes a contact."""
    message = update.effective_message
    assert message is not None and message.contact is not None
    t = context.t
    remembered = state(context).get("account_id")
    account = await visible_account(context, remembered) if isinstance(remembered, int) else None
    card = message.contact
    fields = contact_from_card(card.first_name, card.last_name, card.phone_number)
    storage = context.services.storage
    known = await storage.profile.items("contact", account.id) if account else []
    twin = next((c for c in known if same_phone(fields["phone"], c.get("phone"))), None)
    if account is None or twin is not None:
        found = t("profile.contact.exists", name=twin.title) if twin else None
        await message.reply_text(found or t("profile.contact.no_client"))
        EDIT.end(context)
        return
    item = await storage.profile.add_item("contact", account.id, fields, **_by(context))
    note = t("profile.contact.added", name=fields["full_name"], client=account.name)
    data = {"entity": "contact", "item_id": item.id, "section": "contacts", "note": note}
    await EDIT.start(update, context, ITEM, data={"account_id": account.id, **data})


EDIT = Flow(
    "edit",  # not "profile_edit": runs of the former bridge (no data) stay unread
    "ed",
    entries=[
        CommandHandler("edit", edit_command),
        CallbackQueryHandler(from_card, pattern=r"^ed:acc:"),
        CallbackQueryHandler(from_section, pattern=r"^ed:sec:"),
        MessageHandler(filters.CONTACT, shared_contact),
    ],
    steps=[
        Step(SECTIONS_STEP, show_sections, [_press("s", pick_section)], enter=enter_account),
        Step(
            FIELDS_STEP,
            show_fields,
            [_press("f", pick_field), _press("i", open_item), _press("a", add_item)],
            back=SECTIONS_STEP,
            enter=enter_account,
        ),
        Step(
            ITEM,
            show_item,
            [_press("f", pick_field), _press("rm", goto(REMOVE))],
            back=FIELDS_STEP,
            enter=enter_item,
        ),
        Step(
            VALUE,
            show_value,
            [on_text(_checked(typed)), _press("v", picked), _press("clear", clear)],
            back=ITEM,
            enter=enter_value,
        ),
        Step(CONFIRM, show_confirm, [on_text(_checked(typed)), _press("save", save)], back=VALUE),
        Step(REMOVE, show_remove, [_press("rmyes", remove)], back=FIELDS_STEP),
    ],
    common=[
        on_command("cancel", reply(N_("profile.cancelled"), menu=True, then=Go.END)),
        _press("back", back),
        _press("done", leave),
        _press("undo", undo, keeps_undo=True),
    ],
    otherwise=[on_message(~filters.TEXT, reply(N_("profile.edit.hint")))],
    prompt=True,  # a menu press, a command or another button closes it: no stray values
    screen_key=FLOW,
)
