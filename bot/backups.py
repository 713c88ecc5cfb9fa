"""The daily automatic backup: an hourly job takes today's copy if the folder has none yet
(see domain.backup_rotation), so restarts and downtime neither skip nor double a day."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import ContextTypes

from bot.context import SERVICES_KEY, KamApp
from bot.services import Services
from storage.backup import BackupError, automatic_backup

_LOG = logging.getLogger(__name__)
JOB_NAME = "daily-backup"
CHECK_EVERY_SECONDS = 3600


async def take_backup(services: Services) -> None:
    """Takes today's backup if it is due; a failure is logged, never raised."""
    settings = services.settings
    if settings.backup_dir is None or settings.database_path == ":memory:":
        return
    try:
        made = await asyncio.to_thread(
            automatic_backup,
            settings.database_path,
            settings.backup_dir,
            services.clock.now(),
            daily=settings.backup_keep_daily,
            weekly=settings.backup_keep_weekly,
        )
    except (BackupError, OSError) as error:
        _LOG.error("automatic backup failed: %s", error)
        return
    if made is not None:
        _LOG.info("automatic backup written to %s", made)


def schedule_backups(application: KamApp) -> None:
    """Checks hourly (first a minute after start-up) whether today's backup is due."""
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    if services.settings.backup_dir is None or application.job_queue is None:
        return

    async def run(_: ContextTypes.DEFAULT_TYPE) -> None:
        await take_backup(services)

    application.job_queue.run_repeating(run, interval=CHECK_EVERY_SECONDS, first=60, name=JOB_NAME)
