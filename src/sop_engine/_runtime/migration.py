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
from typing import TYPE_CHECKING

import attrs

from sop_engine._core.errors import MigrationRefused
from sop_engine._core.records import Actor, AuditEvent, Case, Deadline, Timer
from sop_engine._features.deadlines import advance, timers_for

if TYPE_CHECKING:
    from sop_engine._engine import Engine

__all__ = ["migrate"]


def migrate(
    engine: Engine,
    case_id: str,
    to: str,
    actor: Actor,
    *,
    state_map: Mapping[str, str] | None = None,
    reason: str,
) -> Case:
    """Move ``case_id`` to SOP version ``to`` (an SOP id for its current version, or a hash)."""
    case = engine.get(case_id)
    old = engine.sop(case.sop_hash)
    new = engine.sop(to)
    mapping = dict(state_map or {})

    def refuse(*problems: str) -> MigrationRefused:
        return MigrationRefused(case_id=case_id, state=case.state, problems=problems)

    if new.hash == old.hash:
        raise refuse("the case already runs on this version")
    if new.id != old.id:
        raise refuse(f"SOP {new.id!r} is not a version of {old.id!r}")
    if not reason.strip():
        raise refuse("a reason is required")
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
    if problems:
        raise refuse(*problems)
    now = engine.clock.now()
    deadlines: list[Deadline] = []
    timers: list[Timer] = []
    calendar = engine.calendar(new) if new.deadlines else None
    for d in case.deadlines:
        if d.name not in new_clocks:
            continue  # met or closed clocks the new version dropped: their history is in the trail
        if d.status == "running" and calendar is not None:
            d = attrs.evolve(
                d,
                arming=d.arming + 1,
                due_at=calendar.due(d.anchor, d.amount, d.unit),  # type: ignore[arg-type]
                calendar_version=calendar.version,
            )
            timers += timers_for(new_clocks[d.name], d, calendar, case_id=case_id)
        deadlines.append(d)
    if new.deadlines is not None and calendar is not None:
        fresh = [c for c in new.deadlines.clocks if c.name not in {d.name for d in deadlines}]
        if fresh:
            started, more = advance(
                attrs.evolve(new.deadlines, clocks=tuple(fresh)),
                deadlines=(),
                old_state=None,
                new_state=target,
                event=None,
                data=case.data,
                now=now,
                calendar=calendar,
                final=target in new.finals,
                case_id=case_id,
            )
            deadlines += started
            timers += more
    moved = Case(
        case.id,
        new.id,
        new.hash,
        target,
        case.data,
        case.version + 1,
        tuple(deadlines),
        case.declarations,
    )
    payload = {
        "from_hash": old.hash,
        "to_hash": new.hash,
        "from_version": old.definition.meta.version,
        "to_version": new.definition.meta.version,
        "state_map": mapping,
        "reason": reason,
    }
    event = AuditEvent(case_id, moved.version, now, actor, "@migrate", case.state, target, payload)
    engine.store.commit(moved, event, None, timers)
    engine.committed(moved, event)
    return moved
