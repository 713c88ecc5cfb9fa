"""Stopping on SIGTERM or SIGINT: gracefully on the first signal, at once on the second.

The first signal stops the bot the way python-telegram-bot's ``run_polling``/``run_webhook``
do: no new updates are taken (polling stops, the webhook server closes), the updates in
progress finish, persistence is flushed, the job queue (reminders, backups) stops after its
running jobs, and the database is closed. That can take a while when Telegram is slow, so a
second signal exits at once with status 128 + the signal's number (143 for SIGTERM, 130 for
SIGINT), after one log line. The reminders and conversation states stay consistent either way:
they are written in transactions, and an update not finished is delivered again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from typing import Any

from telegram.ext import Application

_LOG = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class _Stopper:
    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.application = application
        self.stopping = False

    def __call__(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if not self.stopping:
            self.stopping = True
            _LOG.info(
                "%s: stopping; finishing the updates in progress (send it again to exit at once)",
                name,
            )
            if self.application.running:
                self.application.stop_running()  # run_polling/run_webhook then stop gracefully
                return
            raise SystemExit(128 + signum)  # still starting: what PTB's own handler does
        _LOG.warning("second %s: exiting now, without finishing the updates in progress", name)
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(128 + signum)


def handle_stop_signals(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Replaces PTB's stop-signal handlers (installed by run_polling/run_webhook, which exit
    on a second signal with status 0 and no word) with ours. Call from post_init."""
    loop = asyncio.get_running_loop()
    stopper = _Stopper(application)
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, stopper, sig)
        except (NotImplementedError, RuntimeError):  # no signals here (Windows, not main thread)
            _LOG.debug("cannot handle %s in this event loop", sig.name)
