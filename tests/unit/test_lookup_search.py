"""Client lookup in the storage layer: ranking, scripts, phones, visibility, index upkeep."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path

import aiosqlite
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from domain.clock import FakeClock
from domain.search import normalize
from storage import Storage
from storage.managers import Manager
from storage.migrations import apply_migrations, available_migrations
from storage.search import SearchHit, phone_digits


async def _manager(storage: Storage, telegram_id: int, role: str, now: datetime) -> Manager:
    return await storage.managers.create(
        telegram_id=telegram_id,
        full_name=f"M{telegram_id}",
        username=None,
        role=role,  # type: ignore[arg-type]
        language="en",
        timezone="Europe/Moscow",
        now=now,
    )


@pytest.fixture
async def portfolio(storage: Storage, clock: FakeClock) -> tuple[Manager, Manager, Manager]:
    now = clock.now()
    lead = await _manager(storage, 1, "lead", now)
    kam = await _manager(storage, 2, "kam", now)
    other = await _manager(storage, 3, "kam", now)
    accounts = storage.accounts
    vt = await accounts.create(name="VT-Metal", owner_id=kam.id, actor_id=kam.id, now=now)
    await accounts.update(vt.id, actor_id=kam.id, now=now, aliases="ВТ-Металл\nVT Metal")
    hx = await accounts.create(name="华信物流", owner_id=kam.id, actor_id=kam.id, now=now)
    await accounts.update(hx.id, actor_id=kam.id, now=now, aliases="Huaxin Logistics")
    await accounts.create(name="Metalurg", owner_id=kam.id, actor_id=kam.id, now=now)
    await accounts.create(name="Metal", owner_id=kam.id, actor_id=kam.id, now=now)
    ural = await accounts.create(name="Уралхимпласт", owner_id=other.id, actor_id=lead.id, now=now)
    await accounts.update(ural.id, actor_id=lead.id, now=now, aliases="Uralkhimplast")
    contact = await storage.contacts.create(
        account_id=ural.id, full_name="Пётр Сидоров", position="CEO", actor_id=lead.id, now=now
    )
    await storage.contacts.update(
        contact.id, actor_id=lead.id, now=now, phone="+7 (916) 123-45-67", email="ps@uhp.ru"
    )
    await storage.profile.add_item(
        "related",
        vt.id,
        {"kind": "competitor", "name": "Severstal Trading"},
        actor_id=kam.id,
        now=now,
    )
    return lead, kam, other


async def _find(storage: Storage, who: Manager, query: str) -> list[SearchHit]:
    return await storage.search.search(
        query, manager_id=who.id, sees_all=who.sees_all_accounts, limit=10
    )


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("VT-Metal", "VT-Metal"),
        ("vt", "VT-Metal"),
        ("вт металл", "VT-Metal"),
        ("втметалл", "VT-Metal"),
        ("vt-metl", "VT-Metal"),
        ("华信", "华信物流"),
        ("物流", "华信物流"),
        ("huaxin", "华信物流"),
        ("урал", "Уралхимпласт"),
        ("УРАЛХИМ", "Уралхимпласт"),
        ("uralkhimplst", "Уралхимпласт"),
        ("severstal", "VT-Metal"),
    ],
)
async def test_best_match_first(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager], query: str, first: str
) -> None:
    lead, _, _ = portfolio
    hits = await _find(storage, lead, query)
    assert hits, query
    assert hits[0].name == first


async def test_exact_then_prefix_then_fuzzy(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager]
) -> None:
    lead, _, _ = portfolio
    names = [hit.name for hit in await _find(storage, lead, "metal")]
    assert names[:3] == ["Metal", "Metalurg", "VT-Metal"]


async def test_contact_phone_and_email_find_the_account(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager]
) -> None:
    lead, _, _ = portfolio
    for query in ("+7 916 123-45-67", "9161234567", "123-45-67", "ps@uhp.ru", "сидоров"):
        hits = await _find(storage, lead, query)
        assert [h.name for h in hits][:1] == ["Уралхимпласт"], query
        assert hits[0].kind == "contact" and hits[0].via == "Пётр Сидоров"


async def test_kam_finds_only_own_or_team_accounts(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager], clock: FakeClock
) -> None:
    lead, kam, other = portfolio
    assert await _find(storage, kam, "урал") == []
    assert [h.name for h in await _find(storage, other, "урал")] == ["Уралхимпласт"]
    assert await _find(storage, other, "vt") == []
    vt = (await _find(storage, lead, "VT-Metal"))[0]
    await storage.profile.add_item(
        "team",
        vt.account_id,
        {"manager_id": other.id, "role": "support"},
        actor_id=lead.id,
        now=clock.now(),
    )
    assert [h.name for h in await _find(storage, other, "vt")] == ["VT-Metal"]


async def test_index_follows_renames_archiving_and_removal(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager], clock: FakeClock
) -> None:
    lead, _, _ = portfolio
    now = clock.now()
    ural = (await _find(storage, lead, "урал"))[0]
    await storage.accounts.update(ural.account_id, actor_id=lead.id, now=now, name="UHP Holding")
    assert [h.name for h in await _find(storage, lead, "uhp holding")] == ["UHP Holding"]
    contact = (await storage.contacts.for_account(ural.account_id))[0]
    await storage.contacts.archive(contact.id, actor_id=lead.id, now=now)
    assert await _find(storage, lead, "9161234567") == []


@pytest.mark.parametrize("query", ["", "   ", "!!!", "zzzz", "q" * 500])
async def test_garbage_finds_nothing(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager], query: str
) -> None:
    lead, _, _ = portfolio
    assert await _find(storage, lead, query) == []


def test_phone_digits() -> None:
    assert phone_digits("+7 (916) 123-45-67") == "79161234567"
    assert phone_digits("VT 2026") is None
    assert phone_digits("12") is None


@pytest.fixture
async def similar_names(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager], clock: FakeClock
) -> Manager:
    lead, kam, _ = portfolio
    now = clock.now()
    for name in ("Sigma", "Sigmatek Group", "Sygma Trade"):
        account = await storage.accounts.create(
            name=name, owner_id=kam.id, actor_id=kam.id, now=now
        )
    for full_name in ("Alexey Orlov", "Ivan Petrov", "Elena Smirnova", "Мария Петрова"):
        await storage.contacts.create(
            account_id=account.id, full_name=full_name, position=None, actor_id=kam.id, now=now
        )
    return lead


async def test_the_whole_name_decides_exact_prefix_then_fuzzy(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager], similar_names: Manager
) -> None:
    _, kam, _ = portfolio
    for who in (similar_names, kam):
        names = [hit.name for hit in await _find(storage, who, "Sigmatec")]
        assert names[:1] == ["Sigmatek Group"], (who.role, names)
        names = [hit.name for hit in await _find(storage, who, "sigma")]
        assert names[:2] == ["Sigma", "Sigmatek Group"]


@pytest.mark.parametrize("query", ["Orlvo", "Petrvo", "Smirnva", "Петрвоа", "Sminrova"])
async def test_typos_in_contact_names_find_them(
    storage: Storage,
    portfolio: tuple[Manager, Manager, Manager],
    similar_names: Manager,
    query: str,
) -> None:
    _, kam, _ = portfolio
    for who in (similar_names, kam):
        hits = await _find(storage, who, query)
        assert [h.name for h in hits][:1] == ["Sygma Trade"], (who.role, query, hits)
        assert hits[0].kind == "contact" and hits[0].via is not None


async def test_resembling_names_include_close_spellings(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager], similar_names: Manager
) -> None:
    names = [hit.name for hit in await storage.search.resembling("Sigma")]
    assert names[0] == "Sigma" and "Sygma Trade" in names
    assert [hit.name for hit in await storage.search.resembling("Sygma")][:2] == [
        "Sygma Trade",
        "Sigma",
    ]
    assert [hit.name for hit in await storage.search.resembling("VT Metall")] == ["VT-Metal"]
    assert await storage.search.resembling("Petrov") == []  # a contact is not a client
    assert await storage.search.resembling("Zzyzx Holdings") == []


@pytest.mark.parametrize("name", ["_KAM_ROWS", "_KAM_TYPO_NAMES", "_kam_typo_rows"])
async def test_a_kams_search_reads_only_their_accounts_rows_by_key(
    storage: Storage, name: str
) -> None:
    """Every table a KAM's search reads is searched by the KAM's ids (no scan of the index,
    of `search_rows` or of other managers' accounts); only the list of the KAM's own ids is
    scanned."""
    import storage.search as search_module

    rare = ["abc", "bcd", "cde", "def"]
    found = getattr(search_module, name)
    sql = str(found(rare) if callable(found) else found)
    params = {"manager_id": 1, **{f"t{n}": f"%{g}%" for n, g in enumerate(rare)}}
    async with storage.db.reading() as conn:
        plan = [
            str(row[3]) for row in await conn.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
        ]
    scans = [step for step in plan if step.startswith("SCAN")]
    assert "SCAN v" in scans, plan
    assert all(re.fullmatch(r"SCAN (v|\(subquery-\d+\))", step) for step in scans), plan
    assert any("SEARCH x USING PRIMARY KEY (account_id=?)" in step for step in plan), plan
    assert any("SEARCH a USING INTEGER PRIMARY KEY" in step for step in plan), plan


async def _contacts(storage: Storage, kam: Manager, now: datetime) -> None:
    """Contacts whose names and e-mails share trigrams in every way (for the typo pass)."""
    account = await storage.accounts.create(
        name="Petrovich Trade", owner_id=kam.id, actor_id=kam.id, now=now
    )
    people = [
        ("Ivan Petrov", "person1@petrov.com"),
        ("Olga Pertova", "olga@client.com"),
        ("Пётр Петров", "petrov@client.ru"),
        ("Anna Smith", "ivan.petrov@client.com"),
        ("Petra Ivanova", None),
    ]
    for name, email in people:
        contact = await storage.contacts.create(
            account_id=account.id, full_name=name, position=None, actor_id=kam.id, now=now
        )
        if email:
            await storage.contacts.update(contact.id, actor_id=kam.id, now=now, email=email)


@pytest.mark.parametrize(
    "rare",
    [["pet", "etr", "tro", "rov"], ["per", "ert"], ["iva", "van"], ["пет", "етр", "тро", "ров"],
     ["cli", "lie", "ien", "ent", "com"], ["pet"]],
)  # fmt: skip
async def test_a_kams_typo_contacts_are_those_whose_name_holds_the_trigrams(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager], clock: FakeClock, rare: list[str]
) -> None:
    """A contact is a typo candidate when its name (not its e-mail) holds the trigrams."""
    import storage.search as search_module

    _, kam, _ = portfolio
    await _contacts(storage, kam, clock.now())
    params = {
        "manager_id": kam.id,
        **{f"t{n}": search_module._pattern(g, fold_yo=False) for n, g in enumerate(rare)},
    }
    rows = await storage.db.fetch_all(search_module._kam_typo_rows(rare), params)
    names = {row[0].strip() for row in rows if row[1] == "contact"}
    expected = {
        ("pet", "etr", "tro", "rov"): {"Ivan Petrov", "Petra Ivanova"},
        ("per", "ert"): {"Olga Pertova"},
        ("iva", "van"): {"Ivan Petrov", "Petra Ivanova"},
        ("пет", "етр", "тро", "ров"): {"Пётр Петров"},
        ("cli", "lie", "ien", "ent", "com"): set(),
        ("pet",): {"Ivan Petrov", "Petra Ivanova"},
    }
    assert names == expected[tuple(rare)]
    assert {row[0] for row in rows if row[1] != "contact"} == {
        "VT-Metal\nВТ-Металл\nVT Metal\n",
        "华信物流\nHuaxin Logistics\n",
        "Metalurg\n\n",
        "Metal\n\n",
        "Petrovich Trade\n\n",
        "Severstal Trading\n",
    }


@pytest.mark.parametrize(
    "rare",
    [["pet", "etr", "tro", "rov"], ["per", "ert"], ["met", "eta", "tal"], ["ета", "тал", "алл"],
     ["cli", "lie", "ien", "ent", "com"], ["zzz"]],
)  # fmt: skip
async def test_a_leads_typo_rows_are_the_same_listed_once_or_matched_per_kind(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager], clock: FakeClock, rare: list[str]
) -> None:
    """The rows a lead's typo pass ranks do not depend on how they are read (the MATCH's
    rowids listed once for rare trigrams, or the MATCH run per kind up to its limit)."""
    import storage.search as search_module

    _, kam, _ = portfolio
    await _contacts(storage, kam, clock.now())
    params = {"match": search_module._typo_match(rare)}
    for contacts in (True, False):
        found = [
            [tuple(row) for row in await storage.db.fetch_all(sql, params)]
            for sql in (
                search_module._typo_rows(contacts=contacts, listed=True),
                search_module._typo_rows(contacts=contacts, listed=False),
            )
        ]
        assert found[0] == found[1]
        assert rare[0] != "met" or len(found[0]) == 4  # VT-Metal, Metalurg, Metal, Severstal


async def test_trigram_counts_are_exact_up_to_the_threshold(
    storage: Storage,
    portfolio: tuple[Manager, Manager, Manager],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The typo pass's trigram counts equal FTS5's vocabulary up to `_COUNTED_ROWS`, and are
    `_COUNTED_ROWS + 1` past it (a common trigram's list is not read to its end)."""
    import storage.search as search_module

    _, kam, _ = portfolio
    await _contacts(storage, kam, clock.now())
    monkeypatch.setattr(search_module, "_COUNTED_ROWS", 2)
    grams = ["pet", "etr", "per", "cli", "com", "ива", "zzz", "ура", "met"]
    counts = await storage.search._doc_counts(grams)
    async with storage.db.reading() as conn:
        await conn.execute(
            "CREATE VIRTUAL TABLE temp.check_vocab USING fts5vocab(main, 'search_index', 'row')"
        )
        rows = await conn.execute_fetchall("SELECT term, doc FROM temp.check_vocab")
    vocab = {str(term): int(doc) for term, doc in rows}
    assert counts == {gram: min(vocab.get(gram, 0), 3) for gram in grams}
    assert counts["pet"] == 3 and counts["zzz"] == 0 and counts["ура"] == 1


