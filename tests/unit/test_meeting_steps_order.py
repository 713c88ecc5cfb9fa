from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from domain import meeting_steps as ms
from domain.meeting_dates import due_preset, picked_due, when_choice
from domain.meeting_draft import MeetingDraft, NextStep, iso

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)


def _draft(mode: str = "held") -> MeetingDraft:
    return MeetingDraft.start("tok", NOW, mode=mode)


def test_a_held_meeting_goes_account_people_notes_then_next_step() -> None:
    draft = _draft()
    assert ms.after(draft, ms.ACCOUNT, NOW) == ms.CONTACTS
    assert ms.after(draft, ms.CONTACTS, NOW) == ms.NOTES
    assert ms.after(draft, ms.NOTES, NOW) == ms.NEXT_TEXT
    assert ms.after(draft, ms.NEXT_TEXT, NOW) == ms.REVIEW


def test_a_plan_asks_when_after_the_client_and_skips_the_next_step() -> None:
    draft = _draft("planned")
    assert ms.after(draft, ms.ACCOUNT, NOW) == ms.WHEN
    assert ms.after(draft, ms.WHEN, NOW) == ms.CONTACTS
    assert ms.after(draft, ms.NOTES, NOW) == ms.REVIEW
    draft.starts_at = iso(NOW + timedelta(days=1))
    assert ms.after(draft, ms.ACCOUNT, NOW) == ms.CONTACTS


def test_an_edit_from_the_card_returns_to_the_card() -> None:
    draft = _draft()
    draft.return_to_review = True
    assert ms.after(draft, ms.NOTES, NOW) == ms.REVIEW
    assert ms.before(draft, ms.KIND, None, NOW) == ms.REVIEW


def test_back_follows_the_declared_step_then_the_order() -> None:
    draft = _draft()
    assert ms.before(draft, ms.NEW_ACCOUNT, ms.ACCOUNT, NOW) == ms.ACCOUNT
    assert ms.before(draft, ms.NOTES, None, NOW) == ms.CONTACTS
    assert ms.before(draft, ms.REASON, ms.OUTCOME, NOW) == ms.NEXT_TEXT
    assert ms.before(_draft("planned"), ms.CONTACTS, None, NOW) == ms.WHEN


def test_back_from_the_card_leaves_editing_and_a_redate_goes_back_to_the_card() -> None:
    draft = _draft()
    draft.return_to_review = True
    assert ms.before(draft, ms.REVIEW, None, NOW) == ms.NEXT_TEXT
    assert not draft.return_to_review
    draft.redate = 0
    assert ms.before(draft, ms.NEXT_DUE, ms.NEXT_TEXT, NOW) == ms.REVIEW


def test_a_draft_continues_at_its_step_or_the_start() -> None:
    draft = _draft()
    assert ms.current_step(draft) == ms.ACCOUNT
    draft.step = ms.RESUME
    draft.return_to_review = True
    assert ms.current_step(draft) == ms.REVIEW
    draft.step = ms.NOTES
    assert ms.current_step(draft) == ms.NOTES


def test_a_due_button_gives_a_preset_none_or_an_allowed_picked_day() -> None:
    tz = ZoneInfo("Europe/Berlin")
    assert picked_due("tomorrow", NOW, tz) == (True, due_preset("tomorrow", NOW, tz))
    assert picked_due("none", NOW, tz) == (True, None)
    assert picked_due("d:20261201", NOW, tz) == (True, datetime(2026, 11, 30, 23, tzinfo=UTC))
    for bad in ("d:20261301", "d:2026120", "d:19991201", "later"):
        assert picked_due(bad, NOW, tz) == (False, None)


def test_a_when_button_gives_just_now_a_local_day_or_a_preset() -> None:
    tz = ZoneInfo("Europe/Berlin")
    assert when_choice("now", NOW, tz) == (None, True)
    assert when_choice("today", NOW, tz) == ("2026-11-25T23:00:00+00:00", False)
    assert when_choice("yest", NOW, tz) == ("2026-11-24T23:00:00+00:00", False)
    assert when_choice("t10", NOW, tz) == ("2026-11-27T09:00:00+00:00", True)
    assert when_choice("later", NOW, tz) is None


def test_a_due_date_goes_to_the_waiting_step_or_the_one_being_redated() -> None:
    draft = _draft()
    assert ms.dated(draft, "2026-11-27T09:00:00+00:00", True) == ms.NEXT_TEXT  # none waits
    assert draft.next_steps == []
    draft.pending_step = "send the offer"
    assert ms.dated(draft, "2026-11-27T09:00:00+00:00", True) == ms.REVIEW
    assert draft.next_steps == [NextStep("send the offer", "2026-11-27T09:00:00+00:00", True)]
    assert draft.pending_step is None
    draft.redate = 0
    assert ms.dated(draft, None, False) == ms.REVIEW
    assert draft.next_steps == [NextStep("send the offer", None, False)] and draft.redate is None
    draft.redate = 5  # the step is gone meanwhile: nothing changes
    assert ms.dated(draft, "2026-11-28T09:00:00+00:00", False) == ms.REVIEW
    assert draft.next_steps == [NextStep("send the offer", None, False)]
