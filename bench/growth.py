"""Growth: the storage-level measures at 1x, 10x and 100x the data.

1x is 1,000 accounts (5,000 contacts, 500 related organisations), 10,000 meetings, 10,000
tasks, 2,000 satisfaction checks, 1,200 deals, 200 contracts with 1,600 obligations, owned by
20 KAMs (50 accounts each) and one admin. 10x and 100x multiply everything, the KAMs too: a
KAM's own portfolio stays the same size, so whatever a KAM does should not grow at all, and
whatever an admin does (who sees everything) at most linearly.

The databases are built through the real migrations and triggers with the row builders of
bench/lookup.py (managers, accounts, contacts, related organisations: the search index) and
bench/report.py (meetings, tasks, checks, deals, contracts, obligations). For each size:

- a KAM's and an admin's lookup: `SearchRepository.search` for bench/lookup.py's eight kinds
  of query, then the card of the first hit (the card's four statements: `accounts.relations`,
  `profile.card_snapshot`, `contracts.card_summary`; one of the manager's own accounts when
  nothing matched), p50/p95, and the p50 of each part; and the whole profile of that account
  (`profile.snapshot`: what its sections, brief and export read);
- the morning digest of one KAM (handlers.reminders.digest_view.load_digest: seven reads and
  domain.digest);
- the reminder tick's scan (`reminders.materialize` + `claim`) of a one-minute window with
  nothing due, and with 1,000 timed tasks due in it;
- start-up of the storage in a fresh process (`Storage.open`: connect, pragmas, migration
  check), and that process's RSS after one lookup and one digest;
- the database file's size.

Run: .venv/bin/python bench/growth.py            # 1x, 10x, 100x (100x builds for minutes)
     .venv/bin/python bench/growth.py --short    # 1x and 10x, one round (make bench)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import lookup, report  # noqa: E402
from handlers.reminders.digest_view import load_digest  # noqa: E402
from storage import Storage  # noqa: E402
from storage.reminders import WATERMARK  # noqa: E402

# 1x; every count is multiplied by the factor
ACCOUNTS, CONTACTS, RELATED, KAMS = 1_000, 5_000, 500, 20
MEETINGS, TASKS, CHECKS, DEALS, CONTRACTS = 10_000, 10_000, 2_000, 1_200, 200
ADMIN, KAM = 1, 2  # lookup.py's managers: 1 is the admin, 2.. are KAMs
NOW = report.NOW  # report.py's data lies in the year before it (planned meetings a month ahead)
TZ = report.TZ
# windows for the reminder scan: nothing of the base data is timed there (02:00 in Moscow)
QUIET_WINDOW = datetime(2027, 1, 20, 23, 0, tzinfo=UTC)
BUSY_WINDOW = datetime(2027, 1, 25, 23, 0, tzinfo=UTC)
DUE = 1_000


@dataclass(frozen=True)
class Size:
    factor: int

    @property
    def counts(self) -> dict[str, int]:
        f = self.factor
        return {
            "accounts": ACCOUNTS * f,
            "contacts": CONTACTS * f,
            "related": RELATED * f,
            "kams": KAMS * f,
            "meetings": MEETINGS * f,
            "tasks": TASKS * f,
            "checks": CHECKS * f,
            "deals": DEALS * f,
            "contracts": CONTRACTS * f,
        }


def configure(size: Size) -> None:
    """Points lookup.py's and report.py's builders at this size (they read module constants).

    lookup.py gives account n to manager 2 + n % KAMS and report.py to 2 + n % (MANAGERS - 1),
    so with MANAGERS = KAMS + 1 both agree on who owns what."""
    c = size.counts
    lookup.ACCOUNTS, lookup.CONTACTS, lookup.RELATED, lookup.KAMS = (
        c["accounts"],
        c["contacts"],
        c["related"],
        c["kams"],
    )
    report.ACCOUNTS, report.MEETINGS, report.TASKS = c["accounts"], c["meetings"], c["tasks"]
    report.CHECKS, report.DEALS, report.CONTRACTS = c["checks"], c["deals"], c["contracts"]
    report.MANAGERS = c["kams"] + 1


async def build(path: str, size: Size) -> list[str]:
    """The database of `size` at `path`; returns the account names (for the queries)."""
    await (await Storage.open(path)).close()  # the real migrations, search index triggers
    configure(size)
    rng = random.Random(12)
    names = lookup._populate(path, rng)
    conn = sqlite3.connect(path)
    with conn:
        report._activity(conn, rng)
        report._deals_and_contracts(conn, rng)
        # onboarded, in Moscow, digest at 09:00: the tick does every manager's digest arithmetic
        conn.execute("UPDATE managers SET timezone = ?, onboarded_at = ?", (TZ, report.STAMP))
    # no ANALYZE: the bot never runs it, and with sqlite_stat1 some plans differ
    conn.close()
    return names


def own_account(manager_id: int, kams: int) -> int:
    """An account the manager owns (lookup.py: account n belongs to 2 + n % kams)."""
    return kams + manager_id - 2 if manager_id >= 2 else 1


# --- the measures --------------------------------------------------------------------------


async def lookup_and_card(
    storage: Storage, text: str, manager_id: int, sees_all: bool, fallback: int
) -> tuple[float, float, float]:
    """Milliseconds of the search, of the card of its first hit (`fallback` when none), as
    handlers.profiles.card reads it, and of that account's whole profile."""
    started = time.perf_counter()
    hits = await storage.search.search(text, manager_id=manager_id, sees_all=sees_all)
    searched = time.perf_counter()
    account_id = hits[0].account_id if hits else fallback
    await storage.accounts.relations(account_id, manager_id)
    await storage.profile.card_snapshot(account_id)
    await storage.contracts.card_summary(account_id)
    carded = time.perf_counter()
    await storage.profile.snapshot(account_id, now=NOW, today=NOW.date())
    ended = time.perf_counter()
    return (searched - started) * 1000, (carded - searched) * 1000, (ended - carded) * 1000


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


