"""The engine: the facade users embed. Load SOPs, start cases, fire events, sweep, read.

A command either is refused with a typed error and changes nothing, or is accepted and produces
exactly one new case snapshot and one audit event, handed to the store in one call. The work is
done by the runtime services this facade wires together (see docs/design.md): the catalogue of
SOP versions, the command pipeline, the committer, the sweeper, the admin and oversight
operations, and the views. The clock, the store, the registry and the id source are injected.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sop_engine._compile.compiled import CompiledSop
from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.clock import Clock, SystemClock
from sop_engine._core.definition import SopDefinition
from sop_engine._core.errors import InvalidArgument
from sop_engine._core.records import Actor, AuditEvent, Case
from sop_engine._features.confidentiality import AUDIENCES
from sop_engine._persistence.queries import CaseQuery, CaseRow
from sop_engine._persistence.store import MemoryStore, Store
from sop_engine._runtime import batch
from sop_engine._runtime.admin import Admin
from sop_engine._runtime.arguments import (
    check_actor,
    check_data,
    check_id,
    check_instant,
    check_version,
)
from sop_engine._runtime.batch import CommandOutcome, FireCommand, StartCommand
from sop_engine._runtime.catalog import Catalog
from sop_engine._runtime.commands import AvailableEvent, Commands
from sop_engine._runtime.committer import Committer
from sop_engine._runtime.oversight import Oversight
from sop_engine._runtime.sweeper import Sweeper, SweepReport
from sop_engine._spec.extensions import IntakeFn, ListenerFailure, ListenerFn
from sop_engine._views import cases, ledger, queries
from sop_engine._views.cases import CaseView
from sop_engine._views.ledger import Violation

__all__ = ["AvailableEvent", "Engine"]


class Engine:
    """Runs cases through compiled SOPs.

    ``store`` defaults to a fresh :class:`~sop_engine.MemoryStore`, ``clock`` to the system
    clock, ``registry`` to the built-in guards and actions plus installed plugins, and ``ids`` to
    random UUIDs for new cases. A timer fired later than ``late_after`` after its instant is
    recorded as ``late``.
    """

    def __init__(
        self,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        registry: Registry | None = None,
        ids: Callable[[], str] | None = None,
        late_after: timedelta = timedelta(minutes=15),
    ) -> None:
        self.store: Store = store if store is not None else MemoryStore()
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.registry = registry if registry is not None else Registry()
        self.catalog = Catalog(self.store, self.registry)
        """SOP versions by id and content hash, with their calendars."""
        listeners = tuple((n, s.listener) for n, s in self.registry.event_listeners.items())
        self.committer = Committer(self.store, listeners)
        """Writes every decided change in one store call and tells the listeners."""
        self.commands = Commands(
            self.catalog, self.committer, self.clock, ids or (lambda: uuid.uuid4().hex)
        )
        self.sweeper = Sweeper(self.catalog, self.committer, self.commands, self.clock, late_after)
        self.admin = Admin(self.catalog, self.committer, self.clock)
        self.oversight = Oversight(self.catalog, self.committer, self.clock)

    @property
    def late_after(self) -> timedelta:
        """A timer fired later than this after its instant is recorded as ``late``."""
        return self.sweeper.late_after

    @late_after.setter
    def late_after(self, value: timedelta) -> None:
        self.sweeper.late_after = value

    @property
    def listener_failures(self) -> deque[ListenerFailure]:
        """The latest failures of event listeners (also logged to ``sop_engine.engine``)."""
        return self.committer.failures

    # -- observers and intake ---------------------------------------------------------------

    def listen(self, name: str, listener: ListenerFn) -> None:
        """Call ``listener(case, event)`` after every committed event, like a plugin listener."""
        self.committer.listen(name, listener)

    def committed(self, case: Case, event: AuditEvent) -> None:
        """Tell the listeners about an event the store has committed (isolating failures)."""
        self.committer.publish(case, event)

    def intake(
        self, channel: IntakeFn, raw: str | bytes, meta: Mapping[str, Any] | None = None
    ) -> Case:
        """Open a case from a raw message through an intake channel (see :meth:`Registry.intake`).

        The channel's command id makes this idempotent: the same message twice opens one case.
        Raises :class:`~sop_engine.IntakeRejected` for a message the channel refuses.
        """
        new = channel(raw, meta or {})
        check_id("sop_id", new.sop_id)
        check_data("data", new.data)
        check_actor(new.actor, channel=True)  # the channel's own actor, from its configuration
        check_id("command_id", new.command_id, optional=True)
        return self.commands.start(new.sop_id, new.data, new.actor, command_id=new.command_id)

    # -- SOPs -------------------------------------------------------------------------------

    def load(self, path: str | Path) -> CompiledSop:
        """Load, validate and compile an SOP file and make it the current version of its id."""
        return self.catalog.load(path)

    def add(self, sop: SopDefinition | CompiledSop) -> CompiledSop:
        """Make an SOP available. Cases already started keep running on their own version."""
        return self.catalog.add(sop)

    def calendar(self, sop: CompiledSop) -> WorkingCalendar:
        """The working-day calendar the SOP's deadlines are counted in."""
        return self.catalog.calendar(sop)

    def sop(self, sop_id_or_hash: str) -> CompiledSop:
        """The current version of an SOP by id, or an exact version by content hash."""
        return self.catalog.get(sop_id_or_hash)

    # -- commands ---------------------------------------------------------------------------

    def start(
        self,
        sop_id: str,
        data: Mapping[str, Any],
        actor: Actor,
        *,
        case_id: str | None = None,
        command_id: str | None = None,
        derived_from: str | None = None,
    ) -> Case:
        """Open a case in the SOP's initial state with validated ``data``.

        ``derived_from`` names the case this one derives from (a sub-task, a forwarded copy):
        the new case keeps every confidentiality flag of that case, whatever ``data`` says.
        """
        check_id("sop_id", sop_id)
        check_data("data", data)
        check_actor(actor)
        check_id("case_id", case_id, optional=True)
        check_id("command_id", command_id, optional=True)
        check_id("derived_from", derived_from, optional=True)
        return self.commands.start(
            sop_id, data, actor, case_id=case_id, command_id=command_id, derived_from=derived_from
        )

    def fire(
        self,
        case_id: str,
        event: str,
        actor: Actor,
        payload: Mapping[str, Any] | None = None,
        *,
        command_id: str | None = None,
        expected_version: int | None = None,
    ) -> Case:
        """Apply ``event`` to the case as ``actor``; return the new case or raise a refusal.

        ``command_id`` makes the command idempotent: sent again, it returns the case as that
        command left it and writes nothing. ``expected_version`` makes it conditional on the case
        not having changed since the caller read it.
        """
        check_id("case_id", case_id)
        check_id("event", event)
        check_actor(actor)
        check_data("payload", payload, optional=True)
        check_id("command_id", command_id, optional=True)
        check_version("expected_version", expected_version)
        return self.commands.fire(
            case_id,
            event,
            actor,
            payload,
            command_id=command_id,
            expected_version=expected_version,
        )

    def submit(self, commands: Iterable[StartCommand | FireCommand]) -> list[CommandOutcome]:
        """Apply many commands with one store transaction (group commit), one outcome each.

        Each command is decided as :meth:`start` or :meth:`fire` would decide it, in order,
        seeing the cases as the earlier commands left them; a refused one is reported in its
        :class:`CommandOutcome` and writes nothing, the accepted ones are written together (one fsync
        on a durable store), each idempotent by its command id. If the store refuses the write
        (another writer moved a case meanwhile) nothing is written and the error is raised:
        send the group again.
        """
        commands = list(commands)
        for n, c in enumerate(commands):
            batch.check_command(c, f"commands[{n}]")
        return batch.submit(self.commands, commands)

    def available(
        self, case_id: str, actor: Actor, payload: Mapping[str, Any] | None = None
    ) -> list[AvailableEvent]:
        """Events ``actor`` may fire on the case now, with guards evaluated.

        A dry run of the command pipeline (route, validate, roles and guards) for each event;
        guards that read data the event would carry see ``payload``. Required data the caller
        has not given is not held against an event (enum and bool data are tried with each
        allowed value, other data with a stand-in).
        """
        check_id("case_id", case_id)
        check_actor(actor)
        check_data("payload", payload, optional=True, mapping=True)
        return self.commands.available(case_id, actor, payload)

    # -- deadlines --------------------------------------------------------------------------

    def sweep(self, now: datetime | None = None) -> SweepReport:
        """Fire every reminder, breach, escalation and expiry due at ``now`` (default: the clock).

        Each (case, deadline, arming, item) fires at most once; after downtime each missed item
        fires once and is marked late.
        """
        check_instant("now", now)
        return self.sweeper.sweep(now)

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
        """Extend a running deadline within the SOP's allowance (``amount`` in the clock's
        unit), with a recorded reason."""
        check_id("case_id", case_id)
        check_id("deadline", deadline)
        check_actor(actor)
        check_id("command_id", command_id, optional=True)
        return self.admin.extend(case_id, deadline, actor, amount, reason, command_id=command_id)

    def change_calendar(
        self, sop_id: str, calendar: WorkingCalendar, actor: Actor, reason: str
    ) -> list[Case]:
        """Adopt a new calendar for an SOP (stored, so every process uses it) and recompute its
        open deadlines, each audited."""
        return self.admin.change_calendar(sop_id, calendar, actor, reason)

    # -- administration and the code of ethics ----------------------------------------------

    def migrate(
        self,
        case_id: str,
        to: str,
        actor: Actor,
        *,
        state_map: Mapping[str, str] | None = None,
        reason: str,
    ) -> Case:
        """Move a running case to another version of its SOP (explicit, validated, audited)."""
        check_id("case_id", case_id)
        check_id("to", to)
        check_actor(actor)
        return self.admin.migrate(case_id, to, actor, state_map=state_map, reason=reason)

    def erase_personal_data(self, case_id: str, actor: Actor, reason: str) -> Case:
        """Erase the reporter's personal data from the case, its trail and its command records.

        The audit chain stays intact (it covers references, not values); an ``@erase`` event
        records who erased what and why. Fields are those the SOP marks ``personal: true``.
        """
        check_id("case_id", case_id)
        check_actor(actor)
        return self.admin.erase_personal_data(case_id, actor, reason)

    def declare(
        self, case_id: str, actor: Actor, *, conflict: bool, relation: str = "", note: str = ""
    ) -> Case:
        """Record the officer's declaration of (no) conflict of interest on the case."""
        check_id("case_id", case_id)
        check_actor(actor)
        return self.oversight.declare(
            case_id, actor, conflict=conflict, relation=relation, note=note
        )

    def request_reveal(
        self, case_id: str, actor: Actor, reason: str, fields: Sequence[str] | None = None
    ) -> int:
        """Ask, with a reason, to see an anonymous reporter's identity fields (all by default).

        Only a role of ``confidentiality.reveal`` may ask. Returns the request's number (the
        version of its ``@reveal_request`` event) for :meth:`approve_reveal` and :meth:`reveal`.
        """
        check_id("case_id", case_id)
        check_actor(actor)
        return self.oversight.request_reveal(case_id, actor, reason, fields)

    def approve_reveal(self, case_id: str, request: int, actor: Actor, note: str = "") -> Case:
        """Approve a reveal request: a second person, of a role in ``reveal_approve`` other
        than the requester's. Raises :class:`~sop_engine.errors.RevealRefused` otherwise."""
        check_id("case_id", case_id)
        check_actor(actor)
        return self.oversight.approve_reveal(case_id, request, actor, note)

    def reveal(self, case_id: str, actor: Actor, request: int) -> dict[str, Any]:
        """The identity fields of an approved reveal request, to the person who asked, once.

        Revealing takes two people (issue 17): :meth:`request_reveal` by one person with a
        reason, :meth:`approve_reveal` by a second person of another role, then this call by
        the requester. The ``@reveal`` event names both and carries the reason.
        """
        check_id("case_id", case_id)
        check_actor(actor)
        return self.oversight.reveal(case_id, actor, request)

    # -- queries ----------------------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        """The current snapshot of a case."""
        check_id("case_id", case_id)
        return self.store.get(case_id)

    def history(self, case_id: str) -> Sequence[AuditEvent]:
        """The case's audit trail, oldest first; its length equals the accepted commands."""
        check_id("case_id", case_id)
        return self.store.history(case_id)

    def view(self, case_id: str, viewer: Actor | None = None) -> CaseView:
        """The case and its trail as ``viewer`` may see them; ``None`` is the outward view.

        The read API every desk uses: an officer of a unit-scoped role (the SOP's
        ``confidentiality.unit_roles``) of another unit than the case's gets
        :class:`~sop_engine.errors.CaseNotVisible`; a viewer who may not know the reporter gets
        every string redacted (identity in any form, NIK, phones, e-mail, plates); in a
        ``rahasia`` case, a viewer outside ``see_content`` sees no content, no reported official
        and no free text of the trail. See ``docs/security.md``.
        """
        check_id("case_id", case_id)
        if viewer is not None:
            check_actor(viewer, "viewer")
        return cases.view(self.catalog, self.store, case_id, viewer)

    def visible_cases(self, viewer: Actor) -> list[str]:
        """Ids of the cases ``viewer`` may see (an officer: his unit's), in creation order.

        The listing filter of the read API: :meth:`view` refuses exactly the others with
        :class:`~sop_engine.errors.CaseNotVisible`.
        """
        return cases.visible_cases(self.catalog, self.store, viewer)

    def export(self, case_id: str, audience: str = "public") -> dict[str, Any]:
        """The case as JSON-ready data for ``audience``: ``public`` (the default, the
        narrowest), ``oversight`` or ``internal``.

        Always redacted like the outward view, then narrowed to the fields the SOP allows the
        audience (``confidentiality.audiences``; see docs/security.md).
        """
        check_id("case_id", case_id)
        if audience not in AUDIENCES:
            raise InvalidArgument("audience", f"must be one of {', '.join(AUDIENCES)}")
        return cases.export(self.catalog, self.store, case_id, audience)

    def cases(
        self,
        query: CaseQuery | None = None,
        *,
        agency: str | None = None,
        due_within: int | None = None,
        now: datetime | None = None,
    ) -> list[CaseRow]:
        """One page of the cases matching ``query`` (index rows, no content: show a case
        through :meth:`view`), of SOPs of ``agency``, with a running deadline due within
        ``due_within`` working days of ``now`` (the engine's clock by default)."""
        return queries.find_cases(
            self.catalog,
            self.store,
            query or CaseQuery(),
            agency=agency,
            due_within=due_within,
            now=now or self.clock.now(),
        )

    def count_cases(
        self,
        query: CaseQuery | None = None,
        *,
        agency: str | None = None,
        due_within: int | None = None,
        now: datetime | None = None,
    ) -> int:
        """How many cases :meth:`cases` pages through."""
        return queries.count_cases(
            self.catalog,
            self.store,
            query or CaseQuery(),
            agency=agency,
            due_within=due_within,
            now=now or self.clock.now(),
        )

    def violations(
        self,
        *,
        case_id: str | None = None,
        rule: str | None = None,
        officer: str | None = None,
        unit: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Violation]:
        """Breaches of the code of ethics (blocked attempts and flagged commands), oldest first.

        Filters combine; ``since`` is inclusive and ``until`` exclusive.
        """
        return ledger.violations(
            self.store,
            case_id=case_id,
            rule=rule,
            officer=officer,
            unit=unit,
            since=since,
            until=until,
        )
