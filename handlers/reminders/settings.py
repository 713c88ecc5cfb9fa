"""/settings → "🔔 Reminders": each kind on or off, digest days, quiet hours, empty digest.

These screens live inside the preferences conversation (state "reminders"); every button is
`pref:rem:...`, and one callback handles them all:
pref:rem:open, pref:rem:t:<switch>, pref:rem:days, pref:rem:day:<1-7>, pref:rem:days:<preset>,
pref:rem:quiet, pref:rem:qs:<hhmm>, pref:rem:qe:<hhmm>, pref:rem:qoff.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from babel.dates import get_day_names
from babel.lists import format_list
from telegram import InlineKeyboardButton, Update

from bot.context import KamContext
from bot.i18n import N_
from domain.languages import babel_locale
from handlers.ui import (
    answer,
    button,
    callback_parts,
    grid,
    is_current_screen,
    keyboard,
    show_screen,
)
from storage.managers import Manager

FLOW = "prefs"  # the preferences conversation's screen
STATE = "reminders"
SWITCHES: dict[str, tuple[str, str]] = {
    "digest": ("notify_digest", N_("reminders.settings.digest")),
    "tasks": ("notify_tasks", N_("reminders.settings.tasks")),
    "meetings": ("notify_meetings", N_("reminders.settings.meetings")),
    "satisfaction": ("notify_satisfaction", N_("reminders.settings.satisfaction")),
    "contracts": ("notify_contracts", N_("reminders.settings.contracts")),
    "empty": ("digest_when_empty", N_("reminders.settings.empty")),
}
QUIET_STARTS = ("19:00", "20:00", "21:00", "22:00", "23:00")
QUIET_ENDS = ("06:00", "07:00", "08:00", "09:00", "10:00")
WORKDAYS = (1, 2, 3, 4, 5)
EVERY_DAY = (1, 2, 3, 4, 5, 6, 7)


def _day_names(language: str) -> dict[int, str]:
    names = get_day_names("abbreviated", locale=babel_locale(language))
    return {iso: str(names[iso - 1]) for iso in range(1, 8)}


def days_label(manager: Manager, t: Any) -> str:
    days = tuple(sorted(manager.digest_days))
    if days == WORKDAYS:
        return str(t("reminders.settings.workdays"))
    if days == EVERY_DAY:
        return str(t("reminders.settings.every_day"))
    if not days:
        return str(t("reminders.settings.no_days"))
    names = _day_names(manager.language)
    return ", ".join(names[d] for d in days)


def days_phrase(manager: Manager, t: Any) -> str:
    """The digest days inside a sentence: 'on workdays', 'every day', 'on Mon, Wed and Sat'."""
    days = tuple(sorted(manager.digest_days))
    if days == WORKDAYS:
        return str(t("reminders.settings.on_workdays"))
    if days == EVERY_DAY:
        return str(t("reminders.settings.on_every_day"))
    if not days:
        return str(t("reminders.settings.on_no_days"))
    names = _day_names(manager.language)
    listed = format_list([names[d] for d in days], locale=babel_locale(manager.language))
    return str(t("reminders.settings.on_days", days=listed))


def _quiet_label(manager: Manager, context: KamContext) -> str:
    if manager.quiet_start == manager.quiet_end:
        return context.t("reminders.settings.quiet_off")
    return f"{context.fmt.time(manager.quiet_start)}–{context.fmt.time(manager.quiet_end)}"


def _mark(on: bool) -> str:
    return "✅ " if on else "▫️ "


async def _save(context: KamContext, **changes: Any) -> Manager:
    manager = context.require_manager()
    updated = await context.services.storage.managers.update(
        manager.id, actor_id=manager.id, now=context.services.clock.now(), **changes
    )
    context.manager = updated
    return updated


def _state(context: KamContext) -> dict[str, Any]:
    assert context.user_data is not None
    state = context.user_data.setdefault(FLOW, {"mode": "settings"})
    assert isinstance(state, dict)
    return state


async def show_reminders(update: Update, context: KamContext, note: str = "", **kwargs: Any) -> str:
    manager = context.require_manager()
    t = context.t
    text = (note + "\n\n" if note else "") + t(
        "reminders.settings.title",
        digest_time=context.fmt.time(manager.digest_time),
        days=days_label(manager, t),
        quiet=_quiet_label(manager, context),
    )
    rows: list[list[InlineKeyboardButton]] = []
    for name, (field, label) in SWITCHES.items():
        rows.append([button(_mark(bool(getattr(manager, field))) + t(label), f"pref:rem:t:{name}")])
    rows.append(
        [
            button(t("reminders.settings.days_button"), "pref:rem:days"),
            button(t("reminders.settings.quiet_button"), "pref:rem:quiet"),
        ]
    )
    rows.append([button(t("reminders.settings.time_button"), "pref:open:digest")])
    rows.append([button(t("button.back"), "pref:back")])
    _state(context)["step"] = STATE
    await show_screen(update, context, FLOW, text, keyboard(rows), **kwargs)
    return STATE


async def _show_days(update: Update, context: KamContext) -> str:
    manager = context.require_manager()
    t = context.t
    names = _day_names(manager.language)
    choices = [
        button(_mark(day in manager.digest_days) + names[day], f"pref:rem:day:{day}")
        for day in range(1, 8)
    ]
    rows = [
        *grid(choices, 4),
        [
            button(t("reminders.settings.workdays"), "pref:rem:days:work"),
            button(t("reminders.settings.every_day"), "pref:rem:days:all"),
        ],
        [button(t("button.back"), "pref:rem:open")],
    ]
    text = t("reminders.settings.days_title", days=days_label(manager, t))
    await show_screen(update, context, FLOW, text, keyboard(rows))
    return STATE


async def _show_quiet(update: Update, context: KamContext) -> str:
    manager = context.require_manager()
    t = context.t
    start = manager.quiet_start.strftime("%H:%M")
    end = manager.quiet_end.strftime("%H:%M")
    off = manager.quiet_start == manager.quiet_end
    starts = [
        button(("✓ " if s == start and not off else "") + s, f"pref:rem:qs:{s.replace(':', '')}")
        for s in QUIET_STARTS
    ]
    ends = [
        button(("✓ " if e == end and not off else "") + e, f"pref:rem:qe:{e.replace(':', '')}")
        for e in QUIET_ENDS
    ]
    rows = [
        starts,
        ends,
        [button(t("reminders.settings.quiet_none"), "pref:rem:qoff")],
        [button(t("button.back"), "pref:rem:open")],
    ]
    text = t("reminders.settings.quiet_title", quiet=_quiet_label(manager, context))
    await show_screen(update, context, FLOW, text, keyboard(rows))
    return STATE


def _clock(raw: str) -> time | None:
    if len(raw) != 4 or not raw.isdigit() or int(raw[:2]) > 23 or int(raw[2:]) > 59:
        return None
    return time(int(raw[:2]), int(raw[2:]))


async def on_press(update: Update, context: KamContext) -> str | None:
    """Every `pref:rem:` button; a press on an old settings message is refused."""
    parts = callback_parts(update, "pref:rem")
    if not is_current_screen(update, context, FLOW) or not parts:
        await answer(update, context.t("error.stale_button"))
        return None
    manager = context.require_manager()
    t = context.t
    action, args = parts[0], parts[1:]
    if action == "open" and not args:
        await answer(update)
        return await show_reminders(update, context)
    if action == "t" and len(args) == 1 and args[0] in SWITCHES:
        field = SWITCHES[args[0]][0]
        await _save(context, **{field: not getattr(manager, field)})
        await answer(update, t("settings.saved"))
        return await show_reminders(update, context)
    if action == "days" and not args:
        await answer(update)
        return await _show_days(update, context)
    if action == "days" and args in (["work"], ["all"]):
        await _save(context, digest_days=WORKDAYS if args[0] == "work" else EVERY_DAY)
        await answer(update, t("settings.saved"))
        return await _show_days(update, context)
    if action == "day" and len(args) == 1 and args[0] in {str(d) for d in EVERY_DAY}:
        day = int(args[0])
        days = set(manager.digest_days) ^ {day}
        await _save(context, digest_days=tuple(sorted(days)))
        await answer(update, t("settings.saved"))
        return await _show_days(update, context)
    if action == "quiet" and not args:
        await answer(update)
        return await _show_quiet(update, context)
    if action in ("qs", "qe") and len(args) == 1 and (chosen := _clock(args[0])) is not None:
        if manager.quiet_start == manager.quiet_end:  # switching quiet hours back on
            start, end = time(21, 0), time(8, 0)
        else:
            start, end = manager.quiet_start, manager.quiet_end
        if action == "qs":
            start = chosen
        else:
            end = chosen
        await _save(context, quiet_start=start, quiet_end=end)
        await answer(update, t("settings.saved"))
        return await _show_quiet(update, context)
    if action == "qoff" and not args:
        await _save(context, quiet_start=time(0, 0), quiet_end=time(0, 0))
        await answer(update, t("settings.saved"))
        return await _show_quiet(update, context)
    await answer(update, t("error.stale_button"))
    return None
