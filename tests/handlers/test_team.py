"""/team: a lead sees their team, an admin everyone, with load and last activity; roles and
leads; switching access off (the manager's next update and old buttons are refused, the
accounts are offered to someone else); giving accounts away (the new owner is told what they
inherited); an account's team and sponsor; a KAM and forged presses get nowhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.i18n import translator
from domain.clock import FakeClock
from domain.formatting import Formats
from storage import Storage
from storage.managers import Manager
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser
from tests.reminder_support import add_account, add_check, add_manager, add_meeting, add_task

People = dict[str, tuple[TelegramUser, Manager]]


async def _people(
    make_user: MakeUser, storage: Storage, clock: FakeClock, language: str = "en"
) -> People:
    """Lena leads Kim and Olga; Boris is nobody's; Anna (the admin fixture) is admin."""
    now = clock.now()
    lena = await add_manager(storage, 3002, "Lena", now=now, role="lead", language=language)
    people = {"lena": (await make_user(3002, "Lena", language), lena)}
    for uid, name, lead in ((3003, "Kim", lena.id), (3004, "Olga", lena.id), (3005, "Boris", None)):
        manager = await add_manager(storage, uid, name, now=now, lead_id=lead, language=language)
        people[name.lower()] = (await make_user(uid, name, language), manager)
    return people


async def _kims_work(storage: Storage, kim: Manager, clock: FakeClock) -> int:
    """VT-Metal with an overdue and an open task, a planned meeting and a satisfaction check."""
    now = clock.now()
    vt = await add_account(storage, kim, "VT-Metal", now=now)
    await add_task(storage, kim, "Send the offer", now - timedelta(hours=2), now=now, account_id=vt)
    await add_task(storage, kim, "Call back", now + timedelta(days=2), now=now, account_id=vt)
    await add_meeting(storage, kim, vt, now + timedelta(days=3), now=now)
    await add_check(storage, kim, vt, now + timedelta(days=1), now=now)
    return vt


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
async def test_a_lead_sees_their_team_with_its_load(
    make_user: MakeUser, storage: Storage, clock: FakeClock, language: str
) -> None:
    people = await _people(make_user, storage, clock, language)
    kim_user, kim = people["kim"]
    await _kims_work(storage, kim, clock)
    await kim_user.send("/help")  # Kim used the bot: the gate writes when
    lena, _ = people["lena"]
    await lena.send("/team")
    t = translator(language)
    text = lena.last_text
    assert t.plural("team.title", 3) in lena.last_html
    assert "Kim" in text and "Olga" in text and "Lena" in text and "Boris" not in text
    assert t.plural("team.accounts", 1) in text
    assert t.plural("team.open_tasks", 2) + ", " + t.plural("team.overdue", 1) in text
    assert t("team.never_seen") in text  # Olga never wrote
    seen = t("team.seen", when=Formats(language, "Europe/Moscow").datetime(clock.now()))
    assert text.count(seen) == 2  # Kim and Lena did
    await lena.press("Kim")
    assert t("team.lead_line", lead="Lena") in lena.last_text
    assert t("role.kam") not in lena.buttons  # a lead does not change roles


