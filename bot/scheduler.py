"""The reminder tick: a short periodic job that sends what is due, exactly once.

PTB's JobQueue only ticks (one repeating job, not one job per reminder; nothing is held in
memory between ticks). Each tick:

1. records the occasions that fell due since the last tick (storage.reminders.materialize);
2. claims due deliveries in batches and, per manager, composes each message again from its
   source row through the registry of reminder kinds (handlers.reminders.registry, with no
   handler context; obsolete ones are skipped), holds what quiet hours hold, bundles late ones
   into one "while I was offline" message, and sends the rest one by one;
3. paces its own sends at ``REMINDER_SEND_RATE`` (:class:`Pacer`; the rate limiter, shared
   with replies to people using the bot, lets a push go only while no reply waits:
   bot.rate_limit), waits out a 429 and tries again, marks a manager who blocked the bot
   (403) and leaves their reminders for when they come back.

`await tick(application)` runs one pass (tests call it directly).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import defaultdict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot
from telegram.warnings import PTBDeprecationWarning

from bot.context import SERVICES_KEY, KamApp, KamContext
from bot.rate_limit import OVERALL_BURST, PUSH
from bot.services import Services
from domain import reminders as rules
from domain.reminder_kinds import rule_of
from handlers.reminders.common import Formatter
from handlers.reminders.pushes import catch_up_message
from handlers.reminders.registry import Push, PushInput, render
from storage import Storage
from storage.managers import Manager
from storage.reminders import Delivery

_LOG = logging.getLogger(__name__)
JOB_NAME = "reminders"
BATCH = 50
MAX_BATCHES = 400
PARALLEL_MANAGERS = 8
MAX_RETRY_AFTER_WAITS = 20
MAX_ATTEMPTS = 3
RETRY_LATER = timedelta(minutes=1)
_PACER_KEY = "reminder_pacer"
_GUARD_KEY = "reminder_tick_guard"
_IN_FLIGHT_KEY = "reminders_in_flight"  # the sends a stop waits for (settle)
SETTLE_TIMEOUT = 10.0


@dataclass
class TickReport:
    """What one tick did (for logs and tests)."""

    recorded: int = 0
    sent: int = 0
    bundled: int = 0  # deliveries sent inside catch-up messages
    skipped: int = 0
    held: int = 0
    blocked: int = 0  # managers found to have blocked the bot
    failed: int = 0
    retried: int = 0  # 429 answers waited out
    messages: list[int] = field(default_factory=list)


class Pacer:
    """Spaces scheduled sends at most `rate` per second on average, across concurrent senders,
    in bursts of at most `burst` after a pause.

    Each send gets the next slot of a fixed schedule, not "now plus an interval": waking a
    little late from each sleep, or a sender arriving late after composing its message, does
    not add up over a fan-out (it cost 4% at 30/s: bench/fanout.py --alone).
    """

    def __init__(
        self, rate: float, burst: int = 1, *, clock: Callable[[], float] | None = None
    ) -> None:
        self.interval = 1.0 / rate
        self._slack = (max(1, burst) - 1) * self.interval
        self._next = float("-inf")
        self._lock = asyncio.Lock()
        self._clock = clock  # the event loop's clock unless given (tests)

    async def wait(self) -> None:
        async with self._lock:
            now = self._clock() if self._clock else asyncio.get_running_loop().time()
            slot = max(self._next, now - self._slack)
            if slot > now:
                await asyncio.sleep(slot - now)
            self._next = slot + self.interval


def _services(application: KamApp) -> Services:
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services


def _pacer(application: KamApp) -> Pacer:
    pacer = application.bot_data.get(_PACER_KEY)
    if not isinstance(pacer, Pacer):
        rate = _services(application).settings.reminder_send_rate
        pacer = Pacer(rate, burst=min(OVERALL_BURST, int(rate)))  # as the limiter's burst
        application.bot_data[_PACER_KEY] = pacer
    return pacer


async def tick(application: KamApp) -> TickReport:
    """One pass: record what fell due, then deliver every due reminder."""
    services = _services(application)
    storage, clock = services.storage, services.clock
    report = TickReport()
    report.recorded = await storage.reminders.materialize(clock.now())
    await storage.reminders.retime_holds(clock.now())  # quiet hours as they are set now
    limit = asyncio.Semaphore(PARALLEL_MANAGERS)
    for _ in range(MAX_BATCHES):
        batch = await storage.reminders.claim(clock.now(), limit=BATCH)
        if not batch:
            break
        by_manager: dict[int, list[Delivery]] = defaultdict(list)
        for delivery in batch:
            by_manager[delivery.manager_id].append(delivery)

        async def run(manager_id: int, deliveries: list[Delivery]) -> None:
            async with limit:
                try:
                    await _deliver_to(application, manager_id, deliveries, report)
                except Exception:
                    _LOG.exception("reminders for manager %s failed; retried later", manager_id)
                    await storage.reminders.release(
                        [d.id for d in deliveries], not_before=clock.now() + RETRY_LATER
                    )

        await asyncio.gather(*(run(m, ds) for m, ds in by_manager.items()))
        if len(batch) < BATCH:
            break
    if report.sent or report.bundled or report.blocked or report.failed:
        _LOG.info(
            "reminders: %d sent, %d in catch-up messages, %d skipped, %d held, %d failed,"
            " %d managers blocked the bot",
            report.sent,
            report.bundled,
            report.skipped,
            report.held,
            report.failed,
            report.blocked,
        )
    return report


@dataclass
class _Sorted:
    """One manager's claimed deliveries once composed: sent alone, or bundled."""

    singles: list[tuple[Delivery, Push]] = field(default_factory=list)
    bundled: list[tuple[Delivery, Push]] = field(default_factory=list)


