"""Parsing and formatting of money amounts typed by managers (English, Russian, Chinese).

``parse_money`` understands an amount with optional thousands/decimal separators, an
optional multiplier (k, тыс, млн, 万, 亿, bn, ...) and an optional currency written as a
symbol, an ISO code or a word in one of the three languages, before or after the
number: "1,2 млн руб", "$2.5k", "€1 200,50", "50万元", "USD 10000".  Whole numbers may be
written in Chinese numerals, alone or mixed with digits: "一百万", "两百万", "三千五百元",
"一千二百万", "十万", "一万五" (15 000), "3千5百".

Separators:

* spaces (incl. no-break and narrow no-break), apostrophes: always thousands;
* "." and "," both present: the last one is the decimal separator ("1,200.50",
  "1.200,50");
* one of them repeated: thousands ("1.200.000", "1,200,000");
* one of them once: decimal unless exactly three digits follow it and the integer part
  is 1-3 digits other than "0" - then it is a thousands separator ("1,200" = 1200,
  "1.234 RUB" = 1234, "1,5" = 1.5).  With a multiplier that case is ambiguous
  ("1,250 млн": 1.25 or 1250 million?) and gives ``None``, as it does for currencies
  with three decimals (KWD, BHD, ...).

Currency: no currency -> ``default_currency``; "¥" is CNY unless the text also says
JPY/円/yen; "$" is USD unless the text names another dollar (CAD, AUD, HKD, ...); RUR is
RUB.  Two currency mentions must agree.  Anything else in the text, negative or zero
amounts, more decimals than the currency has (without a multiplier) and amounts above
10**15 minor units give ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

__all__ = ["Money", "currency_exponent", "parse_money"]

MAX_AMOUNT_MINOR = 10**15
_MAX_INPUT_LENGTH = 100


@dataclass(frozen=True)
class Money:
    """An amount in integer minor units (kopecks, cents, fen; JPY/KRW have none)."""

    amount_minor: int
    currency: str  # ISO 4217, upper case


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_exponent(code: str) -> int:
    """Number of decimals of an ISO 4217 currency according to CLDR (babel)."""
    upper = code.upper()
    if upper not in _known_currencies():
        raise ValueError(f"unknown currency code: {code!r}")
    return int(get_currency_precision(upper))


# --------------------------------------------------------------------------- lexicon

_YEN_OR_YUAN = "¥"  # CNY unless the text also names JPY
_DOLLAR = "$"  # USD unless the text also names another dollar
_DOLLAR_CODES = frozenset({"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "TWD"})

_CURRENCY_WORDS: dict[str, str] = {
    # RUB
    "₽": "RUB",
    "руб": "RUB",
    "руб.": "RUB",
    "рубль": "RUB",
    "рубля": "RUB",
    "рублей": "RUB",
    "рублях": "RUB",
    "р": "RUB",
    "р.": "RUB",
    "rub": "RUB",
    "rur": "RUB",
    "ruble": "RUB",
    "rubles": "RUB",
    "rouble": "RUB",
    "roubles": "RUB",
    "卢布": "RUB",
    # USD
    "$": _DOLLAR,
    "us$": "USD",
    "доллар": "USD",
    "доллара": "USD",
    "долларов": "USD",
    "долларах": "USD",
    "долл": "USD",
    "долл.": "USD",
    "бакс": "USD",
    "бакса": "USD",
    "баксов": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "美元": "USD",
    "美金": "USD",
    # EUR
    "€": "EUR",
    "евро": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "欧元": "EUR",
    "歐元": "EUR",
    # CNY
    "¥": _YEN_OR_YUAN,
    "cn¥": "CNY",
    "元": "CNY",
    "块": "CNY",
    "块钱": "CNY",
    "人民币": "CNY",
    "人民幣": "CNY",
    "rmb": "CNY",
    "yuan": "CNY",
    "юань": "CNY",
    "юаня": "CNY",
    "юаней": "CNY",
    "юанях": "CNY",
    # JPY
    "円": "JPY",
    "jp¥": "JPY",
    "日元": "JPY",
    "日圆": "JPY",
    "yen": "JPY",
    "иена": "JPY",
    "иены": "JPY",
    "иен": "JPY",
    "йена": "JPY",
    "йены": "JPY",
    "йен": "JPY",
    # GBP
    "£": "GBP",
    "фунт": "GBP",
    "фунта": "GBP",
    "фунтов": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "英镑": "GBP",
    # KZT
    "₸": "KZT",
    "тенге": "KZT",
    "тг": "KZT",
    "tenge": "KZT",
    # UAH
    "₴": "UAH",
    "грн": "UAH",
    "грн.": "UAH",
    "гривна": "UAH",
    "гривны": "UAH",
    "гривен": "UAH",
    # others
    "₩": "KRW",
    "韩元": "KRW",
    "₹": "INR",
    "₺": "TRY",
    "hk$": "HKD",
    "港币": "HKD",
    "港元": "HKD",
}
_MULTIPLIERS: dict[str, int] = {
    "k": 10**3,
    "к": 10**3,
    "тыс": 10**3,
    "тыс.": 10**3,
    "тысяча": 10**3,
    "тысячи": 10**3,
    "тысяч": 10**3,
    "thousand": 10**3,
    "千": 10**3,
    "万": 10**4,
    "萬": 10**4,
    "m": 10**6,
    "mm": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "million": 10**6,
    "millions": 10**6,
    "млн": 10**6,
    "млн.": 10**6,
    "миллион": 10**6,
    "миллиона": 10**6,
    "миллионов": 10**6,
    "百万": 10**6,
    "百萬": 10**6,
    "千万": 10**7,
    "千萬": 10**7,
    "亿": 10**8,
    "億": 10**8,
    "b": 10**9,
    "bn": 10**9,
    "bln": 10**9,
    "billion": 10**9,
    "billions": 10**9,
    "млрд": 10**9,
    "млрд.": 10**9,
    "миллиард": 10**9,
    "миллиарда": 10**9,
    "миллиардов": 10**9,
    "十亿": 10**9,
}
# Russian shorthand "300 т.р." / "300тр" = 300 thousand roubles.
_THOUSAND_ROUBLES = {"т.р.", "т.р", "тр", "тр.", "тыс.р.", "тыс.р"}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WORD_END = r"(?![0-9a-zа-я])"
# A currency may touch the digits ("$2.5k", "USD10000") but not another letter.
_CURRENCY = r"(?:" + _alternation(_CURRENCY_WORDS) + r"|[a-z]{3})(?![a-zа-я])"
_MULTIPLIER = (
    r"(?:"
    + _alternation(_MULTIPLIERS)
    + r")"
    + _WORD_END
    + r"|(?P<tr>"
    + _alternation(_THOUSAND_ROUBLES)
    + r")"
    + _WORD_END
)
_NUMBER = r"\d(?:[\d '.,]*\d)?"


@cache
def _money_re() -> re.Pattern[str]:
    """Compiled when an amount is first read (about 5 ms: every `kam-bot` start imports this
    module, few of them read an amount soon)."""
    return re.compile(
        r"(?P<neg1>[-−])? ?(?P<pre>" + _CURRENCY + r")? ?(?P<neg2>[-−])? ?"
        r"(?P<num>" + _NUMBER + r") ?(?P<mult>" + _MULTIPLIER + r")? ?"
        r"(?P<post>" + _CURRENCY + r")?"
    )


# --------------------------------------------------------------------------- Chinese numerals

_CN_DIGITS: dict[str, int] = {
    **dict.fromkeys("零〇", 0),
    **dict.fromkeys("一壹", 1),
    **dict.fromkeys("二两兩贰貳", 2),
    **dict.fromkeys("三叁參", 3),
    **dict.fromkeys("四肆", 4),
    **dict.fromkeys("五伍", 5),
    **dict.fromkeys("六陆陸", 6),
    **dict.fromkeys("七柒", 7),
    **dict.fromkeys("八捌", 8),
    **dict.fromkeys("九玖", 9),
}
_CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_CHARS = "".join([*_CN_DIGITS, *_CN_SMALL_UNITS, *_CN_BIG_UNITS])
# A run of Chinese numerals, possibly mixed with plain digits ("3千5百"), that does not
# touch a decimal mark or separator ("1.5亿" keeps its digits and multiplier).
_CN_RUN = re.compile(r"(?<![\d.,'])[\d" + _CN_CHARS + r"]+(?![\d.,'])")
_CN_TOKEN = re.compile(r"\d+|.")
# "一点五亿" = 1.5亿: a Chinese decimal point before a multiplier.
_CN_POINT = re.compile(
    r"(?<![\d.,'])([\d" + _CN_CHARS + r"]+)点([\d零〇一二两三四五六七八九]+)(?=[十百千万萬亿億])"
)


def _chinese_value(run: str) -> int | None:
    """一千二百万 → 12000000, 一万五 → 15000 (a last digit after a unit is one unit lower)."""
    total = wan = section = 0
    number: int | None = None
    last_unit = 0  # the unit just before a trailing lone digit, for "一万五", "三千五"
    below = 10**4  # units within a section go down: 千 then 百 then 十
    for token in _CN_TOKEN.findall(run):
        if token.isdigit() or token in _CN_DIGITS:
            if number is not None:
                return None  # two numbers in a row ("五五", "5五")
            number = int(token) if token.isdigit() else _CN_DIGITS[token]
            if token in "零〇":
                number, last_unit = None, 0
        elif token in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[token]
            if unit >= below:
                return None  # "一百一千"
            section += (1 if number is None else number) * unit
            number, last_unit, below = None, unit, unit
        elif (unit := _CN_BIG_UNITS[token]) == 10**4:
            if wan:
                return None  # "一百万一百万"
            wan = (section + (number or 0) or 1) * unit
            section, number, last_unit, below = 0, None, unit, 10**4
        else:
            if total:
                return None
            total = (wan + section + (number or 0) or 1) * unit
            wan = section = 0
            number, last_unit, below = None, unit, 10**4
    if number is not None and last_unit >= 100 and number < 10:
        number *= last_unit // 10
    return total + wan + section + (number or 0)


def _arabic(match: re.Match[str]) -> str:
    run = match[0]
    has_chinese_digit = any(ch in _CN_DIGITS for ch in run)
    starts_with_ten = run[0] in "十拾"
    unit_inside = re.search(r"[" + _CN_CHARS + r"]\d", run) is not None
    if not (has_chinese_digit or starts_with_ten or unit_inside):
        return run  # "50万", "5百万": digits and a multiplier, parsed below
    value = _chinese_value(run)
    return run if value is None or value == 0 else str(value)


def _decimal_point(match: re.Match[str]) -> str:
    whole = match[1] if match[1].isdigit() else _chinese_value(match[1])
    fraction = "".join(str(_CN_DIGITS.get(ch, ch)) for ch in match[2])
    return match[0] if whole is None else f"{whole}.{fraction}"


def _chinese_numerals(text: str) -> str:
    """Chinese numerals in an amount as digits: "一百万元" → "1000000元"."""
    return _CN_RUN.sub(_arabic, _CN_POINT.sub(_decimal_point, text))


# --------------------------------------------------------------------------- parsing


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    text = text.replace("’", "'").replace("\u2212", "-")
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(".!?;,").strip()


def _currency_code(token: str) -> str | None:
    if token in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[token]
    upper = token.upper()
    if upper == "RUR":
        return "RUB"
    return upper if upper in _known_currencies() else None


def _resolve_currency(tokens: list[str], default_currency: str) -> str | None:
    codes: set[str] = set()
    yen_or_yuan = dollar = False
    for token in tokens:
        code = _currency_code(token)
        if code is None:
            return None
        if code == _YEN_OR_YUAN:
            yen_or_yuan = True
        elif code == _DOLLAR:
            dollar = True
        else:
            codes.add(code)
    if len(codes) > 1 or (yen_or_yuan and dollar):
        return None
    if codes:
        (code,) = codes
        if yen_or_yuan and code not in ("CNY", "JPY"):
            return None
        if dollar and code not in _DOLLAR_CODES:
            return None
        return code
    if yen_or_yuan:
        return "CNY"
    if dollar:
        return "USD"
    return default_currency


def _parse_number(text: str, *, has_multiplier: bool, exponent: int) -> Decimal | None:
    """Interpret separators (see the module docstring); ``None`` when ambiguous/invalid."""
    spaced = re.sub(r"[ ']", "_", text)
    dots, commas = spaced.count("."), spaced.count(",")
    decimal_sep: str | None = None
    if dots and commas:
        decimal_sep = "." if spaced.rfind(".") > spaced.rfind(",") else ","
        if spaced.count(decimal_sep) != 1:
            return None
    elif dots + commas == 1:
        sep = "." if dots else ","
        integer, fraction = spaced.split(sep)
        integer_digits = integer.replace("_", "")
        thousands_like = (
            "_" not in integer
            and len(fraction) == 3
            and integer_digits != "0"
            and len(integer_digits) <= 3
        )
        if not thousands_like:
            decimal_sep = sep
        elif has_multiplier or exponent >= 3:
            return None  # "1,250 млн": 1.25 or 1250 million?
    if decimal_sep is not None:
        integer, fraction = spaced.split(decimal_sep)
        if "_" in fraction or not fraction.isdigit():
            return None
    else:
        integer, fraction = spaced, ""
    groups = re.split(r"[_.,]", integer)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        return None
    digits = "".join(groups)
    if not digits.isdigit():
        return None
    if fraction and not has_multiplier and len(fraction) > exponent:
        return None
    try:
        return Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:
        return None


def parse_money(text: str, *, default_currency: str) -> Money | None:
    """Parse an amount such as "1,2 млн руб" or "$2.5k"; ``None`` when unsure.

    ``default_currency`` (ISO 4217) applies when the text names no currency.
    """
    default = default_currency.upper()
    currency_exponent(default)  # validates the code
    if len(text) > _MAX_INPUT_LENGTH:
        return None
    normalised = _chinese_numerals(_normalise(text))
    match = _money_re().fullmatch(normalised)
    if match is None or match["neg1"] or match["neg2"]:
        return None
    tokens = [t for t in (match["pre"], match["post"]) if t]
    if match["tr"]:
        tokens.append("руб")
        multiplier = 1000
    elif match["mult"]:
        multiplier = _MULTIPLIERS[match["mult"]]
    else:
        multiplier = 1
    currency = _resolve_currency(tokens, default)
    if currency is None:
        return None
    exponent = currency_exponent(currency)
    number = _parse_number(match["num"], has_multiplier=multiplier != 1, exponent=exponent)
    if number is None:
        return None
    minor = number * multiplier * (10**exponent)
    if minor != minor.to_integral_value() or minor <= 0 or minor > MAX_AMOUNT_MINOR:
        return None
    return Money(amount_minor=int(minor), currency=currency)
