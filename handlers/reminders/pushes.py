"""What each reminder says: the message of one delivery, or None when it is obsolete.

A delivery was recorded when its source row fell due; by the time it is sent the task may
be done, the meeting cancelled, the check answered, or the manager may have switched that
kind of reminder off. :func:`compose` reads the source row again and decides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import KamContext
from domain import reminders as rules
from handlers.reminders.common import Formatter
from handlers.reminders.digest_view import load_digest, render_digest
from handlers.ui import button, clip, keyboard
from storage.reminders import Delivery
from storage.satisfaction import CheckView

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Push:
    text: str
    markup: InlineKeyboardMarkup | None
    line: str  # one line for the "while I was offline" message (HTML)
    action: InlineKeyboardButton | None  # its button there
    explicit: bool = False  # timed by the manager: fires inside quiet hours
    deadline: datetime | None = None  # never held past this (a brief before its meeting)
    catch_up: bool = True  # False: never bundled (the digest, a brief)


def task_buttons(
    fmt: Formatter, task_id: int, account_id: int | None
) -> list[list[InlineKeyboardButton]]:
    t = fmt.t
    rows = [
        [
            button(t("reminders.task.done"), f"task:done:{task_id}"),
            button(t("reminders.task.snooze"), f"task:snz:{task_id}"),
        ]
    ]
    if account_id is not None:
        rows.append([button(t("reminders.open_account"), f"acc:open:{account_id}")])
    return rows


def score_buttons(fmt: Formatter, check_id: int) -> list[list[InlineKeyboardButton]]:
    return [
        [button(str(n), f"sat:{check_id}:{n}") for n in range(1, 6)],
        [button(fmt.t("reminders.sat.skip"), f"sat:{check_id}:skip")],
    ]


def satisfaction_question(fmt: Formatter, check: CheckView) -> str:
    t = fmt.t
    what = (
        t("reminders.sat.meeting_of", day=fmt.day(check.meeting_at, weekday=False))
        if check.meeting_at
        else t("reminders.sat.last_contact")
    )
    if check.contact_name:
        return t(
            "reminders.sat.question",
            name=check.contact_name,
            account=check.account_name,
            what=what,
        )
    return t("reminders.sat.question_account", account=check.account_name, what=what)


async def compose(
    context: KamContext, delivery: Delivery, now: datetime, *, listing: bool = False
) -> Push | None:
    """The message of a delivery; None when it is obsolete. `listing`: for the "while I was
    offline" list shown again (a check already asked, a task snoozed since, still count)."""
    manager = context.require_manager()
    fmt = Formatter(manager)
    storage = context.services.storage
    t = fmt.t
    kind = delivery.kind
    ref = delivery.ref_id or 0

    if kind == "digest":
        if not manager.notify_digest:
            return None
        digest = await load_digest(storage, manager, now)
        if digest.is_empty and not manager.digest_when_empty:
            return None
        text, markup = render_digest(digest, fmt, now, on_demand=False)
        return Push(text, markup, "", None, explicit=True, catch_up=False)

    if kind == "task":
        task = await storage.tasks.get(ref)
        if task is None or task.status != "open" or not manager.notify_tasks:
            return None
        remind_at = task.snoozed_until or task.due_at
        if remind_at is None:
            return None
        key = rules.task_occasion(task.id, task.assignee_id, remind_at).key
        if key != delivery.key and not listing:
            return None  # snoozed again since: that is another occasion
        account = await storage.accounts.get(task.account_id) if task.account_id else None
        where = t("reminders.task.account", account=account.name) if account else ""
        text = t(
            "reminders.task.due",
            text=task.text,
            when=fmt.moment(remind_at, now=now),
        ) + (f"\n{where}" if where else "")
        if task.goal:
            text += "\n" + t("reminders.task.goal", goal=clip(task.goal, 300))
        line = "⏰ " + t(
            "reminders.catchup.task", text=clip(task.text, 80), when=fmt.moment(remind_at, now=now)
        )
        return Push(
            text,
            keyboard(task_buttons(fmt, task.id, task.account_id)),
            line,
            button(clip("✅ " + task.text, 40), f"task:show:{task.id}"),
            explicit=True,
        )

    if kind in ("brief", "held"):
        meeting = await storage.meetings.get(ref)
        if meeting is None or meeting.status != "planned" or not manager.notify_meetings:
            return None
        name = meeting.account_name
        if kind == "brief":
            if meeting.starts_at <= now:
                return None  # too late for a brief; "How did it go?" follows
            if meeting.starts_at.strftime("%Y%m%dT%H%M%SZ") not in delivery.key:
                return None  # moved since: the new time has its own brief
            header = t(
                "reminders.brief.header",
                account=name,
                time=fmt.moment(meeting.starts_at, now=now),
            )
            body = await _brief_body(context, meeting.account_id)
            text = header + ("\n\n" + body if body else "")
            markup = keyboard(
                [[button(t("reminders.open_account"), f"acc:open:{meeting.account_id}")]]
            )
            return Push(text, markup, "", None, deadline=meeting.starts_at, catch_up=False)
        text = t(
            "reminders.held.question",
            account=name,
            time=fmt.moment(meeting.starts_at, now=now),
        )
        markup = keyboard([[button(t("reminders.held.log"), f"mtg:held:{meeting.id}")]])
        line = "📝 " + t("reminders.catchup.held", account=clip(name, 60))
        return Push(text, markup, line, button(clip("📝 " + name, 40), f"mtg:held:{meeting.id}"))

    if kind == "sat":
        check = await storage.satisfaction.get(ref)
        waiting = ("scheduled", "asked") if listing else ("scheduled",)
        if check is None or check.status not in waiting or not manager.notify_satisfaction:
            return None
        question = satisfaction_question(fmt, check)
        text = question + "\n" + t("reminders.sat.scale")
        line = "⭐ " + question
        who = check.contact_name or check.account_name
        return Push(
            text,
            keyboard(score_buttons(fmt, check.id)),
            line,
            button(clip("⭐ " + who, 40), f"sat:ask:{check.id}"),
        )

    if kind == "obligation":
        obligation = await storage.contracts.obligation(ref)
        if (
            obligation is None
            or obligation.status not in ("pending", "delayed")
            or obligation.contract_status not in ("active", "at_risk")
            or not manager.notify_contracts
        ):
            return None
        due = obligation.effective_due
        if f":{due.isoformat()}:" not in delivery.key:
            return None  # delayed since: the new date has its own reminders
        occasion = rules.obligation_occasion_name(delivery.key)
        values = {
            "description": obligation.description,
            "contract": obligation.contract_title,
            "account": obligation.account_name,
            "day": fmt.day(due),
        }
        if occasion == "ask":
            text = t("reminders.obligation.ask", **values)
            markup = keyboard(obligation_answer_rows(fmt, obligation.id))
        else:
            key = {
                "d7": "reminders.obligation.in_week",
                "d1": "reminders.obligation.tomorrow",
                "d0": "reminders.obligation.today",
            }[occasion]
            text = t(key, **values)
            markup = keyboard(
                [
                    [button(t("reminders.obligation.open"), f"obl:show:{obligation.id}")],
                    [button(t("reminders.open_account"), f"acc:open:{obligation.account_id}")],
                ]
            )
        line = "📄 " + t(
            "reminders.catchup.obligation",
            description=clip(obligation.description, 80),
            day=fmt.day(due),
        )
        return Push(
            text,
            markup,
            line,
            button(clip("📄 " + obligation.description, 40), f"obl:show:{obligation.id}"),
        )

    if kind == "escalation":
        task = await storage.tasks.get(ref)
        if task is None or task.status != "open" or task.due_at is None:
            return None
        assignee = await storage.managers.get(task.assignee_id)
        account = await storage.accounts.get(task.account_id) if task.account_id else None
        days = max(1, (now - task.due_at).days)
        text = t.plural(
            "reminders.escalation.text",
            days,
            text=task.text,
            who=assignee.full_name if assignee else "?",
            account=account.name if account else "—",
        )
        rows = []
        if account is not None:
            rows.append([button(t("reminders.open_account"), f"acc:open:{account.id}")])
        line = "🚨 " + t(
            "reminders.catchup.escalation",
            text=clip(task.text, 80),
            who=assignee.full_name if assignee else "?",
        )
        action = (
            button(clip("🚨 " + account.name, 40), f"acc:open:{account.id}") if account else None
        )
        return Push(text, keyboard(rows) if rows else None, line, action)

    if kind == "low_score":
        check = await storage.satisfaction.get(ref)
        if check is None or check.score is None:
            return None
        kam = await storage.managers.get(check.manager_id)
        what = (
            t("reminders.sat.meeting_of", day=fmt.day(check.meeting_at, weekday=False))
            if check.meeting_at
            else t("reminders.sat.last_contact")
        )
        text = t(
            "reminders.low_score.text",
            score=check.score,
            who=check.contact_name or check.account_name,
            account=check.account_name,
            what=what,
            kam=kam.full_name if kam else "?",
        )
        if check.comment:
            text += "\n" + t("reminders.low_score.comment", comment=clip(check.comment, 500))
        markup = keyboard([[button(t("reminders.open_account"), f"acc:open:{check.account_id}")]])
        line = "🔴 " + t(
            "reminders.catchup.low_score", score=check.score, account=clip(check.account_name, 60)
        )
        return Push(
            text,
            markup,
            line,
            button(clip("🔴 " + check.account_name, 40), f"acc:open:{check.account_id}"),
        )

    if kind == "missed":
        obligation = await storage.contracts.obligation(ref)
        if obligation is None or obligation.status != "missed":
            return None
        owner = await storage.managers.get(obligation.owner_id) if obligation.owner_id else None
        text = t(
            "reminders.missed.text",
            description=obligation.description,
            contract=obligation.contract_title,
            account=obligation.account_name,
            day=fmt.day(obligation.due_on),
            kam=owner.full_name if owner else "—",
        )
        markup = keyboard(
            [[button(t("reminders.open_account"), f"acc:open:{obligation.account_id}")]]
        )
        line = "❌ " + t(
            "reminders.catchup.missed",
            description=clip(obligation.description, 80),
            account=clip(obligation.account_name, 60),
        )
        return Push(
            text,
            markup,
            line,
            button(clip("❌ " + obligation.account_name, 40), f"acc:open:{obligation.account_id}"),
        )

    _LOG.warning("unknown reminder kind %r (delivery %s)", kind, delivery.id)
    return None


