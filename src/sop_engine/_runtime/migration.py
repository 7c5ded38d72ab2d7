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
from sop_engine._core.calendar import UNIT_WORDS
from sop_engine._core.i18n import Msg
from sop_engine._core.records import Case

__all__ = ["plan_migration"]


def plan_migration(
    case: Case, old: CompiledSop, new: CompiledSop, mapping: Mapping[str, str], reason: str
) -> tuple[str, list[Msg]]:
    """The state the case moves to, and every reason it cannot move (empty when it can)."""
    if new.hash == old.hash:
        return case.state, [Msg("the case already runs on this version")]
    if new.id != old.id:
        return case.state, [Msg("SOP {new!r} is not a version of {old!r}", new=new.id, old=old.id)]
    if not reason.strip():
        return case.state, [Msg("a reason is required")]
    old_states = {s.name for s in old.definition.states}
    new_states = {s.name for s in new.definition.states}
    problems = [
        Msg("state map: {state!r} is not a state of the running version", state=a)
        for a in mapping
        if a not in old_states
    ]
    problems += [
        Msg("state map: {state!r} is not a state of the new version", state=b)
        for b in mapping.values()
        if b not in new_states
    ]
    target = mapping.get(case.state, case.state)
    if target not in new_states:
        example = f"`state_map={{{case.state!r}: <new state>}}`"
        problems.append(
            Msg(
                "state {state!r} does not exist in the new version; map it, e.g. {example}",
                state=case.state,
                example=example,
            )
        )
    _, data_problems = new.check_case_data(case.data)
    problems += [Msg("case data: {problem}", problem=p) for p in data_problems]
    new_clocks = {c.name: c for c in (new.deadlines.clocks if new.deadlines else ())}
    for d in case.deadlines:
        if d.status not in ("running", "paused"):
            continue
        counterpart = new_clocks.get(d.name)
        if counterpart is None:
            problems.append(
                Msg(
                    "deadline {deadline!r} is running but the new version has no such clock",
                    deadline=d.name,
                )
            )
        elif any(rule.unit != d.unit for rule in counterpart.rules):
            problems.append(
                Msg(
                    "deadline {deadline!r} is counted in {unit} but not in the new version",
                    deadline=d.name,
                    unit=Msg(UNIT_WORDS.get(d.unit, d.unit)),
                )
            )
    return target, problems
