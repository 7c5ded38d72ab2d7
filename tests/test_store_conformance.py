"""The store protocol's promises, checked on every implementation (the ``store`` fixture).

A new store (PostgreSQL) joins by adding itself to the ``store`` fixture in conftest.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from sop_engine import Actor, CaseNotFound, Store, VersionConflict
from sop_engine._core.records import AuditEvent, Case, Notification, Timer
from sop_engine._persistence.store import CommandRecord

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ADMIN = Actor("siti", "admin_instansi", None)


def _case(version: int = 1, state: str = "diterima") -> Case:
    return Case("c1", "lapor-upp", "h" * 64, state, {"judul": "Jalan rusak", "n": 1}, version)


def _event(seq: int, target: str = "diterima") -> AuditEvent:
    return AuditEvent(
        "c1",
        seq,
        T0 + timedelta(minutes=seq),
        ADMIN,
        "e",
        "diterima",
        target,
        {"catatan": "ß ü ✓"},
        (("fields_complete", True),),
        f"cmd-{seq}",
    )


def test_a_new_case_and_its_first_event(store: Store) -> None:
    store.insert(_case(), _event(1), None)
    assert store.get("c1") == _case()
    assert list(store.history("c1")) == [_event(1)]
    assert list(store.case_ids()) == ["c1"]


def test_insert_refuses_an_existing_case(store: Store) -> None:
    store.insert(_case(), _event(1), None)
    with pytest.raises(VersionConflict):
        store.insert(_case(), _event(1), None)
    assert len(store.history("c1")) == 1


def test_commit_follows_the_version_or_writes_nothing(store: Store) -> None:
    store.insert(_case(), _event(1), None)
    store.commit(_case(2, "terverifikasi"), _event(2, "terverifikasi"), None)
    with pytest.raises(VersionConflict) as info:
        store.commit(_case(2, "diarsipkan"), _event(2, "diarsipkan"), None)
    assert (info.value.expected, info.value.actual) == (1, 2)
    with pytest.raises(VersionConflict):
        store.commit(_case(4, "x"), _event(4), None)
    assert store.get("c1").state == "terverifikasi"
    assert [e.seq for e in store.history("c1")] == [1, 2]
    with pytest.raises(CaseNotFound):
        store.commit(attrs.evolve(_case(2), id="zz"), attrs.evolve(_event(2), case_id="zz"), None)


def test_unknown_case(store: Store) -> None:
    with pytest.raises(CaseNotFound):
        store.get("nope")
    with pytest.raises(CaseNotFound):
        store.history("nope")


def test_command_records_round_trip(store: Store) -> None:
    record = CommandRecord("k1", "c1", "e", ADMIN, {"a": [1, 2]}, _case())
    store.insert(_case(), _event(1), record)
    assert store.recall("k1") == record
    assert store.recall("k2") is None


def test_timers_come_out_by_instant_once_and_can_be_released(store: Store) -> None:
    later = Timer(T0 + timedelta(hours=2), "c1", "d", 1, "breach")
    sooner = Timer(T0 + timedelta(hours=1), "c1", "d", 1, "remind:0")
    store.insert(_case(), _event(1), None, [later, sooner, sooner])  # a duplicate key
    assert store.due_timers(T0) == []
    due = store.due_timers(T0 + timedelta(hours=3))
    assert [t.item for t in due] == ["remind:0", "breach"]
    assert store.due_timers(T0 + timedelta(hours=3)) == []  # handed out: not again
    store.release(due[1:])
    assert [t.item for t in store.due_timers(T0 + timedelta(hours=3))] == ["breach"]


def test_completing_and_discarding_timers(store: Store) -> None:
    t1 = Timer(T0, "c1", "d", 1, "remind:0")
    t2 = Timer(T0, "c1", "d", 1, "breach")
    store.insert(_case(), _event(1), None, [t1, t2])
    a, b = store.due_timers(T0)
    store.commit(_case(2), _event(2), None, (), (), [a])
    store.discard([b])
    store.release([a, b])  # releasing what is gone changes nothing
    assert store.due_timers(T0 + timedelta(days=1)) == []


def test_outbox_is_written_with_the_event_and_deduplicated_by_key(store: Store) -> None:
    n = Notification("c1/d/1/breach", "c1", "breach", ("atasan",), {"deadline": "d"}, T0)
    store.insert(_case(), _event(1), None, (), [n])
    store.commit(_case(2), _event(2), None, (), [n])
    assert list(store.outbox()) == [n]


class _Flaky:
    """A notifier whose receiver is down for the first ``failures`` deliveries."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[str] = []

    def deliver(self, notification: Notification) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("receiver down")
        self.received.append(notification.key)


def test_outbox_relay_delivers_at_least_once_and_retries_failures(store: Store) -> None:
    from sop_engine._ops.outbox import relay

    notes = [
        Notification(f"c1/d/1/level:{k}", "c1", "escalation", ("atasan",), {"level": k}, T0)
        for k in (1, 2, 3)
    ]
    store.insert(_case(), _event(1), None, (), notes)
    receiver = _Flaky(failures=1)
    first = relay(store, receiver, T0)
    assert first.delivered == [n.key for n in notes[1:]]
    assert [key for key, _ in first.failed] == [notes[0].key]
    assert [n.key for n in store.pending_notifications(10)] == [notes[0].key]
    second = relay(store, receiver, T0 + timedelta(minutes=1))
    assert second.delivered == [notes[0].key]
    assert relay(store, receiver, T0 + timedelta(minutes=2)).delivered == []
    assert sorted(receiver.received) == sorted(n.key for n in notes)  # each exactly once here
    assert len(store.outbox()) == 3  # delivered notifications stay on record
