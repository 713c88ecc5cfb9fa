"""A contract obligation is near, due or past (to its owner) and one was missed (to the lead)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton

from domain import reminder_kinds as kinds
from domain import reminders as rules
from handlers.reminders.registry import Push, PushInput, renders
from handlers.ui import button, clip, keyboard

if TYPE_CHECKING:
    from handlers.reminders.common import Formatter
    from storage.contracts import ObligationView
    from storage.reminders import Delivery

_NEAR = {
    "d7": "reminders.obligation.in_week",
    "d1": "reminders.obligation.tomorrow",
    "d0": "reminders.obligation.today",
}


def obligation_answer_rows(fmt: Formatter, obligation_id: int) -> list[list[InlineKeyboardButton]]:
    t = fmt.t
    return [
        [
            button(t("reminders.obligation.met"), f"obl:{obligation_id}:met"),
            button(t("reminders.obligation.missed"), f"obl:{obligation_id}:missed"),
        ],
        [button(t("reminders.obligation.delayed"), f"obl:{obligation_id}:delay")],
    ]


def _message(
    fmt: Formatter, obligation: ObligationView, occasion: str
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    """The text and buttons of one occasion: ask the day after, else remind."""
    t = fmt.t
    values = {
        "description": obligation.description,
        "contract": obligation.contract_title,
        "account": obligation.account_name,
        "day": fmt.day(obligation.effective_due),
    }
    if occasion == "ask":
        return t("reminders.obligation.ask", **values), obligation_answer_rows(fmt, obligation.id)
    rows = [
        [button(t("reminders.obligation.open"), f"obl:show:{obligation.id}")],
        [button(t("reminders.open_account"), f"acc:open:{obligation.account_id}")],
    ]
    return t(_NEAR[occasion], **values), rows


@renders("obligation")
async def obligation_push(push_input: PushInput, delivery: Delivery) -> Push | None:
    fmt = push_input.fmt
    obligation = await push_input.sources.contracts.obligation(delivery.ref_id or 0)
    if obligation is None or not kinds.obligation_current(obligation, delivery.key):
        return None  # done, or delayed since: the new date has its own reminders
    occasion = rules.obligation_occasion_name(delivery.key)
    text, rows = _message(fmt, obligation, occasion)
    line = "📄 " + fmt.t(
        "reminders.catchup.obligation",
        description=clip(obligation.description, 80),
        day=fmt.day(obligation.effective_due),
    )
    return Push(
        text,
        keyboard(rows),
        line,
        button(clip("📄 " + obligation.description, 40), f"obl:show:{obligation.id}"),
    )


@renders("missed")
async def missed_push(push_input: PushInput, delivery: Delivery) -> Push | None:
    fmt, sources = push_input.fmt, push_input.sources
    t = fmt.t
    obligation = await sources.contracts.obligation(delivery.ref_id or 0)
    if obligation is None or not kinds.missed_current(obligation):
        return None
    owner = await sources.managers.get(obligation.owner_id) if obligation.owner_id else None
    text = t(
        "reminders.missed.text",
        description=obligation.description,
        contract=obligation.contract_title,
        account=obligation.account_name,
        day=fmt.day(obligation.due_on),
        kam=owner.full_name if owner else "—",
    )
    account_id = obligation.account_id
    markup = keyboard([[button(t("reminders.open_account"), f"acc:open:{account_id}")]])
    line = "❌ " + t(
        "reminders.catchup.missed",
        description=clip(obligation.description, 80),
        account=clip(obligation.account_name, 60),
    )
    action = button(clip("❌ " + obligation.account_name, 40), f"acc:open:{account_id}")
    return Push(text, markup, line, action)
