"""Turning a stranger's /start into a manager: an admin id from settings, or an invite code."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Update

from bot.commands import publish_manager_commands
from domain.languages import language_from_telegram

if TYPE_CHECKING:
    from bot.context import KamContext
    from storage.managers import Manager

_LOG = logging.getLogger(__name__)
_PROBLEM_MESSAGES = {
    "unknown": "access.invite_unknown",
    "used": "access.invite_used",
    "expired": "access.invite_expired",
    "revoked": "access.invite_revoked",
}


def _display_name(update: Update) -> str:
    user = update.effective_user
    assert user is not None
    name = " ".join(part for part in (user.first_name, user.last_name) if part).strip()
    return (name or user.username or str(user.id))[:128]


async def register_stranger(update: Update, context: KamContext) -> Manager | None:
    """Registers the sender if allowed; otherwise answers why not and returns None."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    services = context.services
    settings = services.settings
    language = language_from_telegram(user.language_code, settings.default_language)
    now = services.clock.now()
    if user.id in settings.admin_ids:
        manager = await services.storage.managers.create(
            telegram_id=user.id,
            full_name=_display_name(update),
            username=user.username,
            role="admin",
            language=language,
            timezone=settings.default_timezone,
            now=now,
        )
        _LOG.info("registered an admin as manager %s", manager.id)  # no Telegram id at INFO
        await publish_manager_commands(context.bot, manager)
        return manager
    code = (context.args or [""])[0]
    if not code:
        await message.reply_text(context.t("access.private"))
        return None
    redemption = await services.storage.invites.redeem(
        code[:64],
        telegram_id=user.id,
        full_name=_display_name(update),
        username=user.username,
        language=language,
        timezone=settings.default_timezone,
        now=now,
    )
    if redemption.manager is None:
        problem = redemption.problem or "unknown"
        await message.reply_text(
            context.t(_PROBLEM_MESSAGES[problem]) + "\n\n" + context.t("access.private")
        )
        return None
    _LOG.info(
        "registered a %s as manager %s through an invite",
        redemption.manager.role,
        redemption.manager.id,
    )
    if redemption.manager.can_invite:  # everyone else has the default menu
        await publish_manager_commands(context.bot, redemption.manager)
    return redemption.manager
