"""The main menu: a persistent reply keyboard with big buttons, in the manager's language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import KeyboardButton, ReplyKeyboardMarkup
from telegram.ext import filters

from bot.i18n import N_, Translator, all_translations
from storage.managers import Manager, Role

EVERYONE: tuple[Role, ...] = ("admin", "lead", "kam", "bd")
LEADERS: tuple[Role, ...] = ("admin", "lead")


@dataclass(frozen=True)
class MenuEntry:
    key: str
    roles: tuple[Role, ...] = EVERYONE


# Rows of the keyboard, top to bottom: the thumb's job first (log a meeting right after a
# visit), then look-ups and the day's agenda, then the rest.
LAYOUT: tuple[tuple[MenuEntry, ...], ...] = (
    (MenuEntry(N_("menu.log_meeting")),),
    (MenuEntry(N_("menu.find")), MenuEntry(N_("menu.today"))),
    (MenuEntry(N_("menu.plan_meeting")), MenuEntry(N_("menu.tasks"))),
    (MenuEntry(N_("menu.new_client")), MenuEntry(N_("menu.settings")), MenuEntry(N_("menu.help"))),
    (MenuEntry(N_("menu.invite"), LEADERS), MenuEntry(N_("menu.team"), LEADERS)),
)


def main_menu(t: Translator, manager: Manager) -> ReplyKeyboardMarkup:
    rows: list[list[KeyboardButton]] = []
    for row in LAYOUT:
        buttons = [KeyboardButton(t(entry.key)) for entry in row if manager.role in entry.roles]
        if buttons:
            rows.append(buttons)
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def menu_button(key: str) -> filters.MessageFilter:
    """Matches a press of the menu button `key` in any language."""
    labels = sorted(all_translations(key), key=len, reverse=True)
    pattern = "^(?:" + "|".join(re.escape(label) for label in labels) + ")$"
    return filters.Regex(pattern)


def any_menu_button() -> filters.MessageFilter:
    labels = {label for row in LAYOUT for entry in row for label in all_translations(entry.key)}
    pattern = "^(?:" + "|".join(re.escape(label) for label in sorted(labels)) + ")$"
    return filters.Regex(pattern)
