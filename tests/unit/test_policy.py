"""domain.policy: every role (and an inactive manager) × relation × action, as tables; and the
storage filters (accounts, search) agree with it."""

from __future__ import annotations

import pytest

from domain.clock import FakeClock
from domain.policy import (
    ALL_ROLES,
    RULES,
    Action,
    Actor,
    Kind,
    Relation,
    Target,
    decide,
    granting,
    invitable_roles,
    sees_all,
)
from storage import Storage

# Columns of every table: the actor's one relation to the object ("none": no relation).
COLUMNS: tuple[Relation | None, ...] = (
    None,
    Relation.OWNER,
    Relation.TEAM,
    Relation.AUTHOR,
    Relation.ASSIGNEE,
    Relation.CREATOR,
    Relation.SELF,
    Relation.LED,
)
HEADER = "none owner team author assignee creator self led"
ALL = "Y Y Y Y Y Y Y Y"
NONE = "N N N N N N N N"

# (kind, action): the row of each role, Y = allowed, in the order of HEADER.
# "inactive" is every role with active=False.
TABLES: dict[tuple[Kind, Action], dict[str, str]] = {
    (Kind.ACCOUNT, Action.SEE): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N Y Y N N N N N",
        "bd": "N Y Y N N N N N",
    },
    (Kind.ACCOUNT, Action.CHANGE): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N Y Y N N N N N",
        "bd": "N Y Y N N N N N",
    },
    (Kind.ACCOUNT, Action.REASSIGN): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N Y N N N N N N",
        "bd": "N Y N N N N N N",
    },
    (Kind.MEETING, Action.SEE): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N Y Y Y N N N N",
        "bd": "N Y Y Y N N N N",
    },
    (Kind.MEETING, Action.CHANGE): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N N N Y N N N N",
        "bd": "N N N Y N N N N",
    },
    (Kind.MEETING, Action.DELETE): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N N N Y N N N N",
        "bd": "N N N Y N N N N",
    },
    (Kind.TASK, Action.SEE): dict.fromkeys(ALL_ROLES, "N N N N Y N N N"),
    (Kind.TASK, Action.CHANGE): dict.fromkeys(ALL_ROLES, "N N N N Y N N N"),
    (Kind.OBLIGATION, Action.SEE): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N Y N N N N N N",
        "bd": "N Y N N N N N N",
    },
    (Kind.OBLIGATION, Action.ANSWER): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N Y N N N N N N",
        "bd": "N Y N N N N N N",
    },
    (Kind.CHECK, Action.SEE): dict.fromkeys(ALL_ROLES, "N N N N Y N N N"),
    (Kind.CHECK, Action.ANSWER): dict.fromkeys(ALL_ROLES, "N N N N Y N N N"),
    (Kind.INVITE, Action.LIST): {"admin": ALL, "lead": ALL, "kam": NONE, "bd": NONE},
    (Kind.INVITE, Action.SEE): {
        "admin": ALL,
        "lead": "N N N N N Y N N",
        "kam": NONE,
        "bd": NONE,
    },
    (Kind.INVITE, Action.WITHDRAW): {
        "admin": ALL,
        "lead": "N N N N N Y N N",
        "kam": NONE,
        "bd": NONE,
    },
    (Kind.MANAGER, Action.LIST): {"admin": ALL, "lead": ALL, "kam": NONE, "bd": NONE},
    (Kind.MANAGER, Action.SEE): {
        "admin": ALL,
        "lead": "N N N N N N Y Y",
        "kam": NONE,
        "bd": NONE,
    },
    (Kind.MANAGER, Action.CHANGE): {
        "admin": "Y Y Y Y Y Y N Y",
        "lead": NONE,
        "kam": NONE,
        "bd": NONE,
    },
    (Kind.MANAGER, Action.SWITCH): {
        "admin": "Y Y Y Y Y Y N Y",
        "lead": "N N N N N N N Y",
        "kam": NONE,
        "bd": NONE,
    },
    (Kind.MANAGER, Action.REASSIGN): {
        "admin": ALL,
        "lead": "N N N N N N Y Y",
        "kam": NONE,
        "bd": NONE,
    },
    (Kind.CONTRACT, Action.SEE): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N Y Y N N N N N",
        "bd": "N Y Y N N N N N",
    },
    (Kind.CONTRACT, Action.CHANGE): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N Y Y N N N N N",
        "bd": "N Y Y N N N N N",
    },
    (Kind.DEAL, Action.SEE): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N Y Y N N N N N",
        "bd": "N Y Y N N N N N",
    },
    (Kind.DEAL, Action.CHANGE): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N Y Y N N N N N",
        "bd": "N Y Y N N N N N",
    },
    (Kind.REPORT, Action.SEE): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N N N N N N Y N",
        "bd": "N N N N N N Y N",
    },
    (Kind.PORTFOLIO, Action.LIST): {"admin": ALL, "lead": ALL, "kam": NONE, "bd": NONE},
    (Kind.PORTFOLIO, Action.REASSIGN): {"admin": ALL, "lead": ALL, "kam": NONE, "bd": NONE},
    # an account's history: its owner, leads, admins (not its team)
    (Kind.ACCOUNT, Action.HISTORY): {
        "admin": ALL,
        "lead": ALL,
        "kam": "N Y N N N N N N",
        "bd": "N Y N N N N N N",
    },
    (Kind.AUDIT, Action.LIST): {"admin": ALL, "lead": NONE, "kam": NONE, "bd": NONE},
    # a contact's personal data, erased on their request: admins only
    (Kind.CONTACT, Action.ERASE): {"admin": ALL, "lead": NONE, "kam": NONE, "bd": NONE},
}

