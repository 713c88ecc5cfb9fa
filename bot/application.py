"""Assembles the Telegram Application: settings, storage, persistence, handlers."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
import warnings
from typing import Any

import httpx
from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

import handlers
from bot.backups import schedule_backups
from bot.commands import publish_commands
from bot.config import Settings
from bot.context import SERVICES_KEY, KamApp, KamContext
from bot.inbox import InboxQueue, UpdatesRequest, requeue_unfinished
from bot.persistence import SQLitePersistence
from bot.processing import PerUserProcessor
from bot.rate_limit import ReplyFirstRateLimiter
from bot.request import RetryingRequest
from bot.services import Services
from bot.shutdown import handle_stop_signals
from bot.update_log import instrument, logged
from domain.clock import Clock
from handlers.ui import answering
from storage import Storage

_LOG = logging.getLogger(__name__)
_PUBLISHING = "publishing_commands"  # the task loading the features, then the menus (bot_data)

# Our conversations track the flow's message themselves (see handlers.ui), so PTB's warning
# about CallbackQueryHandlers in conversations with per_message=False does not apply.
warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)


class KamApplication(KamApp):
    """Opens the database before persistence is read; writes persistence after every update
    (one transaction, which also marks the update done in the inbox), so that an answered step
    survives a crash; puts back the updates a crash interrupted. Registers the features'
    handlers at build time, or imports them in a thread while it already polls
    (:meth:`features_ready`)."""

    _features_registered = False
    _loading_features: asyncio.Task[None] | None = None
    _early = 0  # updates that came before the features and are not answered yet
    _early_answered: asyncio.Event | None = None  # set while _early is 0
    features_failed = False  # the features could not be imported: the bot stops (exit 1)

    def register_features(self) -> None:
        handlers.register(self)
        instrument(self)
        self._features_registered = True

    async def features_ready(self) -> None:
        """Waits for the features' handlers; the first call (from :meth:`start`, or the first
        update) starts importing their modules in a thread (the event loop goes on polling and
        storing updates meanwhile), then registers them here, in the same order and groups as
        at build time."""
        if self._features_registered:
            return
        if self._loading_features is None:
            self._loading_features = asyncio.create_task(self._load_features())
        await asyncio.shield(self._loading_features)

    async def _load_features(self) -> None:
        try:
            await asyncio.to_thread(handlers.features)
        except Exception:
            # A bot that polls but can answer nothing must not look alive: it stops, and
            # `kam-bot` exits with status 1 (the updates stay in the inbox for the next start).
            _LOG.critical("could not import the handlers; stopping", exc_info=True)
            self.features_failed = True
            self.stop_running()
            raise
        finally:
            _collect_garbage_again()
        self.register_features()

    async def initialize(self) -> None:
        storage = _services(self).storage
        if not storage.db.is_open:
            await storage.db.open()
            self.bot_data["owns_storage"] = True
        await super().initialize()
        await storage.inbox.forget_done(_services(self).clock.now())
        if isinstance(self.update_queue, InboxQueue):
            await requeue_unfinished(self.update_queue, storage.inbox, self.bot)

    async def _features_settled(self) -> None:
        """A stop right after start-up lets the import in progress finish (a thread cannot be
        cancelled), so that no task is left behind."""
        task = self._loading_features
        if task is not None and not task.done():
            with contextlib.suppress(Exception):
                await task

    async def start(self) -> None:
        await super().start()
        # Once the bot polls (or its webhook server listens: PTB registers the webhook just
        # before), the features are imported; once the updates that waited are answered, the
        # reminder tick and the command menus (setMyCommands per language and per lead, and
        # reading the catalogues) start.
        self.bot_data[_PUBLISHING] = asyncio.create_task(_publish(self))

    async def stop(self) -> None:
        await _stop_publishing(self)
        await self._features_settled()
        await super().stop()  # the reminder tick is cancelled here...
        scheduler = sys.modules.get("bot.scheduler")  # (imported with the tick, if it ran)
        if scheduler is not None:
            await scheduler.settle(self)  # ...but a reminder on its way is confirmed first

    async def shutdown(self) -> None:
        await _stop_publishing(self)
        await self._features_settled()
        await super().shutdown()
        if self.bot_data.get("owns_storage"):
            await _services(self).storage.close()

    async def process_update(self, update: object) -> None:
        early = not self._features_registered
        if early:
            self._early += 1
            self._early_event().clear()
        try:
            async with logged(update):  # one INFO line per update: bot/update_log.py
                await self._process_update(update)
        finally:
            if early:
                self._early -= 1
                if not self._early:
                    self._early_event().set()

    def _early_event(self) -> asyncio.Event:
        if self._early_answered is None:
            self._early_answered = asyncio.Event()
            self._early_answered.set()
        return self._early_answered

    async def early_updates_answered(self) -> None:
        """Waits until the updates that came before the features (those that waited in the
        inbox while the bot was down) are answered."""
        await self._early_event().wait()

    async def _process_update(self, update: object) -> None:
        await self.features_ready()  # at once, but for the first updates after a start
        try:
            async with answering(update):  # every button press is answered exactly once
                await super().process_update(update)
        finally:
            await _services(self).write_denials()  # every refusal goes to the audit log
        persistence = self.persistence
        if isinstance(persistence, SQLitePersistence) and isinstance(update, Update):
            self._hand_over(persistence, update)  # what this update changed...
            queue = self.update_queue
            if isinstance(queue, InboxQueue) and queue.settle(update.update_id):
                persistence.settle(update.update_id)  # ...and only then is it marked done
            await persistence.write()  # one transaction

    def _hand_over(self, persistence: SQLitePersistence, update: Update) -> None:
        """The data of the update's user and chat, to be written with it.

        PTB's :meth:`update_persistence` would hand over the same, deep-copied, through one
        task per user and chat; it still runs every `update_interval` (and at the stop) for
        whatever else changed. Our handlers change only the data of the user and chat of the
        update (no ConversationHandler, no dropped data)."""
        user, chat = update.effective_user, update.effective_chat
        if user is not None and user.id in self.user_data:
            persistence.hand_over_user_data(user.id, self.user_data[user.id])
        if chat is not None and chat.id in self.chat_data:
            persistence.hand_over_chat_data(chat.id, self.chat_data[chat.id])

    async def update_persistence(self) -> None:
        """PTB hands the changed data over, then it is written in one transaction."""
        await super().update_persistence()
        if isinstance(self.persistence, SQLitePersistence):
            await self.persistence.write()


def build_application(
    settings: Settings,
    storage: Storage,
    clock: Clock,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool = True,
    features_in_background: bool = False,
) -> KamApp:
    """The Application; its features' handlers are registered here, or with
    `features_in_background` imported in a thread once it starts (`kam-bot` does that: it
    polls about 0.3 s sooner, see docs/benchmarks.md "Start-up, lazy imports")."""
    queue = InboxQueue(storage.inbox, clock)
    builder: Any = (
        ApplicationBuilder()
        .application_class(KamApplication)
        .token(settings.bot_token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_base_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(ContextTypes(context=KamContext))
        .persistence(SQLitePersistence(storage.bot_state, clock))
        .update_queue(queue)
        .concurrent_updates(PerUserProcessor())
        .post_init(_post_init)
    )
    if rate_limiter:
        builder = builder.rate_limiter(ReplyFirstRateLimiter(max_retries=3))
    # One TLS context (httpx's default verification, the CA bundle read once) for both
    # connection pools: each would otherwise read it again, about 50 ms of the start-up.
    tls = httpx.create_ssl_context() if request is None or get_updates_request is None else None
    builder = builder.request(request or RetryingRequest(connection_pool_size=16, ssl_context=tls))
    # Two connections for getUpdates: the long poll, and the confirming call PTB makes while
    # stopping (with PTB's default of one, a stop during a long poll logs a pool time-out).
    builder = builder.get_updates_request(
        get_updates_request
        or UpdatesRequest(queue, connection_pool_size=2, httpx_kwargs={"verify": tls})
    )
    application: KamApp = builder.build()
    application.bot_data[SERVICES_KEY] = Services(settings=settings, storage=storage, clock=clock)
    if not features_in_background and isinstance(application, KamApplication):
        application.register_features()
    return application


def _collect_garbage_again() -> None:
    """`kam-bot` starts with the cyclic garbage collector off (bot/cli.py): the start-up and
    the features' import make long-lived objects (modules, classes, PTB's Application), and
    collecting meanwhile only walked them again and again (about 0.1 s of CPU). Here they
    are moved to the collector's permanent generation (`gc.freeze`: later collections do not
    walk them) and the collector is switched on again. A collector already on (tests, or a
    host program) is left alone."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _services(application: KamApp) -> Services:
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services