# the deliveries one message carries, its text and buttons, whether it bundles late ones, and
# a photo that follows it (the weekly report's chart)
Outgoing = tuple[list[Delivery], str, InlineKeyboardMarkup | None, bool, bytes | None]


async def _deliver_to(
    application: KamApp,
    manager_id: int,
    deliveries: list[Delivery],
    report: TickReport,
) -> None:
    storage = _services(application).storage
    manager = await storage.managers.get(manager_id)
    if manager is None or not manager.active or manager.blocked_at is not None:
        await storage.reminders.release([d.id for d in deliveries])
        return
    sorted_ = await _sort(_services(application), manager, deliveries, report)
    outgoing: list[Outgoing] = [([d], p.text, p.markup, False, p.photo) for d, p in sorted_.singles]
    if sorted_.bundled:
        pushes = [p for _, p in sorted_.bundled]
        text, markup = catch_up_message(Formatter(manager), pushes)
        outgoing.insert(0, ([d for d, _ in sorted_.bundled], text, markup, True, None))
    await _send_all(application, manager, outgoing, report)


async def _sort(
    services: Services, manager: Manager, deliveries: list[Delivery], report: TickReport
) -> _Sorted:
    """Composes each delivery from its source row, with no handler context: skips the
    obsolete, holds what quiet hours hold, and sorts the rest into singles and the bundle."""
    storage, now = services.storage, services.clock.now()
    push_input = PushInput.of(manager, storage, now)
    found = _Sorted()
    for delivery in deliveries:
        try:
            push = await render(push_input, delivery)
        except Exception:
            _LOG.exception("could not compose reminder %s (%s)", delivery.id, delivery.key)
            if delivery.attempts >= MAX_ATTEMPTS:
                await storage.reminders.mark_failed([delivery.id], "could not compose")
                report.failed += 1
            else:
                await storage.reminders.release([delivery.id], not_before=now + RETRY_LATER)
            continue
        if push is None:
            await storage.reminders.mark_skipped([delivery.id], "obsolete")
            report.skipped += 1
            continue
        await _place(storage, manager, delivery, push, now, found, report)
    return found


