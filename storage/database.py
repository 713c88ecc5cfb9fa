"""The one SQLite connection of the process and its transactions.

Every statement runs through a single aiosqlite connection guarded by an asyncio lock, so
that a transaction of one user action never interleaves with another's.

Each call to aiosqlite hands the work to its thread and back (about 0.1 ms of CPU on an idle
machine, about 0.5 ms in the running bot): the writes made for every update use
:meth:`Database.write_returning` (one statement, atomic by itself: the inbox stores a whole
getUpdates answer with one) and :meth:`Database.write_script` (a whole transaction in one
call).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.backup import create_private
from storage.migrations import apply_migrations

Params = Sequence[Any] | dict[str, Any]


class Database:
    """Owns the connection. Use :meth:`transaction` for writes and :meth:`reading` for reads."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        """Opens the file (creating its folder), sets the pragmas and migrates the schema."""
        if self.path != ":memory:":
            create_private(self.path)  # SQLite gives its -wal and -shm files the same mode
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=NORMAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
            # 8 MiB of page cache (default 2): the search index's text table alone is 4-5 MB
            # at 10,000 accounts; docs/benchmarks.md "Lookup" has the measurements.
            await conn.execute("PRAGMA cache_size=-8000")
            await apply_migrations(conn)
        except BaseException:
            await conn.close()
            raise
        self._conn = conn

    async def close(self) -> None:
        if self._conn is not None:
            async with self._lock:
                await self._conn.close()
                self._conn = None

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def connection(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("Database is not open")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction: committed on success, rolled back on any error."""
        async with self._lock:
            conn = self.connection
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """Exclusive use of the connection for reads (no transaction is opened)."""
        async with self._lock:
            yield self.connection

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self.reading() as conn:
            return list(await conn.execute_fetchall(sql, params))

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self.reading() as conn:
            cursor = await conn.execute(sql, params)
            return await cursor.fetchone()

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs one write statement in its own transaction; returns lastrowid."""
        async with self.transaction() as conn:
            cursor = await conn.execute(sql, params)
            return cursor.lastrowid or 0

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    async def write_returning(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        """Runs one write statement with a RETURNING clause, atomic by itself (SQLite's
        autocommit), in one call to the database thread; returns the rows it returned."""
        async with self._lock:
            return list(await self.connection.execute_fetchall(sql, params))

    async def write_script(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Runs the statements in one transaction, in one call to the database thread.

        The values are written into the SQL as literals (see :func:`sql_literal`: NULL,
        numbers, and text quoted the SQL way), which only our own statement templates with
        ``?`` placeholders outside quotes may use."""
        if not statements:
            return
        body = "".join(_bind(sql, params) + ";\n" for sql, params in statements)
        async with self._lock:
            conn = self.connection
            try:
                await conn.executescript(f"BEGIN IMMEDIATE;\n{body}COMMIT;")
            except BaseException:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise


def sql_literal(value: Any) -> str:
    """A value as an SQL literal: NULL, an integer, a finite float, or quoted text."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {type(value).__name__}")


def _bind(sql: str, params: Sequence[Any]) -> str:
    parts = sql.split("?")
    if len(parts) != len(params) + 1:
        raise ValueError(f"{len(parts) - 1} placeholders for {len(params)} values: {sql}")
    bound = [parts[0]]
    for value, part in zip(params, parts[1:], strict=True):
        bound.append(sql_literal(value))
        bound.append(part)
    return "".join(bound)
