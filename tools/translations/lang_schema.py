"""Indonesian of the JSON Schema's descriptions (issue 16): what an Indonesian officer's editor
shows on hover and in completion once `sop init --lang id` (or `sop schema --lang id`) wrote the
Indonesian schema beside the SOP."""

T = {
    "A complaint-handling SOP (standard operating procedure) for sop_engine.": (
        "SOP (standar operasional prosedur) penanganan pengaduan untuk sop_engine."
    ),
    "A distribution of durations: exactly one of its kinds.": (
        "Sebaran durasi: tepat satu dari jenis-jenisnya."
    ),
    "Bahasa Indonesia": "Bahasa Indonesia",
    "English": "Bahasa Inggris",
    "Event or case data. A value is literal, or {pick: {VALUE: WEIGHT, ...}} (one value drawn by "
    "weight), or {p: P, value: V, else: W} (V with probability P, otherwise W or absent).": (
        "Data peristiwa atau data kasus. Nilainya apa adanya, atau {pick: {VALUE: WEIGHT, ...}} "
        "(satu nilai diundi menurut bobot), atau {p: P, value: V, else: W} (V dengan peluang P, "
        "selain itu W atau tidak ada)."
    ),
    "IANA zone, e.g. Asia/Makassar": "zona waktu IANA, mis. Asia/Makassar",
    "Language of the descriptions an editor shows on hover: id writes the Indonesian schema "
    "(sop.schema.id.json).": (
        "Bahasa keterangan yang ditampilkan editor: id menulis skema berbahasa Indonesia "
        "(sop.schema.id.json)."
    ),
    "a case field name": "nama kolom data kasus",
    "a deadline counted in days that falls on a day off moves to the end of the next working day": (
        "batas waktu yang dihitung dalam hari kalender dan jatuh pada hari libur bergeser ke akhir "
        "hari kerja berikutnya"
    ),
    "a registered calendar, e.g. ID": "kalender yang terdaftar, mis. ID",
    "a registered ethics check (`sop plugins` lists them)": (
        "pemeriksaan kode etik yang terdaftar (`sop plugins` menampilkan daftarnya)"
    ),
    "a required text may be left blank (default: it must hold words)": (
        "teks wajib boleh dibiarkan kosong (bawaan: harus berisi kata-kata)"
    ),
    "actions, each written as NAME or as NAME: {parameters}": (
        "aksi, masing-masing ditulis sebagai NAMA atau NAMA: {parameter}"
    ),
    "bool field: the reporter consents to lowering": (
        "kolom bool: pelapor menyetujui penurunan kerahasiaan"
    ),
    "case data the rule is about: field: value, or field: [values] (any of them); the case as the "
    "command would leave it": (
        "data kasus yang dituju aturan: kolom: nilai, atau kolom: [nilai] (salah satunya); "
        "kasus sebagaimana akan ditinggalkan oleh perintah"
    ),
    "case field values that select this duration (all must match); read when the clock starts "
    "and again whenever one of these fields changes while it runs": (
        "nilai kolom data kasus yang memilih durasi ini (semua harus cocok); dibaca saat jam "
        "mulai berjalan dan setiap kali salah satu kolom ini berubah selama jam berjalan"
    ),
    "case field values the clock needs to apply (all must match): checked when it would start; "
    "a running deadline whose case stops matching is withdrawn": (
        "nilai kolom data kasus yang diperlukan agar jam berlaku (semua harus cocok): diperiksa "
        "saat jam akan mulai; batas waktu berjalan yang kasusnya tidak lagi cocok dibatalkan"
    ),
    "data the event carries; a case field's name writes it": (
        "data yang dibawa peristiwa; nama kolom data kasus menuliskannya ke kasus"
    ),
    "fields holding the complaint's content": "kolom yang memuat isi pengaduan",
    "fields naming the reported official (rahasia)": (
        "kolom yang menyebut pejabat yang dilaporkan (rahasia)"
    ),
    "fields naming the units whose officers see the case": (
        "kolom yang menyebut unit yang petugasnya dapat melihat kasus"
    ),
    "fields that identify the reporter": "kolom yang mengungkap identitas pelapor",
    "guards, each written as NAME or as NAME: {parameters}": (
        "guard (syarat), masing-masing ditulis sebagai NAMA atau NAMA: {parameter}"
    ),
    "identity of the procedure": "identitas prosedur",
    "maladministration types (default: the check's own)": (
        "jenis maladministrasi (bawaan: jenis milik pemeriksaan itu)"
    ),
    "name of the event": "nama peristiwa",
    "name of the role": "nama peran",
    "name of the state": "nama status",
    "on EVENT in one of FROM, if the guards pass, run actions, go TO": (
        "pada PERISTIWA di salah satu status FROM, jika syarat terpenuhi, jalankan aksi, "
        "pindah ke TO"
    ),
    "personal data of the reporter: kept apart from the audit chain": (
        "data pribadi pelapor: disimpan terpisah dari rantai audit"
    ),
    "plugin packages the SOP needs (their guards, actions, calendars)": (
        "paket plugin yang diperlukan SOP (guard, aksi, dan kalendernya)"
    ),
    "reserved for {purpose}": "dicadangkan untuk {purpose}",
    "roles for this transition only (default: the event's)": (
        "peran khusus untuk transisi ini (bawaan: peran peristiwanya)"
    ),
    "roles officers act in, by name": "peran yang dijalankan petugas, menurut nama",
    "roles that may erase personal data (with a reason)": (
        "peran yang boleh menghapus data pribadi (dengan alasan)"
    ),
    "roles that may fire the event": "peran yang boleh menjalankan peristiwa ini",
    "roles that may open a case": "peran yang boleh membuka kasus",
    "roles that may reveal an identity (with a reason)": (
        "peran yang boleh membuka identitas (dengan alasan)"
    ),
    "roles that see only the cases of their unit": "peran yang hanya melihat kasus unitnya",
    "roles that see the content of rahasia cases": "peran yang dapat melihat isi kasus rahasia",
    "roles that see the identity of anonim cases": (
        "peran yang dapat melihat identitas pelapor kasus anonim"
    ),
    "roles told of a breach of this rule": "peran yang diberi tahu bila aturan ini dilanggar",
    "roles told of every breach (e.g. atasan)": (
        "peran yang diberi tahu setiap pelanggaran (mis. atasan)"
    ),
    "roles whose actors are the reporter (pelapor)": "peran yang pelakunya adalah pelapor",
    "sop_engine SOP file": "berkas SOP sop_engine",
    "sop_engine simulation scenario": "skenario simulasi sop_engine",
    "state(s) the transition leaves": "status asal transisi",
    "states of a case, by name": "status kasus, menurut nama",
    "switches off the built-in check of this name; why, in words a supervisor can judge (only "
    "with no other key)": (
        "menonaktifkan pemeriksaan bawaan bernama ini; alasannya, dengan kata-kata yang dapat "
        "dinilai atasan (hanya tanpa kunci lain)"
    ),
    "the allowed values of an enum field": "nilai yang diperbolehkan untuk kolom enum",
    "the case data schema, by field name": "skema data kasus, menurut nama kolom",
    "the case fields every reminder, breach and escalation message carries: the unit, the case "
    "title, the tracking id and the agency's own case number": (
        "kolom data kasus yang dibawa setiap pesan pengingat, keterlambatan, dan eskalasi: "
        "unit, judul kasus, nomor pelacakan, dan nomor kasus milik instansi"
    ),
    "the check's parameters": "parameter pemeriksaan",
    "the enum case field holding the flags": "kolom data kasus bertipe enum yang memuat tandanya",
    "the kind of value": "jenis nilai",
    "the reporter's identity and the complaint content, and who may see them": (
        "identitas pelapor dan isi pengaduan, serta siapa yang boleh melihatnya"
    ),
    "the unit waits on someone outside it (e.g. the reporter)": (
        "unit menunggu pihak di luar unit (mis. pelapor)"
    ),
    "title of the SOP": "judul SOP",
    "values of the field that hide the content": "nilai kolom yang menyembunyikan isi pengaduan",
    "values of the field that hide the identity": "nilai kolom yang menyembunyikan identitas",
    "what a ref field points to": "yang dirujuk kolom ref",
    "what actors do to a case, by name": "tindakan pelaku terhadap kasus, menurut nama",
    "what the SOP covers": "cakupan SOP",
    "what the event means": "arti peristiwa",
    "what the field holds and why": "isi kolom dan kegunaannya",
    "what the field is called on forms": "nama kolom pada formulir",
    "what the role does": "tugas peran",
    "what the state means": "arti status",
    "what those cases must satisfy (all must hold)": (
        "syarat yang harus dipenuhi kasus-kasus itu (semuanya harus berlaku)"
    ),
    "when the rule applies (all given lists must match)": (
        "kapan aturan berlaku (semua daftar yang diberikan harus cocok)"
    ),
    "which cases the rule is about (all must match; default: all)": (
        "kasus yang dituju aturan (semua harus cocok; bawaan: semua kasus)"
    ),
    "who may open a case (default: every declared role)": (
        "siapa yang boleh membuka kasus (bawaan: semua peran yang dideklarasikan)"
    ),
    "why this transition exists": "alasan transisi ini ada",
}
