"""Deadline rules that published service standards state (issue 20): a duration chosen by data
decided later, a clock that applies only when the data says so, calendar-day deadlines rolled
off a day off, the end of a calendar-day deadline, escalation on the next working day, and what
deadline notifications say."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sop_engine import Actor, Engine, SimulatedClock, lint_text, load_definition

WIB = ZoneInfo("Asia/Jakarta")
OFFICER = Actor("budi", "petugas", unit="sekretariat")
SUPERVISOR = Actor("kabid", "atasan")

# A provincial education office's complaint standard: a reply in 5 working days, or 10 when
# another authority must be involved (decided at triage); an acknowledgement in 3 working days
# if the address is clear; the reporter's missing information within 14 days, rolled to the next
# working day.
SOP = """\
sop: { id: disdik, version: "1", title: Pengaduan Dinas Pendidikan, agency: Dinas Pendidikan }
roles:
  petugas: { label: Petugas }
  atasan: { label: Atasan }
  pengawas: { label: Pengawas }
  sistem: { label: Sistem }
fields:
  pelapor: { type: ref, ref: person, personal: true }
  judul: { type: text, required: true }
  alamat_jelas: { type: bool }
  perlu_koordinasi: { type: bool }
  nomor_tracking: { type: text }
  nomor_agenda: { type: text }
  unit_tujuan: { type: text }
states:
  diterima: { label: Diterima, initial: true }
  ditelaah: { label: Ditelaah }
  menunggu: { label: Menunggu kelengkapan, waiting: true }
  dijawab: { label: Dijawab, final: true }
  ditutup: { label: Ditutup, final: true }
events:
  telaah:
    label: Telaah
    roles: petugas
    data:
      perlu_koordinasi: { required: false }
      alamat_jelas: { required: false }
  ubah:
    label: Ubah telaah
    roles: petugas
    data:
      perlu_koordinasi: { required: false }
      alamat_jelas: { required: false }
  tanda_terima: { label: Kirim tanda terima, roles: petugas }
  minta: { label: Minta kelengkapan, roles: petugas }
  lengkapi: { label: Lengkapi, roles: petugas }
  jawab: { label: Jawab, roles: petugas }
  tutup: { label: Tutup, roles: sistem }
transitions:
  - { event: telaah, from: diterima, to: ditelaah }
  - { event: ubah, from: ditelaah, to: ditelaah }
  - { event: tanda_terima, from: [diterima, ditelaah], to: ditelaah }
  - { event: minta, from: ditelaah, to: menunggu }
  - { event: lengkapi, from: menunggu, to: ditelaah }
  - { event: jawab, from: ditelaah, to: dijawab }
  - { event: tutup, from: menunggu, to: ditutup }
deadlines:
  calendar: { id: ID, zone: Asia/Jakarta, office_hours: "08:00-16:00" }
  notifications:
    title: judul
    unit: unit_tujuan
    tracking_id: nomor_tracking
    case_number: nomor_agenda
  clocks:
    jawaban:
      label: { id: Jawaban (5 atau 10 hari kerja), en: Reply (5 or 10 working days) }
      duration:
        - when: { perlu_koordinasi: true }
          working_days: 10
        - working_days: 5
      start: { enter: diterima }
      stop: { enter: dijawab }
      pause: menunggu
      escalation:
        - after: { working_hours: 1 }
          notify: atasan
          label: { id: Atasan langsung, en: Line manager }
        - after: { working_days: 2 }
          notify: pengawas
    tanda_terima:
      duration: { working_days: 3 }
      applies_when: { alamat_jelas: true }
      start: { enter: diterima }
      stop: { event: tanda_terima }
      breach:
        notify: atasan
    kelengkapan:
      duration: { days: 14 }
      roll: next_working_day
      start: { enter: menunggu }
      stop: { leave: menunggu }
      on_expiry: { event: tutup }
