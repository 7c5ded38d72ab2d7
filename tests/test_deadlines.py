"""Service-standard deadlines on the LAPOR! SOP: arming, pauses, sweeps, extensions, calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_engine import (
    Actor,
    DayOff,
    Engine,
    ExtensionRefused,
    RoleNotPermitted,
    SimulatedClock,
    load_definition,
)

from conftest import ADMIN, ATTEST, COMPLETE, LAPOR, LIAISON, OFFICER, REPORTER

WIB = ZoneInfo("Asia/Jakarta")
SUPERVISOR = Actor("pak-kabid", "atasan")


def _at(d: int, hh: int = 9, month: int = 3) -> datetime:
    return datetime(2026, month, d, hh, 0, tzinfo=WIB)


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(_at(2))  # Monday 2 March 2026, 09:00 WIB


def _deadline(engine: Engine, case_id: str, name: str):  # type: ignore[no-untyped-def]
    return next(d for d in engine.get(case_id).deadlines if d.name == name)


def _due_local(engine: Engine, case_id: str, name: str) -> str:
    due = _deadline(engine, case_id, name).due_at
    assert due is not None
    return due.astimezone(WIB).strftime("%Y-%m-%d %H:%M")


def _dispose(engine: Engine, case_id: str = "c1") -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id=case_id)
    engine.fire(case_id, "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire(case_id, "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})


def test_verification_clock_is_armed_at_intake(engine: Engine) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    d = _deadline(engine, "c1", "verifikasi")
    assert (d.status, d.arming, d.unit, d.amount) == ("running", 1, "working_days", 3.0)
    assert _due_local(engine, "c1", "verifikasi") == "2026-03-05 16:00"  # Thu, end of office hours
    assert d.calendar_version == engine.calendar(engine.sop("lapor-upp")).version


def test_completion_duration_depends_on_classification(engine: Engine) -> None:
    for cid, payload, due in [
        ("a", {"klasifikasi": "aspirasi"}, "2026-03-09 16:00"),
        ("p", {"klasifikasi": "pengaduan"}, "2026-03-27 16:00"),  # 14 wd across Nyepi/Idul Fitri
        ("w", {"klasifikasi": "pengaduan", "berkadar_pengawasan": True}, "2026-06-10 16:00"),
    ]:
        engine.start("lapor-upp", COMPLETE, ADMIN, case_id=cid)
        engine.fire(cid, "verifikasi", ADMIN, payload)
        assert _due_local(engine, cid, "penyelesaian") == due, cid


def test_pause_while_waiting_for_the_reporter(engine: Engine, clock: SimulatedClock) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    clock.set(_at(3))  # Tuesday
    engine.fire("c1", "minta_kelengkapan", ADMIN, {"kekurangan": "foto"})
    assert _deadline(engine, "c1", "verifikasi").status == "paused"
    assert _deadline(engine, "c1", "kelengkapan").status == "running"
    clock.set(_at(9))  # the following Monday: Tue..Fri were paused (4 working days)
    engine.fire("c1", "lengkapi", REPORTER, {"lokasi": "Jl. Merdeka 1"})
    d = _deadline(engine, "c1", "verifikasi")
    assert (d.status, d.arming) == ("running", 2)
    assert _due_local(engine, "c1", "verifikasi") == "2026-03-11 16:00"  # Thu 5 + 4 working days
    assert _deadline(engine, "c1", "kelengkapan").status == "met"


def test_sweep_reminds_breaches_and_escalates_exactly_once(
    engine: Engine, clock: SimulatedClock
) -> None:
    _dispose(engine)  # tindak_lanjut due Mon 9 March 16:00
    clock.set(_at(6, 8))  # Friday 08:00: the reminder (1 working day before) is due
    report = engine.sweep()
    assert [e.event for e in report.fired] == ["@remind"]
    assert engine.sweep().fired == []  # nothing twice
    clock.set(_at(9, 16))
    assert [(e.event, e.payload["late"]) for e in engine.sweep().fired] == [
        ("@breach", False),
        ("@escalate", False),
    ]
    clock.set(_at(13, 8))  # level 2 is due Thu 12 16:00: fired late
    fired = engine.sweep().fired
    assert [(e.event, e.payload["level"], e.payload["late"]) for e in fired] == [
        ("@escalate", 2, True)
    ]
    assert _deadline(engine, "c1", "tindak_lanjut").level == 2
    kinds = [(n.kind, n.recipients) for n in engine.store.outbox()]
    assert kinds == [
        ("reminder", ("petugas_unit",)),
        ("breach", ("petugas_unit",)),
        ("escalation", ("atasan",)),
        ("escalation", ("pengawas", "admin_instansi")),
    ]
    assert len({n.key for n in engine.store.outbox()}) == 4
    later = engine.sweep(_at(30)).fired  # only the completion clock (due 27 March) is left
    assert {e.payload["deadline"] for e in later} == {"penyelesaian"}


def test_a_met_deadline_never_fires(engine: Engine, clock: SimulatedClock) -> None:
    _dispose(engine)
    engine.fire("c1", "tindak_lanjuti", OFFICER)
    engine.fire("c1", "ajukan_tanggapan", OFFICER, {"tanggapan": "Sudah."})
    assert _deadline(engine, "c1", "tindak_lanjut").status == "met"
    fired = engine.sweep(_at(20)).fired
    assert all(e.payload["deadline"] != "tindak_lanjut" for e in fired)


def test_catch_up_after_downtime_fires_each_missed_item_once_and_late(
    engine: Engine, clock: SimulatedClock
) -> None:
    _dispose(engine)
    clock.set(_at(20))  # nothing swept for almost three weeks
    fired = engine.sweep().fired
    tl = [e for e in fired if e.payload["deadline"] == "tindak_lanjut"]
    assert [e.payload["item"] for e in tl] == ["remind:0", "breach", "level:1", "level:2"]
    assert all(e.payload["late"] for e in tl)
    assert engine.sweep().fired == []


def test_reminders_due_together_are_coalesced(clock: SimulatedClock) -> None:
    text = LAPOR.read_text(encoding="utf-8").replace(
        "      reminders:\n        - before: { working_days: 1 }\n          notify: petugas_unit",
        "      reminders:\n        - before: { working_days: 2 }\n          notify: petugas_unit\n"
        "        - before: { working_days: 1 }\n          notify: petugas_unit",
    )
    engine = Engine(clock=clock)
    engine.add(load_definition("lapor.yaml", text=text, registry=engine.registry))
    _dispose(engine)
    clock.set(_at(6, 9))  # both reminders (Thu 08:00 and Fri 08:00) are due now
    report = engine.sweep()
    reminders = [e for e in report.fired if e.event == "@remind"]
    assert len(reminders) == 1
    assert reminders[0].payload["item"] == "remind:1"
    assert reminders[0].payload["coalesced"] == ["remind:0"]
    assert report.coalesced == 1
    assert engine.sweep(_at(6, 10)).fired == []


def test_expiry_fires_the_timed_transition(engine: Engine, clock: SimulatedClock) -> None:
    _dispose(engine)
    engine.fire("c1", "tindak_lanjuti", OFFICER)
    engine.fire("c1", "ajukan_tanggapan", OFFICER, {"tanggapan": "Sudah."})
    engine.fire("c1", "setujui_tanggapan", LIAISON, ATTEST)
    assert _due_local(engine, "c1", "umpan_balik") == "2026-03-16 16:00"  # 10 working days
    assert engine.sweep(_at(16, 15)).fired == []
    fired = engine.sweep(_at(16, 16)).fired
    assert [e.event for e in fired] == ["@expire", "tutup_otomatis"]
    assert engine.get("c1").state == "selesai"
    assert fired[1].actor.role == "sistem"
    assert engine.sweep(_at(27)).fired == []


def test_unanswered_request_for_information_archives(engine: Engine, clock: SimulatedClock) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engine.fire("c1", "minta_kelengkapan", ADMIN, {"kekurangan": "lokasi tepat"})
    fired = engine.sweep(_at(16, 23) + timedelta(hours=1)).fired  # 14 calendar days later
    assert [e.event for e in fired] == ["@expire", "tutup_tidak_lengkap"]
    case = engine.get("c1")
    assert (case.state, case.data["alasan_arsip"]) == ("diarsipkan", "tidak_memadai")
    assert {d.status for d in case.deadlines} == {"closed"}  # a final state closes every clock


def test_extension_within_the_cap(engine: Engine, clock: SimulatedClock) -> None:
    _dispose(engine)
    before = _due_local(engine, "c1", "tindak_lanjut")
    engine.extend("c1", "tindak_lanjut", SUPERVISOR, 3, "menunggu data dari kelurahan")
    assert (before, _due_local(engine, "c1", "tindak_lanjut")) == (
        "2026-03-09 16:00",
        "2026-03-12 16:00",
    )
    last = engine.history("c1")[-1]
    assert last.event == "@extend"
    assert last.payload["reason"] == "menunggu data dari kelurahan"
    # the first arming's reminder is stale now; the new one fires on Wed 11 March
    assert [e.payload["arming"] for e in engine.sweep(_at(11, 8)).fired] == [2]


@pytest.mark.parametrize(
    ("actor", "amount", "reason", "error", "match"),
    [
        (SUPERVISOR, 8, "alasan", ExtensionRefused, "exceed the cap of 7"),
        (SUPERVISOR, 2, "  ", ExtensionRefused, "a reason is required"),
        (OFFICER, 2, "alasan", RoleNotPermitted, "allowed roles: atasan"),
    ],
)
def test_extension_refusals_change_nothing(
    engine: Engine, actor: Actor, amount: int, reason: str, error: type, match: str
) -> None:
    _dispose(engine)
    before = engine.get("c1")
    with pytest.raises(error, match=match):
        engine.extend("c1", "tindak_lanjut", actor, amount, reason)
    assert engine.get("c1") == before


def test_extension_only_once(engine: Engine) -> None:
    _dispose(engine)
    engine.extend("c1", "tindak_lanjut", SUPERVISOR, 2, "alasan")
    with pytest.raises(ExtensionRefused, match="already extended 1 time"):
        engine.extend("c1", "tindak_lanjut", SUPERVISOR, 2, "alasan lain")
    with pytest.raises(ExtensionRefused, match="allows no extension"):
        engine.extend("c1", "penyelesaian", SUPERVISOR, 1, "alasan")


def test_a_new_holiday_recomputes_open_deadlines_with_an_audit_event(engine: Engine) -> None:
    _dispose(engine)
    sop = engine.sop("lapor-upp")
    old = engine.calendar(sop)
    closure = DayOff(date(2026, 3, 6), "closure", "Banjir: kantor tutup", "SK Wali Kota 12/2026")
    changed = engine.change_calendar("lapor-upp", old.amended(add=[closure]), ADMIN, "banjir")
    assert [c.id for c in changed] == ["c1"]
    assert _due_local(engine, "c1", "tindak_lanjut") == "2026-03-10 16:00"
    last = engine.history("c1")[-1]
    assert last.event == "@recalendar"
    assert {c["deadline"] for c in last.payload["changes"]} == {"tindak_lanjut", "penyelesaian"}
    assert _deadline(engine, "c1", "tindak_lanjut").calendar_version != old.version
    # applying the same calendar again changes nothing
    assert engine.change_calendar("lapor-upp", engine.calendar(sop), ADMIN, "ulang") == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(1, 72), min_size=1, max_size=12))
def test_sweeping_twice_fires_nothing_new(hours: list[int]) -> None:
    clock = SimulatedClock(_at(2))
    engine = Engine(clock=clock)
    engine.load(LAPOR)
    for k in range(3):
        _dispose(engine, f"c{k}")
    seen: set[tuple[str, str, int, str]] = set()
    for h in hours:
        clock.advance(timedelta(hours=h))
        for e in engine.sweep().fired:
            if e.event.startswith("@"):
                key = (e.case_id, e.payload["deadline"], e.payload["arming"], e.payload["item"])
                assert key not in seen
                seen.add(key)
        assert engine.sweep().fired == []
    for k in range(3):
        assert len(engine.history(f"c{k}")) == engine.get(f"c{k}").version


def test_utc_clock_start_counts_in_the_agency_zone() -> None:
    # 18:00 UTC on Sunday 1 March is 01:00 WIB on Monday 2 March: counted from Monday
    clock = SimulatedClock(datetime(2026, 3, 1, 18, 0, tzinfo=UTC))
    engine = Engine(clock=clock)
    engine.load(LAPOR)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    assert _due_local(engine, "c1", "verifikasi") == "2026-03-05 16:00"


def test_an_agency_registers_its_own_calendar_through_a_plugin(clock: SimulatedClock) -> None:
    """A province with a local holiday registers calendar 'ID-BALI' and an SOP uses it by id."""
    from sop_engine import Registry, hookimpl, indonesia
    from sop_engine._core.text import Text
    from sop_engine._spec.specs import CalendarSpec

    galungan = DayOff(date(2026, 3, 3), "cuti_daerah", "Hari Raya Galungan", "Pergub Bali")

    class Bali:
        @hookimpl
        def sop_engine_calendars(self) -> list[CalendarSpec]:
            def build(**kwargs: object) -> object:
                return indonesia(**kwargs).amended(add=[galungan])  # type: ignore[arg-type]

            return [CalendarSpec("ID-BALI", Text("Bali"), build)]  # type: ignore[arg-type]

    registry = Registry(plugins=[Bali()], load_entry_points=False)
    text = LAPOR.read_text(encoding="utf-8").replace(
        "    id: ID\n    zone: Asia/Jakarta", "    id: ID-BALI\n    zone: Asia/Makassar"
    )
    engine = Engine(clock=clock, registry=registry)
    engine.add(load_definition("bali.yaml", text=text, registry=registry))
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    due = _deadline(engine, "c1", "verifikasi").due_at
    assert due is not None
    # Tue 3 March is Galungan: Mon 2 March + 3 working days is Fri 6 March, 16:00 WITA
    assert due.astimezone(ZoneInfo("Asia/Makassar")).strftime("%Y-%m-%d %H:%M") == (
        "2026-03-06 16:00"
    )
    # without the plugin the SOP does not lint: the calendar is unknown
    from sop_engine import lint_text

    codes = [f.code for f in lint_text(text, name="bali.yaml", registry=Registry())]
    assert codes == ["SOP044"]


def test_an_escalation_level_can_fire_an_sop_event(clock: SimulatedClock) -> None:
    """Level 2 of the follow-up ladder takes the case back from the unit (event by 'sistem')."""
    text = LAPOR.read_text(encoding="utf-8")
    text = text.replace(
        "  tutup_otomatis:\n",
        "  tarik_disposisi:\n    label: Tarik disposisi dari unit\n    roles: sistem\n"
        "  tutup_otomatis:\n",
    )
    text = text.replace(
        "  # -- umpan balik pelapor",
        "  - event: tarik_disposisi\n    from: terdisposisi\n    to: terverifikasi\n"
        "    actions:\n      - clear_field: { field: unit_tujuan }\n\n  # -- umpan balik pelapor",
    )
    text = text.replace(
        "          notify: [pengawas, admin_instansi]\n",
        "          notify: [pengawas, admin_instansi]\n          event: tarik_disposisi\n",
    )
    engine = Engine(clock=clock)
    engine.add(load_definition("lapor.yaml", text=text, registry=engine.registry))
    _dispose(engine)
    fired = engine.sweep(_at(12, 17)).fired
    assert [e.event for e in fired if e.case_id == "c1"][-2:] == ["@escalate", "tarik_disposisi"]
    case = engine.get("c1")
    assert case.state == "terverifikasi"
    assert "unit_tujuan" not in case.data
    assert _deadline(engine, "c1", "tindak_lanjut").status == "met"
    assert engine.history("c1")[-1].actor.role == "sistem"


_MINI_DEADLINES = """\
sop:
  id: mini
  version: "1"
  title: Mini SOP
  agency: Dinas Contoh
