"""Every user-facing string of the reports layer, Indonesian first, in one place.

Kept together so the move to gettext is mechanical: each entry is a :class:`Text` with the
Indonesian and English forms; modules look texts up by key and never build sentences inline.
"""

from __future__ import annotations

from sop_engine._core.text import Lang, Text

__all__ = ["TEXTS", "t"]

TEXTS: dict[str, Text] = {
    # diagram
    "initial": Text("awal", "initial"),
    "final": Text("akhir", "final"),
    "waiting": Text("menunggu pihak luar", "waiting on someone outside"),
    "roles": Text("peran", "roles"),
    "guards": Text("syarat", "guards"),
    "timed": Text("otomatis saat batas waktu habis", "automatic on expiry"),
    "runs_in": Text("berjalan di", "runs in"),
    "paused_in": Text("berhenti sementara di", "paused in"),
    "reminder": Text("pengingat", "reminder"),
    "before": Text("sebelum", "before"),
    "escalation": Text("eskalasi", "escalation"),
    "level": Text("tingkat", "level"),
    "after": Text("setelah", "after"),
    "notify": Text("kepada", "to"),
    "extension": Text("perpanjangan", "extension"),
    "duration": Text("durasi", "duration"),
    "working_days": Text("hari kerja", "working days"),
    "days": Text("hari kalender", "calendar days"),
    "working_hours": Text("jam kerja", "working hours"),
    "if": Text("jika", "if"),
    "otherwise": Text("selain itu", "otherwise"),
    "times": Text("kali", "times"),
    "max": Text("paling lama", "at most"),
    # deadline statuses
    "status.met": Text("terpenuhi tepat waktu", "met on time"),
    "status.late": Text("terpenuhi terlambat", "met late"),
    "status.running": Text("berjalan", "running"),
    "status.breached": Text("terlampaui", "breached"),
    "status.paused": Text("dijeda", "paused"),
    "status.closed": Text("ditutup sebelum terpenuhi", "closed before it was met"),
    "status.expired": Text("habis, tindakan otomatis", "expired, automatic action"),
    # case explained
    "explain.start": Text("Mulai dihitung", "Counting starts"),
    "explain.rule": Text("Aturan hitung", "Counting rule"),
    "explain.rule.working_days": Text(
        "{n} hari kerja sesudah hari mulai (hari mulai tidak dihitung); batas waktu adalah "
        "akhir jam kerja hari ke-{n}",
        "{n} working days after the start day (the start day never counts); the deadline is "
        "the end of the working day of day {n}",
    ),
    "explain.rule.days": Text(
        "{n} hari kalender sesudah hari mulai; batas waktu adalah akhir hari itu",
        "{n} calendar days after the start day; the deadline is the end of that day",
    ),
    "explain.rule.working_hours": Text(
        "{n} jam kerja dihitung dalam jam kantor", "{n} working hours counted in office hours"
    ),
    "explain.skipped": Text("Hari yang tidak dihitung", "Days not counted"),
    "explain.weekend": Text("akhir pekan", "weekend"),
    "explain.pause": Text("Jeda", "Pause"),
    "explain.extension": Text("Perpanjangan", "Extension"),
    "explain.calendar": Text("Versi kalender", "Calendar version"),
    "explain.due": Text("Batas waktu", "Due"),
    "explain.met_at": Text("Terpenuhi pada", "Met at"),
    "explain.status": Text("Status", "Status"),
    "explain.fired": Text("Sudah terjadi", "Fired"),
    "timeline": Text("Riwayat", "Timeline"),
    "deadlines": Text("Batas waktu", "Deadlines"),
    "ethics": Text("Catatan kode etik", "Code-of-ethics records"),
    "withheld": Text("Disembunyikan untuk penampil ini", "Withheld from this viewer"),
    "state": Text("Status kasus", "Case state"),
    "deadlines_legend": Text(
        "Batas waktu standar pelayanan (◷ berjalan, ‖ dijeda)",
        "Service-standard deadlines (◷ running, ‖ paused)",
    ),
    "none": Text("tidak ada", "none"),
}


def t(key: str, lang: Lang) -> str:
    """The text ``key`` in ``lang`` (a missing key is a programming error: KeyError)."""
    return TEXTS[key].get(lang)
