"""Indonesian of the messages added by the `lang6` branch (issue 16, the last English-only
operator lines).

What a running `sop worker` prints on standard error (started, progress totals, a database error,
calendar warnings, the last line), `requeued {n}` of `sop worker requeue` and `sop outbox
requeue`, `sop store migrate`'s schema version, `sop audit keygen`'s key files, the token line
of `sop serve-token` and the missing-extra error of `sop serve`.
"""

T = {
    # -- sop worker (src/sop_engine/cli/_worker.py) ------------------------------------------------
    "every agency": "semua instansi",
    "worker {store} ({scope}): started": "pekerja {store} ({scope}): mulai berjalan",
    "warning: {sop}: {text}": "peringatan: {sop}: {text}",
    "database error, retrying in {interval} s: {error}": (
        "galat basis data, dicoba lagi dalam {interval} detik: {error}"
    ),
    "fired {fired}, delivered {delivered}, lost races {conflicts}, errors {errors}, failed "
    "timers {timer_failures}, failed deliveries {failed}, quarantined {quarantined}, "
    "checkpoints {checkpoints}": (
        "berbunyi {fired}, terkirim {delivered}, kalah berebut {conflicts}, galat {errors}, "
        "pewaktu gagal {timer_failures}, pengiriman gagal {failed}, dikarantina {quarantined}, "
        "titik periksa {checkpoints}"
    ),
    "{counts} (failed {n})": "{counts} (gagal {n})",
    "worker stopped by signal: {counts}": "pekerja dihentikan oleh sinyal: {counts}",
    "worker idle: {counts}": "pekerja selesai, tak ada lagi yang perlu dikerjakan: {counts}",
    # -- requeue of sop worker and sop outbox ------------------------------------------------------
    "requeued {n}": "dimasukkan kembali ke antrean: {n}",
    # -- sop store migrate, sop audit keygen -------------------------------------------------------
    "{store}: schema version {version}": "{store}: versi skema {version}",
    "private key {private}, public key {public}": "kunci privat {private}, kunci publik {public}",
    # -- sop serve-token, sop serve ----------------------------------------------------------------
    "token for {person} (shown once, keep it secret): {token}": (
        "token untuk {person} (ditampilkan sekali saja, rahasiakan): {token}"
    ),
    "the complaint desk needs the optional server packages: {install} ({cause})": (
        "meja pengaduan memerlukan paket server opsional: {install} ({cause})"
    ),
    # -- usage and environment errors that were English in every language ------------------------
    "{format} is binary: write it to a file with -o FILE": (
        "{format} adalah berkas biner: tulis ke berkas dengan -o BERKAS"
    ),
    "none installed": "tidak ada yang terpasang",
    "--notifier {name}: no such notifier ({known})": (
        "--notifier {name}: tidak ada pengirim notifikasi bernama itu ({known})"
    ),
    "{option} {why}": "{option} {why}",
    # -- the desk's files, as sop serve reports them (src/sop_engine/server/{settings,principals}.py)
    "{path}: [desk] must be a table": "{path}: [desk] harus berupa tabel",
    "{path}: unknown [desk] keys {unknown}; known keys: {known}": (
        "{path}: kunci [desk] tidak dikenal {unknown}; kunci yang dikenal: {known}"
    ),
    "principal {id!r} is listed twice": "petugas {id!r} tercantum dua kali",
    "{path}: principal #{n} must be a table": "{path}: entri [[principal]] ke-{n} harus berupa tabel",
    "{path}: principal #{n} lacks {missing}": "{path}: entri [[principal]] ke-{n} tidak memuat {missing}",
    "{path}: principal {id!r}: token_sha256 is not SHA-256": (
        "{path}: petugas {id!r}: token_sha256 bukan SHA-256"
    ),
    # -- a PostgreSQL URL without the driver (src/sop_engine/cli/_common.py) ----------------------
    "a postgresql:// database needs the PostgreSQL driver ({cause}); install it with: {install}": (
        "basis data postgresql:// memerlukan driver PostgreSQL ({cause}); pasang dengan: {install}"
    ),
}
