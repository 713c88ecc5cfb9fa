"""The reminder scheduler's pacer: an average rate, short bursts, no drift (on a fake clock)."""

from __future__ import annotations

import asyncio

import pytest

from bot.scheduler import Pacer


class FakeTime:
    """A clock that only sleeping moves, each sleep waking `late` seconds after it was due."""

    def __init__(self, late: float = 0.0) -> None:
        self.now = 100.0
        self.late = late
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.now += delay + self.late


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    time = FakeTime(late=0.004)
    monkeypatch.setattr(asyncio, "sleep", time.sleep)
    return time


async def test_waking_late_from_each_sleep_does_not_add_up(fake_time: FakeTime) -> None:
    pacer = Pacer(30, clock=fake_time.clock)
    for _ in range(301):
        await pacer.wait()
    # 300 intervals of 1/30 s; the 4 ms overslept each time is made up by the next, shorter wait
    assert fake_time.now - 100.0 == pytest.approx(10.0 + fake_time.late, abs=1e-6)


async def test_a_burst_goes_at_once_after_a_pause_then_the_rate_holds(
    fake_time: FakeTime,
) -> None:
    pacer = Pacer(10, burst=5, clock=fake_time.clock)
    for _ in range(5):
        await pacer.wait()
    assert fake_time.sleeps == []  # the first five at once
    for _ in range(10):
        await pacer.wait()
    assert all(s <= 0.1 for s in fake_time.sleeps) and len(fake_time.sleeps) == 10
    fake_time.now += 60.0  # a pause: a burst again, no more than five
    fake_time.sleeps.clear()
    for _ in range(6):
        await pacer.wait()
    assert len(fake_time.sleeps) == 1


async def test_no_window_holds_more_than_the_burst_and_the_rate(fake_time: FakeTime) -> None:
    pacer = Pacer(10, burst=3, clock=fake_time.clock)
    times: list[float] = []
    for n in range(100):
        if n % 7 == 0:
            fake_time.now += 0.15 + (n % 3) * 0.2  # a sender composing its message
        await pacer.wait()
        times.append(fake_time.now)
    for i, start in enumerate(times):
        for j in range(i, len(times)):
            assert j - i + 1 <= 3 + (times[j] - start) * 10 + 1e-6
