"""The .ics file of a planned meeting, parsed back with icalendar: every field, the zone
(across daylight saving), escaping of what people type, the all-day case."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Component, Timezone

from domain.calendar_file import (
    PRODID,
    CalendarMeeting,
    build_ics,
    describe,
    file_name,
    is_past,
)

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
HOST = "kam_test_bot.t.me"
MEETING = CalendarMeeting(
    meeting_id=42,
    client="VT-Metal",
    kind="Negotiation",
    starts_at=datetime(2026, 12, 3, 12, 0, tzinfo=UTC),
    has_time=True,
    zone="Europe/Moscow",
    location="Moscow, Lenina st. 5",
    details=(("Agenda", "Contract renewal"), ("People", "Ivan Petrov (CEO), Olga")),
    alarm_minutes=60,
    revision=3,
)


def _parse(data: bytes) -> tuple[Calendar, Component]:
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_every_field_of_a_planned_meeting() -> None:
    data = build_ics(MEETING, host=HOST, now=NOW)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    calendar, event = _parse(data)
    assert str(calendar["prodid"]) == PRODID and str(calendar["version"]) == "2.0"
    assert str(event["uid"]) == "meeting-42@kam_test_bot.t.me"
    assert event.decoded("dtstamp") == NOW
    assert event.decoded("sequence") == 3
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == datetime(2026, 12, 3, 15, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    assert end - start == timedelta(minutes=60)
    assert event["dtstart"].params["TZID"] == "Europe/Moscow"
    assert str(event["summary"]) == "VT-Metal · Negotiation"
    assert str(event["location"]) == "Moscow, Lenina st. 5"
    description = "Agenda: Contract renewal\n\nPeople: Ivan Petrov (CEO), Olga"
    assert str(event["description"]) == description
    [alarm] = event.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger") == -timedelta(minutes=60)
    assert str(alarm["description"]) == "VT-Metal · Negotiation"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Moscow"


def test_the_same_meeting_keeps_its_uid_and_a_change_raises_the_sequence() -> None:
    _, first = _parse(build_ics(MEETING, host=HOST, now=NOW))
    moved = replace(MEETING, starts_at=MEETING.starts_at + timedelta(days=1), revision=9)
    _, second = _parse(build_ics(moved, host=HOST, now=NOW + timedelta(hours=1)))
    assert first["uid"] == second["uid"]
    assert second.decoded("sequence") > first.decoded("sequence")
    _, other = _parse(build_ics(replace(MEETING, meeting_id=43), host=HOST, now=NOW))
    assert other["uid"] != first["uid"]


@pytest.mark.parametrize(
    ("zone", "starts_utc", "local"),
    [
        # Berlin in summer (CEST, +2) and in winter (CET, +1)
        ("Europe/Berlin", datetime(2027, 7, 1, 8, 0), datetime(2027, 7, 1, 10, 0)),
        ("Europe/Berlin", datetime(2027, 1, 14, 8, 0), datetime(2027, 1, 14, 9, 0)),
        # the Sunday of the spring change: 10:00 local is already summer time
        ("Europe/Berlin", datetime(2027, 3, 28, 8, 0), datetime(2027, 3, 28, 10, 0)),
        # Shanghai: +8 all year, no daylight saving
        ("Asia/Shanghai", datetime(2027, 7, 1, 1, 30), datetime(2027, 7, 1, 9, 30)),
        ("Asia/Shanghai", datetime(2027, 1, 14, 1, 30), datetime(2027, 1, 14, 9, 30)),
    ],
)
def test_the_time_is_written_in_the_managers_zone(
    zone: str, starts_utc: datetime, local: datetime
) -> None:
    meeting = replace(MEETING, zone=zone, starts_at=starts_utc.replace(tzinfo=UTC))
    data = build_ics(meeting, host=HOST, now=NOW)
    expected_wall = local.strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID={zone}:{expected_wall}".encode() in data
    calendar, event = _parse(data)
    start = event.decoded("dtstart")
    assert start == starts_utc.replace(tzinfo=UTC)  # the same moment
    assert start.replace(tzinfo=None) == local  # at the manager's wall-clock time
    [tz] = calendar.walk("VTIMEZONE")
    assert isinstance(tz, Timezone) and str(tz["tzid"]) == zone
    # the VTIMEZONE alone (not the reader's zoneinfo) gives the right offset
    zone_of_file = tz.to_tz()
    assert local.replace(tzinfo=zone_of_file).utcoffset() == start.utcoffset()


def test_an_hour_across_the_spring_change_lasts_an_hour() -> None:
    # Berlin, 28 Mar 2027: 01:30 CET (00:30 UTC) + 60 min = 03:30 CEST (01:30 UTC)
    meeting = replace(
        MEETING, zone="Europe/Berlin", starts_at=datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    )
    data = build_ics(meeting, host=HOST, now=NOW)
    assert b"DTEND;TZID=Europe/Berlin:20270328T033000" in data
    _, event = _parse(data)
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=1)


def test_an_end_is_kept_and_a_bad_end_becomes_an_hour() -> None:
    ends = MEETING.starts_at + timedelta(minutes=90)
    _, event = _parse(build_ics(replace(MEETING, ends_at=ends), host=HOST, now=NOW))
    assert event.decoded("dtend") == ends
    before = MEETING.starts_at - timedelta(minutes=5)
    _, event = _parse(build_ics(replace(MEETING, ends_at=before), host=HOST, now=NOW))
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=1)


@pytest.mark.parametrize(
    "text",
    [
        "Prices, volumes; logistics",
        "line one\nline two\r\nline three",
        "谈判：合同续签，第一季度数量；物流",
        "Переговоры: продление договора, объёмы; логистика",
        "<b>bold</b> & <script>alert(1)</script> \"quoted\" 'single'",
        "back\\slash: C:\\temp\\n and a colon:",
        "长" * 200,  # folded over many lines, never inside a character
    ],
)
def test_typed_text_comes_back_exactly(text: str) -> None:
    expected = text.replace("\r\n", "\n")
    meeting = replace(
        MEETING,
        client=text,
        location=text,
        details=(("Agenda", text),),
    )
    data = build_ics(meeting, host=HOST, now=NOW)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    data.decode("utf-8")  # folding never splits a character
    _, event = _parse(data)
    assert str(event["summary"]) == f"{expected} · Negotiation"
    assert str(event["location"]) == expected
    description = str(event["description"])
    assert description.startswith("Agenda:") and description.endswith(expected)


def test_special_characters_are_escaped_in_the_file() -> None:
    meeting = replace(MEETING, location="a, b; c\nd\\e")
    data = build_ics(meeting, host=HOST, now=NOW)
    assert b"LOCATION:a\\, b\\; c\\nd\\\\e\r\n" in data


def test_control_characters_are_dropped() -> None:
    meeting = replace(MEETING, location="Room\x00 5\x07", details=(("Agenda", "a\x1bb"),))
    _, event = _parse(build_ics(meeting, host=HOST, now=NOW))
    assert str(event["location"]) == "Room 5" and str(event["description"]) == "Agenda: ab"


def test_a_date_only_meeting_is_an_all_day_event_on_the_local_day() -> None:
    # local midnight in Shanghai is the previous day in UTC
    meeting = replace(
        MEETING,
        zone="Asia/Shanghai",
        starts_at=datetime(2026, 12, 2, 16, 0, tzinfo=UTC),
        has_time=False,
    )
    data = build_ics(meeting, host=HOST, now=NOW)
    assert b"DTSTART;VALUE=DATE:20261203\r\n" in data
    calendar, event = _parse(data)
    assert event.decoded("dtstart") == date(2026, 12, 3)
    assert event.decoded("dtend") == date(2026, 12, 4)
    assert not event.walk("VALARM")  # the bot sends no brief for a day without a time either
    assert not calendar.walk("VTIMEZONE")
    assert file_name(meeting) == "meeting-2026-12-03.ics"


def test_no_place_no_agenda_no_alarm() -> None:
    meeting = replace(MEETING, location=None, details=(("Agenda", "  "),), alarm_minutes=0)
    _, event = _parse(build_ics(meeting, host=HOST, now=NOW))
    assert "location" not in event and "description" not in event
    assert not event.walk("VALARM")


def test_a_pinned_location_becomes_geo_and_the_place() -> None:
    meeting = replace(MEETING, location=None, geo=(55.75, 37.6166667))
    _, event = _parse(build_ics(meeting, host=HOST, now=NOW))
    assert str(event["location"]) == "55.75000, 37.61667"
    geo = event.decoded("geo")
    assert tuple(geo) == (55.75, 37.6166667)


def test_file_name_is_the_local_day() -> None:
    late = replace(MEETING, starts_at=datetime(2026, 12, 3, 22, 30, tzinfo=UTC))
    assert file_name(late) == "meeting-2026-12-04.ics"  # 01:30 on the 4th in Moscow


def test_describe_puts_a_long_text_under_its_label() -> None:
    assert describe([("Agenda", "a\nb"), ("People", "Ivan"), ("", "x")]) == (
        "Agenda:\na\nb\n\nPeople: Ivan\n\nx"
    )


def test_is_past() -> None:
    assert not is_past(MEETING, MEETING.starts_at + timedelta(minutes=59))
    assert is_past(MEETING, MEETING.starts_at + timedelta(minutes=60))
    day = replace(MEETING, zone="Asia/Shanghai", starts_at=datetime(2026, 12, 2, 16, 0, tzinfo=UTC))
    day = replace(day, has_time=False)
    assert not is_past(day, datetime(2026, 12, 3, 15, 59, tzinfo=UTC))  # 23:59 in Shanghai
    assert is_past(day, datetime(2026, 12, 3, 16, 0, tzinfo=UTC))


def test_a_manager_in_utc_gets_utc_times() -> None:
    data = build_ics(replace(MEETING, zone="UTC"), host=HOST, now=NOW)
    assert b"DTSTART:20261203T120000Z\r\n" in data
    _, event = _parse(data)
    assert event.decoded("dtstart") == MEETING.starts_at
