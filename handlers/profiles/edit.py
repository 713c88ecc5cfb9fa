"""Updating a profile: choose the field, enter the value; it is saved at once, with Undo.

Entry: `/edit [client]`, the Edit button of the card (`ed:acc:<id>`) or of a section
(`ed:sec:<id>:<section>`), and a Telegram contact card shared while a client is open (adds
that person). Every field is typed (domain.profile.FIELDS) and validated; list items (contacts,
related organisations, team, deals, spend, suppliers, plan steps) are added, edited, removed.
All steps edit one message; every change (and its undoing) is audited by the storage layer.
A value cut to its field's limit is the one case that asks before saving.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import KamContext
from bot.i18n import N_
from domain.policy import Action
from domain.profile import (
    FIELDS,
    SECTION_KEYS,
    SECTION_OF_LIST,
    SECTIONS,
    TITLE_FIELD,
    Entity,
    FieldSpec,
    Invalid,
    Parsed,
    field_spec,
    parse_value,
)
from domain.search import EXACT
from handlers import authz
from handlers.dialog import Flow
from handlers.menu import main_menu
from handlers.profiles.common import (
    FLOW,
    account_labels,
    default_currency,
    int_part,
    manager_names,
    refuse_missing,
    remember_account,
    state,
    value_text,
    visible_account,
    zone,
)
from handlers.profiles.sections import item_block, show_section
from handlers.prompts import conversation_prompt, elsewhere, leave_handlers, taking
from handlers.ui import (
    answer,
    button,
    callback_id,
    callback_parts,
    clip,
    forget_screen,
    grid,
    is_current_screen,
    keyboard,
    show_screen,
)
from storage.profile import ITEM_KINDS, ItemKind

KEY = "profile_edit"
SECTIONS_STEP, FIELDS_STEP, ITEM_STEP, VALUE_STEP, CONFIRM_STEP, REMOVE_STEP = (
    "sections",
    "fields",
    "item",
    "value",
    "confirm",
    "remove",
)
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


def _edit(context: KamContext) -> dict[str, Any]:
    assert context.user_data is not None
    found = context.user_data.setdefault(KEY, {})
    assert isinstance(found, dict)
    return found


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    return ["v", value]


def _decode(value: Any) -> Any:
    kind, raw = value
    if kind == "dt":
        return datetime.fromisoformat(raw)
    if kind == "d":
        return date.fromisoformat(raw)
    return raw


def _entity(edit: dict[str, Any]) -> Entity:
    entity = edit.get("entity", "account")
    assert entity in ("account", *ITEM_KINDS)
    return entity  # type: ignore[no-any-return]  # asserted above to be one of Entity's literals


def _nav(context: KamContext) -> list[InlineKeyboardButton]:
    t = context.t
    return [button(t("button.back"), "ed:back"), button(t("button.cancel"), "ed:cancel")]


async def _current_values(context: KamContext, edit: dict[str, Any]) -> dict[str, Any] | None:
    storage = context.services.storage
    entity = _entity(edit)
    if entity == "account":
        account = await storage.accounts.get(int(edit["account_id"]))
        return None if account is None else dict(vars(account))
    item = await storage.profile.item(entity, int(edit["item_id"]))
    if item is None or item.account_id != edit["account_id"]:
        return None
    return item.values


def _may_change_owner(context: KamContext, values: dict[str, Any]) -> bool:
    return authz.check(context, Action.REASSIGN, authz.account_values(context, values))


# --- screens ---------------------------------------------------------------------------------


async def _show_sections(update: Update, context: KamContext, note: str = "") -> str:
    edit = _edit(context)
    account = await visible_account(context, int(edit["account_id"]))
    if account is None:
        await refuse_missing(update, context)
        return ConversationHandler.END  # type: ignore[return-value]  # PTB's END is an int (-1)
    t = context.t
    edit.update(entity="account", item_id=None, field=None, section=None)
    buttons = [button(t(s.label), f"ed:s:{s.key}") for s in SECTIONS]
    rows = [*grid(buttons, 2), [button(t("button.done"), "ed:done")]]
    text = (note + "\n\n" if note else "") + t("profile.edit.choose_section", name=account.name)
    await show_screen(update, context, FLOW, text, keyboard(rows))
    return SECTIONS_STEP


def _undo_row(context: KamContext, undo: bool) -> list[InlineKeyboardButton]:
    return [button(context.t("profile.edit.undo"), "ed:undo")] if undo else []


async def _show_fields(
    update: Update, context: KamContext, note: str = "", *, undo: bool = False
) -> str:
    edit = _edit(context)
    account_id = int(edit["account_id"])
    account = await visible_account(context, account_id)
    section = SECTION_KEYS.get(str(edit.get("section")))
    if account is None or section is None:
        await refuse_missing(update, context)
        return ConversationHandler.END  # type: ignore[return-value]  # PTB's END is an int (-1)
    t = context.t
    edit.update(entity="account", item_id=None, field=None, adding=None)
    names = await manager_names(context)
    values = dict(vars(account))
    rows: list[list[InlineKeyboardButton]] = [_undo_row(context, undo)]
    for key in section.fields:
        spec = field_spec("account", key)
        assert spec is not None
        shown = value_text(context, spec, values, names, compact=True)
        label = t(spec.label) + (f": {clip(shown, 24)}" if shown else " ➕")
        rows.append([button(label, f"ed:f:{key}")])
    for entity in section.lists:
        items = await context.services.storage.profile.items(entity, account_id)
        for item in items[:MAX_ITEMS_SHOWN]:
            rows.append([button("✏️ " + clip(item.title or "—", 40), f"ed:i:{entity}:{item.id}")])
        rows.append([button(t(LIST_LABELS[entity]), f"ed:a:{entity}")])
    rows.append([button(t("button.back"), "ed:back"), button(t("button.done"), "ed:done")])
    text = (note + "\n\n" if note else "") + t(
        "profile.edit.choose_field", name=account.name, section=t(section.label)
    )
    await show_screen(update, context, FLOW, text, keyboard(rows))
    return FIELDS_STEP


async def _show_item(
    update: Update, context: KamContext, note: str = "", *, undo: bool = False
) -> str:
    edit = _edit(context)
    entity = _entity(edit)
    if entity == "account":
        return await _show_fields(update, context, note)
    item = await context.services.storage.profile.item(entity, int(edit["item_id"]))
    if item is None or item.account_id != edit["account_id"]:
        await answer(update, context.t("profile.item_gone"), alert=True)
        return await _show_fields(update, context)
    t = context.t
    edit.update(field=None, adding=None)
    names = await manager_names(context)
    rows = []
    for spec in FIELDS[entity]:
        shown = value_text(context, spec, item.values, names, compact=True)
        label = t(spec.label) + (f": {clip(shown, 24)}" if shown else " ➕")
        rows.append(button(label, f"ed:f:{spec.key}"))
    keyboard_rows = [
        _undo_row(context, undo),
        *grid(rows, 1),
        [button(t("profile.edit.remove"), "ed:rm")],
        [button(t("button.back"), "ed:back"), button(t("button.done"), "ed:done")],
    ]
    text = (note + "\n\n" if note else "") + item_block(context, item, names)
    await show_screen(update, context, FLOW, text, keyboard(keyboard_rows))
    return ITEM_STEP


async def _show_value(update: Update, context: KamContext, note: str = "") -> str:
    edit = _edit(context)
    entity = _entity(edit)
    adding = edit.get("adding")
    spec = field_spec(adding or entity, str(edit["field"]))
    assert spec is not None
    t = context.t
    values = {} if adding else await _current_values(context, edit)
    if values is None:
        await answer(update, context.t("profile.item_gone"), alert=True)
        return await _show_fields(update, context)
    names = await manager_names(context)
    current = value_text(context, spec, values, names)
    lines = [note] if note else []
    lines.append(t("profile.edit.field_title", field=t(spec.label)))
    if current:
        lines.append(t("profile.edit.current", value=clip(current, 600)))
    rows: list[list[InlineKeyboardButton]] = []
    if spec.kind == "choice":
        rows += grid([button(t(spec.option_message(o)), f"ed:v:{o}") for o in spec.options], 2)
        lines.append(t("profile.edit.pick"))
    elif spec.kind == "manager":
        managers = [m for m in await context.services.storage.managers.list_all() if m.active]
        rows += grid([button(clip(m.full_name, 30), f"ed:v:{m.id}") for m in managers[:20]], 2)
        lines.append(t("profile.edit.pick_or_type" if adding == "team" else "profile.edit.pick"))
    elif spec.kind == "flag":
        rows.append([button(t("profile.yes"), "ed:v:1"), button(t("profile.no"), "ed:v:0")])
        lines.append(t("profile.edit.pick"))
    else:
        lines.append(t(f"profile.prompt.{spec.kind}", limit=spec.limit))
    if current and not spec.required and spec.kind != "flag":
        rows.append([button(t("profile.edit.clear"), "ed:clear")])
    rows.append(_nav(context))
    await show_screen(
        update,
        context,
        FLOW,
        "\n".join(lines),
        keyboard(rows),
        new_message=bool(note) and update.callback_query is None,
    )
    return VALUE_STEP


async def _show_confirm(
    update: Update, context: KamContext, shown_new: str | None, note: str = ""
) -> str:
    edit = _edit(context)
    entity = _entity(edit)
    adding = edit.get("adding")
    spec = field_spec(adding or entity, str(edit["field"]))
    assert spec is not None
    t = context.t
    values = {} if adding else await _current_values(context, edit)
    names = await manager_names(context)
    old = value_text(context, spec, values or {}, names) or "—"
    edit["shown"] = shown_new
    text = t(
        "profile.edit.confirm",
        field=t(spec.label),
        old=clip(old, 1200),
        new=clip(shown_new or "—", 1500),
    )
    if note:
        text = note + "\n" + t("profile.edit.clipped") + "\n\n" + text
    rows = [[button(t("profile.edit.save"), "ed:save")], _nav(context)]
    await show_screen(
        update, context, FLOW, text, keyboard(rows), new_message=update.callback_query is None
    )
    return CONFIRM_STEP


# --- entry points ----------------------------------------------------------------------------


async def _enter(update: Update, context: KamContext, account_id: int) -> bool:
    if await visible_account(context, account_id) is None:
        await refuse_missing(update, context)
        return False
    await answer(update)
    edit = _edit(context)
    edit.clear()
    edit.update(account_id=account_id, entity="account")
    remember_account(context, account_id)
    return True


async def from_card(update: Update, context: KamContext) -> str | int:
    account_id = callback_id(update, "ed:acc")
    if not await _enter(update, context, account_id):
        return ConversationHandler.END
    return await _show_sections(update, context)


async def from_section(update: Update, context: KamContext) -> str | int:
    parts = callback_parts(update, "ed:sec")
    account_id = int_part(parts, 0)
    if account_id is None or len(parts) < 2 or parts[1] not in SECTION_KEYS:
        await answer(update, context.t("error.stale_button"))
        return ConversationHandler.END
    if not await _enter(update, context, account_id):
        return ConversationHandler.END
    _edit(context)["section"] = parts[1]
    return await _show_fields(update, context)


async def edit_command(update: Update, context: KamContext) -> str | int:
    manager = context.require_manager()
    assert update.effective_message is not None
    query = " ".join(context.args or []).strip()
    account_id: int | None = None
    if query:
        hits = await context.services.storage.search.search(
            query, manager_id=manager.id, sees_all=manager.sees_all_accounts, limit=6
        )
        exact = [h for h in hits if h.score >= EXACT - 10 and h.kind == "account"]
        if len(hits) == 1 or len(exact) == 1:  # namesakes: the manager chooses
            account_id = (exact or hits)[0].account_id
        elif hits:
            names = await account_labels(context, [(h.account_id, h.name) for h in hits])
            rows = [[button(names[h.account_id], f"ed:acc:{h.account_id}")] for h in hits]
            await update.effective_message.reply_text(
                context.t("profile.edit.which"), reply_markup=keyboard(rows)
            )
            return ConversationHandler.END
        else:
            await update.effective_message.reply_text(
                context.t("profile.find.nothing", query=clip(query, 100))
            )
            return ConversationHandler.END
    else:
        remembered = state(context).get("account_id")
        account_id = remembered if isinstance(remembered, int) else None
    if account_id is None:
        await update.effective_message.reply_text(context.t("profile.edit.no_client"))
        return ConversationHandler.END
    if not await _enter(update, context, account_id):
        return ConversationHandler.END
    forget_screen(context, FLOW)
    return await _show_sections(update, context)


async def shared_contact(update: Update, context: KamContext) -> str | int:
    """A Telegram contact card shared while a client is open: that person becomes a contact."""
    message = update.effective_message
    assert message is not None and message.contact is not None
    t = context.t
    remembered = state(context).get("account_id")
    account = await visible_account(context, remembered) if isinstance(remembered, int) else None
    if account is None:
        await message.reply_text(t("profile.contact.no_client"))
        return ConversationHandler.END
    card = message.contact
    name = " ".join(p for p in (card.first_name, card.last_name) if p).strip()[:120] or "—"
    phone = re.sub(r"[^\d+]", "", card.phone_number or "")[:40] or None
    manager = context.require_manager()
    storage = context.services.storage
    digits = re.sub(r"\D", "", phone or "")
    for existing in await storage.profile.items("contact", account.id):
        if digits and re.sub(r"\D", "", existing.get("phone") or "") == digits:
            await message.reply_text(t("profile.contact.exists", name=existing.title))
            return ConversationHandler.END
    item = await storage.profile.add_item(
        "contact",
        account.id,
        {"full_name": name, "phone": phone},
        actor_id=manager.id,
        now=context.services.clock.now(),
    )
    edit = _edit(context)
    edit.clear()
    edit.update(account_id=account.id, entity="contact", item_id=item.id, section="contacts")
    forget_screen(context, FLOW)
    return await _show_item(
        update, context, t("profile.contact.added", name=name, client=account.name)
    )


# --- presses ---------------------------------------------------------------------------------


async def pressed(update: Update, context: KamContext) -> str | int | None:
    """Every `ed:` button of the live screen (entry buttons are handled above)."""
    edit = _edit(context)
    data = update.callback_query.data if update.callback_query else ""
    if not is_current_screen(update, context, FLOW) or "account_id" not in edit:
        await answer(update, context.t("error.stale_button"))
        return None
    if await visible_account(context, int(edit["account_id"])) is None:
        await refuse_missing(update, context)
        return ConversationHandler.END
    assert data is not None
    if data == "ed:undo":
        return await _undo(update, context)
    edit.pop("undo", None)  # Undo is offered until the next step
    await answer(update)
    if data == "ed:done" or data == "ed:cancel":
        return await _leave(update, context)
    if data.startswith("ed:s:"):
        section = data[5:]
        if section not in SECTION_KEYS:
            return None
        edit["section"] = section
        return await _show_fields(update, context)
    if data.startswith("ed:i:"):
        parts = callback_parts(update, "ed:i")
        item_id = int_part(parts, 1)
        if item_id is None or parts[0] not in ITEM_KINDS:
            return None
        edit.update(entity=parts[0], item_id=item_id, section=SECTION_OF_LIST[parts[0]])
        return await _show_item(update, context)
    if data.startswith("ed:a:"):
        kind = data[5:]
        if kind not in ITEM_KINDS:
            return None
        edit.update(adding=kind, field=TITLE_FIELD[kind], section=SECTION_OF_LIST[kind])
        return await _show_value(update, context)
    if data.startswith("ed:f:"):
        key = data[5:]
        spec = field_spec(_entity(edit), key)
        if spec is None:
            return None
        values = await _current_values(context, edit)
        if (
            spec.key == "owner_id"
            and _entity(edit) == "account"
            and not _may_change_owner(context, values or {})
        ):
            await answer(update, context.t("profile.edit.owner_not_allowed"), alert=True)
            return None
        edit["field"] = key
        return await _show_value(update, context)
    if data.startswith("ed:v:"):
        return await _picked(update, context, data[5:])
    if data == "ed:clear":
        spec = _spec(edit)
        if spec is None:
            return None
        cols = [spec.col] + ([spec.currency_column] if spec.currency_column else [])
        return await _apply(update, context, {col: _encode(None) for col in cols})
    if data == "ed:save":
        return await _save(update, context)
    if data == "ed:rm":
        t = context.t
        rows = [[button(t("profile.edit.remove_yes"), "ed:rmyes")], _nav(context)]
        await show_screen(update, context, FLOW, t("profile.edit.remove_ask"), keyboard(rows))
        return REMOVE_STEP
    if data == "ed:rmyes":
        entity = _entity(edit)
        if entity != "account":
            await context.services.storage.profile.remove_item(
                entity,
                int(edit["item_id"]),
                actor_id=context.require_manager().id,
                now=context.services.clock.now(),
            )
        return await _show_fields(update, context, context.t("profile.edit.removed"))
    if data == "ed:back":
        return await _back(update, context)
    return None


def _spec(edit: dict[str, Any]) -> FieldSpec | None:
    return field_spec(edit.get("adding") or _entity(edit), str(edit.get("field")))


async def _back(update: Update, context: KamContext) -> str | int:
    edit = _edit(context)
    if edit.get("pending") is not None:
        edit.pop("pending")
        return await _show_value(update, context)
    if edit.get("field"):
        edit["field"] = None
        if edit.get("adding"):
            return await _show_fields(update, context)
        return await _show_item(update, context)
    if _entity(edit) != "account":
        return await _show_fields(update, context)
    if edit.get("section"):
        return await _show_sections(update, context)
    return await _leave(update, context)


async def _leave(update: Update, context: KamContext) -> int:
    edit = _edit(context)
    account_id = int(edit["account_id"])
    section = edit.get("section")
    edit.clear()
    if section in SECTION_KEYS:
        await show_section(update, context, account_id, str(section))
    else:
        from handlers.profiles.card import show_card

        await show_card(update, context, account_id)
    return ConversationHandler.END


async def _picked(update: Update, context: KamContext, raw: str) -> str | int | None:
    edit = _edit(context)
    spec = _spec(edit)
    if spec is None:
        return None
    t = context.t
    if spec.kind == "choice" and raw in spec.options:
        return await _apply(update, context, {spec.col: _encode(raw)})
    if spec.kind == "flag" and raw in ("0", "1"):
        return await _apply(update, context, {spec.col: _encode(raw == "1")})
    if spec.kind == "manager" and raw.isdigit():
        chosen = await context.services.storage.managers.get(int(raw))
        if chosen is None or not chosen.active:
            await answer(update, t("error.stale_button"))
            return None
        return await _apply(update, context, {spec.col: _encode(chosen.id)})
    await answer(update, t("error.stale_button"))
    return None


async def typed(update: Update, context: KamContext) -> str | int | None:
    """A value typed for the field being edited: validated and saved at once (with Undo)."""
    edit = _edit(context)
    edit.pop("undo", None)
    message = update.effective_message
    assert message is not None
    spec = _spec(edit)
    if spec is None or "account_id" not in edit:
        return None
    text = message.text or ""
    if edit.get("adding") == "team" and spec.kind == "manager":
        spec = field_spec("team", "name")
        assert spec is not None
        edit["field"] = "name"
    values = {} if edit.get("adding") else (await _current_values(context, edit) or {})
    currency = default_currency(context)
    if spec.currency_column and values.get(spec.currency_column):
        currency = str(values[spec.currency_column])
    result = parse_value(
        spec,
        text[:4000] if len(text) <= 4000 else text,
        now=context.services.clock.now(),
        tz=zone(context),
        default_currency=currency,
    )
    if isinstance(result, Invalid) and result.reason == "profile.invalid.too_long":
        # Nothing typed is lost: offer the text cut to the limit (Back to type it again).
        clipped = parse_value(
            spec,
            text.strip()[: spec.limit],
            now=context.services.clock.now(),
            tz=zone(context),
            default_currency=currency,
        )
        if isinstance(clipped, Parsed):
            edit["pending"] = {col: _encode(value) for col, value in clipped.changes.items()}
            note = "⚠️ " + context.t(result.reason, **result.values)
            return await _show_confirm(update, context, str(clipped.shown), note)
    if isinstance(result, Invalid):
        note = "⚠️ " + context.t(result.reason, **result.values)
        return await _show_value(update, context, note)
    return await _apply(update, context, {col: _encode(v) for col, v in result.changes.items()})


async def _save(update: Update, context: KamContext) -> str | int:
    """Save on the confirmation screen (only a value cut to the field's limit asks first)."""
    pending = _edit(context).pop("pending", None)
    if not pending:
        return await _show_fields(update, context)
    return await _apply(update, context, pending)


async def _apply(update: Update, context: KamContext, pending: dict[str, Any]) -> str | int:
    """Writes the value at once and shows where the manager was, with an Undo button."""
    edit = _edit(context)
    edit.pop("pending", None)
    changes = {col: _decode(value) for col, value in pending.items()}
    if edit.get("adding"):
        return await _apply_add(update, context, changes)
    manager = context.require_manager()
    storage = context.services.storage
    now = context.services.clock.now()
    spec = _spec(edit)
    assert spec is not None
    entity = _entity(edit)
    names = await manager_names(context)
    before = await _current_values(context, edit) or {}
    try:
        if entity == "account":
            await storage.accounts.update(
                int(edit["account_id"]), actor_id=manager.id, now=now, **changes
            )
        else:
            await storage.profile.update_item(
                entity, int(edit["item_id"]), changes, actor_id=manager.id, now=now
            )
    except LookupError:
        await answer(update, context.t("profile.item_gone"), alert=True)
        return await _show_fields(update, context)
    after = await _current_values(context, edit) or {}
    label = context.t(spec.label)
    old = value_text(context, spec, before, names) or "—"
    edit["undo"] = {
        "action": "update",
        "entity": entity,
        "item_id": edit.get("item_id"),
        "old": {col: _encode(before.get(col)) for col in changes},
        "field": label,
        "shown": clip(old, 300),
    }
    edit["field"] = None
    new = value_text(context, spec, after, names) or "—"
    note = context.t(
        "profile.edit.saved_change", field=label, old=clip(old, 300), new=clip(new, 600)
    )
    if entity == "account":
        return await _show_fields(update, context, note, undo=True)
    return await _show_item(update, context, note, undo=True)


async def _apply_add(update: Update, context: KamContext, changes: dict[str, Any]) -> str:
    edit = _edit(context)
    manager = context.require_manager()
    storage = context.services.storage
    account_id = int(edit["account_id"])
    kind: ItemKind = edit["adding"]
    if kind == "plan":
        account = await storage.accounts.get(account_id)
        changes.setdefault("assignee_id", account.owner_id if account else manager.id)
    if kind == "related":
        changes.setdefault("kind", "partner")
    item = await storage.profile.add_item(
        kind, account_id, changes, actor_id=manager.id, now=context.services.clock.now()
    )
    edit.update(entity=kind, item_id=item.id, adding=None, field=None)
    edit["undo"] = {"action": "add", "entity": kind, "item_id": item.id}
    return await _show_item(update, context, context.t("profile.edit.added"), undo=True)


async def _undo(update: Update, context: KamContext) -> str | int | None:
    """Puts back what the last save changed (or removes what it added); audited as well."""
    edit = _edit(context)
    undo = edit.pop("undo", None)
    if not isinstance(undo, dict):
        await answer(update, context.t("error.stale_button"))
        return None
    manager = context.require_manager()
    storage = context.services.storage
    now = context.services.clock.now()
    entity = undo["entity"]
    edit.update(field=None, adding=None)
    if undo["action"] == "add":
        await answer(update)
        await storage.profile.remove_item(
            entity, int(undo["item_id"]), actor_id=manager.id, now=now
        )
        edit.update(entity="account", item_id=None)
        return await _show_fields(update, context, context.t("profile.edit.undone_added"))
    changes = {col: _decode(value) for col, value in undo["old"].items()}
    note = context.t("profile.edit.undone", field=undo["field"], old=undo["shown"])
    try:
        if entity == "account":
            await storage.accounts.update(
                int(edit["account_id"]), actor_id=manager.id, now=now, **changes
            )
        else:
            await storage.profile.update_item(
                entity, int(undo["item_id"]), changes, actor_id=manager.id, now=now
            )
    except LookupError:
        await answer(update, context.t("profile.item_gone"), alert=True)
        edit.update(entity="account", item_id=None)
        return await _show_fields(update, context)
    await answer(update)
    if entity == "account":
        edit.update(entity="account", item_id=None)
        return await _show_fields(update, context, note)
    edit.update(entity=entity, item_id=int(undo["item_id"]))
    return await _show_item(update, context, note)


async def hint(update: Update, context: KamContext) -> None:
    """A sticker, photo or voice where a value is expected: say what is wanted."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.t("profile.edit.hint"))


async def cancel(update: Update, context: KamContext) -> int:
    _edit(context).clear()
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        context.t("profile.cancelled"), reply_markup=main_menu(context.t, context.require_manager())
    )
    return ConversationHandler.END


async def navigate(update: Update, context: KamContext) -> int:
    """Card/section/brief buttons pressed mid-edit: leave the edit and do what was asked."""
    from handlers.profiles import dispatch_account_press

    _edit(context).clear()
    await dispatch_account_press(update, context)
    return ConversationHandler.END


def conversation() -> Flow:
    """A prompt (handlers.prompts): while a value is asked for,
    typed text is the value; a menu press, a command or another feature's button closes the
    edit, so text typed later is never taken for a value the manager walked away from."""
    text = filters.TEXT & ~elsewhere()
    return conversation_prompt(
        entry_points=[
            CommandHandler("edit", taking(edit_command)),
            CallbackQueryHandler(taking(from_card), pattern=r"^ed:acc:"),
            CallbackQueryHandler(taking(from_section), pattern=r"^ed:sec:"),
            MessageHandler(filters.CONTACT, taking(shared_contact)),
        ],
        states={
            SECTIONS_STEP: [],
            FIELDS_STEP: [],
            ITEM_STEP: [],
            VALUE_STEP: [MessageHandler(text, taking(typed))],
            CONFIRM_STEP: [MessageHandler(text, taking(typed))],
            REMOVE_STEP: [],
        },
        fallbacks=[
            CommandHandler("cancel", taking(cancel)),
            CallbackQueryHandler(taking(pressed), pattern=r"^ed:"),
            CallbackQueryHandler(taking(navigate), pattern=r"^acc:"),
            *leave_handlers(),
            MessageHandler(~filters.TEXT, taking(hint)),
        ],
        name="profile_edit",
        persistent=True,
        allow_reentry=True,
    )
