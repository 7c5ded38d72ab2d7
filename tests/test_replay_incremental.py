"""The replay invariant of ``sop test`` feeds a kept engine only the new events (issue 19).

Replaying the whole trail after every step made a scenario quadratic in its length. The kept
replay must find exactly what a full replay finds: a changed new event, a changed old event,
a snapshot that does not match, and again nothing once the trail is sound.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs

from sop_engine import Actor, Engine, Registry, SimulatedClock, compile_sop, load_definition
from sop_engine._ops.replay import CaseReplay, replay_case

from conftest import LAPOR

ADMIN = Actor("siti", "admin_instansi")
OFFICER = Actor("budi", "petugas_unit", "dinas_pupr")
DATA = {
    "pelapor": "p",
    "kanal": "sms",
    "kerahasiaan": "biasa",
    "judul": "Jalan",
    "kronologi": "Lubang",
    "lokasi": "Jl. A",
}
STEPS = [
    ("verifikasi", ADMIN, {"klasifikasi": "pengaduan"}),
    ("disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"}),
    ("tindak_lanjuti", OFFICER, {}),
]


def _world() -> tuple[Engine, SimulatedClock, Registry, object]:
    registry = Registry(load_entry_points=False)
    sop = compile_sop(load_definition(LAPOR, registry=registry), registry)
    clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    engine = Engine(clock=clock, registry=registry)
    engine.add(sop)
    return engine, clock, registry, sop


def test_kept_replay_agrees_with_a_full_replay_step_by_step() -> None:
    engine, clock, registry, sop = _world()
    engine.start("lapor-upp", DATA, ADMIN, case_id="c")
    kept = CaseReplay(sop, registry)  # type: ignore[arg-type]
    assert kept.check(engine.get("c"), engine.history("c")) is None
    for event, actor, payload in STEPS:
        clock.advance(timedelta(hours=3))
        engine.fire("c", event, actor, payload)
        clock.advance(timedelta(days=4))
        engine.sweep()  # reminders and breaches: events the engine writes by itself
        case, trail = engine.get("c"), engine.history("c")
        assert kept.check(case, trail) is None
        assert replay_case(case, trail, sop, registry) is None  # type: ignore[arg-type]
    assert len(engine.history("c")) > len(STEPS) + 1


def test_kept_replay_finds_a_changed_new_event_and_a_changed_old_one() -> None:
    engine, clock, registry, sop = _world()
    engine.start("lapor-upp", DATA, ADMIN, case_id="c")
    kept = CaseReplay(sop, registry)  # type: ignore[arg-type]
    for event, actor, payload in STEPS[:2]:
        clock.advance(timedelta(hours=1))
        engine.fire("c", event, actor, payload)
        assert kept.check(engine.get("c"), engine.history("c")) is None
    case, trail = engine.get("c"), list(engine.history("c"))
    # the newest event says another unit than the one the case went to
    forged_new = [*trail[:-1], attrs.evolve(trail[-1], payload={"unit_tujuan": "bappeda"})]
    found = kept.check(case, forged_new)
    full = replay_case(case, forged_new, sop, registry)  # type: ignore[arg-type]
    assert found is not None
    assert full is not None
    assert (found.seq, found.reason) == (full.seq, full.reason)
    # the kept replay starts again after a problem and accepts the sound trail
    assert kept.check(case, trail) is None
    # an old event rewritten behind the kept replay's back: a new object, so a full replay
    forged_old = [trail[0], attrs.evolve(trail[1], payload={"klasifikasi": "aspirasi"}), *trail[2:]]
    found = kept.check(case, forged_old)
    full = replay_case(case, forged_old, sop, registry)  # type: ignore[arg-type]
    assert found is not None
    assert full is not None
    assert (found.seq, found.reason) == (full.seq, full.reason)
    assert "klasifikasi" in found.reason
    # a snapshot that is not what the events produce
    assert kept.check(case, trail) is None
    wrong = attrs.evolve(case, state="selesai")
    found = kept.check(wrong, trail)
    assert found is not None
    assert "snapshot" in found.reason