async def test_an_admin_sees_everyone_paged(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    await _people(make_user, storage, clock)
    for n in range(6):
        await add_manager(storage, 4000 + n, f"Zz {n}", now=clock.now())
    await admin.send("/team")
    assert "11 people" in admin.last_text and "(page 1 of 2)" in admin.last_text
    assert "Boris" in admin.last_text
    await admin.press("▶")
    assert "Zz 5" in admin.last_text and "(page 2 of 2)" in admin.last_text


async def test_an_admin_changes_a_role_and_a_lead(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    people = await _people(make_user, storage, clock)
    await admin.send("/team")
    await admin.press("Boris")
    await admin.press("Choose the lead")
    await admin.press("Lena · Team lead")
    boris = await storage.managers.get(people["boris"][1].id)
    assert boris is not None and boris.lead_id == people["lena"][1].id
    assert "Lead: Lena" in admin.last_text
    await admin.press("Business development")
    await admin.press("Team lead")  # a lead is nobody's team
    boris = await storage.managers.get(people["boris"][1].id)
    assert boris is not None and (boris.role, boris.lead_id) == ("lead", None)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_switching_off_stops_access_and_the_accounts_go_to_someone_else(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock, language: str
) -> None:
    people = await _people(make_user, storage, clock, language)
    kim_user, kim = people["kim"]
    olga_user, olga = people["olga"]
    vt = await _kims_work(storage, kim, clock)
    await kim_user.send("/tasks")
    old = kim_user.last_message
    old_data = old.buttons[0]["callback_data"]
    await admin.send("/team")
    await admin.press("Kim")
    await admin.press("Switch access off")
    assert "no longer has access" in admin.last_text and "1 account" in admin.last_text
    tk = translator(language)
    await kim_user.send("/help")
    assert kim_user.last_text == tk("access.deactivated")
    await kim_user.press_data(old_data, old.message_id)  # e.g. Done on a task
    assert kim_user.last_alert == tk("access.deactivated")
    load = await storage.team.member(kim.id, now=clock.now())
    assert load is not None and load.open_tasks == 2  # nothing was done
    await admin.press("Olga")
    assert "1 account given to Olga" in admin.last_text
    account = await storage.accounts.get(vt)
    assert account is not None and account.owner_id == olga.id
    summary = olga_user.last_text
    assert tk.plural("team.inherited", 1, by="Anna", names="VT-Metal") in summary
    assert tk.plural("team.inherited_tasks", 2) in summary
    assert tk.plural("team.inherited_meetings", 1) in summary
    assert tk.plural("team.inherited_checks", 1) in summary
    assert "VT-Metal" in olga_user.buttons[0]
    await olga_user.press("VT-Metal")  # the button opens the client she now owns
    assert "VT-Metal" in olga_user.last_text


async def test_a_lead_switches_off_their_kam_and_gives_one_account(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    people = await _people(make_user, storage, clock)
    lena, _ = people["lena"]
    _, kim = people["kim"]
    olga_user, olga = people["olga"]
    vt = await _kims_work(storage, kim, clock)
    await add_account(storage, kim, "Zeta", now=clock.now())
    await lena.send("/team")
    await lena.press("Kim")
    await lena.press("Accounts (2)")
    await lena.press("VT-Metal")
    await lena.press("Give to another manager")
    assert "Boris" not in " ".join(lena.buttons)  # not of her team
    await lena.press("Olga")
    assert "1 account given to Olga" in lena.last_text
    account = await storage.accounts.get(vt)
    assert account is not None and account.owner_id == olga.id
    assert "gave you 1 account: VT-Metal" in olga_user.last_text
    await lena.send("/team")
    await lena.press("Kim")
    await lena.press("Switch access off")
    await lena.press("Lena")
    kim_now = await storage.managers.get(kim.id)
    assert kim_now is not None and not kim_now.active
    assert [a.name for a in await storage.team.accounts_of(people["lena"][1].id)] == ["Zeta"]


async def test_an_account_team_and_its_sponsor(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    people = await _people(make_user, storage, clock)
    _, kim = people["kim"]
    olga_user, olga = people["olga"]
    vt = await _kims_work(storage, kim, clock)
    await olga_user.press_data(f"acc:open:{vt}", (await _any_message(olga_user)))
    assert olga_user.last_alert is not None  # not hers
    await admin.press_data(f"acc:sec:{vt}:team:0", await _any_message(admin))
    await admin.press("Manage the team")
    await admin.press("Add to the team")
    await admin.press("Olga")
    assert "Olga is on the team now" in admin.last_text
    await olga_user.press_data(f"acc:open:{vt}", await _any_message(olga_user))
    assert "VT-Metal" in olga_user.last_text
    await admin.press("☆ Olga")
    assert [s.is_sponsor for s in await storage.team.seats(vt)] == [True]
    assert "★ Olga" in admin.buttons
    await admin.press("★ Olga")
    assert [s.is_sponsor for s in await storage.team.seats(vt)] == [False]
    await admin.press("✖ Olga")
    assert "Olga is off the team" in admin.last_text
    assert await storage.team.seats(vt) == []
    assert not await storage.accounts.is_visible(vt, olga.id, sees_all=False)


async def _any_message(user: TelegramUser) -> int:
    """A message of the bot in the user's chat to press on (sends /help when there is none)."""
    if user.fake.last_bot_message(user.chat_id) is None:
        await user.send("/help")
    return user.last_message.message_id


async def test_a_kam_gets_nowhere_with_any_of_it(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    people = await _people(make_user, storage, clock)
    kim_user, kim = people["kim"]
    _, olga = people["olga"]
    vt = await _kims_work(storage, kim, clock)
    await kim_user.send("/team")
    refused = translator("en")("team.not_allowed")
    assert kim_user.last_text == refused
    for data in (
        f"team:open:{olga.id}:0",
        f"team:role:{kim.id}:admin",
        f"team:active:{olga.id}:0",
        f"team:giveto:{olga.id}:{kim.id}",
        f"team:give1to:{vt}:{olga.id}",
        f"team:acc:{vt}",
        f"team:seatset:{vt}:{olga.id}",
        f"team:seatrm:{vt}:{kim.id}",
        f"team:sponsor:{vt}:{kim.id}",
        f"team:setlead:{kim.id}:0",
    ):
        await kim_user.press_data(data)
        assert kim_user.last_alert == refused, data
    me = await storage.managers.get(kim.id)
    her = await storage.managers.get(olga.id)
    account = await storage.accounts.get(vt)
    assert me is not None and me.role == "kam" and me.lead_id is not None
    assert her is not None and her.active
    assert account is not None and account.owner_id == kim.id
    assert await storage.team.seats(vt) == []


async def test_forged_presses_of_a_lead_are_refused(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    people = await _people(make_user, storage, clock)
    lena, lead = people["lena"]
    _, kim = people["kim"]
    _, boris = people["boris"]
    vt = await _kims_work(storage, kim, clock)
    anna = await storage.managers.by_telegram_id(ADMIN_ID)
    assert anna is not None
    await lena.send("/team")
    t = translator("en")
    stale = {t("error.stale_button"), t("error.invalid_button")}
    for data, expected in (
        (f"team:giveto:{kim.id}:{boris.id}", t("error.stale_button")),  # Boris: not her team
        (f"team:giveto:{boris.id}:{kim.id}", t("team.not_allowed")),  # nor his accounts
        (f"team:active:{anna.id}:0", t("team.not_allowed")),  # an admin: only admins
        (f"team:active:{lead.id}:0", t("team.not_allowed")),  # never oneself
        (f"team:role:{kim.id}:lead", t("team.not_allowed")),
        (f"team:open:{boris.id}:0", t("error.stale_button")),
        ("team:giveto:abc:1", t("error.stale_button")),
        (f"team:seatset:{vt}:x", t("error.stale_button")),
        (f"team:seatrm:{vt}:{boris.id}", t("error.stale_button")),  # not on the team
        (f"team:sponsor:{vt}:{boris.id}", t("error.stale_button")),
        (f"team:role:{kim.id}:owner", t("error.stale_button")),
        ("team:page:99999999999999999999", t("error.stale_button")),
    ):
        await lena.press_data(data)
        assert lena.last_alert in (stale if expected in stale else {expected}), data
    account = await storage.accounts.get(vt)
    assert account is not None and account.owner_id == kim.id
    assert all(m.active for m in await storage.managers.list_all())
    await lena.press("Done")
    await lena.press_data(f"team:giveto:{kim.id}:{lead.id}")  # an old screen: closed
    assert lena.last_alert in stale
    account = await storage.accounts.get(vt)
    assert account is not None and account.owner_id == kim.id


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_leads_digest_covers_the_team_a_kams_is_unchanged(
    make_user: MakeUser, storage: Storage, clock: FakeClock, language: str
) -> None:
    people = await _people(make_user, storage, clock, language)
    lena, _ = people["lena"]
    kim_user, kim = people["kim"]
    vt = await _kims_work(storage, kim, clock)
    await storage.db.execute(
        "UPDATE accounts SET created_at = '2026-01-01T00:00:00Z' WHERE id = ?", (vt,)
    )
    t = translator(language)
    await lena.send("/today")
    text = lena.last_text
    for title in ("team.digest.overdue", "team.digest.silent"):
        assert t(title).replace("<b>", "").replace("</b>", "") in text
    day = Formats(language, "Europe/Moscow").day_month(clock.now() - timedelta(hours=2))
    assert t.plural("team.digest.overdue_line", 1, name="Kim", day=day) in text
    assert "VT-Metal (Kim) — " + t("reminders.digest.never_contacted") in text
    assert any("VT-Metal" in b for b in lena.buttons)
    await kim_user.send("/today")
    assert "👥" not in kim_user.last_text and "VT-Metal" in kim_user.last_text


async def test_the_lead_of_a_manager_switched_off_by_an_admin_is_asked_too(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    people = await _people(make_user, storage, clock, "zh")
    lena, _ = people["lena"]
    _, kim = people["kim"]
    olga_user, olga = people["olga"]
    vt = await _kims_work(storage, kim, clock)
    await admin.send("/team")
    await admin.press("Kim")
    await admin.press("Switch access off")
    t = translator("zh")
    assert lena.last_text == t.plural("team.lead_told", 1, name="Kim", by="Anna")
    await lena.press(t("team.give_all"))
    await lena.press("Olga")
    account = await storage.accounts.get(vt)
    assert account is not None and account.owner_id == olga.id
    assert t.plural("team.inherited", 1, by="Lena", names="VT-Metal") in olga_user.last_text
    assert t.plural("team.inherited_tasks", 2) in olga_user.last_text


async def test_last_activity_is_written_at_most_once_a_minute(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    people = await _people(make_user, storage, clock)
    kim_user, kim = people["kim"]
    start = clock.now()
    await kim_user.send("/help")
    clock.advance(timedelta(seconds=40))
    await kim_user.send("/help")
    seen = await storage.managers.get(kim.id)
    assert seen is not None and seen.last_seen_at == start
    clock.advance(timedelta(seconds=30))
    await kim_user.send("/help")
    seen = await storage.managers.get(kim.id)
    assert seen is not None and seen.last_seen_at == start + timedelta(seconds=70)
