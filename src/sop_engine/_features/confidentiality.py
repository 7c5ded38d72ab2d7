"""Reporter confidentiality: what never leaves the engine, and flags that only go up.

SP4N-LAPOR! knows two flags: *anonim* (the reporter's identity is hidden from the public and from
the reported party) and *rahasia* (the content is not public at all); they can be combined. In an
SOP file the flags are values of one case field (``kerahasiaan: anonim``); the ``ethics``
section's ``confidentiality`` part says which values set which flag, which fields are the identity
and which the content, and which roles may see them.

Two failures in the field shape this module: an identity that leaked through a disposition to the
reported unit, and an admin downstream who forgot to set the flags. So every payload the engine
hands outward (views for other roles, exports, derived cases) is redacted from the case's
*current* flags, the flags are inherited by derived cases, and lowering a flag is refused unless
the reporter's consent is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from sop_engine._core.i18n import Msg, MsgError, both, series
from sop_engine._core.records import Breach
from sop_engine._spec.names import SectionProblem

if TYPE_CHECKING:
    from sop_engine._core.definition import SopDefinition

__all__ = [
    "AUDIENCES",
    "CONFIDENTIALITY_RULE",
    "SCHEMA",
    "WITHHELD",
    "Confidentiality",
    "build_confidentiality",
    "redact",
]

WITHHELD = "[dirahasiakan]"
"""What a withheld value reads as in any outward payload."""

CONFIDENTIALITY_RULE = "KERAHASIAAN"
"""The rule id of the built-in rule that keeps the flags from being lowered without consent."""

_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
_NAMES = {"anyOf": [_NAME, {"type": "array", "items": _NAME, "minItems": 1}]}
_VALUES = {"type": "array", "items": {"type": "string"}, "minItems": 1}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "the reporter's identity and the complaint content, and who may see them",
    "properties": {
        "field": {**_NAME, "description": "the enum case field holding the flags"},
        "anonim": {**_VALUES, "description": "values of the field that hide the identity"},
        "rahasia": {**_VALUES, "description": "values of the field that hide the content"},
        "identity": {**_NAMES, "description": "fields that identify the reporter"},
        "content": {**_NAMES, "description": "fields holding the complaint's content"},
        "see_identity": {**_NAMES, "description": "roles that see the identity of anonim cases"},
        "see_content": {**_NAMES, "description": "roles that see the content of rahasia cases"},
        "reveal": {**_NAMES, "description": "roles that may reveal an identity (with a reason)"},
        "audiences": {
            "type": "object",
            "description": "fields each export audience may receive (an allowlist); default: "
            "public gets no text and nothing of the reporter, oversight all but the reporter, "
            "internal all (always after redaction)",
            "properties": {a: {**_NAMES} for a in ("public", "oversight", "internal")},
            "additionalProperties": False,
        },
        "reveal_approve": {
            **_NAMES,
            "description": "roles that approve a reveal (another person, another role; "
            "default: see_identity and reveal)",
        },
        "consent": {**_NAME, "description": "bool field: the reporter consents to lowering"},
        "reporter": {**_NAMES, "description": "roles whose actors are the reporter (pelapor)"},
        "reported": {**_NAMES, "description": "fields naming the reported official (rahasia)"},
        "units": {**_NAMES, "description": "fields naming the units whose officers see the case"},
        "unit_roles": {**_NAMES, "description": "roles that see only the cases of their unit"},
        "erase": {**_NAMES, "description": "roles that may erase personal data (with a reason)"},
    },
    "required": ["field", "anonim", "rahasia", "identity"],
    "additionalProperties": False,
}

_FLAGS = ("anonim", "rahasia")


@attrs.frozen(slots=True)
class Confidentiality:
    """The compiled ``ethics.confidentiality`` settings of one SOP."""

    field: str
    values: tuple[str, ...]
    anonim: frozenset[str]
    rahasia: frozenset[str]
    identity: frozenset[str]
    content: frozenset[str]
    see_identity: frozenset[str]
    see_content: frozenset[str]
    reveal: frozenset[str]
    consent: str | None
    notify: tuple[str, ...]
    reporter: frozenset[str] = frozenset({"pelapor"})
    """Roles whose actors are the reporter: their ids are identity too."""
    reported: frozenset[str] = frozenset()
    """Fields naming the reported official: hidden in ``rahasia`` cases like the content."""
    units: tuple[str, ...] = ()
    """Case fields naming the units whose officers may see the case."""
    unit_roles: frozenset[str] = frozenset()
    """Roles that see only the cases of their own unit (``Actor.unit``)."""
    erase: frozenset[str] = frozenset()
    """Roles that may erase the reporter's personal data (empty: any role the SOP declares)."""
    reveal_approve: frozenset[str] = frozenset()
    """Roles that may approve a reveal request: always a second person of another role."""
    audiences: Mapping[str, frozenset[str]] = attrs.field(factory=dict)
    """The fields (case data and event data) each export audience may receive."""

    def flags(self, value: Any) -> frozenset[str]:
        """The flags a value of the field sets (``anonim``, ``rahasia``, both or none)."""
        out = set()
        if value in self.anonim:
            out.add("anonim")
        if value in self.rahasia:
            out.add("rahasia")
        return frozenset(out)

    def hidden(self, data: Mapping[str, Any], role: str | None) -> frozenset[str]:
        """Fields of a case with ``data`` to withhold from ``role`` (``None``: outward, public)."""
        flags = self.flags(data.get(self.field))
        out: set[str] = set()
        if flags and (role is None or role not in self.see_identity):
            out |= self.identity  # rahasia hides the reporter too, not only anonim
        if "rahasia" in flags and (role is None or role not in self.see_content):
            out |= self.content | self.reported
        return frozenset(out)

    def may_see(self, data: Mapping[str, Any], role: str, unit: str | None) -> bool:
        """Whether an actor of ``role`` in ``unit`` may see a case with ``data`` at all."""
        if role not in self.unit_roles:
            return True
        return unit is not None and any(data.get(f) == unit for f in self.units)

    def case_units(self, data: Mapping[str, Any]) -> list[str]:
        """The units whose officers may see a case with ``data``."""
        return sorted({str(data[f]) for f in self.units if data.get(f) not in (None, "")})

    def secrets(self, data: Mapping[str, Any]) -> frozenset[str]:
        """The identity values of an ``anonim`` case: withheld wherever they appear outward."""
        if not self.flags(data.get(self.field)):
            return frozenset()
        return frozenset(str(data[f]) for f in self.identity if data.get(f) not in (None, ""))

    def judge_change(
        self,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        payload: Mapping[str, Any],
        actor: Any = None,
        history: Callable[[], Sequence[Any]] | None = None,
    ) -> Breach | None:
        """The breach of a command that lowers a flag without a consent that counts.

        Consent counts when the reporter recorded it himself (an actor of a ``reporter`` role),
        or when someone else recorded it and a *second* person lowers the flag (four eyes):
        an official alone can never both record the consent and act on it.
        """
        old, new = before.get(self.field), after.get(self.field)
        if old == new:
            return None
        lost = self.flags(old) - self.flags(new)
        if not lost:
            return None  # raising is always allowed
        if self.consent is not None and actor is not None:
            by = _consent_by(self.consent, payload, actor, history)
            if by is not None and (by.role in self.reporter or by.id != actor.id):
                return None
        elif self.consent is not None and (
            before.get(self.consent) is True or payload.get(self.consent) is True
        ):
            return None
        names = ", ".join(sorted(lost))
        return Breach(
            CONFIDENTIALITY_RULE,
            "confidentiality",
            "block",
            both(
                Msg(
                    "lowering confidentiality ({names}) needs the reporter's recorded consent "
                    "in {consent!r}, recorded by the reporter himself or approved by a second "
                    "person",
                    names=names,
                    consent=self.consent,
                )
                if self.consent
                else Msg(
                    "lowering confidentiality ({names}) needs the reporter's recorded consent, "
                    "recorded by the reporter himself or approved by a second person",
                    names=names,
                )
            ),
            ("penyimpangan_prosedur",),
        )

    def inherit(self, parent_flags: frozenset[str], value: Any) -> Any:
        """The field value for a case derived from a parent: every flag of either, kept.

        Raises ``ValueError`` when the field has no value carrying all those flags.
        """
        want = parent_flags | self.flags(value)
        if want == self.flags(value):
            return value
        exact = [v for v in self.values if self.flags(v) == want]
        wider = [v for v in self.values if self.flags(v) >= want]
        if exact or wider:
            return (exact or wider)[0]
        raise MsgError(
            Msg(
                "no value of {field!r} keeps the flags {flags} of the parent case; "
                "add one to the field's values and to 'anonim'/'rahasia'",
                field=self.field,
                flags=series([repr(f) for f in sorted(want)]),
            )
        )


