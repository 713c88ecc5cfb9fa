"""The audit log as a CSV file that Excel opens as it is: UTF-8 with a byte order mark (so
Chinese and Cyrillic show), one row per entry, ISO times in UTC, and no cell that a
spreadsheet would run as a formula. Written entry by entry: a large log is never held whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

BOM = "\ufeff"
COLUMNS = (
    "id",
    "time_utc",
    "actor_name",
    "actor_id",
    "actor_telegram_id",
    "entity",
    "entity_id",
    "action",
    "field",
    "old_value",
    "new_value",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The periods /audit offers: key -> days back (None: everything).
PERIODS: dict[str, int | None] = {"7": 7, "30": 30, "90": 90, "365": 365, "all": None}


class Sink(Protocol):
    """Where the bytes go: a file, a temporary file, a buffer."""

    def write(self, data: bytes, /) -> object: ...


class Entry(Protocol):
    """One audit row as storage reads it for the export."""

    @property
    def id(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor_id(self) -> int | None: ...
    @property
    def actor_name(self) -> str | None: ...
    @property
    def actor_telegram_id(self) -> int | None: ...
    @property
    def entity(self) -> str: ...
    @property
    def entity_id(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def field(self) -> str | None: ...
    @property
    def old_value(self) -> str | None: ...
    @property
    def new_value(self) -> str | None: ...


def safe_cell(value: object) -> str:
    """A cell's text; text a spreadsheet would take for a formula gets a leading apostrophe
    (numbers, negative ones included, stay numbers)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_START):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def csv_line(cells: Sequence[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(c) for c in cells])
    return buffer.getvalue()


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def entry_cells(entry: Entry) -> list[object]:
    return [
        entry.id,
        iso(entry.at),
        entry.actor_name,
        entry.actor_id,
        entry.actor_telegram_id,
        entry.entity,
        entry.entity_id,
        entry.action,
        entry.field,
        entry.old_value,
        entry.new_value,
    ]


async def write_csv(
    out: Sink, entries: AsyncIterable[Entry], header: Sequence[str] = COLUMNS
) -> int:
    """Writes the BOM, the header and one line per entry to ``out``; returns how many."""
    out.write((BOM + csv_line(header)).encode("utf-8"))
    count = 0
    async for entry in entries:
        out.write(csv_line(entry_cells(entry)).encode("utf-8"))
        count += 1
    return count


def since_days(now: datetime, days: int | None) -> datetime | None:
    """The start of a period of ``days`` back from ``now`` (None: from the beginning)."""
    return None if days is None else now - timedelta(days=days)


def since_date(day: date) -> datetime:
    """The start (UTC midnight) of a day given on the command line."""
    return datetime.combine(day, time(0), tzinfo=UTC)
