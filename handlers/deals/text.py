"""How a deal reads: its one-line summary, its card, the History section's block, the account
card's "in progress" lines. Works on stored column values (a mapping, as the profile's History
items hold them) so that the profile screens and the deal screens show a deal alike.

Imports no other feature (the profile screens import it).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from bot.i18n import N_, Translator
from domain.deals import effective_stage, expected_probability, forecast, is_open
from domain.formatting import Formats
from domain.money import Money
from domain.paging import clip, split_text
from domain.profile_text import amount_text
from storage.deals import Deal, listing_key

STAGE_MARKS = {
    "lead": "⚪",
    "qualified": "🔵",
    "proposal": "🟡",
    "negotiation": "🟠",
    "won": "✅",
    "lost": "❌",
}
STAGE_LABELS = {stage: f"profile.stage.{stage}" for stage in STAGE_MARKS}
KIND_LABELS = {
    "deal": N_("profile.deal_kind.deal"),
    "tender": N_("profile.deal_kind.tender"),
    "agreement": N_("profile.deal_kind.agreement"),
}
REASON_LABELS = {
    "price": N_("deal.reason.price"),
    "quality": N_("deal.reason.quality"),
    "relationship": N_("deal.reason.relationship"),
    "competitor": N_("deal.reason.competitor"),
    "timing": N_("deal.reason.timing"),
    "other": N_("deal.reason.other"),
}
CARD_DEALS = 3  # deals in progress on the account card


def esc(value: object, limit: int = 200) -> str:
    return html.escape(clip(str(value or ""), limit), quote=False)


def values_of(deal: Deal) -> dict[str, Any]:
    return dict(vars(deal))


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


class _Figures:
    """A mapping of columns as domain.deals reads a deal."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.kind = str(values.get("kind") or "deal")
        self.stage = str(values.get("stage") or "lead")
        self.amount_minor: int | None = values.get("amount_minor")
        self.currency: str | None = values.get("currency")
        self.probability: int | None = values.get("probability")


def stage_text(t: Translator, values: Mapping[str, Any]) -> str:
    stage = effective_stage(str(values.get("kind") or "deal"), str(values.get("stage") or ""))
    return f"{STAGE_MARKS[stage]} {t(STAGE_LABELS[stage])}"


def amount(fmt: Formats, values: Mapping[str, Any], *, compact: bool = True) -> str | None:
    return amount_text(fmt, values.get("amount_minor"), values.get("currency"), compact=compact)


def reason_text(t: Translator, values: Mapping[str, Any]) -> str | None:
    """ "Competitor: Severstal", "Price", or the free text of an old History row; plain."""
    code, text = values.get("reason_code"), values.get("result_reason")
    if code in REASON_LABELS:
        label = t(REASON_LABELS[str(code)])
        return f"{label}: {text}" if text else label
    return str(text) if text else None


def summary(t: Translator, fmt: Formats, values: Mapping[str, Any], limit: int = 40) -> str:
    """One line (a button label, a card line): title · stage · amount; plain text."""
    parts = [clip(str(values.get("title") or "—"), limit), stage_text(t, values)]
    shown = amount(fmt, values)
    return " · ".join([*parts, shown] if shown else parts)


