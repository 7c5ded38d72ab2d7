"""Transition coverage: which parts of an SOP an exploration actually exercised.

A green run proves little if it never reached the states where things go wrong. Coverage counts
what the random exploration reached — states, transitions (source, event, target), clocks
started, breaches and expiries, escalation levels — against what the SOP declares, so testers
can see the gaps and CI can require a minimum (``sop test --min-coverage``).
"""

from __future__ import annotations

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.i18n import N_, both
from sop_engine._core.records import AuditEvent, Case
from sop_engine._core.text import Text

__all__ = ["Coverage", "CoverageRow"]


@attrs.frozen(slots=True)
class CoverageRow:
    """One kind of item: its label, how many were exercised, and the names of the others."""

    kind: str
    label: Text
    hit: int
    total: int
    missing: tuple[str, ...]

    @property
    def ratio(self) -> float:
        return self.hit / self.total if self.total else 1.0


@attrs.define
class Coverage:
    """What an exploration exercised, accumulated over every example Hypothesis ran."""

    sop: CompiledSop
    states: set[str] = attrs.field(factory=set)
    edges: set[tuple[str, str, str]] = attrs.field(factory=set)
    clocks: set[str] = attrs.field(factory=set)
    outcomes: set[str] = attrs.field(factory=set)
    levels: set[str] = attrs.field(factory=set)

    def saw(self, case: Case) -> None:
        """Note the clocks a case has started."""
        for d in case.deadlines:
            self.clocks.add(d.name)

    def fired(self, event: AuditEvent) -> None:
        """Note a breach, expiry or escalation level the sweeper recorded."""
        p = event.payload
        if event.event == "@breach":
            self.outcomes.add(f"{p['deadline']}: breach")
        elif event.event == "@expire":
            self.outcomes.add(f"{p['deadline']}: expiry")
        elif event.event == "@escalate":
            self.levels.add(f"{p['deadline']}: {p['level']}")

    def rows(self) -> list[CoverageRow]:
        d = self.sop.definition
        edges = sorted({(s, t.event, t.dest) for t in d.transitions for s in t.sources})
        plan = self.sop.deadlines
        clocks = [c.name for c in plan.clocks] if plan else []
        outcomes = (
            [f"{c.name}: {'expiry' if c.expiry_event else 'breach'}" for c in plan.clocks]
            if plan
            else []
        )
        levels = (
            [f"{c.name}: {k}" for c in plan.clocks for k in range(1, len(c.levels) + 1)]
            if plan
            else []
        )

        def row(kind: str, label: Text, every: list[str], hit: set[str]) -> CoverageRow:
            missing = tuple(x for x in every if x not in hit)
            return CoverageRow(kind, label, len(every) - len(missing), len(every), missing)

        return [
            row("states", both(N_("states")), [s.name for s in d.states], self.states),
            row(
                "transitions",
                both(N_("transitions")),
                [f"{s} --{e}--> {t}" for s, e, t in edges],
                {f"{s} --{e}--> {t}" for s, e, t in self.edges},
            ),
            row(
                "clocks",
                both(N_("deadline clocks started")),
                clocks,
                self.clocks,
            ),
            row(
                "outcomes",
                both(N_("deadlines breached or expired")),
                outcomes,
                self.outcomes,
            ),
            row("levels", both(N_("escalation levels")), levels, self.levels),
        ]

    @property
    def ratio(self) -> float:
        """Exercised items over declared items, all kinds together."""
        rows = self.rows()
        total = sum(r.total for r in rows)
        return sum(r.hit for r in rows) / total if total else 1.0