def _state(path: str, sql: str, rows: list[tuple[object, ...]] | None = None) -> None:
    conn = sqlite3.connect(path, timeout=10)
    with conn:
        if rows is None:
            conn.execute(sql)
        else:
            conn.executemany(sql, rows)
    conn.close()


def _set_watermark(path: str, at: datetime) -> None:
    _state(
        path,
        "INSERT INTO scheduler_state (name, value, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [(WATERMARK, _stamp(at), _stamp(at))],
    )


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


async def tick_scan(storage: Storage, path: str, upto: datetime, due: int, kams: int) -> float:
    """One scan of the minute before `upto` with `due` timed tasks falling due in it."""
    if due:
        rng = random.Random(upto.minute)
        _state(
            path,
            "INSERT INTO tasks (assignee_id, created_by, text, due_at, due_has_time,"
            " created_at, updated_at) VALUES (?, ?, 'Call back', ?, 1, ?, ?)",
            [
                (k, k, _stamp(upto - timedelta(seconds=rng.randint(0, 59))), report.STAMP, "x")
                for k in (2 + rng.randrange(kams) for _ in range(due))
            ],
        )
    _set_watermark(path, upto - timedelta(minutes=1))

    async def scan() -> None:
        await storage.reminders.materialize(upto)
        await storage.reminders.claim(upto)

    elapsed = await timed(scan)
    if due:  # leave the database as it was
        _state(path, "DELETE FROM reminder_deliveries")
        _state(path, "DELETE FROM tasks WHERE updated_at = 'x'")
    return elapsed


def probe(path: str) -> None:
    """In a fresh process: time Storage.open, then one lookup and one digest; print JSON."""

    async def run() -> dict[str, float]:
        started = time.perf_counter()
        storage = await Storage.open(path)
        opened = (time.perf_counter() - started) * 1000
        kams = int(os.environ.get("GROWTH_KAMS", KAMS))
        await lookup_and_card(storage, "Metal", ADMIN, True, 1)
        await lookup_and_card(storage, "Metal", KAM, False, own_account(KAM, kams))
        manager = await storage.managers.get(KAM)
        assert manager is not None
        await load_digest(storage, manager, NOW)
        await storage.close()
        return {"open_ms": opened, "rss_kib": rss_kib()}

    print(json.dumps(asyncio.run(run())))


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Result:
    size: Size
    build_s: float = 0.0
    samples: dict[str, list[float]] = field(default_factory=dict)
    values: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, ms: float) -> None:
        self.samples.setdefault(name, []).append(ms)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


async def measure_in_process(size: Size, rounds: int, path: str) -> Result:
    """Builds the database at `path` and takes the measures that run in this process."""
    result = Result(size)
    started = time.perf_counter()
    names = await build(path, size)
    result.build_s = time.perf_counter() - started
    kams = size.counts["kams"]
    queries = lookup._queries(random.Random(4), names)
    storage = await Storage.open(path)
    try:
        for who, manager_id, sees_all in (("admin", ADMIN, True), ("KAM", KAM, False)):
            fallback = own_account(manager_id, kams)
            for texts in queries.values():  # warm-up: one query of each kind
                await lookup_and_card(storage, texts[0], manager_id, sees_all, fallback)
            for _ in range(rounds):
                for texts in queries.values():
                    for text in texts:
                        search, card, profile = await lookup_and_card(
                            storage, text, manager_id, sees_all, fallback
                        )
                        result.add(f"lookup {who}", search + card)
                        result.add(f"search {who}", search)
                        result.add(f"card {who}", card)
                        result.add(f"profile {who}", profile)
        manager = await storage.managers.get(KAM)
        assert manager is not None
        await load_digest(storage, manager, NOW)
        for _ in range(rounds * 10):
            result.add("digest", await timed(lambda: load_digest(storage, manager, NOW)))
        for r in range(rounds * 3):
            quiet = QUIET_WINDOW + timedelta(minutes=r + 1)
            busy = BUSY_WINDOW + timedelta(minutes=r + 1)
            result.add("tick, nothing due", await tick_scan(storage, path, quiet, 0, kams))
            result.add("tick, 1,000 due", await tick_scan(storage, path, busy, DUE, kams))
    finally:
        await storage.close()
    return result


