"""Satisfaction scores: 1-5 buttons, an optional comment, and the low-score escalation.

Callback data: sat:<check_id>:<1-5|skip>, sat:ask:<check_id> (the question again, from the
digest), sat:cmt:<check_id> (add a comment: the next text message is the comment).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import KamApp, KamContext
from bot.i18n import translator
from domain.policy import Action
from domain.usecases.satisfaction import is_low, is_open, recovery_due
from handlers import authz, prompts
from handlers.prompts import PromptConversation, elsewhere, leave_handlers, stop
from handlers.reminders.common import edit_pressed, formatter, int_or_none, refuse
from handlers.reminders.pushes import satisfaction_question, score_buttons
from handlers.ui import answer, button, callback_parts, close_screen, keyboard, show_screen
from storage.satisfaction import CheckView

FLOW = "sat_comment"
COMMENT = "comment"
MAX_COMMENT = 1000


async def _own_check(update: Update, context: KamContext, check_id: int | None) -> CheckView | None:
    check = await context.services.storage.satisfaction.get(check_id) if check_id else None
    if check is None:
        await refuse(update, context)
        return None
    target = authz.satisfaction_check(context, check)
    if not await authz.require(update, context, Action.ANSWER, target):
        return None
    return check


def _recovery_due(context: KamContext, now: datetime) -> datetime:
    """Tomorrow (local midnight: a task with a date only; it shows in the digest)."""
    fmt = formatter(context)
    return recovery_due(fmt.today(now), fmt.tz)


async def ask_again(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "sat:ask")
    check = await _own_check(update, context, int_or_none(parts[0]) if parts else None)
    if check is None:
        return
    if not is_open(check):
        await refuse(update, context, "reminders.sat.already")
        return
    await answer(update)
    fmt = formatter(context)
    text = satisfaction_question(fmt, check) + "\n" + context.t("reminders.sat.scale")
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id, text, reply_markup=keyboard(score_buttons(fmt, check.id))
    )


async def score(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "sat")
    check_id = int_or_none(parts[0]) if len(parts) == 2 else None
    value = parts[1] if len(parts) == 2 else ""
    check = await _own_check(update, context, check_id)
    if check is None:
        return
    if value not in ("1", "2", "3", "4", "5", "skip"):
        await refuse(update, context)
        return
    if not is_open(check):
        await refuse(update, context, "reminders.sat.already")
        return
    manager = context.require_manager()
    storage = context.services.storage
    now = context.services.clock.now()
    if value == "skip":
        skipped = await storage.satisfaction.skip(check.id, actor_id=manager.id, now=now)
        await answer(update)
        if skipped:
            await edit_pressed(update, context, context.t("reminders.sat.skipped"))
        return
    number = int(value)
    # the recovery task is the manager's: in their language
    recovery = translator(manager.language)(
        "reminders.sat.recovery_task",
        who=check.contact_name or check.account_name,
        score=number,
    )
    result = await storage.satisfaction.record_score(
        check.id,
        number,
        actor_id=manager.id,
        now=now,
        recovery_text=recovery,
        recovery_due=_recovery_due(context, now),
    )
    if result is None or not result.recorded:
        await refuse(update, context, "reminders.sat.already")
        return
    await answer(update, context.t("reminders.sat.thanks_toast"))
    t = context.t
    lines = [
        t("reminders.sat.recorded", score=number, who=check.contact_name or check.account_name)
    ]
    if is_low(number):
        lines.append(t("reminders.sat.recovery_created"))
        lines.append(t("reminders.sat.lead_told") if result.lead_id else t("reminders.sat.no_lead"))
    rows = [[button(t("reminders.sat.add_comment"), f"sat:cmt:{check.id}")]]
    if result.recovery_task_id is not None:
        rows.append([button(t("reminders.sat.open_task"), f"task:show:{result.recovery_task_id}")])
    await edit_pressed(update, context, "\n".join(lines), keyboard(rows))


# --- the comment: a tiny conversation -----------------------------------------------------


def _state(context: KamContext) -> dict[str, Any]:
    assert context.user_data is not None
    state = context.user_data.setdefault(FLOW, {})
    assert isinstance(state, dict)
    return state


# The comment is a prompt (handlers.prompts): it never lingers once the manager goes elsewhere.
async def start_comment(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "sat:cmt")
    check = await _own_check(update, context, int_or_none(parts[0]) if parts else None)
    if check is None:
        raise stop(ConversationHandler.END)
    if check.status != "answered":
        await refuse(update, context, "reminders.sat.not_answered")
        raise stop(ConversationHandler.END)
    await answer(update)
    _state(context).clear()
    _state(context)["check"] = check.id
    await _show_prompt(update, context, check)
    raise stop(COMMENT)


async def _show_prompt(
    update: Update, context: KamContext, check: CheckView, note: str = ""
) -> None:
    t = context.t
    text = (note + "\n\n" if note else "") + t(
        "reminders.sat.comment_prompt", who=check.contact_name or check.account_name
    )
    markup = keyboard([[button(t("button.cancel"), "sat:cmtx")]])
    await show_screen(update, context, FLOW, text, markup, new_message=True)


async def save_comment(update: Update, context: KamContext) -> None:
    assert update.message is not None and update.message.text is not None
    check_id = _state(context).get("check")
    manager = context.require_manager()
    text = update.message.text.strip()
    check = await context.services.storage.satisfaction.get(int(check_id or 0))
    if check is None or not authz.check(
        context, Action.ANSWER, authz.satisfaction_check(context, check)
    ):
        _state(context).clear()
        await update.message.reply_text(context.t("error.stale_button"))
        raise stop(ConversationHandler.END)
    if not text or len(text) > MAX_COMMENT:
        note = context.t("reminders.sat.comment_too_long", limit=MAX_COMMENT) if text else ""
        await _show_prompt(update, context, check, note)
        raise stop(COMMENT)
    saved = await context.services.storage.satisfaction.add_comment(
        check.id, text, actor_id=manager.id, now=context.services.clock.now()
    )
    _state(context).clear()
    key = "reminders.sat.comment_saved" if saved else "reminders.sat.not_answered"
    await close_screen(update, context, FLOW, context.t(key))
    raise stop(ConversationHandler.END)


async def comment_hint(update: Update, context: KamContext) -> None:
    """A sticker, photo or voice where the comment text is expected."""
    check = await context.services.storage.satisfaction.get(int(_state(context).get("check") or 0))
    if check is None:
        raise stop(ConversationHandler.END)
    await _show_prompt(update, context, check, context.t("reminders.sat.comment_text_only"))
    raise stop(COMMENT)


async def cancel_comment(update: Update, context: KamContext) -> None:
    if update.callback_query is not None:
        await answer(update)
    _state(context).clear()
    await close_screen(update, context, FLOW, context.t("reminders.sat.comment_cancelled"))
    raise stop(ConversationHandler.END)


def build_conversation() -> PromptConversation:
    return PromptConversation(
        entry_points=[CallbackQueryHandler(start_comment, pattern=r"^sat:cmt:")],
        states={
            COMMENT: [MessageHandler(filters.TEXT & ~elsewhere(), save_comment)],
        },
        fallbacks=[
            CommandHandler("cancel", cancel_comment),
            CallbackQueryHandler(cancel_comment, pattern=r"^sat:cmtx$"),
            *leave_handlers(),
            MessageHandler(filters.ALL, comment_hint),
        ],
        name="satisfaction_comment",
        persistent=True,
        allow_reentry=True,
    )


def register(application: KamApp) -> None:
    prompts.register(application, build_conversation())
    application.add_handler(CallbackQueryHandler(ask_again, pattern=r"^sat:ask:"))
    application.add_handler(CallbackQueryHandler(score, pattern=r"^sat:\d+:"))
