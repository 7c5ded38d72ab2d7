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
}
