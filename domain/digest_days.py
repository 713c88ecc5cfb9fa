"""The digest's days of the week: the presets, and how a set of days reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from babel.dates import get_day_names
from babel.lists import format_list

from domain.languages import babel_locale

WORKDAYS = (1, 2, 3, 4, 5)
EVERY_DAY = (1, 2, 3, 4, 5, 6, 7)
# (days, as a label, inside a sentence)
_PRESETS: tuple[tuple[tuple[int, ...], str, str], ...] = (
    (WORKDAYS, "reminders.settings.workdays", "reminders.settings.on_workdays"),
    (EVERY_DAY, "reminders.settings.every_day", "reminders.settings.on_every_day"),
    ((), "reminders.settings.no_days", "reminders.settings.on_no_days"),
)


def day_names(language: str) -> dict[int, str]:
    """ISO weekday -> its short name ('Mon', '周一', 'пн')."""
    names = get_day_names("abbreviated", locale=babel_locale(language))
    return {iso: str(names[iso - 1]) for iso in range(1, 8)}


def describe_days(
    days: Iterable[int], language: str, t: Callable[..., str], *, in_sentence: bool = False
) -> str:
    """The digest days as a label ('Workdays', 'Mon, Wed, Sat') or, `in_sentence`, as a
    phrase ('on workdays', 'every day', 'on Mon, Wed and Sat'); `t` translates a message id."""
    chosen = tuple(sorted(days))
    for preset, label, phrase in _PRESETS:
        if chosen == preset:
            return str(t(phrase if in_sentence else label))
    names = [day_names(language)[day] for day in chosen]
    if not in_sentence:
        return ", ".join(names)
    listed = format_list(names, locale=babel_locale(language))
    return str(t("reminders.settings.on_days", days=listed))