@pytest.mark.parametrize("query", ["vt", "metal", "华信", "severstal", "huaxin", "урал"])
async def test_a_kam_finds_what_a_lead_finds_among_the_kams_accounts(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager], query: str
) -> None:
    lead, kam, other = portfolio
    every = await _find(storage, lead, query)
    for who in (kam, other):
        mine = {a.id for a in await storage.accounts.visible(who.id, sees_all=False)}
        assert await _find(storage, who, query) == [h for h in every if h.account_id in mine]


async def test_a_name_with_yo_is_found_as_typed_and_with_ye(
    storage: Storage, clock: FakeClock
) -> None:
    """ё and е are one letter to a searcher, for a lead or admin as for a KAM (a lead's
    search for "Пётр" found nothing: FTS5 keeps ё apart from е)."""
    now = clock.now()
    admin = await _manager(storage, 1, "admin", now)
    kam = await _manager(storage, 2, "kam", now)
    account = await storage.accounts.create(
        name="Алёнка", owner_id=kam.id, actor_id=kam.id, now=now
    )
    await storage.contacts.create(
        account_id=account.id, full_name="Пётр Иванов", position=None, actor_id=kam.id, now=now
    )
    await storage.accounts.create(name="Петровка", owner_id=kam.id, actor_id=kam.id, now=now)
    for query in ("Пётр", "петр", "ПЕТР ИВАНОВ", "Алёнка", "аленка"):
        for who, sees_all in ((admin, True), (kam, False)):
            hits = await storage.search.search(query, manager_id=who.id, sees_all=sees_all)
            assert account.id in [h.account_id for h in hits], (query, sees_all)
    [hit] = [h for h in await storage.search.search("петр", manager_id=admin.id, sees_all=True)
             if h.account_id == account.id]  # fmt: skip
    assert hit.via == "Пётр Иванов"  # shown as written
    # a rename leaves no trace of the old name's е copy
    await storage.accounts.update(account.id, actor_id=kam.id, now=now, name="Восток")
    assert not await storage.search.search("аленка", manager_id=admin.id, sees_all=True)


