"""Before a meeting (its brief) and after it ("How did it go?")."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from domain import reminder_kinds as kinds
from handlers.meetings.calendar import calendar_button
from handlers.profiles.brief import brief_text
from handlers.reminders.registry import Push, PushInput, renders
from handlers.ui import button, clip, keyboard

if TYPE_CHECKING:
    from storage.reminders import Delivery

_LOG = logging.getLogger(__name__)


@renders("brief")
async def brief_push(push_input: PushInput, delivery: Delivery) -> Push | None:
    fmt, now = push_input.fmt, push_input.now
    meeting = await push_input.sources.meetings.get(delivery.ref_id or 0)
    if meeting is None or not kinds.brief_current(meeting, delivery.key, now):
        return None  # too late ("How did it go?" follows), moved (the new time has its own)
    header = fmt.t(
        "reminders.brief.header",
        account=meeting.account_name,
        time=fmt.moment(meeting.starts_at, now=now),
    )
    body = await _brief_body(push_input, meeting.account_id)
    text = header + ("\n\n" + body if body else "")
    open_account = button(fmt.t("reminders.open_account"), f"acc:open:{meeting.account_id}")
    markup = keyboard([[open_account], [calendar_button(fmt.t, meeting.id)]])
    return Push(text, markup, "", None, deadline=meeting.starts_at)


async def _brief_body(push_input: PushInput, account_id: int) -> str:
    """The profiles feature's one-screen brief of the account (handlers.profiles.brief)."""
    try:
        return await brief_text(
            push_input.sources.profile, push_input.fmt.t, push_input.fmt, push_input.now, account_id
        )
    except Exception:  # the reminder still goes out with its header
        _LOG.exception("could not render the brief of account %s", account_id)
        return ""


@renders("held")
async def held_push(push_input: PushInput, delivery: Delivery) -> Push | None:
    fmt = push_input.fmt
    meeting = await push_input.sources.meetings.get(delivery.ref_id or 0)
    if meeting is None or not kinds.held_current(meeting):
        return None
    name = meeting.account_name
    text = fmt.t(
        "reminders.held.question",
        account=name,
        time=fmt.moment(meeting.starts_at, now=push_input.now),
    )
    markup = keyboard([[button(fmt.t("reminders.held.log"), f"mtg:held:{meeting.id}")]])
    line = "📝 " + fmt.t("reminders.catchup.held", account=clip(name, 60))
    return Push(text, markup, line, button(clip("📝 " + name, 40), f"mtg:held:{meeting.id}"))
