"""Administrative changes to cases: extend a deadline, adopt a calendar, migrate, erase.

None of these is a transition of the SOP, and each is audited like one: decided first (refusals
are typed and write nothing), then written by the committer as one new case version with its
audit event, timers and command record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.calendar import UNIT_WORDS, WorkingCalendar
from sop_engine._core.clock import Clock
from sop_engine._core.errors import (
    CommandRefused,
    ExtensionRefused,
    InvalidEventData,
    MigrationRefused,
    RoleNotPermitted,
    VersionConflict,
)
from sop_engine._core.i18n import Msg
from sop_engine._core.protocol import SystemEvent
from sop_engine._core.records import ERASED, SEALED_ACTOR, Actor, Case, Deadline, Timer
from sop_engine._core.redaction import Redactor
from sop_engine._features.deadlines import timers_for
from sop_engine._persistence.store import CommandRecord, Store
from sop_engine._runtime import pipeline
from sop_engine._runtime.catalog import Catalog
from sop_engine._runtime.committer import Committer
from sop_engine._runtime.decision import Decision, Write, audit

__all__ = ["Admin"]


class Admin:
    """Extensions, calendar changes, migrations and erasure, over one store and catalogue."""

    def __init__(self, catalog: Catalog, committer: Committer, clock: Clock) -> None:
        self.catalog = catalog
        self.committer = committer
        self.store = committer.store
        self.clock = clock

    def extend(
        self,
        case_id: str,
        deadline: str,
        actor: Actor,
        amount: float,
        reason: str,
        *,
        command_id: str | None = None,
    ) -> Case:
        """Extend a running deadline, within the allowance the SOP declares, with a reason."""
        args = {"deadline": deadline, "amount": amount, "reason": reason}
        prior = self.committer.recall(command_id, case_id, SystemEvent.EXTEND, actor, args)
        if prior is not None:
            return prior
        try:
            return self._extend(case_id, deadline, actor, amount, reason, command_id, args)
        except (CommandRefused, VersionConflict) as e:  # a concurrent call with this id won?
            return self.committer.settle(e, command_id, case_id, SystemEvent.EXTEND, actor, args)

    def _extend(
        self,
        case_id: str,
        deadline: str,
        actor: Actor,
        amount: float,
        reason: str,
        command_id: str | None,
        args: Mapping[str, Any],
    ) -> Case:
        case = self.store.get(case_id)
        sop = self.catalog.pinned(case.sop_hash)
        plan = sop.deadlines
        d = next((x for x in case.deadlines if x.name == deadline), None)

        def refuse(why: Msg) -> ExtensionRefused:
            return ExtensionRefused(
                case_id=case_id, state=case.state, deadline=deadline, reason=why
            )

        if plan is None or d is None or d.status != "running" or d.due_at is None:
            raise refuse(Msg("the deadline is not running"))
        clock = plan.clock(deadline)
        cap = clock.extension_max
        if cap is None:
            raise refuse(Msg("the SOP allows no extension of this deadline"))
        if actor.role not in clock.extension_roles:
            raise RoleNotPermitted(
                case_id=case_id,
                state=case.state,
                event=SystemEvent.EXTEND,
                role=actor.role,
                allowed=sorted(clock.extension_roles),
            )
        if not reason.strip():
            raise refuse(Msg("a reason is required"))
        if amount <= 0:
            raise refuse(Msg("the extension must be positive, got {amount}", amount=amount))
        if d.extensions >= clock.extension_times:
            raise refuse(
                Msg(
                    "already extended {n} time(s), the SOP allows {allowed}",
                    n=d.extensions,
                    allowed=clock.extension_times,
                )
            )
        if d.extended_by + amount > cap.amount:
            unit = Msg(UNIT_WORDS.get(cap.unit, cap.unit))
            total, most = f"{d.extended_by + amount:g}", f"{cap.amount:g}"
            raise refuse(
                Msg(
                    "{total} {unit} in total would exceed the cap of {cap} {unit}",
                    total=total,
                    cap=most,
                    unit=unit,
                )
            )
        calendar = self.catalog.calendar(sop)
        due = clock.due(calendar, d.anchor, d.amount + amount, d.unit)
        new_d = attrs.evolve(
            d,
            arming=d.arming + 1,
            amount=d.amount + amount,
            due_at=due,
            calendar_version=calendar.version,
            extensions=d.extensions + 1,
            extended_by=d.extended_by + amount,
            fired=(),
            level=0,
        )
        new = _with_deadlines(case, [new_d])
        event = audit(
            case,
            new,
            at=self.clock.now(),
            actor=actor,
            event=SystemEvent.EXTEND,
            payload={
                "deadline": deadline,
                "amount": amount,
                "unit": cap.unit,
                "reason": reason,
                "due_before": d.due_at.isoformat(),
                "due_after": due.isoformat(),
            },
            command_id=command_id,
            # the official's reason is free text about the case (it may quote the reporter):
            # sealed under the case's key like the case's own text, erased with it
            personal=("reason",),
        )
        record = None
        if command_id is not None:
            record = CommandRecord(command_id, case_id, SystemEvent.EXTEND, actor, args, new)
        timers = timers_for(clock, new_d, calendar, case_id=case_id)
        return self.committer.commit(Decision(case=new, event=event, timers=timers, command=record))

    def change_calendar(
        self, sop_id: str, calendar: WorkingCalendar, actor: Actor, reason: str
    ) -> list[Case]:
        """Adopt a new calendar version for an SOP and recompute its open deadlines, audited.

        The adoption is stored first (other processes and restarts count with it). Every
        running deadline computed with another calendar version is re-armed from its anchor
        under the new calendar and gets a ``@recalendar`` audit event with the old and the new
        due instant: deadlines are never shifted silently. Returns the changed cases.
        """
        versions = self.catalog.adopt_calendar(sop_id, calendar)
        plans = {s.hash: s.deadlines for s in versions}
        changed = []
        now = self.clock.now()
        for case_id in self.store.case_ids():
            case = self.store.get(case_id)
            plan = plans.get(case.sop_hash)
            if plan is None:
                continue
            updates = []
            timers: list[Timer] = []
            deadlines = []
            for d in case.deadlines:
                if d.status == "running" and d.calendar_version != calendar.version:
                    due = plan.clock(d.name).due(calendar, d.anchor, d.amount, d.unit)
                    updates.append(
                        {
                            "deadline": d.name,
                            "due_before": d.due_at.isoformat() if d.due_at else None,
                            "due_after": due.isoformat(),
                        }
                    )
                    d = _rearmed(d, due, calendar)
                    timers += timers_for(plan.clock(d.name), d, calendar, case_id=case_id)
                deadlines.append(d)
            if not updates:
                continue
            new = attrs.evolve(case, version=case.version + 1, deadlines=tuple(deadlines))
            payload = {
                "calendar": calendar.id,
                "calendar_version": calendar.version,
                "reason": reason,
                "changes": updates,
            }
            event = audit(
                case, new, at=now, actor=actor, event=SystemEvent.RECALENDAR, payload=payload
            )
            changed.append(self.committer.commit(Decision(case=new, event=event, timers=timers)))
        return changed

    def migrate(
        self,
        case_id: str,
        to: str,
        actor: Actor,
        *,
        state_map: Mapping[str, str] | None = None,
        reason: str,
    ) -> Case:
        """Move a running case to another version of its SOP (see :mod:`.migration`)."""
        from sop_engine._runtime.migration import plan_migration

        case = self.store.get(case_id)
        old = self.catalog.pinned(case.sop_hash)
        new = self.catalog.get(to)
        mapping = dict(state_map or {})
        target, problems = plan_migration(case, old, new, mapping, reason)
        if problems:
            raise MigrationRefused(case_id=case_id, state=case.state, problems=problems)
        now = self.clock.now()
        calendar = self.catalog.calendar(new) if new.deadlines else None
        new_clocks = {c.name: c for c in (new.deadlines.clocks if new.deadlines else ())}
        deadlines: list[Deadline] = []
        timers: list[Timer] = []
        for d in case.deadlines:
            if d.name not in new_clocks:
                continue  # met or closed clocks the new version dropped: their history is kept
            if d.status == "running" and calendar is not None:
                due = new_clocks[d.name].due(calendar, d.anchor, d.amount, d.unit)
                d = attrs.evolve(
                    d, arming=d.arming + 1, due_at=due, calendar_version=calendar.version
                )
                timers += timers_for(new_clocks[d.name], d, calendar, case_id=case_id)
            deadlines.append(d)
        if new.deadlines is not None and calendar is not None:
            fresh = [c for c in new.deadlines.clocks if c.name not in {d.name for d in deadlines}]
            if fresh:
                started, more = pipeline.deadlines_after(
                    attrs.evolve(new, deadlines=attrs.evolve(new.deadlines, clocks=tuple(fresh))),
                    calendar,
                    case_id=case_id,
                    deadlines=(),
                    old_state=None,
                    new_state=target,
                    event=None,
                    data=case.data,
                    now=now,
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
            tuple(sorted({*case.sealed, *new.sealed})),
        )
        payload = {
            "from_hash": old.hash,
            "to_hash": new.hash,
            "from_version": old.definition.meta.version,
            "to_version": new.definition.meta.version,
            "state_map": mapping,
            "reason": reason,
        }
        event = audit(case, moved, at=now, actor=actor, event=SystemEvent.MIGRATE, payload=payload)
        return self.committer.commit(Decision(case=moved, event=event, timers=timers))

    def erase_personal_data(self, case_id: str, actor: Actor, reason: str) -> Case:
        """Erase the reporter's personal data from the case, its trail and its command records.

        Only a role the SOP names may erase (``confidentiality.erase``; without it, any role
        the SOP declares), and only with a reason: both are in the ``@erase`` event. Free text
        of the case and its trail, personal fields and the reporter's own actor ids are sealed
        under the case's key; the store destroys the key (crypto-shredding), so all of them read
        ``ERASED`` from now on, in every copy, while the hash chain still verifies.
        """
        case = self.store.get(case_id)
        sop = self.catalog.pinned(case.sop_hash)
        plan = sop.ethics
        conf = plan.confidentiality if plan is not None else None
        declared = {r.name for r in sop.definition.roles}
        allowed = (conf.erase if conf is not None and conf.erase else declared) & declared
        if actor.role not in allowed:
            raise RoleNotPermitted(
                case_id=case_id,
                state=case.state,
                event=SystemEvent.ERASE,
                role=actor.role,
                allowed=sorted(allowed),
            )
        if not reason.strip():
            raise InvalidEventData(
                case_id=case_id,
                state="",
                event=SystemEvent.ERASE,
                problems=[Msg("a reason is required")],
            )
        if _names_someone(reason, case, sop, self.store):
            # the @erase reason outlives the key it destroys (it is why the data is gone), so
            # it is kept in clear: it must not itself hold what is being erased
            raise InvalidEventData(
                case_id=case_id,
                state=case.state,
                event=SystemEvent.ERASE,
                problems=[
                    "the reason must not name the reporter or hold a NIK, phone number, e-mail "
                    "address or vehicle plate: it stays readable after the erasure (write e.g. "
                    "'permintaan pelapor, surat 12/2026')"
                ],
            )
        # personal and free-text fields: their values are sealed under the case's key, which
        # the store destroys, so the snapshot must not keep them readable either
        sealed = {*sop.personal, *sop.sealed, *case.sealed}
        fields = sorted(k for k in case.data if k in sealed)
        data = {k: (ERASED if k in fields else v) for k, v in case.data.items()}
        new = attrs.evolve(case, data=data, version=case.version + 1)
        event = audit(
            case,
            new,
            at=self.clock.now(),
            actor=actor,
            event=SystemEvent.ERASE,
            payload={"fields": fields, "reason": reason},
        )
        return self.committer.commit(Decision(case=new, event=event, write=Write.ERASE))


def _names_someone(reason: str, case: Case, sop: CompiledSop, store: Store) -> bool:
    """Whether ``reason`` holds the reporter's identity (any form) or an Indonesian identifier."""
    conf = sop.ethics.confidentiality if sop.ethics is not None else None
    fields = {*sop.personal, *(conf.identity if conf is not None else ())}
    values = {str(v) for k, v in case.data.items() if k in fields and v not in (None, "", ERASED)}
    values |= {e.actor.id for e in store.history(case.id) if SEALED_ACTOR in e.personal} - {ERASED}
    return Redactor(values).text(reason) != reason


def _with_deadlines(case: Case, changed: list[Deadline]) -> Case:
    by_name = {d.name: d for d in changed}
    return attrs.evolve(
        case,
        version=case.version + 1,
        deadlines=tuple(by_name.get(x.name, x) for x in case.deadlines),
    )


def _rearmed(d: Deadline, due: datetime, calendar: WorkingCalendar) -> Deadline:
    return attrs.evolve(
        d, arming=d.arming + 1, due_at=due, fired=(), level=0, calendar_version=calendar.version
    )
