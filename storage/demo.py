"""`kam-bot seed-demo`: a realistic demo portfolio so that a new user sees a living bot.

The first account is the Moscow metalworking client VT-Metal from the source article.
Times are relative to `now`, so the digest and reminders have something to say today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from storage import Storage, audit
from storage.codec import dt_to_db
from storage.managers import insert_manager


@dataclass
class DemoContact:
    full_name: str
    position: str
    decision_role: str | None = None
    attitude: str | None = None
    phone: str | None = None
    email: str | None = None
    birthday: str | None = None
    notes: str | None = None


@dataclass
class DemoMeeting:
    days: int  # relative to now; negative = held in the past
    kind: str
    location: str
    contacts: tuple[int, ...]
    agenda: str | None = None
    summary: str | None = None
    outcome: str | None = None
    outcome_reason: str | None = None
    score: int | None = None  # the satisfaction check's answer, if asked already


@dataclass
class DemoAccount:
    fields: dict[str, Any]
    contacts: list[DemoContact]
    meetings: list[DemoMeeting] = field(default_factory=list)
    tasks: list[tuple[str, int, str]] = field(default_factory=list)  # text, due in days, origin
    related: list[tuple[str, str, str]] = field(default_factory=list)  # kind, name, note
    deals: list[dict[str, Any]] = field(default_factory=list)
    spend: list[tuple[str, int, str, str]] = field(default_factory=list)  # need, minor, cur, per
    suppliers: list[tuple[str, str, str]] = field(default_factory=list)  # name, what, reason
    sponsor: tuple[str, str] | None = None  # name, role
    contract: dict[str, Any] | None = None
    obligations: list[tuple[str, str, int, str]] = field(default_factory=list)


PORTFOLIO: list[DemoAccount] = [
    DemoAccount(
        fields={
            "name": "VT-Metal",
            "aliases": "ВТ-Металл\nВТ Металл\nVT Metal\nVT-金属",
            "status": "active",
            "industry": "Metalworking",
            "city": "Moscow",
            "description": "Moscow metalworking plant: laser cutting, bending and welding of"
            " sheet metal for construction and machine building. Two production sites.",
            "goals": "Cut the cost of attracting orders; grow exports to Kazakhstan.",
            "financial_results": "Revenue 2025: 2.1 bn RUB, +14% year on year.",
            "corporate_culture": "Engineering-driven; decisions by a small technical board.",
            "industry_notes": "Steel prices volatile; customers want shorter lead times.",
            "relationship_current": "Preferred supplier of cutting tools since 2024.",
            "relationship_future": "Become the single supplier for both sites.",
            "decision_process": "Chief engineer qualifies, procurement director negotiates,"
            " CFO signs anything above 5 m RUB.",
            "resources_plan": "Application engineer on site twice a month; quarterly review.",
            "opportunity_1y_minor": 45_000_000_00,
            "opportunity_1y_currency": "RUB",
            "opportunity_3_5y_minor": 180_000_000_00,
            "opportunity_3_5y_currency": "RUB",
        },
        contacts=[
            DemoContact(
                "Ivan Petrov",
                "Procurement director",
                "decision_maker",
                "supporter",
                "+7 495 123-45-67",
                "i.petrov@vt-metal.example",
                "1979-12-03",
                "Prefers calls before 10:00. Likes detailed price breakdowns.",
            ),
            DemoContact(
                "Elena Smirnova",
                "Chief engineer",
                "influencer",
                "neutral",
                "+7 495 123-45-70",
                "e.smirnova@vt-metal.example",
                None,
                "Evaluates every new tool on a test batch first.",
            ),
            DemoContact(
                "Sergey Kuznetsov",
                "CFO",
                "decision_maker",
                "opponent",
                None,
                "s.kuznetsov@vt-metal.example",
                None,
                "Pushes for 60-day payment terms.",
            ),
        ],
        meetings=[
            DemoMeeting(
                -40,
                "negotiation",
                "VT-Metal, Moscow, site 1",
                (0, 2),
                summary="Annual contract terms; CFO asked for 60-day payment terms.",
                outcome="neutral",
                outcome_reason="Payment terms still open",
                score=3,
            ),
            DemoMeeting(
                -12,
                "visit",
                "VT-Metal, Moscow, site 2",
                (0, 1),
                summary="Test batch of carbide cutters went well; agreed Q3 prices in"
                " principle. Ivan wants the written offer by Friday.",
                outcome="positive",
                outcome_reason="Test batch beat the old supplier",
                score=4,
            ),
            DemoMeeting(
                2,
                "visit",
                "VT-Metal, Moscow, site 1",
                (0, 1),
                agenda="Q3 price offer; training for the night shift; export plans.",
            ),
        ],
        tasks=[
            ("Send the updated Q3 price offer to Ivan Petrov", 1, "follow_up"),
            ("Prepare documents for the laser-line tender", -2, "action_plan"),
        ],
        related=[
            ("competitor", "SteelForm", "Bids against us on every tender"),
            ("supplier", "Sandvik distributor", "Previous tool supplier"),
            ("customer", "MosStroy", "Their largest customer, 30% of output"),
            ("branch", "Site 2, Podolsk", "Welding and assembly"),
        ],
        deals=[
            {
                "kind": "tender",
                "title": "Cutting tools 2025",
                "stage": "won",
                "amount_minor": 18_000_000_00,
                "currency": "RUB",
                "result_reason": "Lower total cost per part on the test batch",
            },
            {
                "kind": "deal",
                "title": "Laser-line consumables",
                "stage": "negotiation",
                "amount_minor": 9_500_000_00,
                "currency": "RUB",
                "probability": 60,
            },
        ],
        spend=[
            ("Cutting tools", 12_000_000_00, "RUB", "year"),
            ("Laser consumables", 800_000_00, "RUB", "month"),
        ],
        suppliers=[("ToolService LLC", "Cutting tools until 2024", "Late deliveries")],
        sponsor=("Andrey Volkov", "Commercial director"),
        contract={
            "title": "Supply agreement 2026",
            "number": "VT-2026/14",
            "amount_minor": 24_000_000_00,
            "currency": "RUB",
        },
        obligations=[
            ("ours", "Quarterly delivery and quality report", 5, "quarterly"),
            ("client", "Payment for the Q3 shipment", 20, "none"),
        ],
    ),
    DemoAccount(
        fields={
            "name": "华信物流",
            "aliases": "Huaxin Logistics\nХуасинь Логистикс",
            "status": "active",
            "industry": "Logistics",
            "city": "Shanghai",
            "description": "上海的第三方物流公司，拥有 12 个仓库。",
            "decision_process": "采购经理提出建议，总经理最终决定。",
            "opportunity_1y_minor": 3_000_000_00,
            "opportunity_1y_currency": "CNY",
        },
        contacts=[
            DemoContact(
                "王伟",
                "采购经理",
                "decision_maker",
                "supporter",
                "+86 21 5555 0101",
                "wang.wei@huaxin.example",
            ),
            DemoContact("李娜", "仓储主管", "user", "neutral"),
        ],
        meetings=[
            DemoMeeting(
                -5, "video", "", (0,), summary="讨论了第四季度的托盘需求。", outcome="positive"
            ),
        ],
        tasks=[("Send Wang Wei the pallet specification", 3, "follow_up")],
    ),
    DemoAccount(
        fields={
            "name": "Nordic Retail Group",
            "aliases": "NRG\nНордик Ритейл",
            "status": "at_risk",
            "industry": "Retail",
            "city": "Saint Petersburg",
            "relationship_current": "Complained about two late deliveries in October.",
        },
        contacts=[
            DemoContact(
                "Olga Ivanova",
                "Head of procurement",
                "decision_maker",
                "neutral",
                "+7 812 555-12-12",
                "o.ivanova@nrg.example",
            ),
        ],
        meetings=[
            DemoMeeting(
                -45,
                "call",
                "",
                (0,),
                summary="Olga raised the late deliveries.",
                outcome="negative",
                outcome_reason="Two late deliveries",
                score=2,
            ),
        ],
        tasks=[("Call Olga Ivanova about the recovery plan", 0, "recovery")],
    ),
    DemoAccount(
        fields={
            "name": "Уралхимпласт",
            "aliases": "Uralkhimplast\nUralChemPlast",
            "status": "prospect",
            "industry": "Chemicals",
            "city": "Yekaterinburg",
        },
        contacts=[DemoContact("Дмитрий Соколов", "Технический директор", "influencer")],
    ),
]


async def _insert(conn: aiosqlite.Connection, table: str, values: dict[str, Any]) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = await conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
    )
    return int(cursor.lastrowid or 0)


async def _manager_id(conn: aiosqlite.Connection, telegram_id: int) -> int | None:
    row = await (
        await conn.execute("SELECT id FROM managers WHERE telegram_id = ?", (telegram_id,))
    ).fetchone()
    return None if row is None else int(row["id"])


@dataclass
class _Seeding:
    """What every row of one demo account shares."""

    conn: aiosqlite.Connection
    account_id: int
    manager_id: int
    now: datetime
    stamp: str


async def _add_account(
    conn: aiosqlite.Connection, demo: DemoAccount, manager_id: int, now: datetime
) -> None:
    stamp = dt_to_db(now)
    held = [m for m in demo.meetings if m.days <= 0]
    last_contact = dt_to_db(now + timedelta(days=max(m.days for m in held))) if held else None
    account_id = await _insert(
        conn,
        "accounts",
        {
            **demo.fields,
            "owner_id": manager_id,
            "last_contact_at": last_contact,
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    await audit.record(
        conn, at=now, actor_id=manager_id, entity="account", entity_id=account_id, action="create"
    )
    seeding = _Seeding(conn, account_id, manager_id, now, stamp)
    contact_ids = await _add_people(seeding, demo)
    for meeting in demo.meetings:
        await _add_meeting(seeding, meeting, contact_ids)
    await _add_tasks(seeding, demo)
    await _add_profile_items(seeding, demo)
    await _add_contract(seeding, demo)


async def _add_people(seeding: _Seeding, demo: DemoAccount) -> list[int]:
    """The account team (the KAM, the executive sponsor) and the contacts; the contacts' ids."""
    conn, account_id, stamp = seeding.conn, seeding.account_id, seeding.stamp
    await _insert(
        conn,
        "account_team",
        {
            "account_id": account_id,
            "manager_id": seeding.manager_id,
            "role": "KAM",
            "created_at": stamp,
        },
    )
    if demo.sponsor:
        await _insert(
            conn,
            "account_team",
            {
                "account_id": account_id,
                "name": demo.sponsor[0],
                "role": demo.sponsor[1],
                "is_executive_sponsor": 1,
                "created_at": stamp,
            },
        )
    return [
        await _insert(
            conn,
            "contacts",
            {**vars(c), "account_id": account_id, "created_at": stamp, "updated_at": stamp},
        )
        for c in demo.contacts
    ]


