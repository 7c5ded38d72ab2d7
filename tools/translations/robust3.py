"""Indonesian for the messages of issue 18, third wave (robust3): the calendar's end warned
ahead of time (``sop lint``, ``sop calendar``, ``sop worker``)."""

T = {
    "calendar {calendar} ends on {end}, but a deadline started today could fall due as "
    "late as {reach}: it would be refused; extend the calendar with the published "
    "SKB 3 Menteri days before then": "kalender {calendar} berakhir pada {end}, padahal batas "
    "waktu yang dimulai hari ini dapat jatuh tempo paling lambat {reach}: penghitungannya akan "
    "ditolak; perpanjang kalender dengan hari libur dan cuti bersama dari SKB 3 Menteri yang "
    "sudah terbit sebelum tanggal itu",
    "calendar {calendar} ends on {end}, {days} day(s) from today: deadlines counted past "
    "it will be refused; extend the calendar with the published SKB 3 Menteri days "
    "before then": "kalender {calendar} berakhir pada {end}, {days} hari lagi dari hari ini: "
    "batas waktu yang dihitung melewati tanggal itu akan ditolak; perpanjang kalender dengan "
    "hari libur dan cuti bersama dari SKB 3 Menteri yang sudah terbit sebelum tanggal itu",
    "warning": "peringatan",
    # sop worker: scheduled checkpoints and the health check
    "How often to checkpoint: 90s, 15m, 1h, 1d, 1h30m (periods start on the UTC epoch).": "Seberapa "
    "sering titik periksa diambil: 90s, 15m, 1h, 1d, 1h30m (periode dihitung sejak epoch UTC).",
    "Sign a checkpoint of the store every --checkpoint-every with this Ed25519 private key "
    "(PEM; sop audit keygen makes one). One worker of many takes each.": "Tandatangani titik "
    "periksa basis data setiap --checkpoint-every dengan kunci privat Ed25519 ini (PEM; dibuat "
    "dengan sop audit keygen). Setiap titik periksa diambil oleh satu worker saja.",
    "The date to judge the calendar's end from (default: today; for tests).": "Tanggal acuan "
    "untuk menilai akhir kalender (bawaan: hari ini; untuk pengujian).",
    "Where scheduled checkpoints are written (checkpoint-YYYYMMDDTHHMMSSZ.json).": "Folder "
    "tempat titik periksa terjadwal ditulis (checkpoint-YYYYMMDDTHHMMSSZ.json).",
}
