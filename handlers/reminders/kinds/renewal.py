"""A contract ends in 60 or 30 days (to the account's owner): time to talk about renewal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import reminder_kinds as kinds
from domain.contracts import days_left
from handlers.reminders.registry import Push, PushInput, renders
from handlers.ui import button, clip, keyboard

if TYPE_CHECKING:
    from storage.reminders import Delivery


@renders("renewal")
async def renewal_push(push_input: PushInput, delivery: Delivery) -> Push | None:
    fmt = push_input.fmt
    t = fmt.t
    contract = await push_input.sources.contracts.get(delivery.ref_id or 0)
    if contract is None or not kinds.renewal_current(contract, delivery.key):
        return None  # ended, terminated, or its end moved: the new end has its own
    assert contract.ends_on is not None
    days = days_left(contract.ends_on, fmt.today(push_input.now)) or 0
    text = t.plural(
        "contract.renewal.text",
        max(days, 0),
        title=contract.title,
        account=contract.account_name,
        day=fmt.day(contract.ends_on),
    )
    rows = [
        [button(t("contract.open_button"), f"ctr:v:{contract.id}")],
        [button(t("reminders.open_account"), f"acc:open:{contract.account_id}")],
    ]
    line = "📅 " + t(
        "contract.renewal.line", title=clip(contract.title, 80), day=fmt.day(contract.ends_on)
    )
    action = button(clip("📅 " + contract.title, 40), f"ctr:v:{contract.id}")
    return Push(text, keyboard(rows), line, action)
