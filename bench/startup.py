"""Start-up time and memory of `kam-bot` with many pending reminders.

Seeds a database with N future reminders (timed tasks spread over the next 60 days across
1,000 managers), starts `kam-bot` against tests/fake_telegram's HTTP server, and reports the
time until it polls for updates and its resident memory after a few ticks; the same for an
empty database, for comparison. Pending reminders live only in the database: the scheduler
keeps one repeating job, so they should cost neither start-up time nor memory.

    .venv/bin/python bench/startup.py                 # 100,000 pending reminders
    .venv/bin/python bench/startup.py --reminders 10000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bytecode import compile_project  # noqa: E402
from storage import Storage  # noqa: E402
from tests.fake_telegram import FakeBotApiServer, FakeTelegram  # noqa: E402

KAM_BOT = str(Path(sys.executable).with_name("kam-bot"))
MANAGERS = 1000


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed(db_path: Path, reminders: int) -> None:
    async def migrate() -> None:
        storage = await Storage.open(str(db_path))
        await storage.close()

    asyncio.run(migrate())
    if reminders == 0:
        return
    now = datetime.now(UTC)
    stamp = _stamp(now)
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO managers (telegram_id, full_name, role, onboarded_at, created_at,"
            " updated_at) VALUES (?, ?, 'kam', ?, ?, ?)",
            [(10_000 + i, f"Manager {i}", stamp, stamp, stamp) for i in range(MANAGERS)],
        )
        ids = [r[0] for r in conn.execute("SELECT id FROM managers")]
        step = timedelta(days=60) / reminders
        conn.executemany(
            "INSERT INTO tasks (assignee_id, created_by, text, due_at, due_has_time,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
            [
                (
                    ids[n % len(ids)],
                    ids[n % len(ids)],
                    f"Follow-up #{n}",
                    _stamp(now + timedelta(hours=1) + step * n),
                    stamp,
                    stamp,
                )
                for n in range(reminders)
            ],
        )


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def measure(reminders: int, settle: float) -> tuple[float, int, float]:
    """(seconds until polling, RSS in KiB after `settle` s, seconds of one tick)."""
    fake = FakeTelegram()
    with tempfile.TemporaryDirectory() as tmp, FakeBotApiServer(fake) as server:
        db_path = Path(tmp) / "kam.sqlite3"
        seed(db_path, reminders)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "REMINDER_"))}
        env.update(
            {
                "BOT_TOKEN": fake.token,
                "BOT_API_BASE_URL": server.base_url,
                "BOT_API_BASE_FILE_URL": server.base_file_url,
                "DATABASE_PATH": str(db_path),
                "LOG_LEVEL": "WARNING",
                "REMINDER_TICK_SECONDS": "1",
            }
        )
        started = time.monotonic()
        proc = subprocess.Popen(
            [KAM_BOT], cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            # a long poll is logged when it returns; a waiting one means the bot is ready
            while fake.waiting_polls == 0 and not any(
                c.method == "getUpdates" for c in fake.calls()
            ):
                if proc.poll() is not None:
                    raise SystemExit(f"kam-bot exited with {proc.returncode}")
                time.sleep(0.01)
            ready = time.monotonic() - started
            time.sleep(settle)
            rss = rss_kb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        tick = asyncio.run(_tick_time(db_path))
    return ready, rss, tick


async def _tick_time(db_path: Path) -> float:
    """One scan of the database for due reminders (what every tick does first)."""
    storage = await Storage.open(str(db_path))
    try:
        now = datetime.now(UTC) + timedelta(minutes=1)
        started = time.perf_counter()
        await storage.reminders.materialize(now)
        await storage.reminders.claim(now)
        return time.perf_counter() - started
    finally:
        await storage.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--settle", type=float, default=5.0, help="seconds before measuring RSS")
    parser.add_argument("--short", action="store_true", help="10,000 reminders, 1 s (make bench)")
    args = parser.parse_args()
    compile_project()  # start from bytecode, as installed (bench/bytecode.py)
    if args.short:
        args.reminders, args.settle = 10_000, 1.0
    for count in (0, args.reminders):
        ready, rss, tick = measure(count, args.settle)
        print(
            f"{count:>7} pending reminders: polling after {ready:.2f}s,"
            f" RSS {rss / 1024:.0f} MiB after {args.settle:.0f}s,"
            f" one due-scan {tick * 1000:.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
