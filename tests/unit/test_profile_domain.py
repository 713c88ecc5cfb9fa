"""The profile's field catalogue, validation, completeness, trend, brief picks and export."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from bot.i18n import catalogs
from domain.brief import birthdays_this_month, key_people, next_plan_step
from domain.export import DocOutline, DocSection, build_docx
from domain.money import Money
from domain.profile import (
    FIELDS,
    SECTIONS,
    Clipped,
    Invalid,
    Parsed,
    completeness,
    contact_from_card,
    field_spec,
    from_stored_form,
    is_overdue,
    list_groups,
    parse_birthday,
    parse_value,
    read_value,
    same_phone,
    satisfaction_trend,
    stored_form,
)

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
MSK = ZoneInfo("Europe/Moscow")


def _parse(entity: str, key: str, text: str) -> Parsed | Invalid:
    spec = field_spec(entity, key)  # type: ignore[arg-type]
    assert spec is not None
    return parse_value(spec, text, now=NOW, tz=MSK, default_currency="RUB")


def test_every_label_and_option_is_translated() -> None:
    english = catalogs()["en"].messages
    labels = {spec.label for specs in FIELDS.values() for spec in specs}
    labels |= {
        spec.option_message(o) for specs in FIELDS.values() for spec in specs for o in spec.options
    }
    labels |= {section.label for section in SECTIONS}
    labels |= {
        f"profile.prompt.{spec.kind}"
        for specs in FIELDS.values()
        for spec in specs
        if spec.kind not in ("choice", "manager", "flag")
    }
    assert sorted(label for label in labels if label not in english) == []


@pytest.mark.parametrize(
    ("text", "minor", "currency"),
    [
        ("1.2m RUB", 120_000_000, "RUB"),
        ("300 000 ₽", 30_000_000, "RUB"),
        ("50万元", 50_000_000, "CNY"),
        ("$20k", 2_000_000, "USD"),
        ("15000", 1_500_000, "RUB"),
    ],
)
def test_money(text: str, minor: int, currency: str) -> None:
    result = _parse("account", "opportunity_1y", text)
    assert isinstance(result, Parsed)
    assert result.changes == {"opportunity_1y_minor": minor, "opportunity_1y_currency": currency}
    assert result.shown == Money(minor, currency)


@pytest.mark.parametrize(
    ("entity", "key", "text", "reason"),
    [
        ("account", "opportunity_1y", "a lot", "profile.invalid.money"),
        ("account", "goals", "   ", "profile.invalid.empty"),
        ("account", "goals", "x" * 2001, "profile.invalid.too_long"),
        ("account", "contact_cadence_days", "0", "profile.invalid.number"),
        ("account", "contact_cadence_days", "twelve", "profile.invalid.number"),
        ("account", "status", "active", "profile.invalid.use_buttons"),
        ("contact", "phone", "call me", "profile.invalid.phone"),
        ("contact", "phone", "12", "profile.invalid.phone"),
        ("contact", "email", "ivan at mail", "profile.invalid.email"),
        ("contact", "birthday", "31.02", "profile.invalid.birthday"),
        ("contact", "birthday", "12.03.2030", "profile.invalid.birthday"),
        ("deal", "expected_close_on", "whenever", "profile.invalid.date"),
        ("deal", "probability", "120%", "profile.invalid.number"),
    ],
)
def test_invalid_values_say_why(entity: str, key: str, text: str, reason: str) -> None:
    result = _parse(entity, key, text)
    assert isinstance(result, Invalid) and result.reason == reason


def test_text_number_date_birthday_and_aliases() -> None:
    assert _parse("account", "goals", "  Grow  ") == Parsed({"goals": "Grow"}, "Grow")
    assert _parse("deal", "probability", "70 %") == Parsed({"probability": 70}, 70)
    closing = _parse("deal", "expected_close_on", "15.12.2026")
    assert isinstance(closing, Parsed) and closing.changes == {
        "expected_close_on": date(2026, 12, 15)
    }
    due = _parse("plan", "due_at", "tomorrow 10:00")
    assert isinstance(due, Parsed) and due.changes["due_has_time"] is True
    assert due.changes["due_at"] == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    assert _parse("account", "aliases", "ВТ-Металл, VT Metal;ВТ-Металл") == Parsed(
        {"aliases": "ВТ-Металл\nVT Metal"}, "ВТ-Металл\nVT Metal"
    )
    assert parse_birthday("12.03", now=NOW, tz=MSK) == "--03-12"
    assert parse_birthday("1980-03-12", now=NOW, tz=MSK) == "1980-03-12"
    assert parse_birthday("29.02", now=NOW, tz=MSK) == "--02-29"


def test_a_value_too_long_is_offered_cut_to_the_limit() -> None:
    goals = field_spec("account", "goals")
    assert goals is not None
    result = read_value(goals, "g" * 2001, now=NOW, tz=MSK, default_currency="RUB")
    assert isinstance(result, Clipped) and result.parsed.changes == {"goals": "g" * 2000}
    assert result.why == Invalid("profile.invalid.too_long", {"limit": 2000, "length": 2001})
    assert read_value(goals, "Grow", now=NOW, tz=MSK, default_currency="RUB") == Parsed(
        {"goals": "Grow"}, "Grow"
    )
    phone = field_spec("contact", "phone")
    assert phone is not None
    refused = read_value(phone, "call me", now=NOW, tz=MSK, default_currency="RUB")
    assert refused == Invalid("profile.invalid.phone", {})
    picked = [spec.key for spec in FIELDS["team"] if spec.picked]
    assert picked == ["manager_id", "is_executive_sponsor"]


def test_values_kept_in_a_dialog_come_back_as_they_were() -> None:
    changes = {"due_at": NOW, "expected_close_on": date(2026, 12, 15), "goals": "x", "n": None}
    kept = stored_form(changes)
    assert json.loads(json.dumps(kept)) == kept
    assert from_stored_form(kept) == changes


def test_a_shared_contact_card_and_its_phone() -> None:
    assert contact_from_card("Olga", "Ko", "+7 (916) 123-45-67") == {
        "full_name": "Olga Ko",
        "phone": "+79161234567",
    }
    assert contact_from_card(None, None, None) == {"full_name": "—", "phone": None}
    assert same_phone("+7 916 123 45 67", "+79161234567")
    assert not same_phone(None, None) and not same_phone("+7 916", "+7 917")


def test_completeness_weighs_what_matters() -> None:
    empty = completeness({}, {})
    assert empty.percent == 0
    assert empty.missing[:3] == ("decision_process", "decision_maker", "opportunity_1y")
    better = completeness(
        {"decision_process": "CFO signs", "opportunity_1y_minor": 1, "goals": "grow"},
        {"contact": [{"decision_role": "decision_maker"}], "team": [{"is_executive_sponsor": 1}]},
    )
    assert better.missing[:2] == ("opportunity_3_5y", "action_plan")
    assert 50 <= better.percent < 100


def test_satisfaction_trend() -> None:
    assert satisfaction_trend([]) is None
    single = satisfaction_trend([4])
    assert single is not None and single.direction is None
    up = satisfaction_trend([5, 3, 3])
    assert up is not None and (up.latest, up.direction) == (5, "up")
    down = satisfaction_trend([2, 4, 5, 4])
    assert down is not None and down.direction == "down"
    flat = satisfaction_trend([4, 4, 4])
    assert flat is not None and flat.direction == "flat"


def test_brief_picks() -> None:
    people: list[dict[str, Any]] = [
        {"full_name": "Zoe", "decision_role": None},
        {"full_name": "Ann", "decision_role": "influencer", "birthday": "--11-03"},
        {"full_name": "Bob", "decision_role": "decision_maker", "birthday": "1970-11-28"},
    ]
    assert [p["full_name"] for p in key_people(people)] == ["Bob", "Ann", "Zoe"]
    found = birthdays_this_month(people, date(2026, 11, 26))
    assert [(day, p["full_name"]) for day, p in found] == [(3, "Ann"), (28, "Bob")]
    steps = [{"text": "a", "status": "done"}, {"text": "b", "status": "open"}]
    assert next_plan_step(steps) == {"text": "b", "status": "open"}


def test_docx_holds_every_script_and_survives_control_characters() -> None:
    outline = DocOutline(
        "华信物流",
        "Профиль\x07 клиента",
        [DocSection("General", [("Goals", "增长 <b>x</b>\x00")], [["Иван", "CEO"]])],
    )
    document = Document(io.BytesIO(build_docx(outline)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "华信物流" in text and "Профиль клиента" in text and "增长 <b>x</b>" in text
    assert "Иван" in text


def test_a_task_is_overdue_after_its_time_or_after_its_whole_day() -> None:
    tz = ZoneInfo("Europe/Moscow")
    now = datetime(2026, 12, 1, 12, 0, tzinfo=tz)
    earlier_today = datetime(2026, 12, 1, 9, 0, tzinfo=tz)
    assert is_overdue(earlier_today, True, now, tz)
    assert not is_overdue(earlier_today, False, now, tz)  # due today, no time: not yet
    assert is_overdue(earlier_today - timedelta(days=1), False, now, tz)
    assert not is_overdue(None, False, now, tz)


def test_related_organisations_are_grouped_into_structure_and_others() -> None:
    items = [{"kind": "branch", "n": 1}, {"kind": "partner", "n": 2}, {"kind": "division", "n": 3}]
    assert list_groups("related", items) == [
        ("profile.list.structure", [items[0], items[2]]),
        ("profile.list.related", [items[1]]),
    ]
    assert list_groups("deal", items[:1]) == [("profile.list.deal", items[:1])]
    assert list_groups("related", []) == [
        ("profile.list.structure", []),
        ("profile.list.related", []),
    ]
