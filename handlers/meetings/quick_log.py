"""Quick log: one free-text message becomes a prefilled review card; nothing is saved
without Save. ``offer_quick_log`` is called by the main-menu text routing."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.context import KamContext
from domain.meeting_draft import MeetingDraft, NextStep, iso
from domain.quick_log import guess
from domain.search import Candidate
from handlers.meetings import common as c
from handlers.meetings import screens as s
from handlers.meetings.log_flow import END, new_draft
from handlers.meetings.review import render_card_text
from handlers.meetings.saving import save_draft, show_saved
from handlers.ui import (
    answer,
    button,
    callback_id,
    clip,
    close_screen,
    is_current_screen,
    keyboard,
    show_screen,
)

QUICK_KEY = "meeting_quick"


def _quick(context: KamContext) -> MeetingDraft | None:
    data = context.user_data.get(QUICK_KEY) if context.user_data is not None else None
    if not isinstance(data, dict):
        return None
    try:
        return MeetingDraft.from_dict(data)
    except (TypeError, ValueError):
        return None


def _keep(context: KamContext, draft: MeetingDraft) -> None:
    assert context.user_data is not None
    context.user_data[QUICK_KEY] = draft.to_dict()


async def offer_quick_log(update: Update, context: KamContext, text: str) -> None:
    """Reads ``text`` as a held meeting and offers its review card (Save / Edit / Cancel)."""
    manager = context.require_manager()
    storage = context.services.storage
    now = c.now(context)
    accounts = await storage.accounts.visible(manager.id, sees_all=manager.sees_all_accounts)
    candidates = [Candidate(a.id, a.name, (a.name, *a.alias_list)) for a in accounts]
    names = {a.id: a.name for a in accounts}
    found = guess(text, now=now, tz=c.zone(context), accounts=candidates, contacts_of={})
    contacts_of: dict[int, list[Candidate]] = {}
    if found.account_id is not None:
        people = await storage.contacts.for_account(found.account_id)
        contacts_of[found.account_id] = [
            Candidate(p.id, p.full_name, (p.full_name,)) for p in people
        ]
        found = guess(
            text, now=now, tz=c.zone(context), accounts=candidates, contacts_of=contacts_of
        )
    draft = new_draft(context, "held")
    draft.add_note(text)
    draft.return_to_review = True
    draft.step = c.REVIEW
    if found.when is not None and found.when.at < now:
        draft.starts_at, draft.starts_has_time = iso(found.when.at), found.when.has_time
    for follow in found.follow_ups:
        due = iso(follow.due.at) if follow.due is not None else None
        has_time = follow.due.has_time if follow.due is not None else False
        draft.next_steps.append(NextStep(clip(follow.text, 1000), due, has_time))
    t = context.t
    rows: list[list[InlineKeyboardButton]] = []
    if found.account_id is None:
        _keep(context, draft)
        rows = [
            [button(t("meeting.quick_start_flow"), "mtg:q:flow")],
            [button(t("meeting.quick_dismiss"), "mtg:q:cancel")],
        ]
        await show_screen(
            update, context, c.FLOW, t("meeting.quick_no_account"), keyboard(rows), new_message=True
        )
        return
    draft.account_id, draft.account_name = found.account_id, names[found.account_id]
    draft.contact_ids = list(found.contact_ids)
    _keep(context, draft)
    others = [
        button("🔁 " + clip(names[i], 30), f"mtg:q:acc:{i}") for i in found.account_alternatives
    ]
    text_out = t("meeting.quick_intro") + "\n\n" + await render_card_text(context, draft)
    rows = [
        [button(t("meeting.save"), "mtg:q:save")],
        [button(t("meeting.quick_edit"), "mtg:q:edit"), button(t("button.cancel"), "mtg:q:cancel")],
    ]
    if others:
        rows.insert(1, others)
    await show_screen(update, context, c.FLOW, text_out, keyboard(rows), new_message=True)


async def _checked(update: Update, context: KamContext) -> MeetingDraft | None:
    draft = _quick(context)
    if draft is None or not is_current_screen(update, context, c.FLOW):
        await answer(update, context.t("error.stale_button"))
        return None
    await answer(update)
    draft.touch(c.now(context))
    return draft


async def quick_save(update: Update, context: KamContext) -> int | None:
    draft = await _checked(update, context)
    if draft is None:
        return None
    result = await save_draft(context, draft)
    assert context.user_data is not None
    context.user_data.pop(QUICK_KEY, None)
    await show_saved(update, context, draft, result)
    return END


async def quick_edit(update: Update, context: KamContext) -> str | None:
    """The full review card, every field editable; the quick draft becomes the current one."""
    draft = await _checked(update, context)
    if draft is None:
        return None
    older = c.get_draft(context)
    if older is not None and older.has_content() and older.token != draft.token:
        return await _ask_about_older(update, context, older, "q:edit")
    return await take_quick_draft(update, context, "q:edit")


async def quick_flow(update: Update, context: KamContext) -> str | None:
    """No client recognised: the normal flow, with the text kept as the summary."""
    draft = await _checked(update, context)
    if draft is None:
        return None
    older = c.get_draft(context)
    if older is not None and older.has_content() and older.token != draft.token:
        return await _ask_about_older(update, context, older, "q:flow")
    return await take_quick_draft(update, context, "q:flow")


async def _ask_about_older(
    update: Update, context: KamContext, older: MeetingDraft, then: str
) -> str:
    """An unsaved meeting is open: Continue it, or Discard it and go on with this message."""
    assert context.user_data is not None
    context.user_data["meeting_then"] = then
    return await s.show_resume(update, context, older)


async def take_quick_draft(update: Update, context: KamContext, then: str) -> str | None:
    """Makes the quick draft the current one: its card ("q:edit") or the steps ("q:flow")."""
    draft = _quick(context)
    if draft is None:
        await answer(update, context.t("error.stale_button"))
        return None
    assert context.user_data is not None
    context.user_data.pop(QUICK_KEY, None)
    if then == "q:flow":
        draft.return_to_review = True
        return await s.show_account(update, context, draft)
    return await s.show_review(update, context, draft)


async def quick_account(update: Update, context: KamContext) -> str | None:
    draft = await _checked(update, context)
    if draft is None:
        return None
    account_id = callback_id(update, "mtg:q:acc")
    manager = context.require_manager()
    storage = context.services.storage
    account = None
    if await storage.accounts.is_visible(
        account_id, manager.id, sees_all=manager.sees_all_accounts
    ):
        account = await storage.accounts.get(account_id)
    if account is not None:
        draft.set_account(account.id, account.name)
    assert context.user_data is not None
    context.user_data.pop(QUICK_KEY, None)
    return await s.show_review(update, context, draft)


async def quick_cancel(update: Update, context: KamContext) -> int | None:
    if _quick(context) is None or not is_current_screen(update, context, c.FLOW):
        await answer(update, context.t("error.stale_button"))
        return None
    await answer(update)
    assert context.user_data is not None
    context.user_data.pop(QUICK_KEY, None)
    await close_screen(update, context, c.FLOW, context.t("meeting.quick_dismissed"))
    return END
