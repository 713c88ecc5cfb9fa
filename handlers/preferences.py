"""Onboarding (`/start`) and `/settings`: language, time zone and morning digest time.

One dialog flow serves both (handlers.dialog). Onboarding walks language → time zone →
digest (three taps with the defaults; `next`/`back` of the steps); settings opens a menu and
returns to it after each change. A new manager is registered before the first step, so
/cancel at any step keeps working defaults.
"""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.commands import publish_manager_commands
from bot.i18n import translator
from domain.digest_days import describe_days
from domain.languages import LANGUAGES, babel_locale
from domain.reminders import parse_hhmm
from domain.text_input import clean
from domain.timezones import (
    SUGGESTED,
    city_of,
    is_valid_zone,
    parse_clock_time,
    resolve_zone,
    utc_offset_label,
)
from handlers import dialog, menu_text
from handlers.dialog import (
    Flow,
    Go,
    Next,
    Run,
    Screen,
    Step,
    on_button,
    on_command,
    on_message,
    on_text,
)
from handlers.menu import main_menu, menu_button
from handlers.registration import register_stranger
from handlers.reminders import settings as reminder_settings
from handlers.reminders.settings import save_manager
from handlers.ui import StaleButton, answer, close_screen, grid, retire_screen

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from storage.managers import Manager

FLOW = "prefs"
MENU, LANGUAGE, TIMEZONE, DIGEST = "menu", "language", "timezone", "digest"
DIGEST_CHOICES = ("07:00", "07:30", "08:00", "08:30", "09:00", "09:30", "10:00", "11:00")


def _onboarding(run: Run) -> bool:
    return bool(run.data.get("mode") == "onboarding")


def _nav_row(context: KamContext, run: Run, *, back: bool = True) -> list[InlineKeyboardButton]:
    t = context.t
    row = [run.button(t("button.back"), "back")] if back else []
    row.append(run.button(t("button.cancel"), "cancel"))
    return row


def _step(context: KamContext, run: Run, number: int) -> str:
    if not _onboarding(run):
        return ""
    return context.t("onboarding.step", number=number, total=3) + "\n"


def _noted(run: Run, text: str) -> str:
    return (run.note + "\n\n" if run.note else "") + text


def _describe(context: KamContext, manager: Manager) -> str:
    t = context.t
    now = context.services.clock.now()
    return t(
        "settings.summary",
        language=translator(manager.language)("language.autonym"),
        timezone=manager.timezone,
        offset=utc_offset_label(manager.timezone, now),
        digest=context.fmt.time(manager.digest_time),
    )


# --- screens -----------------------------------------------------------------------------


async def show_language(update: Update, context: KamContext, run: Run) -> Screen:
    manager = context.require_manager()
    choices = [
        run.button(
            ("✓ " if lang == manager.language else "") + translator(lang)("language.autonym"),
            "lang",
            lang,
        )
        for lang in LANGUAGES
    ]
    intro = ""
    if _onboarding(run):
        intro = context.t("onboarding.welcome", name=manager.full_name) + "\n\n"
    text = intro + _step(context, run, 1) + context.t("prefs.choose_language")
    rows = [*grid(choices, 1), _nav_row(context, run, back=not _onboarding(run))]
    return Screen(_noted(run, text), rows)


async def show_timezone(update: Update, context: KamContext, run: Run) -> Screen:
    manager = context.require_manager()
    now = context.services.clock.now()
    zones = run.data.pop("zones", None) or list(
        dict.fromkeys([manager.timezone, *SUGGESTED.get(manager.language, SUGGESTED["en"])])
    )
    locale = babel_locale(context.language)
    choices = [
        run.button(
            ("✓ " if zone == manager.timezone else "")
            + f"{city_of(zone, locale)} ({utc_offset_label(zone, now)})",
            "tz",
            zone,
        )
        for zone in zones
    ]
    text = _step(context, run, 2) + context.t(
        "prefs.choose_timezone",
        timezone=manager.timezone,
        offset=utc_offset_label(manager.timezone, now),
    )
    return Screen(_noted(run, text), [*grid(choices, 2), _nav_row(context, run)])


