"""A next step typed on its own: the date inside it becomes its due date, time included."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.quick_log import next_step

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)  # a Thursday; 10:30 in Moscow
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("typed", "text", "due", "has_time"),
    [
        ("send the offer by Friday", "send the offer", datetime(2026, 11, 26, 21, 0), False),
        (
            "отправить предложение до пятницы",
            "отправить предложение",
            datetime(2026, 11, 26, 21, 0),
            False,
        ),
        ("周五前发报价", "发报价", datetime(2026, 11, 26, 21, 0), False),
        (
            "call Ivan back tomorrow at 15:30",
            "call Ivan back",
            datetime(2026, 11, 27, 12, 30),
            True,
        ),
        (
            "перезвонить Ивану завтра в 15:30",
            "перезвонить Ивану",
            datetime(2026, 11, 27, 12, 30),
            True,
        ),
        ("call back in 30 minutes", "call back", datetime(2026, 11, 26, 8, 0), True),
    ],
)
def test_the_date_phrase_becomes_the_due_date(
    typed: str, text: str, due: datetime, has_time: bool
) -> None:
    found = next_step(typed, now=NOW, tz=MOSCOW)
    assert found.text == text
    assert found.due is not None
    assert found.due.at == due.replace(tzinfo=UTC) and found.due.has_time == has_time


@pytest.mark.parametrize("typed", ["send the offer", "called them yesterday at 9:00"])
def test_no_date_or_a_past_one_leaves_the_text_whole(typed: str) -> None:
    found = next_step(typed, now=NOW, tz=MOSCOW)
    assert found.text == typed and found.due is None


def test_a_day_is_due_until_its_end() -> None:
    evening = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)  # Thursday 20:30 in Moscow
    found = next_step("send the offer by today", now=evening, tz=MOSCOW)
    assert found.text == "send the offer"
    assert found.due is not None and found.due.at == datetime(2026, 11, 25, 21, 0, tzinfo=UTC)
