"""A date phrase is found inside free text and removed whole, its prepositions included."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.date_phrases import find_date_phrase, is_ahead
from domain.dates import ParsedWhen

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)  # Thursday 26 Nov, 10:30 in Moscow
MSK = ZoneInfo("Europe/Moscow")

# text, the phrase, the rest, a deadline?, local date (and time) of the phrase
CASES = [
    # Russian
    ("до пятницы отправить предложение", "до пятницы", "отправить предложение", True, "Fri 27"),
    ("отправить предложение до пятницы", "до пятницы", "отправить предложение", True, "Fri 27"),
    ("к пятнице подготовить КП", "к пятнице", "подготовить КП", True, "Fri 27"),
    ("ко вторнику выслать образцы", "ко вторнику", "выслать образцы", True, "Tue 01"),
    ("выслать образцы к среде", "к среде", "выслать образцы", True, "Wed 02"),
    ("до понедельника согласовать", "до понедельника", "согласовать", True, "Mon 30"),
    ("перед пятницей позвонить", "перед пятницей", "позвонить", True, "Fri 27"),
    ("до 15 декабря подписать договор", "до 15 декабря", "подписать договор", True, "Tue 15"),
    ("к 1 декабря согласовать цены", "к 1 декабря", "согласовать цены", True, "Tue 01"),
    ("не позднее 5 декабря выслать счёт", "не позднее 5 декабря", "выслать счёт", True, "Sat 05"),
    ("позвонить Ивану завтра в 15:30", "завтра в 15:30", "позвонить Ивану", False, "Fri 27 15:30"),
    ("в пятницу отправить КП", "в пятницу", "отправить КП", False, "Fri 27"),
    ("на следующей неделе приехать", "на следующей неделе", "приехать", False, "Mon 30"),
    ("через 2 недели созвониться", "через 2 недели", "созвониться", False, "Thu 10"),
    ("отправить КП до 18:00", "до 18:00", "отправить КП", True, "Thu 26 18:00"),
    # English
    ("send the offer by Friday", "by Friday", "send the offer", True, "Fri 27"),
    ("by Friday send the offer", "by Friday", "send the offer", True, "Fri 27"),
    ("send offer by Friday, then call", "by Friday", "send offer, then call", True, "Fri 27"),
    ("send offer before Monday", "before Monday", "send offer", True, "Mon 30"),
    ("wait until Monday", "until Monday", "wait", True, "Mon 30"),
    ("no later than Dec 3 send invoice", "no later than Dec 3", "send invoice", True, "Thu 03"),
    ("call Ivan tomorrow at 15:30", "tomorrow at 15:30", "call Ivan", False, "Fri 27 15:30"),
    ("meet Olga on Monday at 10am", "on Monday at 10am", "meet Olga", False, "Mon 30 10:00"),
    ("send offer by Friday at the office", "by Friday", "send offer at the office", True, "Fri 27"),
    ("send the price list today.", "today", "send the price list.", False, "Thu 26"),
    ("in 2 weeks follow up", "in 2 weeks", "follow up", False, "Thu 10"),
    # Chinese (no spaces)
    ("周五前发报价", "周五前", "发报价", True, "Fri 27"),
    ("下周三前发送规格", "下周三前", "发送规格", True, "Wed 02"),
    ("在周五之前发报价", "在周五之前", "发报价", True, "Fri 27"),
    ("12月1日前确认订单", "12月1日前", "确认订单", True, "Tue 01"),
    ("明天下午3点左右打电话", "明天下午3点左右", "打电话", False, "Fri 27 15:00"),
    ("下周二下午两点开会", "下周二下午两点", "开会", False, "Tue 01 14:00"),
    ("最晚周五发合同", "最晚周五", "发合同", True, "Fri 27"),
    ("截至下周一提交方案", "截至下周一", "提交方案", True, "Mon 30"),
    ("3天后再联系", "3天后", "再联系", False, "Sun 29"),
    ("2026年12月15日下午3点前交付", "2026年12月15日下午3点前", "交付", True, "Tue 15 15:00"),
    # mixed
    ("周五前send报价", "周五前", "send报价", True, "Fri 27"),
]


def _local(when: ParsedWhen) -> str:
    local = when.at.astimezone(MSK)
    return local.strftime("%a %d %H:%M") if when.has_time else local.strftime("%a %d")


@pytest.mark.parametrize(("text", "phrase", "rest", "deadline", "local"), CASES)
def test_the_phrase_is_removed_whole(
    text: str, phrase: str, rest: str, deadline: bool, local: str
) -> None:
    found = find_date_phrase(text, now=NOW, tz=MSK, prefer="future")
    assert found is not None
    assert (found.phrase, found.rest, found.deadline) == (phrase, rest, deadline)
    assert text[found.start : found.end] == phrase
    assert _local(found.when) == local


@pytest.mark.parametrize(
    "text",
    [
        "обсудили цены",
        "объёмы выросли в 2 раза",  # a count, not 14:00
        "reduce the price by 5%",
        "agreed on 3 options",
        "讨论了托盘需求",
        "商定了第三季度价格",
        "收到了邮件",
        "VT-Metal",
        "2026",
        "",
    ],
)
def test_no_date_phrase(text: str) -> None:
    assert find_date_phrase(text, now=NOW, tz=MSK) is None


def test_the_filler_after_a_date_stays_with_what_follows() -> None:
    found = find_date_phrase("今天在VT-Metal见了Ivan Petrov", now=NOW, tz=MSK, prefer="past")
    assert found is not None
    assert (found.phrase, found.rest) == ("今天", "在VT-Metal见了Ivan Petrov")


def test_is_ahead_counts_today_for_a_date_without_time() -> None:
    today = find_date_phrase("today", now=NOW, tz=MSK)
    earlier = find_date_phrase("today at 9:00", now=NOW, tz=MSK, prefer="past")
    assert today is not None and earlier is not None
    assert is_ahead(today.when, NOW, MSK)
    assert not is_ahead(earlier.when, NOW, MSK)


def test_no_space_is_put_into_chinese_text() -> None:
    found = find_date_phrase("见了王伟，周五前发报价，然后打电话", now=NOW, tz=MSK)
    assert found is not None and found.rest == "见了王伟，发报价，然后打电话"
    found = find_date_phrase("讨论了需求 明天 再联系", now=NOW, tz=MSK)
    assert found is not None and found.rest == "讨论了需求再联系"
