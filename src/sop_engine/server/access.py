"""Every authorisation decision of the desk, in one place.

Who may see which case, whose queue holds it, who may see violations and deadlines, and what the
public sees by tracking ID. The desk decides what the engine cannot know (the principal's agency,
the SOP's roles, the oversight roles); the **engine's read API** decides the rest: every case a
principal opens or lists goes through :meth:`Engine.view`, which refuses an officer of another
unit (:class:`~sop_engine.CaseNotVisible`) and redacts ``anonim``/``rahasia`` cases by role, and
lists come from :meth:`Engine.cases` (the store's index: agency, unit, state), never from a scan
of snapshots. So what a principal sees in a queue, a case, a report row or Open311 is the same
redacted view.

A case a principal may not see is *not found* for them (404), so an officer of another unit
learns nothing, not even that the tracking ID exists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import attrs

from sop_engine import (
    Actor,
    AvailableEvent,
    Case,
    CaseNotFound,
    CaseNotVisible,
    CaseQuery,
    CaseView,
    CompiledSop,
    Engine,
    Violation,
)
from sop_engine.server.principals import Principal
from sop_engine.server.settings import DeskSettings

__all__ = ["Access", "Forbidden", "UnknownChannel"]


class Forbidden(Exception):
    """The principal may not use this part of the desk at all (403)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class UnknownChannel(LookupError):
    """The desk offers no intake channel of this name (404)."""

    def __init__(self, channel: str, known: Sequence[str]) -> None:
        super().__init__(f"no intake channel {channel!r}; the desk offers: {list(known)}")


