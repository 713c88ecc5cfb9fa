"""An update is confirmed to Telegram only after it is stored, and is stored until handled.

PTB's Updater confirms the updates it fetched (the next getUpdates offset) right after putting
them into the Application's update queue, before they are handled: an update in flight when
the process dies was lost. :class:`InboxQueue` is that queue (``ApplicationBuilder()
.update_queue``): its ``put`` first stores the update in the inbox table, so the Updater asks
for the next ones (confirming these) only once they are on disk. The persistence flush that
stores what handling an update changed marks it done in the same transaction
(bot.persistence). At start-up, :func:`requeue_unfinished` puts back what a crash interrupted,
ahead of anything new; an update Telegram delivers again (stored, not yet confirmed) is
recognised by its id and not handled twice. :class:`UpdatesRequest` (the getUpdates connection,
``ApplicationBuilder().get_updates_request``) hands the queue each getUpdates answer's updates
as Telegram sent them: the first ``put`` of an answer stores all of them in one statement (one
call to the database thread, not one per update), without serialising PTB's Update objects
again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram import Bot, Update
from telegram.request import HTTPXRequest

from domain.clock import Clock
from storage.inbox import InboxRepository

_LOG = logging.getLogger(__name__)


class InboxQueue(asyncio.Queue[object]):
    """The update queue; see the module docstring."""

    def __init__(self, inbox: InboxRepository, clock: Clock) -> None:
        super().__init__()
        self._inbox = inbox
        self._clock = clock
        self._unsettled: set[int] = set()
        self._received: dict[int, str] = {}  # the JSON of the last getUpdates answer's updates
        self._stored: dict[int, bool] = {}  # stored with an earlier update of the answer: new?

    def received(self, answer: Any) -> None:
        """A getUpdates answer arrived (its JSON parsed): keeps each update's JSON until its
        :meth:`put`. PTB puts an answer's updates before it asks for the next ones."""
        result = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(result, list):
            return
        self._received = {
            update["update_id"]: json.dumps(update, ensure_ascii=False)
            for update in result
            if isinstance(update, dict) and isinstance(update.get("update_id"), int)
        }

    def settle(self, update_id: int) -> bool:
        """Whether the update came through the inbox (and still has to be marked done there);
        updates handed to the Application directly (tests) never did."""
        if update_id in self._unsettled:
            self._unsettled.discard(update_id)
            return True
        return False

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            if not await self._store(item):
                _LOG.info("update %s was received before; not handled again", item.update_id)
                return
            self._unsettled.add(item.update_id)
        await super().put(item)

    async def _store(self, update: Update) -> bool:
        """Whether the update is new. Stores it with the rest of its getUpdates answer (those
        not put yet), unless an earlier update of the answer already did."""
        new = self._stored.pop(update.update_id, None)
        if new is not None:
            return new
        batch, self._received = self._received, {}
        if update.update_id not in batch:  # not from getUpdates (a webhook, a test)
            batch = {update.update_id: update.to_json()}
        stored = await self._inbox.add_all(batch, self._clock.now())
        self._stored.update((update_id, update_id in stored) for update_id in batch)
        return self._stored.pop(update.update_id)

    def requeue(self, update: Update) -> None:
        """Puts back an update stored before a crash (without storing it again)."""
        self._unsettled.add(update.update_id)
        self.put_nowait(update)


class UpdatesRequest(HTTPXRequest):
    """The getUpdates connection: hands each answer's parsed JSON to the inbox queue."""

    def __init__(self, queue: InboxQueue, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._queue = queue

    # PTB's is a staticmethod, called on the request object: overriding it with a method is safe
    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]  # see above
        answer = super().parse_json_payload(payload)
        self._queue.received(answer)
        return answer


async def requeue_unfinished(queue: InboxQueue, inbox: InboxRepository, bot: Bot) -> int:
    """Puts the updates a crash left unhandled back in the queue (oldest first)."""
    pending = await inbox.pending()
    for update_id, data in pending:
        _LOG.warning("update %s was in progress when the bot stopped; handling it now", update_id)
        queue.requeue(Update.de_json(json.loads(data), bot))
    return len(pending)