def measure(size: Size, rounds: int, folder: str) -> Result:
    path = str(Path(folder) / f"growth_{size.factor}x.sqlite3")
    result = asyncio.run(measure_in_process(size, rounds, path))
    kams = size.counts["kams"]
    _state(path, "PRAGMA wal_checkpoint(TRUNCATE)")
    result.values["database MiB"] = sum(
        os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p)
    ) / (1024 * 1024)
    probes = [
        json.loads(
            subprocess.run(
                [sys.executable, __file__, "--probe", path],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "GROWTH_KAMS": str(kams)},
            ).stdout
        )
        for _ in range(max(2, rounds))
    ]
    result.values["storage start-up ms"] = statistics.median(p["open_ms"] for p in probes)
    result.values["RSS MiB"] = statistics.median(p["rss_kib"] for p in probes) / 1024
    os.remove(path)
    return result


# --- the table -------------------------------------------------------------------------------


def rows(results: list[Result]) -> list[tuple[str, list[float]]]:
    table: list[tuple[str, list[float]]] = []
    for name in ("lookup KAM", "lookup admin", "digest", "tick, nothing due", "tick, 1,000 due"):
        table.append((f"{name} p50 ms", [statistics.median(r.samples[name]) for r in results]))
        table.append((f"{name} p95 ms", [percentile(r.samples[name], 0.95) for r in results]))
        if name.startswith("lookup"):
            who = name.split()[1]
            for part, label in (
                ("search", "  of which search"),
                ("card", "  of which card"),
                ("profile", "  (then the whole profile)"),
            ):
                samples = [r.samples[f"{part} {who}"] for r in results]
                table.append((f"{label} p50 ms", [statistics.median(x) for x in samples]))
    for name in ("storage start-up ms", "RSS MiB", "database MiB"):
        table.append((name, [r.values[name] for r in results]))
    table.append(("build s", [r.build_s for r in results]))
    return table


def exponent(low: float, high: float, ratio: int) -> float:
    """k in high/low = ratio**k: 0 flat, 1 linear, above 1 worse than linear."""
    return math.log(max(high, 1e-9) / max(low, 1e-9)) / math.log(ratio)


def print_table(results: list[Result], machine: str) -> None:
    sizes = [r.size for r in results]
    print(f"# Growth ({machine})")
    for size in sizes:
        c = size.counts
        print(
            f"{size.factor}x: {c['accounts']:,} accounts, {c['contacts']:,} contacts,"
            f" {c['meetings']:,} meetings, {c['tasks']:,} tasks, {c['kams']:,} KAMs"
        )
    head = [f"{s.factor}x" for s in sizes]
    steps = [
        (i, f"{sizes[i].factor}x→{sizes[i + 1].factor}x growth k") for i in range(len(sizes) - 1)
    ]
    print()
    print("| measure | " + " | ".join(head + [s for _, s in steps]) + " |")
    print("|---" * (1 + len(head) + len(steps)) + "|")
    for name, values in rows(results):
        ks = [
            f"{exponent(values[i], values[i + 1], sizes[i + 1].factor // sizes[i].factor):.2f}"
            for i, _ in steps
        ]
        print(f"| {name} | " + " | ".join([f"{v:,.2f}" for v in values] + ks) + " |")
    print()
    print("k: the exponent of the growth (value ratio = data ratio ** k): 0 flat, 1 linear.")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    load = os.getloadavg()[0]
    return (
        f"{date.today()}, {cpu}, nproc {os.cpu_count()}, load {load:.1f},"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def main(factors: list[int], rounds: int) -> None:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for factor in factors:
            result = measure(Size(factor), rounds, folder)
            print(f"{factor}x built in {result.build_s:.1f} s, measured", flush=True)
            results.append(result)
    print_table(results, machine())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="1x and 10x, one round (< 60 s)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(args.probe)
    elif args.short:
        main([1, 10], 1)
    else:
        main(args.factors, args.rounds)
