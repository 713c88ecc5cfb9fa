"""`/newclient`: name (with "Did you mean …?"), industry, status, owner; then the card."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import KamContext
from domain.policy import Action
from domain.profile import FIELDS
from handlers import authz
from handlers.menu import any_menu_button, main_menu, menu_button
from handlers.profiles.card import show_card
from handlers.profiles.common import STATE_KEY, account_labels
from handlers.ui import (
    answer,
    button,
    callback_parts,
    clip,
    close_screen,
    is_current_screen,
    keyboard,
    show_screen,
)

FLOW = "newclient"
NAME, DUPLICATE, INDUSTRY, STATUS, OWNER = "name", "duplicate", "industry", "status", "owner"
NAME_LIMIT = next(spec.limit for spec in FIELDS["account"] if spec.key == "name")
INDUSTRY_LIMIT = next(spec.limit for spec in FIELDS["account"] if spec.key == "industry")


def _draft(context: KamContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft = context.user_data.setdefault(FLOW, {})
    assert isinstance(draft, dict)
    return draft


def _nav(context: KamContext, *, back: bool = True) -> list[InlineKeyboardButton]:
    t = context.t
    row = [button(t("button.back"), "ncl:back")] if back else []
    return [*row, button(t("button.cancel"), "ncl:cancel")]


async def _ask_name(update: Update, context: KamContext, note: str = "") -> str:
    text = (note + "\n\n" if note else "") + context.t("profile.new.ask_name")
    await show_screen(
        update, context, FLOW, text, keyboard([_nav(context, back=False)]), new_message=True
    )
    return NAME


async def _check_name(update: Update, context: KamContext, name: str) -> str:
    """Stores the name; asks "Did you mean …?" when it resembles an existing account."""
    t = context.t
    name = " ".join(name.split())
    if not name:
        return await _ask_name(update, context, t("profile.invalid.empty"))
    if len(name) > NAME_LIMIT:
        return await _ask_name(
            update, context, t("profile.invalid.too_long", limit=NAME_LIMIT, length=len(name))
        )
    _draft(context)["name"] = name
    storage = context.services.storage
    similar = await storage.search.resembling(name, limit=3)
    if not similar:
        return await _ask_industry(update, context, new_message=True)
    rows = []
    labels = await account_labels(context, [(h.account_id, h.name) for h in similar], 60)
    lines = [t("profile.new.did_you_mean", names=", ".join(labels[h.account_id] for h in similar))]
    for hit in similar:
        if authz.may(context, Action.SEE, await authz.account(context, hit.account_id)):
            label = t("profile.new.open", name=clip(labels[hit.account_id], 50))
            rows.append([button(label, f"acc:open:{hit.account_id}")])
            continue
        account = await storage.accounts.get(hit.account_id)
        owner = (
            await storage.managers.get(account.owner_id) if account and account.owner_id else None
        )
        owner_name = owner.full_name if owner else "—"
        lines.append("• " + t("profile.new.someone_elses", name=hit.name, owner=owner_name))
    rows.append([button(t("profile.new.create_anyway", name=clip(name, 30)), "ncl:new")])
    rows.append(_nav(context))
    await show_screen(update, context, FLOW, "\n".join(lines), keyboard(rows), new_message=True)
    return DUPLICATE


async def _ask_industry(update: Update, context: KamContext, *, new_message: bool = False) -> str:
    t = context.t
    text = t("profile.new.ask_industry", name=_draft(context).get("name", ""))
    rows = [[button(t("profile.new.skip"), "ncl:skip")], _nav(context)]
    await show_screen(update, context, FLOW, text, keyboard(rows), new_message=new_message)
    return INDUSTRY


async def _ask_status(update: Update, context: KamContext, *, new_message: bool = False) -> str:
    t = context.t
    rows = [
        [button(t("profile.status.active"), "ncl:st:active")],
        [button(t("profile.status.prospect"), "ncl:st:prospect")],
        _nav(context),
    ]
    text = t("profile.new.ask_status", name=_draft(context).get("name", ""))
    await show_screen(update, context, FLOW, text, keyboard(rows), new_message=new_message)
    return STATUS


async def _owner_choices(context: KamContext) -> list[tuple[int, str]]:
    manager = context.require_manager()
    everyone = [m for m in await context.services.storage.managers.list_all() if m.active]
    if manager.sees_all_accounts:
        allowed = everyone
    elif _draft(context).get("status") == "prospect":
        allowed = [m for m in everyone if m.id == manager.id or m.role == "bd"]
    else:
        allowed = [manager]
    ordered = sorted(allowed, key=lambda m: (m.id != manager.id, m.full_name))
    return [(m.id, f"{m.full_name} · {context.t('role.' + m.role)}") for m in ordered]


async def _ask_owner_or_create(update: Update, context: KamContext) -> str | int:
    choices = await _owner_choices(context)
    if len(choices) <= 1:
        return await _create(update, context, context.require_manager().id)
    t = context.t
    rows = [[button(label, f"ncl:own:{manager_id}")] for manager_id, label in choices[:20]]
    rows.append(_nav(context))
    text = t("profile.new.ask_owner", name=_draft(context).get("name", ""))
    await show_screen(update, context, FLOW, text, keyboard(rows))
    return OWNER


async def _create(update: Update, context: KamContext, owner_id: int) -> int:
    manager = context.require_manager()
    draft = _draft(context)
    account = await context.services.storage.accounts.create(
        name=str(draft["name"]),
        owner_id=owner_id,
        actor_id=manager.id,
        now=context.services.clock.now(),
        status="active" if draft.get("status") == "active" else "prospect",
        industry=draft.get("industry"),
    )
    await close_screen(update, context, FLOW, context.t("profile.new.created", name=account.name))
    draft.clear()
    await show_card(update, context, account.id, new_message=True)
    return ConversationHandler.END


# --- handlers ------------------------------------------------------------------------------


async def start(update: Update, context: KamContext) -> str:
    _draft(context).clear()
    name = " ".join(context.args or []) if context.args is not None else ""
    if name.strip():
        return await _check_name(update, context, name)
    return await _ask_name(update, context)


async def from_find(update: Update, context: KamContext) -> str:
    await answer(update)
    _draft(context).clear()
    assert context.user_data is not None
    query = str(context.user_data.get(STATE_KEY, {}).get("last_query") or "")
    if not query:
        return await _ask_name(update, context)
    return await _check_name(update, context, query)


async def typed_name(update: Update, context: KamContext) -> str:
    assert update.effective_message is not None
    return await _check_name(update, context, update.effective_message.text or "")


async def typed_industry(update: Update, context: KamContext) -> str:
    assert update.effective_message is not None
    industry = " ".join((update.effective_message.text or "").split())
    if len(industry) > INDUSTRY_LIMIT:
        await update.effective_message.reply_text(
            context.t("profile.invalid.too_long", limit=INDUSTRY_LIMIT, length=len(industry))
        )
        return await _ask_industry(update, context, new_message=True)
    _draft(context)["industry"] = industry or None
    return await _ask_status(update, context, new_message=True)


async def pressed(update: Update, context: KamContext) -> str | int | None:
    """Every `ncl:` button of the live screen; stale or forged presses are refused."""
    query = update.callback_query
    assert query is not None
    data = query.data or ""
    if not is_current_screen(update, context, FLOW) or (
        "name" not in _draft(context) and data not in ("ncl:cancel",)
    ):
        await answer(update, context.t("error.stale_button"))
        return None
    await answer(update)
    draft = _draft(context)
    if data == "ncl:cancel":
        draft.clear()
        await close_screen(update, context, FLOW, context.t("profile.new.cancelled"))
        return ConversationHandler.END
    if data == "ncl:new":
        return await _ask_industry(update, context)
    if data == "ncl:skip":
        draft["industry"] = None
        return await _ask_status(update, context)
    if data.startswith("ncl:st:"):
        status = callback_parts(update, "ncl:st")
        draft["status"] = "active" if status == ["active"] else "prospect"
        return await _ask_owner_or_create(update, context)
    if data.startswith("ncl:own:"):
        parts = callback_parts(update, "ncl:own")
        allowed = {manager_id for manager_id, _ in await _owner_choices(context)}
        if not parts or not parts[0].isdigit() or int(parts[0]) not in allowed:
            await answer(update, context.t("error.stale_button"))
            return None
        return await _create(update, context, int(parts[0]))
    if data == "ncl:back":
        if "status" in draft:
            draft.pop("status")
            return await _ask_status(update, context)
        if "industry" in draft:
            draft.pop("industry")
            return await _ask_industry(update, context)
        draft.clear()
        return await _ask_name(update, context)
    return None


async def hint(update: Update, context: KamContext) -> None:
    """Anything else (a sticker, a photo, text where a button is expected): re-show the step."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.t("profile.new.hint"))


