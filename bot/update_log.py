"""One INFO line per update: its id and kind, the handler that took it, how long it took and
how it ended (ok, refused, error). Never the text of a message or who sent it: those are
personal data, and stay at DEBUG if anywhere.

``KamApplication.process_update`` wraps each update in :func:`logged`; :func:`instrument`
makes every registered handler say its name when it takes an update; the access gate and the
access policy call :func:`refused`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, BaseHandler

_LOG = logging.getLogger("kam.updates")
OK, REFUSED, ERROR = "ok", "refused", "error"


@dataclass
class _Record:
    handler: str = "none"  # no handler took it
    outcome: str = OK


_CURRENT: ContextVar[_Record | None] = ContextVar("kam_update_record", default=None)


def _kind(update: Update) -> str:
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return str(kind)
    return "other"


@asynccontextmanager
async def logged(update: object) -> AsyncIterator[None]:
    """Times what happens inside and logs the update's one line when it is over."""
    if not isinstance(update, Update):
        yield
        return
    record = _Record()
    token = _CURRENT.set(record)
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        record.outcome = ERROR
        raise
    finally:
        _CURRENT.reset(token)
        duration = round((time.perf_counter() - started) * 1000, 1)
        fields = {
            "update_id": update.update_id,
            "update_kind": _kind(update),
            "handler": record.handler,
            "duration_ms": duration,
            "outcome": record.outcome,
        }
        _LOG.info(
            "update %(update_id)s %(update_kind)s: %(handler)s, %(duration_ms)s ms, %(outcome)s",
            fields,
            extra=fields,
        )


def refused() -> None:
    """The update was answered with a refusal (a stranger, a group chat, a denied action)."""
    record = _CURRENT.get()
    if record is not None and record.outcome == OK:
        record.outcome = REFUSED


def handler_name(handler: BaseHandler[Any, Any, Any]) -> str:
    """``meetings.view.open_meeting`` for a callback in handlers/meetings/view.py, ``flow
    meeting`` for a dialog flow."""
    flow = getattr(handler, "flow", None)
    if flow is not None and isinstance(getattr(flow, "name", None), str):
        return f"flow {flow.name}"
    callback = handler.callback
    module = str(getattr(callback, "__module__", "") or "").removeprefix("handlers.")
    name = getattr(callback, "__qualname__", type(callback).__qualname__)
    return f"{module}.{name}" if module else str(name)


def _taking(
    name: str, call: Callable[..., Awaitable[Any]]
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """``call``, first noting that the handler ``name`` took the update, and an error."""

    async def taking(*args: Any) -> Any:
        record = _CURRENT.get()
        if record is not None:
            record.handler = name
        try:
            return await call(*args)
        except ApplicationHandlerStop:
            raise
        except Exception:
            if record is not None:
                record.outcome = ERROR
            raise

    return taking


def _named(handler: BaseHandler[Any, Any, Any]) -> None:
    name = handler_name(handler)
    if hasattr(handler, "__dict__"):  # our own handler classes, e.g. the dialog layer's flows
        handler.handle_update = _taking(name, handler.handle_update)  # type: ignore[method-assign]  # an instance attribute of our class
    else:  # PTB's handlers (slotted) call their public, settable callback
        handler.callback = _taking(name, handler.callback)


def instrument(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Call once every handler is registered."""
    for handlers in application.handlers.values():
        for handler in handlers:
            _named(handler)
