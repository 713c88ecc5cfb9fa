"""HTTP to the Bot API with retries on network errors."""

from __future__ import annotations

import asyncio
import logging

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

_LOG = logging.getLogger(__name__)


class RetryingRequest(HTTPXRequest):
    """Retries a request that failed to reach Telegram (connection refused, reset, DNS).

    A read time-out is not retried: Telegram may already have acted on the request, and a
    second message would be a duplicate.
    """

    def __init__(self, *, attempts: int = 4, backoff: float = 0.5, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._attempts = attempts
        self._backoff = backoff

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        for attempt in range(1, self._attempts + 1):
            try:
                return await super().do_request(
                    url,
                    method,
                    request_data,
                    read_timeout=read_timeout,
                    write_timeout=write_timeout,
                    connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout,
                )
            except TimedOut:
                raise
            except NetworkError as error:
                if attempt == self._attempts:
                    raise
                delay = self._backoff * 2 ** (attempt - 1)
                _LOG.warning("network error (%s); retry %d in %.1fs", error, attempt, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")
