from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from domain.meeting_draft import (
    DraftAttachment,
    MeetingDraft,
    NextStep,
    iso,
    looks_like_a_person,
    place,
    split_name_and_position,
)

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)


def test_draft_survives_a_json_round_trip() -> None:
    draft = MeetingDraft.start("tok", NOW, satisfaction_days=14)
    draft.set_account(5, "VT-Metal")
    draft.toggle_contact(3)
    draft.add_new_contact("Wang Wei", "CFO")
    draft.add_note("Prices")
    draft.add_attachment(DraftAttachment("voice", "f1", "u1"))
    draft.next_steps.append(NextStep("send offer", iso(NOW + timedelta(days=1)), False))
    again = MeetingDraft.from_dict(json.loads(json.dumps(draft.to_dict())))
    assert again == draft
    assert again.satisfaction_days == 14


def test_unknown_keys_from_an_older_version_are_ignored() -> None:
    data = MeetingDraft.start("tok", NOW).to_dict() | {"removed_field": 1}
    assert MeetingDraft.from_dict(data).token == "tok"


def test_future_time_means_planned_and_just_now_is_held() -> None:
    draft = MeetingDraft.start("tok", NOW)
    assert not draft.is_planned(NOW)
    assert draft.start_time(NOW) == NOW
    draft.starts_at = iso(NOW + timedelta(minutes=5))
    assert not draft.is_planned(NOW)  # a few minutes ahead is still now
    draft.starts_at = iso(NOW + timedelta(days=1))
    assert draft.is_planned(NOW)
    assert draft.satisfaction_due(NOW) == NOW + timedelta(days=8)


def test_problems_and_limits() -> None:
    draft = MeetingDraft.start("tok", NOW)
    assert draft.problems(NOW) == ["no_account"]
    draft.set_account(None, "New Co")
    assert draft.is_new_account and draft.problems(NOW) == []
    draft.pending_step = "call back"
    assert draft.problems(NOW) == ["pending_step"]
    assert not draft.add_note("x" * 100_001)
    draft.satisfaction_days = 0
    assert draft.satisfaction_due(NOW) is None


def test_choosing_another_account_forgets_its_people() -> None:
    draft = MeetingDraft.start("tok", NOW)
    draft.set_account(1, "A")
    draft.toggle_contact(10)
    draft.set_account(1, "A")
    assert draft.contact_ids == [10]
    draft.set_account(2, "B")
    assert draft.contact_ids == []


def test_has_content() -> None:
    draft = MeetingDraft.start("tok", NOW)
    assert not draft.has_content()
    draft.set_account(1, "A")
    assert draft.has_content()


def test_name_and_position() -> None:
    assert split_name_and_position("Ivan Petrov, CFO") == ("Ivan Petrov", "CFO")
    assert split_name_and_position("王伟，采购总监") == ("王伟", "采购总监")
    assert split_name_and_position("Иван Петров - директор") == ("Иван Петров", "директор")
    assert split_name_and_position("Olga (head of purchasing)") == ("Olga", "head of purchasing")
    assert split_name_and_position("  Ivan   Petrov ") == ("Ivan Petrov", None)


@pytest.mark.parametrize(
    "text",
    ["Ivan Petrov", "Ivan Petrov, CFO", "Олег Смирнов — главный инженер", "王伟，财务总监", "李娜"],
)
def test_names_of_people(text: str) -> None:
    assert looks_like_a_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "Agreed Q3 prices, they want a 5% discount",
        "They liked the samples and want to meet the CFO next week",
        "Обсудили цены на третий квартал. Ждут предложение",
        "讨论了第三季度价格，客户要求5%折扣",
    ],
)
def test_sentences_are_not_people(text: str) -> None:
    assert not looks_like_a_person(text)


def test_planning_keeps_a_near_start_planned() -> None:
    draft = MeetingDraft.start("tok", NOW, mode="planned")
    draft.starts_at = iso(NOW + timedelta(minutes=5))
    assert draft.is_planned(NOW) and draft.speaks_of_future(NOW)
    # a start that passes while the card is open stays planned
    assert draft.is_planned(NOW + timedelta(minutes=8))
    draft.starts_at = iso(NOW - timedelta(days=1))
    assert not draft.is_planned(NOW) and not draft.speaks_of_future(NOW)
    draft.starts_at = None  # before the time is chosen, planning speaks of the future
    assert not draft.is_planned(NOW) and draft.speaks_of_future(NOW)


@pytest.mark.parametrize(
    "text", ["Talked about logistics", "Обсудили логистику", "discussed the new prices"]
)
def test_short_sentences_are_not_people(text: str) -> None:
    assert not looks_like_a_person(text)


@pytest.mark.parametrize("text", ["ivan petrov", "Ludwig van Beethoven", "Олег Смирнов"])
def test_names_in_any_case_are_people(text: str) -> None:
    assert looks_like_a_person(text)


def test_the_place_is_the_typed_one_else_the_pinned_point() -> None:
    assert place("Lenina st. 5", 55.75, 37.61) == "Lenina st. 5"
    assert place(None, 55.75, 37.6166667) == "55.75000, 37.61667"
    assert place("", None, None) is None and place(None, 55.75, None) is None


def test_an_edit_of_a_held_meeting_is_told_from_recording_a_planned_one() -> None:
    draft = MeetingDraft.start("tok", NOW)
    assert not draft.edits_held
    draft.editing_meeting_id = 7
    assert draft.edits_held
    draft.source_meeting_id = 7
    assert not draft.edits_held