async def test_the_migration_indexes_old_names_with_yo(tmp_path: Path) -> None:
    conn = await aiosqlite.connect(tmp_path / "old.sqlite3", isolation_level=None)
    await apply_migrations(conn, [m for m in available_migrations() if m.version < 11])
    now = "2026-11-01T09:00:00Z"
    await conn.execute(
        "INSERT INTO managers (id, telegram_id, full_name, role, language, timezone, created_at,"
        " updated_at) VALUES (1, 1, 'Anna', 'admin', 'ru', 'UTC', ?, ?)",
        (now, now),
    )
    await conn.execute(
        "INSERT INTO accounts (id, name, status, owner_id, created_at, updated_at)"
        " VALUES (5, 'Сёмга', 'active', 1, ?, ?)",
        (now, now),
    )
    await apply_migrations(conn)
    await conn.close()
    storage = await Storage.open(str(tmp_path / "old.sqlite3"))
    try:
        hits = await storage.search.search("семга", manager_id=1, sees_all=True)
        assert [h.name for h in hits] == ["Сёмга"]
    finally:
        await storage.close()


async def _search_rows(conn: aiosqlite.Connection) -> tuple[list[tuple[object, ...]], ...]:
    """`search_rows` and the index's own rows, as (account_id, rid, kind, text), sorted."""
    mine = await conn.execute_fetchall(
        "SELECT account_id, rid, kind, text FROM search_rows ORDER BY rid"
    )
    index = await conn.execute_fetchall(
        "SELECT c1, id, c2, c0 FROM search_index_content ORDER BY id"
    )
    return [tuple(row) for row in mine], [tuple(row) for row in index]


