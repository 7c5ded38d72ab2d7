"""The SOP as a flowchart: Mermaid text (needs nothing installed) and Graphviz DOT, rendered to
SVG or PNG by pygraphviz (the optional ``diagrams`` extra; its wheels bundle Graphviz).

What policy staff read on the paper SOP is on the drawing: every state with its label, the
initial, final and waiting states marked; every transition with its event label, the roles that
may fire it and the guards it checks; each service-standard clock over the states it runs in
(its duration, reminders, escalation levels and their recipients, extension allowance); timed
transitions (``on_expiry`` and escalation events) dashed. Given a case, its path and current
state are highlighted and each of its clocks is coloured by :func:`~._reports.clocks.outcome`.

The text is generated here rather than by ``transitions``' GraphMachine: its Mermaid and DOT
output names states and triggers only (no labels, roles, clocks or per-case colouring), which is
exactly what an officer cannot read. The same :class:`~sop_engine.CompiledSop` also builds a
``transitions.Machine`` (``sop.machine()``); the tests check both describe the same edges.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.errors import SopError
from sop_engine._core.records import AuditEvent, Case
from sop_engine._core.text import Lang
from sop_engine._features.deadlines import ClockSpec, Offset
from sop_engine._reports.clocks import clock_span, outcome
from sop_engine._reports.texts import t

__all__ = ["CaseMarks", "DiagramUnavailable", "case_marks", "dot", "mermaid", "render"]

Format = Literal["svg", "png"]

# colours of a clock's outcome on a case's diagram (and of the report's charts)
COLOURS = {
    "met": "#2e7d32",
    "late": "#ef6c00",
    "running": "#f9a825",
    "paused": "#90a4ae",
    "breached": "#c62828",
    "closed": "#6d4c41",
    "expired": "#5e35b1",
    "withdrawn": "#bdbdbd",
    None: "#1565c0",  # a clock of the SOP, not of a case
}


class DiagramUnavailable(SopError, RuntimeError):
    """SVG/PNG needs pygraphviz, which is not installed."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            "gambar SVG/PNG memerlukan pygraphviz / SVG and PNG need pygraphviz "
            f"({problem}); pasang / install: pip install 'sop-engine[diagrams]', "
            "atau pakai / or use --format mermaid|dot"
        )


@attrs.frozen(slots=True)
class CaseMarks:
    """What a case adds to its SOP's diagram."""

    current: str
    visited: frozenset[str]
    edges: frozenset[tuple[str, str, str]]
    """``(from, event, to)`` of every transition the case took."""
    clocks: dict[str, str]
    """Clock name to its outcome (met, late, running, breached, ...)."""


def case_marks(
    sop: CompiledSop, case: Case, history: Sequence[AuditEvent], now: datetime
) -> CaseMarks:
    """The path, current state and clock outcomes of ``case`` for :func:`mermaid`/:func:`dot`."""
    visited = {e.target for e in history}
    edges = {
        (e.source, str(e.event), e.target)
        for e in history
        if e.source is not None and not str(e.event).startswith("@")
    }
    # a timed transition is recorded as the SOP event the sweeper fired, like any other
    return CaseMarks(
        case.state,
        frozenset(visited),
        frozenset(edges),
        {d.name: outcome(sop, d, history, now).status for d in case.deadlines},
    )


def _amount(off: Offset | tuple[float, str], lang: Lang) -> str:
    amount, unit = (off.amount, off.unit) if isinstance(off, Offset) else off
    n = int(amount) if float(amount).is_integer() else amount
    return f"{n} {t(unit, lang)}"


def clock_lines(sop: CompiledSop, clock: ClockSpec, lang: Lang) -> list[str]:
    """The clock as text lines: label, duration rules, span, reminders, escalation, extension."""
    lines = [clock.label.get(lang)]
    for rule in clock.rules:
        cond = ", ".join(f"{k}={v}" for k, v in rule.when.items())
        when = f" {t('if', lang)} {cond}" if cond else ""
        lines.append(f"{t('duration', lang)}: {_amount((rule.amount, rule.unit), lang)}{when}")
    running, paused = clock_span(sop, clock)
    lines.append(f"{t('runs_in', lang)}: {', '.join(sorted(running)) or '-'}")
    if paused:
        lines.append(f"{t('paused_in', lang)}: {', '.join(sorted(paused))}")
    for off, who in clock.reminders:
        lines.append(
            f"{t('reminder', lang)}: {_amount(off, lang)} {t('before', lang)} → {', '.join(who)}"
        )
    for i, level in enumerate(clock.levels, start=1):
        then = f" ⇒ {level.event}" if level.event else ""
        lines.append(
            f"{t('escalation', lang)} {i}: {t('after', lang)} {_amount(level.after, lang)}"
            f" → {', '.join(level.notify)}{then}"
        )
    if clock.expiry_event:
        lines.append(f"◷ {t('timed', lang)}: {clock.expiry_event}")
    if clock.extension_roles:
        cap = (
            f", {t('max', lang)} {_amount(clock.extension_max, lang)}"
            if clock.extension_max
            else ""
        )
        lines.append(
            f"{t('extension', lang)}: {', '.join(sorted(clock.extension_roles))} "
            f"({clock.extension_times} {t('times', lang)}{cap})"
        )
    return lines


