"""An attacker gets nowhere: a KAM tries another KAM's client by forged button data (every
callback prefix the bot registers, from tests/handlers/test_forged_presses.py, with the other's
real ids), by /find, by inline query, by /history, and by old buttons replayed after being
removed from the client's team and after being deactivated; a stranger tries every command and
random button data. Every attempt is refused, the refusals are in the audit log, and no data
row changed (a checksum of every data table before and after)."""

from __future__ import annotations

import hashlib
import logging
import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from bot.commands import ADMIN_COMMANDS, COMMANDS, LEAD_COMMANDS
from bot.i18n import translator
from domain.clock import FakeClock
from storage import Storage
from storage.managers import Manager
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser
from tests.handlers.test_forged_presses import PREFIXES, press_and_check
from tests.reminder_support import add_account, add_check, add_manager, add_meeting, add_task

# Not data: what the bot keeps for itself (conversation state, the scheduler's watermark,
# migrations) and the audit log, which the attempts are expected to grow.
NOT_DATA = {"audit_log", "schema_migrations", "scheduler_state", "sqlite_sequence"}


async def checksum(storage: Storage) -> dict[str, str]:
    """A digest of every data table's rows."""
    tables = await storage.db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'bot_%'"
        " AND name NOT LIKE '%fts%' ORDER BY name"
    )
    digests = {}
    for (name,) in tables:
        if name in NOT_DATA:
            continue
        rows = await storage.db.fetch_all(f"SELECT * FROM {name}")  # names from sqlite_master
        text = "\n".join(sorted(repr(tuple(r)) for r in rows))
        digests[name] = hashlib.sha256(text.encode()).hexdigest()
    return digests


async def denials(storage: Storage) -> list[tuple[object, ...]]:
    rows = await storage.db.fetch_all(
        "SELECT actor_id, entity, entity_id, field, new_value FROM audit_log"
        " WHERE action = 'deny' ORDER BY id"
    )
    return [tuple(row) for row in rows]


# Prefixes whose forged data reaches no object of anyone's: refused as malformed ("acc:1"), or
# the manager's own lists and menus, or closing a screen. The others all leave a denial.
NO_OBJECT = [
    *("acc:", "deal:", "ed:sec:", "inv:back", "inv:cancel", "inv:list", "mt:", "mtg:new"),
    *("ncl:fromfind", "pf:close", "rem:missed", "rem:today", "task:list:", "team:close"),
    *("unknown", "zz:1"),
]


@dataclass
class Victim:
    owner: Manager
    account: int
    meeting: int
    task: int
    check: int
    contract: int
    obligation: int
    deal: int
    invite: int

    def ids(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if isinstance(v, int)}


async def _victim(storage: Storage, clock: FakeClock) -> Victim:
    """Another KAM's client with something of every kind (and the admin's open invite)."""
    now = clock.now()
    owner = await add_manager(storage, 2001, "Ivan", now=now)
    account = await add_account(storage, owner, "Zeta Trade", now=now)
    await storage.contacts.create(
        account_id=account, full_name="Wang Wei", position="CFO", actor_id=owner.id, now=now
    )
    meeting = await add_meeting(storage, owner, account, now + timedelta(days=1), now=now)
    task = await add_task(storage, owner, "Call Zeta", None, now=now, account_id=account)
    check = await add_check(storage, owner, account, now, now=now)
    contract = await storage.contracts.create_contract(
        account_id=account, title="Supply", actor_id=owner.id, now=now
    )
    obligation = await storage.contracts.add_obligation(
        contract_id=contract, description="Pay", due_on=date(2027, 1, 5), actor_id=owner.id,
        now=now,
    )  # fmt: skip
    deal = await storage.deals.create(
        account, {"kind": "deal", "title": "Pipes", "stage": "lead"}, actor_id=owner.id, now=now
    )
    admin = await storage.managers.by_telegram_id(ADMIN_ID)
    assert admin is not None
    invite = await storage.invites.create(
        role="kam", created_by=admin.id, now=now, valid_for=timedelta(days=7)
    )
    return Victim(owner, account, meeting, task, check, contract, obligation, deal.id, invite.id)


