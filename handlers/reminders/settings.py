"""/settings → "🔔 Reminders": each kind on or off, digest days, quiet hours, empty digest.

Three steps of the preferences flow (handlers.preferences), declared in `steps`: the switches
("reminders"), the digest days and the quiet hours; Back leads from the last two to the first.
"""

from __future__ import annotations

from datetime import time
from functools import partial
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, Update

from bot.i18n import N_
from domain.digest_days import EVERY_DAY, WORKDAYS, day_names, describe_days
from domain.reminders import parse_hhmm
from handlers.dialog import Go, Next, Run, Screen, Step, on_button
from handlers.ui import StaleButton, answer, grid

if TYPE_CHECKING:
    from bot.context import KamContext
    from storage.managers import Manager

STATE, DAYS, QUIET = "reminders", "reminder_days", "reminder_quiet"
SCREENS = (STATE, DAYS, QUIET)  # each opens with the flow's "open" button
SWITCHES: dict[str, tuple[str, str]] = {
    "digest": ("notify_digest", N_("reminders.settings.digest")),
    "tasks": ("notify_tasks", N_("reminders.settings.tasks")),
    "meetings": ("notify_meetings", N_("reminders.settings.meetings")),
    "satisfaction": ("notify_satisfaction", N_("reminders.settings.satisfaction")),
    "contracts": ("notify_contracts", N_("reminders.settings.contracts")),
    "weekly": ("weekly_report", N_("reports.settings.weekly")),  # saved as notify_weekly
    "empty": ("digest_when_empty", N_("reminders.settings.empty")),
}
QUIET_STARTS = ("19:00", "20:00", "21:00", "22:00", "23:00")
QUIET_ENDS = ("06:00", "07:00", "08:00", "09:00", "10:00")


def _quiet_label(manager: Manager, context: KamContext) -> str:
    if manager.quiet_start == manager.quiet_end:
        return context.t("reminders.settings.quiet_off")
    return f"{context.fmt.time(manager.quiet_start)}–{context.fmt.time(manager.quiet_end)}"


def _mark(on: bool) -> str:
    return "✅ " if on else "▫️ "


async def save_manager(context: KamContext, **changes: Any) -> Manager:
    """Saves the manager's changed settings; later screens of this update see them."""
    manager = context.require_manager()
    updated = await context.services.storage.managers.update(
        manager.id, actor_id=manager.id, now=context.services.clock.now(), **changes
    )
    context.manager = updated
    return updated


async def _saved(update: Update, context: KamContext, **changes: Any) -> Next:
    await save_manager(context, **changes)
    await answer(update, context.t("settings.saved"))
    return Go.REDRAW


# --- screens -------------------------------------------------------------------------------


async def show_reminders(update: Update, context: KamContext, run: Run) -> Screen:
    manager = context.require_manager()
    t = context.t
    text = (run.note + "\n\n" if run.note else "") + t(
        "reminders.settings.title",
        digest_time=context.fmt.time(manager.digest_time),
        days=describe_days(manager.digest_days, manager.language, t),
        quiet=_quiet_label(manager, context),
    )
    rows: list[list[InlineKeyboardButton]] = []
    for name, (field, label) in SWITCHES.items():
        rows.append([run.button(_mark(bool(getattr(manager, field))) + t(label), "t", name)])
    rows.append(
        [
            run.button(t("reminders.settings.days_button"), "open", DAYS),
            run.button(t("reminders.settings.quiet_button"), "open", QUIET),
        ]
    )
    rows.append([run.button(t("reminders.settings.time_button"), "open", "digest")])
    rows.append([run.button(t("button.back"), "back")])
    return Screen(text, rows)


async def show_days(update: Update, context: KamContext, run: Run) -> Screen:
    manager = context.require_manager()
    t = context.t
    names = day_names(manager.language)
    choices = [
        run.button(_mark(day in manager.digest_days) + names[day], "day", day)
        for day in range(1, 8)
    ]
    rows = [
        *grid(choices, 4),
        [
            run.button(t("reminders.settings.workdays"), "days", "work"),
            run.button(t("reminders.settings.every_day"), "days", "all"),
        ],
        [run.button(t("button.back"), "back")],
    ]
    days = describe_days(manager.digest_days, manager.language, t)
    return Screen(t("reminders.settings.days_title", days=days), rows)


async def show_quiet(update: Update, context: KamContext, run: Run) -> Screen:
    manager = context.require_manager()
    t = context.t
    off = manager.quiet_start == manager.quiet_end

    def choices(action: str, times: tuple[str, ...], current: time) -> list[InlineKeyboardButton]:
        shown = "" if off else current.strftime("%H:%M")
        return [
            run.button(("✓ " if at == shown else "") + at, action, at.replace(":", ""))
            for at in times
        ]

    rows = [
        choices("qs", QUIET_STARTS, manager.quiet_start),
        choices("qe", QUIET_ENDS, manager.quiet_end),
        [run.button(t("reminders.settings.quiet_none"), "qoff")],
        [run.button(t("button.back"), "back")],
    ]
    return Screen(t("reminders.settings.quiet_title", quiet=_quiet_label(manager, context)), rows)


# --- inputs --------------------------------------------------------------------------------


async def toggle(update: Update, context: KamContext, run: Run) -> Next:
    switch = SWITCHES.get(run.arg(0))
    if switch is None:
        raise StaleButton(f"no reminder switch {run.args!r}")
    manager = context.require_manager()
    field = "notify_weekly" if switch[0] == "weekly_report" else switch[0]
    return await _saved(update, context, **{field: not getattr(manager, switch[0])})


async def toggle_day(update: Update, context: KamContext, run: Run) -> Next:
    if run.arg(0) not in {str(d) for d in EVERY_DAY}:
        raise StaleButton(f"no day {run.args!r}")
    days = set(context.require_manager().digest_days) ^ {int(run.arg(0))}
    return await _saved(update, context, digest_days=tuple(sorted(days)))


async def preset_days(update: Update, context: KamContext, run: Run) -> Next:
    if run.arg(0) not in ("work", "all"):
        raise StaleButton(f"no preset {run.args!r}")
    return await _saved(
        update, context, digest_days=WORKDAYS if run.arg(0) == "work" else EVERY_DAY
    )


async def _quiet(update: Update, context: KamContext, run: Run, *, is_start: bool) -> Next:
    chosen = parse_hhmm(run.arg(0))
    if chosen is None:
        raise StaleButton(f"no time {run.args!r}")
    manager = context.require_manager()
    if manager.quiet_start == manager.quiet_end:  # switching quiet hours back on
        start, end = time(21, 0), time(8, 0)
    else:
        start, end = manager.quiet_start, manager.quiet_end
    if is_start:
        start = chosen
    else:
        end = chosen
    return await _saved(update, context, quiet_start=start, quiet_end=end)


async def quiet_off(update: Update, context: KamContext, run: Run) -> Next:
    return await _saved(update, context, quiet_start=time(0, 0), quiet_end=time(0, 0))


def steps(*, menu: str) -> list[Step]:
    """The reminder settings' steps; Back from the switches leads to `menu`."""
    return [
        Step(
            STATE,
            show_reminders,
            [on_button("t", toggle)],
            back=menu,
        ),
        Step(
            DAYS,
            show_days,
            [on_button("day", toggle_day), on_button("days", preset_days)],
            back=STATE,
        ),
        Step(
            QUIET,
            show_quiet,
            [
                on_button("qs", partial(_quiet, is_start=True)),
                on_button("qe", partial(_quiet, is_start=False)),
                on_button("qoff", quiet_off),
            ],
            back=STATE,
        ),
    ]
