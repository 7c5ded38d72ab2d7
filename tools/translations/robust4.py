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
    # sop store check, sop audit verify, checkpoints (issue 16 for these files)
    "--checkpoint needs --pubkey (the key it was signed with)": "--checkpoint memerlukan "
    "--pubkey (kunci yang dipakai untuk menandatanganinya)",
    "an event names another case": "sebuah peristiwa menyebut kasus lain",
    "checking it failed: {error}": "pemeriksaannya gagal: {error}",
    "checkpoint {n} does not follow the one before it (its 'previous' differs)": "titik periksa "
    "ke-{n} tidak menyambung ke titik periksa sebelumnya (nilai 'previous'-nya berbeda)",
    "differs": "berbeda",
    "differs in {fields}": "berbeda pada {fields}",
    "differs in {fields} and {n} more": "berbeda pada {fields} dan {n} lainnya",
    "event body is unreadable: {error}": "isi peristiwa tidak dapat dibaca: {error}",
    "event body names another position": "isi peristiwa menyebut posisi lain",
    "event content does not match its hash": "isi peristiwa tidak cocok dengan hash-nya",
    "event {n} is missing (found {seq})": "peristiwa ke-{n} hilang (yang ditemukan ke-{seq})",
    "event {seq} is not the one the checkpoint signed: the trail was rewritten": "peristiwa "
    "ke-{seq} bukan yang ditandatangani titik periksa: jejaknya ditulis ulang",
    "events are not in time order": "peristiwa tidak berurutan menurut waktu",
    "every audit chain is intact (case {case})": "setiap rantai audit utuh (kasus {case})",
    "format {name!r}": "format {name!r}",
    "its erasure is committed but its key was not destroyed yet (a writer stopped in "
    "between): run 'sop store migrate' (any writer that opens the store finishes it)": "penghapusannya "
    "sudah tercatat tetapi kuncinya belum dimusnahkan (proses penulis berhenti di tengah "
    "jalan): jalankan 'sop store migrate' (setiap penulis yang membuka basis data "
    "menuntaskannya)",
    "its personal data differs from what the checkpoint saw": "data pribadinya berbeda dari "
    "yang dilihat titik periksa",
    "link to the previous event does not match": "tautan ke peristiwa sebelumnya tidak cocok",
    "no database at {db}": "tidak ada basis data di {db}",
    "no such case": "kasus itu tidak ada",
    "not an Ed25519 private key": "bukan kunci privat Ed25519",
    "not an Ed25519 public key": "bukan kunci publik Ed25519",
    "personal data the checkpoint saw is gone without an @erase event": "data pribadi yang "
    "dilihat titik periksa hilang tanpa peristiwa @erase",
    "replay produces {made} events, the trail has {kept}": "pemutaran ulang menghasilkan {made} "
    "peristiwa, jejaknya berisi {kept}",
    "replaying {event!r} failed: {why}": "pemutaran ulang {event!r} gagal: {why}",
    "the SOP version it is pinned to cannot be used: {error}": "versi SOP yang melekat padanya "
    "tidak dapat dipakai: {error}",
    "the SOP version it moved to is unknown": "versi SOP tujuan perpindahannya tidak dikenal",
    "the case has no events": "kasus ini tidak memiliki peristiwa",
    "the case was in the checkpoint (at event {seq}) and is gone": "kasus ini tercatat dalam "
    "titik periksa (pada peristiwa ke-{seq}) dan kini hilang",
    "the checkpoint's signature does not verify with this public key": "tanda tangan titik "
    "periksa tidak sah menurut kunci publik ini",
    "the claim on checkpoint {slot} ran out before it was recorded; another worker takes it": "klaim "
    "atas titik periksa {slot} habis sebelum tercatat; worker lain akan mengambilnya",
    "the event differs from what replay produces ({how})": "peristiwa ini berbeda dari hasil "
    "pemutaran ulang ({how})",
    "the file is not a sop_engine checkpoint ({why})": "berkas ini bukan titik periksa "
    "sop_engine ({why})",
    "the key cannot be read ({why})": "kunci tidak dapat dibaca ({why})",
    "the snapshot cannot be read: {error}": "snapshot tidak dapat dibaca: {error}",
    "the snapshot differs from the replayed case ({how})": "snapshot berbeda dari kasus hasil "
    "pemutaran ulang ({how})",
    "the snapshot is case {case!r}": "snapshot ini milik kasus {case!r}",
    "the trail cannot be read: {error}": "jejak tidak dapat dibaca: {error}",
    "the trail has {now} event(s), the checkpoint saw {seq}: it was truncated": "jejaknya berisi "
    "{now} peristiwa, titik periksa melihat {seq}: jejaknya dipotong",
    "timer {item} of clock {clock} (arming {arming}) is missing: it would never fire": "pewaktu "
    "{item} dari jam {clock} (pemasangan ke-{arming}) hilang: pewaktu itu tidak akan pernah "
    "berbunyi",
    "timer {key} the checkpoint saw is gone, yet its item never fired": "pewaktu {key} yang "
    "dilihat titik periksa hilang, padahal butirnya belum pernah berbunyi",
    "trail has {n} events, case is at {version}": "jejak berisi {n} peristiwa, kasus berada pada "
    "versi {version}",
    "{db}: case {case}: broken at event {seq}: {what}": "{db}: kasus {case}: putus pada "
    "peristiwa ke-{seq}: {what}",
    "{db}: case {case}: event {seq}: {what} [{check}]": "{db}: kasus {case}: peristiwa ke-{seq}: "
    "{what} [{check}]",
    "{db}: checkpoint written to {output}": "{db}: titik periksa ditulis ke {output}",
    "{db}: {n} problem(s) in {bad} of {checked} case(s) (or rows of no case)": "{db}: {n} "
    "masalah pada {bad} dari {checked} kasus (atau baris tanpa kasus)",
    "{db}: {ok}": "{db}: {ok}",
    "{event} changes the case": "{event} mengubah kasus",
    "{event} events cannot be replayed": "peristiwa {event} tidak dapat diputar ulang",
    "{n} {table} row(s) of a case that has no row in cases (an orphaned trail)": "{n} baris "
    "tabel {table!r} milik kasus yang tidak punya baris di tabel 'cases' (jejak yatim)",
    "{ok}, and matches {n} signed checkpoint(s)": "{ok}, dan cocok dengan {n} titik periksa "
    "bertanda tangan",
    "{text!r}: give a period from 1s to 366d, such as 90s, 15m, 1h, 1d or 1h30m": "{text!r}: "
    "berikan periode dari 1s sampai 366d, misalnya 90s, 15m, 1h, 1d atau 1h30m",
    "scheduled checkpoints need --checkpoint-key, --checkpoint-dir and --checkpoint-every "
    "together": "titik periksa terjadwal memerlukan --checkpoint-key, --checkpoint-dir dan "
    "--checkpoint-every sekaligus",
    "{option} {path}: cannot write there ({why})": "{option} {path}: tidak dapat menulis di "
    "sana ({why})",
    "{option} {path}: {why}": "{option} {path}: {why}",
    "the calendar it adopts (version {version}) is not the one the store kept for that "
    "moment": "kalender yang diadopsinya (versi {version}) bukan kalender yang disimpan basis "
    "data untuk saat itu",
}
