"""Tests for domain.money."""

from __future__ import annotations

import pytest

from domain.money import Money, currency_exponent, parse_money

NBSP = "\u00a0"
NNBSP = "\u202f"

# (text, amount in minor units, currency); default currency RUB
PARSE_CASES = [
    ("1.2m RUB", 120_000_000, "RUB"),
    ("1,2 млн руб", 120_000_000, "RUB"),
    ("1,2млн", 120_000_000, "RUB"),
    ("1.2 million rubles", 120_000_000, "RUB"),
    ("300 000 ₽", 30_000_000, "RUB"),
    (f"300{NBSP}000 ₽", 30_000_000, "RUB"),
    (f"300{NNBSP}000₽", 30_000_000, "RUB"),
    ("₽300000", 30_000_000, "RUB"),
    ("300 000 руб.", 30_000_000, "RUB"),
    ("300 рублей", 30_000, "RUB"),
    ("300 р.", 30_000, "RUB"),
    ("100 RUR", 10_000, "RUB"),
    ("300k", 30_000_000, "RUB"),
    ("300K", 30_000_000, "RUB"),
    ("300к", 30_000_000, "RUB"),
    ("300 тыс", 30_000_000, "RUB"),
    ("300 тыс. руб.", 30_000_000, "RUB"),
    ("300 т.р.", 30_000_000, "RUB"),
    ("$2.5k", 250_000, "USD"),
    ("$ 2.5 k", 250_000, "USD"),
    ("2.5k$", 250_000, "USD"),
    ("€1 200,50", 120_050, "EUR"),
    ("1,200.50 EUR", 120_050, "EUR"),
    ("1.200,50 €", 120_050, "EUR"),
    ("USD 10000", 1_000_000, "USD"),
    ("USD10000", 1_000_000, "USD"),
    ("10000 usd", 1_000_000, "USD"),
    ("10 000 долларов", 1_000_000, "USD"),
    ("100 美元", 10_000, "USD"),
    ("$100 USD", 10_000, "USD"),
    ("$100 CAD", 10_000, "CAD"),
    ("100 евро", 10_000, "EUR"),
    ("100 欧元", 10_000, "EUR"),
    ("50万元", 50_000_000, "CNY"),
    ("50万", 50_000_000, "RUB"),
    ("50 万", 50_000_000, "RUB"),
    ("2亿", 20_000_000_000, "RUB"),
    ("3.5亿人民币", 35_000_000_000, "CNY"),
    ("¥1000", 100_000, "CNY"),
    ("￥1000", 100_000, "CNY"),
    ("¥1000 JPY", 1_000, "JPY"),
    ("1000円", 1_000, "JPY"),
    ("1000 юаней", 100_000, "CNY"),
    ("100 RMB", 10_000, "CNY"),
    ("100 CNY", 10_000, "CNY"),
    ("１００００ 元", 1_000_000, "CNY"),
    ("2 млрд", 200_000_000_000, "RUB"),
    ("1.5bn", 150_000_000_000, "RUB"),
    ("100 тенге", 10_000, "KZT"),
    ("100 KZT", 10_000, "KZT"),
    ("£50", 5_000, "GBP"),
    ("100 mxn", 10_000, "MXN"),
    ("10 KRW", 10, "KRW"),
    ("1'200'000 CHF", 120_000_000, "CHF"),
    # separators
    ("1,200", 120_000, "RUB"),
    ("1,5", 150, "RUB"),
    ("1.5", 150, "RUB"),
    ("1,50", 150, "RUB"),
    ("0,5", 50, "RUB"),
    ("0.250 млн", 25_000_000, "RUB"),
    ("1.200.000", 120_000_000, "RUB"),
    ("1,200,000", 120_000_000, "RUB"),
    ("1 200 000", 120_000_000, "RUB"),
    ("1.234 RUB", 123_400, "RUB"),  # a dot followed by exactly 3 digits: thousands
    ("1,000 JPY", 1_000, "JPY"),
    ("1.000 JPY", 1_000, "JPY"),
    ("1.25 млн", 125_000_000, "RUB"),
    ("1.2345m", 123_450_000, "RUB"),
    ("1.200,5", 120_050, "RUB"),
    ("$1.2m", 120_000_000, "USD"),
    ("1.5 KWD", 1_500, "KWD"),
    ("100 USD.", 10_000, "USD"),
    ("10000000000000 руб", 10**15, "RUB"),  # the cap itself is allowed
]


