"""Lint findings and the catalogue of their stable codes.

A finding is what ``sop lint`` prints: ``PATH:LINE:COL: SOPnnn message`` and a hint how to fix it.
Codes are stable: once published a code keeps its meaning, so CI scripts and editors may filter on
them. Messages and hints exist in Bahasa Indonesia and English because the people fixing SOP files
are policy staff, not programmers. ``docs/error-codes.md`` is generated from :data:`CODES` and a
test keeps the two in step.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from sop_engine._core.text import Lang

__all__ = ["CODES", "Code", "Finding", "Severity"]

Severity = Literal["error", "warning"]


@attrs.frozen(slots=True)
class Code:
    """One stable finding code: its title and message/hint templates in both languages."""

    code: str
    severity: Severity
    title: str
    message_en: str
    message_id: str
    hint_en: str
    hint_id: str


def _c(
    code: str,
    severity: Severity,
    title: str,
    message: tuple[str, str],
    hint: tuple[str, str],
) -> Code:
    return Code(code, severity, title, message[0], message[1], hint[0], hint[1])


_ALL = [
    # -- reading the file ---------------------------------------------------------------------
    _c(
        "SOP001",
        "error",
        "file cannot be read",
        ("cannot read the file: {reason}", "berkas tidak dapat dibaca: {reason}"),
        (
            "check the path and save the file as UTF-8 text",
            "periksa lokasi berkas dan simpan sebagai teks UTF-8",
        ),
    ),
    _c(
        "SOP002",
        "error",
        "broken YAML",
        ("the file is not valid YAML: {reason}", "berkas bukan YAML yang sah: {reason}"),
        (
            "fix the indentation or quoting near this position",
            "perbaiki indentasi atau tanda kutip di sekitar posisi ini",
        ),
    ),
    _c(
        "SOP003",
        "error",
        "YAML tag not allowed",
        (
            "YAML tag {tag!r} is not allowed in SOP files",
            "tag YAML {tag!r} tidak diizinkan dalam berkas SOP",
        ),
        (
            "remove the tag; SOP files hold plain text, numbers, lists and mappings only",
            "hapus tag tersebut; berkas SOP hanya berisi teks, angka, daftar dan pemetaan",
        ),
    ),
    _c(
        "SOP004",
        "error",
        "YAML anchor or alias not allowed",
        (
            "YAML anchors and aliases (&name, *name) are not allowed",
            "anchor dan alias YAML (&nama, *nama) tidak diizinkan",
        ),
        ("write the repeated part out in full", "tuliskan bagian yang berulang secara lengkap"),
    ),
    _c(
        "SOP005",
        "error",
        "duplicate key",
        (
            "key {key!r} appears twice in the same mapping (first at line {first_line})",
            "kunci {key!r} muncul dua kali dalam pemetaan yang sama (pertama di baris {first_line})",
        ),
        (
            "keep one of them; the second would silently replace the first",
            "pertahankan salah satunya; yang kedua akan menimpa yang pertama tanpa peringatan",
        ),
    ),
    _c(
        "SOP006",
        "error",
        "not an SOP document",
        (
            "the file must hold one YAML mapping with an 'sop' section; found {found}",
            "berkas harus berisi satu pemetaan YAML dengan bagian 'sop'; ditemukan {found}",
        ),
        ("start from examples/lapor/sop.yaml", "mulailah dari examples/lapor/sop.yaml"),
    ),
    _c(
        "SOP007",
        "error",
        "file too large or too deeply nested",
        (
            "the file is too large or too deeply nested: {reason}",
            "berkas terlalu besar atau terlalu dalam bersarang: {reason}",
        ),
        (
            "split the SOP or simplify it; limits protect the engine from hostile files",
            "pecah atau sederhanakan SOP; batas ini melindungi mesin dari berkas berbahaya",
        ),
    ),
    # -- shape (JSON Schema) -------------------------------------------------------------------
    _c(
        "SOP010",
        "error",
        "unknown key",
        (
            "unknown key {key!r} in {where}{suggestion}",
            "kunci {key!r} tidak dikenal di {where}{suggestion}",
        ),
        ("allowed keys here: {allowed}", "kunci yang diizinkan di sini: {allowed}"),
    ),
    _c(
        "SOP011",
        "error",
        "missing key",
        ("{where} needs the key {key!r}", "{where} memerlukan kunci {key!r}"),
        ("add {key!r}; see `sop schema` for its form", "tambahkan {key!r}; lihat `sop schema`"),
    ),
    _c(
        "SOP012",
        "error",
        "wrong type",
        (
            "{where} must be {expected}, found {found}",
            "{where} harus berupa {expected}, ditemukan {found}",
        ),
        ("write it as {expected}", "tuliskan sebagai {expected}"),
    ),
    _c(
        "SOP013",
        "error",
        "invalid value",
        ("{where}: {reason}", "{where}: {reason}"),
        (
            "see `sop schema` for the allowed values",
            "lihat `sop schema` untuk nilai yang diizinkan",
        ),
    ),
    _c(
        "SOP014",
        "error",
        "impossible date",
        (
            "{where}: {value!r} is not a date that exists",
            "{where}: {value!r} bukan tanggal yang ada",
        ),
        (
            "write a date that exists as YYYY-MM-DD, e.g. 2026-02-28 "
            "(February has 28 days, 29 in a leap year)",
            "tuliskan tanggal yang ada dalam bentuk YYYY-MM-DD, mis. 2026-02-28 "
            "(Februari 28 hari, 29 pada tahun kabisat)",
        ),
    ),
    # -- structure of the state machine --------------------------------------------------------
    _c(
        "SOP020",
        "error",
        "no initial state",
        ("no state is marked 'initial: true'", "tidak ada status yang ditandai 'initial: true'"),
        (
            "mark the state where every complaint starts with 'initial: true'",
            "tandai status awal setiap pengaduan dengan 'initial: true'",
        ),
    ),
    _c(
        "SOP021",
        "error",
        "more than one initial state",
        ("states {states} are all marked initial", "status {states} semuanya ditandai awal"),
        (
            "keep 'initial: true' on exactly one state",
            "biarkan 'initial: true' hanya pada satu status",
        ),
    ),
    _c(
        "SOP022",
        "error",
        "unreachable state",
        (
            "state {state!r} cannot be reached from the initial state {initial!r}",
            "status {state!r} tidak dapat dicapai dari status awal {initial!r}",
        ),
        (
            "add a transition into {state!r} or remove the state",
            "tambahkan transisi menuju {state!r} atau hapus status tersebut",
        ),
    ),
    _c(
        "SOP023",
        "error",
        "trap state",
        (
            "from state {state!r} no final state can be reached: complaints would never close",
            "dari status {state!r} tidak ada status akhir yang dapat dicapai: pengaduan tidak akan pernah selesai",
        ),
        (
            "add a transition from {state!r} towards a final state, or mark it 'final: true'",
            "tambahkan transisi dari {state!r} menuju status akhir, atau tandai 'final: true'",
        ),
    ),
    _c(
        "SOP024",
        "error",
        "transition out of a final state",
        (
            "state {state!r} is final but transition {index} leaves it",
            "status {state!r} adalah status akhir tetapi transisi {index} keluar darinya",
        ),
        (
            "remove the transition or remove 'final: true' from {state!r}",
            "hapus transisi itu atau hapus 'final: true' dari {state!r}",
        ),
    ),
    _c(
        "SOP025",
        "error",
        "unknown state",
        ("unknown state {name!r}{suggestion}", "status {name!r} tidak dikenal{suggestion}"),
        (
            "declare it under 'states:' or fix the spelling; known states: {known}",
            "deklarasikan di 'states:' atau perbaiki ejaannya; status yang ada: {known}",
        ),
    ),
    _c(
        "SOP026",
        "error",
        "unknown event",
        ("unknown event {name!r}{suggestion}", "peristiwa {name!r} tidak dikenal{suggestion}"),
        (
            "declare it under 'events:' or fix the spelling; known events: {known}",
            "deklarasikan di 'events:' atau perbaiki ejaannya; peristiwa yang ada: {known}",
        ),
    ),
    _c(
        "SOP027",
        "error",
        "unknown role",
        ("unknown role {name!r}{suggestion}", "peran {name!r} tidak dikenal{suggestion}"),
        (
            "declare it under 'roles:' or fix the spelling; known roles: {known}",
            "deklarasikan di 'roles:' atau perbaiki ejaannya; peran yang ada: {known}",
        ),
    ),
    _c(
        "SOP028",
        "error",
        "unknown guard",
        (
            "unknown guard {name!r}{suggestion}",
            "penjaga (guard) {name!r} tidak dikenal{suggestion}",
        ),
        (
            "use a registered guard; known guards: {known}",
            "gunakan guard yang terdaftar; guard yang ada: {known}",
        ),
    ),
    _c(
        "SOP029",
        "error",
        "unknown action",
        ("unknown action {name!r}{suggestion}", "aksi {name!r} tidak dikenal{suggestion}"),
        (
            "use a registered action; known actions: {known}",
            "gunakan aksi yang terdaftar; aksi yang ada: {known}",
        ),
    ),
    _c(
        "SOP030",
        "error",
        "bad guard or action parameters",
        ("parameters of {name!r}: {reason}", "parameter {name!r}: {reason}"),
        (
            "see `sop schema` for the parameters of {name!r}",
            "lihat `sop schema` untuk parameter {name!r}",
        ),
    ),
    _c(
        "SOP031",
        "error",
        "unknown field",
        (
            "unknown case field {name!r}{suggestion}",
            "kolom data kasus {name!r} tidak dikenal{suggestion}",
        ),
        (
            "declare it under 'fields:' or fix the spelling; known fields: {known}",
            "deklarasikan di 'fields:' atau perbaiki ejaannya; kolom yang ada: {known}",
        ),
    ),
    _c(
        "SOP032",
        "error",
        "ambiguous transitions",
        (
            "event {event!r} from state {state!r} has transitions {indexes} that nothing tells apart",
            "peristiwa {event!r} dari status {state!r} memiliki transisi {indexes} yang tidak dapat dibedakan",
        ),
        (
            "give each alternative a different guard, or keep one unguarded alternative and put it last",
            "beri setiap alternatif guard yang berbeda, atau sisakan satu alternatif tanpa guard di urutan terakhir",
        ),
    ),
    _c(
        "SOP033",
        "error",
        "event no role may fire",
        (
            "no role may fire event {event!r}",
            "tidak ada peran yang boleh memicu peristiwa {event!r}",
        ),
        (
            "list the roles under 'roles:' of the event or of its transitions",
            "cantumkan peran di 'roles:' pada peristiwa atau transisinya",
        ),
    ),
    _c(
        "SOP034",
        "warning",
        "event never used",
        (
            "event {event!r} is declared but no transition uses it",
            "peristiwa {event!r} dideklarasikan tetapi tidak dipakai oleh transisi mana pun",
        ),
        (
            "add a transition for it or remove it",
            "tambahkan transisinya atau hapus peristiwa tersebut",
        ),
    ),
    _c(
        "SOP035",
        "error",
        "contradictory state flags",
        ("state {state!r} is {flags} at once", "status {state!r} sekaligus {flags}"),
        (
            "a state is either initial, waiting or final; final states cannot be initial or waiting",
            "status akhir tidak dapat sekaligus menjadi status awal atau status menunggu",
        ),
    ),
    _c(
        "SOP036",
        "error",
        "event data clashes with a case field",
        (
            "event data {name!r} has the name of a case field but a different {what!r}",
            "data peristiwa {name!r} bernama sama dengan kolom data kasus tetapi {what!r}-nya berbeda",
        ),
        (
            "drop {what!r}: the case field's definition is used and the value is written to the case; "
            "or rename the event data",
            "hapus {what!r}: definisi kolom kasus yang dipakai dan nilainya dicatat ke kasus; "
            "atau ganti nama data peristiwa",
        ),
    ),
    _c(
        "SOP037",
        "error",
        "section not supported",
        (
            "section {section!r} is reserved for {purpose}, which this sop_engine does not provide",
            "bagian {section!r} dicadangkan untuk {purpose}, yang belum disediakan oleh sop_engine ini",
        ),
        (
            "remove the section, or install the sop_engine version/plugin that provides it",
            "hapus bagian ini, atau pasang versi/plugin sop_engine yang menyediakannya",
        ),
    ),
    _c(
        "SOP038",
        "error",
        "unreachable alternative",
        (
            "transition {index} for event {event!r} from {state!r} can never be chosen: "
            "an unguarded alternative (transition {earlier}) comes before it",
            "transisi {index} untuk peristiwa {event!r} dari {state!r} tidak akan pernah terpilih: "
            "alternatif tanpa guard (transisi {earlier}) ada sebelumnya",
        ),
        ("move the unguarded transition last", "pindahkan transisi tanpa guard ke urutan terakhir"),
    ),
    _c(
        "SOP039",
        "error",
        "bad field definition",
        ("field {name!r}: {reason}", "kolom {name!r}: {reason}"),
        (
            "enum fields need 'values'; ref fields need 'ref: person' or 'ref: unit'",
            "kolom enum memerlukan 'values'; kolom ref memerlukan 'ref: person' atau 'ref: unit'",
        ),
    ),
]

_ALL += [
    # -- deadlines section ----------------------------------------------------------------------
    _c(
        "SOP040",
        "error",
        "deadline can never start",
        (
            "clock {clock!r} can never start: no transition enters its start states or fires its "
            "start events",
            "jam {clock!r} tidak pernah mulai: tidak ada transisi yang masuk ke status awalnya "
            "atau memicu peristiwa awalnya",
        ),
        (
            "start it on a state or event the SOP actually reaches",
            "mulai pada status atau peristiwa yang memang dicapai SOP",
        ),
    ),
    _c(
        "SOP041",
        "error",
        "deadline can never be met",
        ("clock {clock!r}: {reason}", "jam {clock!r}: {reason}"),
        (
            "give it a stop condition the SOP reaches, or a rule that always applies",
            "beri kondisi berhenti yang dicapai SOP, atau aturan yang selalu berlaku",
        ),
    ),
    _c(
        "SOP042",
        "error",
        "escalation levels out of order",
        (
            "escalation level {level} of clock {clock!r} does not come after the level before it",
            "tingkat eskalasi {level} pada jam {clock!r} tidak datang setelah tingkat sebelumnya",
        ),
        ("order the ladder by increasing 'after'", "urutkan tangga eskalasi dengan 'after' menaik"),
    ),
    _c(
        "SOP043",
        "error",
        "working hours without office hours",
        (
            "clock {clock!r} counts working hours but the calendar has no office hours",
            "jam {clock!r} menghitung jam kerja tetapi kalender tidak memiliki jam kantor",
        ),
        (
            'add office_hours: "08:00-16:00" to the calendar, or count working days',
            'tambahkan office_hours: "08:00-16:00" pada kalender, atau hitung hari kerja',
        ),
    ),
    _c(
        "SOP044",
        "error",
        "unknown calendar",
        ("unknown calendar {name!r}{suggestion}", "kalender {name!r} tidak dikenal{suggestion}"),
        (
            "use a registered calendar; known calendars: {known}",
            "gunakan kalender yang terdaftar; kalender yang ada: {known}",
        ),
    ),
]

_ALL.extend(
    (
        _c(
            "SOP045",
            "error",
            "required plugin not installed",
            (
                "the SOP needs the plugin package {package!r}, which is not installed",
                "SOP ini memerlukan paket plugin {package!r}, yang belum terpasang",
            ),
            ("install it: pip install {package}", "pasang paketnya: pip install {package}"),
        ),
        # -- code of ethics -------------------------------------------------------------------------
        _c(
            "SOP046",
            "error",
            "unknown ethics check",
            (
                "unknown ethics check {name!r}{suggestion}",
                "pemeriksaan kode etik {name!r} tidak dikenal{suggestion}",
            ),
            (
                "use a built-in check or install the plugin that provides it; known checks: {known}",
                "gunakan pemeriksaan bawaan atau pasang plugin penyedianya; yang tersedia: {known}",
            ),
        ),
        _c(
            "SOP047",
            "error",
            "bad ethics check parameters",
            ("parameters of check {name!r}: {reason}", "parameter pemeriksaan {name!r}: {reason}"),
            (
                "see docs/ethics.md for the parameters of {name!r}",
                "lihat docs/ethics.md untuk parameter {name!r}",
            ),
        ),
        _c(
            "SOP048",
            "error",
            "ethics rule can never apply",
            (
                "rule {rule!r} can never apply: no transition fires one of its events from one of "
                "its states for one of its roles",
                "aturan {rule!r} tidak akan pernah berlaku: tidak ada transisi untuk peristiwa, "
                "status dan peran yang disebut",
            ),
            (
                "widen or fix 'when' (events, states, roles) so that it matches a transition",
                "perluas atau perbaiki 'when' (events, states, roles) agar cocok dengan suatu transisi",
            ),
        ),
        _c(
            "SOP049",
            "error",
            "duplicate ethics rule id",
            (
                "rule id {rule!r} is already used by rule {first}",
                "id aturan {rule!r} sudah dipakai oleh aturan ke-{first}",
            ),
            (
                "give every rule its own id: breaches are reported by rule id",
                "beri setiap aturan id sendiri: pelanggaran dilaporkan menurut id aturan",
            ),
        ),
        _c(
            "SOP050",
            "error",
            "flagged breach tells no one",
            (
                "rule {rule!r} only flags breaches but names no one to notify",
                "aturan {rule!r} hanya menandai pelanggaran tetapi tidak menyebut siapa yang diberi tahu",
            ),
            (
                "add 'notify: atasan' to the rule or to the ethics section, or use severity: block",
                "tambahkan 'notify: atasan' pada aturan atau bagian ethics, atau pakai severity: block",
            ),
        ),
        _c(
            "SOP051",
            "error",
            "confidentiality settings do not fit the fields",
            ("confidentiality: {reason}", "kerahasiaan: {reason}"),
            (
                "point 'field' at an enum field and list only its values under anonim/rahasia",
                "arahkan 'field' ke kolom enum dan cantumkan hanya nilainya pada anonim/rahasia",
            ),
        ),
    )
)

# -- invariants (the testing kit), SOP060–SOP069 --------------------------------------------
_ALL += [
    _c(
        "SOP060",
        "error",
        "invariant names an unknown state",
        (
            "the invariant names unknown state {name!r}{suggestion}",
            "invarian menyebut status {name!r} yang tidak dikenal{suggestion}",
        ),
        (
            "use a state declared under 'states'; known states: {known}",
            "gunakan status yang dideklarasikan di 'states'; status yang ada: {known}",
        ),
    ),
    _c(
        "SOP061",
        "error",
        "invariant names an unknown field",
        (
            "the invariant names unknown case field {name!r}{suggestion}",
            "invarian menyebut data kasus {name!r} yang tidak dikenal{suggestion}",
        ),
        (
            "use a field declared under 'fields'; known fields: {known}",
            "gunakan data yang dideklarasikan di 'fields'; data yang ada: {known}",
        ),
    ),
    _c(
        "SOP062",
        "error",
        "invariant names an unknown event",
        (
            "the invariant names unknown event {name!r}{suggestion}",
            "invarian menyebut peristiwa {name!r} yang tidak dikenal{suggestion}",
        ),
        (
            "use an event declared under 'events'; known events: {known}",
            "gunakan peristiwa yang dideklarasikan di 'events'; peristiwa yang ada: {known}",
        ),
    ),
    _c(
        "SOP063",
        "error",
        "invariant names an unknown clock",
        (
            "the invariant names unknown deadline clock {name!r}{suggestion}",
            "invarian menyebut jam batas waktu {name!r} yang tidak dikenal{suggestion}",
        ),
        (
            "use a clock declared under 'deadlines: clocks'; known clocks: {known}",
            "gunakan jam yang dideklarasikan di 'deadlines: clocks'; jam yang ada: {known}",
        ),
    ),
    _c(
        "SOP064",
        "error",
        "invariant value does not fit its field",
        (
            "field {field!r} can never be {value!r}: allowed is {allowed}",
            "data {field!r} tidak mungkin bernilai {value!r}: yang diizinkan {allowed}",
        ),
        (
            "compare with a value the field can hold, or the check never matches",
            "bandingkan dengan nilai yang dapat dimiliki data tersebut, atau pemeriksaan tidak "
            "pernah cocok",
        ),
    ),
]

# -- plugins (SOP070-SOP079) --------------------------------------------------------------------
_ALL += [
    _c(
        "SOP070",
        "error",
        "plugin namespace not installed",
        (
            "{kind} {name!r} comes from plugin {namespace!r}, which is not installed",
            "{kind_id} {name!r} berasal dari plugin {namespace!r}, yang belum terpasang",
        ),
        (
            "install the package that provides plugin {namespace!r} and list it under requires:",
            "pasang paket yang menyediakan plugin {namespace!r} dan cantumkan di requires:",
        ),
    ),
    _c(
        "SOP071",
        "error",
        "error found by a plugin's lint rule",
        ("{rule}: {message_en}", "{rule}: {message_id}"),
        ("{hint_en}", "{hint_id}"),
    ),
    _c(
        "SOP072",
        "warning",
        "warning from a plugin's lint rule",
        ("{rule}: {message_en}", "{rule}: {message_id}"),
        ("{hint_en}", "{hint_id}"),
    ),
    _c(
        "SOP073",
        "error",
        "a plugin's lint rule failed",
        (
            "lint rule {rule!r} of plugin {plugin!r} failed: {error}",
            "aturan lint {rule!r} dari plugin {plugin!r} gagal: {error}",
        ),
        (
            "report it to the plugin's maintainers, or uninstall the plugin",
            "laporkan kepada pengelola plugin, atau copot plugin tersebut",
        ),
    ),
    _c(
        "SOP074",
        "error",
        "calendar cannot be built",
        (
            "calendar {name!r} of plugin {plugin!r} cannot be built from these settings: {reason}",
            "kalender {name!r} dari plugin {plugin!r} tidak dapat dibentuk dengan pengaturan "
            "ini: {reason}",
        ),
        (
            "check the calendar settings against the documentation of plugin {plugin!r}",
            "periksa pengaturan kalender sesuai dokumentasi plugin {plugin!r}",
        ),
    ),
]

CODES: dict[str, Code] = {c.code: c for c in _ALL}


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@attrs.frozen(slots=True)
class Finding:
    """One problem in one SOP file, at a line and column (both 1-based)."""

    code: str
    path: str
    line: int
    column: int
    args: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False)

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def message(self, lang: Lang = "en") -> str:
        c = CODES[self.code]
        template = c.message_id if lang == "id" else c.message_en
        return template.format_map(_Missing(self.args))

    def hint(self, lang: Lang = "en") -> str:
        c = CODES[self.code]
        template = c.hint_id if lang == "id" else c.hint_en
        return template.format_map(_Missing(self.args))

    def format(self, lang: Lang = "en") -> str:
        """``PATH:LINE:COL: SOPnnn message`` — the form editors and CI parse."""
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message(lang)}"

    def to_json(self, lang: Lang = "en") -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "hint": self.hint(lang),
        }


def codes_markdown() -> str:
    """``docs/error-codes.md``: every code with its meaning and fix, in both languages."""
    lines = [
        "# Finding codes of `sop lint`",
        "",
        "Generated from `sop_engine.findings.CODES` (`make docs`); a test keeps this file in step.",
        "Codes are stable: a published code keeps its meaning. Each finding is printed as",
        "`PATH:LINE:COL: SOPnnn message` followed by a hint; `sop lint --format json` gives the",
        "same fields for editors and CI, and `--lang id` gives the Indonesian texts.",
        "",
        "| code | severity | what it means | how to fix it |",
        "|---|---|---|---|",
    ]

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("!r}", "}").replace("{", "`{").replace("}", "}`")

    for c in CODES.values():
        lines.append(
            f"| {c.code} | {c.severity} | {cell(c.title)}: {cell(c.message_en)} "
            f"<br>_{cell(c.message_id)}_ | {cell(c.hint_en)} <br>_{cell(c.hint_id)}_ |"
        )
    lines.append("")
    lines.append("Placeholders in `{braces}` are filled in with the names from your file.")
    return "\n".join(lines) + "\n"
