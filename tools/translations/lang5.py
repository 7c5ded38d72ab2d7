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
T.update(
    {
        # -- guard, action, ethics and invariant texts (src/sop_engine/_features, _spec/names.py,
        # testing/): their Text(id, en) pairs, now made from the catalogue by i18n.both ----------
        "data incomplete: {listed}": "data belum lengkap: {listed}",
        "{name} is {value!r}, not {expected!r}": "{name} bernilai {value!r}, bukan {expected!r}",
        "{name} is {value!r}, not one of {shown}": "{name} bernilai {value!r}, bukan salah satu dari {shown}",
        "{name} must not be {value!r}": "{name} tidak boleh bernilai {value!r}",
        "an officer of unit {officer_unit!r} does not handle cases for unit {unit!r}": "petugas dari unit {officer_unit!r} tidak menangani kasus untuk unit {unit!r}",
        "{name} must not be the same as {other}": "{name} tidak boleh sama dengan {other}",
        "{name} is not the same as {other}": "{name} tidak sama dengan {other}",
        "{name} has reached its limit of {limit}": "{name} sudah mencapai batas {limit}",
        "{name} and {other} are both empty": "{name} dan {other} sama-sama kosong",
        "The named case fields hold a value (already on the case, or carried by the event under the field's name)": "Kolom data kasus yang disebut sudah terisi (pada kasus, atau dibawa oleh peristiwa dengan nama kolom tersebut)",
        "The field has the given value": "Kolom bernilai tertentu",
        "The field has one of the listed values": "Kolom bernilai salah satu dari daftar",
        "The field has none of the values": "Kolom tidak bernilai salah satu dari daftar",
        "The acting officer's unit is the unit recorded in the field": "Unit petugas sama dengan unit yang tercatat pada kolom",
        "The field does not hold the same value as another field (e.g. the unit the case is sent to is not the reported unit)": "Kolom tidak bernilai sama dengan kolom lain (mis. unit tujuan bukan unit terlapor)",
        "The field holds the same value as another field": "Kolom bernilai sama dengan kolom lain",
        "A counter is below its limit": "Nilai hitungan di bawah batas",
        "Set a field to a fixed value": "Isi kolom dengan nilai tetap",
        "Clear a field": "Kosongkan kolom",
        "Add to a counter": "Tambah nilai hitungan",
        "Record the acting officer (or unit)": "Catat petugas (atau unitnya) ke kolom",
        "Record the instant of the event": "Catat waktu kejadian ke kolom",
        "Indonesia: weekends, national holidays and cuti bersama": "Indonesia: akhir pekan, hari libur nasional dan cuti bersama",
        "Indonesia: weekends and national holidays (cuti bersama are working days)": "Indonesia: akhir pekan dan hari libur nasional (cuti bersama tetap hari kerja)",
        "the officer has not recorded a no-conflict declaration on this case": "petugas belum mencatat pernyataan bebas konflik kepentingan pada kasus ini",
        "the officer who did {listed} on this case may not do {event}": "petugas yang melakukan {listed} pada kasus ini tidak boleh melakukan {event}",
        "complaints are handled free of charge; a fee is recorded in {paid}": "pengaduan tidak dipungut biaya; tercatat permintaan/pembayaran di {paid}",
        "the officer must attest that no reward was requested or received ({field}: true)": "petugas harus menyatakan tidak meminta atau menerima imbalan ({field}: true)",
        "overriding {field} needs a recorded justification in {why} (at least {least} chars)": "perubahan {field} di luar ketentuan memerlukan alasan tertulis di {why} (minimal {least} karakter)",
        "deadline {late} is breached; record the reason for the delay in {field}": "batas waktu {late} terlampaui; alasan keterlambatan wajib dicatat di {field}",
        "the officer is the reported official and must recuse from this case": "petugas adalah pejabat yang dilaporkan dan harus mundur dari kasus ini",
        "the officer belongs to the reported unit ({unit})": "petugas berasal dari unit yang dilaporkan ({unit})",
        "the officer declared a conflict of interest ({relation}) and must recuse": "petugas telah menyatakan konflik kepentingan ({relation}) dan harus mundur",
        "the officer is not the reported official or unit and declared no conflict": "petugas bukan pejabat/unit yang dilaporkan dan tidak menyatakan konflik",
        "the officer recorded a no-conflict declaration on the case": "petugas telah mencatat pernyataan bebas konflik kepentingan",
        "whoever did the given steps on a case may not do this one": "petugas yang melakukan langkah tertentu tidak melakukan langkah ini",
        "no fee requested or paid": "tidak ada permintaan atau pembayaran imbalan",
        "the officer attests that no reward was requested or received": "petugas menyatakan tidak meminta atau menerima imbalan",
        "a priority or classification override carries a recorded justification": "perubahan prioritas/klasifikasi disertai alasan tertulis",
        "the response has the required elements and is not boilerplate": "tanggapan memuat unsur wajib dan tidak sekadar kalimat baku",
        "acting after a breached deadline carries a recorded justification": "tindakan setelah batas waktu terlampaui disertai alasan keterlambatan",
        "undue delay": "penundaan berlarut",
        "failure to serve": "tidak memberikan pelayanan",
        "incompetence": "tidak kompeten",
        "abuse of authority": "penyalahgunaan wewenang",
        "deviation from procedure": "penyimpangan prosedur",
        "request for money, goods or services": "permintaan imbalan uang, barang, dan jasa",
        "improper conduct": "tidak patut",
        "partiality": "berpihak",
        "discrimination": "diskriminasi",
        "conflict of interest": "konflik kepentingan",
        "code-of-ethics rules": "aturan kode etik pengelola pengaduan",
        "a refused command changes nothing": "perintah yang ditolak tidak mengubah apa pun",
        "the audit trail is complete and its chain intact": "jejak audit utuh dan berantai",
        "replaying the audit trail gives the same case": "memutar ulang jejak audit menghasilkan kasus yang sama",
        "every open case has the deadline clocks its state calls for": "setiap kasus terbuka memiliki jam batas waktu yang semestinya berjalan",
        "a breached deadline has reached its escalation level": "batas waktu yang terlampaui sudah dieskalasi ke tingkatnya",
        "every command is accepted or refused, never crashes": "setiap perintah diterima atau ditolak, tidak pernah gagal",
        "a command that breaks a blocking code-of-ethics rule never goes through": "perintah yang melanggar aturan kode etik 'block' tidak pernah diteruskan",
        "a timed event (expiry, escalation) is never refused by the SOP": "peristiwa otomatis (kedaluwarsa, eskalasi) selalu dapat dijalankan",
        "every open case can still be moved on by some role, or by time": "setiap kasus terbuka masih dapat dipindahkan oleh suatu peran atau oleh waktu",
        "the data is filled in (not empty)": "data berisi (tidak kosong)",
        "the data is absent or empty": "data tidak berisi",
        "the data has the given value": "data bernilai tertentu",
        "the event happened at some point": "peristiwa pernah terjadi",
        "the event never happened": "peristiwa tidak pernah terjadi",
        "the deadline clock is running": "jam batas waktu sedang berjalan",
        "invariants checked by the testing kit": "invarian yang diuji oleh perangkat pengujian",
        "service-standard deadlines and escalation": "batas waktu standar pelayanan dan eskalasi",
        "states": "status",
        "transitions": "transisi",
        "deadline clocks started": "jam batas waktu dimulai",
        "deadlines breached or expired": "batas waktu terlampaui/kedaluwarsa",
        "escalation levels": "tingkat eskalasi",
        "Exploring {sop}: {n} scenarios × ≤ {m} steps, seed {seed}": "Menjelajahi {sop}: {n} skenario × ≤ {m} langkah, seed {seed}",
        "All {k} invariants held over {steps} steps.": "Semua {k} invarian terpenuhi dalam {steps} langkah.",
        "An invariant failed. The shortest scenario found:": "Invarian dilanggar. Skenario terpendek yang ditemukan:",
        "Scenario saved to {path}.": "Skenario disimpan di {path}.",
        "Replay exactly this scenario:": "Putar ulang skenario ini persis:",
        "Repeat the same exploration:": "Ulangi penjelajahan yang sama:",
        "Coverage {got:.0f}% is below the required {want:.0f}%.": "Cakupan {got:.0f}% di bawah batas {want:.0f}%.",
        "unknown invariant(s): {names}; known: {known}": "invarian tidak dikenal: {names}; yang ada: {known}",
        "Scenario replayed: every invariant held ({steps} steps).": "Skenario dijalankan ulang: semua invarian terpenuhi ({steps} langkah).",
        "Built-in check {name} is switched off by this SOP: {reason}": "Pemeriksaan bawaan {name} dinonaktifkan oleh SOP ini: {reason}",
        "Warning: the scenario was recorded against another version of this SOP file.": "Peringatan: skenario dibuat untuk versi lain berkas SOP ini.",
    }
)
T.update(
    {
        "{field} has only {n} characters (at least {least})": (
            "{field} hanya {n} karakter (minimal {least})"
        ),
        "missing elements: {missing}": "unsur yang belum diisi: {missing}",
        "the response is incomplete: {parts}": "tanggapan belum lengkap: {parts}",
        "{first}; {second}": "{first}; {second}",
        "lowering confidentiality ({names}) needs the reporter's recorded consent in {consent!r}, "
        "recorded by the reporter himself or approved by a second person": (
            "menurunkan kerahasiaan ({names}) memerlukan persetujuan pelapor yang tercatat di "
            "{consent!r}, dicatat oleh pelapor sendiri atau disetujui orang kedua"
        ),
        "lowering confidentiality ({names}) needs the reporter's recorded consent, recorded by "
        "the reporter himself or approved by a second person": (
            "menurunkan kerahasiaan ({names}) memerlukan persetujuan pelapor yang tercatat, "
            "dicatat oleh pelapor sendiri atau disetujui orang kedua"
        ),
    }
)
T.update(
    {
        # -- sop test's scenario and coverage table (src/sop_engine/testing/report.py) ------------
        "opens case": "membuka kasus",
        "on case": "pada kasus",
        "REFUSED": "DITOLAK",
        "time moves to": "waktu maju ke",
        "crossing": "melewati",
        "deadline sweep": "penyapuan batas waktu",
        "nothing due": "tidak ada yang jatuh tempo",
        "INVARIANT BROKEN": "INVARIAN DILANGGAR",
        "case": "kasus",
        "data": "data",
        "Test coverage": "Cakupan pengujian",
        "part": "bagian",
        "exercised": "teruji",
        "not exercised": "belum teruji",
        # -- sop lint's summary line, sop init, the report's tables --------------------------------
        "file(s) valid": "berkas valid",
        "warning(s)": "peringatan",
        "{path} already exists; choose another directory or delete the file first": (
            "{path} sudah ada; pilih direktori lain atau hapus berkas itu lebih dahulu"
        ),
        "wrote {sop} (template {template}) and {schema}; next: sop lint {sop}": (
            "{sop} (templat {template}) dan {schema} sudah ditulis; berikutnya: sop lint {sop}"
        ),
        "channel": "kanal",
        "class": "klasifikasi",
    }
)
T.update(
    {
        # -- the CLI's usage and environment errors that were English only -------------------------
        "no database at {db}": "tidak ada basis data di {db}",
        "{db} is not a usable sop_engine SQLite database: {error}": (
            "{db} bukan basis data SQLite sop_engine yang dapat dipakai: {error}"
        ),
        "--unit needs --as ROLE": "--unit memerlukan --as PERAN",
        "--db and --case go together": "--db dan --case harus dipakai bersama",
        "give an SOP file, or --db DB --case ID": (
            "berikan berkas SOP, atau --db BASIS_DATA --case ID"
        ),
        "xlsx is binary: write it to a file with -o FILE": (
            "xlsx adalah berkas biner: tulis ke berkas dengan -o BERKAS"
        ),
        "--to must be after --from (it is exclusive)": (
            "--to harus sesudah --from (tanggal --to tidak termasuk)"
        ),
        "Missing option {option}.": "Opsi {option} belum diberikan.",
        "--batch must be >= 1, --lease > 0 and --interval >= 0": (
            "--batch harus >= 1, --lease > 0 dan --interval >= 0"
        ),
        "--config configures a --notifier: name one": (
            "--config mengatur sebuah --notifier: sebutkan namanya"
        ),
        "--sop {path}: no such file or directory": "--sop {path}: berkas atau direktori tidak ada",
        "--sop names no SOP file (*.yaml)": "--sop tidak menyebut berkas SOP (*.yaml)",
        "{text!r} is not a date (YYYY-MM-DD)": "{text!r} bukan tanggal (TTTT-BB-HH)",
    }
)