def obligation_answer_rows(fmt: Formatter, obligation_id: int) -> list[list[InlineKeyboardButton]]:
    t = fmt.t
    return [
        [
            button(t("reminders.obligation.met"), f"obl:{obligation_id}:met"),
            button(t("reminders.obligation.missed"), f"obl:{obligation_id}:missed"),
        ],
        [button(t("reminders.obligation.delayed"), f"obl:{obligation_id}:delay")],
    ]


async def _brief_body(context: KamContext, account_id: int) -> str:
    """The profiles feature's one-screen brief of the account (handlers.profiles.brief)."""
    from handlers.profiles.brief import render_brief

    try:
        return await render_brief(context, account_id)
    except Exception:  # the reminder still goes out with its header
        _LOG.exception("could not render the brief of account %s", account_id)
        return ""


def catch_up_message(
    fmt: Formatter, pushes: list[Push], *, of: int | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The "while I was offline" message of these pushes, with a button for each (up to 10)."""
    actions = [p.action for p in pushes if p.action is not None][:10]
    text = catch_up_text(fmt, [p.line for p in pushes], of=of)
    return text, keyboard([[action] for action in actions]) if actions else None


def catch_up_text(fmt: Formatter, lines: list[str], *, of: int | None = None) -> str:
    """The "while I was offline" message; `of`: how many it listed when sent, when some of
    them have been dealt with since."""
    t = fmt.t
    shown = lines[:30]
    if of is None or of == len(lines):
        text = t.plural("reminders.catchup.title", len(lines)) + "\n\n"
    else:
        text = t("reminders.catchup.still_open", count=len(lines), total=of) + "\n\n"
    text += "\n".join(f"• {line}" for line in shown)
    if len(lines) > len(shown):
        text += "\n" + t.plural("reminders.digest.more", len(lines) - len(shown))
    return text
