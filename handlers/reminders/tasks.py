"""Task buttons (Done, Snooze, Open account), the task card and `/tasks`.

Every button names its task; the task is read again on each press, so a button on an old
reminder whose task is already done answers "already done" and changes nothing.
Callback data: task:show:<id>, task:done:<id>, task:snz:<id>, task:sz:<id>:<choice>,
task:pick:<id>, task:pd:<id>:<yyyymmdd>, task:pt:<id>:<yyyymmdd>:<hhmm>, task:list:<page>.
A task opened from a list keeps a way back to it (handlers.reminders.lists).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from domain import reminders as rules
from domain.policy import Action
from domain.usecases import tasks as usecase
from handlers import authz
from handlers.menu import menu_button
from handlers.reminders import lists
from handlers.reminders.common import Formatter, edit_pressed, esc, formatter, refuse
from handlers.reminders.kinds.task import task_buttons
from handlers.ui import (
    answer,
    button,
    callback_parts,
    clip,
    grid,
    keyboard,
    parse_number,
    show_screen,
)

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from storage.tasks import Task

FLOW = "tasks"
PER_PAGE = 8
PICK_DAYS = 8
PICK_HOURS = (8, 9, 10, 11, 12, 14, 15, 16, 17, 18)


async def _own_task(update: Update, context: KamContext, task_id: int | None) -> Task | None:
    """The task if it is the manager's; answers the press otherwise."""
    task = await context.services.storage.tasks.get(task_id) if task_id else None
    if task is None:
        await refuse(update, context, "reminders.task.gone")
        return None
    target = authz.task(context, task)
    if not await authz.require(update, context, Action.CHANGE, target):
        return None
    if task.status != "open":
        await refuse(update, context, "reminders.task.already_done")
        return None
    return task


def card_text(fmt: Formatter, task: Task, account_name: str | None, now: datetime) -> str:
    t = fmt.t
    lines = [t("reminders.task.card", text=task.text)]
    if account_name:
        lines.append(t("reminders.task.account", account=account_name))
    if task.due_at is not None:
        when = fmt.task_due(task.due_at, task.due_has_time, now)
        overdue = fmt.is_overdue(task.due_at, task.due_has_time, now)
        key = "reminders.task.overdue_since" if overdue else "reminders.task.due_on"
        lines.append(t(key, when=when))
    if task.snoozed_until is not None and task.snoozed_until > now:
        lines.append(t("reminders.task.snoozed", when=fmt.moment(task.snoozed_until, now=now)))
    if task.goal:
        lines.append(t("reminders.task.goal", goal=clip(task.goal, 300)))
    if task.resources:
        lines.append(t("reminders.task.resources", resources=clip(task.resources, 300)))
    return "\n".join(lines)


async def _show_card(update: Update, context: KamContext, task: Task) -> None:
    fmt = formatter(context)
    now = context.services.clock.now()
    account = (
        await context.services.storage.accounts.get(task.account_id) if task.account_id else None
    )
    rows = task_buttons(fmt, task.id, task.account_id)
    rows += await lists.back_rows(update, context)
    text = card_text(fmt, task, account.name if account else None, now)
    await edit_pressed(update, context, text, keyboard(rows))


async def show(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "task:show")
    task = await _own_task(update, context, parse_number(parts[0]) if parts else None)
    if task is None:
        return
    await answer(update)
    await _show_card(update, context, task)  # an old ":l" or ":d" after the id changes nothing


async def done(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "task:done")
    task = await _own_task(update, context, parse_number(parts[0]) if parts else None)
    if task is None:
        return
    manager = context.require_manager()
    plan = usecase.plan_complete(task, now=context.services.clock.now())
    completed = (
        None
        if isinstance(plan, str)
        else await context.services.storage.tasks.complete(
            plan.task_id, actor_id=manager.id, now=plan.completed_at
        )
    )
    if completed is None:
        await refuse(update, context, "reminders.task.already_done")
        return
    await answer(update, context.t("reminders.task.done_toast"))
    await _after(update, context, context.t("reminders.task.done_text", text=task.text))