def build_confidentiality(
    raw: Mapping[str, Any],
    sop: SopDefinition,
    notify: tuple[str, ...],
    check: Callable[[str, Any, tuple[str | int, ...]], tuple[str, ...]],
) -> tuple[Confidentiality, list[SectionProblem]]:
    """Compile the settings; ``check(kind, names, path)`` reports unknown fields and roles."""
    problems: list[SectionProblem] = []
    base = ("confidentiality",)
    fields = {f.name: f for f in sop.fields}
    values: tuple[str, ...] = ()
    if check("field", raw["field"], (*base, "field")):
        spec = fields.get(raw["field"])
        if spec is None or spec.type != "enum":
            problems.append(
                SectionProblem(
                    (*base, "field"),
                    "SOP051",
                    {"reason": Msg("{field!r} must be an enum case field", field=raw["field"])},
                )
            )
        else:
            values = tuple(str(v) for v in spec.values)
            for flag in _FLAGS:
                for k, v in enumerate(raw[flag]):
                    if v not in values:
                        problems.append(
                            SectionProblem(
                                (*base, flag, k),
                                "SOP051",
                                {
                                    "reason": Msg(
                                        "{value!r} is not a value of {field!r} (its values: "
                                        "{values})",
                                        value=v,
                                        field=raw["field"],
                                        values=", ".join(repr(x) for x in values),
                                    )
                                },
                            )
                        )
    consent = raw.get("consent")
    if (
        consent is not None
        and check("field", consent, (*base, "consent"))
        and (consent not in fields or fields[consent].type != "bool")
    ):
        problems.append(
            SectionProblem(
                (*base, "consent"),
                "SOP051",
                {
                    "reason": Msg(
                        "the consent field {field!r} must be a bool case field", field=consent
                    )
                },
            )
        )
    conf = Confidentiality(
        field=raw["field"],
        values=values,
        anonim=frozenset(raw["anonim"]),
        rahasia=frozenset(raw["rahasia"]),
        identity=frozenset(check("field", raw["identity"], (*base, "identity"))),
        content=frozenset(check("field", raw.get("content"), (*base, "content"))),
        see_identity=frozenset(check("role", raw.get("see_identity"), (*base, "see_identity"))),
        see_content=frozenset(check("role", raw.get("see_content"), (*base, "see_content"))),
        reveal=frozenset(check("role", raw.get("reveal"), (*base, "reveal"))),
        consent=consent,
        notify=notify,
        reporter=frozenset(
            check("role", raw.get("reporter", "pelapor"), (*base, "reporter"))
            if "reporter" in raw
            else ["pelapor"]
        ),
        reported=frozenset(check("field", raw.get("reported"), (*base, "reported"))),
        units=tuple(check("field", raw.get("units"), (*base, "units"))),
        unit_roles=frozenset(check("role", raw.get("unit_roles"), (*base, "unit_roles"))),
        erase=frozenset(check("role", raw.get("erase"), (*base, "erase"))),
        reveal_approve=frozenset(
            check("role", raw.get("reveal_approve"), (*base, "reveal_approve"))
        ),
    )
    if "reveal_approve" not in raw:  # those who see the identity anyway, and the revealers
        conf = attrs.evolve(conf, reveal_approve=conf.see_identity | conf.reveal)
    audiences, more = _audiences(raw.get("audiences") or {}, sop, conf)
    problems += more
    return attrs.evolve(conf, audiences=audiences), problems


