from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.meeting_draft import MeetingDraft, iso
from domain.quick_log import find_when, guess, prefill
from domain.search import Candidate

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)  # Thursday
TZ = ZoneInfo("Europe/Moscow")
ACCOUNTS = [
    Candidate(1, "VT-Metal", ("VT-Metal", "ВТ-Металл")),
    Candidate(2, "Sinopec", ("Sinopec", "中国石化")),
    Candidate(3, "Roga i Kopyta", ("Roga i Kopyta",)),
]
CONTACTS = {
    1: [
        Candidate(10, "Ivan Petrov", ("Ivan Petrov",)),
        Candidate(11, "Olga Smirnova", ("Olga Smirnova",)),
        Candidate(12, "Иван Петров", ("Иван Петров",)),
    ],
    2: [Candidate(20, "王伟", ("王伟",))],
}
FRIDAY = datetime(2026, 11, 26, 21, 0, tzinfo=UTC)  # Fri 27 Nov, local midnight


def _guess(text: str):  # type: ignore[no-untyped-def]
    return guess(text, now=NOW, tz=TZ, accounts=ACCOUNTS, contacts_of=CONTACTS)


def test_english_message() -> None:
    found = _guess("Met Ivan Petrov at VT-Metal today, agreed Q3 prices, send offer by Friday")
    assert found.account_id == 1 and found.contact_ids == (10,)
    assert found.when is not None and found.when.at.date().isoformat() == "2026-11-25"
    assert [(f.text, f.due.at if f.due else None) for f in found.follow_ups] == [
        ("send offer", FRIDAY)
    ]


def test_russian_message_with_declined_names() -> None:
    found = _guess(
        "Встретился с Иваном Петровым в ВТ-Металл вчера, договорились о ценах,"
        " отправить КП до пятницы"
    )
    assert found.account_id == 1 and found.contact_ids == (12,)
    assert found.when is not None and found.when.at == datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
    assert found.follow_ups[0].text == "отправить КП" and found.follow_ups[0].due is not None
    assert found.follow_ups[0].due.at == FRIDAY


def test_chinese_message() -> None:
    found = _guess("昨天在中国石化见了王伟，同意了价格，周五前发报价")
    assert found.account_id == 2 and found.contact_ids == (20,)
    assert found.follow_ups[0].text == "发报价"
    assert found.follow_ups[0].due is not None and found.follow_ups[0].due.at == FRIDAY


def test_typo_in_the_account_name() -> None:
    assert _guess("VT Metall yesterday 15:00 talked about pricing").account_id == 1


def test_no_account() -> None:
    found = _guess("hello there, nice weather")
    assert found.account_id is None and found.summary == "hello there, nice weather"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call them tomorrow", "tomorrow"),
        ("позвонить в пятницу", "в пятницу"),
        ("no date here", None),
    ],
)
def test_find_when(text: str, expected: str | None) -> None:
    found = find_when(text, now=NOW, tz=TZ, prefer="future")
    assert (found[0] if found else None) == expected


def test_a_contact_written_in_latin_is_found_from_russian_text() -> None:
    contacts = {
        1: [
            Candidate(10, "Ivan Petrov", ("Ivan Petrov",)),
            Candidate(11, "Elena Smirnova", ("Elena Smirnova",)),
        ]
    }
    found = guess(
        "Встретился с Иваном Петровым и Еленой Смирновой в ВТ-Металл, отправить КП до пятницы",
        now=NOW,
        tz=TZ,
        accounts=ACCOUNTS,
        contacts_of=contacts,
    )
    assert found.account_id == 1 and set(found.contact_ids) == {10, 11}


HUAXIN = Candidate(4, "华信物流", ("华信物流", "Huaxin Logistics"))
HUAXIN_PEOPLE = [Candidate(40, "王伟", ("王伟",)), Candidate(41, "李娜", ("李娜",))]


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("Встретились с Петровым, до пятницы отправить предложение", "отправить предложение"),
        ("Встретились с Петровым, к пятнице отправить предложение", "отправить предложение"),
        ("Встретились с Петровым, отправить предложение до пятницы", "отправить предложение"),
        ("Встретились с Петровым, в пятницу отправить предложение", "отправить предложение"),
        ("Met Petrov, by Friday send the offer", "send the offer"),
        ("Met Petrov, before Friday send the offer", "send the offer"),
        ("Met Petrov, send the offer on Friday", "send the offer"),
        ("见了王伟，周五前发报价", "发报价"),
        ("见了王伟，在周五之前发送报价", "发送报价"),
    ],
)
def test_the_date_phrase_leaves_the_next_step_whole(text: str, step: str) -> None:
    found = _guess(text)
    assert [(f.text, f.due.at if f.due else None) for f in found.follow_ups] == [(step, FRIDAY)]


def test_the_chinese_notes_of_issue_8() -> None:
    found = guess(
        "今天在VT-Metal见了Ivan Petrov，商定了第三季度价格，周五前发报价",
        now=NOW,
        tz=TZ,
        accounts=ACCOUNTS,
        contacts_of=CONTACTS,
    )
    assert found.account_id == 1 and found.contact_ids == (10,)
    assert [(f.text, f.due.at if f.due else None) for f in found.follow_ups] == [("发报价", FRIDAY)]
    found = guess(
        "今天拜访了华信物流的王伟，讨论了托盘需求，下周三前发送规格",
        now=NOW,
        tz=TZ,
        accounts=[*ACCOUNTS, HUAXIN],
        contacts_of={4: HUAXIN_PEOPLE},
    )
    assert found.account_id == 4 and found.contact_ids == (40,)
    assert found.when is not None and found.when.at.astimezone(TZ).date().isoformat() == (
        "2026-11-26"
    )
    wednesday = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)  # Wed 2 Dec, local midnight
    assert [(f.text, f.due.at if f.due else None) for f in found.follow_ups] == [
        ("发送规格", wednesday)
    ]


def test_latin_names_inside_chinese_text_are_words() -> None:
    contacts = {1: [Candidate(13, "Li Na", ("Li Na",)), Candidate(10, "Ivan Petrov", ("x",))]}
    found = guess(
        "昨天在VT-Metal见了Li Na和Ivan Petrov，商定了价格",
        now=NOW,
        tz=TZ,
        accounts=ACCOUNTS,
        contacts_of=contacts,
    )
    assert found.account_id == 1 and set(found.contact_ids) == {13, 10}


def test_prefill_puts_the_text_a_past_time_follow_ups_and_the_client_on_the_draft() -> None:
    found = guess(
        "Met VT-Metal yesterday, agreed prices, send offer by Friday",
        now=NOW,
        tz=TZ,
        accounts=[Candidate(5, "VT-Metal", ("VT-Metal",))],
        contacts_of={},
    )
    draft = MeetingDraft.start("tok", NOW)
    prefill(draft, "the text", found, {5: "VT-Metal"}, NOW)
    assert draft.notes == ["the text"] and draft.return_to_review
    assert (draft.account_id, draft.account_name) == (5, "VT-Metal")
    assert draft.starts_at is not None and draft.starts_at < iso(NOW)
    assert [s.due_at is not None for s in draft.next_steps] == [True]