async def test_search_rows_follow_the_index_through_every_change(
    storage: Storage, portfolio: tuple[Manager, Manager, Manager], clock: FakeClock
) -> None:
    """The KAM's copy of the search texts (migration 0012) holds exactly the index's rows
    after creating, renaming, moving, archiving and deleting accounts, contacts and
    organisations."""
    _, kam, _ = portfolio
    now = clock.now()
    await _contacts(storage, kam, now)
    account = await storage.accounts.create(name="Ёлка", owner_id=kam.id, actor_id=kam.id, now=now)
    await storage.accounts.update(account.id, actor_id=kam.id, now=now, aliases="Yolka\nЁлочка")
    contact = await storage.contacts.create(
        account_id=account.id, full_name="Семён Ёжиков", position=None, actor_id=kam.id, now=now
    )
    await storage.contacts.update(contact.id, actor_id=kam.id, now=now, phone="+7 916 000-11-22")
    async with storage.db.transaction() as conn:
        await conn.execute(
            "UPDATE contacts SET account_id = (SELECT min(id) FROM accounts) WHERE id = ?",
            (contact.id,),
        )
        await conn.execute(
            "UPDATE related_organisations SET name = 'Сёверсталь', account_id = ?",
            (account.id,),
        )
        await conn.execute("UPDATE contacts SET archived_at = 'x' WHERE full_name LIKE 'Olga%'")
        await conn.execute("DELETE FROM contacts WHERE full_name = 'Anna Smith'")
    await storage.accounts.update(account.id, actor_id=kam.id, now=now, name="Ель")
    async with storage.db.reading() as conn:
        mine, index = await _search_rows(conn)
    assert mine == index and len(mine) > 10
    async with storage.db.transaction() as conn:
        await conn.execute("UPDATE contacts SET archived_at = NULL")
        await conn.execute("DELETE FROM related_organisations")
        await conn.execute("DELETE FROM contacts")
        await conn.execute("DELETE FROM account_team")
        await conn.execute("DELETE FROM accounts WHERE id = ?", (account.id,))
    async with storage.db.reading() as conn:
        mine, index = await _search_rows(conn)
    assert mine == index and mine


