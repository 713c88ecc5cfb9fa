"""domain.digest_days: how the digest's days read, as a label and inside a sentence."""

from __future__ import annotations

from bot.i18n import translator
from domain.digest_days import EVERY_DAY, WORKDAYS, day_names, describe_days


def test_day_names_in_each_language() -> None:
    assert day_names("en")[1] == "Mon"
    assert day_names("zh")[7] == "周日"
    assert day_names("ru")[3] == "ср"


def test_presets_read_as_words() -> None:
    t = translator("en")
    assert describe_days(WORKDAYS, "en", t) == t("reminders.settings.workdays")
    assert describe_days(EVERY_DAY, "en", t) == t("reminders.settings.every_day")
    assert describe_days((), "en", t) == t("reminders.settings.no_days")
    assert describe_days(WORKDAYS, "en", t, in_sentence=True) == t("reminders.settings.on_workdays")
    assert describe_days((), "en", t, in_sentence=True) == t("reminders.settings.on_no_days")


def test_other_days_are_listed_in_order() -> None:
    en, ru = translator("en"), translator("ru")
    assert describe_days((6, 1, 3), "en", en) == "Mon, Wed, Sat"
    assert describe_days((6, 1, 3), "en", en, in_sentence=True) == en(
        "reminders.settings.on_days", days="Mon, Wed and Sat"
    )
    assert describe_days((1, 3), "ru", ru, in_sentence=True) == ru(
        "reminders.settings.on_days", days="пн и ср"
    )
