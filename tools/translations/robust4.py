"""Indonesian for the messages of issue 18, wave 4 (the calendar pinned in the store, an old
store schema refused by the read-only checks, store check and audit verify, worker status)."""

T = {
    "its schema is version {found}, this release reads version {current}": "skemanya versi "
    "{found}, sedangkan rilis ini membaca versi {current}",
    "upgrade it first with 'sop store migrate --db {where}' (back it up before; any writer, "
    "such as 'sop worker', upgrades it too)": "tingkatkan dahulu dengan 'sop store migrate --db "
    "{where}' (buat cadangan sebelumnya; setiap penulis, misalnya 'sop worker', juga "
    "meningkatkannya)",
    "{db} is not a readable sop_engine database: {cause}; {fix}": "{db} bukan basis data "
    "sop_engine yang dapat dibaca: {cause}; {fix}",
    "needs attention: {what}": "perlu ditangani: {what}",
    "{n} timer(s) quarantined after repeated failures: read the errors, fix the cause, then "
    "'sop worker requeue'": "{n} pewaktu dikarantina setelah gagal berulang kali: baca "
    "galatnya, perbaiki penyebabnya, lalu jalankan 'sop worker requeue'",
    "{n} notification(s) quarantined after repeated failures: fix the notifier's "
    "configuration, then 'sop outbox requeue'": "{n} notifikasi dikarantina setelah gagal "
    "berulang kali: perbaiki konfigurasi pengirim notifikasi, lalu jalankan 'sop outbox "
    "requeue'",
    "{n} erasure(s) committed whose key is not destroyed yet (cases {cases}): a writer stopped "
    "in between; start 'sop worker' or run 'sop store migrate' to finish them": "{n} penghapusan "
    "sudah tercatat tetapi kuncinya belum dimusnahkan (laporan {cases}): proses penulis "
    "berhenti di tengah jalan; jalankan 'sop worker' atau 'sop store migrate' untuk "
    "menuntaskannya",
    "no scheduled checkpoint was ever taken: start 'sop worker' with --checkpoint-key, "
    "--checkpoint-dir and --checkpoint-every": "belum pernah ada titik periksa terjadwal: "
    "jalankan 'sop worker' dengan --checkpoint-key, --checkpoint-dir dan --checkpoint-every",
    "the newest scheduled checkpoint is {age} s old, the schedule allows {allowed} s: no worker "
    "took the last period's (see the worker log)": "titik periksa terjadwal terbaru berumur "
    "{age} detik, jadwalnya membolehkan {allowed} detik: tidak ada worker yang mengambil titik "
    "periksa periode terakhir (lihat log worker)",
    # sop worker status: the health check
    "Due and pending work, lag, the newest scheduled checkpoint and its age, and the\n"
    "quarantined timers and notifications with their errors. A health check: exit 1 when\n"
    "something needs a person (quarantined timers or notifications, erasures whose key is not\n"
    "destroyed yet, a scheduled checkpoint older than --checkpoint-every allows), listed under\n"
    "'attention' in JSON. Nothing is changed: unfinished erasures are reported, not finished.": "Pekerjaan yang jatuh tempo dan tertunda, keterlambatan, titik periksa terjadwal terbaru "
    "beserta umurnya,\nserta pewaktu dan notifikasi yang dikarantina beserta galatnya. Sebuah "
    "pemeriksaan kesehatan: keluar\ndengan kode 1 bila ada yang perlu ditangani orang (pewaktu "
    "atau notifikasi yang dikarantina,\npenghapusan yang kuncinya belum dimusnahkan, titik "
    "periksa terjadwal yang lebih tua daripada yang\ndibolehkan --checkpoint-every), "
    "tercantum di bawah 'attention' dalam JSON. Tidak ada yang diubah:\npenghapusan yang belum "
    "tuntas dilaporkan, tidak dituntaskan.",
    "Due and pending work, lag, the newest scheduled checkpoint and its age, and the "
    "quarantined timers and notifications with their errors": "Pekerjaan yang jatuh tempo dan "
    "tertunda, keterlambatan, titik periksa terjadwal terbaru beserta umurnya, serta yang "
    "dikarantina beserta galatnya",
    "The workers' checkpoint schedule (as given to 'sop worker'): the newest signed checkpoint "
    "older than one period and a grace needs attention.": "Jadwal titik periksa para worker "
    "(seperti yang diberikan kepada 'sop worker'): titik periksa bertanda tangan terbaru yang "
    "lebih tua daripada satu periode ditambah tenggang perlu ditangani.",
}
