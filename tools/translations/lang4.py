"""Indonesian of the messages added by the `lang4` branch (issue 16, the parts left open).

The complaint desk's pages (moved from the desk's own id/en table into the catalogue), its
deadline statuses and ethics severities, the calendar document's problems and the holiday
sources an officer reads in `sop calendar holidays`.
"""

T = {
    # -- the complaint desk (src/sop_engine/server/texts.py) --------------------------------------
    "Complaint desk": "Layanan Pengaduan",
    "File a complaint": "Sampaikan pengaduan",
    "Send the complaint": "Kirim pengaduan",
    "Keep my identity secret (anonymous)": "Rahasiakan identitas saya (anonim)",
    "Your name or contact (optional)": "Nama atau kontak Anda (boleh dikosongkan)",
    "Your complaint has been received.": "Pengaduan Anda telah diterima.",
    "Keep this tracking ID to follow its progress:": (
        "Simpan nomor pelacakan ini untuk mengikuti perkembangannya:"
    ),
    "Track a complaint": "Lacak pengaduan",
    "Tracking ID": "Nomor pelacakan",
    "Track": "Lacak",
    "No such complaint.": "Pengaduan tidak ditemukan.",
    "Status": "Status",
    "Received": "Diterima",
    "Expected by": "Perkiraan selesai",
    "Timeline": "Riwayat",
    "Responses": "Tanggapan",
    "[withheld]": "[dirahasiakan]",
    "Officer sign-in": "Masuk petugas",
    "Access token": "Token akses",
    "Sign in": "Masuk",
    "Sign out": "Keluar",
    "Unknown token.": "Token tidak dikenal.",
    "My queue": "Antrean saya",
    "Nothing in the queue.": "Tidak ada laporan dalam antrean.",
    "Case": "Laporan",
    "Due": "Batas waktu",
    "working days left": "hari kerja tersisa",
    "overdue by": "terlambat",
    "Case data": "Data laporan",
    "Service standards": "Standar waktu",
    "What you may do now": "Tindakan yang dapat Anda lakukan",
    "Nothing for you to do now.": "Tidak ada tindakan untuk Anda saat ini.",
    "Do it": "Jalankan",
    "Extend": "Perpanjang",
    "Extra working days": "Tambahan hari kerja",
    "Declaration of interest": "Pernyataan benturan kepentingan",
    "I have no conflict of interest": "Saya tidak memiliki benturan kepentingan",
    "I have a conflict of interest": "Saya memiliki benturan kepentingan",
    "Relation": "Hubungan",
    "Code-of-ethics violations": "Pelanggaran kode etik",
    "No violations recorded.": "Tidak ada pelanggaran tercatat.",
    "Missed service standards": "Pelanggaran standar waktu",
    "No service standard missed.": "Tidak ada standar waktu yang terlewat.",
    "escalation level": "eskalasi tingkat",
    "Command refused": "Perintah ditolak",
    "Saved.": "Tersimpan.",
    "You may not see this page.": "Anda tidak berwenang melihat halaman ini.",
    "Please sign in first.": "Silakan masuk terlebih dahulu.",
    "Keep this number to track your complaint.": "Simpan nomor ini untuk melacak pengaduan Anda.",
    "The SOP and this case's path": "Alur SOP dan jejak laporan ini",
    "This month's performance": "Kinerja bulan ini",
    "Complaints received": "Pengaduan diterima",
    "on time": "tepat waktu",
    "of": "dari",
    "none due yet": "belum ada yang jatuh tempo",
    "refused": "ditolak",
    "recorded": "dicatat",
    # the engine's own events in a case's timeline
    "complaint received": "pengaduan diterima",
    "reminder sent": "pengingat dikirim",
    "service standard missed": "standar waktu terlampaui",
    "escalated": "dieskalasi",
    "time ran out: automatic step": "waktu habis: langkah otomatis",
    "deadline extended": "batas waktu diperpanjang",
    "working-day calendar changed": "kalender hari kerja diganti",
    "moved to a new SOP version": "dipindahkan ke versi SOP baru",
    "personal data erased": "data pribadi dihapus",
    "refused by the code of ethics": "ditolak oleh kode etik",
    "declaration of interest": "pernyataan benturan kepentingan",
    "request to reveal the reporter": "permintaan membuka identitas pelapor",
    "reveal approved": "pembukaan identitas disetujui",
    "reporter revealed": "identitas pelapor dibuka",
    # deadline statuses
    "running": "berjalan",
    "paused": "dijeda",
    "met": "terpenuhi",
    "closed before it was met": "ditutup sebelum terpenuhi",
    "no longer applies": "tidak berlaku lagi",
    # -- a stored calendar document that cannot be read back (CalendarDocError) ------------------
    "invalid calendar document: {problem}": "dokumen kalender tidak sah: {problem}",
    "expected a mapping, got {kind!r}": "seharusnya pemetaan nama ke nilai, ditemukan {kind!r}",
    "format {found!r} is not {expected}": "format {found!r} bukan {expected}",
    "{where}: expected a mapping, got {kind!r}": (
        "{where}: seharusnya pemetaan nama ke nilai, ditemukan {kind!r}"
    ),
    "{where}: {value!r} is not one of {allowed}": "{where}: {value!r} bukan salah satu dari {allowed}",
    "weekend: {value!r} is not a list of weekdays 0 (Monday) to 6": (
        "weekend: {value!r} bukan daftar hari 0 (Senin) sampai 6 (Minggu)"
    ),
    "office_hours: {value!r} is not [open, close] or null": (
        "office_hours: {value!r} bukan [jam buka, jam tutup] atau null"
    ),
    "years: {value!r} is not [first, last]": "years: {value!r} bukan [tahun awal, tahun akhir]",
    "version {version!r} does not match its content (which gives {actual!r})": (
        "version {version!r} tidak cocok dengan isinya (isinya menghasilkan {actual!r})"
    ),
    "{where}: expected a list, got {kind!r}": "{where}: seharusnya daftar, ditemukan {kind!r}",
    "{where}: expected text, got {kind!r}": "{where}: seharusnya teks, ditemukan {kind!r}",
    "{where}: {value!r} is not a date (YYYY-MM-DD)": (
        "{where}: {value!r} bukan tanggal (YYYY-MM-DD)"
    ),
    "{where}: {value!r} is not a time of day (HH:MM[:SS])": (
        "{where}: {value!r} bukan jam (HH:MM[:SS])"
    ),
    # -- days off: their kind and where they come from (`sop calendar holidays`, `sop case show`)
    "national holiday": "libur nasional",
    "joint leave (cuti bersama)": "cuti bersama",
    "regional leave (cuti daerah)": "cuti daerah",
    "office closed": "kantor tutup",
    "holidays package (SKB 3 Menteri)": "SKB 3 Menteri (menurut paket holidays)",
    "holidays package (estimate: computed, no SKB 3 Menteri yet)": (
        "perkiraan paket holidays (dihitung; SKB 3 Menteri belum terbit)"
    ),
    "Print one line per day off in YEAR: DATE<TAB>KIND<TAB>NAME<TAB>SOURCE (weekends not listed)": (
        "Cetak satu baris per hari libur dalam YEAR: TANGGAL<TAB>JENIS<TAB>NAMA<TAB>SUMBER (akhir "
        "pekan tidak dicantumkan)"
    ),
    "Print one line per day off in YEAR: DATE<TAB>KIND<TAB>NAME<TAB>SOURCE (weekends not listed).\n"
    "\n"
    "KIND and SOURCE are in the reader's language; NAME is as the decree writes it.": (
        "Cetak satu baris per hari libur dalam YEAR: TANGGAL<TAB>JENIS<TAB>NAMA<TAB>SUMBER (akhir "
        "pekan tidak dicantumkan).\n"
        "\n"
        "JENIS dan SUMBER dalam bahasa pembaca; NAMA sebagaimana tertulis dalam keputusannya."
    ),
    # -- the operating system's reasons (Python's strerror is English) --------------------------
    "no such file or directory": "berkas atau direktori tidak ada",
    "permission denied": "izin ditolak",
    "operation not permitted": "operasi tidak diizinkan",
    "it is a directory, not a file": "itu direktori, bukan berkas",
    "a part of the path is not a directory": "sebagian dari lokasinya bukan direktori",
    "the file name is too long": "nama berkasnya terlalu panjang",
    "too many levels of symbolic links": "terlalu banyak tingkat tautan simbolik",
    "it exists already": "sudah ada",
    "no space left on the device": "ruang penyimpanan perangkat penuh",
    "the file system is read-only": "sistem berkasnya hanya-baca",
    # -- kinds of refusal in `sop demo` (English shows the exception class to catch) ------------
    "unknown event": "kejadian tidak dikenal",
    "event not allowed in this state": "kejadian tidak diizinkan pada status ini",
    "role not permitted": "peran tidak berwenang",
    "condition not met": "syarat tidak terpenuhi",
    "code of ethics": "kode etik",
    "invalid event data": "data kejadian tidak sah",
    "reveal refused": "pembukaan identitas ditolak",
    "extension refused": "perpanjangan ditolak",
    "migration refused": "migrasi ditolak",
    "command refused": "perintah ditolak",
    # -- `sop simulate`: the engine's deadline events and ethics outcomes in words ---------------
    "blocked": "diblokir",
    "flagged": "ditandai",
    # -- `sop report`: headings of the HTML tables that were JSON keys ---------------------------
    "total": "total",
    "rule": "aturan",
    "deadline": "batas waktu",
    "unit": "unit",
    # -- operators' summaries: store check, audit verify, plugins, outbox list -----------------
    "{checked} case(s) replayed, every snapshot equals its trail": (
        "{checked} kasus diputar ulang, setiap keadaan tersimpan sama dengan hasil jejaknya"
    ),
    "every audit chain is intact": "setiap rantai jejak audit utuh",
    "guards": "syarat (guard)",
    "actions": "aksi",
    "sections": "bagian SOP",
    "calendars": "kalender",
    "ethics checks": "pemeriksaan kode etik",
    "intake channels": "kanal pengaduan",
    "notifiers": "pengirim notifikasi",
    "event listeners": "pendengar peristiwa",
    "lint rules": "aturan pemeriksaan SOP",
    "exporters": "pengekspor",
    "pending": "menunggu",
    "retrying": "dicoba ulang",
    "quarantined": "dikarantina",
    "oldest pending": "menunggu paling lama sejak",
}
