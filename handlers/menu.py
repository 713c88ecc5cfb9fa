"""The main menu: a persistent reply keyboard with big buttons, in the manager's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import KeyboardButton, Message, ReplyKeyboardMarkup
from telegram.ext import filters

from bot.i18n import N_, Translator, all_translations

if TYPE_CHECKING:
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


class _Labels(filters.MessageFilter):
    """`filters.Regex` over menu labels in every language, built when the first message is
    filtered: declaring the handlers does not read the catalogues (start-up time)."""

    __slots__ = ("_keys", "_longest_first", "_pattern")

    def __init__(self, keys: tuple[str, ...], *, longest_first: bool) -> None:
        self._keys = keys
        self._longest_first = longest_first
        self._pattern: re.Pattern[str] | None = None
        super().__init__(name=f"menu labels {', '.join(keys)}", data_filter=True)

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            labels = {label for key in self._keys for label in all_translations(key)}
            if self._longest_first:
                ordered = sorted(labels, key=len, reverse=True)
            else:
                ordered = sorted(labels)
            self._pattern = re.compile("^(?:" + "|".join(map(re.escape, ordered)) + ")$")
        return self._pattern

    def filter(self, message: Message) -> dict[str, list[re.Match[str]]] | None:
        text = message.text
        if not text or text.startswith("/"):  # a command is no label: no catalogue is read
            return {}
        if match := self.pattern.search(text):
            return {"matches": [match]}
        return {}


def menu_button(key: str) -> filters.MessageFilter:
    """Matches a press of the menu button `key` in any language."""
    return _Labels((key,), longest_first=True)


def any_menu_button() -> filters.MessageFilter:
    return _Labels(tuple(entry.key for row in LAYOUT for entry in row), longest_first=False)
