"""domain.reminders: local times across DST, workdays, quiet hours, snooze targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from domain import reminders as rules


@dataclass(frozen=True)
class Prefs:
    timezone: str = "Europe/Moscow"
    digest_time: time = time(9, 0)
    digest_days: tuple[int, ...] = (1, 2, 3, 4, 5)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    extra: dict[str, str] = field(default_factory=dict)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def digests_over(
    prefs: Prefs, start: datetime, hours: int, step_minutes: int = 1
) -> list[rules.Occasion]:
    """Runs the digest rule over consecutive tick windows, as the scheduler would."""
    found = []
    after = start
    for _ in range(hours * 60 // step_minutes):
        upto = after + timedelta(minutes=step_minutes)
        occasion = rules.digest_occasion(7, prefs, after, upto)
        if occasion is not None:
            found.append(occasion)
        after = upto
    return found


def test_digest_fires_once_at_local_time_on_workdays() -> None:
    found = digests_over(Prefs(), utc(2026, 11, 26, 0, 0), 24)
    assert [(o.key, o.due_at) for o in found] == [("digest:7:2026-11-26", utc(2026, 11, 26, 6, 0))]
    assert digests_over(Prefs(), utc(2026, 11, 28, 0, 0), 24) == []  # Saturday
    weekend = Prefs(digest_days=(6, 7))
    assert len(digests_over(weekend, utc(2026, 11, 28, 0, 0), 24)) == 1


def test_digest_time_in_the_spring_gap_fires_once_an_hour_later() -> None:
    prefs = Prefs(
        timezone="Europe/Berlin", digest_time=time(2, 30), digest_days=(1, 2, 3, 4, 5, 6, 7)
    )
    # 29 March 2026: Berlin jumps from 02:00 to 03:00; 02:30 does not exist
    found = digests_over(prefs, utc(2026, 3, 28, 22, 0), 24)
    assert len(found) == 1
    assert found[0].key == "digest:7:2026-03-29"
    assert found[0].due_at == utc(2026, 3, 29, 1, 30)  # 03:30 CEST


def test_digest_time_in_the_autumn_overlap_fires_once() -> None:
    prefs = Prefs(
        timezone="Europe/Berlin", digest_time=time(2, 30), digest_days=(1, 2, 3, 4, 5, 6, 7)
    )
    # 25 October 2026: Berlin goes from 03:00 back to 02:00; 02:30 happens twice
    found = digests_over(prefs, utc(2026, 10, 24, 21, 0), 26)
    assert [o.key for o in found] == ["digest:7:2026-10-25"]
    assert found[0].due_at == utc(2026, 10, 25, 0, 30)  # the first 02:30 (CEST)


def test_usual_times_stay_right_across_dst() -> None:
    prefs = Prefs(timezone="America/New_York")
    before = digests_over(prefs, utc(2026, 3, 6, 0, 0), 24)  # Friday, EST
    after = digests_over(prefs, utc(2026, 3, 9, 0, 0), 24)  # Monday, EDT
    assert before[0].due_at == utc(2026, 3, 6, 14, 0)
    assert after[0].due_at == utc(2026, 3, 9, 13, 0)


def test_time_zone_change_keeps_one_digest_per_local_day() -> None:
    moscow = rules.digest_occasion(7, Prefs(), utc(2026, 11, 26, 5, 59), utc(2026, 11, 26, 6, 0))
    new_york = Prefs(timezone="America/New_York")
    later = rules.digest_occasion(7, new_york, utc(2026, 11, 26, 13, 59), utc(2026, 11, 26, 14, 0))
    assert moscow is not None and later is not None
    assert moscow.key == later.key  # same local date: the second is the same reminder


def test_quiet_hours_wrap_midnight() -> None:
    prefs = Prefs()
    assert rules.is_quiet(utc(2026, 11, 26, 19, 0), prefs)  # 22:00 Moscow
    assert rules.is_quiet(utc(2026, 11, 26, 4, 59), prefs)  # 07:59
    assert not rules.is_quiet(utc(2026, 11, 26, 5, 0), prefs)  # 08:00
    assert not rules.is_quiet(utc(2026, 11, 26, 17, 59), prefs)  # 20:59
    assert not rules.is_quiet(
        utc(2026, 11, 26, 19, 0), Prefs(quiet_start=time(0), quiet_end=time(0))
    )
    day = Prefs(quiet_start=time(13), quiet_end=time(14))
    assert rules.is_quiet(utc(2026, 11, 26, 10, 30), day)
    assert not rules.is_quiet(utc(2026, 11, 26, 11, 0), day)


def test_hold_until_quiet_hours_end_unless_timed_explicitly() -> None:
    prefs = Prefs()
    at_22 = utc(2026, 11, 26, 19, 0)
    morning = utc(2026, 11, 27, 5, 0)
    assert rules.hold_until(at_22, at_22, prefs, explicit=False) == morning
    assert rules.hold_until(at_22, at_22, prefs, explicit=True) is None
    # an explicitly timed item found hours late (downtime) waits like any other
    assert rules.hold_until(at_22 + timedelta(hours=3), at_22, prefs, explicit=True) == morning
    # never held past a deadline (a brief before an early meeting)
    assert rules.hold_until(at_22, at_22, prefs, explicit=False, deadline=morning) is None
    assert rules.hold_until(utc(2026, 11, 26, 10, 0), at_22, prefs, explicit=False) is None


def test_a_hold_is_limited_by_the_quiet_hours_set_now() -> None:
    at_2230 = utc(2026, 11, 26, 19, 30)
    assert rules.quiet_hold_limit(at_2230, Prefs()) == utc(2026, 11, 27, 5, 0)  # 08:00
    off = Prefs(quiet_start=time(0), quiet_end=time(0))
    assert rules.quiet_hold_limit(at_2230, off) == at_2230
    shorter = Prefs(quiet_end=time(6, 0))
    assert rules.quiet_hold_limit(at_2230, shorter) == utc(2026, 11, 27, 3, 0)
    later_start = Prefs(quiet_start=time(23, 0))
    assert rules.quiet_hold_limit(at_2230, later_start) == at_2230
    elsewhere = Prefs(timezone="Asia/Vladivostok")  # 05:30 there: quiet until 08:00
    assert rules.quiet_hold_limit(at_2230, elsewhere) == utc(2026, 11, 26, 22, 0)


def test_stale_after_the_catch_up_threshold() -> None:
    due = utc(2026, 11, 26, 6, 0)
    assert not rules.is_stale(due, due + timedelta(minutes=5))
    assert rules.is_stale(due, due + timedelta(hours=2))


def test_snooze_targets_in_local_time() -> None:
    prefs = Prefs()
    now = utc(2026, 11, 26, 7, 30)  # Thursday 10:30 Moscow
    assert rules.snooze_target("1h", now, prefs) == utc(2026, 11, 26, 8, 30)
    assert rules.snooze_target("tomorrow", now, prefs) == utc(2026, 11, 27, 6, 0)
    assert rules.snooze_target("week", now, prefs) == utc(2026, 11, 30, 6, 0)  # Monday 09:00
    assert rules.snooze_target("forever", now, prefs) is None


def test_obligation_occasions_at_the_digest_time() -> None:
    prefs = Prefs()
    due = date(2026, 12, 3)
    seen: dict[str, datetime] = {}
    after = utc(2026, 11, 25, 0, 0)
    while after < utc(2026, 12, 6, 0, 0):
        upto = after + timedelta(minutes=30)
        for o in rules.obligation_occasions(5, 9, due, prefs, after, upto):
            assert o.key not in seen
            seen[o.key] = o.due_at
        after = upto
    assert seen == {
        "obl:5:2026-12-03:d7": utc(2026, 11, 26, 6, 0),
        "obl:5:2026-12-03:d1": utc(2026, 12, 2, 6, 0),
        "obl:5:2026-12-03:d0": utc(2026, 12, 3, 6, 0),
        "obl:5:2026-12-03:ask": utc(2026, 12, 4, 6, 0),
    }


def test_task_occasion_changes_with_a_snooze() -> None:
    first = rules.task_occasion(3, 1, utc(2026, 11, 26, 9, 0))
    snoozed = rules.task_occasion(3, 1, utc(2026, 11, 26, 10, 0))
    assert first.key != snoozed.key
    assert first.kind == "task" and first.ref_id == 3


def test_parse_day_reads_button_days_and_refuses_the_rest() -> None:
    assert rules.parse_day("20260228") == date(2026, 2, 28)
    for bad in ("20260230", "2026022", "202602281", "abcdefgh", ""):
        assert rules.parse_day(bad) is None


def test_parse_hhmm_reads_button_times_and_refuses_the_rest() -> None:
    assert rules.parse_hhmm("0930") == time(9, 30)
    assert rules.parse_hhmm("2359") == time(23, 59)
    for bad in ("2400", "0960", "930", "09:30", "abcd", "", "-930"):
        assert rules.parse_hhmm(bad) is None