async def _attacker(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> tuple[TelegramUser, Manager]:
    user = await make_user(2002, "Mallory")
    mallory = await add_manager(storage, 2002, "Mallory", now=clock.now())
    await add_account(storage, mallory, "Mallory's Own", now=clock.now())
    await user.send("/tasks")  # a message of the bot to press on
    return user, mallory


def _forged(prefix: str, victim: Victim) -> list[str]:
    """Data for a prefix carrying the victim's ids where a real button carries an id."""
    ids = sorted(set(victim.ids().values()))
    if "." in prefix.split(":")[0]:  # a dialog flow's button: its run id is forged already
        return [(prefix + str(victim.account))[:64]]
    tails = (
        [f"{i}" for i in ids] + [f"{i}:0" for i in ids] + [f"{victim.account}:{victim.owner.id}"]
    )
    tails += ["admin", "lead", f"{victim.owner.id}:admin"]  # roles, for /invite and /team
    return [(prefix + tail)[:64] for tail in tails]


@pytest.fixture
async def world(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> tuple[Victim, TelegramUser, Manager]:
    victim = await _victim(storage, clock)
    user, mallory = await _attacker(make_user, storage, clock)
    return victim, user, mallory


async def test_forged_presses_on_anothers_client_change_nothing_and_are_audited(
    world: tuple[Victim, TelegramUser, Manager],
    storage: Storage,
    fake: FakeTelegram,
    caplog: pytest.LogCaptureFixture,
) -> None:
    victim, user, mallory = world
    before = await checksum(storage)
    caplog.set_level(logging.WARNING)
    silent = []
    for prefix in PREFIXES:
        count = len(await denials(storage))
        for data in _forged(prefix, victim):
            await press_and_check(user, fake, data)
        if len(await denials(storage)) == count:
            silent.append(prefix)
    assert [p for p in silent if "." not in p.split(":")[0]] == NO_OBJECT
    assert await checksum(storage) == before
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    refused = await denials(storage)
    assert refused and all(actor == mallory.id for actor, *_ in refused)
    reached = {(entity, entity_id) for _, entity, entity_id, *_ in refused}
    for kind, entity_id in (
        ("account", victim.account),
        ("meeting", victim.meeting),
        ("task", victim.task),
        ("satisfaction_check", victim.check),
        ("obligation", victim.obligation),
    ):
        assert (kind, entity_id) in reached, kind
    # the invites, the team and the portfolio refuse a KAM before looking at the id
    kinds = {entity for entity, _ in reached}
    assert {"contract", "invite", "manager", "portfolio"} <= kinds


async def test_find_inline_and_history_of_anothers_client_are_refused_and_audited(
    world: tuple[Victim, TelegramUser, Manager], storage: Storage, fake: FakeTelegram
) -> None:
    victim, user, mallory = world
    before = await checksum(storage)
    await user.send("/find Zeta")
    assert "Wang Wei" not in user.last_text and "Ivan" not in user.last_text
    await user.send("Zeta Trade")  # plain text at the menu searches too
    await user.send_update({"query": "Zeta", "chat_type": "sender"}, kind="inline_query")
    assert fake.inline_answers(2002)[-1].results == []
    await user.send(f"/history {victim.account}")
    await user.send("/history Zeta")
    await user.send("/timeline Zeta")
    assert await checksum(storage) == before
    refused = await denials(storage)
    assert (mallory.id, "account", victim.account, "history", "no relation") in refused
    sees = [
        r for r in refused if r == (mallory.id, "account", victim.account, "see", "no relation")
    ]
    assert len(sees) >= 3  # /find, inline, /history by name
    pressed = [str(b["callback_data"]) for m in fake.bot_messages(2002) for b in m.buttons]
    assert not [data for data in pressed if data.endswith(f":{victim.account}")]


async def test_old_buttons_do_nothing_after_removal_from_the_team(
    world: tuple[Victim, TelegramUser, Manager],
    storage: Storage,
    clock: FakeClock,
    fake: FakeTelegram,
) -> None:
    victim, user, mallory = world
    item = await storage.profile.add_item(
        "team", victim.account, {"manager_id": mallory.id}, actor_id=victim.owner.id,
        now=clock.now(),
    )  # fmt: skip
    await user.send("/find Zeta")
    card = user.last_message
    assert "Zeta Trade" in card.text
    old = [str(b["callback_data"]) for b in card.buttons]
    await storage.profile.remove_item("team", item.id, actor_id=victim.owner.id, now=clock.now())
    before = await checksum(storage)
    for data in old:
        await press_and_check(user, fake, data)
        assert "Wang Wei" not in user.last_text, data
    assert await checksum(storage) == before
    refused = await denials(storage)
    assert (mallory.id, "account", victim.account, "see", "no relation") in refused


async def test_old_buttons_do_nothing_after_deactivation(
    world: tuple[Victim, TelegramUser, Manager],
    storage: Storage,
    clock: FakeClock,
    fake: FakeTelegram,
) -> None:
    _, user, mallory = world
    await user.send("/find Mallory")
    old = [str(b["callback_data"]) for b in user.last_message.buttons]
    admin = await storage.managers.by_telegram_id(ADMIN_ID)
    assert admin is not None
    await storage.managers.update(mallory.id, actor_id=admin.id, now=clock.now(), active=False)
    before = await checksum(storage)
    for data in old:
        await press_and_check(user, fake, data)
        assert user.last_alert == translator("en")("access.deactivated")
    await user.send("/tasks")
    await user.send_update({"query": "Mall", "chat_type": "sender"}, kind="inline_query")
    assert await checksum(storage) == before
    refused = await denials(storage)
    assert len(refused) == len(old) + 2
    assert set(refused) == {(mallory.id, "manager", mallory.id, "use", "inactive")}


async def test_a_stranger_gets_nowhere(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    victim = await _victim(storage, clock)
    stranger = await make_user(6666, "Eve")
    before = await checksum(storage)
    commands = [c for c in (*COMMANDS, *LEAD_COMMANDS, *ADMIN_COMMANDS) if c != "start"]
    for command in commands:
        await stranger.send(f"/{command} Zeta")
        assert stranger.last_text == translator("en")("access.private"), command
    randomness = random.Random(11)
    forged = [f"{p}{victim.account}:0"[:64] for p in PREFIXES[:: max(1, len(PREFIXES) // 40)]]
    forged += ["".join(randomness.choice("az09:._-") for _ in range(20)) for _ in range(20)]
    for data in forged:
        await press_and_check(stranger, fake, data)
    await stranger.send_update({"query": "Zeta", "chat_type": "sender"}, kind="inline_query")
    await stranger.send("Zeta Trade")
    assert await checksum(storage) == before
    assert await storage.managers.by_telegram_id(6666) is None
    refused = await denials(storage)
    assert len(refused) == len(commands) + len(forged) + 2
    assert set(refused) == {(None, "telegram_user", 6666, "use", "stranger")}
