"""Every string the desk shows a person, Indonesian first and English second, in one table.

Kept together so the later move to gettext is mechanical: a page asks ``t(lang, key)``.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["TEXTS", "Lang", "lang_of", "t"]

Lang = Literal["id", "en"]

TEXTS: dict[str, tuple[str, str]] = {
    "desk": ("Layanan Pengaduan", "Complaint desk"),
    "file_title": ("Sampaikan pengaduan", "File a complaint"),
    "file_submit": ("Kirim pengaduan", "Send the complaint"),
    "anonymous": (
        "Rahasiakan identitas saya (anonim)",
        "Keep my identity secret (anonymous)",
    ),
    "reporter": ("Nama atau kontak Anda (boleh dikosongkan)", "Your name or contact (optional)"),
    "filed": ("Pengaduan Anda telah diterima.", "Your complaint has been received."),
    "keep_id": (
        "Simpan nomor pelacakan ini untuk mengikuti perkembangannya:",
        "Keep this tracking ID to follow its progress:",
    ),
    "track_title": ("Lacak pengaduan", "Track a complaint"),
    "track_id": ("Nomor pelacakan", "Tracking ID"),
    "track_submit": ("Lacak", "Track"),
    "not_found": ("Pengaduan tidak ditemukan.", "No such complaint."),
    "status": ("Status", "Status"),
    "filed_at": ("Diterima", "Received"),
    "expected": ("Perkiraan selesai", "Expected by"),
    "timeline": ("Riwayat", "Timeline"),
    "responses": ("Tanggapan", "Responses"),
    "withheld": ("[dirahasiakan]", "[withheld]"),
    "login_title": ("Masuk petugas", "Officer sign-in"),
    "token": ("Token akses", "Access token"),
    "login_submit": ("Masuk", "Sign in"),
    "logout": ("Keluar", "Sign out"),
    "bad_token": ("Token tidak dikenal.", "Unknown token."),
    "queue_title": ("Antrean saya", "My queue"),
    "queue_empty": ("Tidak ada laporan dalam antrean.", "Nothing in the queue."),
    "case": ("Laporan", "Case"),
    "state": ("Tahap", "State"),
    "due": ("Batas waktu", "Due"),
    "days_left": ("hari kerja tersisa", "working days left"),
    "overdue": ("terlambat", "overdue"),
    "data": ("Data laporan", "Case data"),
    "deadlines": ("Standar waktu", "Service standards"),
    "actions": ("Tindakan yang dapat Anda lakukan", "What you may do now"),
    "no_actions": ("Tidak ada tindakan untuk Anda saat ini.", "Nothing for you to do now."),
    "fire": ("Jalankan", "Do it"),
    "extend": ("Perpanjang", "Extend"),
    "amount": ("Tambahan hari kerja", "Extra working days"),
    "reason": ("Alasan", "Reason"),
    "declare": ("Pernyataan benturan kepentingan", "Declaration of interest"),
    "no_conflict": ("Saya tidak memiliki benturan kepentingan", "I have no conflict of interest"),
    "conflict": ("Saya memiliki benturan kepentingan", "I have a conflict of interest"),
    "relation": ("Hubungan", "Relation"),
    "violations_title": ("Pelanggaran kode etik", "Code-of-ethics violations"),
    "no_violations": ("Tidak ada pelanggaran tercatat.", "No violations recorded."),
    "breaches_title": ("Pelanggaran standar waktu", "Missed service standards"),
    "no_breaches": ("Tidak ada standar waktu yang terlewat.", "No service standard missed."),
    "escalation": ("eskalasi tingkat", "escalation level"),
    "refused": ("Perintah ditolak", "Command refused"),
    "done": ("Tersimpan.", "Saved."),
    "forbidden": ("Anda tidak berwenang melihat halaman ini.", "You may not see this page."),
    "sign_in_first": ("Silakan masuk terlebih dahulu.", "Please sign in first."),
    "open311_notice": (
        "Simpan nomor ini untuk melacak pengaduan Anda.",
        "Keep this number to track your complaint.",
    ),
    "diagram": ("Alur SOP dan jejak laporan ini", "The SOP and this case's path"),
    "me_title": ("Kinerja bulan ini", "This month's performance"),
    "received": ("Pengaduan diterima", "Complaints received"),
    "on_time": ("tepat waktu", "on time"),
    "of": ("dari", "of"),
    "not_decided": ("belum ada yang jatuh tempo", "none due yet"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
}
"""key -> (Indonesian, English)."""


def lang_of(value: str | None) -> Lang:
    """``en`` when asked for, Indonesian otherwise (the default of the desk)."""
    return "en" if value == "en" else "id"


def t(lang: Lang, key: str) -> str:
    """The text ``key`` in ``lang``."""
    indonesian, english = TEXTS[key]
    return english if lang == "en" else indonesian
