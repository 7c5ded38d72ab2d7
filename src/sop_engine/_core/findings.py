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

from sop_engine._core.i18n import N_, fill, gettext
from sop_engine._core.text import Lang

__all__ = ["CODES", "Code", "Finding", "Severity", "codes_markdown", "codes_markdown_id"]

Severity = Literal["error", "warning"]


@attrs.frozen(slots=True)
class Code:
    """One stable finding code: its title and message/hint templates.

    ``message_en`` and ``hint_en`` are message ids of the catalogue (:mod:`sop_engine._core.i18n`);
    the Indonesian texts live in ``locale/id/LC_MESSAGES/sop_engine.po``. ``legacy`` holds the
    Indonesian of an entry still written as an ``(english, indonesian)`` pair (a code added in the
    old style): it is used until ``make catalogues`` has copied it into ``id.po``.
    """

    code: str
    severity: Severity
    title: str
    message_en: str
    hint_en: str
    legacy: dict[str, str] = attrs.field(factory=dict, eq=False)

    @property
    def message_id(self) -> str:
        """The message template in Bahasa Indonesia."""
        return self._indonesian(self.message_en)

    @property
    def hint_id(self) -> str:
        """The hint template in Bahasa Indonesia."""
        return self._indonesian(self.hint_en)

    def template(self, which: Literal["message", "hint"], lang: Lang) -> str:
        """The message or hint template in ``lang``."""
        english = self.message_en if which == "message" else self.hint_en
        return english if lang == "en" else self._indonesian(english)

    def _indonesian(self, english: str) -> str:
        translated = gettext(english, "id")
        if translated == english and english in self.legacy:
            return self.legacy[english]
        return translated


def _c(
    code: str,
    severity: Severity,
    title: str,
    message: str | tuple[str, str],
    hint: str | tuple[str, str],
) -> Code:
    legacy = dict(t for t in (message, hint) if isinstance(t, tuple))
    english = [t[0] if isinstance(t, tuple) else t for t in (message, hint)]
    return Code(code, severity, title, english[0], english[1], legacy)


