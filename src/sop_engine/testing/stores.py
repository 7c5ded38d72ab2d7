"""The store conformance suite: the promises of the :class:`~sop_engine.Store` protocol, as
tests any store can run on itself.

Subclass :class:`StoreContract` in a test module whose name pytest collects, name the subclass
``Test...``, and override the ``store`` fixture so that it yields a fresh, empty store (and
closes it after)::

    import pytest
    from sop_engine.testing.stores import StoreContract

    class TestMyStore(StoreContract):
        @pytest.fixture
        def store(self, tmp_path):
            s = MyStore(tmp_path / "cases")
            yield s
            s.close()

Every test then runs on that store. The optional methods (``save_calendar`` and
``calendar_doc``; ``query_cases`` and ``count_cases``) are checked when the store has them and skipped otherwise. The suite needs
pytest (imported here only) and the ``testing`` extra.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from sop_engine._core.errors import CaseNotFound, VersionConflict
from sop_engine._core.records import Actor, AuditEvent, Case, Deadline, Notification, Timer
from sop_engine._persistence.queries import CaseQuery, CaseRow
from sop_engine._persistence.store import CommandRecord, Staged, Store

__all__ = ["StoreContract"]

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


def _calendar_doc(closed: str) -> dict[str, Any]:
    return {"format": 1, "id": "ID", "days_off": [{"date": closed, "kind": "closure", "name": "x"}]}


def _commit_many(store: Store) -> Any:
    many = getattr(store, "commit_many", None)
    if many is None:
        pytest.skip("the store has no commit_many (group commit is optional)")
    return many


def _calendar_methods(store: Store) -> tuple[Any, Any]:
    save, read = getattr(store, "save_calendar", None), getattr(store, "calendar_doc", None)
    if save is None or read is None:
        pytest.skip("the store does not keep adopted calendars (optional)")
    return save, read


class StoreContract:
    """The conformance tests; a subclass overrides :meth:`store` (see the module's text)."""

    @pytest.fixture
    def store(self) -> Store:
        """A fresh, empty store for one test: override it in the subclass."""
        raise NotImplementedError(
            "override the `store` fixture in your StoreContract subclass: it yields a fresh, "
            "empty store"
        )

    def test_a_new_case_and_its_first_event(self, store: Store) -> None:
        store.insert(_case(), _event(1), None)
        assert store.get("c1") == _case()
        assert list(store.history("c1")) == [_event(1)]
        assert list(store.case_ids()) == ["c1"]

    def test_insert_refuses_an_existing_case(self, store: Store) -> None:
        store.insert(_case(), _event(1), None)
        with pytest.raises(VersionConflict):
            store.insert(_case(), _event(1), None)
        assert len(store.history("c1")) == 1

    def test_commit_follows_the_version_or_writes_nothing(self, store: Store) -> None:
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
            store.commit(
                attrs.evolve(_case(2), id="zz"), attrs.evolve(_event(2), case_id="zz"), None
            )

    def test_a_group_commit_writes_every_write_in_order(self, store: Store) -> None:
        many = _commit_many(store)
        other = attrs.evolve(_case(), id="c2")
        record = CommandRecord("k2", "c1", "e", ADMIN, {"a": 1}, _case(2, "terverifikasi"))
        timer = Timer(T0, "c1", "d", 1, "breach")
        note = Notification("c1/d/1/breach", "c1", "breach", ("atasan",), {"deadline": "d"}, T0)
        many(
            [
                Staged(_case(), _event(1), None, [timer], new=True),
                Staged(_case(2, "terverifikasi"), _event(2, "terverifikasi"), record, (), [note]),
                Staged(other, attrs.evolve(_event(1), case_id="c2"), new=True),
                Staged(_case(3, "selesai"), _event(3, "selesai")),
            ]
        )
        assert store.get("c1") == _case(3, "selesai")
        assert [e.seq for e in store.history("c1")] == [1, 2, 3]
        assert store.history("c1")[1] == _event(2, "terverifikasi")
        assert store.get("c2") == other
        assert list(store.case_ids()) == ["c1", "c2"]
        assert store.recall("k2") == record
        assert [t.key for t in store.due_timers(T0)] == [timer.key]
        assert list(store.outbox()) == [note]
        many([])  # an empty group writes nothing and is no error
        assert [e.seq for e in store.history("c1")] == [1, 2, 3]

    def test_a_group_commit_is_all_or_nothing(self, store: Store) -> None:
        many = _commit_many(store)
        store.insert(_case(), _event(1), None)
        fresh = attrs.evolve(_case(), id="c2")
        with pytest.raises(VersionConflict):
            many(
                [
                    Staged(fresh, attrs.evolve(_event(1), case_id="c2"), new=True),
                    Staged(_case(2, "terverifikasi"), _event(2, "terverifikasi")),
                    Staged(_case(2, "diarsipkan"), _event(2, "diarsipkan")),  # stale: refused
                ]
            )
        with pytest.raises(VersionConflict):  # an insert of an existing case
            many([Staged(_case(), _event(1), new=True)])
        with pytest.raises(CaseNotFound):
            many([Staged(attrs.evolve(_case(2), id="zz"), attrs.evolve(_event(2), case_id="zz"))])
        assert store.get("c1") == _case()
        assert [e.seq for e in store.history("c1")] == [1]
        assert list(store.case_ids()) == ["c1"]
        with pytest.raises(CaseNotFound):
            store.get("c2")
        store.commit(_case(2, "terverifikasi"), _event(2, "terverifikasi"), None)  # still whole
        assert [e.seq for e in store.history("c1")] == [1, 2]

    def test_unknown_case(self, store: Store) -> None:
        with pytest.raises(CaseNotFound):
            store.get("nope")
        with pytest.raises(CaseNotFound):
            store.history("nope")

    def test_command_records_round_trip(self, store: Store) -> None:
        record = CommandRecord("k1", "c1", "e", ADMIN, {"a": [1, 2]}, _case())
        store.insert(_case(), _event(1), record)
        assert store.recall("k1") == record
        assert store.recall("k2") is None

    def test_timers_come_out_by_instant_once_and_can_be_released(self, store: Store) -> None:
        later = Timer(T0 + timedelta(hours=2), "c1", "d", 1, "breach")
        sooner = Timer(T0 + timedelta(hours=1), "c1", "d", 1, "remind:0")
        store.insert(_case(), _event(1), None, [later, sooner, sooner])  # a duplicate key
        assert store.due_timers(T0) == []
        due = store.due_timers(T0 + timedelta(hours=3))
        assert [t.item for t in due] == ["remind:0", "breach"]
        assert store.due_timers(T0 + timedelta(hours=3)) == []  # handed out: not again
        store.release(due[1:])
        assert [t.item for t in store.due_timers(T0 + timedelta(hours=3))] == ["breach"]

    def test_completing_and_discarding_timers(self, store: Store) -> None:
        t1 = Timer(T0, "c1", "d", 1, "remind:0")
        t2 = Timer(T0, "c1", "d", 1, "breach")
        store.insert(_case(), _event(1), None, [t1, t2])
        a, b = store.due_timers(T0)
        store.commit(_case(2), _event(2), None, (), (), [a])
        store.discard([b])
        store.release([a, b])  # releasing what is gone changes nothing
        assert store.due_timers(T0 + timedelta(days=1)) == []

    def test_outbox_is_written_with_the_event_and_deduplicated_by_key(self, store: Store) -> None:
        n = Notification("c1/d/1/breach", "c1", "breach", ("atasan",), {"deadline": "d"}, T0)
        store.insert(_case(), _event(1), None, (), [n])
        store.commit(_case(2), _event(2), None, (), [n])
        assert list(store.outbox()) == [n]

    def test_outbox_relay_delivers_at_least_once_and_retries_failures(self, store: Store) -> None:
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

    def test_personal_keys_come_back_sorted(self, store: Store) -> None:
        data = {"pelapor": "Ani", "aa_nama": "Budi", "judul": "Jalan rusak"}
        event = attrs.evolve(_event(1), payload=data, personal=("pelapor", "aa_nama"))
        store.insert(attrs.evolve(_case(), data=data), event, None)
        (back,) = store.history("c1")
        assert back == attrs.evolve(event, personal=("aa_nama", "pelapor"))

    def test_the_latest_calendar_adopted_counts(self, store: Store) -> None:
        save, read = _calendar_methods(store)
        assert read("h1") is None
        first = _calendar_doc("2026-03-03")
        save("h1", first)
        assert read("h1") == first
        second = _calendar_doc("2026-03-04")
        save("h1", second)
        save("h2", first)
        assert read("h1") == second
        assert read("h2") == first

    def test_a_calendar_document_is_kept_as_it_was_given(self, store: Store) -> None:
        from sop_engine._core.calendar import calendar_from_doc, calendar_to_doc, indonesia

        save, read = _calendar_methods(store)
        calendar = indonesia(zone="Asia/Makassar").amended(working=[datetime(2026, 3, 7).date()])
        doc = calendar_to_doc(calendar)
        save("h1", doc)
        doc["zone"] = "Asia/Jayapura"  # the caller's later change does not reach the store
        back = read("h1")
        assert back is not None
        assert back["zone"] == "Asia/Makassar"
        assert calendar_from_doc(back) == calendar
        back["zone"] = "Asia/Jayapura"  # nor a change to what it handed out
        assert read("h1") == calendar_to_doc(calendar)

    # -- the case queries (optional: query_cases, count_cases) -------------------------------

    def test_queries_filter_by_sop_state_unit_channel_and_class(self, store: Store) -> None:
        query, count = _query_methods(store)
        _open(store, "a", "diterima", {"kanal": "sms", "klasifikasi": "pengaduan"})
        _open(store, "b", "terdisposisi", {"kanal": "web", "unit_tujuan": "dinas_pupr"})
        _open(store, "c", "terdisposisi", {"kanal": "sms", "unit_tujuan": "dinas_kesehatan"})
        _open(store, "d", "diterima", {"kanal": "sms"}, sop_id="lain")

        def ids(**filters: Any) -> list[str]:
            q = CaseQuery(**filters)
            rows = query(q)
            assert count(q) == len(rows)
            return [r.case_id for r in rows]

        assert ids() == ["a", "b", "c", "d"]  # creation order
        assert ids(sop_ids=("lapor-upp",)) == ["a", "b", "c"]
        assert ids(states=("terdisposisi",)) == ["b", "c"]
        assert ids(units=("dinas_pupr",)) == ["b"]
        assert ids(channels=("sms",), sop_ids=("lapor-upp",)) == ["a", "c"]
        assert ids(classes=("pengaduan",)) == ["a"]
        assert ids(sop_hashes=("x" * 64,)) == ["d"]
        (row,) = query(CaseQuery(units=("dinas_kesehatan",)))
        assert row == CaseRow(
            "c", "lapor-upp", "h" * 64, "terdisposisi", "dinas_kesehatan", "sms", None, None
        )

    def test_the_index_follows_every_commit(self, store: Store) -> None:
        query, _ = _query_methods(store)
        _open(store, "a", "diterima", {"kanal": "sms"}, due=T0 + timedelta(days=3))
        moved = _snapshot("a", "terdisposisi", {"kanal": "sms", "unit_tujuan": "u1"}, 2)
        store.commit(moved, _at("a", 2, T0, "disposisi"), None)
        (row,) = query(CaseQuery(states=("terdisposisi",)))
        assert (row.unit, row.next_due) == ("u1", None)  # the clock is gone with the commit
        assert query(CaseQuery(states=("diterima",))) == []

    def test_overdue_and_due_before_are_ordered_by_the_earliest_running_deadline(
        self, store: Store
    ) -> None:
        query, count = _query_methods(store)
        _open(store, "late2", "diterima", {}, due=T0 - timedelta(hours=1))
        _open(store, "soon", "diterima", {}, due=T0 + timedelta(days=1))
        _open(store, "late1", "diterima", {}, due=T0 - timedelta(days=2))
        _open(store, "none", "diterima", {})
        _open(store, "met", "diterima", {}, due=T0 - timedelta(days=5), status="met")
        overdue = CaseQuery(overdue_at=T0)
        assert [r.case_id for r in query(overdue)] == ["late1", "late2"]
        assert count(overdue) == 2
        (first,) = query(CaseQuery(overdue_at=T0, limit=1))
        assert first.next_due == T0 - timedelta(days=2)
        assert [r.case_id for r in query(CaseQuery(overdue_at=T0, limit=1, offset=1))] == ["late2"]
        within = CaseQuery(due_before=T0 + timedelta(days=1))
        assert [r.case_id for r in query(within)] == ["late1", "late2", "soon"]

    def test_breaches_and_escalations_in_a_period(self, store: Store) -> None:
        query, count = _query_methods(store)
        _open(store, "a", "diterima", {})
        _open(store, "b", "diterima", {})
        _open(store, "c", "diterima", {})
        store.commit(_snapshot("a", "diterima", {}, 2), _at("a", 2, T0, "@breach"), None)
        later = T0 + timedelta(days=10)
        store.commit(_snapshot("b", "diterima", {}, 2), _at("b", 2, later, "@escalate"), None)
        store.commit(_snapshot("c", "diterima", {}, 2), _at("c", 2, T0, "@remind"), None)

        def ids(**filters: Any) -> list[str]:
            return [r.case_id for r in query(CaseQuery(**filters))]

        assert ids(marked=("@breach", "@escalate")) == ["a", "b"]
        assert ids(marked=("@breach",)) == ["a"]
        assert ids(marked_since=T0 + timedelta(days=1)) == ["b"]
        assert ids(marked_since=T0, marked_until=later) == ["a"]
        assert count(CaseQuery(marked=("@escalate",))) == 1

    def test_paging_in_creation_order(self, store: Store) -> None:
        query, count = _query_methods(store)
        for i in range(7):
            _open(store, f"k{i}", "diterima", {})
        pages = [[r.case_id for r in query(CaseQuery(limit=3, offset=o))] for o in (0, 3, 6, 9)]
        assert pages == [["k0", "k1", "k2"], ["k3", "k4", "k5"], ["k6"], []]
        assert count(CaseQuery(limit=3)) == 7
        with pytest.raises(ValueError, match="limit must be"):
            CaseQuery(limit=0)


def _query_methods(store: Store) -> tuple[Any, Any]:
    query, count = getattr(store, "query_cases", None), getattr(store, "count_cases", None)
    if query is None or count is None:
        pytest.skip("the store does not answer case queries (optional)")
    return query, count


def _snapshot(
    case_id: str,
    state: str,
    data: dict[str, Any],
    version: int = 1,
    *,
    sop_id: str = "lapor-upp",
    due: datetime | None = None,
    status: str = "running",
) -> Case:
    deadlines: tuple[Deadline, ...] = ()
    if due is not None:
        deadlines = (
            Deadline("verifikasi", 1, status, T0 - timedelta(days=7), 3, "working_days", due, "v"),
        )
    sop_hash = ("h" if sop_id == "lapor-upp" else "x") * 64
    return Case(case_id, sop_id, sop_hash, state, data, version, deadlines)


def _at(case_id: str, seq: int, at: datetime, event: str) -> AuditEvent:
    return AuditEvent(case_id, seq, at, ADMIN, event, "diterima", "diterima", {})


def _open(store: Store, case_id: str, state: str, data: dict[str, Any], **kw: Any) -> None:
    store.insert(_snapshot(case_id, state, data, **kw), _at(case_id, 1, T0, "@start"), None)
