"""Per-user flood control: a token bucket for each user, with an injected monotonic time.

Every update costs one token; a user's bucket holds up to ``burst`` tokens and refills at
``rate`` tokens a second. An update that finds the bucket empty is dropped. The first drop of
a *window* (a run of drops with no passed update between them) asks for one "slow down"
notice; later drops of the same window stay silent. One user's bucket never touches another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

MAX_TRACKED = 10_000
"""Above this many users in memory, full buckets (users at rest) are forgotten."""


class Verdict(Enum):
    PASS = "pass"
    DROP_NOTICE = "drop_notice"
    """Dropped; the first drop of this window: tell the user once."""
    DROP = "drop"
    """Dropped silently: the user was told in this window already."""


@dataclass
class _Bucket:
    tokens: float
    at: float
    noticed: bool = False


class FloodGuard:
    """Token buckets by user id. ``rate`` 0 (or ``burst`` 0) switches the guard off."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[int, _Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.rate > 0 and self.burst > 0

    @property
    def tracked(self) -> int:
        """How many users' buckets are held in memory."""
        return len(self._buckets)

    def take(self, user_id: int, now: float) -> Verdict:
        """Spends one of the user's tokens at monotonic time ``now`` (seconds)."""
        if not self.enabled:
            return Verdict.PASS
        bucket = self._buckets.get(user_id)
        if bucket is None:
            self._forget_resting(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        self._refill(bucket, now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.noticed = False
            return Verdict.PASS
        if bucket.noticed:
            return Verdict.DROP
        bucket.noticed = True
        return Verdict.DROP_NOTICE

    def _refill(self, bucket: _Bucket, now: float) -> None:
        elapsed = max(0.0, now - bucket.at)
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate)
        bucket.at = max(bucket.at, now)

    def _forget_resting(self, now: float) -> None:
        if len(self._buckets) < MAX_TRACKED:
            return
        for user_id, bucket in list(self._buckets.items()):
            self._refill(bucket, now)
            if bucket.tokens >= self.burst:
                del self._buckets[user_id]
