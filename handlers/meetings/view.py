"""A meeting in full: people, outcome, summary (the rest in parts), files re-sent by file id,
and for its author (or leads and admins) Edit and Delete."""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Message, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot.i18n import Html
from domain.meeting_draft import place
from domain.paging import split_parts
from domain.policy import Action
from handlers import authz
from handlers.contact_names import contact_name
from handlers.meetings import common as c
from handlers.meetings.calendar import calendar_row
from handlers.ui import (
    answer,
    button,
    callback_parts,
    clip,
    keyboard,
    parse_number,
    show_screen,
)

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from storage.meetings import Attachment, Meeting

_LOG = logging.getLogger(__name__)
VIEW = "mtgview"
SUMMARY_ON_CARD = 2500
PART = 3500


def render_meeting(context: KamContext, meeting: Meeting) -> str:
    t = context.t
    kind = t(c.KIND_LABELS[meeting.kind])
    lines = [f"<b>{Html(kind)} · {html.escape(meeting.account_name, quote=False)}</b>"]
    when = c.fmt_when(context, meeting.starts_at, meeting.starts_has_time)
    status = t("meeting.status_planned" if meeting.status == "planned" else "meeting.status_held")
    lines.append(t("meeting.view_when", when=when, status=status))
    where = place(meeting.location, meeting.latitude, meeting.longitude)
    if where:
        lines.append(t("meeting.card_where", where=where))
    people = [
        contact_name(t, p.name) + (f" ({p.position})" if p.position else "")
        for p in meeting.contacts
    ]
    lines.append(t("meeting.card_who", who=", ".join(people) or "—"))
    if meeting.team:
        lines.append(t("meeting.card_ours", who=", ".join(p.name for p in meeting.team)))
    lines.append(t("meeting.view_author", name=meeting.author_name))
    if meeting.status == "planned" and meeting.remind_before_minutes is not None:
        remind = c.remind_label(context, meeting.remind_before_minutes)
        lines.append(t("meeting.card_remind", remind=remind))
    if meeting.outcome:
        outcome = c.outcome_label(context, meeting.outcome, meeting.outcome_reason)
        lines.append(t("meeting.card_outcome", outcome=outcome))
    if meeting.agenda:
        lines.append(t("meeting.card_agenda", text=clip(meeting.agenda, 800)))
    summary = meeting.summary or ""
    if len(summary) > SUMMARY_ON_CARD:
        shown = split_parts(summary, SUMMARY_ON_CARD)[0] + " …"
        lines.append(t("meeting.view_summary", text=shown))
        lines.append(t.plural("meeting.view_summary_cut", len(summary)))
    elif summary:
        lines.append(t("meeting.view_summary", text=summary))
    if meeting.attachment_count:
        lines.append(t.plural("meeting.card_files", meeting.attachment_count))
    return "\n".join(lines)


def meeting_buttons(context: KamContext, meeting: Meeting) -> list[list[InlineKeyboardButton]]:
    """The card's rows (empty ones are dropped by `keyboard`)."""
    t, mid, aid = context.t, meeting.id, meeting.account_id
    how: list[InlineKeyboardButton] = []
    if meeting.status == "planned" and meeting.starts_at <= c.now(context):
        how.append(button(t("meeting.how_did_it_go"), f"mtg:held:{mid}"))
    extra = []
    if meeting.attachment_count:
        files = t("meeting.files_button", count=meeting.attachment_count)
        extra.append(button(files, f"mtg:files:{mid}"))
    if meeting.summary and len(meeting.summary) > SUMMARY_ON_CARD:
        extra.append(button(t("meeting.full_text"), f"mtg:full:{mid}:0"))
    change = []
    if authz.may(context, Action.CHANGE, authz.meeting(context, meeting)):  # no denial logged
        change = [
            button(t("meeting.edit"), f"mtg:edit:{mid}"),
            button(t("meeting.delete"), f"mtg:del:{mid}"),
        ]
    ways = [
        button(t("meeting.to_timeline"), f"tl:{aid}:0"),
        button(t("meeting.view_account"), f"acc:open:{aid}"),
    ]
    return [how, calendar_row(context, meeting), extra, change, ways]


