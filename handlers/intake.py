"""What the bot takes as a manager's own input, and how fast: the intake gate.

Runs in two places around the access gate (group -100):

* Before it (FLOOD_GROUP, -110), for every user, registered or not:
  - **Flood control.** Each user has a token bucket (domain.flood: FLOOD_BURST updates at once,
    then FLOOD_RATE a second). An update over the limit is dropped before anything reads the
    database: the first drop of a window gets one "slow down" notice (in the manager's
    language), later ones nothing; a button press over the limit is still answered (a toast,
    handlers.ui answers every press exactly once); inline queries are dropped silently. One
    user's flood never slows another user. The monotonic time is read from
    ``bot_data[MONOTONIC_KEY]`` when a test puts a function there, else ``time.monotonic``.
  - **Groups and channels.** When the bot is added to a group, supergroup or channel, it says
    once that it works in private chats only and leaves: client data is never shown there
    (``my_chat_member`` is among the updates the bot asks Telegram for, bot.cli). Any other
    update from a group or a channel is refused by the access gate: commands get "private
    chats only", everything else, channel posts and their edits included, silence.
  - **Business and guest messages** (the manager's own chats with clients, when they connect
    the bot to Telegram Business) are written to someone else: dropped, never answered.

* After it (INTAKE_GROUP, -95), for a registered manager's new message in a private chat:
  - **Forwarded messages.** A message forwarded from someone else (another user, a hidden
    user, a chat, a channel, or the bot itself) is never taken as the manager's input: they
    are told so (copy the text to keep it) and nothing else happens: the open step stays, its
    draft intact. A forward of the manager's *own* message (MessageOriginUser whose sender is
    the manager) is their own words and is taken like a typed message.
  - **Files too large.** A document, photo, voice note, audio, video, video note or animation
    over MAX_FILE_BYTES (Telegram lets bots download 20 MB at most) is refused with a message
    naming the limit, and the step stays. A file whose size Telegram does not tell is taken.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Message, MessageOriginUser, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import KamApp, KamContext
from domain.flood import FloodGuard, Verdict
from handlers.ui import answer

_LOG = logging.getLogger(__name__)
FLOOD_GROUP = -110
"""Before the access gate (-100): a flood is dropped before it costs a database lookup."""
INTAKE_GROUP = -95
"""After the access gate (-100) and the edits filter (-99), before the dialog gate (-90)."""
MAX_FILE_BYTES = 20 * 1024 * 1024
"""Telegram's Bot API lets a bot download files up to 20 MB."""
MONOTONIC_KEY = "intake.monotonic"
_GUARD_KEY = "intake.flood_guard"
_PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def _guard(context: KamContext) -> FloodGuard:
    guard = context.bot_data.get(_GUARD_KEY)
    if not isinstance(guard, FloodGuard):
        settings = context.services.settings
        guard = context.bot_data[_GUARD_KEY] = FloodGuard(settings.flood_rate, settings.flood_burst)
    return guard


def _monotonic(context: KamContext) -> float:
    clock: Callable[[], float] = context.bot_data.get(MONOTONIC_KEY, time.monotonic)
    return clock()


async def early_gate(update: Update, context: KamContext) -> None:
    """Leaves groups it is added to; drops what is nobody's input to the bot; drops a user's
    updates over the flood limit."""
    if update.my_chat_member is not None:
        await _left_group(update, context)
        raise ApplicationHandlerStop
    if _not_to_the_bot(update):
        raise ApplicationHandlerStop
    user = update.effective_user
    if user is None or user.is_bot:
        return  # channel posts and the like: the access gate refuses them
    verdict = _guard(context).take(user.id, _monotonic(context))
    if verdict is Verdict.PASS:
        return
    _LOG.info("flood: dropped an update of user %s", user.id)
    if verdict is Verdict.DROP_NOTICE or update.callback_query is not None:
        await _slow_down(update, context, notice=verdict is Verdict.DROP_NOTICE)
    raise ApplicationHandlerStop


async def _slow_down(update: Update, context: KamContext, *, notice: bool) -> None:
    user = update.effective_user
    assert user is not None
    if notice:  # once per window: worth a lookup for the manager's own language
        context.manager = await context.services.storage.managers.by_telegram_id(user.id)
    text = context.t("intake.slow_down")
    if update.callback_query is not None:
        await answer(update, text if notice else None)
        return
    chat = update.effective_chat
    if notice and chat is not None and chat.type == ChatType.PRIVATE:
        await context.bot.send_message(chat.id, text)


def _not_to_the_bot(update: Update) -> bool:
    """Messages of a business account's chats (a manager's chats with their clients, when they
    connect the bot to Telegram Business) and guest messages are written to someone else:
    never input, never answered (an answer would land in the client's chat)."""
    return any(
        (
            update.business_message,
            update.edited_business_message,
            update.business_connection,
            update.deleted_business_messages,
            update.guest_message,
        )
    )


async def _left_group(update: Update, context: KamContext) -> None:
    """The bot was added to a group or channel: one polite line (not in a channel, where it
    would be a post), then it leaves. A change in a private chat (the user blocked or
    unblocked the bot) needs nothing. Nothing else handles these updates."""
    change = update.my_chat_member
    assert change is not None
    chat = change.chat
    if chat.type == ChatType.PRIVATE or change.new_chat_member.status not in _PRESENT:
        return
    _LOG.info("added to %s chat %s by user %s: leaving", chat.type, chat.id, change.from_user.id)
    try:
        if chat.type != ChatType.CHANNEL:
            await context.bot.send_message(chat.id, context.t("intake.group_leaving"))
        await context.bot.leave_chat(chat.id)
    except TelegramError as error:  # no right to write there, or already gone
        _LOG.info("could not leave chat %s cleanly: %s", chat.id, error)


def _forwarded_from_someone_else(message: Message, user_id: int) -> bool:
    origin = message.forward_origin
    if origin is None:
        return False
    return not (isinstance(origin, MessageOriginUser) and origin.sender_user.id == user_id)


def _file_size(message: Message) -> int | None:
    """The size of the file the message carries (the largest photo size), if Telegram said."""
    if message.photo:
        return max((p.file_size or 0 for p in message.photo), default=0) or None
    for media in (
        message.document,
        message.voice,
        message.audio,
        message.video,
        message.video_note,
        message.animation,
    ):
        if media is not None:
            return media.file_size
    return None


async def intake_gate(update: Update, context: KamContext) -> None:
    """A registered manager's new private message: refuses forwards from others and files
    over the limit; the open step is not touched."""
    message = update.message
    user = update.effective_user
    if message is None or user is None or context.manager is None:
        return
    if message.chat.type != ChatType.PRIVATE:
        return  # the access gate let nothing from a group through; belt and braces
    if _forwarded_from_someone_else(message, user.id):
        await message.reply_text(context.t("intake.forwarded"))
        raise ApplicationHandlerStop
    size = _file_size(message)
    if size is not None and size > MAX_FILE_BYTES:
        await message.reply_text(
            context.t(
                "intake.file_too_large",
                size=context.fmt.file_size(size),
                limit=context.fmt.file_size(MAX_FILE_BYTES),
            )
        )
        raise ApplicationHandlerStop


def register(application: KamApp) -> None:
    application.add_handler(TypeHandler(Update, early_gate), group=FLOOD_GROUP)
    application.add_handler(TypeHandler(Update, intake_gate), group=INTAKE_GROUP)
