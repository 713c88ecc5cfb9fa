"""`/report`: choose the period, then about whom (me, my team, one account), then the report.

A dialog flow (handlers.dialog): period (six buttons; "other dates" asks the first and the
last day, typed in any of the three languages) → scope (buttons; "my team" only for leads and
admins; "one account" lists the accounts the manager sees) → the report in the chat, its chart
as a photo and its spreadsheet as a document (handlers.reports.view). Back and Cancel on every
step; a typed day that makes no sense is explained and asked again.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update
from telegram.ext import CommandHandler, filters

from domain.policy import Action, Kind, Relation, Target
from domain.reminders import zone_of
from domain.report_periods import NAMED, Period, PeriodKind, custom_period, named_period
from handlers import authz, dialog
from handlers.dialog import (
    Flow,
    Go,
    Next,
    Run,
    Screen,
    Step,
    elsewhere,
    on_button,
    on_command,
    on_message,
    on_text,
)
from handlers.ui import StaleButton, answer, clip, grid

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from domain.reports import Scope

FLOW = "report"
PERIOD, FROM, TO, SCOPE, ACCOUNT = "period", "from", "to", "scope", "account"
MAX_ACCOUNTS = 30


def _nav(context: KamContext, run: Run, *, back: bool = True) -> list[InlineKeyboardButton]:
    row = [run.button(context.t("button.back"), "back")] if back else []
    return [*row, run.button(context.t("button.cancel"), "cancel")]


def _noted(run: Run, text: str) -> str:
    return (run.note + "\n\n" if run.note else "") + text


def _period(context: KamContext, run: Run) -> Period:
    """The chosen period (a custom one from its two stored days)."""
    tz = zone_of(context.require_manager())
    kind = str(run.data.get("period", ""))
    if kind == "custom":
        chosen = custom_period(
            date.fromisoformat(run.data["first"]), date.fromisoformat(run.data["last"]), tz
        )
        if not isinstance(chosen, Period):
            raise StaleButton(f"custom period no longer valid: {chosen}")
        return chosen
    named: PeriodKind | None = next((k for k in NAMED if k == kind), None)
    if named is None:
        raise StaleButton(f"no period {kind!r}")
    return named_period(named, context.services.clock.now(), tz)


def _period_label(context: KamContext, run: Run) -> str:
    from handlers.reports.view import period_range  # the report's code on its first use

    return period_range(context.fmt, _period(context, run))


def may_see_team(context: KamContext) -> bool:
    return authz.may(context, Action.SEE, Target(Kind.REPORT))


# --- screens -------------------------------------------------------------------------------


async def ask_period(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    choices = [run.button(t(f"report.period.{kind}"), "per", kind) for kind in NAMED]
    choices.append(run.button(t("report.period.custom"), "per", "custom"))
    return Screen(
        _noted(run, t("report.period.title")), [*grid(choices, 2), _nav(context, run, back=False)]
    )


async def ask_from(update: Update, context: KamContext, run: Run) -> Screen:
    return Screen(_noted(run, context.t("report.custom.ask_from")), [_nav(context, run)])


async def ask_to(update: Update, context: KamContext, run: Run) -> Screen:
    first = context.fmt.date(date.fromisoformat(run.data["first"]))
    return Screen(_noted(run, context.t("report.custom.ask_to", first=first)), [_nav(context, run)])


async def ask_scope(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    rows = [[run.button(t("report.scope.me"), "sc", "me")]]
    if may_see_team(context):
        rows.append([run.button(t("report.scope.team"), "sc", "team")])
    rows.append([run.button(t("report.scope.account"), "sc", "account")])
    text = t("report.scope.title", period=_period_label(context, run))
    return Screen(_noted(run, text), [*rows, _nav(context, run)])


async def ask_account(update: Update, context: KamContext, run: Run) -> Screen:
    """The accounts the manager sees, by name; typed text narrows a long list."""
    t = context.t
    accounts = sorted(await context.visible_accounts(), key=lambda a: a.name.casefold())
    raw = str(run.data.get("filter") or "")
    typed = raw.casefold()
    shown = [a for a in accounts if typed in a.name.casefold() or typed in a.aliases.casefold()]
    rows = [
        [run.button(clip(account.name, 40), "acc", account.id)] for account in shown[:MAX_ACCOUNTS]
    ]
    text = t("report.account.title", period=_period_label(context, run))
    if not accounts:
        text += "\n\n" + t("report.account.none")
    elif not shown:
        text += "\n\n" + t("report.account.no_match", text=clip(raw, 40))
    elif len(shown) > MAX_ACCOUNTS or typed:
        text += "\n\n" + t(
            "report.account.narrow", shown=min(len(shown), MAX_ACCOUNTS), total=len(shown)
        )
    return Screen(_noted(run, text), [*rows, _nav(context, run)])


# --- inputs --------------------------------------------------------------------------------


async def chose_period(update: Update, context: KamContext, run: Run) -> Next:
    kind = run.arg(0)
    if kind == "custom":
        return FROM
    if kind not in NAMED:
        raise StaleButton(f"no period {kind!r}")
    run.data["period"] = kind
    return SCOPE


def _typed_day(context: KamContext, run: Run) -> date | None:
    """The day typed (in the manager's zone); None, with the reason in the note, if none."""
    from domain.dates import parse_when

    manager = context.require_manager()
    tz = zone_of(manager)
    parsed = parse_when(run.text, now=context.services.clock.now(), tz=tz, prefer="past")
    if parsed is None or not parsed.has_date:
        run.note = context.t("report.custom.not_a_date", text=clip(run.text.strip(), 40))
        return None
    return parsed.at.astimezone(tz).date()


async def typed_from(update: Update, context: KamContext, run: Run) -> Next:
    day = _typed_day(context, run)
    if day is None:
        return Go.REDRAW
    run.data["first"] = day.isoformat()
    return TO


async def typed_to(update: Update, context: KamContext, run: Run) -> Next:
    day = _typed_day(context, run)
    if day is None:
        return Go.REDRAW
    first = date.fromisoformat(run.data["first"])
    chosen = custom_period(first, day, zone_of(context.require_manager()))
    if chosen == "end_before_start":
        fmt = context.fmt
        run.note = context.t(
            "report.custom.end_before_start", first=fmt.date(first), last=fmt.date(day)
        )
        return Go.REDRAW
    if chosen == "too_long":
        run.note = context.t("report.custom.too_long")
        return Go.REDRAW
    run.data["last"], run.data["period"] = day.isoformat(), "custom"
    return SCOPE


async def typed_filter(update: Update, context: KamContext, run: Run) -> Next:
    """Part of an account's name, to narrow the list."""
    run.data["filter"] = " ".join(run.text.split())[:100]
    return Go.REDRAW


async def not_text(update: Update, context: KamContext, run: Run) -> Next:
    """A sticker, a photo or a file where a day is asked for."""
    run.note = context.t("report.custom.type_date")
    return Go.REDRAW


async def chose_scope(update: Update, context: KamContext, run: Run) -> Next:
    from handlers.reports.view import manager_scope

    manager = context.require_manager()
    choice = run.arg(0)
    if choice == "account":
        run.data.pop("filter", None)
        return ACCOUNT
    if choice == "me":
        target = Target(Kind.REPORT, manager.id, frozenset({Relation.SELF}))
    elif choice == "team":
        target = Target(Kind.REPORT)  # the team's: no relation, leads and admins only
    else:
        raise StaleButton(f"no scope {choice!r}")
    if not await authz.require(update, context, Action.SEE, target, "report.not_allowed"):
        return None
    scope, heading = await manager_scope(
        context.services.storage, context.t, manager, team=choice == "team"
    )
    return await _produce(update, context, run, scope, heading)


async def chose_account(update: Update, context: KamContext, run: Run) -> Next:
    from domain.reports import Scope

    account_id = run.arg_id(0)
    target = await authz.account(context, account_id)
    if not await authz.require(update, context, Action.SEE, target):
        return None
    account = await context.services.storage.accounts.get(account_id)
    if account is None:
        raise StaleButton(f"no account {account_id}")
    heading = context.t("report.title.account", name=account.name)
    return await _produce(update, context, run, Scope("account", account_id=account_id), heading)


async def _produce(
    update: Update, context: KamContext, run: Run, scope: Scope, heading: str
) -> Next:
    """The report in place of the flow's message, then its chart and its spreadsheet."""
    from handlers.reports.view import build, send_files

    await answer(update, context.t("report.preparing"))
    output = await build(
        context.services.storage,
        context.t,
        context.fmt,
        scope=scope,
        period=_period(context, run),
        heading=heading,
        now=context.services.clock.now(),
    )
    await run.close(output.text)
    chat = update.effective_chat
    assert chat is not None
    await send_files(context.bot, chat.id, context.t, output)
    return Go.END


# --- entries, navigation -------------------------------------------------------------------


async def start(update: Update, context: KamContext) -> None:
    await REPORT.start(update, context, PERIOD)


async def go_back(update: Update, context: KamContext, run: Run) -> Next:
    return Go.BACK


async def cancel(update: Update, context: KamContext, run: Run) -> Next:
    await answer(update)
    await run.close(context.t("report.cancelled"))
    return Go.END


async def hint(update: Update, context: KamContext, run: Run) -> Next:
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.t("report.hint"))
    return None


_NOT_TEXT = filters.ALL & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL

REPORT = Flow(
    FLOW,
    "rep",
    entries=[CommandHandler("report", start)],
    steps=[
        Step(PERIOD, ask_period, [on_button("per", chose_period)]),
        Step(
            FROM,
            ask_from,
            [on_text(typed_from), on_message(_NOT_TEXT, not_text)],
            back=PERIOD,
        ),
        Step(TO, ask_to, [on_text(typed_to), on_message(_NOT_TEXT, not_text)], back=FROM),
        Step(SCOPE, ask_scope, [on_button("sc", chose_scope)], back=PERIOD),
        Step(
            ACCOUNT,
            ask_account,
            [on_button("acc", chose_account), on_text(typed_filter)],
            back=SCOPE,
        ),
    ],
    common=[
        on_command("cancel", cancel),
        on_button("cancel", cancel),
        on_button("back", go_back),
    ],
    otherwise=[on_message(filters.ALL & ~elsewhere(), hint)],
)


def register(application: KamApp) -> None:
    dialog.register(application, REPORT)
