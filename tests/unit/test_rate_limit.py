"""The rate limiter: replies go ahead of scheduled pushes; requests without a chat pass."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.error import RetryAfter

from bot.rate_limit import PUSH, ReplyFirstRateLimiter

Sent = list[str]


def _request(sent: Sent, name: str) -> Any:
    async def callback() -> bool:
        sent.append(name)
        return True

    return callback


async def _send(
    limiter: ReplyFirstRateLimiter, sent: Sent, name: str, chat_id: int | None, push: bool = False
) -> Any:
    data: dict[str, Any] = {} if chat_id is None else {"chat_id": chat_id}
    return await limiter.process_request(
        _request(sent, name), (), {}, "sendMessage", data, PUSH if push else None
    )


async def test_a_reply_waiting_for_a_slot_goes_before_a_push_that_waited_longer() -> None:
    limiter = ReplyFirstRateLimiter(overall_per_second=2)
    sent: Sent = []
    await _send(limiter, sent, "reply 1", 1)
    await _send(limiter, sent, "reply 2", 2)  # the overall limit is used up for now
    push = asyncio.create_task(_send(limiter, sent, "push", 3, push=True))
    await asyncio.sleep(0)
    reply = asyncio.create_task(_send(limiter, sent, "reply 3", 4))
    await asyncio.wait_for(asyncio.gather(push, reply), timeout=10)
    assert sent == ["reply 1", "reply 2", "reply 3", "push"]


async def test_pushes_use_the_free_slots_when_nobody_waits_for_a_reply() -> None:
    limiter = ReplyFirstRateLimiter(overall_per_second=30)
    sent: Sent = []
    await asyncio.wait_for(
        asyncio.gather(*(_send(limiter, sent, f"push {i}", 100 + i, push=True) for i in range(5))),
        timeout=10,
    )
    assert sent == [f"push {i}" for i in range(5)]  # in order, one at a time


async def test_pushes_leave_the_last_slot_of_the_burst_to_a_reply() -> None:
    limiter = ReplyFirstRateLimiter(overall_per_second=30)  # bursts of 10
    sent: Sent = []
    pushes = [
        asyncio.create_task(_send(limiter, sent, f"push {i}", 100 + i, push=True))
        for i in range(12)
    ]
    for _ in range(200):  # the pushes take what the burst gives them at once
        await asyncio.sleep(0)
    reply = asyncio.create_task(_send(limiter, sent, "reply", 1))
    await asyncio.wait_for(asyncio.gather(reply, *pushes), timeout=10)
    assert sent.index("reply") == 9  # nine pushes went at once; the tenth slot was the reply's


async def test_answering_a_button_press_is_not_limited() -> None:
    limiter = ReplyFirstRateLimiter(overall_per_second=1)
    sent: Sent = []
    await _send(limiter, sent, "reply", 1)  # uses the only slot of this second
    await asyncio.wait_for(_send(limiter, sent, "answerCallbackQuery", None), timeout=0.5)
    assert sent == ["reply", "answerCallbackQuery"]


async def test_a_retry_after_is_waited_out_and_the_request_tried_again() -> None:
    limiter = ReplyFirstRateLimiter(max_retries=1)
    calls: list[int] = []

    async def callback() -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise RetryAfter(0)
        return True

    result = await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert result is True and len(calls) == 2
