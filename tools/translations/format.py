"""Indonesian for the messages of issue 20's deadline half (branch ``format``)."""

T = {
    "clock {clock!r} rolls to the next working day but counts no calendar days": (
        "batas waktu {clock!r} digeser ke hari kerja berikutnya, padahal tidak dihitung "
        "dalam hari kalender"
    ),
    (
        "roll: next_working_day only moves a deadline counted in days; remove it, or "
        "count the duration in days"
    ): (
        "roll: next_working_day hanya menggeser batas waktu yang dihitung dalam hari kalender "
        "(days); hapus baris itu, atau hitung jangka waktunya dalam days"
    ),
    "the duration rules of clock {clock!r} count in different units ({units})": (
        "aturan jangka waktu batas waktu {clock!r} memakai satuan yang berbeda-beda ({units})"
    ),
    (
        "when a field the rules read changes while the clock runs, time added by pauses "
        "and extensions is kept only within one unit: count every rule in the same unit"
    ): (
        "bila data yang dibaca aturan berubah selagi batas waktu berjalan, tambahan waktu dari "
        "penundaan dan perpanjangan hanya terbawa dalam satuan yang sama: gunakan satu satuan "
        "untuk semua aturan"
    ),
    "deadline notifications would carry field {field!r}, which identifies the reporter": (
        "notifikasi batas waktu akan memuat isian {field!r}, yang mengungkap identitas pelapor"
    ),
    (
        "name a field that does not identify the reporter (the tracking id, the agency's "
        "case number, the unit, the title)"
    ): (
        "sebutkan isian yang tidak mengungkap identitas pelapor (nomor tracking, nomor agenda "
        "instansi, unit kerja, judul laporan)"
    ),
}
