"""A month of LAPOR! complaints with known outcomes: the fixture of the report and case tests.

The script is a list of dated steps (09:00 WIB plus a minute per step of the day, in order); the
engine sweeps deadlines every day at 16:30 WIB, after the day's 16:00 deadlines. The comments
give the outcome of every case, worked out by hand on the 2026 calendar: March 2026 working days
are 2-6, 9-13, 16-17, 25-27, 30-31 (18 Mar cuti bersama Nyepi, 19 Nyepi, 20 and 23-24 cuti
bersama Idul Fitri, 21-22 Idul Fitri). The report test compares every figure with values
derived from these comments, never from the report code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sop_engine import Actor, Engine, Registry, SimulatedClock, SqliteStore

from conftest import ADMIN, LAPOR, LIAISON, REPORTER

WIB = ZoneInfo("Asia/Jakarta")
PUPR = Actor("budi", "petugas_unit", "dinas_pupr")
DINKES = Actor("rina", "petugas_unit", "dinas_kesehatan")
LONG = "Jalan sudah ditambal oleh tim pemeliharaan dan diperiksa ulang oleh pengawas lapangan."
ATTEST = {"tanpa_imbalan": True}


def _open(kanal: str) -> dict[str, object]:
    return {
        "pelapor": "p-" + kanal,
        "kanal": kanal,
        "kerahasiaan": "biasa",
        "judul": "Laporan warga",
        "kronologi": "Uraian kejadian yang dilaporkan warga.",
        "lokasi": "Jl. Merdeka",
    }


# (day, case, event, actor, payload); "start" opens the case with _open(kanal)
STEPS: list[tuple[str, str, str, Actor, dict[str, object]]] = [
    # G: opened 20 Feb (before the period), completed in February
    ("2026-02-20", "G", "start", ADMIN, _open("media_sosial")),
    ("2026-02-20", "G", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}),
    ("2026-02-20", "G", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"}),
    ("2026-02-23", "G", "tindak_lanjuti", PUPR, {}),
    ("2026-02-24", "G", "ajukan_tanggapan", PUPR, {"tanggapan": LONG}),
    ("2026-02-24", "G", "setujui_tanggapan", LIAISON, ATTEST),
    ("2026-02-25", "G", "terima_tanggapan", REPORTER, {}),
    # A: sms pengaduan, every clock met; a short response (KE-06 flagged at approval)
    ("2026-03-02", "A", "start", ADMIN, _open("sms")),
    ("2026-03-03", "A", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}),
    ("2026-03-03", "A", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"}),
    ("2026-03-04", "A", "tindak_lanjuti", PUPR, {}),
    ("2026-03-05", "A", "ajukan_tanggapan", PUPR, {"tanggapan": "Sudah ditambal."}),
    ("2026-03-05", "A", "setujui_tanggapan", LIAISON, ATTEST),
    ("2026-03-06", "A", "terima_tanggapan", REPORTER, {}),
    # B: web pengaduan, verified late (due 5 Mar 16:00: breach and level 1 that day; level 2
    # would be 9 Mar 16:00, but B is verified at 09:00); then no feedback: umpan_balik 10
    # working days after 10 Mar = 31 Mar 16:00, closed automatically that day
    ("2026-03-02", "B", "start", ADMIN, _open("web")),
    ("2026-03-09", "B", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}),
    ("2026-03-09", "B", "disposisi", ADMIN, {"unit_tujuan": "dinas_kesehatan"}),
    ("2026-03-10", "B", "tindak_lanjuti", DINKES, {}),
    ("2026-03-10", "B", "ajukan_tanggapan", DINKES, {"tanggapan": LONG}),
    ("2026-03-10", "B", "setujui_tanggapan", LIAISON, ATTEST),
    # F: sms, archived on the day it arrived
    ("2026-03-04", "F", "start", ADMIN, _open("sms")),
    ("2026-03-04", "F", "arsipkan", ADMIN, {"alasan_arsip": "duplikat"}),
    # H: web pengaduan, disputed once (reopened), then accepted
    ("2026-03-03", "H", "start", ADMIN, _open("web")),
    ("2026-03-03", "H", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}),
    ("2026-03-03", "H", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"}),
    ("2026-03-04", "H", "tindak_lanjuti", PUPR, {}),
    ("2026-03-05", "H", "ajukan_tanggapan", PUPR, {"tanggapan": LONG}),
    ("2026-03-05", "H", "setujui_tanggapan", LIAISON, ATTEST),
    ("2026-03-09", "H", "sanggah", REPORTER, {"alasan": "Belum diperbaiki."}),
    ("2026-03-10", "H", "ajukan_tanggapan", PUPR, {"tanggapan": LONG}),
    ("2026-03-10", "H", "setujui_tanggapan", LIAISON, ATTEST),
    ("2026-03-11", "H", "terima_tanggapan", REPORTER, {}),
    # C: sms aspirasi, verified and dispositioned 16 Mar; tindak_lanjut due 30 Mar (17, 25, 26,
    # 27, 30), penyelesaian (aspirasi: 5 working days) due 30 Mar; response submitted and
    # approved 31 Mar: both met late, KE-07 flagged twice (no reason for the delay)
    ("2026-03-16", "C", "start", ADMIN, _open("sms")),
    ("2026-03-16", "C", "verifikasi", ADMIN, {"klasifikasi": "aspirasi"}),
    ("2026-03-16", "C", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"}),
    ("2026-03-17", "C", "tindak_lanjuti", PUPR, {}),
    ("2026-03-31", "C", "ajukan_tanggapan", PUPR, {"tanggapan": LONG}),
    ("2026-03-31", "C", "setujui_tanggapan", LIAISON, ATTEST),
    # D: app pengaduan opened 17 Mar, never verified: verifikasi due 27 Mar (25, 26, 27),
    # breached, level 1 on 27 Mar, level 2 two working days later (31 Mar)
    ("2026-03-17", "D", "start", ADMIN, _open("app")),
    # E: loket, paused 25-27 Mar waiting for the reporter (costs 25 and 26: 2 working days):
    # verifikasi due 5 working days after 25 Mar = 1 Apr; verified 30 Mar, met
    ("2026-03-25", "E", "start", ADMIN, _open("loket")),
    ("2026-03-25", "E", "minta_kelengkapan", ADMIN, {"kekurangan": "foto lokasi"}),
    ("2026-03-27", "E", "lengkapi", REPORTER, {"lokasi": "Jl. Sudirman"}),
    ("2026-03-30", "E", "verifikasi", ADMIN, {"klasifikasi": "permintaan_informasi"}),
]

FIRST_DAY = date(2026, 2, 16)
LAST_DAY = date(2026, 4, 1)
PERIOD = (date(2026, 3, 1), date(2026, 4, 1))
"""The report's period: March 2026 (``--from 2026-03-01 --to 2026-04-01``, end exclusive)."""
NOW = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)
"""When the report is made: 1 Apr 2026, 08:00 WIB, before that day's sweep."""


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(9, 0), WIB).astimezone(UTC) + timedelta(minutes=minute)


def build(path: Path, registry: Registry | None = None) -> Engine:
    """Run the script into a SQLite file at ``path``; return the engine (clock at :data:`NOW`)."""
    clock = SimulatedClock(_at(FIRST_DAY, 0) - timedelta(hours=1))
    engine = Engine(store=SqliteStore(path), clock=clock, registry=registry or Registry())
    engine.load(LAPOR)
    by_day: dict[date, list[tuple[str, str, Actor, dict[str, object]]]] = {}
    for day, case, event, actor, payload in STEPS:
        by_day.setdefault(date.fromisoformat(day), []).append((case, event, actor, payload))
    day = FIRST_DAY
    while day < LAST_DAY:
        for i, (case, event, actor, payload) in enumerate(by_day.get(day, [])):
            clock.set(_at(day, i))
            if event == "start":
                engine.start("lapor-upp", payload, actor, case_id=case)
            else:
                engine.fire(case, event, actor, payload)
        clock.set(datetime.combine(day, time(16, 30), WIB).astimezone(UTC))
        engine.sweep()
        engine.sweep()  # the follow-ups queued by the first (an expiry's event)
        day += timedelta(days=1)
    clock.set(NOW)
    return engine
