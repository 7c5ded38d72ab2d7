"""Checking the names an SOP section refers to, and the problems a section handler reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from sop_engine._core.i18n import N_, Msg, both
from sop_engine._core.text import Text

if TYPE_CHECKING:
    from sop_engine._core.definition import FieldSpec, SopDefinition

__all__ = [
    "RESERVED_SECTIONS",
    "SectionNames",
    "SectionProblem",
    "never_matches",
    "value_fits",
]


@attrs.frozen(slots=True)
class SectionProblem:
    """A problem a section handler found: where in the section, which finding code, its args."""

    path: tuple[str | int, ...]
    code: str
    args: Mapping[str, Any]
    key: bool = False


def value_fits(field: FieldSpec, value: Any) -> bool:
    """Whether a constant written in an SOP can ever equal a value ``field`` holds.

    Strict on purpose: the engine compares values with their type, so ``ya`` or ``"true"``
    never equals the ``true`` of a true/false field, and ``"5"`` never a number.
    """
    kind = field.type
    if kind == "enum":
        return isinstance(value, str) and value in field.values
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind in ("date", "datetime"):
        from sop_engine._core.datatypes import validator_for

        try:
            return isinstance(value, str) and validator_for(field)(value) == value
        except ValueError:
            return False
    return isinstance(value, str)


def never_matches(field: FieldSpec, value: Any) -> dict[str, Any]:
    """The arguments of finding ``SOP174`` for ``value`` written against ``field``."""
    allowed: Msg | str = {
        "bool": Msg("true or false, without quotes"),
        "integer": Msg("a whole number, without quotes"),
        "number": Msg("a number, without quotes"),
        "date": Msg("a date like 2026-03-02"),
        "datetime": Msg("a date and time in UTC, like 2026-03-02T02:30:00+00:00"),
    }.get(field.type, Msg("text"))
    if field.type == "enum":
        allowed = Msg("one of {values}", values=", ".join(field.values))
    return {"field": field.name, "value": value, "kind": field.type, "allowed": allowed}


class SectionNames:
    """Checks the names a section refers to against what the SOP declares.

    Every unknown state, event, role or field becomes a :class:`SectionProblem` with the same
    code and did-you-mean hint as in the core sections, at the position of the name.
    """

    def __init__(
        self, sop: SopDefinition, problems: list[SectionProblem], *, fields: Iterable[str] = ()
    ) -> None:
        self.problems = problems
        self.fields = {f.name: f for f in sop.fields}
        self.pools: dict[str, tuple[set[str], str]] = {
            "state": ({s.name for s in sop.states}, "SOP025"),
            "event": ({e.name for e in sop.events}, "SOP026"),
            "role": ({r.name for r in sop.roles}, "SOP027"),
            "field": ({f.name for f in sop.fields} | set(fields), "SOP031"),
        }

    def unknown(self, code: str, name: str, known: set[str], path: tuple[str | int, ...]) -> None:
        """Report ``name`` as unknown under ``code``, suggesting the closest of ``known``."""
        import difflib

        close = difflib.get_close_matches(name, sorted(known), n=1)
        self.problems.append(
            SectionProblem(
                path,
                code,
                {
                    "name": name,
                    "suggestion": Msg("; did you mean {name!r}?", name=close[0]) if close else "",
                    "known": ", ".join(sorted(known)),
                },
            )
        )

    def __call__(self, kind: str, value: Any, path: tuple[str | int, ...]) -> tuple[str, ...]:
        """The names in ``value`` (a name or a list of names), each unknown one reported."""
        if value is None:
            return ()
        names: tuple[str, ...] = (value,) if isinstance(value, str) else tuple(value)
        known, code = self.pools[kind]
        for k, n in enumerate(names):
            if n not in known:
                self.unknown(code, n, known, (*path, k) if isinstance(value, list) else path)
        return names

    def case_values(
        self, spec: Mapping[str, Any], path: tuple[str | int, ...]
    ) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        """A ``field: value`` (or ``field: [values]``) mapping of case data a rule is about.

        Unknown fields are ``SOP031``; a value the field can never hold (``ya`` for a
        true/false field) is ``SOP174``, because the rule would silently never apply.
        """
        out = []
        for name, raw in spec.items():
            values = tuple(raw) if isinstance(raw, list) else (raw,)
            field = self.fields.get(name)
            if field is None:
                self.unknown("SOP031", name, self.pools["field"][0], (*path, name))
                continue
            for k, value in enumerate(values):
                if not value_fits(field, value):
                    at = (*path, name, k) if isinstance(raw, list) else (*path, name)
                    self.problems.append(SectionProblem(at, "SOP174", never_matches(field, value)))
            out.append((name, values))
        return tuple(out)

    def known(self, kind: str, names: Iterable[str]) -> tuple[str, ...]:
        """Those of ``names`` the SOP declares."""
        pool = self.pools[kind][0]
        return tuple(n for n in names if n in pool)


RESERVED_SECTIONS: dict[str, Text] = {
    "deadlines": both(N_("service-standard deadlines and escalation")),
    "ethics": both(N_("code-of-ethics rules")),
    "invariants": both(N_("invariants checked by the testing kit")),
}
"""Top-level sections the core reserves for features that register a ``SectionSpec``."""