async def _post_init(application: KamApp) -> None:
    schedule_backups(application)
    handle_stop_signals(application)
    if application.job_queue is not None:  # the inbox keeps handled updates for two days
        application.job_queue.run_repeating(_forget_handled_updates, interval=3600, first=3600)


async def _publish(application: KamApp) -> None:
    """Once the features are there and the updates that waited for the start are answered
    (importing the scheduler, reading three catalogues and five requests must not delay
    them): the reminder tick, then the command menus."""
    if isinstance(application, KamApplication):
        try:
            await application.features_ready()
        except Exception:  # logged where it happened; every update says so too
            return
        with contextlib.suppress(TimeoutError):  # at most 10 s under steady traffic
            async with asyncio.timeout(10):
                await application.early_updates_answered()
    from bot.scheduler import schedule_reminders  # imports the reminders' storage

    schedule_reminders(application)
    try:
        await publish_commands(application)
    except Exception:  # the bot works without the command menu; do not refuse to start
        _LOG.exception("could not publish the command list")


async def _stop_publishing(application: KamApp) -> None:
    """A stop right after start-up: the menus not yet sent are left for the next start."""
    task = application.bot_data.pop(_PUBLISHING, None)
    if isinstance(task, asyncio.Task) and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _forget_handled_updates(context: KamContext) -> None:
    services = context.services
    await services.storage.inbox.forget_done(services.clock.now())
