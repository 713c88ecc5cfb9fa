"""Compile the project's modules to bytecode before a start-up is measured.

pip compiles what it installs (python-telegram-bot's modules, and ours in the Docker image),
but an editable install run with PYTHONDONTWRITEBYTECODE=1 (this repository's Dockerfile sets
it; so do some shells) compiles every one of kam-bot's modules from source at each start:
about 1 s on the 2-core bench machine, which the bare PTB bot never pays. Both bots then
start from bytecode, as in production.
"""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "domain", "handlers", "storage")


def compile_project() -> None:
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)
