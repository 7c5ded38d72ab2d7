"""Indonesian for the new texts of the CLI conventions (issue 16): progress bars, JSON and
JUnit output of ``sop test``, exit codes."""

T = {
    # help texts
    "Check SOP files; exit 0 when every file is valid, 1 otherwise, 2 when a file is missing.\n"
    "\n"
    "Each finding reads PATH:LINE:COL: SOPnnn message, followed by a hint.\n"
    "Error codes are documented in docs/error-codes.md.": (
        "Periksa berkas SOP; kode keluar 0 bila semua berkas sah, 1 bila tidak, 2 bila ada "
        "berkas yang tidak ditemukan.\n"
        "\n"
        "Setiap temuan berbentuk LOKASI:BARIS:KOLOM: SOPnnn pesan, diikuti petunjuk.\n"
        "Kode kesalahan dijelaskan di docs/error-codes.md."
    ),
    "Check SOP files; exit 0 when every file is valid, 1 otherwise, 2 when a file is missing": (
        "Periksa berkas SOP; kode keluar 0 bila semua berkas sah, 1 bila tidak, 2 bila ada "
        "berkas yang tidak ditemukan"
    ),
    "Show a progress bar on standard error. Default: only when standard error is a terminal "
    "and the CI variable is not set; never on standard output, so --format json stays "
    "parseable.": (
        "Tampilkan bilah kemajuan di keluaran galat standar. Bawaan: hanya bila keluaran galat "
        "standar adalah terminal dan variabel CI tidak diisi; tidak pernah di keluaran standar, "
        "sehingga hasil --format json tetap dapat dibaca mesin."
    ),
    "Explore an SOP with random cases, officers, dates and deadlines; check its invariants.\n"
    "\n"
    "Exit 0 when every invariant held (the coverage table is printed), 1 when one failed: the\n"
    "shortest scenario found is printed step by step and saved, with the command to replay it;\n"
    "2 when it cannot run (an unknown --invariant, the testing extra missing: pip install\n"
    "'sop-engine[testing]'). --format json prints one JSON document (docs/testing.md) and\n"
    "--junit-xml writes a report CI systems show as tests.": (
        "Jelajahi SOP dengan kasus, petugas, tanggal dan tenggat acak; periksa invariannya.\n"
        "\n"
        "Kode keluar 0 bila setiap invarian terpenuhi (tabel cakupan dicetak), 1 bila ada yang "
        "dilanggar:\nskenario terpendek yang ditemukan dicetak langkah demi langkah dan disimpan, "
        "beserta perintah\nuntuk memutarnya ulang; 2 bila tidak dapat berjalan (--invariant yang "
        "tidak dikenal, extra testing\nbelum terpasang: pip install 'sop-engine[testing]'). "
        "--format json mencetak satu dokumen JSON\n(docs/testing.md) dan --junit-xml menulis "
        "laporan yang ditampilkan sistem CI sebagai daftar uji."
    ),
    "Also write a JUnit XML report here for CI systems: one testcase per invariant, a failure "
    "with the shortest scenario.": (
        "Tulis juga laporan JUnit XML di sini untuk sistem CI: satu testcase per invarian, "
        "kegagalan beserta skenario terpendeknya."
    ),
    # progress bars
    "checking cases": "memeriksa kasus",
    "exploring scenarios": "menjelajahi skenario",
    # sop audit keygen
    "cannot create the key file {path}: {cause}": "berkas kunci {path} tidak dapat dibuat: {cause}",
    # sop test --junit-xml
    "the SOP file has {n} error(s)": "berkas SOP memuat {n} kesalahan",
    "Replay it with: {command}": "Putar ulang dengan: {command}",
    "switched off by this SOP: {reason}": "dinonaktifkan oleh SOP ini: {reason}",
    "not fully explored: the exploration stops at the first failing invariant ({name})": (
        "belum dijelajahi sepenuhnya: penjelajahan berhenti pada invarian pertama yang "
        "dilanggar ({name})"
    ),
    "coverage {got:.0f}% is below the required {want:.0f}%": (
        "cakupan {got:.0f}% di bawah batas {want:.0f}%"
    ),
}
