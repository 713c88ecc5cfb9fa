"""Quick log: time to read one free-text message (account, contacts, dates, follow-ups)
against a KAM's portfolio of 200 accounts, for English, Russian and Chinese messages.
Run: .venv/bin/python bench/quick_log.py [ROUNDS]
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.quick_log import guess
from domain.search import Candidate

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
TZ = ZoneInfo("Europe/Moscow")
WORDS = ["Metal", "Nordic", "Урал", "Сибирь", "中国", "石化", "Trade", "Хим", "Energy", "华东"]
MESSAGES = [
    "Met Ivan Petrov at VT-Metal today, agreed Q3 prices, send offer by Friday",
    "Встретился с Иваном Петровым в ВТ-Металл вчера, договорились о ценах, отправить КП до пятницы",
    "昨天在中国石化见了王伟，同意了价格，周五前发报价",
    "Long call with the procurement team about delivery schedules, penalties and the new "
    "warehouse in Kazan; they will come back next week with volumes; prepare a draft contract",
]


def main(rounds: int) -> None:
    accounts = [
        Candidate(1, "VT-Metal", ("VT-Metal", "ВТ-Металл")),
        Candidate(2, "Sinopec", ("中国石化",)),
    ]
    for n in range(3, 201):
        name = f"{WORDS[n % 10]} {WORDS[(n // 10) % 10]} {n}"
        accounts.append(Candidate(n, name, (name,)))
    contacts = {
        1: [
            Candidate(10, "Ivan Petrov", ("Ivan Petrov",)),
            Candidate(12, "Иван Петров", ("Иван Петров",)),
        ]
    }
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    for text in MESSAGES:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            guess(text, now=NOW, tz=TZ, accounts=accounts, contacts_of=contacts)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{text[:40]!r:45} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms")


if __name__ == "__main__":
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    main(int(numbers[0]) if numbers else (5 if "--short" in sys.argv else 50))
