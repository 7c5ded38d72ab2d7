"""Indonesian of the messages added by the `lang5` branch (issue 16, the last id/en pairs).

The reports layer's texts (reports, diagrams, explain: `_reports/texts.py`), `sop demo`, the
simulation report, the desk's problem titles and `sop worker status`, moved from their own
Indonesian/English pairs into the one catalogue. A key `"context\x04english"` is a message with a
context (`C_`): the same English said differently elsewhere.
"""

T = {
    # -- reports, diagrams, explain (src/sop_engine/_reports/texts.py) ---------------------------
    "initial": "awal",
    "final": "akhir",
    "waiting on someone outside": "menunggu pihak luar",
    "roles": "peran",
    "diagram\x04guards": "syarat",
    "automatic on expiry": "otomatis saat batas waktu habis",
    "runs in": "berjalan di",
    "paused in": "berhenti sementara di",
    "reminder": "pengingat",
    "before": "sebelum",
    "escalation": "eskalasi",
    "level": "tingkat",
    "after": "setelah",
    "to": "kepada",
    "extension": "perpanjangan",
    "duration": "durasi",
    "working days": "hari kerja",
    "calendar days": "hari kalender",
    "working hours": "jam kerja",
    "if": "jika",
    "otherwise": "selain itu",
    "times": "kali",
    "at most": "paling lama",
    "met on time": "terpenuhi tepat waktu",
    "met late": "terpenuhi terlambat",
    "running": "berjalan",
    "breached": "terlampaui",
    "paused": "dijeda",
    "closed before it was met": "ditutup sebelum terpenuhi",
    "expired, automatic action": "habis, tindakan otomatis",
    "withdrawn (no longer applies)": "tidak berlaku lagi (syarat berlakunya tidak terpenuhi)",
    "Counting starts": "Mulai dihitung",
    "Counting rule": "Aturan hitung",
    "{n} working days after the start day (the start day never counts); the deadline is the end of the working day of day {n}": "{n} hari kerja sesudah hari mulai (hari mulai tidak dihitung); batas waktu adalah akhir jam kerja hari ke-{n}",
    "{n} calendar days after the start day; the deadline is the end of that day": "{n} hari kalender sesudah hari mulai; batas waktu adalah akhir hari itu",
    "{n} working hours counted in office hours": "{n} jam kerja dihitung dalam jam kantor",
    "Days not counted": "Hari yang tidak dihitung",
    "weekend": "akhir pekan",
    "Pause": "Jeda",
    "Extension": "Perpanjangan",
    "Calendar version": "Versi kalender",
    "Due": "Batas waktu",
    "Met at": "Terpenuhi pada",
    "Status": "Status",
    "Fired": "Sudah terjadi",
    "Timeline": "Riwayat",
    "Deadlines": "Batas waktu",
    "Code-of-ethics records": "Catatan kode etik",
    "Withheld from this viewer": "Disembunyikan untuk penampil ini",
    "Case state": "Status kasus",
    "Service-standard deadlines (◷ running, ‖ paused)": "Batas waktu standar pelayanan (◷ berjalan, ‖ dijeda)",
    "Cases opened (@start) in the period, by channel and class.": "Kasus yang dibuka (@start) dalam periode, menurut kanal dan klasifikasi.",
    "Per clock: denominator = clocks decided in the period (met or closed before due: when they ended; late or still running: at their due instant); clocks not yet due are not counted. Percent = on time / denominator. Clocks with on_expiry (waiting on the reporter) are left out.": "Per batas waktu: penyebut = batas waktu yang diputuskan dalam periode (terpenuhi atau ditutup sebelum jatuh tempo: saat selesai; terlambat atau masih berjalan: saat jatuh tempo); yang belum jatuh tempo tidak dihitung. Persen = tepat waktu / penyebut. Batas waktu dengan on_expiry (menunggu pelapor) tidak termasuk.",
    "Every stay in a state that ended in the period, in working days (the entry day does not count); median and 90th percentile (nearest rank).": "Setiap masa tinggal di suatu status yang berakhir dalam periode, dalam hari kerja (hari masuk tidak dihitung); median dan persentil ke-90 (peringkat terdekat).",
    "Cases opened before the end of the period and not in a final state then, by age in working days.": "Kasus yang dibuka sebelum akhir periode dan belum berstatus akhir saat itu, menurut umur dalam hari kerja.",
    "@breach events in the period, by clock and the case's unit.": "Peristiwa @breach dalam periode, menurut batas waktu dan unit kasus.",
    "@escalate events in the period, by level and the case's unit.": "Peristiwa @escalate dalam periode, menurut tingkat dan unit kasus.",
    "Code-of-ethics breaches recorded in the period, by rule (flagged/blocked).": "Pelanggaran kode etik yang tercatat dalam periode, menurut aturan (ditandai/diblokir).",
    "Moves in the period out of a waiting state back into a state already visited (not the initial one), e.g. the reporter disputing a response.": "Perpindahan dalam periode dari status menunggu kembali ke status yang pernah dilalui (bukan status awal), misalnya pelapor menyanggah tanggapan.",
    "Moves in the period into a final state made by the engine (the reporter's time ran out).": "Perpindahan dalam periode ke status akhir oleh sistem (batas waktu pelapor habis).",
    "Per month: cases received, cases closed (entered a final state), deadline breaches.": "Per bulan: kasus diterima, kasus selesai (masuk status akhir), pelanggaran batas waktu.",
    "Public version: cells of 1-4 cases read <5; percentages, medians and percentiles over fewer than 5 cases are withheld.": "Versi publik: sel 1-4 kasus ditulis <5; persen, median dan persentil atas kurang dari 5 kasus tidak ditampilkan.",
    "Complaint handling monitoring and evaluation report": "Laporan Pemantauan dan Evaluasi Pengelolaan Pengaduan",
    "Period": "Periode",
    "Agency": "Instansi",
    "Unit": "Unit",
    "Public version": "Versi publik",
    "Generated": "Dibuat",
    "Summary": "Ringkasan",
    "Item": "Butir",
    "Value": "Nilai",
    "Table": "Tabel",
    "Count": "Jumlah",
    "Age (working days)": "Umur (hari kerja)",
    "Stays": "Jumlah tinggal",
    "Denominator": "Penyebut",
    "On time": "Tepat waktu",
    "Late": "Terlambat",
    "Breached": "Terlampaui",
    "report\x04Received": "Pengaduan diterima",
    "Compliance": "Kepatuhan",
    "Stage times": "Waktu per tahap",
    "Backlog": "Tunggakan",
    "Deadline breaches": "Pelanggaran batas waktu",
    "Escalations": "Eskalasi",
    "Code of ethics": "Kode etik",
    "Reopened": "Dibuka kembali",
    "Closed automatically": "Ditutup otomatis",
    "Monthly trend": "Tren bulanan",
    "Events": "Peristiwa",
    "received": "diterima",
    "closed": "selesai",
    "breaches": "pelanggaran",
    "Received by channel": "Pengaduan diterima menurut kanal",
    "% on time per clock": "% tepat waktu per batas waktu",
    "Backlog by age (working days)": "Tunggakan menurut umur (hari kerja)",
    "none": "tidak ada",
}
T.update(
    {
        # -- sop demo (src/sop_engine/_ops/demo.py) ------------------------------------------------
        "content hash": "sidik isi",
        "database {where}: {state}": "basis data {where}: {state}",
        "{n} demo cases already there, resumed (commands refused in the first run are not part "
        "of the audit trail, except those the code of ethics refused)": (
            "{n} kasus demo sudah ada, dilanjutkan (perintah yang ditolak pada jalankan pertama "
            "tidak tercatat di jejak audit, kecuali yang ditolak kode etik)"
        ),
        "new": "baru",
        "retried command (same id): not recorded twice": (
            "perintah diulang (id perintah sama): tidak dicatat dua kali"
        ),
        "demo\x04Case": "Kasus",
        "Final state": "Status akhir",
        "Audit events": "Jejak audit",
        "Refused": "Ditolak",
        "Retried": "Diulang",
        "audit trail does not match the case snapshots": (
            "jejak audit tidak sesuai dengan status akhir kasus"
        ),
        "Every case's audit trail matches its final snapshot.": (
            "Jejak audit setiap kasus sesuai dengan status akhirnya."
        ),
        "Time (WIB)": "Waktu (WIB)",
        "Actor": "Pelaku",
        "New state": "Status baru",
        "Details": "Keterangan",
        "Report received": "Laporan masuk",
        "Deadline extended": "Perpanjangan batas waktu",
        "Reminder": "Pengingat",
        "Deadline missed": "Batas waktu terlewati",
        "Escalation": "Eskalasi",
        "Deadline expired": "Batas waktu habis",
        "(late)": "(terlambat)",
        "Code-of-ethics breaches": "Pelanggaran kode etik",
        "Officer": "Petugas",
        "demo\x04Outcome": "Tindakan",
        "Maladministration type": "Jenis maladministrasi",
        "demo\x04blocked": "ditolak",
        "Service-standard deadlines": "Batas waktu standar pelayanan",
        "Clock": "Jam",
        "Due (WIB)": "Batas (WIB)",
        "Extensions": "Perpanjangan",
        "demo\x04closed": "ditutup",
        "withdrawn": "tidak berlaku",
        "(overdue)": "(lewat)",
    }
)
T.update(
    {
        # -- the desk API's problem titles (src/sop_engine/server/problems.py) ---------------------
        "Bad request": "Permintaan tidak valid",
        "Authentication required": "Perlu autentikasi",
        "Forbidden": "Tidak berwenang",
        "Not found": "Tidak ditemukan",
        "Not possible now": "Tidak dapat dilakukan sekarang",
        "The case has changed": "Laporan telah berubah",
        "Unprocessable data": "Data tidak dapat diterima",
        "Too many requests": "Terlalu banyak permintaan",
        "Server error": "Kesalahan server",
        "A plugin failed": "Plugin gagal",
        "Database unavailable": "Basis data tidak tersedia",
        "Error": "Kesalahan",
    }
)
T.update(
    {
        # -- sop worker status (src/sop_engine/cli/_worker.py): in English each line is the JSON
        # key (scripts read `last_checkpoint_file:`), in Indonesian words ---------------------------
        "worker status\x04due_timers": "pewaktu jatuh tempo",
        "worker status\x04retrying_timers": "pewaktu yang dicoba ulang",
        "worker status\x04dead_timers": "pewaktu dikarantina",
        "worker status\x04pending_notifications": "notifikasi menunggu",
        "worker status\x04retrying_notifications": "notifikasi yang dicoba ulang",
        "worker status\x04dead_notifications": "notifikasi dikarantina",
        "worker status\x04oldest_due": "jatuh tempo tertua",
        "worker status\x04oldest_pending": "notifikasi menunggu tertua",
        "worker status\x04timer_lag_seconds": "keterlambatan pewaktu (detik)",
        "worker status\x04last_checkpoint": "titik periksa terakhir",
        "worker status\x04last_checkpoint_file": "berkas titik periksa terakhir",
        "worker status\x04checkpoint_age_seconds": "umur titik periksa (detik)",
        "worker status\x04pending_erasures": "penghapusan tertunda",
        "timer": "pewaktu",
        "notification": "notifikasi",
        "quarantined {kind} {key} (case {case}) after {n} attempt(s) at {since}: {error}": (
            "{kind} {key} (kasus {case}) dikarantina setelah {n} kali percobaan pada {since}: "
            "{error}"
        ),
    }
)
