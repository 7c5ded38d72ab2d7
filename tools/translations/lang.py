"""Indonesian of the messages added by the `lang` branch (issue 16, one message catalogue).

Findings of the field, deadline, confidentiality and guard-parameter checks, the field-type
validators (lint findings and refusals of case and event data), the argument and calendar
errors of issue 18, and the other errors a developer or an officer meets.
"""

T = {
    # -- joining words ---------------------------------------------------------------------------
    "{first} and {second}": "{first} dan {second}",
    "{first}, {second}": "{first}, {second}",
    "{shown}, ... ({n} more)": "{shown}, ... ({n} lainnya)",
    "{problems}; ... and {n} more": "{problems}; ... dan {n} lainnya",
    # -- reading the file ------------------------------------------------------------------------
    "not UTF-8 text (byte {byte} at offset {offset}; saved as Windows-1252 or Latin-1?)": (
        "bukan teks UTF-8 (bita {byte} pada posisi {offset}; tersimpan sebagai Windows-1252 "
        "atau Latin-1?)"
    ),
    "the limit is {limit} bytes": "batasnya {limit} bita",
    "more than {limit} values": "lebih dari {limit} nilai",
    "nested deeper than {limit}": "bersarang lebih dalam dari {limit} tingkat",
    "number": "bilangan",
    "true/false value": "nilai true/false",
    "{value!r} is not a number": "{value!r} bukan bilangan",
    "{value!r} is neither true nor false": "{value!r} bukan true maupun false",
    "install it: pip install {package}": "pasang paketnya: pip install {package}",
    # -- fields ----------------------------------------------------------------------------------
    "an enum field needs 'values'": "kolom enum memerlukan 'values'",
    "'values' only applies to enum fields, this one is {kind!r}": (
        "'values' hanya berlaku untuk kolom enum, sedangkan kolom ini bertipe {kind!r}"
    ),
    "a ref field needs 'ref: person' or 'ref: unit'": (
        "kolom ref memerlukan 'ref: person' atau 'ref: unit'"
    ),
    "'ref' only applies to ref fields, this one is {kind!r}": (
        "'ref' hanya berlaku untuk kolom ref, sedangkan kolom ini bertipe {kind!r}"
    ),
    "event data that is not a case field needs a 'type'": (
        "data peristiwa yang bukan kolom data kasus memerlukan 'type'"
    ),
    # -- field-type validators (lint and refusals) -----------------------------------------------
    "text of {n} character(s)": "teks {n} karakter",
    "a value of Python type {kind!r}": "nilai bertipe Python {kind!r}",
    "expected one of {allowed}, got {found}": (
        "seharusnya salah satu dari {allowed}, ditemukan {found}"
    ),
    "expected text, got {found}": "seharusnya teks, ditemukan {found}",
    "text longer than {limit} characters": "teks lebih panjang dari {limit} karakter",
    "required text is blank ({found}): write it, or mark the data 'allow_blank: true' in the SOP": (
        "teks wajib masih kosong ({found}): isilah, atau tandai datanya 'allow_blank: true' di SOP"
    ),
    "expected the id of a person or unit, got {found}": (
        "seharusnya id orang atau unit, ditemukan {found}"
    ),
    "expected true or false, got {found}": "seharusnya true atau false, ditemukan {found}",
    "expected a number, got {found}": "seharusnya bilangan, ditemukan {found}",
    "expected a finite number, got {found}": "seharusnya bilangan terhingga, ditemukan {found}",
    "expected a whole number, got {found}": "seharusnya bilangan bulat, ditemukan {found}",
    "expected a date without a time of day": "seharusnya tanggal tanpa jam",
    "expected a date like 2026-03-02, got {found}": (
        "seharusnya tanggal seperti 2026-03-02, ditemukan {found}"
    ),
    "expected a date and time like 2026-03-02T09:30:00+07:00, got {found}": (
        "seharusnya tanggal dan jam seperti 2026-03-02T09:30:00+07:00, ditemukan {found}"
    ),
    "a date and time needs a UTC offset or time zone (e.g. +07:00 for WIB)": (
        "tanggal dan jam memerlukan selisih UTC atau zona waktu (mis. +07:00 untuk WIB)"
    ),
    "expected a mapping of names to values, got {found}": (
        "seharusnya pemetaan nama ke nilai, ditemukan {found}"
    ),
    "unknown name {key!r} (known: {known})": "nama {key!r} tidak dikenal (yang dikenal: {known})",
    "{key!r} is required and cannot be empty": "{key!r} wajib diisi dan tidak boleh kosong",
    "{key!r} is required": "{key!r} wajib diisi",
    "{key!r}: {reason}": "{key!r}: {reason}",
    "case data for SOP {sop_id!r} is invalid: {problems}": (
        "data kasus untuk SOP {sop_id!r} tidak sah: {problems}"
    ),
    # -- guard and action parameters -------------------------------------------------------------
    "{param!r} {value!r} does not fit field {field!r}: {reason}": (
        "nilai {param!r} {value!r} tidak cocok dengan kolom {field!r}: {reason}"
    ),
    "{first!r} and {second!r} name the same field {field!r}: write two fields": (
        "{first!r} dan {second!r} menyebut kolom yang sama {field!r}: tuliskan dua kolom "
        "yang berbeda"
    ),
    "field {a!r} ({kind_a!r}) and field {b!r} ({kind_b!r}) never hold the same kind of value: "
    "compare two fields of the same type": (
        "kolom {a!r} ({kind_a!r}) dan kolom {b!r} ({kind_b!r}) tidak pernah berisi nilai "
        "sejenis: bandingkan dua kolom yang bertipe sama"
    ),
    "field {field!r} is of type {kind!r}; this needs {kinds}": (
        "kolom {field!r} bertipe {kind!r}; di sini diperlukan {kinds}"
    ),
    # -- deadlines -------------------------------------------------------------------------------
    "office hours must start before they end": "jam kerja harus dimulai sebelum berakhir",
    "unknown time zone {zone!r}: use Asia/Jakarta, Asia/Pontianak, Asia/Makassar or "
    "Asia/Jayapura": (
        "zona waktu {zone!r} tidak dikenal: gunakan Asia/Jakarta, Asia/Pontianak, "
        "Asia/Makassar atau Asia/Jayapura"
    ),
    "no stop condition can ever happen": "tidak ada kondisi berhenti yang dapat terjadi",
    "give exactly one of working_days, days, working_hours": (
        "tuliskan tepat satu dari working_days, days, working_hours"
    ),
    "the last duration rule has a 'when': cases matching no rule get no deadline; end with a "
    "rule without 'when'": (
        "aturan durasi terakhir memiliki 'when': kasus yang tidak cocok dengan aturan mana pun "
        "tidak mendapat batas waktu; akhiri dengan aturan tanpa 'when'"
    ),
    "the extension is counted in {unit!r} but the duration is not; use the duration's unit": (
        "perpanjangan dihitung dalam {unit!r} tetapi durasinya tidak; gunakan satuan durasinya"
    ),
    # -- confidentiality -------------------------------------------------------------------------
    "{field!r} must be an enum case field": "{field!r} harus berupa kolom data kasus bertipe enum",
    "{value!r} is not a value of {field!r} (its values: {values})": (
        "{value!r} bukan nilai kolom {field!r} (nilainya: {values})"
    ),
    "the consent field {field!r} must be a bool case field": (
        "kolom persetujuan {field!r} harus berupa kolom data kasus bertipe bool"
    ),
    "no value of {field!r} keeps the flags {flags} of the parent case; add one to the field's "
    "values and to 'anonim'/'rahasia'": (
        "tidak ada nilai {field!r} yang mempertahankan tanda {flags} dari kasus induk; "
        "tambahkan satu ke nilai kolom itu dan ke 'anonim'/'rahasia'"
    ),
    "case {case_id!r} is {flags}, but SOP {sop_id!r} declares no ethics.confidentiality to keep "
    "it so; add one": (
        "kasus {case_id!r} bersifat {flags}, tetapi SOP {sop_id!r} tidak menyatakan "
        "ethics.confidentiality untuk mempertahankannya; tambahkan"
    ),
    # -- oversight refusals ----------------------------------------------------------------------
    "a declared conflict must name the relation (e.g. 'saudara kandung')": (
        "benturan kepentingan yang dinyatakan harus menyebut hubungannya (mis. 'saudara kandung')"
    ),
    "{field!r} is not an identity field": "{field!r} bukan kolom identitas",
    "a reason is required to reveal an identity": "membuka identitas memerlukan alasan",
    "a reason is required": "alasan wajib diisi",
    # -- errors of the library (a developer reads them; an officer may meet them) ---------------
    "... and {n} more": "... dan {n} lainnya",
    "the SOP is not valid ({n} error(s)); run `sop lint` on it for hints:": (
        "SOP tidak sah ({n} kesalahan); jalankan `sop lint` padanya untuk petunjuk perbaikan:"
    ),
    "no SOP {sop_id!r} is loaded (loaded: {listed}); load it first with `engine.load(path)`": (
        "SOP {sop_id!r} belum dimuat (yang dimuat: {listed}); muat dahulu dengan "
        "`engine.load(path)`"
    ),
    "no case {case_id!r} in the store; check the id or start the case first": (
        "tidak ada kasus {case_id!r} di penyimpanan; periksa nomornya atau buka kasusnya dahulu"
    ),
    "case {case_id!r} is not visible to role {role!r} of unit {unit!r}; units that may see it: "
    "{listed}": (
        "kasus {case_id!r} tidak dapat dilihat oleh peran {role!r} unit {unit!r}; unit yang "
        "berwenang: {listed}"
    ),
    "none yet (not dispositioned)": "belum ada (belum didisposisikan)",
    "case {case_id!r} is at version {actual}, the command expected {expected}; someone else "
    "changed it: read it again and retry": (
        "kasus {case_id!r} berada pada versi {actual}, sedangkan perintah mengharapkan versi "
        "{expected}; pihak lain telah mengubahnya: baca ulang lalu coba lagi"
    ),
    "command id {command_id!r} was already used for a different command; use a fresh id for "
    "each distinct command": (
        "id perintah {command_id!r} sudah dipakai untuk perintah lain; gunakan id baru untuk "
        "setiap perintah yang berbeda"
    ),
    "guard": "guard",
    "action": "aksi",
    "{kind} {name!r} failed on case {case_id!r} (event {event!r}) with {error}; nothing was "
    "changed. Report it to the maintainers of the plugin that provides {name!r}, or remove it "
    "from the SOP": (
        "{kind} {name!r} gagal pada kasus {case_id!r} (peristiwa {event!r}) dengan {error}; "
        "tidak ada yang diubah. Laporkan kepada pengelola plugin penyedia {name!r}, atau "
        "hapus dari SOP"
    ),
    "the claim on timer {key!r} was lost (lease expired, claimed again elsewhere); nothing was "
    "written; the new claimant fires it": (
        "klaim atas pengatur waktu {key!r} hilang (masa sewa habis, diklaim di tempat lain); "
        "tidak ada yang ditulis; pengklaim baru yang menjalankannya"
    ),
    "sealed value {ref!r} does not match its key or the digest in the audit chain (edited, or "
    "moved from another place); restore it from a backup and run `sop store check`": (
        "nilai tersegel {ref!r} tidak cocok dengan kuncinya atau dengan ringkasan di rantai "
        "audit (diubah, atau dipindahkan dari tempat lain); pulihkan dari cadangan lalu "
        "jalankan `sop store check`"
    ),
    "the stored text of SOP version {version}… hashes to {found}…: it was changed after it was "
    "saved; restore the original text (from the SOP file or a backup) and run "
    "`sop store check`": (
        "teks tersimpan SOP versi {version}… menghasilkan hash {found}…: teks itu diubah "
        "setelah disimpan; pulihkan teks aslinya (dari berkas SOP atau cadangan) lalu "
        "jalankan `sop store check`"
    ),
    # -- argument checks (issue 18) ----------------------------------------------------------
    "argument {argument!r}: {reason}": "argumen {argument!r}: {reason}",
    "must be text, got {kind}": "harus berupa teks, ditemukan {kind}",
    "must not be empty": "tidak boleh kosong",
    "{n} characters, the limit is {limit}": "{n} karakter, batasnya {limit}",
    "holds a control character, a line break, a NUL or a lone surrogate; use printable text": (
        "memuat karakter kendali, pindah baris, NUL atau surrogate tunggal; gunakan teks yang "
        "dapat dicetak"
    ),
    "must be an `Actor(id, role, unit)`, got {kind}": (
        "harus berupa `Actor(id, role, unit)`, ditemukan {kind}"
    ),
    "the actor id 'sop-engine'/'sistem' and the role 'sistem' are the engine's own; a person or "
    "a program acts under its own id and role": (
        "id pelaku 'sop-engine'/'sistem' dan peran 'sistem' milik mesin sendiri; orang atau "
        "program bertindak dengan id dan perannya sendiri"
    ),
    "must be a datetime, got {kind}": "harus berupa datetime, ditemukan {kind}",
    "is a naive datetime; give it a time zone (`tzinfo=UTC` or the agency's zone)": (
        "datetime tanpa zona waktu; berikan zona waktunya (`tzinfo=UTC` atau zona instansi)"
    ),
    "must be a whole number, got {kind}": "harus berupa bilangan bulat, ditemukan {kind}",
    "must not be negative": "tidak boleh negatif",
    "a text holds a NUL character; remove it": "sebuah teks memuat karakter NUL; hapuslah",
    "a text holds a lone surrogate (not valid Unicode); decode it properly": (
        "sebuah teks memuat surrogate tunggal (bukan Unicode yang sah); dekode dengan benar"
    ),
    "must be a `StartCommand` or a `FireCommand`, got Python type {kind!r}": (
        "harus berupa `StartCommand` atau `FireCommand`, ditemukan tipe Python {kind!r}"
    ),
    # -- working-day calendar ----------------------------------------------------------------
    "calendar {calendar!r} covers {first}-{last}; {what}: extend the calendar (upgrade the "
    "holidays package or load a calendar document for the later years)": (
        "kalender {calendar!r} mencakup tahun {first}-{last}; {what}: perluas kalendernya "
        "(perbarui paket holidays atau muat dokumen kalender untuk tahun-tahun berikutnya)"
    ),
    "{day} is outside it": "{day} berada di luar cakupannya",
    "counting {n} working days from {day} goes past it": (
        "menghitung {n} hari kerja sejak {day} melewati cakupannya"
    ),
    "{amount} {unit} from {day} goes past it": "{amount} {unit} sejak {day} melewati cakupannya",
    "working days": "hari kerja",
    "days": "hari",
    "working hours": "jam kerja",
    "cannot count {n} working days": "tidak dapat menghitung {n} hari kerja",
    "a duration is a number, got Python type {kind!r}": (
        "durasi berupa bilangan, ditemukan tipe Python {kind!r}"
    ),
    "a duration must be a finite number, got {amount}": (
        "durasi harus berupa bilangan terhingga, ditemukan {amount}"
    ),
    "a duration cannot be negative, got {amount}": "durasi tidak boleh negatif, ditemukan {amount}",
    "unknown unit {unit!r}; use working_days, days or working_hours": (
        "satuan {unit!r} tidak dikenal; gunakan working_days, days atau working_hours"
    ),
    "calendar {calendar!r} has no office hours: working hours cannot be counted; configure "
    "office_hours (e.g. 08:00-16:00)": (
        "kalender {calendar!r} tidak memiliki jam kerja: jam kerja tidak dapat dihitung; "
        "atur office_hours (mis. 08:00-16:00)"
    ),
    "the time has no time zone; pass an aware datetime (tzinfo=UTC)": (
        "waktu tanpa zona waktu; berikan datetime yang memiliki zona waktu (tzinfo=UTC)"
    ),
    "unknown time zone {zone!r}; Indonesian agencies use Asia/Jakarta or Asia/Pontianak (WIB), "
    "Asia/Makassar (WITA) or Asia/Jayapura (WIT)": (
        "zona waktu {zone!r} tidak dikenal; instansi di Indonesia memakai Asia/Jakarta atau "
        "Asia/Pontianak (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT)"
    ),
    # -- extensions and migrations ----------------------------------------------------------
    "the deadline is not running": "batas waktu itu tidak sedang berjalan",
    "the SOP allows no extension of this deadline": (
        "SOP tidak mengizinkan perpanjangan batas waktu ini"
    ),
    "the extension must be positive, got {amount}": (
        "perpanjangan harus lebih dari nol, ditemukan {amount}"
    ),
    "already extended {n} time(s), the SOP allows {allowed}": (
        "sudah diperpanjang {n} kali, SOP mengizinkan {allowed} kali"
    ),
    "{total} {unit} in total would exceed the cap of {cap} {unit}": (
        "total {total} {unit} akan melampaui batas {cap} {unit}"
    ),
    "the case already runs on this version": "kasus ini sudah berjalan pada versi tersebut",
    "SOP {new!r} is not a version of {old!r}": "SOP {new!r} bukan versi dari {old!r}",
    "state map: {state!r} is not a state of the running version": (
        "peta status: {state!r} bukan status pada versi yang berjalan"
    ),
    "state map: {state!r} is not a state of the new version": (
        "peta status: {state!r} bukan status pada versi baru"
    ),
    "state {state!r} does not exist in the new version; map it, e.g. {example}": (
        "status {state!r} tidak ada pada versi baru; petakan, mis. {example}"
    ),
    "case data: {problem}": "data kasus: {problem}",
    "deadline {deadline!r} is running but the new version has no such clock": (
        "batas waktu {deadline!r} sedang berjalan tetapi versi baru tidak memiliki jam itu"
    ),
    "deadline {deadline!r} is counted in {unit} but not in the new version": (
        "batas waktu {deadline!r} dihitung dalam {unit}, tetapi tidak demikian pada versi baru"
    ),
    # -- sop calendar ------------------------------------------------------------------------
    "AMOUNT must be a finite number, got {value!r}": (
        "AMOUNT harus berupa bilangan terhingga, ditemukan {value!r}"
    ),
    "START {value!r} is not a date or date-time like 2026-03-16 or 2026-03-16T09:30+07:00": (
        "START {value!r} bukan tanggal atau tanggal-jam seperti 2026-03-16 atau "
        "2026-03-16T09:30+07:00"
    ),
    "calendar {calendar!r} covers {first}-{last}, not {year}": (
        "kalender {calendar!r} mencakup tahun {first}-{last}, tidak termasuk {year}"
    ),
    "unknown calendar {calendar!r}; known calendars: {known}": (
        "kalender {calendar!r} tidak dikenal; kalender yang ada: {known}"
    ),
    "unknown unit {unit!r}; use {known}": "satuan {unit!r} tidak dikenal; gunakan {known}",
    # -- parameter forms in hints ----------------------------------------------------------
    "case field": "kolom data kasus",
    "list": "daftar",
    "mapping": "pemetaan",
    "name": "nama",
    "no parameters": "tanpa parameter",
    "whole number": "bilangan bulat",
    "{name}: <{word}>": "{name}: <{word}>",
    "{part} (optional)": "{part} (opsional)",
    "{{ {parts} }}": "{{ {parts} }}",
}
