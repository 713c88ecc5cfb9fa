"""What the profile screens share: the flow's name, access to an account, value formatting."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update

from bot.context import KamContext
from bot.i18n import N_
from domain.account_labels import AccountTag, distinct_labels, needs_tags
from domain.formatting import Formats
from domain.languages import babel_locale
from domain.money import Money
from domain.policy import Action
from domain.profile import FieldSpec, birthday_month_day
from handlers import authz
from handlers.ui import answer, clip, parse_number
from storage.accounts import Account

FLOW = "profile"  # the card, its sections and the edit steps share one message
STATE_KEY = "profile"  # user_data: the last opened account (for shared contact cards)
DEFAULT_CURRENCY = {"ru": "RUB", "zh": "CNY", "en": "USD"}

STATUS_LABELS = {
    "prospect": N_("profile.status.prospect"),
    "active": N_("profile.status.active"),
    "at_risk": N_("profile.status.at_risk"),
    "lost": N_("profile.status.lost"),
}


def state(context: KamContext) -> dict[str, Any]:
    assert context.user_data is not None
    found = context.user_data.setdefault(STATE_KEY, {})
    assert isinstance(found, dict)
    return found


def remember_account(context: KamContext, account_id: int) -> None:
    state(context)["account_id"] = account_id


def zone(context: KamContext) -> ZoneInfo:
    name = (
        context.manager.timezone if context.manager else context.services.settings.default_timezone
    )
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def locale(context: KamContext) -> str:
    return babel_locale(context.language)


def default_currency(context: KamContext) -> str:
    return DEFAULT_CURRENCY.get(context.language, "USD")


async def visible_account(context: KamContext, account_id: int) -> Account | None:
    """The account if the manager may see it (domain.policy) and it is not archived."""
    account = await context.services.storage.accounts.get(account_id)
    if account is None or not authz.check(
        context, Action.SEE, await authz.account(context, account_id)
    ):
        return None
    return None if account.archived_at is not None else account


async def open_account(update: Update, context: KamContext, account_id: int) -> Account | None:
    """The account a screen is about, if the manager may see it (else refused); the press is
    answered, and it becomes the open client (for `/edit` and shared contact cards)."""
    account = await visible_account(context, account_id)
    if account is None:
        await refuse_missing(update, context)
        return None
    await answer(update)
    remember_account(context, account_id)
    return account


async def refuse_missing(update: Update, context: KamContext) -> None:
    """A press or command about an account that is gone or not the manager's."""
    if update.callback_query is not None:
        await answer(update, context.t("profile.not_found"), alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(context.t("profile.not_found"))


def int_part(parts: list[str], index: int) -> int | None:
    """A number (an id, or a page from 0) in callback data; None if malformed or too large."""
    return parse_number(parts[index]) if index < len(parts) else None


def money_text(
    context: KamContext, minor: int | None, currency: str | None, *, compact: bool = False
) -> str | None:
    """An amount as a person writes it; ``compact`` where space is short (1.2M ₽, 120万元)."""
    return amount_text(context.fmt, minor, currency, compact=compact)


def amount_text(
    fmt: Formats, minor: int | None, currency: str | None, *, compact: bool = False
) -> str | None:
    """:func:`money_text` in these formats (for a push, which has no handler context)."""
    if minor is None or not currency:
        return None
    try:
        money = Money(int(minor), currency)
        return fmt.money_compact(money) if compact else fmt.money(money)
    except ValueError:
        return f"{minor} {currency}"


def date_text(context: KamContext, day: date | datetime | str | None) -> str | None:
    """A day: a date (or "YYYY-MM-DD") as it is, a moment (or stored UTC text) locally."""
    return day_text(context.fmt, day)


def day_text(fmt: Formats, day: date | datetime | str | None) -> str | None:
    """:func:`date_text` in these formats (for a push, which has no handler context)."""
    if day is None or day == "":
        return None
    if isinstance(day, str):
        try:
            day = datetime.fromisoformat(day) if "T" in day else date.fromisoformat(day[:10])
        except ValueError:
            return str(day)
    return fmt.date(day)


def birthday_text(context: KamContext, birthday: str | None) -> str | None:
    found = birthday_month_day(birthday)
    if found is None or birthday is None:
        return None
    month, day = found
    year = None if birthday.startswith("--") else int(birthday[:4])
    return context.fmt.birthday(month, day, year)


def value_text(
    context: KamContext,
    spec: FieldSpec,
    values: dict[str, Any],
    names: dict[int, str],
    *,
    compact: bool = False,
) -> str | None:
    """A field's stored value as plain text for display, or None when empty; ``compact``
    for buttons (amounts as 1.2M ₽)."""
    t = context.t
    raw = values.get(spec.col)
    if spec.kind == "money":
        assert spec.currency_column is not None
        return money_text(context, raw, values.get(spec.currency_column), compact=compact)
    if raw is None or raw == "":
        return None
    if spec.kind == "choice":
        return t(spec.option_message(str(raw)))
    if spec.kind == "flag":
        return t("profile.yes") if raw else t("profile.no")
    if spec.kind == "manager":
        return names.get(int(raw), f"#{raw}")
    if spec.kind == "date":
        return date_text(context, raw)
    if spec.kind == "birthday":
        return birthday_text(context, str(raw))
    if spec.key == "aliases":
        return ", ".join(line for line in str(raw).splitlines() if line.strip())
    return str(raw)


async def account_labels(
    context: KamContext, accounts: Sequence[tuple[int, str]], limit: int = 40
) -> dict[int, str]:
    """Button labels for listed accounts (id, name): namesakes also name their owner or city.
    Every list of account buttons uses this (domain.account_labels has the rule)."""
    tags: dict[int, AccountTag] = {}
    if needs_tags([name for _, name in accounts]):
        tags = await context.services.storage.accounts.tags([i for i, _ in accounts])
    return distinct_labels(
        [replace(tags[i], name=name) if i in tags else AccountTag(i, name) for i, name in accounts],
        limit,
    )


async def manager_names(context: KamContext) -> dict[int, str]:
    return {m.id: m.full_name for m in await context.services.storage.managers.list_all()}


def line(label: str, value: str | None, limit: int = 300) -> str:
    """'<b>Label:</b> value' with the value escaped and clipped; label is translated text."""
    return f"<b>{label}:</b> {html.escape(clip(value, limit), quote=False)}" if value else ""


def esc(value: str | None, limit: int = 200) -> str:
    return html.escape(clip(value or "", limit), quote=False)
