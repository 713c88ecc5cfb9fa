"""bot.context.KamApp, the Application as handlers see it, is what build_application builds."""

from __future__ import annotations

from typing import get_args, get_origin

from telegram.ext import Application, ExtBot, JobQueue

from bot.application import KamApplication, build_application
from bot.config import load_settings
from bot.context import KamApp, KamContext
from domain.clock import FakeClock
from storage import Storage


async def test_the_built_application_has_the_types_kamapp_names(
    storage: Storage, clock: FakeClock
) -> None:
    settings = load_settings({"BOT_TOKEN": "123456789:" + "A" * 35})
    application = build_application(settings, storage, clock, rate_limiter=False)
    bot, context, user_data, chat_data, bot_data, job_queue = get_args(KamApp)

    assert isinstance(application, KamApplication)
    assert issubclass(KamApplication, Application) and get_origin(KamApp) is Application
    assert get_origin(bot) is ExtBot and get_args(bot) == (None,)
    assert isinstance(application.bot, ExtBot)
    assert application.bot.callback_data_cache is None  # ExtBot[None]: no arbitrary data
    assert application.context_types.context is context is KamContext
    assert application.context_types.user_data is get_origin(user_data) is dict
    assert application.context_types.chat_data is get_origin(chat_data) is dict
    assert application.context_types.bot_data is get_origin(bot_data) is dict
    assert isinstance(application.job_queue, JobQueue)
    assert get_origin(job_queue) is JobQueue and get_args(job_queue) == (KamContext,)
