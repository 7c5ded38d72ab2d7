"""Timers of an arming travel unbuilt (``ArmedTimers``) and the memory store keeps them as runs.

The memory store must behave exactly as when it held one entry per timer: the same timers come
due in the same (instant, key) order, each key at most once while pending (a second copy of an
arming, or a single timer it already holds, is dropped), released and failed timers come back,
and the queue's counts see every pending item. Each test runs the same operations on a store fed
``ArmedTimers`` and on one fed the very same timers as a list (the old path) and compares.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sop_engine import Engine, MemoryStore, SimulatedClock, SqliteStore
from sop_engine._core.protocol import TimerItem
from sop_engine._core.records import ArmedTimers, Timer
from sop_engine._persistence.deadletter import RetryPolicy

from conftest import ADMIN, COMPLETE, LAPOR

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
H = timedelta(hours=1)
_ = TimerItem.coerce
# out of order on purpose: a store hands them out by (instant, item), not as listed
SCHEDULE = ((T0 + 3 * H, _("breach")), (T0 + H, _("remind:0")), (T0 + 3 * H, _("level:1")))
ORDERED = tuple(sorted(SCHEDULE, key=lambda x: (x[0], str(x[1]))))


def _armed(*cases: str, arming: int = 1) -> ArmedTimers:
    return ArmedTimers(tuple((c, "verifikasi", arming, ORDERED) for c in cases))


def _both(timers: ArmedTimers) -> tuple[MemoryStore, MemoryStore]:
    runs, singles = MemoryStore(), MemoryStore()
    runs._add(timers, ())
    singles._add(list(timers), ())
    return runs, singles


def _keys(ts: list[Timer]) -> list[str]:
    return [t.key for t in ts]


def test_armed_timers_read_like_the_list_they_stand_for() -> None:
    armed = _armed("a", "b")
    listed = list(armed)
    assert len(armed) == 6
    assert bool(armed)
    assert armed == listed
    assert armed[0] == listed[0]
    assert armed[-2:] == listed[-2:]
    assert [t.item for t in listed[:3]] == ["remind:0", "breach", "level:1"]
    assert armed + [listed[0]] == [*listed, listed[0]]  # noqa: RUF005 (tests __add__)
    assert not ArmedTimers(())


def test_runs_come_due_in_the_same_order_as_single_timers() -> None:
    runs, singles = _both(_armed("c2", "c1", "c10", "c-1"))
    assert runs.next_timer_at() == singles.next_timer_at() == T0 + H
    for now in (T0, T0 + H, T0 + 2 * H, T0 + 3 * H, T0 + 9 * H):
        got, want = runs.due_timers(now), singles.due_timers(now)
        assert got == want
        assert _keys(got) == _keys(want)
    assert runs.next_timer_at() is None
    assert not runs._runs


def test_one_heap_entry_per_shared_schedule() -> None:
    """Cases armed on one schedule wait in one wave: one heap entry, not one per case."""
    runs, singles = _both(_armed("a", "b", "c"))
    assert len(runs._wheel) == 1
    assert not runs._timers
    assert not runs._timer_keys
    assert len(singles._timers) == 9
    runs._add(_armed("d", arming=2), ())  # another arming: a wave of its own
    assert len(runs._wheel) == 2
    runs.due_timers(T0 + H)  # the first item came due: later armings start a new wave
    runs._add(_armed("e"), ())
    assert len(runs._wheel) == 3
    later = [f"{c}/verifikasi/{n}" for c, n in (("a", 1), ("b", 1), ("c", 1), ("d", 2), ("e", 1))]
    assert _keys(runs.due_timers(T0 + 3 * H)) == [
        "e/verifikasi/1/remind:0",  # the earliest instant first, then by key across waves
        *(f"{k}/{item}" for k in later for item in ("breach", "level:1")),
    ]
    assert not runs._runs
    assert not runs._joining


def test_a_second_copy_is_dropped_while_pending() -> None:
    runs, singles = _both(_armed("a"))
    for store in (runs, singles):
        store._add(_armed("a"), ())  # the same arming again
        store._add([Timer(T0 + 3 * H, "a", "verifikasi", 1, "breach")], ())  # one of its items
    assert _keys(runs.due_timers(T0 + 9 * H)) == _keys(singles.due_timers(T0 + 9 * H))
    assert runs.due_timers(T0 + 99 * H) == []


def test_a_fired_item_of_a_run_can_be_queued_again() -> None:
    runs, singles = _both(_armed("a"))
    first = runs.due_timers(T0 + H)
    assert _keys(first) == _keys(singles.due_timers(T0 + H)) == ["a/verifikasi/1/remind:0"]
    runs.release(first)  # handed back (a sweep that could not handle it)
    again = runs.due_timers(T0 + H)
    assert _keys(again) == ["a/verifikasi/1/remind:0"]
    runs.discard(again)
    # the remaining run items and a single re-add of the fired one live side by side
    runs._add([first[0]], ())
    assert _keys(runs.due_timers(T0 + 9 * H)) == [
        "a/verifikasi/1/remind:0",
        "a/verifikasi/1/breach",
        "a/verifikasi/1/level:1",
    ]


def test_failed_and_quarantined_items_and_the_queue_counts() -> None:
    runs, singles = _both(_armed("a", "b"))
    for store in (runs, singles):
        assert store.queue_status(T0 + 3 * H).due_timers == 6
        assert store.queue_status(T0 + H).oldest_due == T0 + H
    policy = RetryPolicy(attempts=1)
    for store in (runs, singles):
        claimed = store.due_timers(T0 + H)
        for t in claimed:
            store.fail_timer(t, "boom", T0 + H, policy.retry(T0 + H))  # quarantined
        # a new arming of a case while something is quarantined: kept one by one
        store._add(_armed("c", arming=2), ())
    assert _keys(runs.due_timers(T0 + 9 * H)) == _keys(singles.due_timers(T0 + 9 * H))
    assert len(runs.dead_letters()) == len(singles.dead_letters()) == 2


def test_engine_on_memory_and_sqlite_fire_the_same_items(tmp_path: Path) -> None:
    """End to end: the runs of the memory store fire what the SQLite store's rows fire."""
    fired = []
    for store in (MemoryStore(), None):
        clock = SimulatedClock(T0)
        if store is None:
            store = SqliteStore(tmp_path / "s.db", clock=clock)
        engine = Engine(store=store, clock=clock)
        engine.load(LAPOR)
        for i in range(3):
            engine.start("lapor-upp", COMPLETE, ADMIN, case_id=f"c{i}")
        clock.set(datetime(2026, 4, 20, tzinfo=UTC))
        report = engine.sweep()
        items = sorted((e.case_id, e.event, str(e.payload.get("item"))) for e in report.fired)
        fired.append((items, report.coalesced, report.skipped))
        assert not engine.sweep().fired
    assert fired[0] == fired[1]
    assert len(fired[0][0]) >= 6


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c10", "c9"]),
            st.sampled_from(["verifikasi", "penyelesaian"]),
            st.integers(1, 2),
            st.integers(0, 3),  # which schedule: shifted by whole hours
        ),
        max_size=12,
    ),
    st.lists(st.integers(0, 12), min_size=1, max_size=5),
)
@settings(max_examples=150, deadline=None)
def test_waves_hand_out_what_single_timers_would(
    armings: list[tuple[str, str, int, int]], sweeps: list[int]
) -> None:
    """Any mix of armings (shared schedules, several clocks and armings per case, the same
    arming twice) comes due from the waves exactly as from one timer per heap entry."""
    runs, singles = MemoryStore(), MemoryStore()
    for case_id, deadline, arming, shift in armings:
        schedule = tuple((at + shift * H, item) for at, item in ORDERED)
        timers = ArmedTimers(((case_id, deadline, arming, SHIFTED.setdefault(shift, schedule)),))
        runs._add(timers, ())
        singles._add(list(timers), ())
    for hours in sorted(sweeps):
        now = T0 + hours * H
        assert runs.queue_status(now).due_timers == singles.queue_status(now).due_timers
        assert _keys(runs.due_timers(now)) == _keys(singles.due_timers(now))
        assert runs.next_timer_at() == singles.next_timer_at()


SHIFTED: dict[int, tuple[tuple[datetime, TimerItem], ...]] = {}
"""One schedule object per shift, shared like the engine's remembered schedules."""