roles:
  petugas: { label: Petugas }
states:
  baru: { label: Baru, initial: true }
  selesai: { label: Selesai, final: true }
events:
  tutup: { label: Tutup, roles: petugas }
transitions:
  - { event: tutup, from: baru, to: selesai }
deadlines:
  calendar:
    id: ID
    zone: Asia/Jakarta
    {line}
  clocks:
    proses:
      duration: { working_days: 2 }
      start: { enter: baru }
      stop: { enter: selesai }
"""


@pytest.mark.parametrize(
    ("line", "column", "value"),
    [
        ("days_off: [{date: 2026-02-30, name: Cuti}]", 23, "2026-02-30"),
        ("days_off: [{name: Cuti, date: '2026-13-01'}]", 35, "2026-13-01"),
        ("working_days: [2026-02-07, 2026-04-31]", 32, "2026-04-31"),
        ("working_days: [besok]", 20, "besok"),
    ],
)
def test_an_impossible_date_in_the_calendar_is_a_finding(
    line: str, column: int, value: str, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from sop_engine import lint_text
    from sop_engine.cli import main

    text = _MINI_DEADLINES.replace("{line}", line)
    findings = lint_text(text, name="mini.yaml")
    assert [(f.code, f.line, f.column) for f in findings] == [("SOP014", 19, column)]
    assert value in findings[0].message("en")
    assert value in findings[0].message("id")
    assert "YYYY-MM-DD" in findings[0].hint("en")
    assert "YYYY-MM-DD" in findings[0].hint("id")
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert f"{path}:19:{column}: SOP014" in result.output


@pytest.mark.parametrize(
    "line", ['office_hours: "25:00-26:00"', 'cutoff: "24:00"', 'office_hours: "08:60-16:00"']
)
def test_an_impossible_time_in_the_calendar_is_a_finding(line: str) -> None:
    from sop_engine import lint_text

    findings = lint_text(_MINI_DEADLINES.replace("{line}", line), name="mini.yaml")
    assert [(f.code, f.line) for f in findings] == [("SOP013", 19)]
