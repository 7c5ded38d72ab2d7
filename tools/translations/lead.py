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
    "{channel}: message rejected: {reason}": "{channel}: pesan ditolak: {reason}",
    "command id {command_id!r} was committed by a concurrent call first; nothing was written "
    "for this one: send it again to get that call's outcome": (
        "id perintah {command_id!r} sudah lebih dulu disimpan oleh panggilan lain yang berjalan "
        "bersamaan; untuk panggilan ini tidak ada yang ditulis: kirim ulang untuk mendapatkan "
        "hasil panggilan tersebut"
    ),
    "cannot use the store at {where}: {cause}; {fix}": (
        "penyimpanan di {where} tidak dapat dipakai: {cause}; {fix}"
    ),
    "it is not a sop_engine store (no schema_migrations table)": (
        "ini bukan penyimpanan sop_engine (tidak ada tabel schema_migrations)"
    ),
    "point --db at the file or database 'sop worker' or 'sop demo' wrote": (
        "arahkan --db ke berkas atau basis data yang ditulis oleh 'sop worker' atau 'sop demo'"
    ),
    "this store is open for checking only: nothing is written": (
        "penyimpanan ini dibuka hanya untuk pemeriksaan: tidak ada yang ditulis"
    ),
    "open the store normally to change it": "buka penyimpanan secara biasa untuk mengubahnya",
    "no such file": "berkas tidak ada",
    "it is not a SQLite database": "ini bukan basis data SQLite",
    "{where}: {names} is required": "{where}: {names} wajib diisi",
    "{where}: unknown key(s) {names}": "{where}: kunci tidak dikenal {names}",
    "{where}: {reason}": "{where}: {reason}",
    "{first}; {second}": "{first}; {second}",
    "expected a mapping of data names to values, got {kind}": (
        "seharusnya pemetaan nama data ke nilainya, yang diberikan {kind}"
    ),
    "{where}: give {options}": "{where}: isikan {options}",
    "{where}: fits none of the allowed forms": "{where}: tidak cocok dengan bentuk mana pun yang diizinkan",
    "{where}: {found!r} does not match {pattern!r}": "{where}: {found!r} tidak cocok dengan {pattern!r}",
    "{where}: {found!r} is not one of {allowed}": "{where}: {found!r} bukan salah satu dari {allowed}",
    "{where}: {found!r} is not of type {kind!r}": "{where}: {found!r} bukan bertipe {kind!r}",
    "check the URL": "periksa URL-nya",
    "no connection within {seconds} s ({error})": "tidak tersambung dalam {seconds} detik ({error})",
    "check the URL (postgresql://USER@HOST:PORT/DBNAME), that the server runs and accepts this "
    "user": (
        "periksa URL-nya (postgresql://PENGGUNA@HOST:PORT/NAMADB), bahwa server berjalan dan "
        "menerima pengguna ini"
    ),
    "check the URL and that the server runs": "periksa URL-nya dan bahwa server berjalan",
    "plugin {name!r}{source} implements a hook sop_engine does not have ({error}); check the "
    "function name against docs/plugins.md": (
        "plugin {name!r}{source} mengimplementasikan hook yang tidak dimiliki sop_engine "
        "({error}); cocokkan nama fungsinya dengan docs/plugins.md"
    ),
    "two installed plugins are both named {name!r} ({first} and {second}); uninstall one of them": (
        "dua plugin terpasang sama-sama bernama {name!r} ({first} dan {second}); copot salah "
        "satunya"
    ),
    "plugin {name!r} (from {package}) has an entry-point name that cannot be a namespace; use "
    "lower-case letters, digits and _ (e.g. 'licence')": (
        "plugin {name!r} (dari {package}) memakai nama entry point yang tidak dapat menjadi "
        "ruang nama; gunakan huruf kecil, angka dan _ (mis. 'licence')"
    ),
    "plugin {name!r} (from {package}) failed to import: {error}; reinstall or uninstall "
    "{package}": (
        "plugin {name!r} (dari {package}) gagal dimuat: {error}; pasang ulang atau copot {package}"
    ),
    "cannot register plugin {name!r}{source}: {error}": (
        "plugin {name!r}{source} tidak dapat didaftarkan: {error}"
    ),
    "plugin {name!r}{source} raised {error} in {hook}; report it to the plugin's maintainers "
    "or uninstall it": (
        "plugin {name!r}{source} memunculkan {error} di {hook}; laporkan kepada pengelola "
        "plugin itu atau copot plugin tersebut"
    ),
    "no {what} {name!r} is registered (registered: {known}); install the plugin that provides it": (
        "tidak ada {what} {name!r} yang terdaftar (terdaftar: {known}); pasang plugin yang "
        "menyediakannya"
    ),
    "the configuration of {what} {name!r} is invalid: {listed}; see the README of plugin "
    "{owner!r}": ("konfigurasi {what} {name!r} tidak sah: {listed}; lihat README plugin {owner!r}"),
    "section": "bagian (section)",
    "calendar": "kalender",
    "ethics check": "pemeriksaan etika",
    "intake channel": "kanal pengaduan",
    "notifier": "pengirim notifikasi",
    "event listener": "pendengar peristiwa",
    "lint rule": "aturan lint",
    "exporter": "pengekspor",
}