class Access:
    """Scopes every read and write of the desk to a principal."""

    def __init__(self, engine: Engine, settings: DeskSettings, sop_ids: Sequence[str]) -> None:
        self.engine = engine
        self.settings = settings
        self.sop_ids = tuple(sop_ids)
        """The SOPs the desk serves (their current versions name the agency and the roles)."""

    @staticmethod
    def actor(p: Principal) -> Actor:
        """The engine actor a principal acts as (the agency is checked here, not by the engine)."""
        return Actor(p.id, p.role, p.unit)

    def _sop(self, case: Case) -> CompiledSop:
        return self.engine.sop(case.sop_hash)

    def _admits(self, p: Principal, sop: CompiledSop) -> bool:
        """What the engine cannot know: the principal's agency owns the SOP, and the principal
        acts in one of its roles (not the reporter's: reporters follow cases by tracking ID)."""
        if sop.definition.meta.agency != p.agency:
            return False
        if p.role == self.settings.reporter_role:
            return False
        return p.role in {r.name for r in sop.definition.roles}

    def _unit_scoped(self, p: Principal, sop: CompiledSop) -> bool:
        """Whether the SOP (or, for an SOP without confidentiality rules, the desk's settings)
        limits ``p``'s role to the cases of their unit."""
        plan = sop.ethics
        conf = plan.confidentiality if plan is not None else None
        if conf is not None and conf.unit_roles:
            return p.role in conf.unit_roles
        return p.role in self.settings.unit_scoped_roles

    def sees(self, p: Principal, case: Case) -> bool:
        """Whether ``p`` may open ``case`` (the engine's read API has the last word)."""
        try:
            self._view(p, case)
        except CaseNotFound:
            return False
        return True

    def _view(self, p: Principal, case: Case) -> CaseView:
        sop = self._sop(case)
        if not self._admits(p, sop):
            raise CaseNotFound(case.id)
        conf = sop.ethics.confidentiality if sop.ethics is not None else None
        own_rules = conf is not None and bool(conf.unit_roles)
        # an SOP without unit rules of its own: the desk's settings scope by unit
        outside = p.unit is None or case.data.get(self.settings.unit_field) != p.unit
        if not own_rules and self._unit_scoped(p, sop) and outside:
            raise CaseNotFound(case.id)
        try:
            return self.engine.view(case.id, self.actor(p))
        except CaseNotVisible:
            raise CaseNotFound(case.id) from None

    def case(self, p: Principal, case_id: str) -> Case:
        """The case (as ``p`` may see it) if ``p`` may see it; :class:`CaseNotFound` otherwise
        (same as missing)."""
        return self._view(p, self.engine.get(case_id)).case

    def view(self, p: Principal, case_id: str) -> CaseView:
        """The case and its trail as ``p`` may see them (redacted for their role)."""
        return self._view(p, self.engine.get(case_id))

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

    def rows(self, p: Principal, query: CaseQuery | None = None) -> Iterator[str]:
        """Ids of the cases of ``p``'s agency matching ``query`` (the engine's index; a unit
        officer's query is narrowed to their unit), before the per-case check of :meth:`view`."""
        q = query or CaseQuery()
        scoped = [
            sop
            for sop in self._agency_sops(p)
            if self._admits(p, sop) and self._unit_scoped(p, sop)
        ]
        if scoped and len(scoped) == len(self._agency_sops(p)):
            if p.unit is None:
                return
            q = attrs.evolve(q, units=(p.unit,))
        offset = 0
        while True:
            page = self.engine.cases(attrs.evolve(q, limit=_PAGE, offset=offset), agency=p.agency)
            for row in page:
                yield row.case_id
            if len(page) < _PAGE:
                return
            offset += _PAGE

    def _agency_sops(self, p: Principal) -> list[CompiledSop]:
        sops = (self.engine.sop(i) for i in self.sop_ids)
        return [s for s in sops if s.definition.meta.agency == p.agency]

    def visible(self, p: Principal, query: CaseQuery | None = None) -> Iterator[CaseView]:
        """Every case ``p`` may see (matching ``query``), each as ``p`` may see it."""
        for case_id in self.rows(p, query):
            try:
                yield self._view(p, self.engine.get(case_id))
            except CaseNotFound:
                continue

    def queue(self, p: Principal) -> list[Case]:
        """Open cases ``p`` may see in which their role has an event to fire from the state
        (each as ``p`` may see it: redacted)."""
        states: set[str] = set()
        for sop in self._agency_sops(p):
            mine = {e.name for e in sop.definition.events if p.role in e.roles}
            states |= {
                st.name
                for st in sop.definition.states
                if st.name not in sop.finals and mine & set(sop.events_from(st.name))
            }
        if not states:
            return []
        return [v.case for v in self.visible(p, CaseQuery(states=tuple(sorted(states))))]

    def oversees(self, p: Principal) -> bool:
        """Whether ``p`` sees violations, breaches and escalations."""
        return p.role in self.settings.oversight_roles

    def intake(self, p: Principal, channel: str, channels: Mapping[str, object]) -> None:
        """Whether ``p`` (a gateway's principal) may deliver to ``channel``: an intake role of
        the desk's agency, and a channel the desk offers (404 otherwise)."""
        agencies = {self.engine.sop(i).definition.meta.agency for i in self.sop_ids}
        if p.role not in self.settings.intake_roles or p.agency not in agencies:
            raise Forbidden(f"intake channel {channel}")
        if channel not in channels:
            raise UnknownChannel(channel, sorted(channels))

    def report_scope(self, p: Principal, unit: str | None) -> str | None:
        """The unit the M&E report of ``p`` is limited to (``None``: the whole agency).

        Oversight roles choose (any unit or all); a unit-scoped officer gets his own unit
        whatever he asks; anyone else may not see the report (403)."""
        if self.oversees(p):
            return unit
        sops = [s for s in self._agency_sops(p) if self._admits(p, s)]
        if sops and p.unit is not None and all(self._unit_scoped(p, s) for s in sops):
            return p.unit
        raise Forbidden("the M&E report")

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
        marked = CaseQuery(marked=("@breach", "@escalate"))
        return [
            v.case for v in self.visible(p, marked) if any(d.level > 0 for d in v.case.deadlines)
        ]

    def public(self, tracking_id: str) -> CaseView:
        """The reporter's view by tracking ID: the outward, always-redacted view."""
        return self.engine.view(tracking_id, None)


_PAGE = 1000
