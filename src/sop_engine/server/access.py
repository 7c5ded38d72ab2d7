"""Every authorisation decision of the desk, in one place.

Who may see which case, whose queue holds it, who may see violations and deadlines, and what the
public sees by tracking ID. Built on what the public API offers today: the SOP's agency, the
case's unit field, and :meth:`Engine.view` (which redacts ``anonim``/``rahasia`` cases by role).
When the engine's read API scopes by unit itself, this module is the only one to switch to it.

A case a principal may not see is *not found* for them (404), so an officer of another unit
learns nothing, not even that the tracking ID exists.
"""

from __future__ import annotations

from collections.abc import Iterator

from sop_engine import (
    Actor,
    AvailableEvent,
    Case,
    CaseNotFound,
    CaseView,
    CompiledSop,
    Engine,
    Violation,
)
from sop_engine.server.principals import Principal
from sop_engine.server.settings import DeskSettings

__all__ = ["Access", "Forbidden"]


class Forbidden(Exception):
    """The principal may not use this part of the desk at all (403)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class Access:
    """Scopes every read and write of the desk to a principal."""

    def __init__(self, engine: Engine, settings: DeskSettings) -> None:
        self.engine = engine
        self.settings = settings

    @staticmethod
    def actor(p: Principal) -> Actor:
        """The engine actor a principal acts as (the agency is checked here, not by the engine)."""
        return Actor(p.id, p.role, p.unit)

    def _sop(self, case: Case) -> CompiledSop:
        return self.engine.sop(case.sop_hash)

    def sees(self, p: Principal, case: Case) -> bool:
        """Whether ``p`` may open ``case``: same agency, a role of its SOP, and for unit-scoped
        roles the case dispositioned to the principal's own unit."""
        sop = self._sop(case)
        if sop.definition.meta.agency != p.agency:
            return False
        if p.role not in {r.name for r in sop.definition.roles}:
            return False
        if p.role == self.settings.reporter_role:
            return False
        if p.role in self.settings.unit_scoped_roles:
            return p.unit is not None and case.data.get(self.settings.unit_field) == p.unit
        return True

    def case(self, p: Principal, case_id: str) -> Case:
        """The case if ``p`` may see it; :class:`CaseNotFound` otherwise (same as missing)."""
        case = self.engine.get(case_id)
        if not self.sees(p, case):
            raise CaseNotFound(case_id)
        return case

    def view(self, p: Principal, case_id: str) -> CaseView:
        """The case and its trail as ``p`` may see them (redacted for their role)."""
        self.case(p, case_id)
        return self.engine.view(case_id, self.actor(p))

    def writable(self, p: Principal, case_id: str) -> Case:
        """The case ``p`` is about to change: whoever cannot see it cannot change it. The
        engine then checks the role, guards and code of ethics of the command itself."""
        return self.case(p, case_id)

    def available(self, p: Principal, case_id: str) -> list[AvailableEvent]:
        """The events ``p`` may fire now (guards evaluated), for a case ``p`` may see.

        The engine does not hold missing *required* data against an event; an event whose
        guards need *optional* data (LAPOR!'s ``disposisi`` needs ``unit_tujuan``) is offered
        too when stand-ins for its optional data let it through, so the form can ask for them.
        """
        case = self.case(p, case_id)
        actor = self.actor(p)
        offered = self.engine.available(case_id, actor)
        have = {a.event for a in offered}
        sop = self._sop(case)
        for spec in sop.definition.events:
            if spec.name in have or spec.name not in sop.events_from(case.state):
                continue
            if spec.roles and p.role not in spec.roles:
                continue
            stand_in = {
                f.name: "?" for f in spec.data if not f.required and str(f.type) in ("text", "ref")
            }
            if stand_in:
                offered += [
                    a
                    for a in self.engine.available(case_id, actor, stand_in)
                    if a.event == spec.name
                ]
        return offered

    def visible(self, p: Principal) -> Iterator[Case]:
        """Every case ``p`` may see (a scan of the store; the engine's query API replaces it)."""
        for case_id in self.engine.store.case_ids():
            try:
                case = self.engine.get(case_id)
            except CaseNotFound:
                continue
            if self.sees(p, case):
                yield case

    def queue(self, p: Principal) -> list[Case]:
        """Open cases ``p`` may see in which their role has an event to fire from the state."""
        out = []
        for case in self.visible(p):
            sop = self._sop(case)
            if case.state in sop.finals:
                continue
            events = sop.events_from(case.state)
            if any(p.role in e.roles for e in sop.definition.events if e.name in events):
                out.append(case)
        return out

    def oversees(self, p: Principal) -> bool:
        """Whether ``p`` sees violations, breaches and escalations."""
        return p.role in self.settings.oversight_roles

    def violations(
        self,
        p: Principal,
        *,
        case_id: str | None = None,
        rule: str | None = None,
        unit: str | None = None,
    ) -> list[Violation]:
        """Violations on cases ``p`` may see; only for oversight roles."""
        if not self.oversees(p):
            raise Forbidden("violations")
        seen: dict[str, bool] = {}
        out = []
        for v in self.engine.violations(
            case_id=case_id or None, rule=rule or None, unit=unit or None
        ):
            if v.case_id not in seen:
                try:
                    seen[v.case_id] = self.sees(p, self.engine.get(v.case_id))
                except CaseNotFound:
                    seen[v.case_id] = False
            if seen[v.case_id]:
                out.append(v)
        return out

    def overseen(self, p: Principal) -> list[Case]:
        """Cases with a breached or escalated deadline that ``p`` may see (oversight roles)."""
        if not self.oversees(p):
            raise Forbidden("breaches")
        return [c for c in self.visible(p) if any(d.level > 0 for d in c.deadlines)]

    def public(self, tracking_id: str) -> CaseView:
        """The reporter's view by tracking ID: the outward, always-redacted view."""
        return self.engine.view(tracking_id, None)
