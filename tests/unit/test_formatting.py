"""The formatting service: dates by skeleton, money in full and compact, plural counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator
from domain.formatting import Formats, number
from domain.money import Money, parse_money

NBSP = "\u00a0"
NNBSP = "\u202f"
MSK = "Europe/Moscow"
LA = "America/Los_Angeles"

# 15:00 in Moscow and in Shanghai is a different UTC moment; these are local wall times.
MOMENT_MSK = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # 15:00 in Moscow
MOMENT_SHA = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai


@pytest.mark.parametrize(
    ("language", "tz", "expected"),
    [
        ("en", MSK, "26 Nov, 15:00"),
        ("zh", "Asia/Shanghai", "11月26日 15:00"),
        ("ru", MSK, "26 нояб., 15:00"),
    ],
)
def test_date_and_time_read_naturally(language: str, tz: str, expected: str) -> None:
    moment = MOMENT_SHA if language == "zh" else MOMENT_MSK
    assert Formats(language, tz).datetime(moment) == expected


@pytest.mark.parametrize(
    ("language", "full", "day_month", "weekday", "weekday_year"),
    [
        ("en", "26 Nov 2026", "26 Nov", "Thu 26 Nov", "Thu, 26 Nov 2026"),
        ("zh", "2026年11月26日", "11月26日", "11月26日周四", "2026年11月26日周四"),
        (
            "ru",
            f"26 нояб. 2026{NNBSP}г.",
            "26 нояб.",
            "чт, 26 нояб.",
            f"чт, 26 нояб. 2026{NNBSP}г.",
        ),
    ],
)
def test_dates_by_skeleton(
    language: str, full: str, day_month: str, weekday: str, weekday_year: str
) -> None:
    fmt = Formats(language, MSK)
    day = date(2026, 11, 26)
    assert fmt.date(day) == full
    assert fmt.day_month(day) == day_month
    assert fmt.weekday_date(day) == weekday
    assert fmt.weekday_date(day, year=True) == weekday_year


@pytest.mark.parametrize(
    ("language", "with_year", "without_year"),
    [
        ("en", "3 December 1979", "5 March"),
        ("zh", "1979年12月3日", "3月5日"),
        ("ru", f"3 декабря 1979{NNBSP}г.", "5 марта"),
    ],
)
def test_birthdays(language: str, with_year: str, without_year: str) -> None:
    fmt = Formats(language)
    assert fmt.birthday(12, 3, 1979) == with_year
    assert fmt.birthday(3, 5) == without_year
    assert fmt.birthday(2, 29) in ("29 February", "2月29日", "29 февраля")


@pytest.mark.parametrize("tz", ["Pacific/Kiritimati", MSK, "UTC", LA, "Pacific/Pago_Pago"])
def test_a_date_is_never_moved_through_a_time_zone(tz: str) -> None:
    """A date-only value is a local day: the same day in every zone (UTC-11 to UTC+14)."""
    fmt = Formats("en", tz)
    day = date(2026, 12, 21)
    assert fmt.date(day) == "21 Dec 2026"
    assert fmt.day_month(day) == "21 Dec"
    assert fmt.weekday_date(day) == "Mon 21 Dec"
    assert fmt.local_day(day) == day


def test_a_moment_is_shown_in_the_zone() -> None:
    midnight_msk = datetime(2026, 12, 20, 21, 0, tzinfo=UTC)  # 21 Dec, 00:00 in Moscow
    assert Formats("en", MSK).date(midnight_msk) == "21 Dec 2026"
    assert Formats("en", "UTC").date(midnight_msk) == "20 Dec 2026"
    assert Formats("en", MSK).time(midnight_msk) == "00:00"
    assert Formats("en", ZoneInfo(LA)).time(midnight_msk) == "13:00"


def test_wall_clock_times_and_weekday_moments() -> None:
    assert Formats("ru").time(time(8, 5)) == "08:05"
    assert Formats("zh").time(time(21, 30)) == "21:30"
    assert Formats("en", MSK).datetime(MOMENT_MSK, weekday=True) == "Thu 26 Nov, 15:00"
    assert Formats("zh", MSK).datetime(MOMENT_MSK, weekday=True, year=True) == (
        "2026年11月26日周四 15:00"
    )


def test_unknown_zone_and_language_fall_back() -> None:
    fmt = Formats("de", "Mars/Olympus")
    assert fmt.language == "en"
    assert fmt.tz == ZoneInfo("UTC")


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1,234,567"), ("zh", "1,234,567"), ("ru", f"1{NBSP}234{NBSP}567")],
)
def test_numbers(language: str, expected: str) -> None:
    assert Formats(language).number(1234567) == expected


def test_numbers_with_decimals_round_half_up() -> None:
    assert Formats("en").number(4.25, digits=1) == "4.3"
    assert Formats("ru").number(4.25, digits=1) == "4,3"
    assert number(4.0, "zh", digits=1) == "4.0"


# --------------------------------------------------------------------------- money

RUB_1_2M = Money(120_000_000, "RUB")
CNY_1_2M = Money(120_000_000, "CNY")
USD_1_2M = Money(120_000_000, "USD")
EUR_1_2M = Money(120_000_000, "EUR")

FULL = [
    (RUB_1_2M, "en", f"1,200,000{NBSP}₽"),
    (CNY_1_2M, "en", "¥1,200,000"),
    (USD_1_2M, "en", "$1,200,000"),
    (EUR_1_2M, "en", "€1,200,000"),
    (RUB_1_2M, "zh", "1,200,000卢布"),
    (CNY_1_2M, "zh", "1,200,000元"),
    (USD_1_2M, "zh", "1,200,000美元"),
    (EUR_1_2M, "zh", "1,200,000欧元"),
    (RUB_1_2M, "ru", f"1{NBSP}200{NBSP}000{NBSP}₽"),
    (CNY_1_2M, "ru", f"1{NBSP}200{NBSP}000{NBSP}¥"),
    (USD_1_2M, "ru", f"1{NBSP}200{NBSP}000{NBSP}$"),
    (EUR_1_2M, "ru", f"1{NBSP}200{NBSP}000{NBSP}€"),
    # no minor units from 1,000 on, even when there are some
    (Money(120_050, "EUR"), "en", "€1,201"),
    (Money(123_456, "RUB"), "ru", f"1{NBSP}235{NBSP}₽"),
    # small sums keep the minor units they have, and only those
    (Money(1_250, "USD"), "en", "$12.50"),
    (Money(1_250, "RUB"), "ru", f"12,50{NBSP}₽"),
    (Money(1_200, "USD"), "en", "$12"),
    (Money(99_999, "CNY"), "zh", "999.99元"),
    (Money(1_000, "JPY"), "en", "JP¥1,000"),
    (Money(1_000, "JPY"), "zh", "1,000日元"),
    # no symbol in the language: the ISO code, never glued to the digits
    (Money(120_000_000, "KZT"), "zh", f"1,200,000{NBSP}KZT"),
    (Money(120_000_000, "CHF"), "en", f"1,200,000{NBSP}CHF"),
]


@pytest.mark.parametrize(("money", "language", "expected"), FULL)
def test_money_in_full(money: Money, language: str, expected: str) -> None:
    assert Formats(language).money(money) == expected


COMPACT = [
    (RUB_1_2M, "en", f"1.2M{NBSP}₽"),
    (USD_1_2M, "en", "$1.2M"),
    (CNY_1_2M, "zh", "120万元"),
    (RUB_1_2M, "zh", "120万卢布"),
    (RUB_1_2M, "ru", f"1,2{NBSP}млн{NBSP}₽"),
    (EUR_1_2M, "ru", f"1,2{NBSP}млн{NBSP}€"),
    (Money(125_000_000, "USD"), "en", "$1.3M"),  # half up
    (Money(150_000_000_000, "RUB"), "ru", f"1,5{NBSP}млрд{NBSP}₽"),
    (Money(150_000_000_000, "CNY"), "zh", "15亿元"),
    (Money(1_500_000, "USD"), "en", "$15K"),
    (Money(1_500_000, "RUB"), "ru", f"15{NBSP}тыс.{NBSP}₽"),
    (Money(1_500_000, "CNY"), "zh", "1.5万元"),
    (Money(500_000, "CNY"), "zh", "5,000元"),  # below 万 Chinese does not shorten
    (Money(1_250, "USD"), "en", "$12.50"),  # small sums as in full
]


@pytest.mark.parametrize(("money", "language", "expected"), COMPACT)
def test_money_compact(money: Money, language: str, expected: str) -> None:
    assert Formats(language).money_compact(money) == expected


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
@pytest.mark.parametrize(
    "money",
    [RUB_1_2M, CNY_1_2M, USD_1_2M, EUR_1_2M, Money(1_250, "USD"), Money(150_000, "RUB")],
)
def test_what_is_shown_can_be_typed_back(money: Money, language: str) -> None:
    """A manager may copy an amount from a screen into an edit: it parses to the same."""
    fmt = Formats(language)
    assert parse_money(fmt.money(money), default_currency="KZT") == money
    assert parse_money(fmt.money_compact(money), default_currency="KZT") == money


# --------------------------------------------------------------------------- plurals


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 встреча"),
        (2, "2 встречи"),
        (5, "5 встреч"),
        (11, "11 встреч"),
        (21, "21 встреча"),
        (22, "22 встречи"),
        (1981, f"1{NBSP}981 встреча"),
    ],
)
def test_russian_plurals_and_formatted_counts(count: int, expected: str) -> None:
    text = Translator("ru").plural("meeting.timeline_title", count, account="A", page=1, pages=1)
    assert expected in text


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [("en", "1 meeting ·", "2 meetings ·"), ("zh", "共 1 次会面", "共 2 次会面")],
)
def test_english_and_chinese_plurals(language: str, one: str, two: str) -> None:
    t = Translator(language)
    assert one in t.plural("meeting.timeline_title", 1, account="A", page=1, pages=1)
    assert two in t.plural("meeting.timeline_title", 2, account="A", page=1, pages=1)


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 1, "1 person."),
        ("en", 3, "3 people."),
        ("ru", 1, "1 человек."),
        ("ru", 3, "3 человека."),
    ],
)
def test_team_size_is_a_plural(language: str, count: int, expected: str) -> None:
    assert expected in Translator(language).plural("team.title", count)


def test_counts_in_plurals_are_formatted() -> None:
    assert "1,981 characters" in Translator("en").plural("meeting.view_summary_cut", 1981)
    assert f"1{NBSP}981 символ " in Translator("ru").plural("meeting.view_summary_cut", 1981)


def test_whole_numbers_in_any_message_are_formatted() -> None:
    assert Translator("en")("profile.invalid.too_long", length=2001, limit=2000) == (
        "Too long: 2,001 characters, at most 2,000. Please shorten it."
    )
    ru = Translator("ru")("profile.invalid.too_long", length=2001, limit=2000)
    assert f"символов: 2{NBSP}001, можно не больше 2{NBSP}000" in ru