async def _add_meeting(seeding: _Seeding, meeting: DemoMeeting, contact_ids: list[int]) -> None:
    conn, stamp = seeding.conn, seeding.stamp
    starts = (seeding.now + timedelta(days=meeting.days)).replace(minute=0, second=0, microsecond=0)
    meeting_id = await _insert(
        conn,
        "meetings",
        {
            "account_id": seeding.account_id,
            "author_id": seeding.manager_id,
            "status": "held" if meeting.days <= 0 else "planned",
            "kind": meeting.kind,
            "starts_at": dt_to_db(starts),
            "location": meeting.location or None,
            "agenda": meeting.agenda,
            "summary": meeting.summary,
            "outcome": meeting.outcome,
            "outcome_reason": meeting.outcome_reason,
            "remind_before_minutes": 60 if meeting.days > 0 else None,
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    await conn.executemany(
        "INSERT INTO meeting_contacts (meeting_id, contact_id) VALUES (?, ?)",
        [(meeting_id, contact_ids[i]) for i in meeting.contacts],
    )
    await _add_satisfaction_check(seeding, meeting, meeting_id, contact_ids, starts)


async def _add_satisfaction_check(
    seeding: _Seeding,
    meeting: DemoMeeting,
    meeting_id: int,
    contact_ids: list[int],
    starts: datetime,
) -> None:
    """An answered check for a scored meeting; a scheduled one for a held meeting without."""
    check = {
        "account_id": seeding.account_id,
        "meeting_id": meeting_id,
        "contact_id": contact_ids[meeting.contacts[0]],
        "manager_id": seeding.manager_id,
    }
    if meeting.score is not None:
        asked = dt_to_db(starts + timedelta(days=3))
        await _insert(
            seeding.conn,
            "satisfaction_checks",
            {
                **check,
                "due_at": asked,
                "asked_at": asked,
                "answered_at": asked,
                "score": meeting.score,
                "status": "answered",
                "created_at": seeding.stamp,
            },
        )
    elif meeting.days <= 0:
        await _insert(
            seeding.conn,
            "satisfaction_checks",
            {
                **check,
                "due_at": dt_to_db(starts + timedelta(days=7)),
                "status": "scheduled",
                "created_at": seeding.stamp,
            },
        )


async def _add_tasks(seeding: _Seeding, demo: DemoAccount) -> None:
    for text, days, origin in demo.tasks:
        due = (seeding.now + timedelta(days=days)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        await _insert(
            seeding.conn,
            "tasks",
            {
                "account_id": seeding.account_id,
                "assignee_id": seeding.manager_id,
                "created_by": seeding.manager_id,
                "text": text,
                "origin": origin,
                "due_at": dt_to_db(due),
                "due_has_time": 0,
                "created_at": seeding.stamp,
                "updated_at": seeding.stamp,
            },
        )


async def _add_profile_items(seeding: _Seeding, demo: DemoAccount) -> None:
    """Related organisations, deals, the client's spend and previous suppliers."""
    conn, account_id, stamp = seeding.conn, seeding.account_id, seeding.stamp
    for kind, name, note in demo.related:
        await _insert(
            conn,
            "related_organisations",
            {
                "account_id": account_id,
                "kind": kind,
                "name": name,
                "note": note,
                "created_at": stamp,
            },
        )
    for deal in demo.deals:
        await _insert(
            conn,
            "deals",
            {
                **deal,
                "account_id": account_id,
                "owner_id": seeding.manager_id,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
    for need, minor, currency, period in demo.spend:
        await _insert(
            conn,
            "client_spend",
            {
                "account_id": account_id,
                "need": need,
                "amount_minor": minor,
                "currency": currency,
                "period": period,
                "created_at": stamp,
            },
        )
    for name, supplied, reason in demo.suppliers:
        await _insert(
            conn,
            "previous_suppliers",
            {
                "account_id": account_id,
                "name": name,
                "supplied": supplied,
                "reason_left": reason,
                "created_at": stamp,
            },
        )


async def _add_contract(seeding: _Seeding, demo: DemoAccount) -> None:
    if not demo.contract:
        return
    conn, stamp, year = seeding.conn, seeding.stamp, seeding.now.year
    contract_id = await _insert(
        conn,
        "contracts",
        {
            **demo.contract,
            "account_id": seeding.account_id,
            "signed_on": f"{year}-01-15",
            "starts_on": f"{year}-02-01",
            "ends_on": f"{year + 1}-01-31",
            "status": "active",
            "created_by": seeding.manager_id,
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    for party, description, days, recurrence in demo.obligations:
        await _insert(
            conn,
            "obligations",
            {
                "contract_id": contract_id,
                "party": party,
                "description": description,
                "due_on": (seeding.now + timedelta(days=days)).date().isoformat(),
                "recurrence": recurrence,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )


async def load_demo_portfolio(
    storage: Storage,
    *,
    telegram_id: int,
    full_name: str,
    language: str,
    timezone: str,
    now: datetime,
) -> str:
    """Adds the demo accounts to the manager (registering them as a KAM if new).

    Running it twice adds nothing the second time: accounts are matched by name.
    """
    async with storage.db.transaction() as conn:
        manager_id = await _manager_id(conn, telegram_id)
        if manager_id is None:
            manager_id = await insert_manager(
                conn,
                telegram_id=telegram_id,
                full_name=full_name,
                username=None,
                role="kam",
                language=language,
                timezone=timezone,
                now=now,
                invited_by=None,
            )
        added: list[str] = []
        for demo in PORTFOLIO:
            exists = await (
                await conn.execute(
                    "SELECT 1 FROM accounts WHERE name = ? AND owner_id = ?",
                    (demo.fields["name"], manager_id),
                )
            ).fetchone()
            if exists is None:
                await _add_account(conn, demo, manager_id, now)
                added.append(str(demo.fields["name"]))
    if not added:
        return f"The demo portfolio is already loaded for Telegram user {telegram_id}."
    return f"Loaded {len(added)} demo accounts for Telegram user {telegram_id}: " + ", ".join(added)
