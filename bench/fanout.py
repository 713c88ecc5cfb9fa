"""Fan-out benchmark: morning digests and pending reminders against Telegram's limits.

`kam-bot` runs as a subprocess against tests/fake_telegram's HTTP server with Telegram's
overall limit enforced (30 messages/s, 429 with retry_after beyond it). The database is
seeded with M managers whose digest is due now and R task reminders due now, so the first
tick has M + R messages to send. Meanwhile one manager walks the meeting flow (menu, client,
people, notes, outcome, next step, Save, again and again) about one action a second; we
measure how long each answer takes.

    .venv/bin/python bench/fanout.py                      # 1,000 digests + 10,000 reminders
    .venv/bin/python bench/fanout.py --managers 100 --reminders 1000

Reports: the fan-out time (first push to last) against the ideal N/30 s, the 429 answers,
lost or doubled messages, and the interactive answer latency (p50/p95/p99/max). The replies
to the manager walking the meeting flow take their slots from the same 30/s (the fake counts
every sent or edited message), so the fan-out is also set against the ideal for pushes and
replies together, (N + replies)/30 s; `--alone` leaves the manager out.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage import Storage  # noqa: E402
from tests.fake_telegram import FakeBotApiServer, FakeTelegram  # noqa: E402

ADMIN_ID = 1
FIRST_KAM = 100_000
KAM_BOT = str(Path(sys.executable).with_name("kam-bot"))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed(db_path: Path, managers: int, reminders: int) -> None:
    async def migrate() -> None:
        storage = await Storage.open(str(db_path))
        await storage.close()

    asyncio.run(migrate())
    now = datetime.now(UTC)
    stamp = _stamp(now)
    digest_at = (now - timedelta(minutes=2)).strftime("%H:%M")
    with sqlite3.connect(db_path) as conn:
        rows: list[tuple[Any, ...]] = [
            (ADMIN_ID, "Bench Admin", "admin", "00:00", "1,2,3,4,5,6,7", 0, stamp, stamp, stamp)
        ]
        rows += [
            (
                FIRST_KAM + i,
                f"Manager {i}",
                "kam",
                digest_at,
                "1,2,3,4,5,6,7",
                1,
                stamp,
                stamp,
                stamp,
            )
            for i in range(managers)
        ]
        conn.executemany(
            "INSERT INTO managers (telegram_id, full_name, role, timezone, digest_time,"
            " digest_days, notify_digest, quiet_start, quiet_end, onboarded_at, created_at,"
            " updated_at) VALUES (?, ?, ?, 'UTC', ?, ?, ?, '00:00', '00:00', ?, ?, ?)",
            rows,
        )
        admin_row = conn.execute(
            "SELECT id FROM managers WHERE telegram_id = ?", (ADMIN_ID,)
        ).fetchone()
        account = conn.execute(
            "INSERT INTO accounts (name, status, owner_id, created_at, updated_at)"
            " VALUES ('VT-Bench', 'active', ?, ?, ?)",
            (admin_row[0], stamp, stamp),
        ).lastrowid
        conn.execute(
            "INSERT INTO contacts (account_id, full_name, position, created_at, updated_at)"
            " VALUES (?, 'Ivan Bench', 'CEO', ?, ?)",
            (account, stamp, stamp),
        )
        ids = [r[0] for r in conn.execute("SELECT id FROM managers WHERE role = 'kam'")]
        due = _stamp(now - timedelta(minutes=1))
        conn.executemany(
            "INSERT INTO tasks (assignee_id, created_by, text, due_at, due_has_time,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
            [
                (ids[n % len(ids)], ids[n % len(ids)], f"Follow-up #{n}", due, stamp, stamp)
                for n in range(reminders)
            ],
        )


MEETING_SCRIPT: tuple[tuple[str, str], ...] = (
    ("send", "📝 Log meeting"),
    ("press", "VT-Bench"),
    ("press", "Ivan Bench"),
    ("press", "Next"),
    ("send", "Discussed Q3 prices and the delivery schedule"),
    ("press", "Positive"),
    ("send", "send the offer"),
    ("press", "Tomorrow"),
    ("press", "Save"),
)


class Interactive:
    """One manager logging meetings while the fan-out runs; records each answer's latency."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.latencies: list[float] = []
        self.timeouts = 0
        self.saved = 0
        self._step = 0

    def _answer(self, mark: int, started: float, limit: float = 30.0) -> Any:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            for call in self.fake.calls_since(mark):
                if (
                    call.ok
                    and call.method in ("sendMessage", "editMessageText")
                    and call.params.get("chat_id") == ADMIN_ID
                ):
                    self.latencies.append(call.at - started)
                    return call
            time.sleep(0.002)
        self.timeouts += 1
        return None

    def _press(self, label: str) -> bool:
        for message in reversed(self.fake.bot_messages(ADMIN_ID)):
            if message.inline_keyboard:
                for button in message.buttons:
                    if label.casefold() in str(button.get("text", "")).casefold():
                        self.fake.press(ADMIN_ID, message.message_id, button["callback_data"])
                        return True
                return False
        return False

    def act(self) -> None:
        kind, value = MEETING_SCRIPT[self._step % len(MEETING_SCRIPT)]
        mark = self.fake.mark()
        started = time.monotonic()
        if kind == "send":
            self.fake.send_text(ADMIN_ID, value)
        elif not self._press(value):
            self._step = 0  # the flow is somewhere unexpected: start a new meeting
            return
        self._step += 1
        if self._answer(mark, started) is not None and value == "Save":
            self.saved += 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


