"""Suggesting the class of a report from its text: pengaduan, aspirasi or permintaan informasi.

LAPOR! admins set the class while verifying (PermenPANRB 62/2018 gives aspirasi and permintaan
informasi their own 5-working-day completion). A channel can only *suggest* it: the suggestion
saves the admin a click on the common cases, and the admin's choice at ``verifikasi`` is what
counts. The rules are deliberately plain cue phrases, so an admin can see why a report was
classed as it was; anything without a cue is a pengaduan, the class with the strictest handling.
"""

from __future__ import annotations

import re

__all__ = ["CLASSES", "classify"]

CLASSES = ("pengaduan", "aspirasi", "permintaan_informasi")
"""The report classes LAPOR! and the reference SOP use (field ``klasifikasi``)."""

_INFORMATION = re.compile(
    r"\b(mohon (info|informasi|penjelasan)|minta (info|informasi|data)|bagaimana (cara|prosedur)"
    r"|apa (saja )?syarat|berapa (biaya|lama|tarif)|kapan (jadwal|dibuka|pendaftaran)"
    r"|di ?mana (tempat|lokasi|kantor)|persyaratan(nya)?|informasi (tentang|mengenai))\b",
    re.IGNORECASE,
)
_ASPIRATION = re.compile(
    r"\b(saran(nya)?|usul(an|kan)?|sebaiknya|alangkah baiknya|mohon (agar )?(ditambah|dibangun|"
    r"diadakan|dipertimbangkan)|berharap|harapan kami|aspirasi)\b",
    re.IGNORECASE,
)
_GRIEVANCE = re.compile(
    r"\b(rusak|berlubang|pungli|pungutan|tidak (dilayani|ditanggapi|berfungsi|jalan)|lambat"
    r"|mogok|macet|diminta uang|kecewa|keluhan|mengeluh|ditolak|banjir|mati)\b",
    re.IGNORECASE,
)


def classify(text: str) -> str:
    """The suggested class of a report: a grievance cue wins, then information, then aspiration."""
    if _GRIEVANCE.search(text):
        return "pengaduan"
    if _INFORMATION.search(text):
        return "permintaan_informasi"
    if _ASPIRATION.search(text):
        return "aspirasi"
    return "pengaduan"
