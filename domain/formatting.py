"""How dates, times, numbers and money read on every screen and in every document.

One small service built from a language and a time zone. Dates use CLDR skeletons through
Babel, never fixed patterns: the skeleton says *which* parts to show ("MMMd": day and short
month) and the locale decides their order and words (26 Nov, 11月26日, 26 нояб.).

Date-only values (:class:`datetime.date`) are local days as the manager entered them and are
never moved through a time zone; moments (:class:`datetime.datetime`, always aware) are shown
in the manager's zone.

Money reads as a person writes it: the symbol where there is one (₽, $, €, ¥; 元, 美元, 卢布 in
Chinese), no minor units from 1,000 on or when there are none, and a compact form for buttons,
card lines and lists (1.2M ₽, 120万元, 1,2 млн ₽).
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_skeleton, get_datetime_format
from babel.numbers import format_compact_decimal, format_decimal, get_currency_symbol
from babel.units import format_unit

from domain.languages import LANGUAGES, babel_locale
from domain.money import Money, currency_exponent

__all__ = ["Formats", "formats", "number"]

# From this amount on money is shown without minor units (kopecks, cents, fen).
WHOLE_FROM = Decimal(1000)

# (prefix, suffix) per language and currency where a person writes it differently from
# Babel's default (which gives "RUB1,200,000.00" in English and "US$" in Chinese).
_NBSP = "\u00a0"
_CURRENCY_MARKS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "USD": ("$", ""),
        "EUR": ("€", ""),
        "GBP": ("£", ""),
        "CNY": ("¥", ""),
        "JPY": ("JP¥", ""),
        "RUB": ("", _NBSP + "₽"),
        "KZT": ("", _NBSP + "₸"),
        "UAH": ("", _NBSP + "₴"),
    },
    "ru": {
        "RUB": ("", _NBSP + "₽"),
        "USD": ("", _NBSP + "$"),
        "EUR": ("", _NBSP + "€"),
        "GBP": ("", _NBSP + "£"),
        "CNY": ("", _NBSP + "¥"),
        "JPY": ("", _NBSP + "JP¥"),
        "KZT": ("", _NBSP + "₸"),
        "UAH": ("", _NBSP + "₴"),
    },
    "zh": {
        "CNY": ("", "元"),
        "USD": ("", "美元"),
        "EUR": ("", "欧元"),
        "RUB": ("", "卢布"),
        "JPY": ("", "日元"),
        "GBP": ("", "英镑"),
        "HKD": ("", "港元"),
        "KRW": ("", "韩元"),
    },
}
# Compact forms: "1.2M" reads better than the British "1.2m" in a business app.
_COMPACT_LOCALE = {"en": "en"}


@cache
def _currency_marks(language: str, code: str) -> tuple[str, str]:
    """Where the currency goes: the table above, else the locale's symbol or the ISO code."""
    known = _CURRENCY_MARKS.get(language, {}).get(code)
    if known is not None:
        return known
    locale = babel_locale(language)
    symbol = str(get_currency_symbol(code, locale=locale))
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    if symbol == code or not pattern.startswith("¤"):
        return "", _NBSP + symbol
    return symbol, ""


def _half_up() -> decimal.Context:
    context = decimal.getcontext().copy()
    context.rounding = decimal.ROUND_HALF_UP
    return context


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def number(value: int | float | Decimal, language: str, *, digits: int = 0) -> str:
    """A number with the language's grouping and decimal mark: 1,234 / 1 234 / 4,5."""
    with decimal.localcontext(_half_up()):
        return str(format_decimal(Decimal(str(value)), _pattern(digits), babel_locale(language)))


