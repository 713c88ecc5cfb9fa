"""HTTP to the Bot API: a connection that could not be established is tried again.

Only the connection is retried (refused, reset while connecting, DNS failure, connect
time-out): nothing has reached Telegram yet, so trying again cannot send a message twice. An
error after the request went out (a read error, a dropped connection, a read time-out) is not
retried, since Telegram may already have acted on the request.
"""

from __future__ import annotations

import ssl
from typing import Any

import httpx
from telegram.request import HTTPXRequest

CONNECT_RETRIES = 3  # httpx waits 0, 0.5 and 1 s before the retries


class RetryingRequest(HTTPXRequest):
    """An ``HTTPXRequest`` whose transport retries failed connections, and nothing else."""

    def __init__(
        self,
        *,
        connect_retries: int = CONNECT_RETRIES,
        connection_pool_size: int = 1,
        ssl_context: ssl.SSLContext | None = None,
        **kwargs: Any,
    ) -> None:
        # A transport of our own replaces httpx's default one, limits included: give it the
        # pool size that HTTPXRequest would have used. `ssl_context`: one shared with the other
        # connections (httpx's default loads the CA bundle again for each, about 50 ms).
        transport = httpx.AsyncHTTPTransport(
            verify=ssl_context or True,
            retries=connect_retries,
            limits=httpx.Limits(max_connections=connection_pool_size),
        )
        httpx_kwargs = {"transport": transport, **kwargs.pop("httpx_kwargs", {})}
        super().__init__(
            connection_pool_size=connection_pool_size, httpx_kwargs=httpx_kwargs, **kwargs
        )
