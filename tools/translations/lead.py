"""Indonesian of messages written while merging the branches of the second and third waves."""

T = {
    "larger than the limit of {limit} bytes": "lebih besar dari batas {limit} byte",
    "fields each export audience may receive (an allowlist); default: public gets no text and "
    "nothing of the reporter, oversight all but the reporter, internal all (always after "
    "redaction)": (
        "kolom yang boleh diterima setiap pihak penerima ekspor (daftar yang diizinkan); bawaan: "
        "publik tidak menerima teks dan apa pun tentang pelapor, pengawas menerima semua kecuali "
        "data pelapor, internal menerima semua (selalu setelah penyamaran)"
    ),
    "roles that approve a reveal (another person, another role; default: see_identity and "
    "reveal)": (
        "peran yang menyetujui pembukaan identitas (orang lain, peran lain; bawaan: see_identity "
        "dan reveal)"
    ),
}
