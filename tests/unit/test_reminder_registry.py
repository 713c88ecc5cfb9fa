"""The registry of reminder kinds: every kind the domain schedules has its rules and exactly one
renderer, and a delivery renders from plain inputs (no Application, no handler context)."""

from __future__ import annotations

from datetime import timedelta
from typing import get_args

import pytest

from bot.i18n import translator
from domain import reminders as rules
from domain.clock import FakeClock
from domain.reminder_kinds import RULES, rule_of, switched_off
from handlers.reminders.registry import PushInput, render, renderers
from storage import Storage
from storage.reminders import Delivery
from tests.reminder_support import add_account, add_manager, add_meeting, add_task


def test_every_kind_has_its_rules_and_one_renderer() -> None:
    kinds = set(get_args(rules.Kind))
    assert set(rules.KINDS) == kinds
    assert set(RULES) == kinds  # no kind without its rules, no rules without a kind
    assert set(renderers()) == kinds  # no kind without a renderer, no renderer without a kind
    for kind, rule in RULES.items():
        assert rule.kind == kind
        assert callable(getattr(rules, rule.due)), f"{kind}: no due rule {rule.due}"


def test_kind_rules_keep_quiet_hours_and_catch_up_as_they_were() -> None:
    explicit = {kind for kind, rule in RULES.items() if rule.explicit}
    never_bundled = {kind for kind, rule in RULES.items() if not rule.catch_up}
    to_lead = {kind for kind, rule in RULES.items() if rule.to_lead}
    assert explicit == {"digest", "task", "weekly"}
    assert never_bundled == {"digest", "brief", "weekly"}
    assert to_lead == {"escalation", "low_score", "missed"}
    assert rule_of("no-such-kind") is None


async def _deliveries(storage: Storage, manager_id: int, kind: str) -> list[Delivery]:
    return [d for d in await storage.reminders.for_manager(manager_id) if d.kind == kind]


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
async def test_a_brief_and_a_task_render_without_a_handler_context(
    storage: Storage, clock: FakeClock, language: str
) -> None:
    manager = await add_manager(storage, 3001, now=clock.now(), language=language)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    starts = clock.now() + timedelta(hours=2)
    await add_meeting(storage, manager, account_id, starts, now=clock.now())
    due = clock.now() + timedelta(minutes=30)
    await add_task(storage, manager, "Call <b>Ivan</b>", due, now=clock.now())
    await storage.reminders.materialize(clock.now())
    clock.advance(timedelta(hours=1, minutes=30))
    await storage.reminders.materialize(clock.now())
    t = translator(language)
    push_input = PushInput.of(manager, storage, clock.now())

    [brief] = await _deliveries(storage, manager.id, "brief")
    push = await render(push_input, brief)
    assert push is not None and push.deadline == starts
    assert t("profile.brief.title", name="VT-Metal") in push.text  # the profile's brief

    [task] = await _deliveries(storage, manager.id, "task")
    push = await render(push_input, task)
    assert push is not None and "Call &lt;b&gt;Ivan&lt;/b&gt;" in push.text


async def test_a_kind_switched_off_renders_nothing(storage: Storage, clock: FakeClock) -> None:
    manager = await add_manager(storage, 3002, now=clock.now(), notify_tasks=False)
    due = clock.now() + timedelta(minutes=5)
    await add_task(storage, manager, "Call Ivan", due, now=clock.now())
    await storage.reminders.materialize(clock.now())
    clock.advance(timedelta(minutes=10))
    await storage.reminders.materialize(clock.now())
    [task] = await _deliveries(storage, manager.id, "task")
    assert switched_off("task", manager) and not switched_off("escalation", manager)
    assert await render(PushInput.of(manager, storage, clock.now()), task) is None
