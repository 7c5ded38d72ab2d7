"""Indonesian for the messages of issue 20, rules and lint half (findings SOP174-SOP178, the
positions and advice of `sop lint`)."""

T = {
    # finding codes
    "{where}: {field!r} is a {kind} field and can never hold {value!r}, so this condition "
    "never matches": "{where}: {field!r} adalah kolom bertipe {kind} dan tidak pernah dapat "
    "bernilai {value!r}, sehingga syarat ini tidak pernah terpenuhi",
    "write {allowed}": "tuliskan {allowed}",
    "{name!r} is switched off with 'disabled_because' but is not a built-in check": "{name!r} "
    "dinonaktifkan dengan 'disabled_because', padahal bukan pemeriksaan bawaan",
    "switch off one of the built-in checks ({known}); a rule of your own is removed by "
    "deleting it": "nonaktifkan salah satu pemeriksaan bawaan ({known}); aturan buatan sendiri "
    "cukup dihapus",
    "built-in check {name!r} is switched off, so {key!r} has no meaning here": "pemeriksaan "
    "bawaan {name!r} dinonaktifkan, sehingga {key!r} tidak berarti apa pun di sini",
    "keep only 'disabled_because: <the reason>' under {name!r}": "di bawah {name!r} cukup "
    "tuliskan 'disabled_because: <alasannya>'",
    "built-in check {name!r} is switched off with a blank reason": "pemeriksaan bawaan {name!r} "
    "dinonaktifkan dengan alasan kosong",
    'say why, in words a supervisor can judge, e.g. disabled_because: "Tanda terima dikirim '
    'tanpa mengubah status"': "tuliskan alasannya dengan kata-kata yang dapat dinilai atasan, "
    'misalnya disabled_because: "Tanda terima dikirim tanpa mengubah status"',
    "unknown deadline clock {name!r}{suggestion}": "jam batas waktu {name!r} tidak dikenal"
    "{suggestion}",
    "use a clock declared under 'deadlines: clocks'; known clocks: {known}": "gunakan jam yang "
    "dinyatakan di bawah 'deadlines: clocks'; jam yang ada: {known}",
    "add it here, e.g. {example}": "tambahkan di sini, misalnya {example}",
    "write the value as the message says, then run sop lint again": "perbaiki nilainya sesuai "
    "pesan di atas, lalu jalankan sop lint lagi",
    "write the parameters of {name!r} as: {params}": "tuliskan parameter {name!r} seperti ini: "
    "{params}",
    "write the parameters of check {name!r} as: {params}": "tuliskan parameter pemeriksaan "
    "{name!r} seperti ini: {params}",
    # what a value must be
    "true or false, without quotes": "true atau false, tanpa tanda kutip",
    "a whole number, without quotes": "bilangan bulat, tanpa tanda kutip",
    "a number, without quotes": "angka, tanpa tanda kutip",
    "a date like 2026-03-02": "tanggal seperti 2026-03-02",
    "a date and time in UTC, like 2026-03-02T02:30:00+00:00": "tanggal dan jam dalam UTC, "
    "seperti 2026-03-02T02:30:00+00:00",
    "text": "teks",
    "one of {values}": "salah satu dari {values}",
    # positions
    "guard {n}": "syarat ke-{n}",
    "action {n}": "tindakan ke-{n}",
    "escalation level {n}": "tingkat eskalasi ke-{n}",
    "reminder {n}": "pengingat ke-{n}",
    "duration rule {n}": "aturan durasi ke-{n}",
    "day off {n}": "hari libur ke-{n}",
    "the {nth} transition ({event}: {source} → {target})": "transisi ke-{nth} ({event}: "
    "{source} → {target})",
    "rule {n} ({rule})": "aturan ke-{n} ({rule})",
    "item {n}": "butir ke-{n}",
    "state": "status",
    "event": "peristiwa",
    "role": "peran",
    "field": "kolom",
    "{kind} {name!r} ({label})": "{kind} {name!r} ({label})",
    "{kind} {name!r}": "{kind} {name!r}",
    "clock {name!r} ({label})": "jam {name!r} ({label})",
    "clock {name!r}": "jam {name!r}",
    "the document": "dokumen",
    "{outer}, {inner}": "{outer}, {inner}",
    # schema complaints in the reader's words
    "write a number above {limit}, not {found}": "tuliskan angka di atas {limit}, bukan {found}",
    "write {limit} or more, not {found}": "tuliskan {limit} atau lebih, bukan {found}",
    "write a number below {limit}, not {found}": "tuliskan angka di bawah {limit}, bukan {found}",
    "write {limit} or less, not {found}": "tuliskan {limit} atau kurang, bukan {found}",
    "write some text here: it cannot be empty": "isi teksnya di sini: tidak boleh kosong",
    "shorten the text to at most {limit} characters": "persingkat teksnya menjadi paling "
    "banyak {limit} karakter",
    "list at least {limit} item(s) here": "cantumkan paling sedikit {limit} butir di sini",
    "list at most {limit} item(s) here": "cantumkan paling banyak {limit} butir di sini",
    "each item may appear only once in this list": "setiap butir hanya boleh muncul sekali "
    "dalam daftar ini",
    "write at least {limit} entry(ies) here": "tuliskan paling sedikit {limit} entri di sini",
    "write at most {limit} entry(ies) here": "tuliskan paling banyak {limit} entri di sini",
    "write {limit!r} here": "tuliskan {limit!r} di sini",
    "this value is not allowed here": "nilai ini tidak diperbolehkan di sini",
    "this is not the expected form here": "bentuk ini tidak sesuai dengan yang diharapkan di sini",
    "; inside {{ }} a comma starts a new entry: put text containing a comma in double quotes, "
    'e.g. {key}: "{text}, {extra}"': "; di dalam {{ }} koma memulai entri baru: apit teks yang "
    'mengandung koma dengan tanda kutip ganda, misalnya {key}: "{text}, {extra}"',
    # ethics parameters
    "the parameter {key!r} is missing": "parameter {key!r} belum ada",
    "{key!r} is not a parameter of this check": "{key!r} bukan parameter pemeriksaan ini",
    "{key!r} has the wrong kind of value": "jenis nilai {key!r} tidak sesuai",
    "{key!r} has a value this check does not accept": "nilai {key!r} tidak diterima oleh "
    "pemeriksaan ini",
}