_ALL = [
    # -- reading the file ---------------------------------------------------------------------
    _c(
        "SOP001",
        "error",
        "file cannot be read",
        N_("cannot read the file: {reason}"),
        N_("check the path and save the file as UTF-8 text"),
    ),
    _c(
        "SOP002",
        "error",
        "broken YAML",
        N_("the file is not valid YAML: {reason}"),
        N_("fix the indentation or quoting near this position"),
    ),
    _c(
        "SOP003",
        "error",
        "YAML tag not allowed",
        N_("YAML tag {tag!r} is not allowed in SOP files"),
        N_("remove the tag; SOP files hold plain text, numbers, lists and mappings only"),
    ),
    _c(
        "SOP004",
        "error",
        "YAML anchor or alias not allowed",
        N_("YAML anchors and aliases (&name, *name) are not allowed"),
        N_("write the repeated part out in full"),
    ),
    _c(
        "SOP005",
        "error",
        "duplicate key",
        N_("key {key!r} appears twice in the same mapping (first at line {first_line})"),
        N_("keep one of them; the second would silently replace the first"),
    ),
    _c(
        "SOP006",
        "error",
        "not an SOP document",
        N_("the file must hold one YAML mapping with an 'sop' section; found {found}"),
        N_("start from examples/lapor/sop.yaml"),
    ),
    _c(
        "SOP007",
        "error",
        "file too large or too deeply nested",
        N_("the file is too large or too deeply nested: {reason}"),
        N_("split the SOP or simplify it; limits protect the engine from hostile files"),
    ),
    # -- shape (JSON Schema) -------------------------------------------------------------------
    _c(
        "SOP010",
        "error",
        "unknown key",
        N_("unknown key {key!r} in {where}{suggestion}"),
        N_("allowed keys here: {allowed}"),
    ),
    _c(
        "SOP011",
        "error",
        "missing key",
        N_("{where} needs the key {key!r}"),
        N_("add it here, e.g. {example}"),
    ),
    _c(
        "SOP012",
        "error",
        "wrong type",
        N_("{where} must be {expected}, found {found}"),
        N_("write it as {expected}"),
    ),
    _c(
        "SOP013",
        "error",
        "invalid value",
        N_("{where}: {reason}"),
        N_("write the value as the message says, then run sop lint again"),
    ),
    _c(
        "SOP014",
        "error",
        "impossible date",
        N_("{where}: {value!r} is not a date that exists"),
        N_(
            "write a date that exists as YYYY-MM-DD, e.g. 2026-02-28 "
            "(February has 28 days, 29 in a leap year)"
        ),
    ),
    # -- structure of the state machine --------------------------------------------------------
    _c(
        "SOP020",
        "error",
        "no initial state",
        N_("no state is marked 'initial: true'"),
        N_("mark the state where every complaint starts with 'initial: true'"),
    ),
    _c(
        "SOP021",
        "error",
        "more than one initial state",
        N_("states {states} are all marked initial"),
        N_("keep 'initial: true' on exactly one state"),
    ),
    _c(
        "SOP022",
        "error",
        "unreachable state",
        N_("state {state!r} cannot be reached from the initial state {initial!r}"),
        N_("add a transition into {state!r} or remove the state"),
    ),
    _c(
        "SOP023",
        "error",
        "trap state",
        N_("from state {state!r} no final state can be reached: complaints would never close"),
        N_("add a transition from {state!r} towards a final state, or mark it 'final: true'"),
    ),
    _c(
        "SOP024",
        "error",
        "transition out of a final state",
        N_("state {state!r} is final but transition {index} leaves it"),
        N_("remove the transition or remove 'final: true' from {state!r}"),
    ),
    _c(
        "SOP025",
        "error",
        "unknown state",
        N_("unknown state {name!r}{suggestion}"),
        N_("declare it under 'states:' or fix the spelling; known states: {known}"),
    ),
    _c(
        "SOP026",
        "error",
        "unknown event",
        N_("unknown event {name!r}{suggestion}"),
        N_("declare it under 'events:' or fix the spelling; known events: {known}"),
    ),
    _c(
        "SOP027",
        "error",
        "unknown role",
        N_("unknown role {name!r}{suggestion}"),
        N_("declare it under 'roles:' or fix the spelling; known roles: {known}"),
    ),
    _c(
        "SOP028",
        "error",
        "unknown guard",
        N_("unknown guard {name!r}{suggestion}"),
        N_("use a registered guard; known guards: {known}"),
    ),
    _c(
        "SOP029",
        "error",
        "unknown action",
        N_("unknown action {name!r}{suggestion}"),
        N_("use a registered action; known actions: {known}"),
    ),
    _c(
        "SOP030",
        "error",
        "bad guard or action parameters",
        N_("parameters of {name!r}: {reason}"),
        N_("write the parameters of {name!r} as: {params}"),
    ),
    _c(
        "SOP031",
        "error",
        "unknown field",
        N_("unknown case field {name!r}{suggestion}"),
        N_("declare it under 'fields:' or fix the spelling; known fields: {known}"),
    ),
    _c(
        "SOP032",
        "error",
        "ambiguous transitions",
        N_(
            "event {event!r} from state {state!r} has transitions {indexes} that nothing tells apart"
        ),
        N_(
            "give each alternative a different guard, or keep one unguarded alternative and put it last"
        ),
    ),
    _c(
        "SOP033",
        "error",
        "event no role may fire",
        N_("no role may fire event {event!r}"),
        N_("list the roles under 'roles:' of the event or of its transitions"),
    ),
    _c(
        "SOP034",
        "warning",
        "event never used",
        N_("event {event!r} is declared but no transition uses it"),
        N_("add a transition for it or remove it"),
    ),
    _c(
        "SOP035",
        "error",
        "contradictory state flags",
        N_("state {state!r} is {flags} at once"),
        N_(
            "a state is either initial, waiting or final; final states cannot be initial or waiting"
        ),
    ),
    _c(
        "SOP036",
        "error",
        "event data clashes with a case field",
        N_("event data {name!r} has the name of a case field but a different {what!r}"),
        N_(
            "drop {what!r}: the case field's definition is used and the value is written to the case; "
            "or rename the event data"
        ),
    ),
    _c(
        "SOP037",
        "error",
        "section not supported",
        N_("section {section!r} is reserved for {purpose}, which this sop_engine does not provide"),
        N_("remove the section, or install the sop_engine version/plugin that provides it"),
    ),
    _c(
        "SOP038",
        "error",
        "unreachable alternative",
        N_(
            "transition {index} for event {event!r} from {state!r} can never be chosen: "
            "an unguarded alternative (transition {earlier}) comes before it"
        ),
        N_("move the unguarded transition last"),
    ),
    _c(
        "SOP039",
        "error",
        "bad field definition",
        N_("field {name!r}: {reason}"),
        N_("enum fields need 'values'; ref fields need 'ref: person' or 'ref: unit'"),
    ),
]

