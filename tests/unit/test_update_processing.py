"""Updates of different users run at the same time; each user's run one at a time, in order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.processing import PerUserProcessor


def _message(update_id: int, user_id: int | None, chat_id: int = 1) -> Update:
    user = User(user_id, "Anna", is_bot=False) if user_id is not None else None
    message = Message(update_id, datetime(2026, 12, 1, tzinfo=UTC), Chat(chat_id, "private"), user)
    return Update(update_id, message=message)


async def test_a_slow_update_of_one_user_does_not_delay_another() -> None:
    processor = PerUserProcessor()
    release_a = asyncio.Event()
    done: list[str] = []

    async def slow_a() -> None:
        await release_a.wait()  # e.g. waiting for a rate-limit slot
        done.append("a")

    async def quick_b() -> None:
        done.append("b")

    async with processor:
        a = asyncio.create_task(processor.process_update(_message(1, 100, 100), slow_a()))
        b = asyncio.create_task(processor.process_update(_message(2, 200, 200), quick_b()))
        await asyncio.wait_for(b, timeout=5)
        assert done == ["b"] and not a.done()
        release_a.set()
        await asyncio.wait_for(a, timeout=5)
    assert done == ["b", "a"]


async def test_updates_of_one_user_run_one_at_a_time_in_the_order_sent() -> None:
    processor = PerUserProcessor()
    release_first = asyncio.Event()
    events: list[str] = []

    async def step(name: str, wait: asyncio.Event | None = None) -> None:
        events.append(f"{name} starts")
        if wait is not None:
            await wait.wait()
        await asyncio.sleep(0)  # lets any other update of this user in, were it allowed
        events.append(f"{name} ends")

    async with processor:
        tasks = [
            asyncio.create_task(
                processor.process_update(_message(1, 100), step("1", release_first))
            ),
            asyncio.create_task(processor.process_update(_message(2, 100), step("2"))),
            asyncio.create_task(processor.process_update(_message(3, 100), step("3"))),
        ]
        for _ in range(5):  # let every task run as far as it may
            await asyncio.sleep(0)
        assert events == ["1 starts"]  # the others wait for the first to end
        release_first.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)
    assert events == ["1 starts", "1 ends", "2 starts", "2 ends", "3 starts", "3 ends"]
    assert processor.users_in_progress == 0  # no lock is kept for a user with nothing queued


async def test_updates_without_a_user_wait_for_their_chat() -> None:
    processor = PerUserProcessor()
    release = asyncio.Event()
    events: list[str] = []

    async def first() -> None:
        await release.wait()
        events.append("first")

    async def second() -> None:
        events.append("second")

    async with processor:
        one = asyncio.create_task(processor.process_update(_message(1, None, -5), first()))
        two = asyncio.create_task(processor.process_update(_message(2, None, -5), second()))
        await asyncio.sleep(0)
        assert events == []
        release.set()
        await asyncio.wait_for(asyncio.gather(one, two), timeout=5)
    assert events == ["first", "second"]
