"""A profile field's stored value as plain text for display (not escaped): amounts, days and
birthdays in the reader's formats, choices and yes/no through the reader's translator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from domain.formatting import Formats
from domain.money import Money
from domain.profile import FieldSpec, birthday_month_day


def amount_text(
    fmt: Formats, minor: int | None, currency: str | None, *, compact: bool = False
) -> str | None:
    """An amount as a person writes it; ``compact`` where space is short (1.2M ₽, 120万元)."""
    if minor is None or not currency:
        return None
    try:
        money = Money(int(minor), currency)
        return fmt.money_compact(money) if compact else fmt.money(money)
    except ValueError:
        return f"{minor} {currency}"


def day_text(fmt: Formats, day: date | datetime | str | None) -> str | None:
    """A day: a date (or "YYYY-MM-DD") as it is, a moment (or stored UTC text) locally."""
    if day is None or day == "":
        return None
    if isinstance(day, str):
        try:
            day = datetime.fromisoformat(day) if "T" in day else date.fromisoformat(day[:10])
        except ValueError:
            return str(day)
    return fmt.date(day)


def birthday_text(fmt: Formats, birthday: str | None) -> str | None:
    found = birthday_month_day(birthday)
    if found is None or birthday is None:
        return None
    month, day = found
    year = None if birthday.startswith("--") else int(birthday[:4])
    return fmt.birthday(month, day, year)


def value_text(
    t: Callable[[str], str],
    fmt: Formats,
    spec: FieldSpec,
    values: dict[str, Any],
    names: dict[int, str],
    *,
    compact: bool = False,
) -> str | None:
    """A field's stored value, or None when empty; ``compact`` for buttons (1.2M ₽)."""
    raw = values.get(spec.col)
    if spec.kind == "money":
        assert spec.currency_column is not None
        return amount_text(fmt, raw, values.get(spec.currency_column), compact=compact)
    if raw is None or raw == "":
        return None
    if spec.kind == "choice":
        return t(spec.option_message(str(raw)))
    if spec.kind == "flag":
        return t("profile.yes") if raw else t("profile.no")
    if spec.kind == "manager":
        return names.get(int(raw), f"#{raw}")
    if spec.kind == "date":
        return day_text(fmt, raw)
    if spec.kind == "birthday":
        return birthday_text(fmt, str(raw))
    if spec.key == "aliases":
        return ", ".join(line for line in str(raw).splitlines() if line.strip())
    return str(raw)
