"""``FakeRequest``: an in-process python-telegram-bot request backend (no HTTP).

python-telegram-bot builds the URL ``<base_url><token>/<method>`` and a ``RequestData`` whose
``json_parameters`` are all strings (str values as-is, everything else JSON-encoded); files
travel separately in ``multipart_data``. FakeRequest hands both to ``FakeTelegram.handle`` and
returns Telegram's status and JSON body, so python-telegram-bot raises its own exceptions
(BadRequest, Forbidden, RetryAfter, ...) exactly as with the real API.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from .core import FakeTelegram, UploadedFile
from .server import NOT_FOUND, UNAUTHORIZED

_METHOD_URL = re.compile(r"/bot([^/]*)/([^/]+)/?$")
_FILE_URL = re.compile(r"/file/bot([^/]*)/(.+)$")


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


class FakeRequest(BaseRequest):
    """Routes python-telegram-bot requests straight into a FakeTelegram."""

    __slots__ = ("_closed", "_fake", "_read_timeout")

    def __init__(self, fake: FakeTelegram, *, read_timeout: float | None = 5.0) -> None:
        self._fake = fake
        self._read_timeout = read_timeout
        self._closed = False

    @property
    def fake(self) -> FakeTelegram:
        return self._fake

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        self._closed = False

    async def shutdown(self) -> None:
        self._closed = True
        self._fake.interrupt_long_polls()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        path = unquote(urlsplit(url).path)
        file_match = _FILE_URL.search(path)
        if file_match is not None:
            if file_match.group(1) != self._fake.token:
                return 401, _json(UNAUTHORIZED)
            data = self._fake.file_bytes(file_match.group(2))
            return (200, data) if data is not None else (404, _json(NOT_FOUND))

        match = _METHOD_URL.search(path)
        if match is None:
            return 404, _json(NOT_FOUND)
        if match.group(1) != self._fake.token:
            return 401, _json(UNAUTHORIZED)
        api_method = match.group(2)

        params: dict[str, Any] = {}
        if request_data is not None:
            params.update(request_data.json_parameters)
            if request_data.contains_files:
                for name, (filename, content, mimetype) in request_data.multipart_data.items():
                    raw = content if isinstance(content, bytes) else content.read()
                    params[name] = UploadedFile(
                        filename=filename or None, data=bytes(raw), content_type=mimetype
                    )

        if api_method.lower() == "getupdates":
            # A long poll waits on a condition variable: keep it off the event loop thread.
            try:
                status, body = await asyncio.to_thread(self._fake.handle, api_method, params)
            except asyncio.CancelledError:
                self._fake.interrupt_long_polls()
                raise
        else:
            status, body = self._fake.handle(api_method, params)
        return status, _json(body)
