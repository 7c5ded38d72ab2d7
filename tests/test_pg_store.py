"""What only the PostgreSQL store promises: append-only rows in the server, a provable trail,
tenancy on every row, fenced timers, one winner per version, the CLI on a URL.

Every test runs against the real server the session fixture starts (tests/pgserver.py), each
in a fresh schema. The conformance, engine and deadline suites also run on this store through
the ``store`` fixture.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import attrs
import psycopg
import pytest
from click.testing import CliRunner

from sop_engine import Actor, Engine, SimulatedClock
from sop_engine._core.errors import LeaseLost, StoreUnavailable
from sop_engine._core.records import Timer
from sop_engine._persistence.postgres import MIGRATIONS, PgStore, verify_chains
from sop_engine.cli import main

from conftest import (
    ADMIN,
    COMPLETE,
    LAPOR,
    full_workflow,
    race_on_one_version,
    two_personal_case,
)
from pgserver import SCALE_AGENCY, SCALE_SOP

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
LAPOR_AGENCY = "Dinas Komunikasi dan Informatika Kota Contoh"


def _engine(url: str, clock: SimulatedClock | None = None, **kw: object) -> Engine:
    clock = clock or SimulatedClock(T0)
    engine = Engine(store=PgStore(url, clock=clock, **kw), clock=clock)  # type: ignore[arg-type]
    engine.load(LAPOR)
    engine.load(SCALE_SOP)
    return engine


def _close(*engines: Engine) -> None:
    for e in engines:
        e.store.close()  # type: ignore[attr-defined]


def _sql(url: str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


def test_migrations_apply_once_and_survive_reopening(pg_url: str) -> None:
    engine = _engine(pg_url)
    full_workflow(engine, "c1")
    before = (engine.get("c1"), engine.history("c1"))
    _close(engine)
    again = _engine(pg_url)  # migrates again: nothing to do
    assert (again.get("c1"), again.history("c1")) == before
    assert again.store.migrate() == len(MIGRATIONS)  # type: ignore[attr-defined]
    _close(again)
    assert [r[0] for r in _sql(pg_url, "SELECT version FROM schema_migrations")] == list(
        range(1, len(MIGRATIONS) + 1)
    )


def test_workers_starting_together_migrate_once(pg_url: str) -> None:
    stores: list[PgStore] = []
    barrier = threading.Barrier(4)

    def open_one() -> None:
        barrier.wait()
        stores.append(PgStore(pg_url))

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(stores) == 4
    for s in stores:
        s.close()
    assert _sql(pg_url, "SELECT count(*) FROM schema_migrations") == [(len(MIGRATIONS),)]


def test_events_cannot_be_changed_or_deleted_even_with_raw_sql(pg_url: str) -> None:
    engine = _engine(pg_url)
    full_workflow(engine, "c1")
    _close(engine)
    for sql in (
        "UPDATE events SET body = 'x'",
        "DELETE FROM events",
        "TRUNCATE events CASCADE",
    ):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            _sql(pg_url, sql)
    assert _sql(pg_url, "SELECT count(*) FROM events") == [(7,)]


def test_audit_verify_passes_then_names_the_first_tampered_event(pg_url: str) -> None:
    engine = _engine(pg_url)
    full_workflow(engine, "c1")
    full_workflow(engine, "c2")
    _close(engine)
    assert verify_chains(pg_url) == []
    ok = CliRunner(env={"SOP_LANG": "en"}).invoke(main, ["audit", "verify", "--db", pg_url])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    # an administrator with the power to switch the trigger off edits an event
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
        conn.execute(
            # (free text is kept out of the chained body since issue 17: the instant is edited)
            'UPDATE events SET body = replace(body, \'"at":"2026\', \'"at":"2025\') '
            "WHERE case_id = 'c2' AND seq = 5"
        )
    breaks = verify_chains(pg_url)
    assert [(b.case_id, b.seq) for b in breaks] == [("c2", 5)]
    assert "does not match its hash" in breaks[0].reason
    bad = CliRunner(env={"SOP_LANG": "en"}).invoke(
        main, ["audit", "verify", "--db", pg_url, "--case", "c2"]
    )
    assert bad.exit_code == 1
    assert "case c2: broken at event 5" in bad.output


def test_personal_data_is_kept_out_of_the_chain_and_erased(pg_url: str) -> None:
    engine = _engine(pg_url)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1", command_id="k1")
    value = '"pelapor":"pelapor-1"'  # the field (the reporter also acts as actor pelapor-1)
    assert value not in str(_sql(pg_url, "SELECT body FROM events"))
    assert '"$personal"' in str(_sql(pg_url, "SELECT body FROM events WHERE seq = 1"))
    # pelapor and the free text (judul, kronologi, lokasi): sealed apart since issue 17
    assert _sql(pg_url, "SELECT count(*) FROM personal_data") == [(4,)]
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor")
    _close(engine)
    assert _sql(pg_url, "SELECT count(*) FROM personal_data") == [(0,)]
    leftovers = _sql(pg_url, "SELECT request || result FROM commands WHERE case_id = 'c1'")
    assert leftovers
    assert value not in str(leftovers)
    assert verify_chains(pg_url) == []


def test_store_check_passes_with_personal_fields_given_out_of_order(pg_url: str) -> None:
    """Regression: two personal fields in unsorted order gave a false "the event differs"."""
    engine = _engine(pg_url)
    two_personal_case(engine)
    # (the free-text field judul is sealed too: issue 17)
    assert [e.personal for e in engine.history("c1")[:2]] == [
        ("aa_nama", "judul", "pelapor"),
        ("aa_nama", "pelapor"),
    ]
    _close(engine)
    result = CliRunner(env={"SOP_LANG": "en"}).invoke(main, ["store", "check", "--db", pg_url])
    assert result.exit_code == 0, result.output
    assert "every snapshot equals its trail" in result.output
    assert verify_chains(pg_url) == []


def test_an_adopted_calendar_is_shared_by_workers_and_carries_its_agency(pg_url: str) -> None:
    from sop_engine._core.calendar import DayOff, calendar_from_doc, calendar_to_doc, indonesia

    engine = _engine(pg_url)
    sop = engine.sop("lapor-upp")
    adopted = indonesia().amended(add=[DayOff(T0.date(), "closure", "Banjir")])
    engine.store.save_calendar(sop.hash, calendar_to_doc(indonesia()))  # type: ignore[attr-defined]
    engine.store.save_calendar(sop.hash, calendar_to_doc(adopted))  # type: ignore[attr-defined]
    other = PgStore(pg_url)  # another worker
    doc = other.calendar_doc(sop.hash)
    assert doc is not None
    assert calendar_from_doc(doc) == adopted
    other.close()
    _close(engine)
    assert _sql(pg_url, "SELECT DISTINCT agency FROM calendars") == [(LAPOR_AGENCY,)]
    assert _sql(pg_url, "SELECT count(*) FROM calendars") == [(2,)]


def test_every_row_carries_the_agency_of_its_sop(pg_url: str) -> None:
    clock = SimulatedClock(T0)
    engine = _engine(pg_url, clock)
    full_workflow(engine, "lapor-1")
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="lapor-2", command_id="cmd-1")
    engine.start("skala-uji", {"judul": "x"}, Actor("p", "petugas"), case_id="skala-1")
    expected = {"lapor-1": LAPOR_AGENCY, "lapor-2": LAPOR_AGENCY, "skala-1": SCALE_AGENCY}

    def check(*tables: str) -> None:
        for table in tables:
            column = "id" if table == "cases" else "case_id"
            rows = _sql(pg_url, f"SELECT DISTINCT {column}, agency FROM {table}")
            assert rows, table
            assert {(c, expected[str(c)]) for c, _ in rows} == set(rows), table

    check("timers")
    engine.sweep(T0 + timedelta(days=30))  # breaches and escalations: outbox rows, ledger
    _close(engine)
    check("cases", "events", "commands", "personal_data", "fired", "outbox")


def test_a_store_limited_to_agencies_sweeps_relays_and_lists_only_theirs(pg_url: str) -> None:
    clock = SimulatedClock(T0)
    engine = _engine(pg_url, clock)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="lapor-1")
    engine.start("skala-uji", {"judul": "x"}, Actor("p", "petugas"), case_id="skala-1")
    later = T0 + timedelta(days=30)
    scale_only = PgStore(pg_url, agencies=[SCALE_AGENCY], clock=clock)
    assert list(scale_only.case_ids()) == ["skala-1"]
    assert {t.case_id for t in scale_only.due_timers(later)} == {"skala-1"}
    lapor_only = _engine(pg_url, clock, agencies=[LAPOR_AGENCY])
    lapor_only.sweep(later)
    fired = _sql(pg_url, "SELECT DISTINCT case_id FROM fired")
    assert fired == [("lapor-1",)]
    assert {n.case_id for n in lapor_only.store.pending_notifications(100)} == {"lapor-1"}
    assert scale_only.pending_notifications(100) == []
    scale_only.close()
    _close(engine, lapor_only)


def test_a_zombie_worker_whose_lease_expired_cannot_commit(pg_url: str) -> None:
    clock_a, clock_b = SimulatedClock(T0), SimulatedClock(T0)
    a, b = _engine(pg_url, clock_a), _engine(pg_url, clock_b)
    a.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    due = T0 + timedelta(days=10)
    claimed_by_a = a.store.due_timers(due)
    assert claimed_by_a
    assert b.store.due_timers(due) == []  # a's lease holds
    clock_b.advance(timedelta(minutes=6))  # the lease (5 minutes) has run out for b
    claimed_by_b = b.store.due_timers(due)
    assert [t.key for t in claimed_by_b] == [t.key for t in claimed_by_a]
    from sop_engine._core.protocol import ItemKind
    from sop_engine._runtime.sweeper import SweepReport

    reminders: dict[tuple[str, str, int], list[Timer]] = {}
    for t in claimed_by_a:
        if t.item.kind is ItemKind.REMIND:
            reminders.setdefault((t.case_id, t.deadline, t.arming), []).append(t)
    before = (a.get("c1"), len(a.history("c1")))
    with pytest.raises(LeaseLost):  # a wakes up and tries to fire: fenced off
        a.sweeper.fire_timer(claimed_by_a[0], reminders, due, SweepReport())
    assert (a.get("c1"), len(a.history("c1"))) == before  # nothing written by the zombie
    b.store.release(claimed_by_b)
    clock_b.set(due)
    assert b.sweep(due).fired  # the new claimant fires them
    assert a.sweep(due + timedelta(hours=1)).fired == []
    fired = _sql(
        pg_url, "SELECT count(*), count(DISTINCT (case_id, deadline, arming, item)) FROM fired"
    )
    assert fired[0][0] == fired[0][1] > 0
    _close(a, b)


def test_the_natural_key_turns_a_second_fire_into_a_no_op(pg_url: str) -> None:
    clock = SimulatedClock(T0)
    engine = _engine(pg_url, clock)
    engine.start("skala-uji", {"judul": "x"}, Actor("p", "petugas"), case_id="s1")
    due = T0 + timedelta(days=5)
    assert len(engine.sweep(due).fired) == 2
    # the same timer appears again (say, restored from an old backup) and is claimed
    store = engine.store
    assert isinstance(store, PgStore)
    ghost = Timer(T0, "s1", "tanggapan", 1, "breach")
    case = store.get("s1")
    event = store.history("s1")[-1]
    store.commit(
        attrs.evolve(case, version=case.version + 1),
        attrs.evolve(event, seq=case.version + 1),
        None,
        [ghost],
    )
    (claimed,) = store.due_timers(due)
    version = store.get("s1").version
    with pytest.raises(LeaseLost):  # the ledger already holds (s1, tanggapan, 1, breach)
        store.commit(
            attrs.evolve(case, version=version + 1),
            attrs.evolve(event, seq=version + 1),
            None,
            (),
            (),
            [claimed],
        )
    assert store.get("s1").version == version  # nothing written
    _close(engine)


def test_threads_racing_on_one_version_have_exactly_one_winner(pg_url: str) -> None:
    first = _engine(pg_url)
    first.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engines = [_engine(pg_url) for _ in range(8)]
    assert race_on_one_version(engines) == ["conflict"] * 7 + ["won"]
    assert len(first.history("c1")) == 2
    assert verify_chains(pg_url) == []
    _close(first, *engines)


def test_cli_demo_check_verify_and_migrate_on_a_url(pg_url: str) -> None:
    runner = CliRunner(env={"SOP_LANG": "en"})
    migrated = runner.invoke(main, ["store", "migrate", "--db", pg_url])
    assert migrated.exit_code == 0, migrated.output
    assert f"schema version {len(MIGRATIONS)}" in migrated.output
    first = runner.invoke(main, ["demo", "--db", pg_url, "--lang", "en"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(main, ["demo", "--db", pg_url, "--lang", "en"])
    assert again.exit_code == 0, again.output
    assert "11 demo cases already there, resumed" in " ".join(again.output.split())
    checked = runner.invoke(main, ["store", "check", "--db", pg_url])
    assert checked.exit_code == 0, checked.output
    assert "every snapshot equals its trail" in checked.output
    verified = runner.invoke(main, ["audit", "verify", "--db", pg_url])
    assert verified.exit_code == 0, verified.output


def test_an_unreachable_server_is_one_clear_error(pg_server: object) -> None:
    url = "postgresql://postgres@127.0.0.1:1/nowhere"
    with pytest.raises(StoreUnavailable, match="check the URL"):
        PgStore(url, connect_timeout=timedelta(seconds=1))
    result = CliRunner().invoke(main, ["audit", "verify", "--db", url])
    assert result.exit_code == 2  # the environment, not a broken chain
    assert "cannot use the store at" in result.output
    assert "Traceback" not in result.output
    no_sqlite = CliRunner().invoke(main, ["worker", "--db", "x.sqlite3", "--agency", "A"])
    assert no_sqlite.exit_code == 2  # a usage error
    assert "--agency needs a PostgreSQL store" in no_sqlite.output
