"""A satisfaction check is due (to the manager) and a low score (to the lead)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton

from domain import reminder_kinds as kinds
from handlers.reminders.registry import Push, PushInput, renders
from handlers.ui import button, clip, keyboard

if TYPE_CHECKING:
    from handlers.reminders.common import Formatter
    from storage.reminders import Delivery
    from storage.satisfaction import CheckView


def score_buttons(fmt: Formatter, check_id: int) -> list[list[InlineKeyboardButton]]:
    return [
        [button(str(n), f"sat:{check_id}:{n}") for n in range(1, 6)],
        [button(fmt.t("reminders.sat.skip"), f"sat:{check_id}:skip")],
    ]


def _what(fmt: Formatter, check: CheckView) -> str:
    """'the meeting of 26 Nov' or 'the last contact'."""
    if check.meeting_at:
        return fmt.t("reminders.sat.meeting_of", day=fmt.day(check.meeting_at, weekday=False))
    return fmt.t("reminders.sat.last_contact")


def satisfaction_question(fmt: Formatter, check: CheckView) -> str:
    t, what = fmt.t, _what(fmt, check)
    if check.contact_name:
        return t(
            "reminders.sat.question",
            name=check.contact_name,
            account=check.account_name,
            what=what,
        )
    return t("reminders.sat.question_account", account=check.account_name, what=what)


@renders("sat")
async def check_push(push_input: PushInput, delivery: Delivery) -> Push | None:
    fmt = push_input.fmt
    check = await push_input.sources.satisfaction.get(delivery.ref_id or 0)
    if check is None or not kinds.check_current(check, listing=push_input.listing):
        return None
    question = satisfaction_question(fmt, check)
    text = question + "\n" + fmt.t("reminders.sat.scale")
    who = check.contact_name or check.account_name
    return Push(
        text,
        keyboard(score_buttons(fmt, check.id)),
        "⭐ " + question,
        button(clip("⭐ " + who, 40), f"sat:ask:{check.id}"),
    )


@renders("low_score")
async def low_score_push(push_input: PushInput, delivery: Delivery) -> Push | None:
    fmt, sources = push_input.fmt, push_input.sources
    t = fmt.t
    check = await sources.satisfaction.get(delivery.ref_id or 0)
    if check is None or not kinds.low_score_current(check):
        return None
    kam = await sources.managers.get(check.manager_id)
    text = t(
        "reminders.low_score.text",
        score=check.score,
        who=check.contact_name or check.account_name,
        account=check.account_name,
        what=_what(fmt, check),
        kam=kam.full_name if kam else "?",
    )
    if check.comment:
        text += "\n" + t("reminders.low_score.comment", comment=clip(check.comment, 500))
    markup = keyboard([[button(t("reminders.open_account"), f"acc:open:{check.account_id}")]])
    line = "🔴 " + t(
        "reminders.catchup.low_score", score=check.score, account=clip(check.account_name, 60)
    )
    action = button(clip("🔴 " + check.account_name, 40), f"acc:open:{check.account_id}")
    return Push(text, markup, line, action)
