"""Regression tests for the defects the old shape of the core caused (issue 13).

Each failed on the flat engine: events written outside the command path never reached
listeners, ``available()`` asked a second machine, case data could be changed behind the trail,
and a stored SOP text was compiled without checking it against the hash cases are pinned to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from sop_engine import (
    Actor,
    AuditEvent,
    Case,
    Engine,
    ExtensionFailed,
    GuardSpec,
    Registry,
    SimulatedClock,
    SopError,
    Text,
    hookimpl,
    load_definition,
)
from sop_engine._core.errors import SopTextTampered
from sop_engine._core.protocol import ItemKind, SystemEvent, TimerItem
from sop_engine._persistence.sqlite import SqliteStore
from test_ethics import ADMIN as MINI_ADMIN
from test_ethics import PENGAWAS, PETUGAS, T0, mini, start

from conftest import ADMIN, COMPLETE, LAPOR, OFFICER


def test_declarations_and_reveals_reach_event_listeners() -> None:
    engine = mini()
    seen: list[tuple[str, int]] = []
    engine.listen("uji", lambda case, event: seen.append((str(event.event), event.seq)))
    start(engine, kerahasiaan="anonim")
    engine.declare("c1", PETUGAS, conflict=False)
    request = engine.request_reveal("c1", PENGAWAS, "pemeriksaan Inspektorat atas laporan balasan")
    engine.approve_reveal("c1", request, MINI_ADMIN)
    engine.reveal("c1", PENGAWAS, request)
    assert seen == [
        ("@start", 1),
        ("@declare", 2),
        ("@reveal_request", 3),
        ("@reveal_approve", 4),
        ("@reveal", 5),
    ]


# -- available() is a dry run of the command pipeline ------------------------------------------


def test_available_builds_no_state_machine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import transitions

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("available() must not build a transitions.Machine")

    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    monkeypatch.setattr(transitions.Machine, "__init__", refuse)
    assert [a.event for a in engine.available("c1", ADMIN)][:1] == ["verifikasi"]


def _raising_guard_engine() -> Engine:
    class Plugin:
        @hookimpl
        def sop_engine_guards(self) -> list[GuardSpec]:
            def bind(params: Mapping[str, Any]) -> Any:
                def guard(case: Case, actor: Actor, payload: Mapping[str, Any]) -> Text | None:
                    raise RuntimeError("plugin bug")

                return guard

            return [GuardSpec("rapuh", Text("x"), {"type": "object"}, bind)]

    registry = Registry(load_entry_points=False, plugins=[Plugin()])
    text = """
sop: { id: mini, version: "1", title: Mini, agency: Dinas Contoh }
roles: { petugas: { label: Petugas } }
fields: { judul: { type: text, label: Judul } }
states:
  baru: { label: Baru, initial: true }
  selesai: { label: Selesai, final: true }
events:
  tutup: { label: Tutup, roles: petugas }
transitions:
  - { event: tutup, from: baru, to: selesai, guards: [ { rapuh: {} } ] }
