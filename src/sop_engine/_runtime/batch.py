"""Group commit: many commands decided one by one, the accepted ones written in one transaction.

Bulk intake (a day of reports imported from LAPOR!) and catch-up runs pay one transaction, and
so one fsync, per command when sent through :meth:`~sop_engine.Engine.fire`. :func:`submit`
decides each command exactly as ``start``/``fire`` would (same validation, roles, guards,
ethics, deadlines, idempotency by command id), against the cases as the earlier commands of
the same group leave them, and hands the accepted decisions to
:meth:`~sop_engine._runtime.committer.Committer.commit_many`: one store call.

A refused command is reported in its :class:`CommandOutcome` and writes nothing; the others go on.
A command a code-of-ethics ``block`` rule refuses is recorded (as with ``fire``) and its error
reported. The write itself is all or nothing: if the store refuses it (another writer moved a
case in between: :class:`~sop_engine.errors.VersionConflict`), nothing of the group is written
and the error is raised; sending the same group again is safe when its commands carry ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import attrs

from sop_engine._core.errors import SopError
from sop_engine._core.frozen import frozen_dict
from sop_engine._core.i18n import Msg
from sop_engine._core.records import Actor, AuditEvent, Case
from sop_engine._persistence.store import CommandRecord, Store
from sop_engine._runtime.arguments import check_actor, check_data, check_id, check_version
from sop_engine._runtime.commands import Commands
from sop_engine._runtime.committer import Committer
from sop_engine._runtime.decision import Decision, Write

__all__ = ["CommandOutcome", "FireCommand", "StartCommand", "check_command", "submit"]


@attrs.frozen(slots=True)
class StartCommand:
    """Open a case (what :meth:`~sop_engine.Engine.start` takes)."""

    sop_id: str
    data: Mapping[str, Any] = attrs.field(converter=frozen_dict)
    actor: Actor
    case_id: str | None = None
    command_id: str | None = None


@attrs.frozen(slots=True)
class FireCommand:
    """Fire an event on a case (what :meth:`~sop_engine.Engine.fire` takes)."""

    case_id: str
    event: str
    actor: Actor
    payload: Mapping[str, Any] | None = None
    command_id: str | None = None
    expected_version: int | None = None


def check_command(command: object, argument: str) -> None:
    """The arguments of one command of a group, checked as ``start``/``fire`` check theirs
    (:class:`~sop_engine.errors.InvalidArgument` before anything of the group is decided)."""
    from sop_engine._core.errors import InvalidArgument

    if isinstance(command, StartCommand):
        check_id(f"{argument}.sop_id", command.sop_id)
        check_data(f"{argument}.data", command.data)
        check_id(f"{argument}.case_id", command.case_id, optional=True)
    elif isinstance(command, FireCommand):
        check_id(f"{argument}.case_id", command.case_id)
        check_id(f"{argument}.event", command.event)
        check_data(f"{argument}.payload", command.payload, optional=True)
        check_version(f"{argument}.expected_version", command.expected_version)
    else:
        raise InvalidArgument(
            argument,
            Msg(
                "must be a `StartCommand` or a `FireCommand`, got Python type {kind!r}",
                kind=type(command).__name__,
            ),
        )
    check_actor(command.actor, f"{argument}.actor")
    check_id(f"{argument}.command_id", command.command_id, optional=True)


@attrs.frozen(slots=True)
class CommandOutcome:
    """What one command of a group came to: the case it left, or the refusal.

    ``case`` is set when the command was accepted (or was a retry of an accepted one);
    ``error`` when it was refused. A code-of-ethics block sets both: the attempt is recorded
    on the case, and the command is refused.
    """

    command: StartCommand | FireCommand
    case: Case | None
    error: SopError | None = None

    @property
    def accepted(self) -> bool:
        return self.error is None


class _Overlay:
    """The store as the group's staged writes leave it (reads only)."""

    __slots__ = ("cases", "commands", "events", "new", "store")

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cases: dict[str, Case] = {}
        self.events: dict[str, list[AuditEvent]] = {}
        self.commands: dict[str, CommandRecord] = {}
        self.new: set[str] = set()

    def get(self, case_id: str) -> Case:
        case = self.cases.get(case_id)
        return case if case is not None else self.store.get(case_id)

    def history(self, case_id: str) -> Sequence[AuditEvent]:
        staged = self.events.get(case_id, [])
        if case_id in self.new:
            return tuple(staged)
        return (*self.store.history(case_id), *staged)

    def recall(self, command_id: str) -> CommandRecord | None:
        return self.commands.get(command_id) or self.store.recall(command_id)


class _Staging(Committer):
    """A committer that stages decisions on the overlay instead of writing them."""

    def __init__(self, overlay: _Overlay) -> None:
        super().__init__(cast(Store, overlay))
        self.overlay = overlay
        self.decisions: list[Decision] = []

    def commit(self, decision: Decision) -> Case:
        o = self.overlay
        case = decision.case
        o.cases[case.id] = case
        if decision.write is Write.INSERT:
            o.new.add(case.id)
        o.events.setdefault(case.id, []).append(decision.event)
        if decision.command is not None:
            o.commands[decision.command.command_id] = decision.command
        self.decisions.append(decision)
        if decision.refusal is not None:
            raise decision.refusal
        return case


def submit(commands: Commands, batch: Iterable[StartCommand | FireCommand]) -> list[CommandOutcome]:
    """Decide every command of ``batch`` in order, write the accepted ones in one store call,
    and return one :class:`CommandOutcome` per command, in order."""
    staging = _Staging(_Overlay(commands.store))
    staged = Commands(commands.catalog, staging, commands.clock, commands.ids)
    out: list[CommandOutcome] = []
    for c in batch:
        before = len(staging.decisions)
        try:
            if isinstance(c, StartCommand):
                case = staged.start(
                    c.sop_id, c.data, c.actor, case_id=c.case_id, command_id=c.command_id
                )
            else:
                case = staged.fire(
                    c.case_id,
                    c.event,
                    c.actor,
                    c.payload,
                    command_id=c.command_id,
                    expected_version=c.expected_version,
                )
        except SopError as e:
            recorded = staging.decisions[-1].case if len(staging.decisions) > before else None
            out.append(CommandOutcome(c, recorded, e))
            continue
        out.append(CommandOutcome(c, case))
    commands.committer.commit_many(staging.decisions)
    return out
