"""Webhook mode over real HTTP: kam-bot registers its webhook with the (fake) Bot API and takes
updates posted to its own port, only with Telegram's secret-token header."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ADMIN_ID, KAM_BOT, BotProcess, run_cli
from tests.fake_telegram import FakeBotApiServer, FakeTelegram

SECRET = "s3cret_webhook-token"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class WebhookBot(BotProcess):
    """kam-bot in webhook mode: ready once it registered its webhook (its server is up by then)."""

    def __init__(self, fake: FakeTelegram, server: FakeBotApiServer, workdir: Path) -> None:
        super().__init__(fake, server, workdir)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram/hook"
        self.env.update(
            {
                "WEBHOOK_URL": self.url,
                "WEBHOOK_LISTEN": "127.0.0.1",
                "WEBHOOK_PORT": str(self.port),
                "WEBHOOK_SECRET": SECRET,
            }
        )

    def start(self, timeout: float = 20.0) -> None:
        mark = self.fake.mark()
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [KAM_BOT], cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(c.method == "setWebhook" for c in self.fake.calls_since(mark)):
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"kam-bot exited with {self.proc.returncode}:\n{self.log}")
            time.sleep(0.05)
        raise AssertionError(f"kam-bot did not set its webhook within {timeout}s:\n{self.log}")

    def post(self, update: dict[str, Any], secret: str | None) -> int:
        """POSTs the update as Telegram would; returns the HTTP status."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[HEADER] = secret
        request = urllib.request.Request(
            self.url, data=json.dumps(update).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


@pytest.fixture
def webhook_bot(tmp_path: Path) -> Iterator[WebhookBot]:
    fake = FakeTelegram()
    with FakeBotApiServer(fake) as server:
        process = WebhookBot(fake, server, tmp_path)
        process.start()
        try:
            yield process
        finally:
            process.kill()
            assert fake.token not in process.log, "the bot token leaked into the log"
            assert SECRET not in process.log, "the webhook secret leaked into the log"


def test_webhook_takes_updates_only_with_the_secret(webhook_bot: WebhookBot) -> None:
    bot, fake = webhook_bot, webhook_bot.fake
    (registered,) = fake.calls("setWebhook")
    assert registered.params["url"] == bot.url
    assert registered.params["secret_token"] == SECRET
    assert "callback_query" in registered.params["allowed_updates"]
    assert fake.calls("getUpdates") == []  # no polling in webhook mode

    fake.add_user(777, "Eve")
    forged = [fake.send_text(777, "/start"), fake.send_text(777, "/start")]
    assert bot.post(forged[0], secret=None) == 403
    assert bot.post(forged[1], secret="wrong-secret") == 403

    fake.add_user(ADMIN_ID, "Anna")
    real = fake.send_text(ADMIN_ID, "/start")
    assert bot.post(real, secret=SECRET) == 200
    fake.wait_for(lambda f: bool(f.bot_messages(ADMIN_ID)), timeout=20)
    assert "Welcome to KAM Assistant, Anna" in fake.bot_messages(ADMIN_ID)[-1].text
    assert bot.query("SELECT full_name FROM managers") == [("Anna",)]
    # a refused request was never queued: the one line per update exists for Anna's only
    deadline = time.monotonic() + 10
    while f"update {real['update_id']} " not in bot.log and time.monotonic() < deadline:
        time.sleep(0.02)  # the line follows the reply; wait for it in the log file
    assert f"update {real['update_id']} message: " in bot.log
    assert all(f"update {u['update_id']} " not in bot.log for u in forged)
    assert fake.bot_messages(777) == []

    status = run_cli("check", env=bot.env, cwd=bot.workdir)
    assert status.returncode == 0, status.stdout
    assert status.stdout.splitlines()[-1].startswith("OK webhook:")

    assert bot.proc is not None
    bot.proc.send_signal(signal.SIGTERM)
    assert bot.proc.wait(timeout=20) == 0
    bot.proc = None
    failed = run_cli("check", env=bot.env, cwd=bot.workdir)
    assert failed.returncode == 1
    assert failed.stdout.splitlines()[-1].startswith("FAIL webhook: nothing answers")
