"""The finding codes of scenario files (``SIMnnn``), with their Indonesian and English texts.

Scenario files are checked with the same care as SOP files: every problem is reported at once as
``PATH:LINE:COL: SIMnnn message`` followed by a hint, in Bahasa Indonesia or English. The codes
are a range of their own (``SOPnnn`` belongs to SOP files) so CI scripts can tell the two apart;
problems of reading the YAML itself (unreadable file, broken YAML, tags, anchors, duplicate keys,
size) keep the ``SOP001``–``SOP007`` codes of the shared safe reader. All user-facing strings of
the simulator's validation live here, as catalogue message ids (``N_``); their Indonesian is in
``locale/id`` (from ``tools/translations/lang.py``) like every other message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import attrs

from sop_engine._core.errors import bounded
from sop_engine._core.findings import Code, Severity
from sop_engine._core.i18n import N_, fill
from sop_engine._core.text import Lang

__all__ = ["SIM_CODES", "Problem", "ScenarioFinding", "sim_codes_markdown"]


def _c(code: str, title: str, message: str, hint: str) -> Code:
    # English is the catalogue's message id; the Indonesian is in locale/id like every message
    return Code(code, "error", title, message, hint)


_ALL = [
    _c(
        "SIM001",
        "not a scenario document",
        N_("the file must hold one YAML mapping with a 'scenario' section; found {found}"),
        N_("start from examples/lapor/scenario.yaml"),
    ),
    _c(
        "SIM002",
        "missing key",
        N_("{where} needs the key {key!r}"),
        N_("add {key!r}; docs/simulation.md describes every key"),
    ),
    _c(
        "SIM003",
        "unknown key",
        N_("unknown key {key!r}"),
        N_("known keys here: {known}{suggestion}"),
    ),
    _c(
        "SIM004",
        "wrong kind of value",
        N_("expected {expected}, found {found}"),
        N_("write {expected} here; docs/simulation.md has an example"),
    ),
    _c(
        "SIM005",
        "value out of range",
        N_("{value} is out of range: {rule}"),
        N_("probabilities are between 0 and 1, counts and rates are not negative"),
    ),
    _c(
        "SIM006",
        "not one of the allowed values",
        N_("{value!r} is not one of {allowed}"),
        N_("use one of {allowed}"),
    ),
    _c(
        "SIM007",
        "bad duration",
        N_("{value!r} is not a duration such as 30min, 2h or 1d"),
        N_("write a number and a unit: s, min, h or d (calendar days)"),
    ),
    _c(
        "SIM008",
        "bad date or time",
        N_("{value!r} is not a {kind} such as {example}"),
        N_("write it as {example}"),
    ),
    _c(
        "SIM009",
        "bad distribution",
        N_("{name} distribution: {reason}"),
        N_(
            "write one of fixed, uniform, triangular, exponential, lognormal or empirical with "
            "its parameters (see docs/simulation.md)"
        ),
    ),
    _c(
        "SIM010",
        "period is empty or outside the calendar",
        N_("the period {reason}"),
        N_("give a start on or before the end, within the years the calendar covers"),
    ),
    _c(
        "SIM011",
        "unknown calendar",
        N_("unknown calendar {name!r}"),
        N_("known calendars: {known} (24x7 counts every hour of every day)"),
    ),
    _c(
        "SIM020",
        "unknown role",
        N_("the SOP has no role {name!r}"),
        N_("roles of the SOP: {known}{suggestion}"),
    ),
    _c(
        "SIM021",
        "unknown event",
        N_("the SOP has no event {name!r}"),
        N_("events of the SOP: {known}{suggestion}"),
    ),
    _c(
        "SIM022",
        "unknown or final state",
        N_("the SOP has no non-final state {name!r}"),
        N_("steps are given for states where work remains: {known}{suggestion}"),
    ),
    _c(
        "SIM023",
        "event never fires from this state",
        N_("event {event!r} has no transition from state {state!r}"),
        N_("events that leave {state!r}: {known}"),
    ),
    _c(
        "SIM024",
        "role may not fire the event",
        N_("role {role!r} may not fire {event!r}"),
        N_("roles allowed to fire {event!r}: {known}"),
    ),
    _c(
        "SIM025",
        "nobody staffs this role",
        N_("no staff for role {role!r}{unit}"),
        N_("add it under staff: with a count of at least 1"),
    ),
    _c(
        "SIM026",
        "unknown field",
        N_("the SOP has no field {name!r}"),
        N_("fields of the SOP: {known}{suggestion}"),
    ),
    _c(
        "SIM027",
        "staff group given twice",
        N_("role {role!r}{unit} appears twice under staff"),
        N_("give each role and unit once, with its count"),
    ),
    _c(
        "SIM028",
        "office hours",
        N_("{value!r} is not office hours such as 08:00-16:00"),
        N_("write HH:MM-HH:MM with the start before the end (24:00 ends at midnight)"),
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
        """The message in ``lang``; a name or value taken from the file is cut to a few hundred
        characters (a scenario is untrusted: a 30,000-character event name was echoed in full,
        issue 18 fuzzing)."""
        c = SIM_CODES[self.code]
        return fill(c.message_id if lang == "id" else c.message_en, _short(self.args), lang)

    def hint(self, lang: Lang = "en") -> str:
        c = SIM_CODES[self.code]
        return bounded(fill(c.hint_id if lang == "id" else c.hint_en, _short(self.args), lang))

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


_ECHO = 200
_LISTS = frozenset({"known", "allowed"})


def _short(args: Mapping[str, Any]) -> dict[str, Any]:
    """``args`` with every text taken from the file cut to :data:`_ECHO` characters; the lists
    of names the SOP or the schema knows (``known``, ``allowed``) stay whole (the hint is
    bounded as a whole)."""
    return {
        k: bounded(v, _ECHO) if isinstance(v, str) and k not in _LISTS else v
        for k, v in args.items()
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
