"""Onboarding (`/start`) and `/settings`: language, time zone and morning digest time.

One conversation serves both. Onboarding walks the three steps in order (three taps with the
defaults); settings opens a menu and returns to it after each change. A new manager is
registered before the first step, so /cancel at any step keeps working defaults.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.commands import publish_manager_commands
from bot.context import KamApp, KamContext
from bot.i18n import translator
from domain.languages import LANGUAGES, babel_locale
from domain.timezones import (
    SUGGESTED,
    city_of,
    is_valid_zone,
    parse_clock_time,
    resolve_zone,
    utc_offset_label,
)
from handlers import menu_text
from handlers.menu import main_menu, menu_button
from handlers.registration import register_stranger
from handlers.reminders import settings as reminder_settings
from handlers.ui import (
    answer,
    button,
    callback_parts,
    close_screen,
    grid,
    is_current_screen,
    keyboard,
    retire_screen,
    show_screen,
)
from storage.managers import Manager

FLOW = "prefs"
MENU, LANGUAGE, TIMEZONE, DIGEST = "menu", "language", "timezone", "digest"
DIGEST_CHOICES = ("07:00", "07:30", "08:00", "08:30", "09:00", "09:30", "10:00", "11:00")


def _state(context: KamContext) -> dict[str, Any]:
    assert context.user_data is not None
    state = context.user_data.setdefault(FLOW, {"mode": "settings"})
    assert isinstance(state, dict)
    return state


def _onboarding(context: KamContext) -> bool:
    return bool(_state(context).get("mode") == "onboarding")


def _nav_row(context: KamContext, *, back: bool = True) -> list[InlineKeyboardButton]:
    t = context.t
    row = [button(t("button.back"), "pref:back")] if back else []
    row.append(button(t("button.cancel"), "pref:cancel"))
    return row


def _step(context: KamContext, number: int) -> str:
    return (
        context.t("onboarding.step", number=number, total=3) + "\n" if _onboarding(context) else ""
    )


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


async def _show_language(update: Update, context: KamContext, note: str = "", **kwargs: Any) -> str:
    manager = context.require_manager()
    current = manager.language
    choices = [
        button(
            ("✓ " if lang == current else "") + translator(lang)("language.autonym"),
            f"pref:lang:{lang}",
        )
        for lang in LANGUAGES
    ]
    if _onboarding(context):
        intro = context.t("onboarding.welcome", name=manager.full_name) + "\n\n"
    else:
        intro = ""
    text = (note + "\n\n" if note else "") + intro + _step(context, 1)
    text += context.t("prefs.choose_language")
    rows = [*grid(choices, 1), _nav_row(context, back=not _onboarding(context))]
    _state(context)["step"] = LANGUAGE
    await show_screen(update, context, FLOW, text, keyboard(rows), **kwargs)
    return LANGUAGE


async def _show_timezone(
    update: Update,
    context: KamContext,
    zones: list[str] | None = None,
    note: str = "",
    **kwargs: Any,
) -> str:
    manager = context.require_manager()
    now = context.services.clock.now()
    if zones is None:
        zones = list(
            dict.fromkeys([manager.timezone, *SUGGESTED.get(manager.language, SUGGESTED["en"])])
        )
    choices = [
        button(
            ("✓ " if zone == manager.timezone else "")
            + f"{city_of(zone, babel_locale(context.language))} ({utc_offset_label(zone, now)})",
            f"pref:tz:{zone}",
        )
        for zone in zones
    ]
    text = (
        (note + "\n\n" if note else "")
        + _step(context, 2)
        + context.t(
            "prefs.choose_timezone",
            timezone=manager.timezone,
            offset=utc_offset_label(manager.timezone, now),
        )
    )
    rows = [*grid(choices, 2), _nav_row(context)]
    _state(context)["step"] = TIMEZONE
    await show_screen(update, context, FLOW, text, keyboard(rows), **kwargs)
    return TIMEZONE


async def _show_digest(update: Update, context: KamContext, note: str = "", **kwargs: Any) -> str:
    manager = context.require_manager()
    current = manager.digest_time.strftime("%H:%M")
    choices = [
        button(
            ("✓ " if choice == current else "") + choice, f"pref:digest:{choice.replace(':', '')}"
        )
        for choice in DIGEST_CHOICES
    ]
    text = (
        (note + "\n\n" if note else "")
        + _step(context, 3)
        + context.t(
            "prefs.choose_digest",
            current=context.fmt.time(manager.digest_time),
            days=reminder_settings.days_phrase(manager, context.t),
        )
    )
    rows = [*grid(choices, 4), _nav_row(context)]
    _state(context)["step"] = DIGEST
    await show_screen(update, context, FLOW, text, keyboard(rows), **kwargs)
    return DIGEST


async def _show_menu(update: Update, context: KamContext, note: str = "", **kwargs: Any) -> str:
    manager = context.require_manager()
    t = context.t
    text = (
        (note + "\n\n" if note else "") + t("settings.title") + "\n\n" + _describe(context, manager)
    )
    markup = keyboard(
        [
            [button(t("settings.language"), "pref:open:language")],
            [button(t("settings.timezone"), "pref:open:timezone")],
            [button(t("settings.digest"), "pref:open:digest")],
            [button(t("reminders.settings.entry"), "pref:open:reminders")],
            [button(t("button.done"), "pref:close")],
        ]
    )
    _state(context)["step"] = MENU
    await show_screen(update, context, FLOW, text, markup, **kwargs)
    return MENU


# --- entry points ------------------------------------------------------------------------


async def start(update: Update, context: KamContext) -> str | int:
    """/start: registers an admin or an invited user, or welcomes a known manager back."""
    if context.manager is None:
        manager = await register_stranger(update, context)
        if manager is None:
            return ConversationHandler.END
        context.manager = manager
    manager = context.require_manager()
    if manager.onboarded_at is not None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            context.t("start.welcome_back", name=manager.full_name),
            reply_markup=main_menu(context.t, manager),
        )
        return ConversationHandler.END
    _state(context).clear()
    _state(context)["mode"] = "onboarding"
    return await _show_language(update, context, new_message=True)


async def open_settings(update: Update, context: KamContext) -> str:
    _state(context).clear()
    _state(context)["mode"] = "settings"
    return await _show_menu(update, context, new_message=True)


# --- steps -------------------------------------------------------------------------------


async def _save(context: KamContext, **changes: Any) -> Manager:
    manager = context.require_manager()
    updated = await context.services.storage.managers.update(
        manager.id, actor_id=manager.id, now=context.services.clock.now(), **changes
    )
    context.manager = updated
    return updated


async def _stale(update: Update, context: KamContext) -> None:
    await answer(update, context.t("error.stale_button"))


async def menu_choice(update: Update, context: KamContext) -> str | None:
    if not is_current_screen(update, context, FLOW):
        await _stale(update, context)
        return None
    await answer(update)
    target = callback_parts(update, "pref:open")[0]
    if target == LANGUAGE:
        return await _show_language(update, context)
    if target == TIMEZONE:
        return await _show_timezone(update, context)
    if target == reminder_settings.STATE:
        return await reminder_settings.show_reminders(update, context)
    return await _show_digest(update, context)


async def choose_language(update: Update, context: KamContext) -> str | None:
    parts = callback_parts(update, "pref:lang")
    if not is_current_screen(update, context, FLOW) or not parts or parts[0] not in LANGUAGES:
        await _stale(update, context)
        return None
    manager = await _save(context, language=parts[0])
    await answer(update)
    if manager.can_invite:  # their own command menu speaks the new language
        await publish_manager_commands(context.bot, manager)
    if _onboarding(context):
        return await _show_timezone(update, context)
    return await _show_menu(update, context, note=context.t("settings.saved"))


async def choose_timezone(update: Update, context: KamContext) -> str | None:
    zone = ":".join(callback_parts(update, "pref:tz"))
    if not is_current_screen(update, context, FLOW) or not is_valid_zone(zone):
        await _stale(update, context)
        return None
    await _save(context, timezone=zone)
    await answer(update)
    if _onboarding(context):
        return await _show_digest(update, context)
    return await _show_menu(update, context, note=context.t("settings.saved"))


async def type_timezone(update: Update, context: KamContext) -> str:
    assert update.message is not None and update.message.text is not None
    text = update.message.text
    zones = resolve_zone(text)
    if len(zones) == 1:
        await _save(context, timezone=zones[0])
        note = context.t("prefs.timezone_set", timezone=zones[0])
        if _onboarding(context):
            return await _show_digest(update, context, note=note, new_message=True)
        return await _show_menu(update, context, note=note, new_message=True)
    if zones:
        note = context.t("prefs.timezone_pick", text=text[:60])
        return await _show_timezone(update, context, zones=zones, note=note, new_message=True)
    note = context.t("prefs.timezone_unknown", text=text[:60])
    return await _show_timezone(update, context, note=note, new_message=True)


async def choose_digest(update: Update, context: KamContext) -> str | int | None:
    raw = "".join(callback_parts(update, "pref:digest"))
    chosen = parse_clock_time(f"{raw[:2]}:{raw[2:]}") if len(raw) == 4 else None
    if not is_current_screen(update, context, FLOW) or chosen is None:
        await _stale(update, context)
        return None
    await answer(update)
    return await _digest_chosen(update, context, chosen)


async def type_digest(update: Update, context: KamContext) -> str | int:
    assert update.message is not None and update.message.text is not None
    chosen = parse_clock_time(update.message.text)
    if chosen is None:
        note = context.t("prefs.digest_invalid", text=update.message.text[:40])
        return await _show_digest(update, context, note=note, new_message=True)
    return await _digest_chosen(update, context, chosen)


async def _digest_chosen(update: Update, context: KamContext, chosen: time) -> str | int:
    if _onboarding(context):
        manager = await _save(
            context, digest_time=chosen, onboarded_at=context.services.clock.now()
        )
        return await _finish_onboarding(update, context, manager)
    await _save(context, digest_time=chosen)
    return await _show_menu(
        update, context, note=context.t("settings.saved"), new_message=update.callback_query is None
    )


async def _finish_onboarding(update: Update, context: KamContext, manager: Manager) -> int:
    t = context.t
    await close_screen(
        update, context, FLOW, t("onboarding.done") + "\n\n" + _describe(context, manager)
    )
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id, t("onboarding.menu_intro"), reply_markup=main_menu(t, manager)
    )
    _state(context).clear()
    return ConversationHandler.END


async def back(update: Update, context: KamContext) -> str | None:
    if not is_current_screen(update, context, FLOW):
        await _stale(update, context)
        return None
    await answer(update)
    if not _onboarding(context):
        return await _show_menu(update, context)
    current = _state(context).get("step")
    if current == DIGEST:
        return await _show_timezone(update, context)
    return await _show_language(update, context)


async def cancel(update: Update, context: KamContext) -> int:
    manager = context.require_manager()
    t = context.t
    if update.callback_query is not None:
        await answer(update)
    if _onboarding(context):
        manager = await _save(context, onboarded_at=context.services.clock.now())
        await close_screen(
            update, context, FLOW, t("onboarding.cancelled") + "\n\n" + _describe(context, manager)
        )
        assert update.effective_chat is not None
        await context.bot.send_message(
            update.effective_chat.id, t("onboarding.menu_intro"), reply_markup=main_menu(t, manager)
        )
    else:
        await close_screen(update, context, FLOW, t("settings.closed"))
    _state(context).clear()
    return ConversationHandler.END


async def close(update: Update, context: KamContext) -> int:
    if not is_current_screen(update, context, FLOW):
        await _stale(update, context)
        return ConversationHandler.END
    await answer(update)
    await close_screen(
        update,
        context,
        FLOW,
        context.t("settings.closed") + "\n\n" + _describe(context, context.require_manager()),
    )
    _state(context).clear()
    return ConversationHandler.END


async def hint(update: Update, context: KamContext) -> str | int | None:
    """Anything unexpected inside the flow: say what is expected and show the step again.
    A meeting note or a search typed where settings wait for a button leaves settings."""
    if update.callback_query is not None:
        await _stale(update, context)
        return None
    if await _left_for_typed_text(update, context):
        return ConversationHandler.END
    note = context.t("prefs.use_buttons")
    step = _state(context).get("step")
    if step == TIMEZONE:
        return await _show_timezone(update, context, note=note, new_message=True)
    if step == DIGEST:
        return await _show_digest(update, context, note=note, new_message=True)
    if step == LANGUAGE:
        return await _show_language(update, context, note=note, new_message=True)
    if step == reminder_settings.STATE:
        return await reminder_settings.show_reminders(update, context, note=note, new_message=True)
    return await _show_menu(update, context, note=note, new_message=True)


async def _left_for_typed_text(update: Update, context: KamContext) -> bool:
    """Text that is clearly a meeting note, or a search that finds a client, goes where it
    would go from the menu; settings close. Only where no typed answer is expected (the
    time zone and digest steps take typed text) and never in onboarding."""
    message = update.message
    step = _state(context).get("step")
    if (
        message is None
        or not message.text
        or _onboarding(context)
        or step not in (MENU, LANGUAGE, reminder_settings.STATE)
    ):
        return False
    text = message.text.strip()
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
    _state(context).clear()
    await menu_text.route(update, context, text, intent)
    return True


def build_conversation() -> ConversationHandler[KamContext]:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CommandHandler("start", start),
            CommandHandler("settings", open_settings),
            MessageHandler(menu_button("menu.settings"), open_settings),
        ],
        states={
            MENU: [
                CallbackQueryHandler(
                    menu_choice, pattern=r"^pref:open:(language|timezone|digest|reminders)$"
                ),
                CallbackQueryHandler(close, pattern=r"^pref:close$"),
            ],
            LANGUAGE: [CallbackQueryHandler(choose_language, pattern=r"^pref:lang:")],
            TIMEZONE: [
                CallbackQueryHandler(choose_timezone, pattern=r"^pref:tz:"),
                MessageHandler(text, type_timezone),
            ],
            reminder_settings.STATE: [
                CallbackQueryHandler(reminder_settings.on_press, pattern=r"^pref:rem:"),
                CallbackQueryHandler(menu_choice, pattern=r"^pref:open:digest$"),
            ],
            DIGEST: [
                CallbackQueryHandler(choose_digest, pattern=r"^pref:digest:"),
                MessageHandler(text, type_digest),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            CallbackQueryHandler(cancel, pattern=r"^pref:cancel$"),
            CallbackQueryHandler(back, pattern=r"^pref:back$"),
            MessageHandler(filters.ALL & ~filters.COMMAND, hint),
            CallbackQueryHandler(hint, pattern=r"^pref:"),
        ],
        name="preferences",
        persistent=True,
        allow_reentry=True,
    )


def register(application: KamApp) -> None:
    application.add_handler(build_conversation())
