"""Satisfaction scores: 1-5 buttons, an optional comment, and the low-score escalation.

Callback data: sat:<check_id>:<1-5|skip>, sat:ask:<check_id> (the question again, from the
digest), sat:cmt:<check_id> (add a comment: the next text message is the comment).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.i18n import translator
from domain.policy import Action
from domain.usecases.satisfaction import is_low, is_open, recovery_due
from handlers import authz, dialog
from handlers.dialog import Go, Next, Run, Screen, prompt
from handlers.reminders.common import edit_pressed, formatter, refuse
from handlers.reminders.kinds.satisfaction import satisfaction_question, score_buttons
from handlers.ui import answer, button, callback_parts, keyboard, parse_number

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from storage.satisfaction import CheckView

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


async def ask_again(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "sat:ask")
    check = await _own_check(update, context, parse_number(parts[0]) if parts else None)
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
    check_id = parse_number(parts[0]) if len(parts) == 2 else None
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
    fmt = formatter(context)
    result = await storage.satisfaction.record_score(
        check.id,
        number,
        actor_id=manager.id,
        now=now,
        recovery_text=recovery,
        recovery_due=recovery_due(fmt.today(now), fmt.tz),
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


# --- the comment: a one-question prompt (handlers.dialog) ----------------------------------


async def start_comment(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "sat:cmt")
    check = await _own_check(update, context, parse_number(parts[0]) if parts else None)
    if check is None:
        return
    if check.status != "answered":
        await refuse(update, context, "reminders.sat.not_answered")
        return
    await answer(update)
    await COMMENT.start(update, context, data={"check": check.id})


async def _check(context: KamContext, run: Run) -> CheckView | None:
    return await context.services.storage.satisfaction.get(int(run.data.get("check") or 0))


async def ask_comment(update: Update, context: KamContext, run: Run) -> Screen | None:
    check = await _check(context, run)
    if check is None:
        return None
    t = context.t
    text = (run.note + "\n\n" if run.note else "") + t(
        "reminders.sat.comment_prompt", who=check.contact_name or check.account_name
    )
    return Screen(text, [[run.button(t("button.cancel"), "cancel")]], new_message=True)


async def save_comment(update: Update, context: KamContext, run: Run) -> Next:
    assert update.effective_message is not None
    manager = context.require_manager()
    text = run.text.strip()
    check = await _check(context, run)
    if check is None or not authz.check(
        context, Action.ANSWER, authz.satisfaction_check(context, check)
    ):
        await update.effective_message.reply_text(context.t("error.stale_button"))
        return Go.END
    if not text or len(text) > MAX_COMMENT:
        run.note = context.t("reminders.sat.comment_too_long", limit=MAX_COMMENT) if text else ""
        return Go.REDRAW
    saved = await context.services.storage.satisfaction.add_comment(
        check.id, text, actor_id=manager.id, now=context.services.clock.now()
    )
    key = "reminders.sat.comment_saved" if saved else "reminders.sat.not_answered"
    await run.close(context.t(key))
    return Go.END


async def comment_hint(update: Update, context: KamContext, run: Run) -> Next:
    """A sticker, photo or voice where the comment text is expected."""
    if await _check(context, run) is None:
        return Go.END
    run.note = context.t("reminders.sat.comment_text_only")
    return Go.REDRAW


async def cancel_comment(update: Update, context: KamContext, run: Run) -> Next:
    await answer(update)
    await run.close(context.t("reminders.sat.comment_cancelled"))
    return Go.END


COMMENT = prompt(
    "satisfaction_comment",
    "sc",
    entries=[CallbackQueryHandler(start_comment, pattern=r"^sat:cmt:")],
    ask=ask_comment,
    answer=save_comment,
    cancel=cancel_comment,
    other=comment_hint,
)
"""The comment after a score: the next text is the comment."""


def register(application: KamApp) -> None:
    dialog.register(application, COMMENT)
    application.add_handler(CallbackQueryHandler(ask_again, pattern=r"^sat:ask:"))
    application.add_handler(CallbackQueryHandler(score, pattern=r"^sat:\d+:"))
