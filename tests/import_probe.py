"""Which modules a piece of code imports, run in a fresh interpreter (so that what the test
session imported before does not count)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

BUILD_APP = (
    "from bot.application import build_application\n"
    "from bot.config import load_settings\n"
    "from domain.clock import SystemClock\n"
    "from storage import Storage\n"
    "from storage.database import Database\n"
    "token = '123456789:AAEabcdefghijklmnopqrstuvwxyz012345678'\n"
    "settings = load_settings({'BOT_TOKEN': token, 'ADMIN_IDS': '1'})\n"
)
"""Code that makes `settings`, for a script that then builds the Application."""


def imported(code: str, names: Sequence[str]) -> list[str]:
    """Those of `names` that are in `sys.modules` once `code` has run, sorted."""
    found = f"sorted(name for name in {tuple(names)!r} if name in sys.modules)"
    script = f"import sys\n{code}\nprint('\\n'.join({found}))\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout.split()
