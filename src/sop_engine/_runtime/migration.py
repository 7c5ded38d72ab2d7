"""Moving a running case to a new version of its SOP: explicit, validated, audited.

A case stays pinned to the SOP text it started under; a new version applies to new cases only.
Moving a running case is an administrator's decision, made with a state map (old state → new
state, for states that were renamed or merged). It is refused, changing nothing, when:

- the case's state (after the map) does not exist in the new version, or the map names states
  either version does not have;
- the case data does not fit the new version's fields;
- a clock that is running or paused on the case has no clock of the same name and unit in the
  new version (its deadline would be silently dropped or counted differently).

Otherwise the case gets a ``@migrate`` audit event, its running clocks are re-armed under the new
version (a new arming, already fired reminders and escalations stay fired) and clocks that only
the new version has start if the case's state is one of their start states.
"""

from __future__ import annotations

from collections.abc import Mapping

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.records import Case

__all__ = ["plan_migration"]


def plan_migration(
    case: Case, old: CompiledSop, new: CompiledSop, mapping: Mapping[str, str], reason: str
) -> tuple[str, list[str]]:
    """The state the case moves to, and every reason it cannot move (empty when it can)."""
    if new.hash == old.hash:
        return case.state, ["the case already runs on this version"]
    if new.id != old.id:
        return case.state, [f"SOP {new.id!r} is not a version of {old.id!r}"]
    if not reason.strip():
        return case.state, ["a reason is required"]
    old_states = {s.name for s in old.definition.states}
    new_states = {s.name for s in new.definition.states}
    problems = [
        f"state map: {a!r} is not a state of the running version"
        for a in mapping
        if a not in old_states
    ]
    problems += [
        f"state map: {b!r} is not a state of the new version"
        for b in mapping.values()
        if b not in new_states
    ]
    target = mapping.get(case.state, case.state)
    if target not in new_states:
        problems.append(
            f"state {case.state!r} does not exist in the new version; map it, e.g. "
            f"state_map={{{case.state!r}: <new state>}}"
        )
    _, data_problems = new.check_case_data(case.data)
    problems += [f"case data: {p}" for p in data_problems]
    new_clocks = {c.name: c for c in (new.deadlines.clocks if new.deadlines else ())}
    for d in case.deadlines:
        if d.status not in ("running", "paused"):
            continue
        counterpart = new_clocks.get(d.name)
        if counterpart is None:
            problems.append(f"deadline {d.name!r} is running but the new version has no such clock")
        elif any(rule.unit != d.unit for rule in counterpart.rules):
            problems.append(
                f"deadline {d.name!r} is counted in {d.unit} but not in the new version"
            )
    return target, problems