async def test_the_migration_copies_the_index_rows_for_kams(tmp_path: Path) -> None:
    """A database at migration 0011 gets `search_rows` with every index row, and a KAM's
    search finds its clients, contacts and organisations afterwards."""
    conn = await aiosqlite.connect(tmp_path / "old.sqlite3", isolation_level=None)
    await apply_migrations(conn, [m for m in available_migrations() if m.version <= 11])
    now = "2026-11-01T09:00:00Z"
    await conn.execute(
        "INSERT INTO managers (id, telegram_id, full_name, role, language, timezone, created_at,"
        " updated_at) VALUES (1, 1, 'Anna', 'kam', 'ru', 'UTC', ?, ?),"
        " (2, 2, 'Boris', 'kam', 'ru', 'UTC', ?, ?)",
        (now, now, now, now),
    )
    for number, (name, owner) in enumerate([("Сёмга", 1), ("Nordic Steel", 1), ("Other", 2)]):
        await conn.execute(
            "INSERT INTO accounts (id, name, status, owner_id, created_at, updated_at)"
            " VALUES (?, ?, 'active', ?, ?, ?)",
            (number + 1, name, owner, now, now),
        )
    await conn.execute(
        "INSERT INTO contacts (account_id, full_name, email, phone, created_at, updated_at)"
        " VALUES (2, 'Пётр Орлов', 'po@nordic.com', '+7 916 123-45-67', ?, ?)",
        (now, now),
    )
    await conn.execute(
        "INSERT INTO related_organisations (account_id, kind, name, created_at)"
        " VALUES (1, 'competitor', 'Rival Fish', ?)",
        (now,),
    )
    await apply_migrations(conn)
    mine, index = await _search_rows(conn)
    assert mine == index and len(mine) == 5
    await conn.close()
    storage = await Storage.open(str(tmp_path / "old.sqlite3"))
    try:
        nordic = "Nordic Steel"
        expected = [("семга", "Сёмга"), ("петр", nordic), ("79161234567", nordic),
                    ("rival", "Сёмга"), ("nordik", nordic), ("орлв", nordic)]  # fmt: skip
        for query, found in expected:
            hits = await storage.search.search(query, manager_id=1, sees_all=False)
            assert [h.name for h in hits] == [found], query
        assert await storage.search.search("other", manager_id=1, sees_all=False) == []
    finally:
        await storage.close()