"""


def _engine(clock: SimulatedClock, text: str = SOP) -> Engine:
    engine = Engine(clock=clock)
    engine.add(load_definition("disdik.yaml", text=text))
    return engine


def _due(engine: Engine, case_id: str, name: str) -> str | None:
    d = next((d for d in engine.get(case_id).deadlines if d.name == name), None)
    if d is None or d.due_at is None:
        return None
    return d.due_at.astimezone(WIB).strftime("%Y-%m-%d %H:%M")


def _status(engine: Engine, case_id: str, name: str) -> str | None:
    d = next((d for d in engine.get(case_id).deadlines if d.name == name), None)
    return None if d is None else d.status


def _at(month: int, day: int, hh: int = 9) -> datetime:
    return datetime(2026, month, day, hh, 0, tzinfo=WIB)


# -- 1. a duration chosen by data decided later -------------------------------------------------


def test_coordination_decided_at_triage_moves_the_reply_deadline() -> None:
    """'5 hk, or 10 hk when coordination is needed': received Tue 12 May 2026, the flag set at
    triage the next day; the deadline is 2 June (10 hk), not 21 May (5 hk), and the trail says
    why it moved."""
    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock)
    engine.start("disdik", {"judul": "Ijazah belum keluar"}, OFFICER, case_id="c1")
    assert _due(engine, "c1", "jawaban") == "2026-05-21 16:00"
    clock.set(_at(5, 13))
    engine.fire("c1", "telaah", OFFICER, {"perlu_koordinasi": True})
    assert _due(engine, "c1", "jawaban") == "2026-06-02 16:00"
    d = next(d for d in engine.get("c1").deadlines if d.name == "jawaban")
    assert (d.status, d.arming, d.amount, d.anchor) == ("running", 2, 10.0, _at(5, 12))
    last = engine.history("c1")[-1]
    assert last.event == "telaah"
    assert last.payload["perlu_koordinasi"] is True
    (rearm,) = last.payload["@deadlines"]
    assert rearm["deadline"] == "jawaban"
    assert rearm["reason"] == "duration"
    assert rearm["fields"] == ["perlu_koordinasi"]
    assert (rearm["amount_before"], rearm["amount_after"]) == (5.0, 10.0)
    assert datetime.fromisoformat(rearm["due_before"]) == _at(5, 21, 16)
    assert datetime.fromisoformat(rearm["due_after"]) == _at(6, 2, 16)
    # the old arming's timers are stale: nothing fires on 21 May
    assert [e.event for e in engine.sweep(_at(5, 22)).fired] == []
    fired = engine.sweep(_at(6, 2, 17)).fired
    assert [(e.event, e.payload["arming"]) for e in fired] == [("@breach", 2)]


def test_coordination_withdrawn_shortens_it_again_and_pauses_are_kept() -> None:
    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock)
    engine.start("disdik", {"judul": "x"}, OFFICER, case_id="c1")
    engine.fire("c1", "telaah", OFFICER, {"perlu_koordinasi": True})
    clock.set(_at(5, 13))
    engine.fire("c1", "minta", OFFICER)
    clock.set(_at(5, 18))  # Wed 13 .. Fri 15 (Thu/Fri are days off): one working day paused
    engine.fire("c1", "lengkapi", OFFICER)
    assert _due(engine, "c1", "jawaban") == "2026-06-03 16:00"  # 10 + 1 working days
    engine.fire("c1", "ubah", OFFICER, {"perlu_koordinasi": False})
    assert _due(engine, "c1", "jawaban") == "2026-05-22 16:00"  # 5 + 1 working days
    (rearm,) = engine.history("c1")[-1].payload["@deadlines"]
    assert (rearm["amount_before"], rearm["amount_after"]) == (11.0, 6.0)


def test_an_event_that_changes_nothing_the_table_reads_rearms_nothing() -> None:
    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock)
    engine.start("disdik", {"judul": "x", "perlu_koordinasi": True}, OFFICER, case_id="c1")
    engine.fire("c1", "telaah", OFFICER, {"perlu_koordinasi": True})
    assert "@deadlines" not in engine.history("c1")[-1].payload
    assert _due(engine, "c1", "jawaban") == "2026-06-02 16:00"


def test_a_met_deadline_is_not_reopened_by_later_data() -> None:
    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock, SOP.replace("stop: { enter: dijawab }", "stop: { enter: ditelaah }"))
    engine.start("disdik", {"judul": "x"}, OFFICER, case_id="c1")
    engine.fire("c1", "telaah", OFFICER)
    engine.fire("c1", "ubah", OFFICER, {"perlu_koordinasi": True})
    assert _status(engine, "c1", "jawaban") == "met"
    assert _due(engine, "c1", "jawaban") == "2026-05-21 16:00"


def test_replaying_a_trail_with_a_rearmed_deadline_gives_the_same_trail() -> None:
    from sop_engine._ops.replay import replay_case

    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock)
    engine.start("disdik", {"judul": "x"}, OFFICER, case_id="c1")
    engine.fire("c1", "telaah", OFFICER, {"perlu_koordinasi": True})
    sop = engine.sop("disdik")
    assert replay_case(engine.get("c1"), engine.history("c1"), sop, engine.registry) is None


# -- 2. a clock that applies only when the data says so -----------------------------------------


def test_acknowledgement_runs_only_when_the_address_is_clear() -> None:
    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock)
    engine.start("disdik", {"judul": "x", "alamat_jelas": True}, OFFICER, case_id="yes")
    engine.start("disdik", {"judul": "x"}, OFFICER, case_id="no")
    assert _due(engine, "yes", "tanda_terima") == "2026-05-19 16:00"  # 14-15 May are days off
    assert _status(engine, "no", "tanda_terima") is None


def test_an_address_found_unclear_withdraws_the_acknowledgement() -> None:
    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock)
    engine.start("disdik", {"judul": "x", "alamat_jelas": True}, OFFICER, case_id="c1")
    engine.fire("c1", "telaah", OFFICER, {"alamat_jelas": False})
    assert _status(engine, "c1", "tanda_terima") == "withdrawn"
    (rearm,) = engine.history("c1")[-1].payload["@deadlines"]
    assert (rearm["deadline"], rearm["reason"], rearm["due_after"]) == (
        "tanda_terima",
        "withdrawn",
        None,
    )
    fired = engine.sweep(_at(5, 30)).fired
    assert fired
    assert all(e.payload["deadline"] == "jawaban" for e in fired)
    # withdrawn acknowledgement: no breach of a clock that does not apply


# -- 3. calendar-day deadlines on a day off ------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "rolled", "plain"),
    [
        ((4, 5), "2026-04-20 16:00", "2026-04-19 16:00"),  # 14 days → Sunday 19 April
        ((3, 6), "2026-03-25 16:00", "2026-03-20 16:00"),  # → cuti bersama 20 March (Idul Fitri)
        ((3, 2), "2026-03-16 16:00", "2026-03-16 16:00"),  # → Monday: a working day stays
    ],
)
def test_fourteen_days_rolls_to_the_next_working_day(
    asked: tuple[int, int], rolled: str, plain: str
) -> None:
    """The end of a calendar-day deadline is the end of office hours (16:00) when they are set,
    as for working days; with ``roll: next_working_day`` a due day off moves forward."""
    for text, want in ((SOP, rolled), (SOP.replace("roll: next_working_day", ""), plain)):
        clock = SimulatedClock(_at(*asked))
        engine = _engine(clock, text)
        engine.start("disdik", {"judul": "x"}, OFFICER, case_id="c1")
        engine.fire("c1", "telaah", OFFICER)
        engine.fire("c1", "minta", OFFICER)
        assert _due(engine, "c1", "kelengkapan") == want


def test_a_rolled_deadline_stays_rolled_when_the_calendar_changes() -> None:
    from sop_engine import DayOff

    clock = SimulatedClock(_at(4, 5))
    engine = _engine(clock)
    engine.start("disdik", {"judul": "x"}, OFFICER, case_id="c1")
    engine.fire("c1", "telaah", OFFICER)
    engine.fire("c1", "minta", OFFICER)
    sop = engine.sop("disdik")
    closed = engine.calendar(sop).amended(
        add=[DayOff(_at(4, 20).date(), "closure", "Banjir", "SK Kepala Dinas")]
    )
    engine.change_calendar("disdik", closed, SUPERVISOR, "kantor tutup karena banjir")
    assert _due(engine, "c1", "kelengkapan") == "2026-04-21 16:00"


def test_roll_without_calendar_days_is_a_warning() -> None:
    text = SOP.replace("roll: next_working_day", "").replace(
        "duration: { working_days: 3 }",
        "duration: { working_days: 3 }\n      roll: next_working_day",
    )
    codes = [f.code for f in lint_text(text)]
    assert codes == ["SOP130"]


# -- 4. escalation on the next working day ---------------------------------------------------


def test_escalation_one_working_hour_after_the_due_instant_is_0900_next_working_day() -> None:
    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock)
    engine.start("disdik", {"judul": "x"}, OFFICER, case_id="c1")  # due Thu 21 May 16:00
    assert [e.event for e in engine.sweep(_at(5, 21, 16)).fired] == ["@breach"]
    assert [e.event for e in engine.sweep(_at(5, 22, 8)).fired] == []
    fired = engine.sweep(_at(5, 22, 9)).fired  # Fri 22 May 09:00: one office hour later
    assert [(e.event, e.payload["level"]) for e in fired] == [("@escalate", 1)]
    assert datetime.fromisoformat(fired[0].payload["scheduled_at"]) == _at(5, 22, 9)


# -- 5. what notifications say --------------------------------------------------------------------


def _notes(engine: Engine) -> list[tuple[str, tuple[str, ...], dict[str, object]]]:
    return [(n.kind, n.recipients, dict(n.payload)) for n in engine.store.outbox()]


def test_breach_recipients_are_set_by_the_sop() -> None:
    """A clock without reminders told nobody of its breach; ``breach: {notify}`` names them."""
    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock)
    engine.start("disdik", {"judul": "x", "alamat_jelas": True}, OFFICER, case_id="c1")
    engine.sweep(_at(5, 19, 17))
    assert [(k, r) for k, r, _ in _notes(engine)] == [("breach", ("atasan",))]


def test_notifications_carry_unit_title_tracking_id_and_case_number() -> None:
    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock)
    data = {
        "judul": "Ijazah Ani Wijaya belum keluar, hubungi 0812-3456-7890",
        "pelapor": "Ani Wijaya",
        "nomor_tracking": "LAP-2026-0042",
        "nomor_agenda": "421/117/Disdik",
        "unit_tujuan": "bidang_sma",
    }
    engine.start("disdik", data, OFFICER, case_id="c1")
    engine.sweep(_at(5, 22, 9))  # the breach (nobody told: no reminders) and level 1
    ((kind, recipients, payload),) = _notes(engine)
    assert (kind, recipients) == ("escalation", ("atasan",))
    assert payload["case"] == {
        "title": "Ijazah Ani Wijaya belum keluar, hubungi [telepon-1]",
        "unit": "bidang_sma",
        "tracking_id": "LAP-2026-0042",
        "case_number": "421/117/Disdik",
    }
    assert payload["clock"] == {
        "id": "Jawaban (5 atau 10 hari kerja)",
        "en": "Reply (5 or 10 working days)",
    }
    assert payload["level_label"] == {"id": "Atasan langsung", "en": "Line manager"}


def test_a_notification_field_identifying_the_reporter_is_refused() -> None:
    findings = lint_text(SOP.replace("title: judul", "title: pelapor"))
    assert [f.code for f in findings] == ["SOP132"]


@pytest.mark.parametrize(
    ("secrecy", "title"),
    [
        ("biasa", "Pungli oleh petugas, pelapor Ani Wijaya"),
        ("anonim", "Pungli oleh petugas, pelapor [pelapor]"),  # every form of the name
        ("rahasia", "[dirahasiakan]"),  # the content of a rahasia case is withheld outward
    ],
)
def test_lapor_notifications_never_name_an_anonymous_reporter(secrecy: str, title: str) -> None:
    """The reference SOP's messages name the unit, title, tracking id and the agency's number;
    the title is redacted as in a public view."""
    from conftest import ADMIN, LAPOR

    clock = SimulatedClock(_at(3, 2))
    engine = Engine(clock=clock)
    engine.load(LAPOR)
    data = {
        "pelapor": "Ani Wijaya",
        "kanal": "web",
        "kerahasiaan": secrecy,
        "judul": "Pungli oleh petugas, pelapor Ani Wijaya",
        "kronologi": "Diminta Rp50.000 di loket.",
        "lokasi": "Kantor kecamatan",
        "nomor_tracking": "RLKN7231904",
        "nomor_agenda": "065/112/UPP",
    }
    engine.start("lapor-upp", data, ADMIN, case_id="c1")
    engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire("c1", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    engine.sweep(_at(3, 6, 8))  # the follow-up reminder, one working day before the due day
    (note,) = [n for n in engine.store.outbox() if n.kind == "reminder"]
    assert dict(note.payload["case"]) == {
        "unit": "dinas_pupr",
        "title": title,
        "tracking_id": "RLKN7231904",
        "case_number": "065/112/UPP",
    }
    assert "Ani" not in str(dict(note.payload)) or secrecy == "biasa"


def test_dpmptsp_handling_deadline_follows_the_model_chosen_after_verification() -> None:
    """The reference DPMPTSP SOP: 14 working days from verification, 30 when a field inspection
    is chosen afterwards (tetapkan_model), recorded in the trail."""
    from conftest import EXAMPLES

    clock = SimulatedClock(_at(5, 12))
    engine = Engine(clock=clock)
    engine.load(EXAMPLES / "dpmptsp" / "sop.yaml")
    admin = Actor("sari", "admin_pengaduan")
    officer = Actor("joko", "petugas_pengaduan")
    data = {"pelapor": "p-1", "kanal": "web", "kerahasiaan": "biasa", "judul": "Bising pabrik"}
    engine.start("dpmptsp-pengaduan", {**data, "uraian": "Malam hari."}, admin, case_id="c1")
    verified = {"klasifikasi": "pengaduan", "jenis_pengaduan": "gangguan_lingkungan"}
    engine.fire("c1", "verifikasi", admin, verified)
    assert _due(engine, "c1", "penanganan") == "2026-06-08 16:00"  # 14 working days
    clock.set(_at(5, 18))
    engine.fire("c1", "tetapkan_model", officer, {"model_penanganan": "investigasi"})
    assert _due(engine, "c1", "penanganan") == "2026-07-01 16:00"  # 30, from 12 May
    (rearm,) = engine.history("c1")[-1].payload["@deadlines"]
    assert (rearm["deadline"], rearm["fields"]) == ("penanganan", ["model_penanganan"])


def test_case_show_explains_a_withdrawn_and_a_rearmed_deadline() -> None:
    from sop_engine._reports.explain import explain_case

    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock)
    engine.start("disdik", {"judul": "x", "alamat_jelas": True}, OFFICER, case_id="c1")
    engine.fire("c1", "telaah", OFFICER, {"alamat_jelas": False, "perlu_koordinasi": True})
    shown = {d.name: d for d in explain_case(engine, "c1", None, _at(5, 13), "en").deadlines}
    assert shown["tanda_terima"].status == "withdrawn"
    assert (shown["jawaban"].base, shown["jawaban"].arming) == (10.0, 2)


def test_a_rearm_in_a_sqlite_file_passes_store_check(tmp_path: Path) -> None:
    """The re-arm's trail entry survives a real SQLite file: read back equal, the hash chain and
    a replay of every case hold (``sop store check``), the timers of the new arming are there."""
    from click.testing import CliRunner

    from sop_engine.cli import main
    from sop_engine.sqlite_store import SqliteStore

    path = tmp_path / "disdik.sqlite3"
    clock = SimulatedClock(_at(5, 12))
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    engine.add(load_definition("disdik.yaml", text=SOP))
    engine.start("disdik", {"judul": "x", "alamat_jelas": True}, OFFICER, case_id="c1")
    clock.set(_at(5, 13))
    engine.fire("c1", "telaah", OFFICER, {"perlu_koordinasi": True, "alamat_jelas": False})
    engine.store.close()  # type: ignore[attr-defined]
    again = SqliteStore(path, clock=clock)
    (event,) = [e for e in again.history("c1") if e.event == "telaah"]
    assert [r["deadline"] for r in event.payload["@deadlines"]] == ["jawaban", "tanda_terima"]
    again.close()
    result = CliRunner().invoke(main, ["store", "check", "--db", str(path)])
    assert result.exit_code == 0, result.output


def test_a_deadline_shortened_into_the_past_is_breached_late_at_the_next_sweep() -> None:
    clock = SimulatedClock(_at(5, 12))
    engine = _engine(clock)
    engine.start("disdik", {"judul": "x", "perlu_koordinasi": True}, OFFICER, case_id="c1")
    engine.fire("c1", "telaah", OFFICER)
    clock.set(_at(5, 26))  # 10 hk: due 2 June; coordination turns out not to be needed
    engine.fire("c1", "ubah", OFFICER, {"perlu_koordinasi": False})
    assert _due(engine, "c1", "jawaban") == "2026-05-21 16:00"
    fired = engine.sweep().fired
    assert [(e.event, e.payload["arming"], e.payload["late"]) for e in fired] == [
        ("@breach", 2, True),
        ("@escalate", 2, True),  # level 1: Fri 22 May 09:00
        ("@escalate", 2, True),  # level 2: Mon 25 May 16:00
    ]