def _timed_events(sop: CompiledSop) -> dict[str, str]:
    """SOP events the engine fires by itself (expiry or escalation), with their clock."""
    out: dict[str, str] = {}
    plan = sop.deadlines
    for clock in plan.clocks if plan else ():
        if clock.expiry_event:
            out[clock.expiry_event] = clock.name
        for level in clock.levels:
            if level.event:
                out[level.event] = clock.name
    return out


def _edges(sop: CompiledSop, lang: Lang) -> list[tuple[str, str, str, str]]:
    """``(from, event, to, label)`` for every transition, in file order."""
    d = sop.definition
    out = []
    for tr in d.transitions:
        ev = d.event(tr.event)
        roles = tr.roles if tr.roles is not None else ev.roles
        label = ev.label.get(lang)
        if roles:
            label += f" [{', '.join(roles)}]"
        if tr.guards:
            label += f" {t('if', lang)} {', '.join(g.name for g in tr.guards)}"
        for s in tr.sources:
            out.append((s, tr.event, tr.dest, label))
    return out


_ID = re.compile(r"[^A-Za-z0-9_]")


def _mid(name: str) -> str:
    return "s_" + _ID.sub("_", name)


def _mtext(text: str) -> str:
    """Text safe inside a Mermaid label (quotes, colons and brackets carry meaning there)."""
    return text.replace('"', "'").replace(":", "꞉").replace(";", ",").replace("#", "№")


