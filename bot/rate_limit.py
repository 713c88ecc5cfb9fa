"""Telegram's sending limits, with replies to people ahead of scheduled pushes.

PTB's ``AIORateLimiter`` puts every request that names a chat through one 30/s limiter, in the
order they come: a morning fan-out paced near 30/s makes every reply wait behind it. Here:

- about 30 messages a second overall (bursts of ``OVERALL_BURST``); pushes also about one a
  second per chat after a short burst (``PER_CHAT_BURST``), and 20 a minute per group. Replies
  are not held to one a second per chat: they follow the person's own taps (a step may edit
  its screen and send a note at once), and holding them made a manager walking the meeting
  flow wait 2 s a step (measured: bench/fanout.py);
- a push (a request sent with ``rate_limit_args=PUSH``, as the reminder scheduler does) takes
  its slot only while no reply is waiting for one, and pushes queue one at a time, so a reply
  waits behind at most one push; pushes also leave the last ``REPLY_RESERVE`` slot of the
  burst free, so during a fan-out that keeps the line full a reply usually finds its slot at
  once instead of waiting for the next one (up to 1/30 s);
- a ``RetryAfter`` from Telegram pauses every request for the time asked, then the request is
  tried again (up to ``max_retries`` times).

Requests without a chat (answering a button press or an inline query) are not limited, as in
PTB's limiter.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

_LOG = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]
PUSH: dict[str, Any] = {"push": True}
"""``rate_limit_args`` of a scheduled push (a reminder, a digest): it yields to replies."""
OVERALL_PER_SECOND = 30
OVERALL_BURST = 10
"""Messages that may go out at once overall (then 30 a second): a burst of a full second's 30
would meet Telegram's own bucket at its edge and earn 429s (measured: bench/pace.py)."""
REPLY_RESERVE = 1
"""Slots of the overall burst that pushes leave to replies (they still go 30 a second)."""
PER_CHAT_BURST = 10
"""Messages one chat may get at once; after that one a second."""
GROUP_PER_MINUTE = 20


class ReplyFirstRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """See the module docstring."""

    def __init__(self, *, max_retries: int = 3, overall_per_second: float = OVERALL_PER_SECOND):
        self._max_retries = max_retries
        burst = min(OVERALL_BURST, overall_per_second)
        self._overall = AsyncLimiter(burst, burst / overall_per_second)
        self._reserve = max(0.0, min(REPLY_RESERVE, burst - 1))
        self._chats: dict[int | str, AsyncLimiter] = {}
        self._replies_waiting = 0
        self._no_reply_waiting = asyncio.Event()
        self._no_reply_waiting.set()
        self._push_turn = asyncio.Lock()
        self._not_paused = asyncio.Event()
        self._not_paused.set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _group_limit(self, chat_id: int | str) -> AbstractAsyncContextManager[Any]:
        """A reply's limit in its chat: a group's 20 a minute; none in a private chat (the
        person's own pace is its limit)."""
        group = isinstance(chat_id, str) or chat_id < 0
        return self._chat_limiter(chat_id) if group else nullcontext()

    def _chat_limiter(self, chat_id: int | str) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            group = isinstance(chat_id, str) or chat_id < 0
            limiter = (
                AsyncLimiter(GROUP_PER_MINUTE, 60)
                if group
                else AsyncLimiter(PER_CHAT_BURST, PER_CHAT_BURST)
            )
            self._chats[chat_id] = limiter
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> JSON:
        push = bool(rate_limit_args and rate_limit_args.get("push"))
        chat_id = _chat_id(data.get("chat_id"))
        for attempt in range(self._max_retries + 1):
            try:
                if chat_id is None:
                    await self._not_paused.wait()
                    return await callback(*args, **kwargs)
                if push:
                    return await self._send_push(chat_id, callback, args, kwargs)
                return await self._send_reply(chat_id, callback, args, kwargs)
            except RetryAfter as error:
                if attempt == self._max_retries:
                    raise
                await self._pause(error)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _send_reply(
        self,
        chat_id: int | str,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> JSON:
        self._replies_waiting += 1
        self._no_reply_waiting.clear()
        try:
            async with self._group_limit(chat_id), self._overall:
                await self._not_paused.wait()
        finally:
            self._replies_waiting -= 1
            if self._replies_waiting == 0:
                self._no_reply_waiting.set()
        return await callback(*args, **kwargs)

    async def _send_push(
        self,
        chat_id: int | str,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> JSON:
        await self._chat_limiter(chat_id).acquire()  # waits for this chat only
        async with self._push_turn:  # one push at a time waits for a free overall slot
            while True:
                await self._no_reply_waiting.wait()
                await self._not_paused.wait()
                room = self._overall.has_capacity(1 + self._reserve)
                if room and self._no_reply_waiting.is_set():
                    break
                await asyncio.sleep(self._overall.time_period / (2 * self._overall.max_rate))
            await self._overall.acquire()
        return await callback(*args, **kwargs)

    async def _pause(self, error: RetryAfter) -> None:
        with warnings.catch_warnings():  # PTB 22 warns that the type will change
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            seconds = error.retry_after
        delay = seconds.total_seconds() if hasattr(seconds, "total_seconds") else float(seconds)
        _LOG.info("Telegram asks to wait %.1f s; every request waits", delay)
        self._not_paused.clear()
        try:
            await asyncio.sleep(delay + 0.1)
        finally:
            self._not_paused.set()


def _chat_id(raw: object) -> int | str | None:
    """The chat a request goes to: an id, a @channel name, or None (no chat)."""
    if raw is None or isinstance(raw, int):
        return raw
    text = str(raw)
    return int(text) if text.lstrip("-").isdigit() else text
