from __future__ import annotations

from domain.clock import FakeClock
from storage import Storage


async def test_user_data_and_conversations_round_trip(storage: Storage, clock: FakeClock) -> None:
    state = storage.bot_state
    await state.save_user_data(
        7, {"prefs": {"mode": "onboarding", "note": "Привет 你好"}}, clock.now()
    )
    await state.save_conversation("preferences", (7, 7), "timezone", clock.now())
    assert await state.all_user_data() == {
        7: {"prefs": {"mode": "onboarding", "note": "Привет 你好"}}
    }
    assert await state.conversations("preferences") == {(7, 7): "timezone"}
    await state.save_conversation("preferences", (7, 7), None, clock.now())
    assert await state.conversations("preferences") == {}
    await state.drop_user_data(7)
    assert await state.all_user_data() == {}
