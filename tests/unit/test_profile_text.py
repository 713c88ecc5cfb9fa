from __future__ import annotations

from datetime import UTC, date, datetime

from domain.formatting import formats
from domain.profile import field_spec
from domain.profile_text import amount_text, birthday_text, day_text, value_text


def _t(key: str) -> str:
    return f"<{key}>"


def test_amounts_days_and_birthdays_in_the_readers_formats() -> None:
    en = formats("en")
    assert amount_text(en, None, "USD") is None
    assert amount_text(en, 150000, None) is None
    assert amount_text(en, 12, "XXX!") == "12 XXX!"
    assert day_text(en, "") is None
    assert day_text(en, "2026-03-05") == en.date(date(2026, 3, 5))
    assert day_text(en, "not a day") == "not a day"
    assert day_text(en, datetime(2026, 3, 5, 10, tzinfo=UTC)) == en.date(date(2026, 3, 5))
    assert birthday_text(en, "--03-05") == en.birthday(3, 5)
    assert birthday_text(en, "1980-03-05") == en.birthday(3, 5, 1980)
    assert birthday_text(en, None) is None


def test_a_field_value_as_text() -> None:
    ru = formats("ru")
    owner = field_spec("account", "owner_id")
    aliases = field_spec("account", "aliases")
    money = field_spec("account", "opportunity_1y")
    sponsor = field_spec("team", "is_executive_sponsor")
    assert owner and aliases and money and sponsor
    assert value_text(_t, ru, owner, {"owner_id": 7}, {7: "Anna"}) == "Anna"
    assert value_text(_t, ru, owner, {"owner_id": 8}, {}) == "#8"
    assert value_text(_t, ru, aliases, {"aliases": "VT\n\nВТ"}, {}) == "VT, ВТ"
    assert value_text(_t, ru, aliases, {"aliases": ""}, {}) is None
    assert value_text(_t, ru, sponsor, {"is_executive_sponsor": 1}, {}) == "<profile.yes>"
    values = {"opportunity_1y_minor": 120_000_000, "opportunity_1y_currency": "RUB"}
    assert value_text(_t, ru, money, values, {}, compact=True) == amount_text(
        ru, 120_000_000, "RUB", compact=True
    )
