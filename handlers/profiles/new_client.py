"""`/newclient`: name (with "Did you mean …?"), industry, status, owner; then the card.

A dialog flow (handlers.dialog); the draft is the run's data (name, industry, status).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import KamContext
from bot.i18n import N_
from domain.policy import Action
from domain.profile import FIELDS
from handlers import authz
from handlers.dialog import (
    Flow,
    Go,
    Next,
    Run,
    Screen,
    Step,
    on_button,
    on_command,
    on_message,
    on_press,
    on_text,
)
from handlers.menu import any_menu_button, menu_button
from handlers.profiles.card import show_card
from handlers.profiles.common import account_labels, goto, reply, state
from handlers.ui import answer, button, clip

FLOW = "newclient"
NAME, CHECK, DUPLICATE = "name", "check", "duplicate"
INDUSTRY, STATUS, OWNER = "industry", "status", "owner"
NAME_LIMIT = next(spec.limit for spec in FIELDS["account"] if spec.key == "name")
INDUSTRY_LIMIT = next(spec.limit for spec in FIELDS["account"] if spec.key == "industry")


def _nav(context: KamContext, run: Run, *, back: bool = True) -> list[InlineKeyboardButton]:
    t = context.t
    row = [run.button(t("button.back"), "back")] if back else []
    return [*row, run.button(t("button.cancel"), "cancel")]


# --- screens -------------------------------------------------------------------------------


async def ask_name(update: Update, context: KamContext, run: Run) -> Screen:
    text = (run.note + "\n\n" if run.note else "") + context.t("profile.new.ask_name")
    return Screen(text, [_nav(context, run, back=False)], new_message=True)


async def show_similar(update: Update, context: KamContext, run: Run) -> Screen:
    """ "Did you mean …?": the clients the manager may open, and whose the others are."""
    t = context.t
    storage = context.services.storage
    similar = [(int(i), str(n)) for i, n in run.data.get("similar", [])]
    labels = await account_labels(context, similar, 60)
    lines = [t("profile.new.did_you_mean", names=", ".join(labels[i] for i, _ in similar))]
    rows = []
    for account_id, name in similar:
        if authz.may(context, Action.SEE, await authz.account(context, account_id)):
            label = t("profile.new.open", name=clip(labels[account_id], 50))
            rows.append([button(label, f"acc:open:{account_id}")])
            continue
        account = await storage.accounts.get(account_id)
        owner = (
            await storage.managers.get(account.owner_id) if account and account.owner_id else None
        )
        owner_name = owner.full_name if owner else "—"
        lines.append("• " + t("profile.new.someone_elses", name=name, owner=owner_name))
    create = t("profile.new.create_anyway", name=clip(str(run.data["name"]), 30))
    rows += [[run.button(create, "new")], _nav(context, run)]
    return Screen("\n".join(lines), rows, new_message=True)


async def ask_industry(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    text = t("profile.new.ask_industry", name=run.data.get("name", ""))
    return Screen(text, [[run.button(t("profile.new.skip"), "skip")], _nav(context, run)])


async def ask_status(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    rows = [
        [run.button(t("profile.status.active"), "st", "active")],
        [run.button(t("profile.status.prospect"), "st", "prospect")],
        _nav(context, run),
    ]
    return Screen(t("profile.new.ask_status", name=run.data.get("name", "")), rows)


async def ask_owner(update: Update, context: KamContext, run: Run) -> Screen:
    rows = [
        [run.button(label, "own", manager_id)]
        for manager_id, label in (await _owner_choices(context, run))[:20]
    ]
    text = context.t("profile.new.ask_owner", name=run.data.get("name", ""))
    return Screen(text, [*rows, _nav(context, run)])


# --- entering steps --------------------------------------------------------------------------


async def forget(update: Update, context: KamContext, run: Run) -> Next:
    """Entering a step drops what it asks for (so Back forgets the answer)."""
    if run.step == NAME:
        run.data.clear()
    run.data.pop(run.step, None)
    return None


async def check_name(update: Update, context: KamContext, run: Run) -> Next:
    """Keeps the name; asks "Did you mean …?" when it resembles an existing account."""
    t = context.t
    name = " ".join(str(run.data.get("name", "")).split())
    if not name:
        run.note = t("profile.invalid.empty")
        return NAME
    if len(name) > NAME_LIMIT:
        run.note = t("profile.invalid.too_long", limit=NAME_LIMIT, length=len(name))
        return NAME
    run.data["name"] = name
    similar = await context.services.storage.search.resembling(name, limit=3)
    run.data["similar"] = [[hit.account_id, hit.name] for hit in similar]
    return DUPLICATE if similar else INDUSTRY


async def _owner_choices(context: KamContext, run: Run) -> list[tuple[int, str]]:
    manager = context.require_manager()
    everyone = [m for m in await context.services.storage.managers.list_all() if m.active]
    if manager.sees_all_accounts:
        allowed = everyone
    elif run.data.get("status") == "prospect":
        allowed = [m for m in everyone if m.id == manager.id or m.role == "bd"]
    else:
        allowed = [manager]
    ordered = sorted(allowed, key=lambda m: (m.id != manager.id, m.full_name))
    return [(m.id, f"{m.full_name} · {context.t('role.' + m.role)}") for m in ordered]


async def owner_or_create(update: Update, context: KamContext, run: Run) -> Next:
    """With nobody else to choose, the manager owns the new client."""
    if len(await _owner_choices(context, run)) <= 1:
        return await _create(update, context, run, context.require_manager().id)
    return None


async def _create(update: Update, context: KamContext, run: Run, owner_id: int) -> Next:
    manager = context.require_manager()
    account = await context.services.storage.accounts.create(
        name=str(run.data["name"]),
        owner_id=owner_id,
        actor_id=manager.id,
        now=context.services.clock.now(),
        status="active" if run.data.get("status") == "active" else "prospect",
        industry=run.data.get("industry"),
    )
    await answer(update)
    await run.close(context.t("profile.new.created", name=account.name))
    await show_card(update, context, account.id, new_message=True)
    return Go.END


# --- entries and inputs --------------------------------------------------------------------


async def _begin(update: Update, context: KamContext, name: str) -> None:
    if name.strip():
        await NEW_CLIENT.start(update, context, CHECK, data={"name": name})
    else:
        await NEW_CLIENT.start(update, context, NAME)


async def start(update: Update, context: KamContext) -> None:
    await _begin(update, context, " ".join(context.args or []))


async def from_find(update: Update, context: KamContext) -> None:
    """ "Create …" under a search that found nothing: the query is the name."""
    await answer(update)
    await _begin(update, context, str(state(context).get("last_query") or ""))


async def typed_name(update: Update, context: KamContext, run: Run) -> Next:
    run.data["name"] = run.text
    return CHECK


async def typed_industry(update: Update, context: KamContext, run: Run) -> Next:
    assert update.effective_message is not None
    industry = " ".join(run.text.split())
    if len(industry) > INDUSTRY_LIMIT:
        await update.effective_message.reply_text(
            context.t("profile.invalid.too_long", limit=INDUSTRY_LIMIT, length=len(industry))
        )
        return Go.REDRAW
    run.data["industry"] = industry or None
    return Go.NEXT


async def skip_industry(update: Update, context: KamContext, run: Run) -> Next:
    run.data["industry"] = None
    return Go.NEXT


async def choose_status(update: Update, context: KamContext, run: Run) -> Next:
    run.data["status"] = "active" if run.args == ["active"] else "prospect"
    return Go.NEXT


async def choose_owner(update: Update, context: KamContext, run: Run) -> Next:
    allowed = {manager_id for manager_id, _ in await _owner_choices(context, run)}
    owner = run.args[0] if run.args else ""
    if not owner.isdigit() or int(owner) not in allowed:
        await answer(update, context.t("error.stale_button"))
        return None
    return await _create(update, context, run, int(owner))


async def open_existing(update: Update, context: KamContext, run: Run) -> Next:
    """ "Open VT-Metal" on the duplicate warning: the card instead of a duplicate."""
    from handlers.profiles.card import on_open

    await on_open(update, context)
    return Go.END


async def cancel_button(update: Update, context: KamContext, run: Run) -> Next:
    await answer(update)
    await run.close(context.t("profile.new.cancelled"))
    return Go.END


NEW_CLIENT = Flow(
    FLOW,
    "ncl",
    entries=[
        CommandHandler("newclient", start),
        MessageHandler(menu_button("menu.new_client"), start),
        CallbackQueryHandler(from_find, pattern=r"^ncl:fromfind$"),
    ],
    steps=[
        Step(NAME, ask_name, [on_text(typed_name)], enter=forget),
        Step(CHECK, enter=check_name),
        Step(
            DUPLICATE,
            show_similar,
            [on_button("new", goto(INDUSTRY)), on_press(r"^acc:open:", open_existing)],
            back=NAME,
        ),
        Step(
            INDUSTRY,
            ask_industry,
            [on_text(typed_industry), on_button("skip", skip_industry)],
            next=STATUS,
            back=NAME,
            enter=forget,
        ),
        Step(
            STATUS,
            ask_status,
            [on_button("st", choose_status)],
            next=OWNER,
            back=INDUSTRY,
            enter=forget,
        ),
        Step(
            OWNER, ask_owner, [on_button("own", choose_owner)], back=STATUS, enter=owner_or_create
        ),
    ],
    common=[
        on_command("cancel", reply(N_("profile.new.cancelled"), menu=True, then=Go.END)),
        on_button("cancel", cancel_button),
        on_button("back", goto(Go.BACK)),
    ],
    otherwise=[
        on_message(
            filters.ALL & ~filters.COMMAND & ~any_menu_button(), reply(N_("profile.new.hint"))
        )
    ],
)
"""`/newclient`, the menu's "New client", and "Create …" under an empty search."""