@pytest.mark.parametrize(("text", "minor", "currency"), PARSE_CASES)
def test_parse_money(text: str, minor: int, currency: str) -> None:
    assert parse_money(text, default_currency="RUB") == Money(minor, currency)


def test_default_currency() -> None:
    assert parse_money("300k", default_currency="usd") == Money(30_000_000, "USD")
    assert parse_money("50万", default_currency="CNY") == Money(50_000_000, "CNY")
    assert parse_money("1000", default_currency="JPY") == Money(1_000, "JPY")


GARBAGE = [
    "",
    "   ",
    "asdf",
    "🙂",
    "0",
    "0,00 руб",
    "-100",
    "- 100 руб",
    "−100 ₽",
    "100 abc",
    "100 USD EUR",
    "$100 EUR",
    "¥100 USD",
    "$$100",
    "10.5 JPY",  # JPY has no minor unit
    "10.5555 USD",  # too many decimals
    "1.2345 руб",
    "1 200,500 руб",
    "1.234 млн",  # 1.234 or 1234 million?
    "1,250 млн",
    "1,500 KWD",  # KWD has 3 decimals: 1.5 or 1500?
    "1 2 руб",
    "1.2.3",
    "12,34,567",
    "1,,000",
    "1,200,50",
    "1 000.000",
    ".5",
    "1e5",
    "10^16",
    "100000000000001 руб",  # above 10**15 minor units
    "1 000 000 000 000 000",
    "около 300k",
    "300k примерно",
    "руб",
    "k",
    "1" * 500,
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_is_none(text: str) -> None:
    assert parse_money(text, default_currency="RUB") is None


def test_unknown_default_currency() -> None:
    with pytest.raises(ValueError, match="unknown currency"):
        parse_money("100", default_currency="XYZ")


@pytest.mark.parametrize(
    ("code", "exponent"),
    [("RUB", 2), ("rub", 2), ("USD", 2), ("CNY", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3)],
)
def test_currency_exponent(code: str, exponent: int) -> None:
    assert currency_exponent(code) == exponent


def test_currency_exponent_unknown() -> None:
    with pytest.raises(ValueError, match="unknown currency"):
        currency_exponent("ABC")


CHINESE_NUMERALS = [
    ("一百万", 100_000_000, "CNY"),
    ("两百万", 200_000_000, "CNY"),
    ("三千五百元", 350_000, "CNY"),
    ("一千二百万", 1_200_000_000, "CNY"),
    ("1.5亿", 15_000_000_000, "CNY"),
    ("十万", 10_000_000, "CNY"),
    ("十万元", 10_000_000, "CNY"),
    ("一百万元", 100_000_000, "CNY"),
    ("人民币一百万", 100_000_000, "CNY"),
    ("二十五万", 25_000_000, "CNY"),
    ("五十万卢布", 50_000_000, "RUB"),
    ("两千万美元", 2_000_000_000, "USD"),
    ("一亿二千万", 12_000_000_000, "CNY"),
    ("十亿", 100_000_000_000, "CNY"),
    ("一千零五元", 100_500, "CNY"),
    ("一万五", 1_500_000, "CNY"),  # spoken: 15 000
    ("三千五", 350_000, "CNY"),
    ("3千5百", 350_000, "CNY"),
    ("1万2千", 1_200_000, "CNY"),
    ("一点五亿", 15_000_000_000, "CNY"),
    ("壹佰万元", 100_000_000, "CNY"),
    ("一百万 RUB", 100_000_000, "RUB"),
    # already understood before: must not change
    ("50万元", 50_000_000, "CNY"),
    ("5百万", 500_000_000, "CNY"),
    ("3千万", 3_000_000_000, "CNY"),
    ("3.5亿人民币", 35_000_000_000, "CNY"),
]


@pytest.mark.parametrize(("text", "minor", "currency"), CHINESE_NUMERALS)
def test_chinese_numerals(text: str, minor: int, currency: str) -> None:
    assert parse_money(text, default_currency="CNY") == Money(minor, currency)


@pytest.mark.parametrize("text", ["万元", "百万", "五五万", "一点五", "一百万一百万"])
def test_chinese_garbage_is_none(text: str) -> None:
    assert parse_money(text, default_currency="CNY") is None


def test_russian_and_english_word_multipliers_still_work() -> None:
    assert parse_money("2 миллиона рублей", default_currency="USD") == Money(200_000_000, "RUB")
    assert parse_money("3 thousand dollars", default_currency="RUB") == Money(300_000, "USD")
    assert parse_money("1,5 млрд", default_currency="RUB") == Money(150_000_000_000, "RUB")
