"""storage.codec: the stored text form of a moment, and back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage.codec import dt_from_db, dt_to_db


def test_a_moment_comes_back_as_the_same_moment_in_utc() -> None:
    moscow = timezone(timedelta(hours=3))
    moment = datetime(2026, 12, 1, 12, 30, 5, tzinfo=moscow)
    text = dt_to_db(moment)
    assert text == "2026-12-01T09:30:05Z"
    back = dt_from_db(text)
    assert back == moment and back.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    ["2026-12-01", "2026-12-01T09:30:05+03:00", "2026-13-01T09:30:05Z", "2026-12-01 09:30:05Z"],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        dt_from_db(text)