# Who may invite whom: the actor's role → the roles they may create an invite for.
INVITES: dict[str, tuple[str, ...]] = {
    "admin": ("admin", "lead", "kam", "bd"),
    "lead": ("kam", "bd"),
    "kam": (),
    "bd": (),
}


def _cases() -> list[tuple[Kind, Action, str, bool, Relation | None, bool]]:
    cases = []
    for (kind, action), rows in TABLES.items():
        for role in ALL_ROLES:
            cells = rows[role].split()
            assert len(cells) == len(COLUMNS), (kind, action, role)
            for relation, cell in zip(COLUMNS, cells, strict=True):
                cases.append((kind, action, role, True, relation, cell == "Y"))
                cases.append((kind, action, role, False, relation, False))  # inactive
    return cases


@pytest.mark.parametrize(("kind", "action", "role", "active", "relation", "expected"), _cases())
def test_every_role_relation_and_action(
    kind: Kind, action: Action, role: str, active: bool, relation: Relation | None, expected: bool
) -> None:
    relations = frozenset() if relation is None else frozenset({relation})
    decision = decide(Actor(7, role, active), action, Target(kind, 42, relations))
    assert decision.allowed is expected
    assert bool(decision) is expected
    if not active:
        assert decision.reason == "inactive"


def test_the_tables_cover_every_rule_and_nothing_else_is_allowed() -> None:
    assert set(TABLES) == set(RULES)
    everything = frozenset(Relation)
    for kind in Kind:
        for action in Action:
            if (kind, action) in TABLES or (kind, action) == (Kind.INVITE, Action.CREATE):
                continue
            decision = decide(Actor(1, "admin"), action, Target(kind, 1, everything))
            assert not decision.allowed, (kind, action)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("invited", ALL_ROLES)
@pytest.mark.parametrize("active", [True, False])
def test_who_invites_whom(role: str, invited: str, active: bool) -> None:
    decision = decide(Actor(1, role, active), Action.CREATE, Target(Kind.INVITE, role=invited))
    assert decision.allowed is (active and invited in INVITES[role])
    assert set(invitable_roles(role)) == set(INVITES[role])


def test_a_combination_of_relations_is_allowed_by_any_and_self_always_bars() -> None:
    kam = Actor(3, "kam")
    both = frozenset({Relation.AUTHOR, Relation.TEAM})
    assert decide(kam, Action.CHANGE, Target(Kind.MEETING, 1, both))
    admin = Actor(1, "admin")
    assert not decide(admin, Action.CHANGE, Target(Kind.MANAGER, 1, frozenset(Relation)))


def test_what_storage_builds_its_filters_from() -> None:
    assert granting(Kind.ACCOUNT, Action.SEE) == {Relation.OWNER, Relation.TEAM}
    assert [r for r in ALL_ROLES if sees_all(r, Kind.ACCOUNT)] == ["admin", "lead"]
    assert [r for r in ALL_ROLES if sees_all(r, Kind.INVITE)] == ["admin"]


# --- storage agrees with the policy ---------------------------------------------------------


async def _manager(storage: Storage, clock: FakeClock, telegram_id: int, role: str) -> int:
    manager = await storage.managers.create(
        telegram_id=telegram_id,
        full_name=f"M{telegram_id}",
        username=None,
        role=role,  # type: ignore[arg-type]  # the roles are plain strings in these tables
        language="en",
        timezone="UTC",
        now=clock.now(),
    )
    return manager.id


async def test_account_filters_and_search_agree_with_the_policy(
    storage: Storage, clock: FakeClock
) -> None:
    ids = {role: await _manager(storage, clock, n, role) for n, role in enumerate(ALL_ROLES, 1)}
    other = await _manager(storage, clock, 9, "kam")
    owned = await storage.accounts.create(
        name="Zephyr Owned", owner_id=ids["kam"], actor_id=ids["kam"], now=clock.now()
    )
    teamed = await storage.accounts.create(
        name="Zephyr Teamed", owner_id=other, actor_id=other, now=clock.now()
    )
    foreign = await storage.accounts.create(
        name="Zephyr Foreign", owner_id=other, actor_id=other, now=clock.now()
    )
    for role in ("kam", "bd"):
        await storage.db.execute(
            "INSERT INTO account_team (account_id, manager_id, created_at) VALUES (?, ?, ?)",
            (teamed.id, ids[role], "2026-01-01T00:00:00+00:00"),
        )
    cases = 0
    for role, manager_id in ids.items():
        manager = await storage.managers.get(manager_id)
        assert manager is not None
        listed = {a.id for a in await storage.accounts.visible(manager_id, sees_all=sees_all(role))}
        hits = await storage.search.search(
            "Zephyr", manager_id=manager_id, sees_all=manager.sees_all_accounts
        )
        found = {h.account_id for h in hits}
        for account in (owned, teamed, foreign):
            relations = await storage.accounts.relations(account.id, manager_id)
            target = Target(Kind.ACCOUNT, account.id, relations)
            expected = decide(manager.actor, Action.SEE, target).allowed
            flag = manager.sees_all_accounts
            assert await storage.accounts.is_visible(account.id, manager_id, sees_all=flag) == (
                expected
            ), (role, account.name)
            assert (account.id in listed) == expected, (role, account.name)
            assert (account.id in found) == expected, (role, account.name)
            cases += expected
    # admin and lead see all three; the KAM owns one and is on one team; the BD is on one team
    assert cases == 3 + 3 + 2 + 1
    assert await storage.accounts.relations(owned.id, ids["kam"]) == {Relation.OWNER}
    assert await storage.accounts.relations(teamed.id, ids["bd"]) == {Relation.TEAM}
    assert await storage.accounts.relations(foreign.id, ids["admin"]) == frozenset()
