from __future__ import annotations

import logging

import httpx
import pytest
from telegram.error import NetworkError

from bot.logging_setup import RedactToken
from bot.request import RetryingRequest

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"


def _flaky_transport(failures: int) -> tuple[httpx.MockTransport, list[int]]:
    attempts: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) <= failures:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"ok": True, "result": True})

    return httpx.MockTransport(handle), attempts


async def test_network_errors_are_retried_until_telegram_answers() -> None:
    transport, attempts = _flaky_transport(failures=2)
    request = RetryingRequest(backoff=0.01, httpx_kwargs={"transport": transport})
    await request.initialize()
    try:
        result = await request.post(f"http://127.0.0.1:9/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert result is True
    assert len(attempts) == 3


async def test_retries_give_up_after_the_last_attempt() -> None:
    transport, attempts = _flaky_transport(failures=99)
    request = RetryingRequest(attempts=3, backoff=0.01, httpx_kwargs={"transport": transport})
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:9/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert len(attempts) == 3


def test_the_token_is_redacted_from_log_lines() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.WARNING,
        __file__,
        1,
        "POST %s failed",
        (f"https://x/bot{TOKEN}/getMe",),
        None,
    )
    assert RedactToken(TOKEN).filter(record)
    assert TOKEN not in record.getMessage()
    assert "<BOT_TOKEN>" in record.getMessage()
