"""Quick log: one free-text message becomes a prefilled review card; nothing is saved
without Save. ``offer_quick_log`` is called by the main-menu text routing.

A dialog flow of one step, the card; its draft is the run's data. Edit (or, when no client
was recognised, the steps) hands the draft over to the meeting flow's step `quick`, after
asking about an older unsaved meeting if there is one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update

from domain import meeting_steps as ms
from domain.meeting_draft import MeetingDraft
from domain.search import Candidate
from handlers.dialog import Address, Flow, Go, Next, Run, Screen, Step, go, on_button
from handlers.meetings import common as c
from handlers.meetings.review import render_card_text
from handlers.meetings.saving import save_draft, show_saved
from handlers.ui import answer, clip

if TYPE_CHECKING:  # domain.quick_log (and rapidfuzz) on the first free text, not at start-up
    from bot.context import KamContext
    from domain.quick_log import QuickGuess
    from handlers.dialog.model import InputCallback


async def _read(context: KamContext, text: str) -> tuple[QuickGuess, dict[int, str]]:
    """What the text says (client, people, when, follow-ups), and the visible clients' names."""
    from domain.quick_log import guess

    storage, now, tz = context.services.storage, c.now(context), c.zone(context)
    accounts = await context.visible_accounts()
    candidates = [Candidate(a.id, a.name, (a.name, *a.alias_list)) for a in accounts]
    found = guess(text, now=now, tz=tz, accounts=candidates, contacts_of={})
    if found.account_id is not None:
        people = await storage.contacts.for_account(found.account_id)
        contacts_of = {
            found.account_id: [Candidate(p.id, p.full_name, (p.full_name,)) for p in people]
        }
        found = guess(text, now=now, tz=tz, accounts=candidates, contacts_of=contacts_of)
    return found, {a.id: a.name for a in accounts}


async def offer_quick_log(update: Update, context: KamContext, text: str) -> None:
    """Reads ``text`` as a held meeting and offers its review card (Save / Edit / Cancel)."""
    from domain.quick_log import prefill

    found, names = await _read(context, text)
    draft = c.new_draft(context, "held")
    prefill(draft, text, found, names, c.now(context))
    draft.step = ms.REVIEW
    others = [[i, names[i]] for i in found.account_alternatives]
    await QUICK.start(update, context, data={"draft": draft.to_dict(), "others": others})


def _draft(run: Run) -> MeetingDraft:
    return MeetingDraft.from_dict(run.data["draft"])


async def card(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    draft = _draft(run)
    if draft.account_id is None:
        rows = [
            [run.button(t("meeting.quick_start_flow"), "flow")],
            [run.button(t("meeting.quick_dismiss"), "cancel")],
        ]
        return Screen(t("meeting.quick_no_account"), rows, new_message=True)
    others = [run.button("🔁 " + clip(str(name), 30), "acc", i) for i, name in run.data["others"]]
    text = t("meeting.quick_intro") + "\n\n" + await render_card_text(context, draft)
    rows = [
        [run.button(t("meeting.save"), "save")],
        *([others] if others else []),
        [run.button(t("meeting.quick_edit"), "edit"), run.button(t("button.cancel"), "cancel")],
    ]
    return Screen(text, rows, new_message=True)


# --- the card's buttons --------------------------------------------------------------------


async def quick_save(update: Update, context: KamContext, run: Run) -> Next:
    draft = _draft(run)
    result = await save_draft(context, draft)
    await show_saved(update, context, draft, result)
    return Go.END


def _hand_over(view: str) -> InputCallback:
    """The meeting flow takes the draft: its card ("edit": every field editable) or its steps
    ("flow": no client recognised, the text kept as the summary). An older unsaved meeting is
    asked about first (Continue it, or Discard it and go on with this)."""

    async def hand_over(update: Update, context: KamContext, run: Run) -> Next:
        draft, older = _draft(run), c.get_draft(context)
        run.data["draft"] = draft.to_dict()
        then = {"then": ms.QUICK, "view": view}
        if older is not None and older.has_content() and older.token != draft.token:
            await go(update, context, Address(c.FLOW, ms.RESUME, then))
        else:
            await go(update, context, Address(c.FLOW, ms.QUICK, {"view": view}))
        return None

    return hand_over


async def quick_account(update: Update, context: KamContext, run: Run) -> Next:
    """🔁 another client: the card with that client (the current draft from now on)."""
    draft = _draft(run)
    account = await c.visible_account(context, run.arg_id())
    if account is not None:
        draft.set_account(account.id, account.name)
    run.data["draft"] = draft.to_dict()
    await go(update, context, Address(c.FLOW, ms.QUICK, {"view": "edit"}))
    return None


async def quick_cancel(update: Update, context: KamContext, run: Run) -> Next:
    await run.close(context.t("meeting.quick_dismissed"))
    return Go.END


QUICK = Flow(
    "quick",
    "mq",
    steps=[
        Step(
            "card",
            card,
            [
                *(on_button("save", quick_save), on_button("edit", _hand_over("edit"))),
                *(on_button("flow", _hand_over("flow")), on_button("acc", quick_account)),
                on_button("cancel", quick_cancel),
            ],
        )
    ],
    screen_key=c.FLOW,
)


async def take_quick(update: Update, context: KamContext, run: Run) -> Next:
    """The meeting flow's step `quick`: the quick card's draft becomes the current one."""
    quick = QUICK.run(context)
    if quick is None or not isinstance(quick.data.get("draft"), dict):
        await answer(update, context.t("error.stale_button"))
        return Go.END
    draft = MeetingDraft.from_dict(quick.data["draft"])
    QUICK.end(context)
    to_steps = run.data.pop("view", "edit") == "flow"
    draft.return_to_review = draft.return_to_review or to_steps
    c.put_draft(context, draft)
    return ms.ACCOUNT if to_steps else ms.REVIEW
