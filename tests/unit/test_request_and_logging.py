from __future__ import annotations

import asyncio
import io
import logging
import socket
from collections.abc import Iterator

import pytest
from telegram.error import NetworkError

from bot.logging_setup import RedactingFormatter, configure_logging
from bot.request import RetryingRequest
from tests.fake_telegram import FakeBotApiServer, FakeTelegram

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"


# ------------------------------------------------------------------ connections and retries


def _refusing_port() -> socket.socket:
    """A port bound but not listening: connecting to it is refused until someone listens."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class _Seen(logging.Handler):
    """Sets an event when httpcore logs that a connection attempt failed."""

    def __init__(self, needle: str) -> None:
        super().__init__(logging.DEBUG)
        self.needle = needle
        self.event = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.needle in record.getMessage():
            self.event.set()


@pytest.fixture
def connect_failures() -> Iterator[_Seen]:
    logger = logging.getLogger("httpcore.connection")
    seen = _Seen("connect_tcp.failed")
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(seen)
    yield seen
    logger.removeHandler(seen)
    logger.setLevel(old_level)


async def test_a_refused_connection_is_retried_until_the_server_is_up(
    connect_failures: _Seen,
) -> None:
    fake = FakeTelegram()
    blocker = _refusing_port()
    port = blocker.getsockname()[1]
    request = RetryingRequest()
    await request.initialize()
    try:
        url = f"http://127.0.0.1:{port}/bot{fake.token}/getMe"
        sending = asyncio.create_task(request.post(url))
        await asyncio.wait_for(connect_failures.event.wait(), 10)  # refused once at least
        assert not sending.done()
        blocker.close()
        with FakeBotApiServer(fake, port=port):
            result = await asyncio.wait_for(sending, 10)
    finally:
        blocker.close()
        await request.shutdown()
    assert isinstance(result, dict) and result["is_bot"]
    assert [c.method for c in fake.calls()] == ["getMe"]


async def test_a_request_that_reached_the_server_is_not_sent_again() -> None:
    """The server reads the whole request and drops the connection without an answer: the
    message may have gone out, so the error is raised instead of sending it twice."""
    received: list[bytes] = []

    async def take_and_drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lengths = [
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ]
        received.append(head + await reader.readexactly(sum(lengths)))
        writer.close()

    server = await asyncio.start_server(take_and_drop, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = RetryingRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage")
    finally:
        await request.shutdown()
        server.close()
        await server.wait_closed()
    assert len(received) == 1
    assert b"/sendMessage" in received[0]


# ------------------------------------------------------------------------------ logging


def test_the_token_in_an_exceptions_message_is_redacted_from_the_traceback() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(TOKEN))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed")
        except RuntimeError:
            logger.exception("could not send to %s", f"https://x/bot{TOKEN}/getMe")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "Traceback" in output and "RuntimeError" in output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert output.count("<BOT_TOKEN>") == 2


def test_every_root_handler_redacts() -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        configure_logging("INFO", TOKEN)
        root.addHandler(logging.StreamHandler(stream))  # a handler of someone else's
        configure_logging("INFO", TOKEN)
        assert root.handlers
        assert all(isinstance(h.formatter, RedactingFormatter) for h in root.handlers)
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
