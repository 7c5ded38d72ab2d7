"""The finding codes of scenario files (``SIMnnn``), with their Indonesian and English texts.

Scenario files are checked with the same care as SOP files: every problem is reported at once as
``PATH:LINE:COL: SIMnnn message`` followed by a hint, in Bahasa Indonesia or English. The codes
are a range of their own (``SOPnnn`` belongs to SOP files) so CI scripts can tell the two apart;
problems of reading the YAML itself (unreadable file, broken YAML, tags, anchors, duplicate keys,
size) keep the ``SOP001``–``SOP007`` codes of the shared safe reader. All user-facing strings of
the simulator's validation live here, so a later move to gettext is mechanical.
"""

from __future__ import annotations

from typing import Any, Protocol

import attrs

from sop_engine._core.findings import Code, Severity
from sop_engine._core.i18n import fill
from sop_engine._core.text import Lang

__all__ = ["SIM_CODES", "Problem", "ScenarioFinding", "sim_codes_markdown"]


def _c(code: str, title: str, message: tuple[str, str], hint: tuple[str, str]) -> Code:
    # English is the catalogue's message id; the Indonesian waits in ``legacy`` until
    # ``make catalogues`` copies it into locale/id (see _core/findings.py and CONTRIBUTING.md).
    return Code(
        code, "error", title, message[0], hint[0], {message[0]: message[1], hint[0]: hint[1]}
    )


_ALL = [
    _c(
        "SIM001",
        "not a scenario document",
        (
            "the file must hold one YAML mapping with a 'scenario' section; found {found}",
            "berkas harus berisi satu pemetaan YAML dengan bagian 'scenario'; ditemukan {found}",
        ),
        ("start from examples/lapor/scenario.yaml", "mulailah dari examples/lapor/scenario.yaml"),
    ),
    _c(
        "SIM002",
        "missing key",
        ("{where} needs the key {key!r}", "{where} memerlukan kunci {key!r}"),
        (
            "add {key!r}; docs/simulation.md describes every key",
            "tambahkan {key!r}; docs/simulation.md menjelaskan setiap kunci",
        ),
    ),
    _c(
        "SIM003",
        "unknown key",
        ("unknown key {key!r}", "kunci {key!r} tidak dikenal"),
        (
            "known keys here: {known}{suggestion}",
            "kunci yang dikenal di sini: {known}{suggestion}",
        ),
    ),
    _c(
        "SIM004",
        "wrong kind of value",
        ("expected {expected}, found {found}", "seharusnya {expected}, ditemukan {found}"),
        (
            "write {expected} here; docs/simulation.md has an example",
            "tuliskan {expected} di sini; docs/simulation.md memuat contohnya",
        ),
    ),
    _c(
        "SIM005",
        "value out of range",
        ("{value} is out of range: {rule}", "{value} di luar batas: {rule}"),
        (
            "probabilities are between 0 and 1, counts and rates are not negative",
            "peluang bernilai 0 sampai 1, jumlah dan laju tidak negatif",
        ),
    ),
    _c(
        "SIM006",
        "not one of the allowed values",
        ("{value!r} is not one of {allowed}", "{value!r} bukan salah satu dari {allowed}"),
        ("use one of {allowed}", "gunakan salah satu dari {allowed}"),
    ),
    _c(
        "SIM007",
        "bad duration",
        (
            "{value!r} is not a duration such as 30min, 2h or 1d",
            "{value!r} bukan durasi seperti 30min, 2h atau 1d",
        ),
        (
            "write a number and a unit: s, min, h or d (calendar days)",
            "tuliskan angka dan satuan: s, min, h atau d (hari kalender)",
        ),
    ),
    _c(
        "SIM008",
        "bad date or time",
        (
            "{value!r} is not a {kind} such as {example}",
            "{value!r} bukan {kind} seperti {example}",
        ),
        ("write it as {example}", "tuliskan seperti {example}"),
    ),
    _c(
        "SIM009",
        "bad distribution",
        (
            "{name} distribution: {reason}",
            "distribusi {name}: {reason}",
        ),
        (
            "write one of fixed, uniform, triangular, exponential, lognormal or empirical with "
            "its parameters (see docs/simulation.md)",
            "tuliskan salah satu dari fixed, uniform, triangular, exponential, lognormal atau "
            "empirical beserta parameternya (lihat docs/simulation.md)",
        ),
    ),
    _c(
        "SIM010",
        "period is empty or outside the calendar",
        ("the period {reason}", "periode {reason}"),
        (
            "give a start on or before the end, within the years the calendar covers",
            "isi awal yang tidak melewati akhir, di dalam tahun yang dicakup kalender",
        ),
    ),
    _c(
        "SIM011",
        "unknown calendar",
        ("unknown calendar {name!r}", "kalender {name!r} tidak dikenal"),
        (
            "known calendars: {known} (24x7 counts every hour of every day)",
            "kalender yang dikenal: {known} (24x7 menghitung setiap jam setiap hari)",
        ),
    ),
    _c(
        "SIM020",
        "unknown role",
        ("the SOP has no role {name!r}", "SOP tidak memiliki peran {name!r}"),
        ("roles of the SOP: {known}{suggestion}", "peran dalam SOP: {known}{suggestion}"),
    ),
    _c(
        "SIM021",
        "unknown event",
        ("the SOP has no event {name!r}", "SOP tidak memiliki peristiwa {name!r}"),
        (
            "events of the SOP: {known}{suggestion}",
            "peristiwa dalam SOP: {known}{suggestion}",
        ),
    ),
    _c(
        "SIM022",
        "unknown or final state",
        (
            "the SOP has no non-final state {name!r}",
            "SOP tidak memiliki status tidak-final {name!r}",
        ),
        (
            "steps are given for states where work remains: {known}{suggestion}",
            "langkah diberikan untuk status yang masih memerlukan pekerjaan: {known}{suggestion}",
        ),
    ),
    _c(
        "SIM023",
        "event never fires from this state",
        (
            "event {event!r} has no transition from state {state!r}",
            "peristiwa {event!r} tidak memiliki transisi dari status {state!r}",
        ),
        (
            "events that leave {state!r}: {known}",
            "peristiwa yang keluar dari {state!r}: {known}",
        ),
    ),
    _c(
        "SIM024",
        "role may not fire the event",
        (
            "role {role!r} may not fire {event!r}",
            "peran {role!r} tidak boleh menjalankan {event!r}",
        ),
        (
            "roles allowed to fire {event!r}: {known}",
            "peran yang boleh menjalankan {event!r}: {known}",
        ),
    ),
    _c(
        "SIM025",
        "nobody staffs this role",
        (
            "no staff for role {role!r}{unit}",
            "tidak ada petugas untuk peran {role!r}{unit}",
        ),
        (
            "add it under staff: with a count of at least 1",
            "tambahkan di bawah staff: dengan jumlah paling sedikit 1",
        ),
    ),
    _c(
        "SIM026",
        "unknown field",
        ("the SOP has no field {name!r}", "SOP tidak memiliki kolom data {name!r}"),
        (
            "fields of the SOP: {known}{suggestion}",
            "kolom data dalam SOP: {known}{suggestion}",
        ),
    ),
    _c(
        "SIM027",
        "staff group given twice",
        (
            "role {role!r}{unit} appears twice under staff",
            "peran {role!r}{unit} muncul dua kali di bawah staff",
        ),
        ("give each role and unit once, with its count", "tulis setiap peran dan unit sekali"),
    ),
    _c(
        "SIM028",
        "office hours",
        (
            "{value!r} is not office hours such as 08:00-16:00",
            "{value!r} bukan jam kantor seperti 08:00-16:00",
        ),
        (
            "write HH:MM-HH:MM with the start before the end (24:00 ends at midnight)",
            "tuliskan HH:MM-HH:MM dengan jam mulai sebelum jam selesai (24:00 = tengah malam)",
        ),
    ),
]

