"""The reminder renderers, one per kind, registered by kind name.

A delivery was recorded when its source row fell due; by the time it is sent the task may be
done, the meeting cancelled, the check answered, or the manager may have switched that kind
of reminder off. :func:`render` reads the source row again and returns the message, or None
when it is obsolete. It needs no handler context: the recipient, their formatter (with its
translator) and the storage to read the rows from.

    push = await render(PushInput.of(manager, storage, now), delivery)

A kind's renderer lives in handlers/reminders/kinds/ and is declared with
``@renders("task")``; its rules (who gets it, when, quiet hours, catch-up) are
domain.reminder_kinds'.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.reminder_kinds import switched_off
from handlers.reminders.common import Formatter

if TYPE_CHECKING:
    from storage import Storage
    from storage.managers import Manager
    from storage.reminders import Delivery

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Push:
    text: str
    markup: InlineKeyboardMarkup | None
    line: str  # one line for the "while I was offline" message (HTML)
    action: InlineKeyboardButton | None  # its button there
    deadline: datetime | None = None  # never held past this (a brief before its meeting)
    photo: bytes | None = None  # sent as a photo right after the text (the weekly chart)


@dataclass(frozen=True)
class PushInput:
    """What a renderer works from: the recipient, in their language and zone, and the rows."""

    manager: Manager
    fmt: Formatter
    sources: Storage
    now: datetime
    listing: bool = False  # the "while I was offline" list shown again: a check already
    # asked or a task snoozed since still counts

    @classmethod
    def of(
        cls, manager: Manager, sources: Storage, now: datetime, *, listing: bool = False
    ) -> PushInput:
        return cls(manager, Formatter(manager), sources, now, listing)


Renderer = Callable[[PushInput, "Delivery"], Awaitable[Push | None]]
_RENDERERS: dict[str, Renderer] = {}


def renders(kind: str) -> Callable[[Renderer], Renderer]:
    """Registers the decorated function as the renderer of `kind`."""

    def register(function: Renderer) -> Renderer:
        if kind in _RENDERERS:
            raise ValueError(f"two renderers for reminder kind {kind!r}")
        _RENDERERS[kind] = function
        return function

    return register


def renderers() -> dict[str, Renderer]:
    """Every registered renderer by kind (importing the kinds package registers them)."""
    from handlers.reminders import kinds  # noqa: F401  # its modules register themselves

    return dict(_RENDERERS)


async def render(push_input: PushInput, delivery: Delivery) -> Push | None:
    """The message of a delivery; None when it is obsolete or switched off."""
    renderer = renderers().get(delivery.kind)
    if renderer is None:
        _LOG.warning("unknown reminder kind %r (delivery %s)", delivery.kind, delivery.id)
        return None
    if switched_off(delivery.kind, push_input.manager):
        return None
    return await renderer(push_input, delivery)