async def open_meeting(update: Update, context: KamContext) -> None:
    """mtg:v:<id>."""
    meeting = await c.meeting_from(update, context, "mtg:v")
    if meeting is None:
        return
    await answer(update)
    text = render_meeting(context, meeting)
    await show_screen(update, context, VIEW, text, keyboard(meeting_buttons(context, meeting)))


async def full_text(update: Update, context: KamContext) -> None:
    """mtg:full:<id>:<part>: the summary in parts, each a new message."""
    meeting = await c.meeting_from(update, context, "mtg:full")
    parts = callback_parts(update, "mtg:full")
    if meeting is None:
        return
    await answer(update)
    chunks = split_parts(meeting.summary or "", PART)
    index = parse_number(parts[1] if len(parts) > 1 else None, 0, len(chunks) - 1) or 0
    header = context.t("meeting.part_of", number=index + 1, total=len(chunks))
    rows = []
    if index + 1 < len(chunks):
        rows.append([button(context.t("meeting.next_part"), f"mtg:full:{meeting.id}:{index + 1}")])
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id,
        header + "\n" + html.escape(chunks[index], quote=False),
        reply_markup=keyboard(rows) if rows else None,
    )


async def send_files(update: Update, context: KamContext) -> None:
    """mtg:files:<id>: every attachment again, by its Telegram file id."""
    meeting = await c.meeting_from(update, context, "mtg:files")
    if meeting is None:
        return
    await answer(update)
    assert update.effective_chat is not None
    for item in meeting.attachments:
        await _send_one(context, update.effective_chat.id, item)


async def _send_one(context: KamContext, chat_id: int, item: Attachment) -> None:
    bot = context.bot
    senders: dict[str, Callable[..., Awaitable[Message]]] = {
        "photo": bot.send_photo,
        "voice": bot.send_voice,
        "audio": bot.send_audio,
        "video": bot.send_video,
    }
    send = senders.get(item.kind, bot.send_document)
    caption = clip(item.caption, 1000) if item.caption else None
    try:
        await send(chat_id, item.file_id, caption=caption, parse_mode=None)
    except TelegramError as error:
        _LOG.warning("could not re-send attachment %s: %s", item.id, error)
        name = item.file_name or context.t(c.FILE_KIND_LABELS[item.kind])
        await bot.send_message(chat_id, context.t("meeting.file_failed", name=name))


async def _deletable(update: Update, context: KamContext, prefix: str) -> Meeting | None:
    meeting = await c.meeting_from(update, context, prefix)
    if meeting is None:
        return None
    target = authz.meeting(context, meeting)
    if not await authz.require(update, context, Action.DELETE, target, "meeting.cannot_edit"):
        return None
    return meeting


async def ask_delete(update: Update, context: KamContext) -> None:
    meeting = await _deletable(update, context, "mtg:del")
    if meeting is None:
        return
    await answer(update)
    t = context.t
    rows = [
        [button(t("meeting.delete_yes"), f"mtg:delok:{meeting.id}")],
        [button(t("meeting.delete_no"), f"mtg:v:{meeting.id}")],
    ]
    text = t(
        "meeting.delete_prompt",
        account=meeting.account_name,
        when=c.fmt_when(context, meeting.starts_at, meeting.starts_has_time),
    )
    await show_screen(update, context, VIEW, text, keyboard(rows))


async def delete(update: Update, context: KamContext) -> None:
    meeting = await _deletable(update, context, "mtg:delok")
    if meeting is None:
        return
    manager = context.require_manager()
    await context.services.storage.meetings.delete(
        meeting.id, actor_id=manager.id, now=c.now(context)
    )
    await answer(update, context.t("meeting.deleted"))
    rows = [[button(context.t("meeting.to_timeline"), f"tl:{meeting.account_id}:0")]]
    await show_screen(update, context, VIEW, context.t("meeting.deleted"), keyboard(rows))


def register(application: KamApp) -> None:
    application.add_handler(CallbackQueryHandler(open_meeting, pattern=r"^mtg:v:\d+$"))
    application.add_handler(CallbackQueryHandler(full_text, pattern=r"^mtg:full:\d+:\d+$"))
    application.add_handler(CallbackQueryHandler(send_files, pattern=r"^mtg:files:\d+$"))
    application.add_handler(CallbackQueryHandler(ask_delete, pattern=r"^mtg:del:\d+$"))
    application.add_handler(CallbackQueryHandler(delete, pattern=r"^mtg:delok:\d+$"))