SIM_CODES: dict[str, Code] = {c.code: c for c in _ALL}
"""Every scenario finding code, in order."""


class Problem(Protocol):
    """What ``sop simulate`` prints for a bad file: SOP and YAML findings, or scenario ones."""

    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def code(self) -> str: ...

    def format(self, lang: Lang = "en") -> str: ...
    def hint(self, lang: Lang = "en") -> str: ...
    def to_json(self, lang: Lang = "en") -> dict[str, Any]: ...


@attrs.frozen(slots=True)
class ScenarioFinding:
    """One problem in one scenario file, at a line and column (both 1-based)."""

    code: str
    path: str
    line: int
    column: int
    args: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False)

    @property
    def severity(self) -> Severity:
        return SIM_CODES[self.code].severity

    def message(self, lang: Lang = "en") -> str:
        c = SIM_CODES[self.code]
        return fill(c.message_id if lang == "id" else c.message_en, self.args, lang)

    def hint(self, lang: Lang = "en") -> str:
        c = SIM_CODES[self.code]
        return fill(c.hint_id if lang == "id" else c.hint_en, self.args, lang)

    def format(self, lang: Lang = "en") -> str:
        """``PATH:LINE:COL: SIMnnn message`` — the form editors and CI parse."""
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


def sim_codes_markdown() -> str:
    """The table of scenario codes in ``docs/simulation.md`` (a test keeps it in step)."""
    lines = ["| code | what it means | how to fix it |", "|---|---|---|"]

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("!r}", "}").replace("{", "`{").replace("}", "}`")

    for c in SIM_CODES.values():
        lines.append(
            f"| {c.code} | {cell(c.title)}: {cell(c.message_en)} <br>_{cell(c.message_id)}_ "
            f"| {cell(c.hint_en)} <br>_{cell(c.hint_id)}_ |"
        )
    return "\n".join(lines) + "\n"
