"""A planned meeting as an iCalendar (.ics) file for the phone's calendar (RFC 5545).

Built with the maintained `icalendar` library from already-translated text, so this module
knows nothing about Telegram. The event keeps a stable UID (the meeting's id at the bot's
host), so importing the file again after the meeting moved updates the event instead of adding
a second one; SEQUENCE grows with each change for calendars that ask for it. The time is
written in the manager's IANA zone with its VTIMEZONE, so the phone shows the same wall-clock
time the bot shows, across a daylight-saving change too. A meeting with a day but no time is
an all-day event.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from icalendar import Alarm


PRODID = "-//KAM Assistant//Meetings//EN"
DEFAULT_DURATION = timedelta(minutes=60)
_ZONE_MARGIN = timedelta(days=400)  # the VTIMEZONE covers the meeting's year around it
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class CalendarMeeting:
    """What the calendar shows of a meeting; every text already in the manager's language."""

    meeting_id: int
    client: str
    kind: str  # the kind's label: "Negotiation", "谈判"
    starts_at: datetime  # aware
    has_time: bool
    zone: str  # the manager's IANA zone
    location: str | None = None
    geo: tuple[float, float] | None = None  # latitude, longitude
    details: Sequence[tuple[str, str]] = ()  # (label, text): the agenda, the people
    alarm_minutes: int | None = None  # before the start; None or 0: no alarm
    ends_at: datetime | None = None
    revision: int = 0  # grows with each change of the meeting (SEQUENCE)

    @property
    def summary(self) -> str:
        return f"{self.client} · {self.kind}" if self.kind else self.client


def clean(text: str) -> str:
    """Text as a calendar can take it: no control characters, line breaks as "\\n"."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def describe(details: Sequence[tuple[str, str]]) -> str:
    """The labelled parts, one a paragraph: "Label: text", a long text under its label."""
    parts = []
    for label, text in details:
        text = clean(text)
        if not text:
            continue
        joiner = "\n" if "\n" in text or len(text) > 60 else " "
        parts.append(f"{clean(label)}:{joiner}{text}" if label else text)
    return "\n\n".join(parts)


def file_name(meeting: CalendarMeeting) -> str:
    """ "meeting-2026-12-03.ics": the meeting's day in the manager's zone."""
    day = meeting.starts_at.astimezone(ZoneInfo(meeting.zone)).date()
    return f"meeting-{day.isoformat()}.ics"


def event_span(meeting: CalendarMeeting) -> tuple[date | datetime, date | datetime]:
    """Start and end as the calendar gets them: moments in the manager's zone, or the day
    (an all-day event ends the next day, exclusive). No end, or one not after the start:
    an hour."""
    tz = ZoneInfo(meeting.zone)
    start = meeting.starts_at.astimezone(tz)
    if not meeting.has_time:
        return start.date(), start.date() + timedelta(days=1)
    end = meeting.ends_at.astimezone(tz) if meeting.ends_at is not None else None
    if end is None or end <= start:
        end = (start.astimezone(UTC) + DEFAULT_DURATION).astimezone(tz)  # an hour, not wall time
    return start, end


def is_past(meeting: CalendarMeeting, now: datetime) -> bool:
    """Whether the meeting is over: its end has passed (an all-day one: its day, there)."""
    _, end = event_span(meeting)
    if isinstance(end, datetime):
        return end <= now
    midnight = datetime(end.year, end.month, end.day, tzinfo=ZoneInfo(meeting.zone))
    return midnight <= now


def build_ics(meeting: CalendarMeeting, *, host: str, now: datetime) -> bytes:
    """The .ics file: one VEVENT (with its VALARM) and the VTIMEZONE it refers to.

    ``host``: the bot's own name as a domain; with the meeting's id it makes the stable UID.
    """
    from icalendar import Calendar, Event  # imported when a file is asked for

    start, end = event_span(meeting)
    event = Event()
    event.add("uid", f"meeting-{meeting.meeting_id}@{host}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("sequence", max(meeting.revision, 0))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", clean(meeting.summary))
    where = clean(meeting.location or "")
    if not where and meeting.geo is not None:
        where = f"{meeting.geo[0]:.5f}, {meeting.geo[1]:.5f}"
    if where:
        event.add("location", where)
    if meeting.geo is not None:
        event.add("geo", meeting.geo)
    description = describe(meeting.details)
    if description:
        event.add("description", description)
    event.add("status", "CONFIRMED")
    if meeting.alarm_minutes and meeting.has_time:
        event.add_component(_alarm(meeting))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    if meeting.has_time:
        day = meeting.starts_at.date()
        calendar.add_missing_timezones(first_date=day - _ZONE_MARGIN, last_date=day + _ZONE_MARGIN)
    data: bytes = calendar.to_ical()
    return data


def _alarm(meeting: CalendarMeeting) -> Alarm:
    from icalendar import Alarm  # imported when a file is asked for

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", clean(meeting.summary))
    alarm.add("trigger", -timedelta(minutes=meeting.alarm_minutes or 0))
    return alarm