async def _after(update: Update, context: KamContext, note: str) -> None:
    """After a done or a snooze: back to the list it came from, else the note in its place."""
    origin = await lists.origin_of(update, context)
    if origin is None:
        await edit_pressed(update, context, note)
    elif origin.data.startswith(lists.TASKS):
        text, rows = await _list_screen(context, lists.tasks_page(context))
        await edit_pressed(update, context, text, keyboard(rows) if rows else None)
    else:
        await lists.show_again(update, context, origin)


def _snooze_rows(
    fmt: Formatter, task_id: int, now: datetime, back: list[InlineKeyboardButton]
) -> list[list[InlineKeyboardButton]]:
    t = fmt.t
    rows: list[list[InlineKeyboardButton]] = []
    for choice, key in (
        ("1h", "reminders.snooze.hour"),
        ("tomorrow", "reminders.snooze.tomorrow"),
        ("week", "reminders.snooze.week"),
    ):
        target = rules.snooze_target(choice, now, fmt.manager)
        assert target is not None
        label = t(key, when=fmt.moment(target, now=now))
        rows.append([button(label, f"task:sz:{task_id}:{choice}")])
    rows.append([button(t("reminders.snooze.pick"), f"task:pick:{task_id}")])
    rows.append(back)
    return rows


async def snooze_menu(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "task:snz")
    task = await _own_task(update, context, parse_number(parts[0]) if parts else None)
    if task is None:
        return
    await answer(update)
    fmt = formatter(context)
    now = context.services.clock.now()
    origin = await lists.origin_of(update, context)
    back = (
        lists.back_row(context, origin)
        if origin is not None
        else [button(context.t("button.back"), f"task:show:{task.id}")]
    )
    text = context.t("reminders.snooze.title", text=task.text)
    await edit_pressed(update, context, text, keyboard(_snooze_rows(fmt, task.id, now, back)))


async def _snooze_to(update: Update, context: KamContext, task: Task, until: datetime) -> None:
    manager = context.require_manager()
    now = context.services.clock.now()
    plan = usecase.plan_snooze(task, until, now=now)
    if plan == "past":
        await refuse(update, context, "reminders.snooze.past")
        return
    snoozed = (
        None
        if isinstance(plan, str)
        else await context.services.storage.tasks.snooze(
            plan.task_id, plan.until, actor_id=manager.id, now=now
        )
    )
    if snoozed is None:
        await refuse(update, context, "reminders.task.already_done")
        return
    fmt = formatter(context)
    when = fmt.moment(until, now=now)
    await answer(update, context.t("reminders.snooze.toast", when=when))
    await _after(update, context, context.t("reminders.snooze.done", text=task.text, when=when))


async def snooze_choice(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "task:sz")
    task = await _own_task(update, context, parse_number(parts[0]) if parts else None)
    if task is None:
        return
    until = (
        rules.snooze_target(parts[1], context.services.clock.now(), context.require_manager())
        if len(parts) == 2
        else None
    )
    if until is None:
        await refuse(update, context)
        return
    await _snooze_to(update, context, task, until)


async def pick_day(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "task:pick")
    task = await _own_task(update, context, parse_number(parts[0]) if parts else None)
    if task is None:
        return
    await answer(update)
    fmt = formatter(context)
    now = context.services.clock.now()
    days = rules.next_days(now, fmt.manager, PICK_DAYS)
    choices = [button(fmt.day(day), f"task:pd:{task.id}:{day.strftime('%Y%m%d')}") for day in days]
    rows = [*grid(choices, 2), [button(context.t("button.back"), f"task:snz:{task.id}")]]
    text = context.t("reminders.snooze.pick_day", text=task.text)
    await edit_pressed(update, context, text, keyboard(rows))


async def pick_time(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "task:pd")
    task = await _own_task(update, context, parse_number(parts[0]) if parts else None)
    if task is None:
        return
    day = rules.parse_day(parts[1]) if len(parts) == 2 else None
    if day is None:
        await refuse(update, context)
        return
    await answer(update)
    fmt = formatter(context)
    now = context.services.clock.now()
    choices = []
    for hour in PICK_HOURS:
        if rules.local_moment(day, time(hour), fmt.tz) > now:
            data = f"task:pt:{task.id}:{day.strftime('%Y%m%d')}:{hour:02}00"
            choices.append(button(f"{hour:02}:00", data))
    rows = [*grid(choices, 5), [button(context.t("button.back"), f"task:pick:{task.id}")]]
    key = "reminders.snooze.pick_time" if choices else "reminders.snooze.day_over"
    text = context.t(key, day=fmt.day(day), text=task.text)
    await edit_pressed(update, context, text, keyboard(rows))