async def show_digest(update: Update, context: KamContext, run: Run) -> Screen:
    manager = context.require_manager()
    current = manager.digest_time.strftime("%H:%M")
    choices = [
        run.button(("✓ " if choice == current else "") + choice, "digest", choice.replace(":", ""))
        for choice in DIGEST_CHOICES
    ]
    text = _step(context, run, 3) + context.t(
        "prefs.choose_digest",
        current=context.fmt.time(manager.digest_time),
        days=describe_days(manager.digest_days, manager.language, context.t, in_sentence=True),
    )
    return Screen(_noted(run, text), [*grid(choices, 4), _nav_row(context, run)])


async def show_menu(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    text = t("settings.title") + "\n\n" + _describe(context, context.require_manager())
    rows = [
        [run.button(t("settings.language"), "open", LANGUAGE)],
        [run.button(t("settings.timezone"), "open", TIMEZONE)],
        [run.button(t("settings.digest"), "open", DIGEST)],
        [run.button(t("reminders.settings.entry"), "open", reminder_settings.STATE)],
        [run.button(t("button.done"), "close")],
    ]
    return Screen(_noted(run, text), rows)


# --- entries -----------------------------------------------------------------------------


async def start(update: Update, context: KamContext) -> None:
    """/start: registers an admin or an invited user, or welcomes a known manager back."""
    if context.manager is None:
        manager = await register_stranger(update, context)
        if manager is None:
            PREFERENCES.end(context)
            return
        context.manager = manager
    manager = context.require_manager()
    if manager.onboarded_at is not None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            context.t("start.welcome_back", name=manager.full_name),
            reply_markup=main_menu(context.t, manager),
        )
        PREFERENCES.end(context)
        return
    await PREFERENCES.start(update, context, LANGUAGE, data={"mode": "onboarding"})


async def open_settings(update: Update, context: KamContext) -> None:
    await PREFERENCES.start(update, context, MENU, data={"mode": "settings"})


# --- inputs ------------------------------------------------------------------------------


def _changed(context: KamContext, run: Run, note: str = "") -> Next:
    """After a change: onboarding walks on; settings go back to the menu."""
    run.note = note or ("" if _onboarding(run) else context.t("settings.saved"))
    return Go.NEXT if _onboarding(run) else MENU


async def menu_choice(update: Update, context: KamContext, run: Run) -> Next:
    target = run.arg(0)
    if target not in (LANGUAGE, TIMEZONE, DIGEST, *reminder_settings.SCREENS):
        raise StaleButton(f"no settings screen {target!r}")
    return target


async def choose_language(update: Update, context: KamContext, run: Run) -> Next:
    if run.arg(0) not in LANGUAGES:
        raise StaleButton(f"no language {run.arg(0)!r}")
    manager = await save_manager(context, language=run.arg(0))
    await answer(update)
    if manager.can_invite:  # their own command menu speaks the new language
        await publish_manager_commands(context.bot, manager)
    return _changed(context, run)


async def choose_timezone(update: Update, context: KamContext, run: Run) -> Next:
    zone = ":".join(run.args)
    if not is_valid_zone(zone):
        raise StaleButton(f"no time zone {zone!r}")
    await save_manager(context, timezone=zone)
    return _changed(context, run)


async def type_timezone(update: Update, context: KamContext, run: Run) -> Next:
    zones = resolve_zone(run.text)
    if len(zones) == 1:
        await save_manager(context, timezone=zones[0])
        return _changed(context, run, context.t("prefs.timezone_set", timezone=zones[0]))
    if zones:
        run.data["zones"] = zones
        run.note = context.t("prefs.timezone_pick", text=run.text[:60])
    else:
        run.note = context.t("prefs.timezone_unknown", text=run.text[:60])
    return Go.REDRAW


async def choose_digest(update: Update, context: KamContext, run: Run) -> Next:
    chosen = parse_hhmm("".join(run.args))
    if chosen is None:
        raise StaleButton(f"no digest time {run.args!r}")
    await answer(update)
    return await _digest_chosen(update, context, run, chosen)


async def type_digest(update: Update, context: KamContext, run: Run) -> Next:
    chosen = parse_clock_time(run.text)
    if chosen is None:
        run.note = context.t("prefs.digest_invalid", text=run.text[:40])
        return Go.REDRAW
    return await _digest_chosen(update, context, run, chosen)


