"""A task is due (to its assignee) and a task is long overdue (to the lead)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton

from domain import reminder_kinds as kinds
from handlers.reminders.registry import Push, PushInput, renders
from handlers.ui import button, clip, keyboard

if TYPE_CHECKING:
    from handlers.reminders.common import Formatter
    from storage.reminders import Delivery


def task_buttons(
    fmt: Formatter, task_id: int, account_id: int | None
) -> list[list[InlineKeyboardButton]]:
    t = fmt.t
    rows = [
        [
            button(t("reminders.task.done"), f"task:done:{task_id}"),
            button(t("reminders.task.snooze"), f"task:snz:{task_id}"),
        ]
    ]
    if account_id is not None:
        rows.append([button(t("reminders.open_account"), f"acc:open:{account_id}")])
    return rows


@renders("task")
async def task_push(push_input: PushInput, delivery: Delivery) -> Push | None:
    fmt, sources, now = push_input.fmt, push_input.sources, push_input.now
    t = fmt.t
    task = await sources.tasks.get(delivery.ref_id or 0)
    if task is None or not kinds.task_current(task, delivery.key, listing=push_input.listing):
        return None
    remind_at = kinds.task_remind_at(task)
    assert remind_at is not None  # task_current says so
    account = await sources.accounts.get(task.account_id) if task.account_id else None
    where = t("reminders.task.account", account=account.name) if account else ""
    text = t("reminders.task.due", text=task.text, when=fmt.moment(remind_at, now=now)) + (
        f"\n{where}" if where else ""
    )
    if task.goal:
        text += "\n" + t("reminders.task.goal", goal=clip(task.goal, 300))
    line = "⏰ " + t(
        "reminders.catchup.task", text=clip(task.text, 80), when=fmt.moment(remind_at, now=now)
    )
    return Push(
        text,
        keyboard(task_buttons(fmt, task.id, task.account_id)),
        line,
        button(clip("✅ " + task.text, 40), f"task:show:{task.id}"),
    )


@renders("escalation")
async def escalation_push(push_input: PushInput, delivery: Delivery) -> Push | None:
    sources, t = push_input.sources, push_input.fmt.t
    task = await sources.tasks.get(delivery.ref_id or 0)
    if task is None or not kinds.escalation_current(task):
        return None
    assert task.due_at is not None  # escalation_current says so
    assignee = await sources.managers.get(task.assignee_id)
    account = await sources.accounts.get(task.account_id) if task.account_id else None
    who = assignee.full_name if assignee else "?"
    days = max(1, (push_input.now - task.due_at).days)
    text = t.plural(
        "reminders.escalation.text",
        days,
        text=task.text,
        who=who,
        account=account.name if account else "—",
    )
    line = "🚨 " + t("reminders.catchup.escalation", text=clip(task.text, 80), who=who)
    if account is None:
        return Push(text, None, line, None)
    markup = keyboard([[button(t("reminders.open_account"), f"acc:open:{account.id}")]])
    action = button(clip("🚨 " + account.name, 40), f"acc:open:{account.id}")
    return Push(text, markup, line, action)