_ALL += [
    # -- deadlines section ----------------------------------------------------------------------
    _c(
        "SOP040",
        "error",
        "deadline can never start",
        N_(
            "clock {clock!r} can never start: no transition enters its start states or fires its "
            "start events"
        ),
        N_("start it on a state or event the SOP actually reaches"),
    ),
    _c(
        "SOP041",
        "error",
        "deadline can never be met",
        N_("clock {clock!r}: {reason}"),
        N_("give it a stop condition the SOP reaches, or a rule that always applies"),
    ),
    _c(
        "SOP042",
        "error",
        "escalation levels out of order",
        N_("escalation level {level} of clock {clock!r} does not come after the level before it"),
        N_("order the ladder by increasing 'after'"),
    ),
    _c(
        "SOP043",
        "error",
        "working hours without office hours",
        N_("clock {clock!r} counts working hours but the calendar has no office hours"),
        N_('add office_hours: "08:00-16:00" to the calendar, or count working days'),
    ),
    _c(
        "SOP044",
        "error",
        "unknown calendar",
        N_("unknown calendar {name!r}{suggestion}"),
        N_("use a registered calendar; known calendars: {known}"),
    ),
]

_ALL.extend(
    (
        _c(
            "SOP045",
            "error",
            "required plugin not installed",
            N_("the SOP needs the plugin package {package!r}, which is not installed"),
            N_("install it: pip install {package}"),
        ),
        # -- code of ethics -------------------------------------------------------------------------
        _c(
            "SOP046",
            "error",
            "unknown ethics check",
            N_("unknown ethics check {name!r}{suggestion}"),
            N_(
                "use a built-in check or install the plugin that provides it; known checks: {known}"
            ),
        ),
        _c(
            "SOP047",
            "error",
            "bad ethics check parameters",
            N_("parameters of check {name!r}: {reason}"),
            N_("write the parameters of check {name!r} as: {params}"),
        ),
        _c(
            "SOP048",
            "error",
            "ethics rule can never apply",
            N_(
                "rule {rule!r} can never apply: no transition fires one of its events from one of "
                "its states for one of its roles"
            ),
            N_("widen or fix 'when' (events, states, roles) so that it matches a transition"),
        ),
        _c(
            "SOP049",
            "error",
            "duplicate ethics rule id",
            N_("rule id {rule!r} is already used by rule {first}"),
            N_("give every rule its own id: breaches are reported by rule id"),
        ),
        _c(
            "SOP050",
            "error",
            "flagged breach tells no one",
            N_("rule {rule!r} only flags breaches but names no one to notify"),
            N_("add 'notify: atasan' to the rule or to the ethics section, or use severity: block"),
        ),
        _c(
            "SOP051",
            "error",
            "confidentiality settings do not fit the fields",
            N_("confidentiality: {reason}"),
            N_("point 'field' at an enum field and list only its values under anonim/rahasia"),
        ),
    )
)

# -- invariants (the testing kit), SOP060–SOP069 --------------------------------------------
_ALL += [
    _c(
        "SOP060",
        "error",
        "invariant names an unknown state",
        N_("the invariant names unknown state {name!r}{suggestion}"),
        N_("use a state declared under 'states'; known states: {known}"),
    ),
    _c(
        "SOP061",
        "error",
        "invariant names an unknown field",
        N_("the invariant names unknown case field {name!r}{suggestion}"),
        N_("use a field declared under 'fields'; known fields: {known}"),
    ),
    _c(
        "SOP062",
        "error",
        "invariant names an unknown event",
        N_("the invariant names unknown event {name!r}{suggestion}"),
        N_("use an event declared under 'events'; known events: {known}"),
    ),
    _c(
        "SOP063",
        "error",
        "invariant names an unknown clock",
        N_("the invariant names unknown deadline clock {name!r}{suggestion}"),
        N_("use a clock declared under 'deadlines: clocks'; known clocks: {known}"),
    ),
    _c(
        "SOP064",
        "error",
        "invariant value does not fit its field",
        N_("field {field!r} can never be {value!r}: allowed is {allowed}"),
        N_("compare with a value the field can hold, or the check never matches"),
    ),
]

