"""Client lookup in the storage layer: 10,000 accounts, 50,000 contacts, p50/p95 search time.

Builds a portfolio with Latin, Cyrillic and Chinese names (with aliases), contacts with
phones and e-mails and related organisations, through the real migrations and triggers; then
times `SearchRepository.search` for a mix of queries (exact, prefix, typo, 2-character
Chinese, Cyrillic, phone, e-mail, nothing found) as an admin (sees all) and as a KAM.
Run: .venv/bin/python bench/lookup.py [ROUNDS]
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage import Storage

ACCOUNTS, CONTACTS, RELATED, KAMS = 10_000, 50_000, 5_000, 50
STAMP = "2026-11-26T07:30:00Z"
LATIN = [
    "Metal",
    "Nordic",
    "Retail",
    "Group",
    "Logistics",
    "Steel",
    "Trade",
    "Energy",
    "Agro",
    "Pharma",
    "Systems",
    "Capital",
    "Foods",
    "Chem",
    "Tech",
    "Trans",
    "Build",
    "Invest",
]
CYRILLIC = [
    "Урал",
    "Сибирь",
    "Металл",
    "Хим",
    "Пласт",
    "Торг",
    "Строй",
    "Нефть",
    "Газ",
    "Агро",
    "Транс",
    "Энерго",
    "Лес",
    "Мебель",
    "Текстиль",
    "Пром",
    "Снаб",
    "Сервис",
]
CHINESE = [
    "华信",
    "物流",
    "钢铁",
    "科技",
    "能源",
    "贸易",
    "化工",
    "建设",
    "食品",
    "医药",
    "电子",
    "机械",
    "纺织",
    "汽车",
    "航运",
    "投资",
    "农业",
    "信息",
]
FIRST = ["Ivan", "Olga", "Петр", "Анна", "Wei", "Li", "Сергей", "Maria", "Chen", "Дмитрий"]
LAST = ["Petrov", "Ivanova", "Сидоров", "Кузнецова", "Wang", "Zhang", "Smith", "Орлов"]


def _name(rng: random.Random, number: int) -> tuple[str, str]:
    script = number % 3
    if script == 0:
        words = rng.sample(LATIN, 2)
        return f"{words[0]}{words[1].lower()} {number}", ""
    if script == 1:
        words = rng.sample(CYRILLIC, 2)
        return f"{words[0]}{words[1].lower()}-{number}", f"Translit {number}"
    words = rng.sample(CHINESE, 2)
    return f"{words[0]}{words[1]}{number}", f"Huaxin {number}"


def _populate(path: str, rng: random.Random) -> list[str]:
    conn = sqlite3.connect(path)
    managers = [
        (i, 10_000 + i, f"Manager {i}", "admin" if i == 1 else "kam", STAMP, STAMP)
        for i in range(1, KAMS + 2)
    ]
    conn.executemany(
        "INSERT INTO managers (id, telegram_id, full_name, role, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        managers,
    )
    names = []
    rows = []
    for number in range(1, ACCOUNTS + 1):
        name, alias = _name(rng, number)
        names.append(name)
        rows.append((number, name, alias, 2 + number % KAMS, STAMP, STAMP))
    conn.executemany(
        "INSERT INTO accounts (id, name, aliases, owner_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    contacts = [
        (
            1 + i % ACCOUNTS,
            f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            f"+7 9{i % 100:02d} {i % 1000:03d}-{i % 100:02d}-{(i * 7) % 100:02d}",
            f"person{i}@client{i % ACCOUNTS}.com",
            STAMP,
            STAMP,
        )
        for i in range(CONTACTS)
    ]
    conn.executemany(
        "INSERT INTO contacts (account_id, full_name, phone, email, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        contacts,
    )
    related = [
        (1 + rng.randrange(ACCOUNTS), "competitor", f"Rival {i} {rng.choice(LATIN)}", STAMP)
        for i in range(RELATED)
    ]
    conn.executemany(
        "INSERT INTO related_organisations (account_id, kind, name, created_at)"
        " VALUES (?, ?, ?, ?)",
        related,
    )
    conn.commit()
    conn.close()
    return names


def _queries(rng: random.Random, names: list[str]) -> dict[str, list[str]]:
    picks = [rng.choice(names) for _ in range(40)]
    latin = [n for n in names if n[0].isascii()]
    cyr = [n for n in names if "\u0400" <= n[0] <= "\u04ff"]
    return {
        "exact": picks[:10],
        "prefix": [rng.choice(latin)[:5] for _ in range(10)],
        "typo": [n.split()[0][:-2] + n.split()[0][-1] for n in rng.sample(latin, 10)],
        "chinese 2 chars": rng.sample(CHINESE, 10),
        "cyrillic": [rng.choice(cyr)[:6].lower() for _ in range(10)],
        "phone": [f"9{i:02d} {i * 3:03d}" for i in range(10)],
        "e-mail": [f"person{i * 97}@client" for i in range(10)],
        "nothing": [f"zzqx{i}" for i in range(10)],
    }


async def main(rounds: int) -> None:
    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "lookup.sqlite3")
        storage = await Storage.open(path)  # migrates: tables, FTS index and triggers
        await storage.close()
        started = time.perf_counter()
        names = _populate(path, rng)
        built = time.perf_counter() - started
        storage = await Storage.open(path)
        queries = _queries(rng, names)
        results: dict[str, list[float]] = {}
        cpus: list[float] = []  # CPU time (this process, SQLite's thread included) per query
        for who, manager_id, sees_all in (("admin", 1, True), ("KAM", 2, False)):
            for kind, texts in queries.items():
                for text in texts:  # warm-up
                    await storage.search.search(text, manager_id=manager_id, sees_all=sees_all)
                timings = []
                for _ in range(rounds):
                    for text in texts:
                        begin, cpu = time.perf_counter(), time.process_time()
                        await storage.search.search(text, manager_id=manager_id, sees_all=sees_all)
                        timings.append((time.perf_counter() - begin) * 1000)
                        cpus.append((time.process_time() - cpu) * 1000)
                results[f"{who}: {kind}"] = timings
        await storage.close()
    every = [t for timings in results.values() for t in timings]
    print(f"# Lookup benchmark ({ACCOUNTS} accounts, {CONTACTS} contacts, {RELATED} related)")
    print(
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.machine()}; data inserted (with index triggers) in {built:.1f} s"
    )
    print("| queries | n | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    for label, timings in [*results.items(), ("all", every)]:
        ordered = sorted(timings)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"| {label} | {len(ordered)} | {statistics.median(ordered):.2f} | {p95:.2f} "
            f"| {ordered[-1]:.2f} |"
        )
    ordered = sorted(cpus)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"CPU time per query (less sensitive to the machine's load): p50"
        f" {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms;"
        f" load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    asyncio.run(main(int(numbers[0]) if numbers else (1 if "--short" in sys.argv else 5)))