AUDIENCES = ("public", "oversight", "internal")
"""Who an export is for: the public (open data, the press), oversight bodies (APIP, Ombudsman,
the LAPOR! administrator), the agency itself. Each gets an allowlist of fields."""


def _audiences(
    raw: Mapping[str, Any],
    sop: SopDefinition,
    conf: Confidentiality,
) -> tuple[dict[str, frozenset[str]], list[SectionProblem]]:
    """Each audience's allowlist: as declared, or the default for data of this SOP.

    Defaults: ``public`` gets no free text and nothing about the reporter or the reported
    official (enums, dates, numbers, flags); ``oversight`` everything but the reporter's
    identity and personal fields; ``internal`` every field. An export never shows more than
    the redacted outward view: the allowlist only narrows it.
    """
    specs = [*sop.fields, *(d for e in sop.events for d in e.data)]
    known = {f.name for f in specs}
    reporter = conf.identity | {f.name for f in specs if f.personal}
    # closed values only: no free text, no person, no exact date (a date and a unit can single
    # a reporter out; public counts are by month)
    closed = {
        f.name
        for f in specs
        if f.type in ("enum", "bool", "number", "integer") or (f.type == "ref" and f.ref == "unit")
    }
    defaults = {
        "public": closed - reporter - conf.content - conf.reported,
        "oversight": known - reporter,
        "internal": known,
    }
    out: dict[str, frozenset[str]] = {}
    problems: list[SectionProblem] = []
    for audience in AUDIENCES:
        if audience not in raw:
            out[audience] = frozenset(defaults[audience])
            continue
        path: tuple[str | int, ...] = ("confidentiality", "audiences", audience)
        names = raw[audience] if isinstance(raw[audience], list) else [raw[audience]]
        for k, name in enumerate(names):
            if name not in known:
                problems.append(
                    SectionProblem(
                        (*path, k),
                        "SOP051",
                        {"reason": f"{name!r} is neither a case field nor data of an event"},
                    )
                )
        out[audience] = frozenset(n for n in names if n in known)
    return out, problems


def _consent_by(
    field: str,
    payload: Mapping[str, Any],
    actor: Any,
    history: Callable[[], Sequence[Any]] | None,
) -> Any:
    """The actor who recorded the consent now in force (``None``: no consent recorded)."""
    if payload.get(field) is True:
        return actor
    if payload.get(field) is False or history is None:
        return None
    for event in reversed(history()):
        value = event.payload.get(field)
        if value is True:
            return event.actor
        if value is False:
            return None
    return None


def redact(values: Mapping[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    """A copy of ``values`` with every key in ``hidden`` replaced by :data:`WITHHELD`."""
    return {k: (WITHHELD if k in hidden else v) for k, v in values.items()}
