"""The card's header, every section's view (paginated), the brief, inline mode, the export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document

from domain.clock import FakeClock
from storage import Storage
from storage.codec import dt_to_db
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser
from tests.handlers.test_profile_create_find import create


async def _seed(storage: Storage, clock: FakeClock) -> int:
    """A rich profile straight through the storage layer (what other flows would write)."""
    now = clock.now()
    [account] = await storage.accounts.visible(1, sees_all=True)
    me = account.owner_id
    assert me is not None
    p = storage.profile
    await storage.accounts.update(
        account.id,
        actor_id=me,
        now=now,
        goals="Double exports",
        description="Steel <mill>",
        opportunity_1y_minor=120_000_000,
        opportunity_1y_currency="RUB",
    )
    await p.add_item(
        "contact",
        account.id,
        {
            "full_name": "Ivan Petrov",
            "position": "CEO",
            "decision_role": "decision_maker",
            "attitude": "supporter",
            "birthday": "--11-30",
            "phone": "+7 916 000-00-00",
        },
        actor_id=me,
        now=now,
    )
    await p.add_item(
        "related", account.id, {"kind": "branch", "name": "Ural branch"}, actor_id=me, now=now
    )
    await p.add_item(
        "related",
        account.id,
        {"kind": "competitor", "name": "Severstal", "note": "cheaper"},
        actor_id=me,
        now=now,
    )
    await p.add_item(
        "team",
        account.id,
        {"name": "Oleg Sidorov", "role": "CFO", "is_executive_sponsor": True},
        actor_id=me,
        now=now,
    )
    await p.add_item(
        "deal",
        account.id,
        {"kind": "tender", "title": "Pipes 2025", "stage": "lost", "result_reason": "price"},
        actor_id=me,
        now=now,
    )
    await p.add_item(
        "spend",
        account.id,
        {"need": "Logistics", "amount_minor": 5_000_000, "currency": "RUB", "period": "month"},
        actor_id=me,
        now=now,
    )
    await p.add_item(
        "supplier", account.id, {"name": "OldSteel", "reason_left": "late"}, actor_id=me, now=now
    )
    await p.add_item(
        "plan",
        account.id,
        {"text": "Visit the plant", "due_at": now + timedelta(days=3)},
        actor_id=me,
        now=now,
    )
    for number in range(30):
        await p.add_item(
            "related",
            account.id,
            {"kind": "customer", "name": f"Customer {number:02d}", "note": "x" * 150},
            actor_id=me,
            now=now,
        )
    async with storage.db.transaction() as conn:
        stamp = dt_to_db(now - timedelta(days=5))
        await conn.execute(
            "INSERT INTO meetings (account_id, author_id, status, kind, starts_at, summary,"
            " outcome, created_at, updated_at) VALUES (?, ?, 'held', 'visit', ?, ?, 'positive',"
            " ?, ?)",
            (account.id, me, stamp, "Agreed on a pilot", stamp, stamp),
        )
        for days, score in ((20, 3), (5, 5)):
            at = dt_to_db(now - timedelta(days=days))
            await conn.execute(
                "INSERT INTO satisfaction_checks (account_id, manager_id, due_at, answered_at,"
                " score, status, created_at) VALUES (?, ?, ?, ?, ?, 'answered', ?)",
                (account.id, me, at, at, score, at),
            )
        await conn.execute(
            "INSERT INTO contracts (account_id, title, ends_on, status, created_at, updated_at)"
            " VALUES (?, 'Supply 2026', ?, 'active', ?, ?)",
            (account.id, (now + timedelta(days=10)).date().isoformat(), stamp, stamp),
        )
    return account.id


async def test_card_header_and_every_section(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _seed(storage, clock)
    await admin.press_data(f"acc:open:{account_id}")
    card = admin.last_text
    assert "Satisfaction: 5/5 ↗" in card
    assert "Opportunity: 1 year 1.2M\u00a0₽ · 3-5 years —" in card
    assert "Next: Visit the plant" in card
    assert "missing: decision process" in card
    assert "🏢 Structure (32)" in admin.buttons
    expected = {
        "📋 General": ["Double exports", "Steel <mill>"],
        "👤 Contacts": ["Ivan Petrov", "Decision maker", "Supporter"],
        "🤝 Our team": ["Oleg Sidorov", "executive sponsor"],
        "📜 History": ["Pipes 2025", "Tender", "price"],
        "💰 Spending": ["Logistics", "per month", "OldSteel", "late"],
        "🎯 Prospects": ["Visit the plant", "Opportunity, 1 year"],
    }
    for label, needles in expected.items():
        await admin.press(label)
        for needle in needles:
            assert needle in admin.last_text, (label, needle)
        await admin.press("To the card")
    await admin.press("🏢 Structure")
    assert "Ural branch" in admin.last_text and "(page 1 of " in admin.last_text
    pages = int(admin.last_text.split("(page 1 of ")[1].split(")")[0])
    assert pages > 1 and len(admin.last_text) < 2000
    for _ in range(pages - 1):
        await admin.press("▶")
    assert f"page {pages} of {pages}" in admin.last_text and "Customer 29" in admin.last_text
    await admin.press("◀")
    assert f"page {pages - 1} of {pages}" in admin.last_text


async def test_brief(admin: TelegramUser, storage: Storage, clock: FakeClock) -> None:
    await create(admin, "VT-Metal")
    account_id = await _seed(storage, clock)
    await admin.press_data(f"acc:open:{account_id}")
    await admin.press("Brief me")
    brief = admin.last_text
    for needle in (
        "Ivan Petrov",
        "Decision maker",
        "Birthdays this month",
        "Agreed on a pilot",
        "5 days ago",
        "Latest satisfaction: 5/5",
        "Supply 2026",
        "Next plan step: Visit the plant",
    ):
        assert needle in brief, needle


async def test_inline_mode_lists_clients_without_confidential_fields(
    admin: TelegramUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    await create(admin, "VT-Metal")
    await _seed(storage, clock)
    await admin.send_update({"query": "vt", "chat_type": "sender"}, kind="inline_query")
    [answer] = fake.inline_answers(ADMIN_ID)
    [result] = answer.results
    assert result["title"] == "VT-Metal"
    text = result["input_message_content"]["message_text"]
    assert "VT-Metal" in text and "Owner" in text
    assert "916" not in text and "1.2M" not in text and "₽" not in text


@pytest.mark.parametrize(
    ("chat_type", "cards"),
    [
        ("sender", True),
        ("private", True),
        ("group", False),
        ("supergroup", False),
        ("channel", False),
        (None, False),  # Telegram leaves it out for some chats: no cards either
    ],
)
async def test_inline_cards_only_in_private_chats(
    admin: TelegramUser, fake: FakeTelegram, chat_type: str | None, cards: bool
) -> None:
    await create(admin, "VT-Metal")
    for query in ("vt", ""):  # a search, and the recent clients of an empty query
        payload: dict[str, object] = {"query": query}
        if chat_type is not None:
            payload["chat_type"] = chat_type
        await admin.send_update(payload, kind="inline_query")
        answer = fake.inline_answers(ADMIN_ID)[-1]
        if cards:
            assert [r["title"] for r in answer.results] == ["VT-Metal"]
            assert "button" not in answer.params
        else:
            assert answer.results == []
            assert answer.params["button"] == {
                "text": "🔒 Client cards only in a private chat",
                "start_parameter": "inline",
            }


async def test_inline_refusal_speaks_the_managers_language(
    make_user: MakeUser, fake: FakeTelegram, storage: Storage, clock: FakeClock
) -> None:
    expected = {
        "zh": "🔒 客户卡片仅限私聊中使用",
        "ru": "🔒 Карточки клиентов — только в личном чате",
    }
    for offset, (language, text) in enumerate(expected.items()):
        user_id = 7000 + offset
        user = await make_user(user_id, "Kim", language)
        await storage.managers.create(
            telegram_id=user_id,
            full_name="Kim",
            username=None,
            role="kam",
            language=language,
            timezone="UTC",
            now=clock.now(),
        )
        await user.send_update({"query": "vt", "chat_type": "group"}, kind="inline_query")
        [answer] = fake.inline_answers(user_id)
        assert answer.results == [] and answer.params["button"]["text"] == text


async def test_export_sends_a_docx_with_all_sections(
    admin: TelegramUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _seed(storage, clock)
    await admin.press_data(f"acc:open:{account_id}")
    await admin.press("Document")
    message = admin.last_message
    assert message.document is not None and message.document["file_name"] == "VT-Metal.docx"
    data = fake.file(message.document["file_id"])
    assert data is not None
    document = Document(io.BytesIO(data.data))
    text = "\n".join(p.text for p in document.paragraphs)
    for needle in ("VT-Metal", "General", "Ivan Petrov", "Pipes 2025", "Severstal", "OldSteel"):
        assert needle in text, needle


async def test_the_card_marks_an_overdue_next_task(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    [account] = await storage.accounts.visible(1, sees_all=True)
    assert account.owner_id is not None
    await storage.profile.add_item(
        "plan",
        account.id,
        {"text": "Send the offer", "due_at": clock.now() - timedelta(days=2)},
        actor_id=account.owner_id,
        now=clock.now(),
    )
    await admin.press_data(f"acc:open:{account.id}")
    assert "Next: Send the offer — ⚠️ overdue since" in admin.last_text
    clock.advance(timedelta(days=-3))  # the same step seen before its day: not overdue
    await admin.press_data(f"acc:open:{account.id}")
    assert "Send the offer" in admin.last_text and "overdue" not in admin.last_text


async def test_timeline_from_the_card_edits_the_card_in_place(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _seed(storage, clock)
    await admin.press_data(f"acc:open:{account_id}")
    card = admin.last_message.message_id
    sent = len(admin.bot_texts())
    await admin.press("🕓 Timeline")
    assert "Agreed on a pilot" in admin.last_text
    assert admin.last_message.message_id == card and len(admin.bot_texts()) == sent
    await admin.press("View account")
    assert admin.last_message.message_id == card and "Owner" in admin.last_text
    assert len(admin.bot_texts()) == sent


async def test_a_long_description_is_paged_whole(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    [account] = await storage.accounts.visible(1, sees_all=True)
    assert account.owner_id is not None
    sentences = [f"Fact {n:03d} about the plant & its <mill>." for n in range(48)]
    description = " ".join(sentences[:24]) + "\n\n" + " ".join(sentences[24:])
    sentences.append("Tail" + "t" * (1981 - len(description) - 5))
    description += " " + sentences[-1]
    assert len(description) == 1981
    note = "Notes " + "n" * 1990
    await storage.accounts.update(
        account.id, actor_id=account.owner_id, now=clock.now(), description=description
    )
    await storage.profile.add_item(
        "contact",
        account.id,
        {"full_name": "Ivan Petrov", "notes": note},
        actor_id=account.owner_id,
        now=clock.now(),
    )
    await admin.press_data(f"acc:open:{account.id}")
    for section, needles in (("📋 General", sentences), ("👤 Contacts", [note])):
        await admin.press(section)
        pages = [admin.last_text]
        while "▶" in admin.buttons:
            await admin.press("▶")
            pages.append(admin.last_text)
        assert len(pages) > 1 and all("(page" in page for page in pages)
        # Without the headers and the continuation marks, the pages hold every character.
        shown = "".join(page.split("\n", 2)[2].replace("… ", "") for page in pages)
        for needle in needles:
            assert shown.count(needle) == 1, needle
        assert all("…" not in page.replace("… ", "") for page in pages)  # nothing clipped
        await admin.press("To the card")


async def test_export_has_the_timeline_and_sub_headings(
    admin: TelegramUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _seed(storage, clock)
    [contact] = await storage.contacts.for_account(account_id)
    [(meeting_id,)] = await storage.db.fetch_all("SELECT id FROM meetings")
    stamp = dt_to_db(clock.now())
    async with storage.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO meeting_contacts (meeting_id, contact_id) VALUES (?, ?)",
            (meeting_id, contact.id),
        )
        await conn.execute(
            "UPDATE meetings SET outcome_reason = 'price fits' WHERE id = ?", (meeting_id,)
        )
        await conn.execute(
            "INSERT INTO tasks (account_id, meeting_id, assignee_id, text, origin, due_at,"
            " status, created_at, updated_at) VALUES (?, ?, 1, 'Send the pilot offer',"
            " 'follow_up', ?, 'open', ?, ?)",
            (account_id, meeting_id, dt_to_db(clock.now() + timedelta(days=2)), stamp, stamp),
        )
    await admin.press_data(f"acc:open:{account_id}")
    await admin.press("Document")
    document = admin.last_message.document
    assert document is not None
    data = fake.file(document["file_id"])
    assert data is not None
    paragraphs = Document(io.BytesIO(data.data)).paragraphs
    styled = [(p.style.name if p.style else "", p.text) for p in paragraphs]
    headings = [(style, text) for style, text in styled if style.startswith("Heading")]
    h2 = [text for style, text in headings if style == "Heading 2"]
    assert h2 == [
        "Divisions, branches, subsidiaries",
        "Related organisations",
        "What the client spends",
        "Previous suppliers",
    ]
    assert ("Heading 1", "Meetings") in headings
    texts = [p.text for p in paragraphs]
    timeline = texts[texts.index("Meetings") :]
    assert "Visit" in timeline[1]  # date · kind
    for needle in (
        "People: Ivan Petrov",
        "Summary: Agreed on a pilot",
        "Outcome: 👍 Positive — price fits",
        "Next step: Send the pilot offer — ",
    ):
        assert any(text.startswith(needle) for text in timeline), needle
    structure = texts.index("Divisions, branches, subsidiaries")
    assert texts[structure + 1] == "Ural branch"
    assert texts.index("Severstal") > texts.index("Related organisations")