async def _place(
    storage: Storage,
    manager: Manager,
    delivery: Delivery,
    push: Push,
    now: datetime,
    found: _Sorted,
    report: TickReport,
) -> None:
    """Quiet hours and the catch-up rule for one composed delivery."""
    rule = rule_of(delivery.kind)
    assert rule is not None  # render() composes known kinds only
    late = delivery.catch_up or rules.is_stale(
        max(delivery.due_at, delivery.not_before or delivery.due_at), now
    )
    if delivery.kind == "digest" and late and rules.is_quiet(now, manager):
        # a digest found late at night (after downtime): tomorrow's replaces it
        await storage.reminders.mark_skipped([delivery.id], "late digest in quiet hours")
        report.skipped += 1
        return
    bundle = late and rule.catch_up
    hold = rules.hold_until(
        now,
        delivery.due_at,
        manager,
        explicit=rule.explicit and not bundle,
        deadline=push.deadline,
    )
    if hold is not None:
        await storage.reminders.hold([delivery.id], until=hold, catch_up=bundle)
        report.held += 1
        return
    (found.bundled if bundle else found.singles).append((delivery, push))


async def _send_all(
    application: KamApp,
    manager: Manager,
    outgoing: list[Outgoing],
    report: TickReport,
) -> None:
    """Sends one manager's messages in order; stops at a block (the rest wait)."""
    services = _services(application)
    storage, clock = services.storage, services.clock
    for index, (rows, text, markup, is_bundle, photo) in enumerate(outgoing):
        outcome = await _send(application, manager, text, markup, report, (rows, is_bundle))
        if outcome == "blocked":
            await storage.managers.set_blocked(manager.id, clock.now())
            remaining = [d.id for group, *_ in outgoing[index:] for d in group]
            await storage.reminders.release(remaining)
            report.blocked += 1
            _LOG.info("manager %s blocked the bot; %d reminders wait", manager.id, len(remaining))
            return
        if outcome == "failed":
            await storage.reminders.mark_failed([d.id for d in rows], "refused by Telegram")
            report.failed += len(rows)
            continue
        if outcome == "unknown":
            continue  # left 'sending': re-sent after the lease if it never arrived
        assert isinstance(outcome, Message)  # and confirmed (_attempt)
        report.messages.append(outcome.message_id)
        if photo is not None:
            await _send_photo(application, manager, photo)
        if is_bundle:
            report.bundled += len(rows)
        else:
            report.sent += 1
        for delivery in rows:
            await _after_sent(application, delivery)


def _push_bot(application: KamApp) -> ExtBot[dict[str, Any]]:
    """The bot, typed for ``rate_limit_args`` (KamApp's bot is typed without them)."""
    return cast("ExtBot[dict[str, Any]]", application.bot)


async def _attempt(
    application: KamApp,
    manager: Manager,
    text: str,
    markup: InlineKeyboardMarkup | None,
    confirms: tuple[list[Delivery], bool],
) -> Message:
    """One try at sending, and the deliveries it carries (bundled or not) confirmed at once."""
    sent: Message = await _push_bot(application).send_message(
        manager.telegram_id,
        text,
        reply_markup=markup,
        # a push yields to replies in the rate limiter (bot.rate_limit)
        rate_limit_args=PUSH if application.bot.rate_limiter is not None else None,
    )
    rows, bundled = confirms
    storage, now = _services(application).storage, _services(application).clock.now()
    await storage.reminders.mark_sent([d.id for d in rows], now, sent.message_id, bundled=bundled)
    return sent


async def _uncancelled(application: KamApp, work: Coroutine[Any, Any, Message]) -> Message:
    """Runs `work` to its end even when the tick is cancelled meanwhile (a stop): a message on
    its way is confirmed, not left 'sending' to go out again. :func:`settle` waits for it."""
    task = asyncio.ensure_future(work)
    flights: set[asyncio.Future[Message]] = application.bot_data.setdefault(_IN_FLIGHT_KEY, set())
    flights.add(task)
    task.add_done_callback(flights.discard)
    task.add_done_callback(_seen)
    return await asyncio.shield(task)


def _seen(task: asyncio.Future[Message]) -> None:
    """Retrieves a send's error, which the tick handles, unless a stop cancelled the tick:
    then nobody awaits it (the delivery stays 'sending' and goes out again after the lease),
    and asyncio would log it as never retrieved."""
    if not task.cancelled():
        task.exception()


async def settle(application: KamApp) -> None:
    """Waits (at most SETTLE_TIMEOUT) for the messages a stopped tick still had on their way."""
    flights: set[asyncio.Future[Message]] = application.bot_data.get(_IN_FLIGHT_KEY, set())
    if flights:
        _, late = await asyncio.wait(set(flights), timeout=SETTLE_TIMEOUT)
        for task in late:  # left 'sending': sent again after the lease if it never arrived
            task.cancel()