# -- plugins (SOP070-SOP079) --------------------------------------------------------------------
_ALL += [
    _c(
        "SOP070",
        "error",
        "plugin namespace not installed",
        N_("{kind} {name!r} comes from plugin {namespace!r}, which is not installed"),
        N_("install the package that provides plugin {namespace!r} and list it under requires:"),
    ),
    _c(
        "SOP071",
        "error",
        "error found by a plugin's lint rule",
        N_("{rule}: {message_en}"),
        N_("{hint_en}"),
    ),
    _c(
        "SOP072",
        "warning",
        "warning from a plugin's lint rule",
        N_("{rule}: {message_en}"),
        N_("{hint_en}"),
    ),
    _c(
        "SOP073",
        "error",
        "a plugin's lint rule failed",
        N_("lint rule {rule!r} of plugin {plugin!r} failed: {error}"),
        N_("report it to the plugin's maintainers, or uninstall the plugin"),
    ),
    _c(
        "SOP074",
        "error",
        "calendar cannot be built",
        N_("calendar {name!r} of plugin {plugin!r} cannot be built from these settings: {reason}"),
        N_("check the calendar settings against the documentation of plugin {plugin!r}"),
    ),
    # -- deadlines: rules a paper service standard states (issue 20) ---------------------------
    _c(
        "SOP130",
        "warning",
        "roll without calendar days",
        N_("clock {clock!r} rolls to the next working day but counts no calendar days"),
        N_(
            "roll: next_working_day only moves a deadline counted in days; remove it, or "
            "count the duration in days"
        ),
    ),
    _c(
        "SOP131",
        "warning",
        "duration rules in different units",
        N_("the duration rules of clock {clock!r} count in different units ({units})"),
        N_(
            "when a field the rules read changes while the clock runs, time added by pauses "
            "and extensions is kept only within one unit: count every rule in the same unit"
        ),
    ),
    _c(
        "SOP132",
        "error",
        "notification carries the reporter's identity",
        N_("deadline notifications would carry field {field!r}, which identifies the reporter"),
        N_(
            "name a field that does not identify the reporter (the tracking id, the agency's "
            "case number, the unit, the title)"
        ),
    ),
]

# -- issue 20: rules that never match, switched-off checks (SOP174-SOP189) ----------------------
_ALL += [
    _c(
        "SOP174",
        "error",
        "value can never match its field",
        N_(
            "{where}: {field!r} is a {kind} field and can never hold {value!r}, "
            "so this condition never matches"
        ),
        N_("write {allowed}"),
    ),
    _c(
        "SOP175",
        "error",
        "not a built-in check",
        N_("{name!r} is switched off with 'disabled_because' but is not a built-in check"),
        N_(
            "switch off one of the built-in checks ({known}); a rule of your own is removed by "
            "deleting it"
        ),
    ),
    _c(
        "SOP176",
        "error",
        "switched-off check with a rule",
        N_("built-in check {name!r} is switched off, so {key!r} has no meaning here"),
        N_("keep only 'disabled_because: <the reason>' under {name!r}"),
    ),
    _c(
        "SOP177",
        "error",
        "check switched off without a reason",
        N_("built-in check {name!r} is switched off with a blank reason"),
        N_(
            "say why, in words a supervisor can judge, e.g. disabled_because: "
            '"Tanda terima dikirim tanpa mengubah status"'
        ),
    ),
    _c(
        "SOP178",
        "error",
        "unknown deadline clock",
        N_("unknown deadline clock {name!r}{suggestion}"),
        N_("use a clock declared under 'deadlines: clocks'; known clocks: {known}"),
    ),
]

CODES: dict[str, Code] = {c.code: c for c in _ALL}


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
        """The message in ``lang``; values that are texts or messages are in ``lang`` too."""
        return fill(CODES[self.code].template("message", lang), self.args, lang)

    def hint(self, lang: Lang = "en") -> str:
        """How to fix it, in ``lang``."""
        return fill(CODES[self.code].template("hint", lang), self.args, lang)

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


def codes_markdown_id() -> str:
    """``docs/id/kode-temuan.md``: every code with its meaning and fix in Bahasa Indonesia."""
    lines = [
        "# Kode temuan `sop lint`",
        "",
        "Dibuat dari katalog kode mesin (`make docs`); sebuah pengujian menjaga halaman ini tetap",
        "sesuai. Kode bersifat tetap: kode yang sudah terbit tidak berubah artinya. Setiap temuan",
        "ditulis sebagai `BERKAS:BARIS:KOLOM: SOPnnn pesan` diikuti petunjuk perbaikan;",
        "`sop lint --format json` memberikan isian yang sama untuk editor dan CI.",
        "*English: [finding codes](../error-codes.md).*",
        "",
        "| kode | tingkat | pesan | cara memperbaiki |",
        "|---|---|---|---|",
    ]
    severity = {"error": "kesalahan", "warning": "peringatan"}

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("!r}", "}").replace("{", "`{").replace("}", "}`")

    for c in CODES.values():
        lines.append(
            f"| {c.code} | {severity[c.severity]} | {cell(c.message_id)} | {cell(c.hint_id)} |"
        )
    lines.append("")
    lines.append("Bagian dalam `{kurung kurawal}` diisi dengan nama dari berkas Anda.")
    return "\n".join(lines) + "\n"
