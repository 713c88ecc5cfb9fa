"""/portfolio: a lead sees their team's key accounts, revenue and flags, gives an unowned
prospect to a KAM or BD (audited, the new owner told); a KAM is refused."""

from __future__ import annotations

from typing import Any

from domain.clock import FakeClock
from storage import Storage
from storage.contracts import insert_contract
from storage.managers import Manager, Role
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import MakeUser
from tests.reminder_support import add_account, add_manager


async def _contract(storage: Storage, account_id: int, amount: int, clock: FakeClock) -> None:
    async with storage.db.transaction() as conn:
        contract_id = await insert_contract(
            conn, account_id=account_id, title="Supply", actor_id=1, now=clock.now()
        )
        await conn.execute(
            "UPDATE contracts SET amount_minor = ?, currency = 'RUB' WHERE id = ?",
            (amount, contract_id),
        )


async def _prospect(storage: Storage, owner: Manager, name: str, clock: FakeClock) -> int:
    account = await storage.accounts.create(
        name=name, owner_id=owner.id, actor_id=owner.id, now=clock.now()
    )
    async with storage.db.transaction() as conn:  # imported without an owner
        await conn.execute("UPDATE accounts SET owner_id = NULL WHERE id = ?", (account.id,))
    return account.id


async def _team(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> dict[str, tuple[TelegramUser, Manager]]:
    now = clock.now()
    people: dict[str, tuple[TelegramUser, Manager]] = {}
    lena = await add_manager(storage, 3002, "Lena", now=now, role="lead")
    people["lena"] = (await make_user(3002, "Lena"), lena)
    members: tuple[tuple[int, str, Role, str], ...] = (
        (3003, "Kim", "kam", "en"),
        (3004, "Ivan", "kam", "en"),
        (3005, "Olga", "kam", "en"),
        (3006, "Boris", "bd", "ru"),
    )
    for uid, name, role, language in members:
        manager = await add_manager(
            storage, uid, name, now=now, role=role, language=language, lead_id=lena.id
        )
        people[name.lower()] = (await make_user(uid, name), manager)
    zed = await add_manager(storage, 3007, "Zed", now=now)  # another lead's KAM
    people["zed"] = (await make_user(3007, "Zed"), zed)
    return people


async def _revenue(storage: Storage, clock: FakeClock, people: dict[str, Any]) -> None:
    kim, ivan, olga, zed = (people[n][1] for n in ("kim", "ivan", "olga", "zed"))
    for number in range(4):
        account_id = await add_account(storage, kim, f"Kim client {number}", now=clock.now())
        await _contract(storage, account_id, 250_000_000, clock)  # 2.5M ₽ each: 10M ₽
    ivan_account = await add_account(storage, ivan, "NRG", now=clock.now())
    await _contract(storage, ivan_account, 100_000_000, clock)
    won = {"title": "Pilot", "stage": "won", "amount_minor": 50_000_000, "currency": "RUB"}
    await storage.deals.create(ivan_account, won, actor_id=ivan.id, now=clock.now())
    olga_account = await add_account(storage, olga, "VT-Metal", now=clock.now())
    await _contract(storage, olga_account, 200_000_000, clock)
    await add_account(storage, zed, "Hidden", now=clock.now())


async def test_a_lead_sees_the_team_flags_and_assigns_a_prospect(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    people = await _team(make_user, storage, clock)
    await _revenue(storage, clock, people)
    lena_user, lena = people["lena"]
    boris_user, boris = people["boris"]
    acme = await _prospect(storage, lena, "Acme <Steel>", clock)
    for number in range(9):
        await _prospect(storage, lena, f"Prospect {number}", clock)
    await lena_user.send("/portfolio")
    text = lena_user.last_text
    assert "Portfolio · 5 managers" in text and "Zed" not in text and "Hidden" not in text
    assert (
        "Revenue: contracts in force, and deals won in the last 12 months that no contract" in text
    )
    kim_block = text.split("👤 Kim")[1].split("👤")[0]
    assert "4 key accounts" in kim_block and "More than 3 key accounts" in kim_block
    assert "Revenue 10M\xa0₽: more than twice the team's median (2M\xa0₽)" in kim_block
    ivan_block = text.split("👤 Ivan")[1].split("👤")[0]
    assert "⚠️" not in ivan_block and "NRG · revenue 1.5M\xa0₽" in ivan_block
    await lena_user.press("Prospects without an owner (10)")
    assert "(page 1 of 2)" in lena_user.last_text and len(lena_user.buttons) == 10
    await lena_user.press("▶")
    assert "(page 2 of 2)" in lena_user.last_text
    await lena_user.press("◀")
    await lena_user.press("Acme <Steel>")
    assert "Who will own Acme &lt;Steel&gt;?" in lena_user.last_html
    assert "Zed" not in " ".join(lena_user.buttons) and "Lena" not in " ".join(lena_user.buttons)
    await lena_user.press("Boris")
    assert "Acme <Steel> is now owned by Boris" in lena_user.last_text
    account = await storage.accounts.get(acme)
    assert account is not None and account.owner_id == boris.id
    [entry] = [e for e in await storage.audit.for_entity("account", acme) if e.field == "owner_id"]
    assert (entry.actor_id, entry.field, entry.new_value) == (lena.id, "owner_id", str(boris.id))
    assert "передаёт вам потенциального клиента: Acme <Steel>" in boris_user.last_text
    assert boris_user.buttons == ["Открыть клиента"]
    kim = people["kim"][1]
    await lena_user.press_data(f"pf:set:{acme}:{kim.id}")  # assigned meanwhile
    assert lena_user.last_alert == "This prospect already has an owner."
    other = (await storage.portfolio.unowned_prospects(limit=1))[0][0]
    await lena_user.press_data(f"pf:set:{other.id}:{people['zed'][1].id}")  # not her team
    assert (await storage.accounts.get(other.id)).owner_id is None  # type: ignore[union-attr]


async def test_a_kam_is_refused_the_portfolio_and_its_buttons(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    people = await _team(make_user, storage, clock)
    kim_user, kim = people["kim"]
    prospect = await _prospect(storage, people["lena"][1], "Acme", clock)
    await kim_user.send("/portfolio")
    assert kim_user.last_text == "The portfolio view is for team leads and admins."
    await kim_user.press_data(f"pf:set:{prospect}:{kim.id}")
    assert kim_user.last_alert == "The portfolio view is for team leads and admins."
    account = await storage.accounts.get(prospect)
    assert account is not None and account.owner_id is None


async def test_an_admin_sees_everyone_and_chinese_reads_naturally(
    make_user: MakeUser, admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    people = await _team(make_user, storage, clock)
    await _revenue(storage, clock, people)
    await storage.managers.update(1, actor_id=1, now=clock.now(), language="zh")
    await admin.send("/portfolio")
    text = admin.last_text
    assert "客户组合 · 7 位经理" in text and "Zed" in text and "Hidden" in text
    assert "4 个关键客户" in text and "关键客户超过 3 个" in text
    assert "营收合计：1000万卢布" in text
    assert "近 12 个月赢得且尚未签订合同的交易" in text


async def test_a_long_portfolio_is_paged(
    make_user: MakeUser, admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    for number in range(12):
        kam = await add_manager(storage, 4000 + number, f"Manager {number:02d}", now=clock.now())
        for client in range(3):
            name = f"Client {number:02d}-{client} with a rather long name for its line"
            account_id = await add_account(storage, kam, name, now=clock.now())
            await _contract(storage, account_id, 100_000_00 * (number + 1), clock)
    await admin.send("/portfolio")
    first = admin.last_text
    assert "(page 1 of " in first and len(first) < 2000 and "Manager 00" in first
    pages = int(first.split("(page 1 of ")[1].split(")")[0])
    for _ in range(pages - 1):
        await admin.press("▶")
    assert f"(page {pages} of {pages})" in admin.last_text and "Manager 11" in admin.last_text
    assert "⚠️" not in admin.last_text  # 3.6M against a median of 1.95M: not twice
    await admin.press("Done")
    assert admin.last_text == "Portfolio closed." and admin.buttons == []