"""
    engine = Engine(registry=registry, clock=SimulatedClock(T0))
    engine.add(load_definition("mini.yaml", text=text, registry=registry))
    engine.start("mini", {"judul": "x"}, Actor("p", "petugas"), case_id="c1")
    return engine


def test_a_guard_that_raises_in_available_is_wrapped_like_in_fire() -> None:
    engine = _raising_guard_engine()
    with pytest.raises(ExtensionFailed) as fired:
        engine.fire("c1", "tutup", Actor("p", "petugas"))
    with pytest.raises(ExtensionFailed) as listed:
        engine.available("c1", Actor("p", "petugas"))
    assert (listed.value.kind, listed.value.name) == (fired.value.kind, fired.value.name)


# -- case data and payloads are read-only -------------------------------------------------------


def test_case_data_cannot_be_changed_behind_the_trail() -> None:
    engine = mini()
    start(engine, kerahasiaan="anonim", telepon="08123456789")
    case = engine.get("c1")
    with pytest.raises(TypeError, match="read-only"):
        case.data["kerahasiaan"] = "biasa"  # type: ignore[index]
    with pytest.raises(TypeError, match="read-only"):
        case.data.update(kerahasiaan="biasa")  # type: ignore[attr-defined]
    first = engine.history("c1")[0]
    with pytest.raises(TypeError, match="read-only"):
        first.payload["pelapor"] = "orang lain"  # type: ignore[index]
    engine.fire("c1", "proses", PETUGAS)
    assert engine.get("c1").data["kerahasiaan"] == "anonim"
    assert engine.history("c1")[0].payload["pelapor"] == "Ani Lestari"
    assert engine.view("c1", PETUGAS).case.data["pelapor"] != "Ani Lestari"


def test_nested_values_are_read_only_and_copies_are_free() -> None:
    case = Case("c1", "s", "h", "baru", {"unit": ["a", "b"], "meta": {"x": [1]}}, 1)
    with pytest.raises(TypeError):
        case.data["unit"].append("c")
    with pytest.raises(TypeError):
        case.data["meta"]["x"].append(2)
    copy = dict(case.data)
    copy["unit"] = [*case.data["unit"], "c"]
    assert case.data == {"unit": ["a", "b"], "meta": {"x": [1]}}
    assert copy["unit"] == ["a", "b", "c"]


def test_a_listener_cannot_change_the_case_it_is_told_about(engine: Engine) -> None:
    def meddle(case: Case, event: AuditEvent) -> None:
        case.data["kerahasiaan"] = "biasa"  # type: ignore[index]

    engine.listen("meddler", meddle)
    data = {**COMPLETE, "kerahasiaan": "anonim"}
    engine.start("lapor-upp", data, ADMIN, case_id="c1")
    assert engine.get("c1").data["kerahasiaan"] == "anonim"
    assert engine.history("c1")[0].payload["kerahasiaan"] == "anonim"
    assert "read-only" in engine.listener_failures[-1].error


# -- a stored SOP text is verified before it is compiled ----------------------------------------


def _tamper(db: Path, old: str, new: str) -> None:
    conn = sqlite3.connect(db)
    ((source,),) = conn.execute("SELECT source FROM sops").fetchall()
    assert old in source
    conn.execute("UPDATE sops SET source = ?", (source.replace(old, new),))
    conn.commit()
    conn.close()


def test_a_tampered_sop_text_is_refused_before_it_takes_effect(tmp_path: Path) -> None:
    db = tmp_path / "sop.sqlite3"
    registry = Registry()
    first = Engine(store=SqliteStore(db), clock=SimulatedClock(T0), registry=registry)
    first.load(LAPOR)
    first.start("lapor-upp", {**COMPLETE, "terlapor": OFFICER.id}, ADMIN, case_id="c1")
    first.store.close()  # type: ignore[attr-defined]
    # an insider turns the conflict-of-interest rule from "block" into "flag"
    rule = (
        "with: { official: terlapor }\n      when: { events: [verifikasi, disposisi, "
        "tindak_lanjuti, ajukan_tanggapan, setujui_tanggapan] }\n      severity: "
    )
    _tamper(db, rule + "block", rule + "flag")
    later = Engine(store=SqliteStore(db), clock=SimulatedClock(T0), registry=registry)
    with pytest.raises(SopTextTampered) as refused:
        later.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    assert isinstance(refused.value, SopError)
    assert len(later.history("c1")) == 1  # nothing written
    later.store.close()  # type: ignore[attr-defined]


# -- protocol values ----------------------------------------------------------------------------


def test_system_events_and_timer_items_are_typed_and_keep_their_text() -> None:
    assert SystemEvent.EXTEND == "@extend"
    item = TimerItem.coerce("then:level:2")
    assert (item.kind, item.number, item.follow_up) == (ItemKind.LEVEL, 2, True)
    assert item == "then:level:2"
    assert TimerItem.of(ItemKind.REMIND, 1) == "remind:1"
    assert TimerItem.coerce("expiry").then() == "then:expiry"
    assert ItemKind.LEVEL.audit_event is SystemEvent.ESCALATE
    for bad in ("remind", "level:x", "breach:1", "then:", "expiry;DROP"):
        with pytest.raises(ValueError, match="not a timer item"):
            TimerItem.coerce(bad)


# -- an adopted calendar is stored: restarts and other workers count with it --------------------


def test_an_adopted_calendar_survives_a_restart_and_reaches_other_processes(
    tmp_path: Path,
) -> None:
    from datetime import date

    from sop_engine import DayOff

    db = tmp_path / "sop.sqlite3"
    registry = Registry()
    first = Engine(store=SqliteStore(db), clock=SimulatedClock(T0), registry=registry)
    sop = first.load(LAPOR)
    declared = first.calendar(sop)
    closure = DayOff(date(2026, 3, 4), "closure", "Banjir: kantor tutup", "SK Wali Kota 12/2026")
    adopted = declared.amended(add=[closure])
    first.change_calendar("lapor-upp", adopted, ADMIN, "banjir")
    # another process on the same database (a restart, a worker) that loads the same file
    other = Engine(store=SqliteStore(db), clock=SimulatedClock(T0), registry=registry)
    assert other.calendar(other.load(LAPOR)).version == adopted.version
    other.start("lapor-upp", COMPLETE, ADMIN, case_id="c2")
    verification = next(d for d in other.get("c2").deadlines if d.name == "verifikasi")
    assert verification.calendar_version == adopted.version
    # and a process that meets the case without loading the file pins the same calendar
    third = Engine(store=SqliteStore(db), clock=SimulatedClock(T0), registry=registry)
    assert third.calendar(third.sop(sop.hash)).version == adopted.version
    for e in (first, other, third):
        e.store.close()  # type: ignore[attr-defined]
