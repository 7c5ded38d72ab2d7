"""Indonesian for the messages of issue 19, fourth wave (store4): the key file as an
append-only log of key records (a file that cannot be read, a committed case whose key record
was lost)."""

T = {
    "the key file cannot be read: {cause}": "berkas kunci tidak dapat dibaca: {cause}",
    "its header is not a sop-engine key file's": "kepalanya bukan kepala berkas kunci sop-engine",
    "it is neither a key log nor a JSON key file": "berkas itu bukan log kunci dan bukan berkas "
    "kunci JSON",
    "a key in the JSON key file is not 32 bytes": "sebuah kunci dalam berkas kunci JSON tidak "
    "berukuran 32 bita",
    "restore the key file from its own backup (without it the sealed personal data cannot be "
    "read)": "pulihkan berkas kunci dari cadangannya sendiri (tanpa berkas itu data pribadi yang "
    "tersegel tidak dapat dibaca)",
    "the key file lost the keys of {count} committed case(s) ({cases}) when a damaged record "
    "was cut off": "berkas kunci kehilangan kunci {count} kasus yang sudah tersimpan ({cases}) "
    "ketika rekaman yang rusak dipotong",
    "restore the key file from its own backup (taken after those cases were opened), then open "
    "the store again": "pulihkan berkas kunci dari cadangannya sendiri (yang diambil setelah "
    "kasus-kasus itu dibuka), lalu buka kembali penyimpanan",
}
