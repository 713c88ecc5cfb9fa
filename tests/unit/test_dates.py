"""Tests for domain.dates (fixed ``now``: Thursday 2026-11-26 10:30 local)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import pytest

from domain.dates import ParsedWhen, add_local_days, day_bounds, parse_when

MSK = ZoneInfo("Europe/Moscow")
SHA = ZoneInfo("Asia/Shanghai")
BER = ZoneInfo("Europe/Berlin")
NOW_MSK = datetime(2026, 11, 26, 10, 30, tzinfo=MSK)  # a Thursday
NOW_SHA = datetime(2026, 11, 26, 10, 30, tzinfo=SHA)

Prefer = Literal["past", "future"]
NOW = "2026-11-26 10:30"


def _local(result: ParsedWhen, tz: ZoneInfo) -> str:
    return result.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _check(
    text: str,
    expected: str,
    has_time: bool,
    has_date: bool,
    *,
    now: datetime = NOW_MSK,
    tz: ZoneInfo = MSK,
    prefer: Prefer = "future",
) -> None:
    result = parse_when(text, now=now, tz=tz, prefer=prefer)
    assert result is not None, text
    assert result.at.tzinfo is UTC
    assert (_local(result, tz), result.has_time, result.has_date) == (
        expected,
        has_time,
        has_date,
    )


# (text, expected local time, has_time, has_date); prefer="future"
EN_CASES = [
    ("now", NOW, True, True),
    ("just now", NOW, True, True),
    ("right now", NOW, True, True),
    ("today", "2026-11-26 00:00", False, True),
    ("yesterday", "2026-11-25 00:00", False, True),
    ("day before yesterday", "2026-11-24 00:00", False, True),
    ("the day before yesterday", "2026-11-24 00:00", False, True),
    ("tomorrow", "2026-11-27 00:00", False, True),
    ("tmrw", "2026-11-27 00:00", False, True),
    ("day after tomorrow", "2026-11-28 00:00", False, True),
    ("2 days ago", "2026-11-24 00:00", False, True),
    ("3 hours ago", "2026-11-26 07:30", True, True),
    ("a week ago", "2026-11-19 00:00", False, True),
    ("half an hour ago", "2026-11-26 10:00", True, True),
    ("in 3 days", "2026-11-29 00:00", False, True),
    ("in 2 weeks", "2026-12-10 00:00", False, True),
    ("2 weeks from now", "2026-12-10 00:00", False, True),
    ("in an hour", "2026-11-26 11:30", True, True),
    ("in 30 min", "2026-11-26 11:00", True, True),
    ("in 1.5 hours", "2026-11-26 12:00", True, True),
    ("3h ago", "2026-11-26 07:30", True, True),
    ("in 2 months", "2027-01-26 00:00", False, True),
    ("next week", "2026-11-30 00:00", False, True),
    ("next month", "2026-12-01 00:00", False, True),
    ("15:00", "2026-11-26 15:00", True, False),
    ("3pm", "2026-11-26 15:00", True, False),
    ("3 pm", "2026-11-26 15:00", True, False),
    ("3 p.m.", "2026-11-26 15:00", True, False),
    ("3:30pm", "2026-11-26 15:30", True, False),
    ("9am", "2026-11-27 09:00", True, False),
    ("at 9", "2026-11-27 09:00", True, False),
    ("at 9:30", "2026-11-27 09:30", True, False),
    ("at 13", "2026-11-26 13:00", True, False),
    ("noon", "2026-11-26 12:00", True, False),
    ("12pm", "2026-11-26 12:00", True, False),
    ("12am", "2026-11-27 00:00", True, False),
    ("midnight", "2026-11-27 00:00", True, False),
    # a single-digit hour 1..6 without am/pm is read as afternoon
    ("at 3", "2026-11-26 15:00", True, False),
    ("3:30", "2026-11-26 15:30", True, False),
    ("03:30", "2026-11-27 03:30", True, False),
    ("3am", "2026-11-27 03:00", True, False),
    ("5 March", "2027-03-05 00:00", False, True),
    ("5th of March", "2027-03-05 00:00", False, True),
    ("March 5", "2027-03-05 00:00", False, True),
    ("Mar 5", "2027-03-05 00:00", False, True),
    ("March 5th, 2026", "2026-03-05 00:00", False, True),
    ("2026-03-05", "2026-03-05 00:00", False, True),
    ("2026-03-05 14:30", "2026-03-05 14:30", True, True),
    # slash dates: month/day in Latin-only text unless the first part is > 12
    ("05/03/2026", "2026-05-03 00:00", False, True),
    ("13/03/2026", "2026-03-13 00:00", False, True),
    ("3/13/2026", "2026-03-13 00:00", False, True),
    ("the 5th", "2026-12-05 00:00", False, True),
    ("Tue 15:00", "2026-12-01 15:00", True, True),
    ("tomorrow at 9", "2026-11-27 09:00", True, True),
    ("tomorrow 9am", "2026-11-27 09:00", True, True),
    ("tomorrow, 9 am", "2026-11-27 09:00", True, True),
    ("5 pm tomorrow", "2026-11-27 17:00", True, True),
    ("next Friday 10am", "2026-12-04 10:00", True, True),
    ("March 5 at 2pm", "2027-03-05 14:00", True, True),
    ("in 3 days at 10am", "2026-11-29 10:00", True, True),
    ("next week friday", "2026-12-04 00:00", False, True),
    ("Thursday 26 November", "2026-11-26 00:00", False, True),
    ("Thursday, 5 March 2026", "2026-03-05 00:00", False, True),
    ("this morning", "2026-11-26 09:00", True, True),
    ("this afternoon", "2026-11-26 15:00", True, True),
    ("tonight", "2026-11-26 19:00", True, True),
    ("tonight at 8", "2026-11-26 20:00", True, True),
    ("tomorrow morning", "2026-11-27 09:00", True, True),
    ("tomorrow night", "2026-11-27 19:00", True, True),
    ("morning", "2026-11-26 09:00", True, False),
    ("Tue", "2026-12-01 00:00", False, True),
    ("on Tuesday", "2026-12-01 00:00", False, True),
    ("friday", "2026-11-27 00:00", False, True),
    ("next Monday", "2026-11-30 00:00", False, True),
    ("this Friday", "2026-11-27 00:00", False, True),
    ("last Friday", "2026-11-20 00:00", False, True),
    ("  TOMORROW   at 9!! ", "2026-11-27 09:00", True, True),
    ("Next friday.", "2026-12-04 00:00", False, True),
    ("around 3pm", "2026-11-26 15:00", True, False),
    ("in 2 weeks and 3 days", "2026-12-13 00:00", False, True),
    ("a week and 2 days ago", "2026-11-17 00:00", False, True),
    ("in 1 year and 2 months", "2028-01-26 00:00", False, True),
    ("1 hour 30 min ago", "2026-11-26 09:00", True, True),
    ("2 hours 15 minutes later", "2026-11-26 12:45", True, True),
    ("in an hour and a half", "2026-11-26 12:00", True, True),
    ("twenty minutes ago", "2026-11-26 10:10", True, True),
    ("2026-03-05T14:30", "2026-03-05 14:30", True, True),
]

RU_CASES = [
    ("сейчас", NOW, True, True),
    ("прямо сейчас", NOW, True, True),
    ("только что", NOW, True, True),
    ("сегодня", "2026-11-26 00:00", False, True),
    ("вчера", "2026-11-25 00:00", False, True),
    ("позавчера", "2026-11-24 00:00", False, True),
    ("завтра", "2026-11-27 00:00", False, True),
    ("послезавтра", "2026-11-28 00:00", False, True),
    ("через 2 дня", "2026-11-28 00:00", False, True),
    ("через неделю", "2026-12-03 00:00", False, True),
    ("через месяц", "2026-12-26 00:00", False, True),
    ("через час", "2026-11-26 11:30", True, True),
    ("через 30 минут", "2026-11-26 11:00", True, True),
    ("через полчаса", "2026-11-26 11:00", True, True),
    ("через 1,5 часа", "2026-11-26 12:00", True, True),
    ("5 минут назад", "2026-11-26 10:25", True, True),
    ("через 3 месяца", "2027-02-26 00:00", False, True),
    ("3 недели спустя", "2026-12-17 00:00", False, True),
    ("через 2 часа 30 минут", "2026-11-26 13:00", True, True),
    ("1 час 30 минут назад", "2026-11-26 09:00", True, True),
    ("через неделю и 2 дня", "2026-12-05 00:00", False, True),
    ("через двадцать минут", "2026-11-26 10:50", True, True),
    ("через пару дней", "2026-11-28 00:00", False, True),
    ("2 дня назад", "2026-11-24 00:00", False, True),
    ("неделю назад", "2026-11-19 00:00", False, True),
    ("полтора часа назад", "2026-11-26 09:00", True, True),
    ("на следующей неделе", "2026-11-30 00:00", False, True),
    ("в следующем месяце", "2026-12-01 00:00", False, True),
    ("15.00", "2026-11-26 15:00", True, False),
    ("в 9", "2026-11-27 09:00", True, False),
    ("в 15:00", "2026-11-26 15:00", True, False),
    ("в 15.00", "2026-11-26 15:00", True, False),
    ("в 15-00", "2026-11-26 15:00", True, False),
    ("к 15:00", "2026-11-26 15:00", True, False),
    ("в 15 часов", "2026-11-26 15:00", True, False),
    ("в 9 утра", "2026-11-27 09:00", True, False),
    ("в 3 дня", "2026-11-26 15:00", True, False),
    ("в 12 дня", "2026-11-26 12:00", True, False),
    ("в 8 вечера", "2026-11-26 20:00", True, False),
    ("в 3 ночи", "2026-11-27 03:00", True, False),
    ("в 3 часа дня", "2026-11-26 15:00", True, False),
    ("15ч", "2026-11-26 15:00", True, False),
    ("в полдень", "2026-11-26 12:00", True, False),
    ("5 марта", "2027-03-05 00:00", False, True),
    ("5 мар", "2027-03-05 00:00", False, True),
    ("5 марта 2026 г.", "2026-03-05 00:00", False, True),
    ("05.03.2026", "2026-03-05 00:00", False, True),
    ("05.03.26", "2026-03-05 00:00", False, True),
    ("5.03", "2027-03-05 00:00", False, True),
    ("10.12", "2026-12-10 00:00", False, True),
    # day/month order because the text contains Cyrillic
    ("05/03/2026 в 10", "2026-03-05 10:00", True, True),
    ("5-го", "2026-12-05 00:00", False, True),
    ("завтра в 9", "2026-11-27 09:00", True, True),
    ("завтра в 15:00", "2026-11-27 15:00", True, True),
    ("завтра 10.30", "2026-11-27 10:30", True, True),
    ("15.00 завтра", "2026-11-27 15:00", True, True),
    ("в пятницу в 10", "2026-11-27 10:00", True, True),
    ("послезавтра утром", "2026-11-28 09:00", True, True),
    ("вчера вечером", "2026-11-25 19:00", True, True),
    ("сегодня вечером", "2026-11-26 19:00", True, True),
    ("завтра утром в 8", "2026-11-27 08:00", True, True),
    ("5 марта 14:30", "2027-03-05 14:30", True, True),
    ("5 марта в 14:30", "2027-03-05 14:30", True, True),
    ("утром", "2026-11-26 09:00", True, False),
    ("днём", "2026-11-26 15:00", True, False),
    ("днем", "2026-11-26 15:00", True, False),
    ("вечером", "2026-11-26 19:00", True, False),
    ("вечером в 8", "2026-11-26 20:00", True, False),
    ("вторник", "2026-12-01 00:00", False, True),
    ("во вторник", "2026-12-01 00:00", False, True),
    ("в пятницу", "2026-11-27 00:00", False, True),
    ("пт", "2026-11-27 00:00", False, True),
    ("в среду", "2026-12-02 00:00", False, True),
    ("следующий понедельник", "2026-11-30 00:00", False, True),
    ("в следующий вторник", "2026-12-01 00:00", False, True),
    ("в эту пятницу", "2026-11-27 00:00", False, True),
    ("в прошлую пятницу", "2026-11-20 00:00", False, True),
    ("прошлый вторник", "2026-11-17 00:00", False, True),
    ("в пятницу на следующей неделе", "2026-12-04 00:00", False, True),
    ("  ЗАВТРА   В  9!!! ", "2026-11-27 09:00", True, True),
    ("Послезавтра в 15:00.", "2026-11-28 15:00", True, True),
]

ZH_CASES = [
    ("现在", NOW, True, True),
    ("刚才", NOW, True, True),
    ("刚刚", NOW, True, True),
    ("今天", "2026-11-26 00:00", False, True),
    ("昨天", "2026-11-25 00:00", False, True),
    ("前天", "2026-11-24 00:00", False, True),
    ("明天", "2026-11-27 00:00", False, True),
    ("后天", "2026-11-28 00:00", False, True),
    ("大后天", "2026-11-29 00:00", False, True),
    ("3天后", "2026-11-29 00:00", False, True),
    ("3 天后", "2026-11-29 00:00", False, True),
    ("3天前", "2026-11-23 00:00", False, True),
    ("两天后", "2026-11-28 00:00", False, True),
    ("一周后", "2026-12-03 00:00", False, True),
    ("两周后", "2026-12-10 00:00", False, True),
    ("1小时后", "2026-11-26 11:30", True, True),
    ("半小时后", "2026-11-26 11:00", True, True),
    ("一个半小时后", "2026-11-26 12:00", True, True),
    ("1小时30分钟后", "2026-11-26 12:00", True, True),
    ("3个月后", "2027-02-26 00:00", False, True),
    ("两个小时前", "2026-11-26 08:30", True, True),
    ("下周", "2026-11-30 00:00", False, True),
    ("下个月", "2026-12-01 00:00", False, True),
    ("下午3点", "2026-11-26 15:00", True, False),
    ("上午10点", "2026-11-27 10:00", True, False),
    ("早上9点", "2026-11-27 09:00", True, False),
    ("晚上8点", "2026-11-26 20:00", True, False),
    ("中午12点", "2026-11-26 12:00", True, False),
    ("3点半", "2026-11-26 15:30", True, False),
    ("15点", "2026-11-26 15:00", True, False),
    ("15点30分", "2026-11-26 15:30", True, False),
    ("下午三点", "2026-11-26 15:00", True, False),
    ("下午两点", "2026-11-26 14:00", True, False),
    ("晚上十点一刻", "2026-11-26 22:15", True, False),
    ("凌晨3点", "2026-11-27 03:00", True, False),
    ("3月5日", "2027-03-05 00:00", False, True),
    ("3月5号", "2027-03-05 00:00", False, True),
    ("三月五日", "2027-03-05 00:00", False, True),
    ("2026年3月5日", "2026-03-05 00:00", False, True),
    ("２０２６年３月５日", "2026-03-05 00:00", False, True),
    ("5号", "2026-12-05 00:00", False, True),
    ("下个月5号", "2026-12-05 00:00", False, True),
    ("明天下午3点", "2026-11-27 15:00", True, True),
    ("昨天下午3点", "2026-11-25 15:00", True, True),
    ("下周五上午10点", "2026-12-04 10:00", True, True),
    ("周二15:00", "2026-12-01 15:00", True, True),
    ("周二１５：００", "2026-12-01 15:00", True, True),
    ("下周三下午两点", "2026-12-02 14:00", True, True),
    ("3月5日下午2点", "2027-03-05 14:00", True, True),
    ("明早9点", "2026-11-27 09:00", True, True),
    ("今晚8点", "2026-11-26 20:00", True, True),
    ("上午", "2026-11-26 09:00", True, False),
    ("下午", "2026-11-26 15:00", True, False),
    ("晚上", "2026-11-26 19:00", True, False),
    ("今晚", "2026-11-26 19:00", True, True),
    ("周五", "2026-11-27 00:00", False, True),
    ("星期五", "2026-11-27 00:00", False, True),
    ("礼拜五", "2026-11-27 00:00", False, True),
    ("星期天", "2026-11-29 00:00", False, True),
    ("周日", "2026-11-29 00:00", False, True),
    ("下周一", "2026-11-30 00:00", False, True),
    ("下星期一", "2026-11-30 00:00", False, True),
    ("下个星期一", "2026-11-30 00:00", False, True),
    ("这周五", "2026-11-27 00:00", False, True),
    ("本周五", "2026-11-27 00:00", False, True),
    ("上周五", "2026-11-20 00:00", False, True),
    ("上星期五", "2026-11-20 00:00", False, True),
]


@pytest.mark.parametrize(("text", "expected", "has_time", "has_date"), EN_CASES)
def test_english(text: str, expected: str, has_time: bool, has_date: bool) -> None:
    _check(text, expected, has_time, has_date)


@pytest.mark.parametrize(("text", "expected", "has_time", "has_date"), RU_CASES)
def test_russian(text: str, expected: str, has_time: bool, has_date: bool) -> None:
    _check(text, expected, has_time, has_date)


@pytest.mark.parametrize(("text", "expected", "has_time", "has_date"), ZH_CASES)
def test_chinese(text: str, expected: str, has_time: bool, has_date: bool) -> None:
    _check(text, expected, has_time, has_date, now=NOW_SHA, tz=SHA)


# (text, prefer, expected local time); today is Thursday 2026-11-26 10:30
PREFER_CASES = [
    # bare weekday: future = strictly later, past = most recent (today counts)
    ("Tue", "future", "2026-12-01 00:00"),
    ("Tue", "past", "2026-11-24 00:00"),
    ("вторник", "past", "2026-11-24 00:00"),
    ("周五", "past", "2026-11-20 00:00"),
    ("thursday", "future", "2026-12-03 00:00"),
    ("четверг", "past", "2026-11-26 00:00"),
    ("星期四", "past", "2026-11-26 00:00"),
    ("thursday 9:00", "past", "2026-11-26 09:00"),
    ("thursday 15:00", "past", "2026-11-19 15:00"),  # today 15:00 is still ahead
    ("Tue 15:00", "past", "2026-11-24 15:00"),
    # modified weekdays ignore prefer
    ("next Monday", "past", "2026-11-30 00:00"),
    ("last Friday", "future", "2026-11-20 00:00"),
    ("этот четверг", "future", "2026-11-26 00:00"),
    # bare times roll over by prefer
    ("15:00", "future", "2026-11-26 15:00"),
    ("15:00", "past", "2026-11-25 15:00"),
    ("9:00", "future", "2026-11-27 09:00"),
    ("9:00", "past", "2026-11-26 09:00"),
    ("в 9 вечера", "past", "2026-11-25 21:00"),
    ("下午3点", "past", "2026-11-25 15:00"),
    ("10:30", "future", "2026-11-26 10:30"),
    ("10:30", "past", "2026-11-26 10:30"),
    ("midnight", "past", "2026-11-26 00:00"),
    # dates without a year: nearest occurrence, today counts
    ("5 марта", "past", "2026-03-05 00:00"),
    ("March 5", "future", "2027-03-05 00:00"),
    ("26 ноября", "past", "2026-11-26 00:00"),
    ("26 ноября", "future", "2026-11-26 00:00"),
    ("27 November", "past", "2025-11-27 00:00"),
    ("25.11", "future", "2027-11-25 00:00"),
    ("29 февраля", "future", "2028-02-29 00:00"),
    ("29 Feb", "past", "2024-02-29 00:00"),
    ("the 5th", "past", "2026-11-05 00:00"),
    ("30号", "past", "2026-10-30 00:00"),
    ("31-го", "future", "2026-12-31 00:00"),
    # parts of the day on their own are today
    ("утром", "future", "2026-11-26 09:00"),
    ("вечером", "past", "2026-11-26 19:00"),
]


@pytest.mark.parametrize(("text", "prefer", "expected"), PREFER_CASES)
def test_prefer(text: str, prefer: Prefer, expected: str) -> None:
    result = parse_when(text, now=NOW_MSK, tz=MSK, prefer=prefer)
    assert result is not None
    assert _local(result, MSK) == expected


GARBAGE = [
    "",
    "   ",
    "asdf",
    "🙂",
    "x" * 10_000,
    "завтра " * 40,
    "?!",
    "99:99",
    "25:00",
    "в 25",
    "32 марта",
    "31 апреля",
    "29.02.2027",
    "13月40日",
    "0月5日",
    "13/13/2026",
    "15",
    "2026",
    "March",
    "this week",
    "last week",
    "на прошлой неделе",
    "last month",
    "这周",
    "3 дня",  # a duration, direction unknown
    "10 мин",
    "tomorrow at 9 sharp",
    "Fri 13:00 UTC",  # another zone
    "завтра вчера",
    "now tomorrow",
    "Friday 26 November",  # 26 November is a Thursday
    "в 12 ночи завтра",
    "tomorrow midnight",
    "в 9 дня",
    "3am вечером",
    "ночью",
    "3pm 4pm",
    "сегодня или завтра",
    "mon-fri",
    "call me maybe",
    "через 99999 дней",
    "1.5 days ago",
    "tomorrow 9",  # a bare number is not taken for an hour
    "завтра 15",
    "300k",
    "50万",
    "3月前",
    "半个月后",
    "пятница 26 ноября",  # 26 November is a Thursday
    "15-00",  # without "в" it could be a range
    # token soup
    "tomorrow a evening",
    "2 month now",
    "friday 15 hours by",
    "before tomorrow",
    "ago 5 hours",
    "5 hours after",
    "9 пятницу",
    "13 через",
    "10 года сегодня",
    "by on 30 day before",
    "days tomorrow 2026 minutes",
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_is_none(text: str) -> None:
    assert parse_when(text, now=NOW_MSK, tz=MSK) is None
    assert parse_when(text, now=NOW_MSK, tz=MSK, prefer="past") is None


def test_default_time_for_date_without_time() -> None:
    result = parse_when("завтра", now=NOW_MSK, tz=MSK, default_time=time(9, 0))
    assert result == ParsedWhen(
        at=datetime(2026, 11, 27, 6, 0, tzinfo=UTC), has_time=False, has_date=True
    )
    result = parse_when("в пятницу", now=NOW_MSK, tz=MSK, default_time=time(18, 30))
    assert result is not None
    assert (_local(result, MSK), result.has_time) == ("2026-11-27 18:30", False)


def test_default_time_ignored_when_time_given() -> None:
    result = parse_when("завтра в 15:00", now=NOW_MSK, tz=MSK, default_time=time(9, 0))
    assert result is not None
    assert (_local(result, MSK), result.has_time) == ("2026-11-27 15:00", True)


def test_now_in_any_zone() -> None:
    in_utc = NOW_MSK.astimezone(UTC)
    assert parse_when("завтра в 9", now=in_utc, tz=MSK) == parse_when(
        "завтра в 9", now=NOW_MSK, tz=MSK
    )
    result = parse_when("now", now=in_utc, tz=MSK)
    assert result is not None
    assert result.at == in_utc


def test_naive_now_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("завтра", now=datetime(2026, 11, 26, 10, 30), tz=MSK)


def test_result_is_utc() -> None:
    result = parse_when("明天下午3点", now=NOW_SHA, tz=SHA)
    assert result == ParsedWhen(
        at=datetime(2026, 11, 27, 7, 0, tzinfo=UTC), has_time=True, has_date=True
    )


# --------------------------------------------------------------------------- DST

SPRING_EVE = datetime(2026, 3, 28, 12, 0, tzinfo=BER)  # the day before CET -> CEST
AUTUMN_EVE = datetime(2026, 10, 24, 12, 0, tzinfo=BER)  # the day before CEST -> CET

DST_CASES = [
    (SPRING_EVE, "tomorrow", datetime(2026, 3, 28, 23, 0)),
    (SPRING_EVE, "завтра в 9", datetime(2026, 3, 29, 7, 0)),
    (SPRING_EVE, "через 2 дня в 10:00", datetime(2026, 3, 30, 8, 0)),
    # 02:30 does not exist on 29 March: shifted forward to 03:30 CEST
    (SPRING_EVE, "tomorrow 02:30", datetime(2026, 3, 29, 1, 30)),
    (datetime(2026, 3, 29, 1, 30, tzinfo=BER), "через 3 часа", datetime(2026, 3, 29, 3, 30)),
    (datetime(2026, 3, 29, 1, 30, tzinfo=BER), "в 9", datetime(2026, 3, 29, 7, 0)),
    (AUTUMN_EVE, "tomorrow", datetime(2026, 10, 24, 22, 0)),
    (AUTUMN_EVE, "tomorrow 9am", datetime(2026, 10, 25, 8, 0)),
    # 02:30 happens twice on 25 October: the first occurrence (CEST) wins
    (AUTUMN_EVE, "tomorrow 02:30", datetime(2026, 10, 25, 0, 30)),
    (AUTUMN_EVE, "in 2 days", datetime(2026, 10, 25, 23, 0)),
    (AUTUMN_EVE, "in 3 hours", datetime(2026, 10, 24, 13, 0)),
]


@pytest.mark.parametrize(("now", "text", "expected_utc"), DST_CASES)
def test_dst(now: datetime, text: str, expected_utc: datetime) -> None:
    result = parse_when(text, now=now, tz=BER)
    assert result is not None
    assert result.at == expected_utc.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "tz", "start", "end"),
    [
        (date(2026, 11, 26), MSK, datetime(2026, 11, 25, 21, 0), datetime(2026, 11, 26, 21, 0)),
        (date(2026, 11, 26), SHA, datetime(2026, 11, 25, 16, 0), datetime(2026, 11, 26, 16, 0)),
        (date(2026, 3, 29), BER, datetime(2026, 3, 28, 23, 0), datetime(2026, 3, 29, 22, 0)),
        (date(2026, 10, 25), BER, datetime(2026, 10, 24, 22, 0), datetime(2026, 10, 25, 23, 0)),
    ],
)
def test_day_bounds(day: date, tz: ZoneInfo, start: datetime, end: datetime) -> None:
    assert day_bounds(day, tz) == (start.replace(tzinfo=UTC), end.replace(tzinfo=UTC))


@pytest.mark.parametrize(
    ("at", "days", "expected"),
    [
        (datetime(2026, 3, 28, 8, 0), 1, datetime(2026, 3, 29, 7, 0)),  # 09:00 stays 09:00
        (datetime(2026, 3, 29, 7, 0), -1, datetime(2026, 3, 28, 8, 0)),
        (datetime(2026, 10, 24, 7, 0), 1, datetime(2026, 10, 25, 8, 0)),
        (datetime(2026, 3, 28, 1, 30), 1, datetime(2026, 3, 29, 1, 30)),  # 02:30 -> 03:30
        (datetime(2026, 3, 28, 8, 0), 0, datetime(2026, 3, 28, 8, 0)),
        (datetime(2026, 3, 20, 8, 0), 14, datetime(2026, 4, 3, 7, 0)),
    ],
)
def test_add_local_days(at: datetime, days: int, expected: datetime) -> None:
    result = add_local_days(at.replace(tzinfo=UTC), days, BER)
    assert result == expected.replace(tzinfo=UTC)
    assert result.tzinfo is UTC


def test_add_local_days_needs_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_local_days(datetime(2026, 3, 28, 8, 0), 1, BER)


def test_relative_hours_are_elapsed_time() -> None:
    result = parse_when("in 3 hours", now=SPRING_EVE, tz=BER)
    assert result is not None
    assert result.at - SPRING_EVE == timedelta(hours=3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("к пятнице", "2026-11-27 00:00"),
        ("перед пятницей", None),  # "перед" is for the phrase finder (domain.date_phrases)
        ("пятницей", "2026-11-27 00:00"),
        ("к понедельнику", "2026-11-30 00:00"),
        ("понедельника", "2026-11-30 00:00"),
        ("ко вторнику", "2026-12-01 00:00"),
        ("вторником", "2026-12-01 00:00"),
        ("к среде", "2026-12-02 00:00"),
        ("среды", "2026-12-02 00:00"),
        ("средой", "2026-12-02 00:00"),
        ("к четвергу", "2026-12-03 00:00"),
        ("четверга", "2026-12-03 00:00"),
        ("к субботе", "2026-11-28 00:00"),
        ("субботой", "2026-11-28 00:00"),
        ("к воскресенью", "2026-11-29 00:00"),
        ("воскресеньем", "2026-11-29 00:00"),
    ],
)
def test_russian_weekdays_in_every_case(text: str, expected: str | None) -> None:
    result = parse_when(text, now=NOW_MSK, tz=MSK)
    assert (_local(result, MSK) if result else None) == expected
