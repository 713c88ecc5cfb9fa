"""Reply latency and CPU per update: kam-bot against a bare PTB bot, same limiter, same fake.

Both bots run as subprocesses, one after the other, against tests/fake_telegram's HTTP server
with Telegram's overall limit enforced (30 messages/s; 429 with retry_after beyond it). N
users each press a screen's first button and wait for the edit, either about once a second
(``--pace 1``, people at work) or as fast as answered (``--pace 0``, saturation). kam-bot's
users are registered managers on its settings screen (Language / Back); the bare bot
(bench/bare_bot.py) answers and edits the same way with the same rate limiter, showing the
same two screens (kam-bot's English settings and language screens, taken from an in-process
kam-bot at the start, text and buttons alike), so that both make the same API calls with the
same payloads. ``--small-screens`` gives the bare bot its own two-button screens instead (the
yardstick before 2026-12-01's evening).

Reports per bot: presses answered, sends per second, latency p50/p95/p99 (press to edit),
the bot's CPU per update (from /proc), start-up time to the first getUpdates, and RSS. With
``--rounds N`` the bots run in turn N times (the order rotated each round, so neither always
follows the other); the table pools every round's presses, and each ratio is given as the
median of the rounds' ratios with their range: one round's p99 at 10 users is one or two
presses, and the machine's load changes between rounds.

    .venv/bin/python bench/pace.py                    # 10 users at 1/s, then 50 flat out
    .venv/bin/python bench/pace.py --short            # 5 s per run
    .venv/bin/python bench/pace.py --users 10 --pace 1 --seconds 10 --rounds 8
    .venv/bin/python bench/pace.py --before /tmp/main-copy   # also kam-bot from that tree
    .venv/bin/python bench/pace.py --starts 9        # only the start-up, 9 starts each
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bytecode import compile_project  # noqa: E402
from storage import Storage  # noqa: E402
from tests.fake_telegram import FakeBotApiServer, FakeTelegram  # noqa: E402

FIRST_USER = 200_000
KAM_BOT = str(Path(sys.executable).with_name("kam-bot"))
BARE_BOT = str(ROOT / "bench" / "bare_bot.py")
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    cpu_seconds: float = 0.0
    seconds: float = 0.0
    startup: float = 0.0
    rss_mib: float = 0.0
    rate_limited: int = 0


def seed(db_path: Path, users: int) -> None:
    async def migrate() -> None:
        storage = await Storage.open(str(db_path))
        await storage.close()

    asyncio.run(migrate())
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO managers (telegram_id, full_name, role, timezone, onboarded_at,"
            " created_at, updated_at) VALUES (?, ?, 'kam', 'UTC', ?, ?, ?)",
            [(FIRST_USER + i, f"User {i}", stamp, stamp, stamp) for i in range(users)],
        )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _edit_after(fake: FakeTelegram, chat_id: int, mark: int) -> float | None:
    for call in fake.calls_since(mark):
        if (
            call.ok
            and call.method in ("editMessageText", "sendMessage")
            and call.params.get("chat_id") == chat_id
        ):
            return call.at
    return None


def drive(fake: FakeTelegram, chat_id: int, until: float, pace: float, result: Result) -> None:
    """One user: press the newest keyboard's first button, wait for the edit, again."""
    labels = ("Language", "Back")
    step = 0
    while time.monotonic() < until:
        message = next((m for m in reversed(fake.bot_messages(chat_id)) if m.buttons), None)
        if message is None:
            return
        wanted = labels[step % 2]
        buttons = message.buttons
        # kam-bot's labels carry an emoji ("🌐 Language", "◀ Back"); with --small-screens
        # the bare bot's do not
        button = next((b for b in buttons if wanted in str(b.get("text", ""))), None)
        if button is None:
            raise RuntimeError(f"no {wanted!r} button on the screen: {buttons!r}")
        mark = fake.mark()
        started = time.monotonic()
        fake.press(chat_id, message.message_id, button["callback_data"])
        try:
            fake.wait_for(
                lambda f, since=mark: _edit_after(f, chat_id, since) is not None, timeout=10
            )
        except TimeoutError:
            result.timeouts += 1
            continue
        at = _edit_after(fake, chat_id, mark)
        assert at is not None
        result.latencies.append(at - started)
        step += 1
        if pace:
            time.sleep(max(0.0, pace - (time.monotonic() - started)))


BARE = "bare PTB"
KAM = "kam-bot"
BEFORE = "kam-bot before"
BEFORE_TREE: list[str] = []  # --before: the source tree "kam-bot before" runs from
BARE_SCREENS: list[str] = []  # kam-bot's two screens as JSON, for the bare bot (bare_bot.py)


def kam_screens() -> str:
    """kam-bot's language and settings screens (text and reply markup), as the bare bot takes
    them: from two presses on an in-process kam-bot."""
    from bench.updates import kam_bot  # (imports kam-bot's features: only when needed)

    _, _, screens = asyncio.run(kam_bot(2))
    return json.dumps(screens, ensure_ascii=False)


