"""Indonesian e-mail texts for what the outbox carries.

The people receiving these are officers and supervisors of an Indonesian agency: the texts are in
Bahasa Indonesia, name the case and the deadline, and give times in the agency's zone (WIB, WITA
or WIT) with Indonesian day and month names, because "16:00 UTC" in a reminder is a mistake
waiting to happen. An agency can replace any template through the notifier's configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sop_engine.plugin import Notification

__all__ = ["TEMPLATES", "format_time", "render"]

_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

TEMPLATES: dict[str, dict[str, str]] = {
    "reminder": {
        "subject": "[Pengingat] Kasus {case_id}: batas waktu {deadline} jatuh {due}",
        "body": (
            "Yth. Bapak/Ibu,\n\n"
            "Batas waktu {deadline} untuk kasus {case_id} jatuh pada {due}.\n"
            "Mohon kasus ini ditindaklanjuti sebelum batas waktu tersebut.\n\n"
            "Pesan ini dikirim otomatis oleh sistem pengelolaan pengaduan {instansi}."
        ),
    },
    "breach": {
        "subject": "[Terlambat] Kasus {case_id}: batas waktu {deadline} terlampaui",
        "body": (
            "Yth. Bapak/Ibu,\n\n"
            "Batas waktu {deadline} untuk kasus {case_id} telah terlampaui pada {due}.\n"
            "Mohon segera ditindaklanjuti dan dicatat alasan keterlambatannya.\n\n"
            "Pesan ini dikirim otomatis oleh sistem pengelolaan pengaduan {instansi}."
        ),
    },
    "escalation": {
        "subject": "[Eskalasi tingkat {level}] Kasus {case_id}: {deadline} belum selesai",
        "body": (
            "Yth. Bapak/Ibu,\n\n"
            "Kasus {case_id} dieskalasikan ke tingkat {level} karena batas waktu {deadline} "
            "({due}) terlampaui.\n"
            "Mohon Bapak/Ibu memastikan kasus ini segera ditindaklanjuti.\n\n"
            "Pesan ini dikirim otomatis oleh sistem pengelolaan pengaduan {instansi}."
        ),
    },
    "response": {
        "subject": "Tanggapan atas laporan Anda {case_id}",
        "body": (
            "Yth. Pelapor,\n\n"
            "Terima kasih atas laporan Anda. Berikut tanggapan {instansi}:\n\n"
            "{tanggapan}\n\n"
            "Jika tanggapan ini belum menyelesaikan masalah, Anda dapat menyanggahnya melalui "
            "kanal tempat Anda melapor."
        ),
    },
}
"""Templates by notification kind; ``{placeholders}`` are filled from the notification."""

_FALLBACK = {
    "subject": "[Pemberitahuan] Kasus {case_id}",
    "body": "Yth. Bapak/Ibu,\n\nAda pemberitahuan ({kind}) untuk kasus {case_id}.\n\n{payload}",
}


def format_time(value: str | datetime, zone: str) -> str:
    """``2026-03-06T09:00:00+00:00`` as ``Jumat, 6 Maret 2026 16.00 WIB`` (for Asia/Jakarta)."""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = at.astimezone(ZoneInfo(zone))
    suffix = _ZONES.get(zone, zone)
    return (
        f"{_DAYS[local.weekday()]}, {local.day} {_MONTHS[local.month - 1]} {local.year} "
        f"{local:%H.%M} {suffix}"
    )


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "-"


def render(
    n: Notification,
    *,
    instansi: str,
    zone: str = "Asia/Jakarta",
    templates: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[str, str]:
    """The subject and body for ``n``: the agency's template for its kind, else the built-in."""
    chosen = (templates or {}).get(n.kind) or TEMPLATES.get(n.kind) or _FALLBACK
    values = _Blank(n.payload)
    values.update(case_id=n.case_id, kind=n.kind, instansi=instansi, payload=dict(n.payload))
    if "due_at" in n.payload:
        values["due"] = format_time(str(n.payload["due_at"]), zone)
    subject = chosen["subject"].format_map(values)
    body = chosen["body"].format_map(values)
    return " ".join(subject.split()), body + "\n"
