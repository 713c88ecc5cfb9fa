"""bench/growth.py builds what it says: the counts of its size, and one owner per account
(lookup.py's accounts and report.py's meetings and tasks agree on who owns what)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench import growth


async def test_the_1x_database_has_its_counts_and_consistent_owners(tmp_path: Path) -> None:
    path = str(tmp_path / "growth.sqlite3")
    size = growth.Size(1)
    names = await growth.build(path, size)
    counts = size.counts
    conn = sqlite3.connect(path)
    try:

        def one(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        assert len(names) == one("SELECT count(*) FROM accounts") == counts["accounts"]
        assert one("SELECT count(*) FROM contacts") == counts["contacts"]
        assert one("SELECT count(*) FROM meetings") == counts["meetings"]
        assert one("SELECT count(*) FROM tasks") == counts["tasks"]
        assert one("SELECT count(*) FROM managers WHERE role = 'kam'") == counts["kams"]
        # every meeting's author and every task's assignee owns the account
        assert (
            one(
                "SELECT count(*) FROM meetings m JOIN accounts a ON a.id = m.account_id"
                " WHERE a.owner_id != m.author_id"
            )
            == 0
        )
        assert (
            one(
                "SELECT count(*) FROM tasks t JOIN accounts a ON a.id = t.account_id"
                " WHERE a.owner_id != t.assignee_id"
            )
            == 0
        )
        kams = counts["kams"]
        owner = f"SELECT owner_id FROM accounts WHERE id = {growth.own_account(7, kams)}"
        assert one(owner) == 7
        # the search index was filled by the migrations' triggers
        assert one("SELECT count(*) FROM search_index") >= counts["accounts"] + counts["contacts"]
    finally:
        conn.close()