async def _send(
    application: KamApp,
    manager: Manager,
    text: str,
    markup: InlineKeyboardMarkup | None,
    report: TickReport,
    confirms: tuple[list[Delivery], bool],
) -> Message | str:
    """Sends one message and confirms its deliveries: the Message, or 'blocked', 'failed',
    'unknown' (timed out)."""
    pacer = _pacer(application)
    for _ in range(MAX_RETRY_AFTER_WAITS):
        await pacer.wait()
        try:
            work = _attempt(application, manager, text, markup, confirms)
            return await _uncancelled(application, work)
        except RetryAfter as error:
            report.retried += 1
            with warnings.catch_warnings():  # PTB 22 warns that the type will change
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                delay = error.retry_after
            seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
            _LOG.warning("Telegram asks to wait %.0fs; waiting", seconds)
            await asyncio.sleep(seconds)
        except Forbidden:
            return "blocked"
        except BadRequest as error:
            if "chat not found" in str(error).lower():
                return "blocked"
            _LOG.error("Telegram refused a reminder for manager %s: %s", manager.id, error)
            return "failed"
        except TimedOut:
            _LOG.warning("a reminder to manager %s timed out; it may have arrived", manager.id)
            return "unknown"
        except NetworkError as error:
            _LOG.warning("network error sending a reminder: %s; waiting", error)
            await asyncio.sleep(2)
    return "unknown"


async def _send_photo(application: KamApp, manager: Manager, photo: bytes) -> None:
    """The picture after its text (best effort: the text, already confirmed, is the reminder)."""
    await _pacer(application).wait()
    try:
        await _push_bot(application).send_photo(
            manager.telegram_id,
            photo=photo,
            rate_limit_args=PUSH if application.bot.rate_limiter is not None else None,
        )
    except (BadRequest, Forbidden, NetworkError, RetryAfter) as error:
        _LOG.warning("the photo of a reminder to manager %s was not sent: %s", manager.id, error)


async def _after_sent(application: KamApp, delivery: Delivery) -> None:
    """Source-row bookkeeping once a reminder has been delivered."""
    services = _services(application)
    now = services.clock.now()
    if delivery.kind == "sat" and delivery.ref_id is not None:
        await services.storage.satisfaction.mark_asked(delivery.ref_id, now=now)
    elif delivery.kind == "escalation" and delivery.ref_id is not None:
        await services.storage.tasks.mark_escalated(delivery.ref_id, now=now)


class TickGuard:
    """Keeps ticks from overlapping. A tick that waits out Telegram's 429 answers may outlast
    the interval; that is normal, so the runs due meanwhile end at once, and the log says so
    once per long tick (APScheduler's own refusal would log a warning every interval)."""

    def __init__(self) -> None:
        self.running = False
        self.skipped = 0  # runs skipped during the current long tick

    async def run(self, application: KamApp) -> None:
        if self.running:
            if self.skipped == 0:
                _LOG.info("the reminder tick is still running; the next one starts after it")
            self.skipped += 1
            return
        self.running, self.skipped = True, 0
        try:
            await tick(application)
        finally:
            self.running = False


def _job(application: KamApp) -> Callable[[KamContext], Coroutine[Any, Any, None]]:
    """The repeating job's callback, bound to the typed application (PTB types
    ``context.application`` loosely)."""

    async def run(_context: KamContext) -> None:
        guard = application.bot_data.setdefault(_GUARD_KEY, TickGuard())
        assert isinstance(guard, TickGuard)
        await guard.run(application)

    return run


def schedule_reminders(application: KamApp) -> None:
    """Starts the repeating tick. A late or skipped run costs nothing (the next one finds
    everything due), and ticks never overlap (:class:`TickGuard`)."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")
    interval = _services(application).settings.reminder_tick_seconds
    queue.run_repeating(
        _job(application),
        interval=interval,
        first=1.0,
        name=JOB_NAME,
        job_kwargs={
            "misfire_grace_time": max(600, int(interval * 10)),
            "coalesce": True,
            # the long tick and a run that ends at once because of it (TickGuard)
            "max_instances": 2,
        },
    )