def _launch(name: str, fake: FakeTelegram, server: FakeBotApiServer, tmp: str, users: int) -> Any:
    """Starts one bot as a process against the fake (kam-bot on a database of `users`;
    "kam-bot before" with its modules from the --before tree)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "REMINDER_"))}
    if name == BEFORE:
        env["PYTHONPATH"] = BEFORE_TREE[0]
    if name == BARE and BARE_SCREENS:
        env["BARE_SCREENS"] = BARE_SCREENS[0]
    env.update(
        {
            "BOT_TOKEN": fake.token,
            "BOT_API_BASE_URL": server.base_url,
            "BOT_API_BASE_FILE_URL": server.base_file_url,
            "DATABASE_PATH": str(Path(tmp) / "kam.sqlite3"),
            "ADMIN_IDS": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    if name != BARE:
        seed(Path(tmp) / "kam.sqlite3", users)
        command = [KAM_BOT]
    else:
        command = [sys.executable, BARE_BOT]
    with (Path(tmp) / "bot.log").open("wb") as log:  # the process keeps its own copy
        return subprocess.Popen(command, cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)


def run_bot(name: str, users: int, pace: float, seconds: float) -> Result:
    fake = FakeTelegram(rate_limit_per_second=30)
    chats = [FIRST_USER + i for i in range(users)]
    for chat in chats:
        fake.add_user(chat, f"User {chat}")
    result = Result(name)
    with tempfile.TemporaryDirectory() as tmp, FakeBotApiServer(fake) as server:
        started = time.monotonic()
        proc = _launch(name, fake, server, tmp, users)
        try:
            fake.wait_for(lambda f: f.waiting_polls > 0, timeout=60)
            result.startup = time.monotonic() - started
            first = "/start" if name == BARE else "/settings"
            for chat in chats:
                fake.send_text(chat, first)
            fake.wait_for(
                lambda f: all(any(m.buttons for m in f.bot_messages(c)) for c in chats),
                timeout=60,
            )
            time.sleep(1.5)  # the first screens' per-chat and overall slots refill
            cpu_before = cpu_seconds(proc.pid)
            began = time.monotonic()
            until = began + seconds
            threads = [
                threading.Thread(target=drive, args=(fake, chat, until, pace, result))
                for chat in chats
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            result.seconds = time.monotonic() - began
            result.cpu_seconds = cpu_seconds(proc.pid) - cpu_before
            result.rss_mib = rss_mib(proc.pid)
            result.rate_limited = fake.rate_limited_count
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return result


def start_once(name: str, *, waiting: bool) -> tuple[float, float]:
    """(seconds until the bot's first getUpdates, its CPU seconds by then); with `waiting`, a
    message sent before the start waits for the bot: (seconds until it is answered, CPU)."""
    fake = FakeTelegram()
    fake.add_user(FIRST_USER, "User")
    if waiting:
        fake.send_text(FIRST_USER, "/start" if name == BARE else "/settings")
    with tempfile.TemporaryDirectory() as tmp, FakeBotApiServer(fake) as server:
        started = time.monotonic()
        proc = _launch(name, fake, server, tmp, 1)
        try:
            if waiting:
                fake.wait_for(lambda f: bool(f.bot_messages(FIRST_USER)), timeout=60)
            else:
                fake.wait_for(lambda f: f.waiting_polls > 0, timeout=60)
            return time.monotonic() - started, cpu_seconds(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def starts(count: int) -> None:
    """Starts both bots `count` times in turn for each figure; prints medians and ratios."""
    figures = ((False, "the first getUpdates"), (True, "answering a message sent before it"))
    for waiting, figure in figures:
        times: dict[str, list[tuple[float, float]]] = {BARE: [], KAM: []}
        for _ in range(count):
            for name, runs in times.items():
                runs.append(start_once(name, waiting=waiting))
        print(f"\nfrom the start to {figure}")
        print("| bot | s, median (min-max) | CPU s by then, median |")
        print("| --- | --- | --- |")
        for name, runs in times.items():
            walls = [wall for wall, _ in runs]
            print(
                f"| {name} | {statistics.median(walls):.2f} ({min(walls):.2f}-{max(walls):.2f}) | "
                f"{statistics.median(cpu for _, cpu in runs):.2f} |"
            )
        bare, ours = times[BARE], times[KAM]
        pairs = [k[0] / b[0] for b, k in zip(bare, ours, strict=True)]
        cpu = statistics.median(k[1] for k in ours) / statistics.median(b[1] for b in bare)
        print(
            f"kam-bot / bare: {statistics.median(pairs):.2f}x (median of {count} pairs,"
            f" {min(pairs):.2f}-{max(pairs):.2f}); CPU by then {cpu:.2f}x;"
            f" load {os.getloadavg()[0]:.1f}"
        )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:.1f}"


def _cpu_ms(result: Result) -> float:
    return result.cpu_seconds * 1000 / max(len(result.latencies), 1)


def _pooled(runs: list[Result]) -> Result:
    pooled = Result(runs[0].name)
    for r in runs:
        pooled.latencies += r.latencies
        pooled.timeouts += r.timeouts
        pooled.cpu_seconds += r.cpu_seconds
        pooled.seconds += r.seconds
        pooled.rate_limited += r.rate_limited
    pooled.startup = statistics.median(r.startup for r in runs)
    pooled.rss_mib = max(r.rss_mib for r in runs)
    return pooled


def _spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}x"
    return f"{statistics.median(values):.2f}x ({min(values):.2f}-{max(values):.2f})"


def _ratios(ours: list[Result], bare: list[Result]) -> str:
    """kam-bot / bare: medians (and ranges) of the rounds' ratios, and of the pooled presses."""

    def per_round(figure: Any) -> list[float]:
        return [figure(k) / figure(b) for k, b in zip(ours, bare, strict=True)]

    pooled_k, pooled_b = _pooled(ours), _pooled(bare)
    p99_pooled = percentile(pooled_k.latencies, 0.99) / percentile(pooled_b.latencies, 0.99)
    return (
        f"p50 {_spread(per_round(lambda r: percentile(r.latencies, 0.5)))},"
        f" p99 {_spread(per_round(lambda r: percentile(r.latencies, 0.99)))}"
        f" (pooled {p99_pooled:.2f}x),"
        f" CPU {_spread(per_round(_cpu_ms))},"
        f" start-up {_spread(per_round(lambda r: r.startup))},"
        f" RSS {pooled_k.rss_mib / pooled_b.rss_mib:.2f}x;"
        f" 429 answers: {pooled_b.name} {pooled_b.rate_limited},"
        f" {pooled_k.name} {pooled_k.rate_limited}"
    )


def report(users: int, pace: float, results: dict[str, list[Result]]) -> None:
    mode = f"{users} users, one press every {pace:g} s" if pace else f"{users} users, flat out"
    rounds = len(results[BARE])
    print(f"\n{mode}; {rounds} round(s), load {os.getloadavg()[0]:.1f}")
    print(
        "| bot | presses | edits/s | p50 ms | p95 ms | p99 ms | CPU ms/update | start s | RSS MiB |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for runs in results.values():
        r = _pooled(runs)
        n = len(r.latencies)
        print(
            f"| {r.name} | {n} (timeouts {r.timeouts}) | {n / r.seconds:.1f} | "
            f"{_ms(r.latencies, 0.5)} | {_ms(r.latencies, 0.95)} | {_ms(r.latencies, 0.99)} | "
            f"{_cpu_ms(r):.2f} | {r.startup:.2f} | {r.rss_mib:.0f} |"
        )
    for name, runs in results.items():
        if name != BARE:
            per_round = " ".join(f"{_cpu_ms(r):.1f}" for r in runs)
            print(f"{name} / bare: {_ratios(runs, results[BARE])}; CPU ms by round {per_round}")
    if BEFORE in results:
        print(f"kam-bot / kam-bot before: {_ratios(results[KAM], results[BEFORE])}")


def run_rounds(users: int, pace: float, seconds: float, rounds: int) -> dict[str, list[Result]]:
    """Each bot once per round, in turn; the order rotates from round to round."""
    names = [BARE, KAM] + ([BEFORE] if BEFORE_TREE else [])
    results: dict[str, list[Result]] = {name: [] for name in names}
    for round_no in range(rounds):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            results[name].append(run_bot(name, users, pace, seconds))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=None)
    parser.add_argument("--pace", type=float, default=None, help="seconds between presses")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--short", action="store_true", help="5 s per run (make bench)")
    parser.add_argument("--starts", type=int, default=0, help="only time this many starts each")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each bot, in turn")
    parser.add_argument(
        "--before", help="also run kam-bot from this source tree (compiled; same venv)"
    )
    parser.add_argument(
        "--small-screens",
        action="store_true",
        help="the bare bot shows its own two-button screens, not kam-bot's",
    )
    args = parser.parse_args()
    if not args.small_screens:
        BARE_SCREENS.append(kam_screens())
    if args.before:
        BEFORE_TREE.append(str(Path(args.before).resolve()))
    compile_project()  # start from bytecode, as installed (bench/bytecode.py)
    if args.starts:
        starts(args.starts)
        return 0
    seconds = args.seconds or (5.0 if args.short else 30.0)
    runs = (
        [(args.users or 10, args.pace if args.pace is not None else 1.0)]
        if args.users or args.pace is not None
        else [(10, 1.0), (50, 0.0)]
    )
    for users, pace in runs:
        report(users, pace, run_rounds(users, pace, seconds, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