async def cancel(update: Update, context: KamContext) -> int:
    _draft(context).clear()
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        context.t("profile.new.cancelled"),
        reply_markup=main_menu(context.t, context.require_manager()),
    )
    return ConversationHandler.END


async def open_existing(update: Update, context: KamContext) -> int:
    """ "Open VT-Metal" on the duplicate warning: the card instead of a duplicate."""
    from handlers.profiles.card import on_open

    _draft(context).clear()
    await on_open(update, context)
    return ConversationHandler.END


def conversation() -> BaseHandler[Update, KamContext, object]:
    text = filters.TEXT & ~filters.COMMAND & ~any_menu_button()
    return ConversationHandler(
        entry_points=[
            CommandHandler("newclient", start),
            MessageHandler(menu_button("menu.new_client"), start),
            CallbackQueryHandler(from_find, pattern=r"^ncl:fromfind$"),
        ],
        states={
            NAME: [MessageHandler(text, typed_name)],
            DUPLICATE: [CallbackQueryHandler(open_existing, pattern=r"^acc:open:")],
            INDUSTRY: [MessageHandler(text, typed_industry)],
            STATUS: [],
            OWNER: [],
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            CallbackQueryHandler(pressed, pattern=r"^ncl:"),
            MessageHandler(filters.ALL & ~filters.COMMAND & ~any_menu_button(), hint),
        ],
        name="profile_new_client",
        persistent=True,
        allow_reentry=True,
    )
