"""Checking the names an SOP section refers to, and the problems a section handler reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from sop_engine._core.i18n import Msg
from sop_engine._core.text import Text

if TYPE_CHECKING:
    from sop_engine._core.definition import SopDefinition

__all__ = ["RESERVED_SECTIONS", "SectionNames", "SectionProblem"]


@attrs.frozen(slots=True)
class SectionProblem:
    """A problem a section handler found: where in the section, which finding code, its args."""

    path: tuple[str | int, ...]
    code: str
    args: Mapping[str, Any]
    key: bool = False


class SectionNames:
    """Checks the names a section refers to against what the SOP declares.

    Every unknown state, event, role or field becomes a :class:`SectionProblem` with the same
    code and did-you-mean hint as in the core sections, at the position of the name.
    """

    def __init__(
        self, sop: SopDefinition, problems: list[SectionProblem], *, fields: Iterable[str] = ()
    ) -> None:
        self.problems = problems
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

    def known(self, kind: str, names: Iterable[str]) -> tuple[str, ...]:
        """Those of ``names`` the SOP declares."""
        pool = self.pools[kind][0]
        return tuple(n for n in names if n in pool)


RESERVED_SECTIONS: dict[str, Text] = {
    "deadlines": Text(
        "batas waktu standar pelayanan dan eskalasi",
        "service-standard deadlines and escalation",
    ),
    "ethics": Text("aturan kode etik pengelola pengaduan", "code-of-ethics rules"),
    "invariants": Text(
        "invarian yang diuji oleh perangkat pengujian", "invariants checked by the testing kit"
    ),
}
"""Top-level sections the core reserves for features that register a ``SectionSpec``."""
