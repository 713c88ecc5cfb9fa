"""Report generation for a lead's team of 20 managers with a year of data: time of the text
(reading the rows, the figures, the message), the chart (PNG) and the spreadsheet (XLSX).

Builds, through the real migrations, 20 managers (a lead and 19 KAMs), 200 accounts, about
10,000 meetings over the last year, 15,000 tasks, 5,000 answered satisfaction checks, 1,200
deals, 200 contracts with 1,600 obligations; then times handlers.reports.view's steps for the
lead's team and one KAM, for several periods, after one warm-up round (the first chart of a
process also imports matplotlib and registers the CJK font: shown on its own line). Wall
times in milliseconds (medians), and the process's CPU time for the whole report, which a
busy shared machine inflates less.
Run: .venv/bin/python bench/report.py [ROUNDS | --short]
"""

from __future__ import annotations

import asyncio
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.i18n import translator
from domain.formatting import formats
from domain.report_chart import build_chart
from domain.report_periods import Period, custom_period, named_period
from domain.report_workbook import build_workbook
from domain.reports import Scope
from handlers.reports.sheets import workbook_sheets
from handlers.reports.view import chart_input, load_report, report_text
from storage import Storage

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
TZ = "Europe/Moscow"
MANAGERS, ACCOUNTS, MEETINGS, TASKS, CHECKS, DEALS, CONTRACTS = (
    20,
    200,
    10_000,
    15_000,
    5_000,
    1_200,
    200,
)
STAMP = "2026-01-01T00:00:00Z"
KINDS = ("visit", "office", "call", "video", "event", "negotiation")
STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
REASONS = ("price", "quality", "relationship", "competitor", "timing", "other")


def _moment(rng: random.Random) -> str:
    """A moment in the year before NOW (a few planned ones up to a month ahead)."""
    at = NOW - timedelta(days=rng.uniform(-30, 365))
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(rng: random.Random, back: int = 365, ahead: int = 0) -> str:
    return (NOW.date() - timedelta(days=rng.randint(-ahead, back))).isoformat()


