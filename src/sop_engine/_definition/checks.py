"""Pass 3 of reading an SOP file: what its names and its state machine mean.

Names refer to declared things, the state machine has one initial state, every state is
reachable and can reach a final state, alternatives for the same event can be told apart, and
guard and action parameters fit the fields they name. Each problem is a finding at its position.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from typing import Any

from sop_engine._core.definition import CallRef, SopDefinition, StateSpec, TransitionSpec
from sop_engine._core.findings import Finding
from sop_engine._core.i18n import Msg, series
from sop_engine._definition.shape import Suggester, listing
from sop_engine._definition.source import PathKey, Source
from sop_engine._spec.specs import SpecTables, param_form

__all__ = ["Reporter", "check_meaning"]


class Reporter:
    """Collects findings at positions of one source."""

    def __init__(self, source: Source) -> None:
        self.src = source
        self.findings: list[Finding] = []
        self.suggest = Suggester()

    def add(self, code: str, path: PathKey, *, key: bool = False, **args: Any) -> None:
        line, col = self.src.position(path, key=key)
        self.findings.append(Finding(code, self.src.path, line, col, args))

    def add_args(self, code: str, path: PathKey, on_key: bool, args: Mapping[str, Any]) -> None:
        """Like :meth:`add`, for arguments that may themselves be called ``key``."""
        line, col = self.src.position(path, key=on_key)
        self.findings.append(Finding(code, self.src.path, line, col, dict(args)))

    def unknown(self, code: str, name: str, known: Sequence[str], path: PathKey) -> None:
        self.add(
            code,
            path,
            name=name,
            suggestion=self.suggest(name, known),
            known=listing(sorted(known)) or Msg("none"),
        )


def check_meaning(source: Source, tables: SpecTables, sop: SopDefinition) -> list[Finding]:
    """Every meaning problem of the core sections of ``sop`` (read from ``source``)."""
    checker = _Meaning(source, tables)
    checker.check(sop)
    return checker.findings


class _Meaning(Reporter):
    def __init__(self, source: Source, tables: SpecTables) -> None:
        super().__init__(source)
        self.tables = tables

    def check(self, sop: SopDefinition) -> None:
        states = {s.name: s for s in sop.states}
        events = {e.name: e for e in sop.events}
        roles = [r.name for r in sop.roles]
        field_names = [f.name for f in sop.fields]
        initials = [s for s in sop.states if s.initial]
        if not initials:
            self.add("SOP020", ("states",), key=True)
        elif len(initials) > 1:
            for s in initials[1:]:
                self.add(
                    "SOP021",
                    ("states", s.name, "initial"),
                    states=", ".join(x.name for x in initials),
                )
        for s in sop.states:
            flags = [f for f in ("initial", "waiting") if getattr(s, f)]
            if s.final and flags:
                self.add(
                    "SOP035",
                    ("states", s.name),
                    key=True,
                    state=s.name,
                    flags=series([repr(f) for f in ("final", *flags)]),
                )
        for e in sop.events:
            for k, r in enumerate(e.roles):
                if r not in roles:
                    p: PathKey = ("events", e.name, "roles")
                    self.unknown(
                        "SOP027",
                        r,
                        roles,
                        (*p, k)
                        if len(e.roles) > 1
                        or isinstance(self.src.data["events"][e.name]["roles"], list)
                        else p,
                    )
        raw_intake = self.src.data.get("intake", {}).get("roles")
        for k, r in enumerate(sop.intake_roles):
            if r not in roles:
                ip: PathKey = (
                    ("intake", "roles", k) if isinstance(raw_intake, list) else ("intake", "roles")
                )
                self.unknown("SOP027", r, roles, ip)
        used_events: set[str] = set()
        for t in sop.transitions:
            tp: PathKey = ("transitions", t.index - 1)
            if t.event not in events:
                self.unknown("SOP026", t.event, list(events), (*tp, "event"))
            used_events.add(t.event)
            raw_from = self.src.data["transitions"][t.index - 1]["from"]
            for k, src in enumerate(t.sources):
                if src not in states:
                    sp = (*tp, "from", k) if isinstance(raw_from, list) else (*tp, "from")
                    self.unknown("SOP025", src, list(states), sp)
                elif states[src].final:
                    sp = (*tp, "from", k) if isinstance(raw_from, list) else (*tp, "from")
                    self.add("SOP024", sp, state=src, index=t.index)
            if t.dest not in states:
                self.unknown("SOP025", t.dest, list(states), (*tp, "to"))
            if t.roles is not None:
                raw_roles = self.src.data["transitions"][t.index - 1]["roles"]
                for k, r in enumerate(t.roles):
                    if r not in roles:
                        rp = (*tp, "roles", k) if isinstance(raw_roles, list) else (*tp, "roles")
                        self.unknown("SOP027", r, roles, rp)
            effective = (
                t.roles
                if t.roles is not None
                else (events[t.event].roles if t.event in events else ("?",))
            )
            if not effective:
                self.add("SOP033", (*tp, "event"), event=t.event)
            for call in t.guards:
                self._check_call(call, self.tables.guards, sop, field_names)
            for call in t.actions:
                self._check_call(call, self.tables.actions, sop, field_names)
        for e in sop.events:
            if e.name not in used_events:
                self.add("SOP034", ("events", e.name), key=True, event=e.name)
        self._check_graph(sop, states)
        self._check_alternatives(sop)

    def _check_call(
        self, call: CallRef, table: Mapping[str, Any], sop: SopDefinition, field_names: list[str]
    ) -> None:
        spec = table.get(call.name)
        if spec is None:  # the schema already reported it
            return
        for param in spec.field_params:
            value = call.params.get(param)
            names = [value] if isinstance(value, str) else list(value or [])
            for k, n in enumerate(names):
                if n not in field_names:
                    p = (*call.path, param) if isinstance(value, str) else (*call.path, param, k)
                    self.unknown("SOP031", n, field_names, p)
        if spec.check is not None:
            for problem in spec.check(call.params, sop):
                self.add(
                    "SOP030",
                    call.path,
                    key=True,
                    name=call.name,
                    reason=problem,
                    params=param_form(spec.params),
                )

    def _check_graph(self, sop: SopDefinition, states: Mapping[str, StateSpec]) -> None:
        initials = [s.name for s in sop.states if s.initial]
        if len(initials) != 1:
            return
        edges: dict[str, set[str]] = defaultdict(set)
        back: dict[str, set[str]] = defaultdict(set)
        for t in sop.transitions:
            if t.dest not in states:
                continue
            for src in t.sources:
                if src in states:
                    edges[src].add(t.dest)
                    back[t.dest].add(src)
        reach = _bfs([initials[0]], edges)
        for st in sop.states:
            if st.name not in reach:
                self.add(
                    "SOP022", ("states", st.name), key=True, state=st.name, initial=initials[0]
                )
        finals = [st.name for st in sop.states if st.final]
        can_finish = _bfs(finals, back)
        for st in sop.states:
            if st.name in reach and st.name not in can_finish:
                self.add("SOP023", ("states", st.name), key=True, state=st.name)

    def _check_alternatives(self, sop: SopDefinition) -> None:
        events = {e.name: e for e in sop.events}
        groups: dict[tuple[str, str], list[TransitionSpec]] = defaultdict(list)
        for t in sop.transitions:
            for s in t.sources:
                groups[(s, t.event)].append(t)

        def roles_of(t: TransitionSpec) -> set[str]:
            if t.roles is not None:
                return set(t.roles)
            return set(events[t.event].roles) if t.event in events else set()

        for (state, event), ts in groups.items():
            for k, later in enumerate(ts):
                for earlier in ts[:k]:
                    if not roles_of(later) & roles_of(earlier):
                        continue  # different roles tell them apart
                    if not earlier.guards and roles_of(later) <= roles_of(earlier):
                        self.add(
                            "SOP038",
                            ("transitions", later.index - 1),
                            index=later.index,
                            event=event,
                            state=state,
                            earlier=earlier.index,
                        )
                        break
                    if earlier.guards and _same_calls(earlier.guards, later.guards):
                        self.add(
                            "SOP032",
                            ("transitions", later.index - 1),
                            event=event,
                            state=state,
                            indexes=series([earlier.index, later.index]),
                        )
                        break


def _same_calls(a: Sequence[CallRef], b: Sequence[CallRef]) -> bool:
    return [(c.name, dict(c.params)) for c in a] == [(c.name, dict(c.params)) for c in b]


def _bfs(start: Sequence[str], edges: Mapping[str, set[str]]) -> set[str]:
    seen = set(start)
    queue = deque(start)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
