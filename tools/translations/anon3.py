"""Indonesian for the messages of issue 17, wave 3 (four eyes for revealing an anonymous
reporter, unfinished erasures, exports by audience)."""

T = {
    "cannot reveal the reporter's identity: {reason}": "identitas pelapor tidak dapat dibuka: "
    "{reason}",
    "give the number of a reveal request (request_reveal by one person, approve_reveal by a "
    "second person of another role), not {kind}": "berikan nomor permintaan pembukaan identitas "
    "(request_reveal oleh satu orang, approve_reveal oleh orang kedua dengan peran lain), bukan "
    "{kind}",
    "the case has no reveal request number {request}": "laporan ini tidak memiliki permintaan "
    "pembukaan identitas nomor {request}",
    "the person who asked cannot approve the request; a second person must": "orang yang "
    "mengajukan permintaan tidak dapat menyetujuinya sendiri; persetujuan harus diberikan oleh "
    "orang kedua",
    "the approver must hold another role than the requester ({role!r})": "pemberi persetujuan "
    "harus memegang peran lain daripada pemohon ({role!r})",
    "reveal request {request} is already approved": "permintaan pembukaan identitas {request} "
    "sudah disetujui",
    "only the person who asked may use reveal request {request}": "permintaan pembukaan "
    "identitas {request} hanya dapat dipakai oleh orang yang mengajukannya",
    "reveal request {request} is not approved yet: a second person of another role must "
    "approve it": "permintaan pembukaan identitas {request} belum disetujui: orang kedua dengan "
    "peran lain harus menyetujuinya",
    "reveal request {request} was used already; ask again": "permintaan pembukaan identitas "
    "{request} sudah dipakai; ajukan permintaan baru",
    "WARNING: no key source (SOP_KEY_FILE is not set): this PostgreSQL store keeps the "
    "reporters' personal data and the complaints' free text apart but NOT encrypted, so its "
    "backups and WAL archives keep them after an erasure. Set SOP_KEY_FILE to a private file "
    "on an encrypted volume, outside the database's backups, in every process that opens it.": "PERINGATAN: tidak ada sumber kunci (SOP_KEY_FILE belum diatur): basis data PostgreSQL ini "
    "menyimpan data pribadi pelapor dan teks bebas pengaduan secara terpisah tetapi TIDAK "
    "terenkripsi, sehingga cadangan dan arsip WAL-nya tetap menyimpannya setelah penghapusan. "
    "Atur SOP_KEY_FILE ke berkas privat pada volume terenkripsi, di luar cadangan basis data, "
    "di setiap proses yang membukanya.",
    # sop case export / sop case counts
    "Cases by unit, category and month, as JSON; for the public, small cells suppressed\nso "
    "that a rare case in a small unit cannot be singled out.": "Jumlah laporan per unit, "
    "kategori dan bulan, dalam JSON; untuk publik, sel kecil disembunyikan\nagar laporan yang "
    "jarang di unit kecil tidak dapat dikenali pelapornya.",
    "Cases by unit, category and month, as JSON; for the public, small cells suppressed so "
    "that a rare case in a small unit cannot be singled out": "Jumlah laporan per unit, "
    "kategori dan bulan, dalam JSON; untuk publik, sel kecil disembunyikan agar laporan yang "
    "jarang di unit kecil tidak dapat dikenali pelapornya",
    "One case as JSON for an audience outside the case: redacted, narrowed to the\naudience's "
    "allowlist of fields (docs/security.md).": "Satu laporan dalam JSON untuk pihak di luar "
    "penanganannya: disamarkan, dibatasi pada\ndaftar kolom yang diizinkan bagi pihak tersebut "
    "(docs/security.md).",
    "One case as JSON for an audience outside the case: redacted, narrowed to the audience's "
    "allowlist of fields (docs/security.md)": "Satu laporan dalam JSON untuk pihak di luar "
    "penanganannya: disamarkan, dibatasi pada daftar kolom yang diizinkan bagi pihak tersebut "
    "(docs/security.md)",
    "Who receives it: only the fields the SOP allows this audience "
    "(confidentiality.audiences), always redacted.": "Siapa penerimanya: hanya kolom yang "
    "diizinkan SOP bagi pihak ini (confidentiality.audiences), selalu disamarkan.",
    "public: cells (unit x category x month) under --k cases are left out.": "public: sel "
    "(unit x kategori x bulan) dengan kurang dari --k laporan tidak ditampilkan.",
}
