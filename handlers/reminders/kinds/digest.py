"""The morning digest as a push."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.reminders.registry import Push, PushInput, renders

if TYPE_CHECKING:
    from storage.reminders import Delivery


@renders("digest")
async def digest_push(push_input: PushInput, delivery: Delivery) -> Push | None:
    from handlers.reminders.digest_view import (  # the digest's code on its first use
        load_digest,
        render_digest,
    )

    manager, now = push_input.manager, push_input.now
    digest = await load_digest(push_input.sources, manager, now)
    if digest.is_empty and not manager.digest_when_empty:
        return None
    text, markup = render_digest(digest, push_input.fmt, now, on_demand=False)
    return Push(text, markup, "", None)