SENDING = frozenset(
    (
        "sendmessage",
        "editmessagetext",
        "editmessagereplymarkup",
        "editmessagecaption",
        "sendphoto",
        "senddocument",
        "copymessage",
        "forwardmessage",
    )
)  # what the fake counts against its 30/s (lower case)


def line_report(fake: FakeTelegram, pushes: list[Any], limit: float) -> None:
    """How full the shared 30/s line was between the first and the last push: the replies to
    the manager walking the meeting flow take their slots from it too."""
    first, last = pushes[0].at, pushes[-1].at
    sending = [
        c for c in fake.calls() if c.ok and c.method.lower() in SENDING and first <= c.at <= last
    ]
    replies = len(sending) - len(pushes)
    elapsed = last - first
    gaps = [b.at - a.at for a, b in itertools.pairwise(sending)]
    idle = sum(max(0.0, g - 1 / limit) for g in gaps)
    starts = [c.at for c in fake.calls("getMe")]
    print(
        f"replies sent meanwhile: {replies}; pushes and replies {len(sending)} in {elapsed:.1f}s"
        f" = {len(sending) / elapsed:.1f}/s, against the ideal {len(sending) / limit:.1f}s"
        f" ({elapsed / (len(sending) / limit):.3f}x)"
    )
    digests = [c for c in pushes if "task:done:" not in str(c.params.get("reply_markup", ""))]
    if 1 < len(digests) < len(pushes):  # claimed first: they were due first
        span = digests[-1].at - first
        print(
            f"the digests went out at {len(digests) / span:.1f}/s, the reminders after them"
            f" at {(len(pushes) - len(digests)) / (last - digests[-1].at):.1f}/s"
        )
    print(
        f"gaps beyond 1/{limit:.0f} s: {idle:.2f}s in all, the longest"
        f" {max(gaps, default=0) * 1000:.0f} ms; first push {first - starts[0]:.2f}s after getMe"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--managers", type=int, default=1000)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--rate", default=None, help="REMINDER_SEND_RATE (default: the bot's)")
    parser.add_argument("--limit", type=float, default=30.0, help="the fake's messages/s")
    parser.add_argument("--short", action="store_true", help="50 digests + 200 reminders")
    parser.add_argument(
        "--alone", action="store_true", help="nobody walks the meeting flow meanwhile"
    )
    args = parser.parse_args()
    if args.short:
        args.managers, args.reminders = 50, 200

    expected_per_chat = Counter({FIRST_KAM + i: 1 for i in range(args.managers)})
    for n in range(args.reminders):
        expected_per_chat[FIRST_KAM + n % args.managers] += 1
    total = sum(expected_per_chat.values())

    fake = FakeTelegram(rate_limit_per_second=args.limit)
    fake.add_user(ADMIN_ID, "Bench Admin")
    for i in range(args.managers):
        fake.add_user(FIRST_KAM + i, f"Manager {i}")
    with tempfile.TemporaryDirectory() as tmp, FakeBotApiServer(fake) as server:
        db_path = Path(tmp) / "kam.sqlite3"
        t0 = time.monotonic()
        seed(db_path, args.managers, args.reminders)
        print(
            f"seeded {args.managers} managers, {args.reminders} reminders "
            f"in {time.monotonic() - t0:.1f}s"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "REMINDER_"))}
        env.update(
            {
                "BOT_TOKEN": fake.token,
                "BOT_API_BASE_URL": server.base_url,
                "BOT_API_BASE_FILE_URL": server.base_file_url,
                "DATABASE_PATH": str(db_path),
                "ADMIN_IDS": str(ADMIN_ID),
                "LOG_LEVEL": "WARNING",
                "REMINDER_TICK_SECONDS": "1",
            }
        )
        if args.rate:
            env["REMINDER_SEND_RATE"] = args.rate
        log = (Path(tmp) / "bot.log").open("wb")
        proc = subprocess.Popen([KAM_BOT], cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
        user = Interactive(fake)
        peak_rss = 0
        try:
            deadline = time.monotonic() + 60 + total / 10
            while time.monotonic() < deadline:
                sent = sum(
                    1
                    for c in fake.calls("sendMessage")
                    if c.ok and int(c.params.get("chat_id", 0)) >= FIRST_KAM
                )
                if sent >= total:
                    break
                if sent > 0 and not args.alone:
                    user.act()
                peak_rss = max(peak_rss, rss_kb(proc.pid))
                time.sleep(max(0.0, 1.0 - (user.latencies[-1] if user.latencies else 0)))
            time.sleep(3)  # anything doubled would show up now
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            log.close()
        pushes = [
            c
            for c in fake.calls("sendMessage")
            if c.ok and int(c.params.get("chat_id", 0)) >= FIRST_KAM
        ]
        got = Counter(int(c.params["chat_id"]) for c in pushes)
        lost = sum(max(0, n - got[chat]) for chat, n in expected_per_chat.items())
        doubled = sum(max(0, got[chat] - n) for chat, n in expected_per_chat.items())
        elapsed = pushes[-1].at - pushes[0].at if len(pushes) > 1 else float("nan")
        ideal = total / args.limit
        print(f"messages: {len(pushes)} of {total}; lost {lost}, doubled {doubled}")
        print(
            f"fan-out: {elapsed:.1f}s against the ideal {ideal:.1f}s"
            f" ({elapsed / ideal:.3f}x); 429 answers: {fake.rate_limited_count}"
        )
        if len(pushes) > 1:
            line_report(fake, pushes, args.limit)
        lat = user.latencies
        print(
            f"interactive answers: {len(lat)} (timeouts {user.timeouts}); latency p50"
            f" {percentile(lat, 0.5) * 1000:.0f} ms, p95 {percentile(lat, 0.95) * 1000:.0f} ms,"
            f" p99 {percentile(lat, 0.99) * 1000:.0f} ms,"
            f" max {max(lat, default=float('nan')) * 1000:.0f} ms"
        )
        if lat:
            print(f"mean latency {statistics.mean(lat) * 1000:.0f} ms")
        print(f"meetings saved meanwhile: {user.saved}")
        print(f"bot peak RSS during the fan-out: {peak_rss / 1024:.0f} MiB")
        return 0 if lost == 0 and doubled == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
