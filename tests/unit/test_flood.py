"""Per-user flood control (domain.flood) and its settings."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings
from domain.flood import MAX_TRACKED, FloodGuard, Verdict

TOKEN = "123456:" + "A" * 30


def test_a_burst_passes_then_one_notice_then_silence() -> None:
    guard = FloodGuard(rate=10, burst=30)
    verdicts = [guard.take(1, 0.0) for _ in range(40)]
    assert verdicts[:30] == [Verdict.PASS] * 30
    assert verdicts[30:] == [Verdict.DROP_NOTICE] + [Verdict.DROP] * 9


def test_the_bucket_refills_at_the_rate_and_a_new_window_notices_again() -> None:
    guard = FloodGuard(rate=10, burst=30)
    for _ in range(31):
        guard.take(1, 0.0)
    assert [guard.take(1, 0.25) for _ in range(3)] == [
        Verdict.PASS,
        Verdict.PASS,
        Verdict.DROP_NOTICE,
    ]
    assert guard.take(1, 100.0) is Verdict.PASS  # never more than the burst is saved up
    assert sum(guard.take(1, 100.0) is Verdict.PASS for _ in range(40)) == 29


def test_users_have_their_own_buckets() -> None:
    guard = FloodGuard(rate=1, burst=2)
    assert [guard.take(1, 0.0) for _ in range(3)][-1] is Verdict.DROP_NOTICE
    assert guard.take(2, 0.0) is Verdict.PASS


def test_a_clock_going_backwards_gives_no_tokens() -> None:
    guard = FloodGuard(rate=10, burst=1)
    assert guard.take(1, 5.0) is Verdict.PASS
    assert guard.take(1, 1.0) is Verdict.DROP_NOTICE
    assert guard.take(1, 5.05) is Verdict.DROP  # still no whole token since 5.0


@pytest.mark.parametrize(("rate", "burst"), [(0, 30), (10, 0)])
def test_zero_switches_it_off(rate: float, burst: int) -> None:
    guard = FloodGuard(rate, burst)
    assert not guard.enabled
    assert all(guard.take(1, 0.0) is Verdict.PASS for _ in range(1000))


def test_users_at_rest_are_forgotten_when_many() -> None:
    guard = FloodGuard(rate=10, burst=30)
    for user in range(MAX_TRACKED):
        guard.take(user, 0.0)
    guard.take(-1, 10.0)  # everyone is full again: the memory is freed
    assert guard.tracked == 1


def test_settings_default_and_bounds() -> None:
    settings = load_settings({"BOT_TOKEN": TOKEN})
    assert (settings.flood_rate, settings.flood_burst) == (10.0, 30)
    custom = load_settings({"BOT_TOKEN": TOKEN, "FLOOD_RATE": "2.5", "FLOOD_BURST": "0"})
    assert (custom.flood_rate, custom.flood_burst) == (2.5, 0)
    for name, value in (("FLOOD_RATE", "-1"), ("FLOOD_RATE", "fast"), ("FLOOD_BURST", "1.5")):
        with pytest.raises(ConfigError, match=name):
            load_settings({"BOT_TOKEN": TOKEN, name: value})