def _zone(tz: ZoneInfo | str) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class Formats:
    """Formatting for one language and time zone: ``Formats("zh", "Asia/Shanghai")``."""

    def __init__(self, language: str, tz: ZoneInfo | str = "UTC") -> None:
        self.language = language if language in LANGUAGES else "en"
        self.locale = babel_locale(self.language)
        self.tz = _zone(tz)

    # ------------------------------------------------------------------ days and times

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A moment in this zone (naive moments are taken as UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo("UTC"))
        return moment.astimezone(self.tz)

    def local_day(self, value: dt.date | dt.datetime) -> dt.date:
        """A date as it is; a moment's day in this zone."""
        if isinstance(value, dt.datetime):
            return self.local(value).date()
        return value

    def _skeleton(self, skeleton: str, value: dt.date | dt.datetime) -> str:
        day = self.local_day(value)
        noon = dt.datetime(day.year, day.month, day.day, 12)  # no zone: nothing can shift the day
        return str(format_skeleton(skeleton, noon, locale=self.locale))

    def date(self, value: dt.date | dt.datetime, *, long: bool = False) -> str:
        """26 Nov 2026 / 2026年11月26日 / 26 нояб. 2026 г. (long: 26 November 2026)."""
        return self._skeleton("yMMMMd" if long else "yMMMd", value)

    def day_month(self, value: dt.date | dt.datetime, *, long: bool = False) -> str:
        """Without the year: 26 Nov / 11月26日 / 26 нояб. (long: 26 ноября)."""
        return self._skeleton("MMMMd" if long else "MMMd", value)

    def weekday_date(self, value: dt.date | dt.datetime, *, year: bool = False) -> str:
        """Thu 26 Nov / 11月26日周四 / чт, 26 нояб. (with year: Thu, 26 Nov 2026)."""
        return self._skeleton("yMMMEd" if year else "MMMEd", value)

    def birthday(self, month: int, day: int, year: int | None = None) -> str:
        """3 December 1979 / 1979年12月3日 / 3 декабря 1979 г.; without a year: 3 December."""
        if year is None:
            return self._skeleton("MMMMd", dt.date(2000, month, day))  # 2000: 29 Feb exists
        return self._skeleton("yMMMMd", dt.date(year, month, day))

    def time(self, value: dt.datetime | dt.time) -> str:
        """15:00 (a moment in this zone, or a wall-clock time as it is)."""
        wall = self.local(value).time() if isinstance(value, dt.datetime) else value
        moment = dt.datetime.combine(dt.date(2000, 1, 1), wall)
        return str(format_skeleton("Hm", moment, locale=self.locale))

    def join(self, day_text: str, time_text: str) -> str:
        """A day and a time as the locale joins them: "26 Nov, 15:00", "11月26日 15:00"."""
        glue = str(get_datetime_format("medium", locale=self.locale))
        return glue.replace("{1}", day_text).replace("{0}", time_text)

    def datetime(self, moment: dt.datetime, *, weekday: bool = False, year: bool = False) -> str:
        """26 Nov, 15:00 / 11月26日 15:00 / 26 нояб., 15:00, in this zone."""
        if weekday:
            day_text = self.weekday_date(moment, year=year)
        else:
            day_text = self.date(moment) if year else self.day_month(moment)
        return self.join(day_text, self.time(moment))

    # ------------------------------------------------------------------ numbers and money

    def number(self, value: int | float | Decimal, *, digits: int = 0) -> str:
        """1,234 / 1,234 / 1 234; ``digits`` decimals (4.5 / 4,5)."""
        return number(value, self.language, digits=digits)

    def file_size(self, size: int) -> str:
        """A file's size in megabytes of 1024 KB, as Telegram counts them: 20 MB / 20 МБ /
        20兆字节; one decimal below 100 MB when it is not whole (25.3 MB)."""
        megabytes = Decimal(size) / (1024 * 1024)
        digits = 1 if megabytes < 100 and megabytes != megabytes.to_integral_value() else 0
        with decimal.localcontext(_half_up()):
            rounded = round(megabytes, digits)
        return str(
            format_unit(
                rounded,
                "digital-megabyte",
                length="short",
                format="#,##0.0" if digits else "#,##0",
                locale=self.locale,
            )
        )

    def _amount(self, money: Money) -> Decimal:
        return Decimal(money.amount_minor).scaleb(-currency_exponent(money.currency))

    def _wrap(self, text: str, currency: str) -> str:
        prefix, suffix = _currency_marks(self.language, currency.upper())
        return f"{prefix}{text}{suffix}"

    def money(self, money: Money) -> str:
        """In full: $1,200,000 / 1,200,000元 / 1 200 000 ₽; $12.50 keeps its cents."""
        value = self._amount(money)
        digits = 0
        if value < WHOLE_FROM and value != value.to_integral_value():
            digits = currency_exponent(money.currency)
        return self._wrap(self.number(value, digits=digits), money.currency)

    def money_compact(self, money: Money) -> str:
        """Where space is short: $1.2M / 120万元 / 1,2 млн ₽ (small sums as in full)."""
        value = self._amount(money)
        if value < WHOLE_FROM:
            return self.money(money)
        locale = _COMPACT_LOCALE.get(self.language, self.locale)
        with decimal.localcontext(_half_up()):
            text = str(format_compact_decimal(value, locale=locale, fraction_digits=1))
        if not any(ch.isalpha() for ch in text):  # below the locale's first step (zh: 1万)
            text = self.number(value)
        return self._wrap(text, money.currency)


@cache
def formats(language: str, tz: str = "UTC") -> Formats:
    """A shared :class:`Formats` for a language and a zone name."""
    return Formats(language, tz)
