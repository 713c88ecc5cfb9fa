"""Data safety from the command line, with the bot running: a live backup, a restore that
waits for the bot to stop, a second bot refused, the JSON export and erasing a contact."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

from tests.e2e.conftest import ADMIN_ID, BotProcess, run_cli


def _names(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT full_name FROM managers ORDER BY id")]


async def test_backup_while_running_and_restore_only_when_stopped(
    bot: BotProcess, tmp_path: Path
) -> None:
    anna = bot.user(ADMIN_ID, "Anna")
    await anna.send("/start")  # Anna is written to the database
    backups = tmp_path / "backups"
    backups.mkdir()
    done = run_cli("backup", str(backups), env=bot.env, cwd=bot.workdir)
    assert done.returncode == 0, done.stderr
    (copy,) = backups.iterdir()
    assert _names(copy) == ["Anna"]
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(bot.db_path.stat().st_mode) == 0o600

    refused = run_cli("restore", str(copy), env=bot.env, cwd=bot.workdir)
    assert refused.returncode == 2
    assert "stop it first" in refused.stderr
    second = run_cli("run", env=bot.env, cwd=bot.workdir)  # a second bot on the same file
    assert second.returncode == 2 and "stop it first" in second.stderr

    assert bot.stop() == 0
    with sqlite3.connect(bot.db_path) as conn:
        conn.execute("UPDATE managers SET full_name = 'Mistake'")
    restored = run_cli("restore", str(copy), env=bot.env, cwd=bot.workdir)
    assert restored.returncode == 0, restored.stderr
    assert _names(bot.db_path) == ["Anna"]
    assert "kept as" in restored.stdout


def test_export_and_erase_from_the_command_line(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "kam.sqlite3")}
    assert run_cli("seed-demo", "--telegram-id", "42", env=env, cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "kam.sqlite3") as conn:
        account_id, contact_id = conn.execute(
            "SELECT a.id, c.id FROM accounts a JOIN contacts c ON c.account_id = a.id"
            " WHERE c.full_name = 'Ivan Petrov'"
        ).fetchone()
    out = tmp_path / "vt-metal.json"
    exported = run_cli(
        "export", "--account", str(account_id), "--out", str(out), env=env, cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["accounts"][0]["name"] == "VT-Metal"
    assert "Ivan Petrov" in {c["full_name"] for c in data["contacts"]}
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    manager = run_cli("export", "--manager", "1", env=env, cwd=tmp_path)
    assert json.loads(manager.stdout)["managers"][0]["telegram_id"] == 42
    missing = run_cli("export", "--account", "9999", env=env, cwd=tmp_path)
    assert missing.returncode == 2 and "no account with id 9999" in missing.stderr

    erased = run_cli("erase-contact", str(contact_id), env=env, cwd=tmp_path)
    assert erased.returncode == 0, erased.stderr
    with sqlite3.connect(tmp_path / "kam.sqlite3") as conn:
        row = conn.execute("SELECT full_name, phone FROM contacts WHERE id = ?", (contact_id,))
        assert row.fetchone() == ("deleted contact", None)