async def _digest_chosen(update: Update, context: KamContext, run: Run, chosen: time) -> Next:
    if not _onboarding(run):
        await save_manager(context, digest_time=chosen)
        return _changed(context, run)
    manager = await save_manager(
        context, digest_time=chosen, onboarded_at=context.services.clock.now()
    )
    await _onboarded(update, context, "onboarding.done", manager)
    return Go.END


async def _onboarded(update: Update, context: KamContext, key: str, manager: Manager) -> None:
    """The last onboarding screen becomes a note; the main menu comes with the next message."""
    t = context.t
    await close_screen(update, context, FLOW, t(key) + "\n\n" + _describe(context, manager))
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id, t("onboarding.menu_intro"), reply_markup=main_menu(t, manager)
    )


async def back(update: Update, context: KamContext, run: Run) -> Next:
    """Onboarding walks back a step; settings go back to the menu (a reminder sub-screen to
    the reminder switches)."""
    if _onboarding(run):
        return run.flow.step(run.step).back or LANGUAGE
    if run.step in (reminder_settings.DAYS, reminder_settings.QUIET):
        return Go.BACK
    return MENU


async def cancel(update: Update, context: KamContext, run: Run) -> Next:
    await answer(update)
    if _onboarding(run):
        manager = await save_manager(context, onboarded_at=context.services.clock.now())
        await _onboarded(update, context, "onboarding.cancelled", manager)
    else:
        await run.close(context.t("settings.closed"))
    return Go.END


async def close(update: Update, context: KamContext, run: Run) -> Next:
    summary = _describe(context, context.require_manager())
    await run.close(context.t("settings.closed") + "\n\n" + summary)
    return Go.END


async def hint(update: Update, context: KamContext, run: Run) -> Next:
    """Anything unexpected inside the flow: say what is expected and show the step again.
    A meeting note or a search typed where settings wait for a button leaves settings."""
    if await _left_for_typed_text(update, context, run):
        return Go.END
    run.note = context.t("prefs.use_buttons")
    if run.step in (reminder_settings.DAYS, reminder_settings.QUIET):
        return reminder_settings.STATE
    return Go.REDRAW


async def _left_for_typed_text(update: Update, context: KamContext, run: Run) -> bool:
    """Text that is clearly a meeting note, or a search that finds a client, goes where it
    would go from the menu; settings close. Only where no typed answer is expected (the
    time zone and digest steps take typed text) and never in onboarding."""
    message = update.message
    if message is None or not message.text or _onboarding(run) or run.step in TYPED:
        return False
    text = clean(message.text).strip()
    intent = await menu_text.read_menu_intent(context, text)
    if intent == "search":
        manager = context.require_manager()
        query = " ".join(text.split())[:100]
        hits = await context.services.storage.search.search(
            query, manager_id=manager.id, sees_all=manager.sees_all_accounts, limit=1
        )
        if not hits:
            return False
    elif intent != "meeting":
        return False
    closed = context.t("settings.closed") + "\n\n" + _describe(context, context.require_manager())
    await retire_screen(context, message.chat_id, FLOW, closed)
    PREFERENCES.end(context)
    await menu_text.route(update, context, text, intent)
    return True


TYPED = (TIMEZONE, DIGEST)
_TEXT = filters.TEXT & ~filters.COMMAND

PREFERENCES = Flow(
    FLOW,
    "pref",
    entries=[
        CommandHandler("start", start),
        CommandHandler("settings", open_settings),
        MessageHandler(menu_button("menu.settings"), open_settings),
    ],
    steps=[
        Step(MENU, show_menu, [on_button("close", close)]),
        Step(LANGUAGE, show_language, [on_button("lang", choose_language)], next=TIMEZONE),
        Step(
            TIMEZONE,
            show_timezone,
            [on_button("tz", choose_timezone), on_text(type_timezone, _TEXT)],
            next=DIGEST,
            back=LANGUAGE,
        ),
        Step(
            DIGEST,
            show_digest,
            [on_button("digest", choose_digest), on_text(type_digest, _TEXT)],
            back=TIMEZONE,
        ),
        *reminder_settings.steps(menu=MENU),
    ],
    common=[
        on_command("cancel", cancel),
        on_button("cancel", cancel),
        on_button("back", back),
        on_button("open", menu_choice),
    ],
    otherwise=[on_message(filters.ALL & ~filters.COMMAND, hint)],
)


def register(application: KamApp) -> None:
    dialog.register(application, PREFERENCES)