def _search_rows_table() -> sqlite3.Connection:
    """An in-memory `search_rows` as migration 0012 creates it."""
    sql = next(m.sql for m in available_migrations() if m.version == 12)
    conn = sqlite3.connect(":memory:")
    conn.executescript(sql[: sql.index("INSERT INTO search_rows")])
    return conn


_LETTERS = "аеёжяАЕЁЖЯіІéÉkK\u212a华 -\n"  # \u212a: the Kelvin sign, whose lower() is k


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(st.text(alphabet=_LETTERS, max_size=12), min_size=1, max_size=8),
    word=st.text(alphabet="аеёжяіék华", min_size=1, max_size=3).map(normalize),
    fold_yo=st.booleans(),
)
def test_like_on_the_folded_text_finds_what_glob_finds(
    texts: list[str], word: str, fold_yo: bool
) -> None:
    """For a word that `_folds`, LIKE on `search_rows.folded` (and `folded_name`) finds the
    rows GLOB with a character class per letter finds in the text (and its first line)."""
    import storage.search as search_module

    assume(word and search_module._folds(word, fold_yo=fold_yo))
    conn = _search_rows_table()
    conn.executemany(
        "INSERT INTO search_rows (account_id, rid, kind, text) VALUES (1, ?, 'contact', ?)",
        [(number, text + "\n") for number, text in enumerate(texts)],
    )
    for column, folded in (("x.text", "x.folded"), ("x.first_line", "x.folded_name")):
        glob = search_module._glob_word(word, fold_yo=fold_yo)
        found = [
            sorted(
                row[0] for row in conn.execute(f"SELECT rid FROM search_rows x WHERE {test}", (p,))
            )
            for test, p in ((f"{column} GLOB ?", glob), (f"{folded} LIKE ?", f"%{word}%"))
        ]
        assert found[0] == found[1], (word, column)