def detail_lines(
    t: Translator, fmt: Formats, values: Mapping[str, Any], *, reason: bool = True
) -> list[str]:
    """The fields of a deal under its title (HTML, values escaped); the reason clipped to
    600 characters (`reason=False`: without it, the History section shows it whole)."""
    lines: list[str] = []
    figures = _Figures(values)
    since = _day(values.get("stage_changed_at"))
    stage = stage_text(t, values)
    lines.append(
        t("deal.line.stage_since", stage=stage, since=fmt.date(since))
        if since
        else t("deal.line.stage", stage=stage)
    )
    shown = amount(fmt, values, compact=False)
    if shown and is_open(figures.kind, figures.stage):
        weighted = forecast([figures])
        weight = next(iter(weighted.items()), None)
        lines.append(
            t(
                "deal.line.amount_weighted",
                amount=shown,
                percent=expected_probability(figures),
                weighted=fmt.money_compact(Money(weight[1], weight[0])) if weight else "—",
            )
        )
    elif shown:
        lines.append(t("deal.line.amount", amount=shown))
    for key, message in (
        ("deadline_on", "deal.line.deadline"),
        ("expected_close_on", "deal.line.expected_close"),
        ("closed_on", "deal.line.closed_on"),
    ):
        day = _day(values.get(key))
        if day and (key != "expected_close_on" or is_open(figures.kind, figures.stage)):
            lines.append(t(message, day=fmt.date(day)))
    why = reason_text(t, values) if reason else None
    if why:
        lines.append(t("deal.line.reason", reason=clip(why, 600)))
    return lines


def title_line(t: Translator, values: Mapping[str, Any]) -> str:
    kind = KIND_LABELS.get(str(values.get("kind")), KIND_LABELS["deal"])
    return f"<b>{esc(values.get('title'), 200) or '—'}</b> · {t(kind)}"


def card(t: Translator, fmt: Formats, deal: Deal) -> str:
    """The deal's own screen."""
    values = values_of(deal)
    head = [f"💼 {title_line(t, values)}", t("deal.line.client", name=clip(deal.account_name, 80))]
    return "\n".join(head + detail_lines(t, fmt, values))


def history_blocks(t: Translator, fmt: Formats, values: Mapping[str, Any], limit: int) -> list[str]:
    """A deal in the profile's History section: title, kind, stage, amount, and the win or
    loss reason whole (split into blocks of at most `limit` characters when it is long)."""
    lines = [f"• {title_line(t, values)}"]
    lines += [f"   {line}" for line in detail_lines(t, fmt, values, reason=False)]
    block = "\n".join(lines)
    why = reason_text(t, values)
    if not why:
        return [block]
    whole = "   " + t("deal.line.reason", reason=why)
    if len(block) + len(whole) < limit:
        return [f"{block}\n{whole}"]
    pieces = split_text(why, max(limit - 100, 40), _escaped_len)
    first = "   " + t("deal.line.reason", reason=pieces[0].strip())
    return [block, first] + ["   … " + html.escape(p.strip(), quote=False) for p in pieces[1:]]


def _escaped_len(text: str) -> int:
    return len(html.escape(text, quote=False))


def card_lines(t: Translator, fmt: Formats, items: Sequence[Mapping[str, Any]]) -> list[str]:
    """The account card's deals in progress: at most CARD_DEALS, then "+N more"; none: no line.
    `items` are the History rows the card has read already (no query of its own)."""
    open_items = [v for v in items if is_open(str(v.get("kind")), str(v.get("stage")))]
    if not open_items:
        return []
    open_items.sort(key=lambda v: listing_key(_as_deal(v)))
    lines = [t("deal.card.in_progress")]
    lines += [f"• {esc(summary(t, fmt, v, 40), 120)}" for v in open_items[:CARD_DEALS]]
    if len(open_items) > CARD_DEALS:
        lines.append(t.plural("deal.card.more", len(open_items) - CARD_DEALS))
    return lines


def _as_deal(values: Mapping[str, Any]) -> Deal:
    """Enough of a Deal to sort History rows as the deal list does."""
    return Deal(
        id=int(values.get("id") or 0),
        account_id=int(values.get("account_id") or 0),
        account_name="",
        kind=str(values.get("kind") or "deal"),
        title=str(values.get("title") or ""),
        stage=str(values.get("stage") or "lead"),
        amount_minor=None,
        currency=None,
        probability=None,
        expected_close_on=_day(values.get("expected_close_on")),
        deadline_on=None,
        closed_on=_day(values.get("closed_on")),
        result_reason=None,
        reason_code=None,
        owner_id=None,
        stage_changed_at=None,
        created_at=None,
    )