async def picked(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "task:pt")
    task = await _own_task(update, context, parse_number(parts[0]) if parts else None)
    if task is None:
        return
    day = rules.parse_day(parts[1]) if len(parts) == 3 else None
    at = rules.parse_hhmm(parts[2]) if len(parts) == 3 else None
    if day is None or at is None:
        await refuse(update, context)
        return
    until = rules.local_moment(day, at, formatter(context).tz)
    await _snooze_to(update, context, task, until)


# --- /tasks ------------------------------------------------------------------------------


async def _list_screen(
    context: KamContext, page: int
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    manager = context.require_manager()
    storage = context.services.storage
    fmt = formatter(context)
    now = context.services.clock.now()
    total = await storage.tasks.count_open(manager.id)
    if total == 0:
        return context.t("reminders.tasks.empty"), []
    pages = (total + PER_PAGE - 1) // PER_PAGE
    page = min(max(page, 0), pages - 1)
    lists.remember_page(context, page)
    tasks = await storage.tasks.open_page(manager.id, offset=page * PER_PAGE, limit=PER_PAGE)
    names = await _account_names(context, tasks)
    lines = [context.t.plural("reminders.tasks.title", total)]
    if pages > 1:
        lines[0] += " " + context.t("reminders.tasks.page", page=page + 1, pages=pages)
    lines.append("")
    rows: list[list[InlineKeyboardButton]] = []
    for number, task in enumerate(tasks, start=page * PER_PAGE + 1):
        mark = ""
        when = ""
        if task.snoozed_until is not None and task.snoozed_until > now:
            snoozed = fmt.moment(task.snoozed_until, now=now)
            when = " — " + context.t("reminders.task.snoozed", when=snoozed)
        elif task.due_at is not None:
            mark = "⚠️ " if fmt.is_overdue(task.due_at, task.due_has_time, now) else ""
            when = " — " + esc(fmt.task_due(task.due_at, task.due_has_time, now))
        account = names.get(task.account_id or 0)
        where = f" ({esc(account, 40)})" if account else ""
        lines.append(f"{number}. {mark}{esc(task.text, 90)}{where}{when}")
        rows.append(
            [  # the task (its card: Open account), and Done and Snooze right on the list
                button(f"{number}. {clip(task.text, 24)}", f"task:show:{task.id}"),
                button(context.t("reminders.task.done"), f"task:done:{task.id}"),
                button(context.t("reminders.task.snooze"), f"task:snz:{task.id}"),
            ]
        )
    nav = []
    if page > 0:
        nav.append(button("◀", f"task:list:{page - 1}"))
    if page < pages - 1:
        nav.append(button("▶", f"task:list:{page + 1}"))
    if nav:
        rows.append(nav)
    return "\n".join(lines), rows


async def _account_names(context: KamContext, tasks: list[Task]) -> dict[int, str]:
    names: dict[int, str] = {}
    for task in tasks:
        if task.account_id is not None and task.account_id not in names:
            found = await context.services.storage.accounts.get(task.account_id)
            names[task.account_id] = found.name if found else ""
    return names


async def list_tasks(update: Update, context: KamContext) -> None:
    text, rows = await _list_screen(context, 0)
    await show_screen(
        update, context, FLOW, text, keyboard(rows) if rows else None, new_message=True
    )


async def list_page(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "task:list")
    page = parse_number(parts[0]) if parts else None
    if page is None:
        await refuse(update, context)
        return
    await answer(update)
    text, rows = await _list_screen(context, page)
    await edit_pressed(update, context, text, keyboard(rows) if rows else None)


def register(application: KamApp) -> None:
    application.add_handler(CommandHandler("tasks", list_tasks))
    application.add_handler(MessageHandler(menu_button("menu.tasks"), list_tasks))
    for pattern, callback in (
        (r"^task:show:", show),
        (r"^task:done:", done),
        (r"^task:snz:", snooze_menu),
        (r"^task:sz:", snooze_choice),
        (r"^task:pick:", pick_day),
        (r"^task:pd:", pick_time),
        (r"^task:pt:", picked),
        (r"^task:list:", list_page),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
