"""Group commit (Engine.submit): per-command decisions, one transaction, idempotent by id.

Runs on every store (the ``store`` fixture: memory, SQLite, PostgreSQL).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sop_engine import (
    CaseNotFound,
    CommandIdReused,
    Engine,
    EthicsViolation,
    FireCommand,
    GuardRejected,
    InvalidEventData,
    MemoryStore,
    RoleNotPermitted,
    SimulatedClock,
    StartCommand,
)
from sop_engine._persistence.sqlite import SqliteStore

from conftest import ADMIN, COMPLETE, LAPOR, LIAISON, OFFICER, OTHER_OFFICER, REPORTER

PATH = [
    ("verifikasi", ADMIN, {"klasifikasi": "pengaduan"}),
    ("disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"}),
    ("tindak_lanjuti", OFFICER, None),
    ("ajukan_tanggapan", OFFICER, {"tanggapan": "Sudah ditambal."}),
    ("setujui_tanggapan", LIAISON, {"tanpa_imbalan": True}),
    ("terima_tanggapan", REPORTER, None),
]


def _commands(case_id: str, ids: bool = False) -> list[StartCommand | FireCommand]:
    out: list[StartCommand | FireCommand] = [
        StartCommand(
            "lapor-upp",
            COMPLETE,
            ADMIN,
            case_id=case_id,
            command_id=f"{case_id}-0" if ids else None,
        )
    ]
    for i, (event, actor, payload) in enumerate(PATH, 1):
        out.append(
            FireCommand(
                case_id, event, actor, payload, command_id=f"{case_id}-{i}" if ids else None
            )
        )
    return out


def _trail(engine: Engine, case_id: str) -> list[tuple[object, ...]]:
    return [
        (e.seq, e.event, e.source, e.target, dict(e.payload), e.guards, e.command_id)
        for e in engine.history(case_id)
    ]


def _reference(clock: SimulatedClock, commands: list[StartCommand | FireCommand]) -> Engine:
    """The same commands sent one by one, on a memory store."""
    engine = Engine(clock=SimulatedClock(clock.now()), store=MemoryStore())
    engine.load(LAPOR)
    for c in commands:
        if isinstance(c, StartCommand):
            engine.start(c.sop_id, c.data, c.actor, case_id=c.case_id, command_id=c.command_id)
        else:
            engine.fire(c.case_id, c.event, c.actor, c.payload, command_id=c.command_id)
    return engine


def test_a_group_writes_what_the_same_commands_one_by_one_write(
    engine: Engine, clock: SimulatedClock
) -> None:
    commands = _commands("c1", ids=True) + _commands("c2")
    outcomes = engine.submit(commands)
    assert [o.accepted for o in outcomes] == [True] * len(commands)
    reference = _reference(clock, commands)
    for cid in ("c1", "c2"):
        assert engine.get(cid) == reference.get(cid)
        assert _trail(engine, cid) == _trail(reference, cid)
    assert outcomes[-1].case == engine.get("c2")
    assert engine.get("c1").state == "selesai"
    # the deadline clocks armed on the way are there, as with single commands
    assert engine.get("c1").deadlines == reference.get("c1").deadlines
    assert engine.history("c1")[-1].at == reference.history("c1")[-1].at


def test_each_command_is_refused_on_its_own(engine: Engine) -> None:
    commands: list[StartCommand | FireCommand] = [
        StartCommand("lapor-upp", COMPLETE, ADMIN, case_id="c1"),
        FireCommand("c1", "verifikasi", ADMIN, {"klasifikasi": "bukan-ini"}),  # bad data
        FireCommand("c1", "verifikasi", REPORTER, {"klasifikasi": "pengaduan"}),  # bad role
        FireCommand("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}),
        FireCommand("c1", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"}),
        FireCommand("nope", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}),  # no case
        FireCommand("c1", "tindak_lanjuti", OTHER_OFFICER),  # another unit: guard refuses
        FireCommand("c1", "tindak_lanjuti", OFFICER),
    ]
    outcomes = engine.submit(commands)
    errors = [type(o.error) if o.error is not None else None for o in outcomes]
    assert errors == [
        None,
        InvalidEventData,
        RoleNotPermitted,
        None,
        None,
        CaseNotFound,
        GuardRejected,
        None,
    ]
    assert [o.case is None for o in outcomes] == [
        False,
        True,
        True,
        False,
        False,
        True,
        True,
        False,
    ]
    assert [e.event for e in engine.history("c1")] == [
        "@start",
        "verifikasi",
        "disposisi",
        "tindak_lanjuti",
    ]


def test_a_group_is_idempotent_per_command_id(engine: Engine) -> None:
    commands = _commands("c1", ids=True)
    first = engine.submit(commands[:3])
    again = engine.submit(commands)  # the first three again, then the rest
    assert [o.case for o in again[:3]] == [o.case for o in first]
    assert len(engine.history("c1")) == len(commands)
    repeat = engine.submit([commands[1], commands[1]])  # already done, twice in one group
    assert [o.case for o in repeat] == [first[1].case, first[1].case]
    reused = engine.submit([FireCommand("c1", "tutup", ADMIN, command_id="c1-1")])
    assert isinstance(reused[0].error, CommandIdReused)
    assert len(engine.history("c1")) == len(commands)


def test_a_repeated_id_inside_one_group_is_recognised(engine: Engine) -> None:
    start = StartCommand("lapor-upp", COMPLETE, ADMIN, case_id="c1", command_id="k")
    outcomes = engine.submit([start, start])
    assert outcomes[0].case == outcomes[1].case
    assert len(engine.history("c1")) == 1


def test_a_blocked_attempt_is_recorded_and_reported(engine: Engine) -> None:
    commands = _commands("c1")[:5]
    commands.append(FireCommand("c1", "setujui_tanggapan", LIAISON, {"tanpa_imbalan": False}))
    outcomes = engine.submit(commands)
    last = outcomes[-1]
    assert isinstance(last.error, EthicsViolation)
    assert last.case is not None
    assert last.case.state == "draf_tanggapan"
    assert engine.history("c1")[-1].event == "@ethics"
    assert engine.get("c1") == last.case


def test_a_group_is_one_sqlite_transaction(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "cases.sqlite3")
    engine = Engine(clock=SimulatedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)), store=store)
    engine.load(LAPOR)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    engine.submit(_commands("c1") + _commands("c2"))
    store._db.set_trace_callback(None)
    assert statements.count("BEGIN IMMEDIATE") == 1
    assert statements.count("COMMIT") == 1
    assert len(engine.history("c2")) == len(PATH) + 1
    store.close()