def mermaid(sop: CompiledSop, lang: Lang = "id", marks: CaseMarks | None = None) -> str:
    """The SOP as a Mermaid ``stateDiagram-v2`` (renders in GitHub, GitLab and most wikis)."""
    d = sop.definition
    timed = _timed_events(sop)
    lines = [
        "---",
        f"title: {_mtext(d.meta.title.get(lang))} ({d.meta.id} {d.meta.version})",
        "---",
        "stateDiagram-v2",
        "    direction TB",
        "    classDef initial fill:#e3f2fd,stroke:#1565c0",
        "    classDef final fill:#eeeeee,stroke:#424242,stroke-width:3px",
        "    classDef waiting fill:#fff8e1,stroke:#f9a825,stroke-dasharray:5 5",
        "    classDef visited fill:#bbdefb,stroke:#0d47a1",
        "    classDef current fill:#0d47a1,color:#ffffff,stroke:#0d47a1,stroke-width:4px",
    ]
    for s in d.states:
        marks_ = [t(k, lang) for k in ("initial", "final", "waiting") if getattr(s, k)]
        extra = f" ({', '.join(marks_)})" if marks_ else ""
        lines.append(f'    state "{_mtext(s.label.get(lang))}{extra}" as {_mid(s.name)}')
    lines.append(f"    [*] --> {_mid(d.initial)}")
    for src, event, dst, label in _edges(sop, lang):
        prefix = "⏱ " if event in timed else ""
        taken = marks is not None and (src, event, dst) in marks.edges
        tick = " ✔" if taken else ""
        lines.append(f"    {_mid(src)} --> {_mid(dst)}: {prefix}{_mtext(label)}{tick}")
    for s in d.states:
        if s.final:
            lines.append(f"    {_mid(s.name)} --> [*]")
    plan = sop.deadlines
    for clock in plan.clocks if plan else ():
        running, _ = clock_span(sop, clock)
        where = sorted(running) or sorted(clock.start_enter)
        if not where:
            continue
        status = marks.clocks.get(clock.name) if marks is not None else None
        head = f"⏱ {clock.name}" + (f" — {t('status.' + status, lang)}" if status else "")
        body = "<br/>".join(_mtext(x) for x in [head, *clock_lines(sop, clock, lang)])
        lines.append(f"    note right of {_mid(where[0])}")
        lines.append(f"        {body}")
        lines.append("    end note")
    for s in d.states:
        cls = [k for k in ("initial", "final", "waiting") if getattr(s, k)]
        if marks is not None:
            if s.name == marks.current:
                cls = ["current"]
            elif s.name in marks.visited:
                cls = ["visited"]
        if cls:
            lines.append(f"    class {_mid(s.name)} {cls[0]}")
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(sop: CompiledSop, lang: Lang = "id", marks: CaseMarks | None = None) -> str:
    """The SOP as a Graphviz DOT digraph: states (each naming the clocks running in it: a state
    can be in several clocks' spans, which nested clusters cannot draw), transitions, and a
    legend note per clock (coloured by the case's outcome when ``marks`` is given)."""
    d = sop.definition
    timed = _timed_events(sop)
    out = [
        f"digraph {_q(d.meta.id)} {{",
        f"  label={_q(f'{d.meta.title.get(lang)} ({d.meta.id} {d.meta.version})')};",
        '  labelloc="t"; rankdir="TB"; fontname="Helvetica";',
        '  node [fontname="Helvetica" fontsize=11 shape=box style="rounded,filled" '
        'fillcolor="#ffffff"];',
        '  edge [fontname="Helvetica" fontsize=9];',
        '  "__start" [shape=point width=0.2 fillcolor="#000000" label=""];',
    ]
    plan = sop.deadlines
    clock_states: dict[str, list[str]] = {}
    for clock in plan.clocks if plan else ():
        running, paused = clock_span(sop, clock)
        for name in running:
            clock_states.setdefault(name, []).append(f"◷ {clock.name}")
        for name in paused:
            clock_states.setdefault(name, []).append(f"‖ {clock.name}")
    for s in d.states:
        attrs_ = {"fillcolor": "#ffffff", "color": "#424242", "penwidth": "1"}
        marks_ = [t(k, lang) for k in ("initial", "final", "waiting") if getattr(s, k)]
        if s.initial:
            attrs_["fillcolor"] = "#e3f2fd"
        if s.final:
            attrs_["peripheries"] = "2"
            attrs_["fillcolor"] = "#eeeeee"
        if s.waiting:
            attrs_["style"] = "rounded,filled,dashed"
            attrs_["fillcolor"] = "#fff8e1"
        if marks is not None and s.name in marks.visited:
            attrs_["fillcolor"] = "#bbdefb"
        if marks is not None and s.name == marks.current:
            attrs_.update(fillcolor="#0d47a1", fontcolor="#ffffff", penwidth="3")
        label = s.label.get(lang) + f"\n({s.name})"
        if marks_:
            label += "\n" + ", ".join(marks_)
        if s.name in clock_states:
            label += "\n" + " ".join(sorted(clock_states[s.name]))
        attr_text = " ".join(f"{k}={_q(v)}" for k, v in attrs_.items())
        out.append(f"  {_q(s.name)} [label={_q(label)} {attr_text}];")
    out.append(f'  "__start" -> {_q(d.initial)};')
    for src, event, dst, label in _edges(sop, lang):
        style = ' style="dashed" color="#5e35b1"' if event in timed else ""
        prefix = "◷ " if event in timed else ""
        if marks is not None and (src, event, dst) in marks.edges:
            style += ' penwidth="3" color="#0d47a1" fontcolor="#0d47a1"'
        out.append(f"  {_q(src)} -> {_q(dst)} [label={_q(prefix + label)}{style}];")
    if plan is not None and plan.clocks:
        # the clocks' legend, under the flow; each state above names the clocks running in it
        out.append(f"  subgraph cluster_clocks {{ label={_q(t('deadlines_legend', lang))};")
        out.append('    style="dashed"; color="#9e9e9e"; fontsize=10;')
        for clock in plan.clocks:
            status = marks.clocks.get(clock.name) if marks is not None else None
            head = f"◷ {clock.name}" + (f": {t('status.' + status, lang)}" if status else "")
            text = "\\l".join(
                x.replace("\\", "\\\\").replace('"', '\\"')
                for x in [head, *clock_lines(sop, clock, lang)]
            )
            colour = COLOURS[status]
            out.append(
                f'    {_q("clock:" + clock.name)} [shape=note style="filled" fillcolor="#fafafa" '
                f'color="{colour}" penwidth="{3 if status else 1}" fontsize=9 label="{text}\\l"];'
            )
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def render(dot_text: str, fmt: Format) -> bytes:
    """``dot_text`` laid out by Graphviz (pygraphviz) as SVG or PNG bytes."""
    try:
        import pygraphviz
    except ImportError as e:
        raise DiagramUnavailable(str(e)) from e
    graph = pygraphviz.AGraph(string=dot_text)
    data = graph.draw(format=fmt, prog="dot")
    assert isinstance(data, bytes)
    return data
