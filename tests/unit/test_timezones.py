from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from domain.timezones import parse_clock_time, resolve_zone, utc_offset_label


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Moscow", "Europe/Moscow"),
        ("москва", "Europe/Moscow"),
        ("Санкт-Петербург", "Europe/Moscow"),
        ("上海", "Asia/Shanghai"),
        ("北京", "Asia/Shanghai"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("  los_angeles ", "America/Los_Angeles"),
    ],
)
def test_typed_places_resolve(typed: str, zone: str) -> None:
    assert resolve_zone(typed)[0] == zone


@pytest.mark.parametrize("typed", ["", "xx", "asdfgh", "🙂", "x" * 10_000])
def test_unknown_places_resolve_to_nothing(typed: str) -> None:
    assert resolve_zone(typed) == []


def test_offset_labels_follow_daylight_saving() -> None:
    assert utc_offset_label("Europe/Berlin", datetime(2026, 1, 10, tzinfo=UTC)) == "UTC+1"
    assert utc_offset_label("Europe/Berlin", datetime(2026, 7, 10, tzinfo=UTC)) == "UTC+2"
    assert utc_offset_label("Asia/Kolkata", datetime(2026, 7, 10, tzinfo=UTC)) == "UTC+5:30"
    assert utc_offset_label("America/New_York", datetime(2026, 1, 10, tzinfo=UTC)) == "UTC-5"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9", time(9)),
        ("08:45", time(8, 45)),
        ("7.30", time(7, 30)),
        ("21：00", time(21)),
        ("25:00", None),
        ("9:5", None),
        ("noon", None),
        ("", None),
    ],
)
def test_clock_times(typed: str, expected: time | None) -> None:
    assert parse_clock_time(typed) == expected
