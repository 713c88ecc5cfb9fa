"""Shared fixtures: a temporary database and a clock that tests move by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.clock import FakeClock
from storage import Storage

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)  # a Thursday; 10:30 in Moscow


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await Storage.open(str(tmp_path / "kam.sqlite3"))
    yield opened
    await opened.close()
