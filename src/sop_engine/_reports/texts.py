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
    "status.withdrawn": Text(
        "tidak berlaku lagi (syarat berlakunya tidak terpenuhi)", "withdrawn (no longer applies)"
    ),
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
    # the report's definitions (docs/reports.md says the same)
    "def.received": Text(
        "Kasus yang dibuka (@start) dalam periode, menurut kanal dan klasifikasi.",
        "Cases opened (@start) in the period, by channel and class.",
    ),
    "def.compliance": Text(
        "Per batas waktu: penyebut = batas waktu yang diputuskan dalam periode (terpenuhi atau "
        "ditutup sebelum jatuh tempo: saat selesai; terlambat atau masih berjalan: saat jatuh "
        "tempo); yang belum jatuh tempo tidak dihitung. Persen = tepat waktu / penyebut. Batas "
        "waktu dengan on_expiry (menunggu pelapor) tidak termasuk.",
        "Per clock: denominator = clocks decided in the period (met or closed before due: when "
        "they ended; late or still running: at their due instant); clocks not yet due are not "
        "counted. Percent = on time / denominator. Clocks with on_expiry (waiting on the "
        "reporter) are left out.",
    ),
    "def.stage_times": Text(
        "Setiap masa tinggal di suatu status yang berakhir dalam periode, dalam hari kerja "
        "(hari masuk tidak dihitung); median dan persentil ke-90 (peringkat terdekat).",
        "Every stay in a state that ended in the period, in working days (the entry day does "
        "not count); median and 90th percentile (nearest rank).",
    ),
    "def.backlog": Text(
        "Kasus yang dibuka sebelum akhir periode dan belum berstatus akhir saat itu, menurut "
        "umur dalam hari kerja.",
        "Cases opened before the end of the period and not in a final state then, by age in "
        "working days.",
    ),
    "def.breaches": Text(
        "Peristiwa @breach dalam periode, menurut batas waktu dan unit kasus.",
        "@breach events in the period, by clock and the case's unit.",
    ),
    "def.escalations": Text(
        "Peristiwa @escalate dalam periode, menurut tingkat dan unit kasus.",
        "@escalate events in the period, by level and the case's unit.",
    ),
    "def.ethics": Text(
        "Pelanggaran kode etik yang tercatat dalam periode, menurut aturan (ditandai/diblokir).",
        "Code-of-ethics breaches recorded in the period, by rule (flagged/blocked).",
    ),
    "def.reopened": Text(
        "Perpindahan dalam periode dari status menunggu kembali ke status yang pernah dilalui "
        "(bukan status awal), misalnya pelapor menyanggah tanggapan.",
        "Moves in the period out of a waiting state back into a state already visited (not the "
        "initial one), e.g. the reporter disputing a response.",
    ),
    "def.closed_automatically": Text(
        "Perpindahan dalam periode ke status akhir oleh sistem (batas waktu pelapor habis).",
        "Moves in the period into a final state made by the engine (the reporter's time ran out).",
    ),
    "def.trend": Text(
        "Per bulan: kasus diterima, kasus selesai (masuk status akhir), pelanggaran batas waktu.",
        "Per month: cases received, cases closed (entered a final state), deadline breaches.",
    ),
    "def.public": Text(
        "Versi publik: sel 1-4 kasus ditulis <5; persen, median dan persentil atas kurang dari "
        "5 kasus tidak ditampilkan.",
        "Public version: cells of 1-4 cases read <5; percentages, medians and percentiles over "
        "fewer than 5 cases are withheld.",
    ),
    # the report's headings
    "r.title": Text(
        "Laporan Pemantauan dan Evaluasi Pengelolaan Pengaduan",
        "Complaint handling monitoring and evaluation report",
    ),
    "r.period": Text("Periode", "Period"),
    "r.agency": Text("Instansi", "Agency"),
    "r.unit": Text("Unit", "Unit"),
    "r.public": Text("Versi publik", "Public version"),
    "r.generated": Text("Dibuat", "Generated"),
    "r.summary": Text("Ringkasan", "Summary"),
    "r.item": Text("Butir", "Item"),
    "r.value": Text("Nilai", "Value"),
    "r.table": Text("Tabel", "Table"),
    "r.count": Text("Jumlah", "Count"),
    "r.age": Text("Umur (hari kerja)", "Age (working days)"),
    "r.visits": Text("Jumlah tinggal", "Stays"),
    "r.denominator": Text("Penyebut", "Denominator"),
    "r.on_time": Text("Tepat waktu", "On time"),
    "r.late": Text("Terlambat", "Late"),
    "r.breached": Text("Terlampaui", "Breached"),
    "r.received": Text("Pengaduan diterima", "Received"),
    "r.compliance": Text("Kepatuhan", "Compliance"),
    "r.stage_times": Text("Waktu per tahap", "Stage times"),
    "r.backlog": Text("Tunggakan", "Backlog"),
    "r.breaches": Text("Pelanggaran batas waktu", "Deadline breaches"),
    "r.escalations": Text("Eskalasi", "Escalations"),
    "r.ethics": Text("Kode etik", "Code of ethics"),
    "r.reopened": Text("Dibuka kembali", "Reopened"),
    "r.closed_automatically": Text("Ditutup otomatis", "Closed automatically"),
    "r.trend": Text("Tren bulanan", "Monthly trend"),
    "r.events": Text("Peristiwa", "Events"),
    "r.trend.received": Text("diterima", "received"),
    "r.trend.closed": Text("selesai", "closed"),
    "r.trend.breaches": Text("pelanggaran", "breaches"),
    "r.chart.channel": Text("Pengaduan diterima menurut kanal", "Received by channel"),
    "r.chart.compliance": Text("% tepat waktu per batas waktu", "% on time per clock"),
    "r.chart.backlog": Text("Tunggakan menurut umur (hari kerja)", "Backlog by age (working days)"),
    "r.chart.trend": Text("Tren bulanan", "Monthly trend"),
    "none": Text("tidak ada", "none"),
}


def t(key: str, lang: Lang) -> str:
    """The text ``key`` in ``lang`` (a missing key is a programming error: KeyError)."""
    return TEXTS[key].get(lang)