def _people(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO managers (id, telegram_id, full_name, role, timezone, created_at,"
        " updated_at, onboarded_at) VALUES (1, 1001, 'Lena Lead', 'lead', ?, ?, ?, ?)",
        (TZ, STAMP, STAMP, STAMP),
    )
    conn.executemany(
        "INSERT INTO managers (id, telegram_id, full_name, role, timezone, lead_id, created_at,"
        " updated_at, onboarded_at) VALUES (?, ?, ?, 'kam', ?, 1, ?, ?, ?)",
        [(i, 1000 + i, f"KAM {i}", TZ, STAMP, STAMP, STAMP) for i in range(2, MANAGERS + 1)],
    )
    conn.executemany(
        "INSERT INTO accounts (id, name, owner_id, status, opportunity_1y_minor,"
        " opportunity_1y_currency, opportunity_3_5y_minor, opportunity_3_5y_currency,"
        " created_at, updated_at) VALUES (?, ?, ?, 'active', ?, 'RUB', ?, 'USD', ?, ?)",
        [
            (a, f"Account {a}", 2 + a % (MANAGERS - 1), a * 1_000_000, a * 50_000, STAMP, STAMP)
            for a in range(1, ACCOUNTS + 1)
        ],
    )


def _activity(conn: sqlite3.Connection, rng: random.Random) -> None:
    def owner(account: int) -> int:
        return 2 + account % (MANAGERS - 1)

    meetings = []
    for _ in range(MEETINGS):
        account, starts = rng.randint(1, ACCOUNTS), _moment(rng)
        status = "planned" if starts > "2026-11-26" else rng.choice(("held",) * 9 + ("cancelled",))
        meetings.append((account, owner(account), status, rng.choice(KINDS), starts, STAMP, STAMP))
    conn.executemany(
        "INSERT INTO meetings (account_id, author_id, status, kind, starts_at, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        meetings,
    )
    tasks = []
    for n in range(TASKS):
        account, due = rng.randint(1, ACCOUNTS), _moment(rng)
        done = n % 10 != 0
        tasks.append(
            (
                account,
                owner(account),
                f"Follow-up {n}",
                "done" if done else "open",
                due,
                due if done else None,
                STAMP,
                STAMP,
            )
        )
    conn.executemany(
        "INSERT INTO tasks (account_id, assignee_id, text, status, due_at, completed_at,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        tasks,
    )
    checks = []
    for _ in range(CHECKS):
        account, at = rng.randint(1, ACCOUNTS), _moment(rng)
        checks.append((account, owner(account), at, at, rng.randint(1, 5), "answered", STAMP))
    conn.executemany(
        "INSERT INTO satisfaction_checks (account_id, manager_id, due_at, answered_at, score,"
        " status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        checks,
    )


def _deals_and_contracts(conn: sqlite3.Connection, rng: random.Random) -> None:
    deals = []
    for n in range(DEALS):
        stage = rng.choice(STAGES)
        closed = _day(rng) if stage in ("won", "lost") else None
        reason = rng.choice(REASONS) if closed else None
        deals.append(
            (
                rng.randint(1, ACCOUNTS),
                f"Deal {n}",
                stage,
                rng.randint(1, 500) * 100_000,
                rng.choice(("RUB", "USD", "CNY")),
                rng.choice((None, 10, 30, 60, 90)),
                closed,
                reason,
                "because" if reason else None,
                STAMP,
                STAMP,
            )
        )
    conn.executemany(
        "INSERT INTO deals (account_id, title, stage, amount_minor, currency, probability,"
        " closed_on, reason_code, result_reason, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        deals,
    )
    conn.executemany(
        "INSERT INTO contracts (id, account_id, title, status, amount_minor, currency, ends_on,"
        " created_at, updated_at) VALUES (?, ?, ?, 'active', 100000000, 'RUB', ?, ?, ?)",
        [
            (c, 1 + c % ACCOUNTS, f"Contract {c}", _day(rng, 0, 700), STAMP, STAMP)
            for c in range(1, CONTRACTS + 1)
        ],
    )
    conn.executemany(
        "INSERT INTO obligations (contract_id, party, description, due_on, status, created_at,"
        " updated_at) VALUES (?, 'ours', 'Delivery', ?, ?, ?, ?)",
        [
            (
                1 + n % CONTRACTS,
                _day(rng, 200, 200),
                rng.choice(("pending",) * 6 + ("met",) * 8 + ("delayed", "missed")),
                STAMP,
                STAMP,
            )
            for n in range(CONTRACTS * 8)
        ],
    )


async def build_database(path: str) -> None:
    await (await Storage.open(path)).close()  # the real migrations
    conn = sqlite3.connect(path)
    rng = random.Random(10)
    with conn:
        _people(conn)
        _activity(conn, rng)
        _deals_and_contracts(conn, rng)
    conn.close()


def _timed(function: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - start) * 1000


async def one(storage: Storage, scope: Scope, period: Period, language: str) -> dict[str, float]:
    """One report: milliseconds for the text, the chart and the spreadsheet."""
    t, fmt = translator(language), formats(language, TZ)
    heading = t("report.title.team", name="Lena Lead")
    cpu = time.process_time()
    start = time.perf_counter()
    rows, figures = await load_report(storage, scope, period, NOW)
    report_text(t, fmt, heading, period, figures, len(rows.contracts))
    text_ms = (time.perf_counter() - start) * 1000
    _, chart_ms = _timed(lambda: build_chart(chart_input(t, fmt, heading, period, figures)))
    book, xlsx_ms = _timed(lambda: build_workbook(workbook_sheets(t, fmt, rows, period, NOW)))
    return {
        "text": text_ms,
        "chart": chart_ms,
        "xlsx": xlsx_ms,
        "total": text_ms + chart_ms + xlsx_ms,
        "cpu": (time.process_time() - cpu) * 1000,  # every thread's CPU: less load-dependent
        "meetings": float(len(rows.meetings)),
        "kb": len(book) / 1024,
    }


async def main(rounds: int) -> None:
    folder = tempfile.mkdtemp(prefix="kam-bench-report-")
    path = f"{folder}/kam.sqlite3"
    start = time.perf_counter()
    await build_database(path)
    print(
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()},"
        f" SQLite {sqlite3.sqlite_version}; database built in"
        f" {time.perf_counter() - start:.1f} s"
    )
    storage = await Storage.open(path)
    tz = ZoneInfo(TZ)
    team = Scope("team", await storage.reports.team_ids(1, everyone=False))
    kam = Scope("me", (2,))
    year = custom_period(NOW.date() - timedelta(days=364), NOW.date(), tz)
    assert not isinstance(year, str)
    cases = [
        ("team, last week (en)", team, named_period("last_week", NOW, tz), "en"),
        ("team, this month (zh)", team, named_period("this_month", NOW, tz), "zh"),
        ("team, this quarter (ru)", team, named_period("this_quarter", NOW, tz), "ru"),
        ("team, the whole year (en)", team, year, "en"),
        ("one KAM, this quarter (en)", kam, named_period("this_quarter", NOW, tz), "en"),
    ]
    first = await one(storage, team, named_period("last_week", NOW, tz), "zh")
    print(
        f"first report of the process (imports matplotlib, registers the font):"
        f" chart {first['chart']:.0f} ms, total {first['total']:.0f} ms"
    )
    columns = ("meetings", "text", "chart", "xlsx", "total", "CPU", "xlsx KB")
    print(f"{'case (median ms)':30} " + " ".join(f"{c:>8}" for c in columns))
    for name, scope, period, language in cases:
        runs = [await one(storage, scope, period, language) for _ in range(rounds)]
        med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        keys = ("meetings", "text", "chart", "xlsx", "total", "cpu", "kb")
        values = (med[key] for key in keys)
        print(f"{name:30} " + " ".join(f"{v:8.0f}" for v in values))
    await storage.close()


if __name__ == "__main__":
    # `--short` (make bench): one round; a number: that many rounds; nothing: five.
    ARG = sys.argv[1] if len(sys.argv) > 1 else "5"
    asyncio.run(main(1 if ARG == "--short" else int(ARG)))
