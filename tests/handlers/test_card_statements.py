"""The account card is built in a handful of SQL statements, however rich the profile."""

from __future__ import annotations

from domain.clock import FakeClock
from storage import Storage
from storage.profile import CardSnapshot
from tests.fake_telegram import TelegramUser
from tests.handlers.test_profile_create_find import create
from tests.handlers.test_profile_views import _seed

MAX_CARD_STATEMENTS = 5


async def _card_reads(admin: TelegramUser, storage: Storage, account_id: int) -> list[str]:
    """The statements that read the database while the card opens (the persistence flush,
    which writes the manager's state after every update, is not the card's)."""
    statements: list[str] = []
    await storage.db.connection.set_trace_callback(statements.append)
    try:
        await admin.press_data(f"acc:open:{account_id}")
    finally:
        await storage.db.connection.set_trace_callback(lambda _statement: None)
    return [s.strip() for s in statements if s.strip().upper().startswith(("SELECT", "WITH"))]


async def test_the_card_of_a_rich_profile_takes_at_most_five_statements(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _seed(storage, clock)
    reads = await _card_reads(admin, storage, account_id)
    assert "Satisfaction: 5/5 ↗" in admin.last_text
    assert "Supply 2026" in admin.last_text
    assert 0 < len(reads) <= MAX_CARD_STATEMENTS, "\n".join(reads)


async def test_the_cards_own_reading_says_what_the_whole_profile_says(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "VT-Metal")
    account_id = await _seed(storage, clock)
    now = clock.now()
    whole = await storage.profile.snapshot(account_id, now=now, today=now.date())
    assert whole is not None
    assert await storage.profile.card_snapshot(account_id) == CardSnapshot.of(whole)
    assert await storage.profile.card_snapshot(account_id + 1000) is None
