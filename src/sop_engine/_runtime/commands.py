"""Commands on cases: open one, fire an event, ask which events an actor may fire now.

Each command reads what it needs, asks the pipeline to decide, and hands the decision to the
committer. The clock, the store, the catalogue of SOP versions and the id source are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.clock import Clock
from sop_engine._core.definition import FieldSpec
from sop_engine._core.errors import (
    CommandRefused,
    InvalidCaseData,
    RoleNotPermitted,
    VersionConflict,
)
from sop_engine._core.frozen import FrozenDict
from sop_engine._core.i18n import Msg, reason_of, series
from sop_engine._core.protocol import SystemEvent
from sop_engine._core.records import Actor, Case, Timer
from sop_engine._core.text import Text
from sop_engine._runtime import pipeline
from sop_engine._runtime.catalog import Catalog
from sop_engine._runtime.committer import Committer

__all__ = ["AvailableEvent", "Commands"]

_NONE = FrozenDict()


def _NO_TRAIL() -> tuple[()]:  # noqa: N802 (a constant callable)
    """The trail reader of an SOP without ethics rules (nothing reads it: no closure per call)."""
    return ()


"""The payload of a command sent without one (read-only, so one instance serves every call)."""


@attrs.frozen(slots=True)
class AvailableEvent:
    """An event the actor may fire now, with what it must carry (for an officer's screen)."""

    event: str
    label: Text
    data: tuple[FieldSpec, ...]


class Commands:
    """Start, fire and available, over one store, clock and catalogue."""

    def __init__(
        self, catalog: Catalog, committer: Committer, clock: Clock, ids: Callable[[], str]
    ) -> None:
        self.catalog = catalog
        self.committer = committer
        self.store = committer.store
        self.clock = clock
        self.ids = ids

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
        prior = self.committer.recall(command_id, case_id, SystemEvent.START, actor, data)
        if prior is not None:
            return prior
        try:
            return self._start(sop_id, data, actor, case_id, command_id, derived_from)
        except (CommandRefused, VersionConflict) as e:  # a concurrent call with this id won?
            return self.committer.settle(e, command_id, case_id, SystemEvent.START, actor, data)

    def _start(
        self,
        sop_id: str,
        data: Mapping[str, Any],
        actor: Actor,
        case_id: str | None,
        command_id: str | None,
        derived_from: str | None,
    ) -> Case:
        sop = self.catalog.get(sop_id)
        cid = case_id if case_id is not None else self.ids()
        roles = sop.definition.intake_roles or tuple(r.name for r in sop.definition.roles)
        if actor.role not in roles:
            raise RoleNotPermitted(
                case_id=cid, state="", event=SystemEvent.START, role=actor.role, allowed=roles
            )
        clean, problems = sop.check_case_data(data)
        if problems:
            raise InvalidCaseData(sop.id, problems)
        if derived_from is not None:
            clean = self._inherit(sop, derived_from, clean)
        decision = pipeline.decide_start(
            sop,
            self._calendar(sop),
            case_id=cid,
            data=clean,
            actor=actor,
            now=self.clock.now(),
            command_id=command_id,
            asked=data,
        )
        return self.committer.commit(decision)

    def fire(
        self,
        case_id: str,
        event: str,
        actor: Actor,
        payload: Mapping[str, Any] | None = None,
        *,
        command_id: str | None = None,
        expected_version: int | None = None,
        at: datetime | None = None,
        done: Sequence[Timer] = (),
    ) -> Case:
        """Fire ``event``; ``at`` and ``done`` are for the sweeper (the instant to record, and
        the claimed timer the command completes)."""
        if command_id is None:
            return self._fire(case_id, event, actor, payload, None, expected_version, at, done)
        args = payload or _NONE
        prior = self.committer.recall(command_id, case_id, event, actor, args)
        if prior is not None:
            return prior
        try:
            return self._fire(
                case_id, event, actor, payload, command_id, expected_version, at, done
            )
        except (CommandRefused, VersionConflict) as e:  # a concurrent call with this id won?
            return self.committer.settle(e, command_id, case_id, event, actor, args)

    def _fire(
        self,
        case_id: str,
        event: str,
        actor: Actor,
        payload: Mapping[str, Any] | None,
        command_id: str | None,
        expected_version: int | None,
        at: datetime | None,
        done: Sequence[Timer],
    ) -> Case:
        store = self.store
        case = store.get(case_id)
        if expected_version is not None and expected_version != case.version:
            raise VersionConflict(case_id, expected_version, case.version)
        sop = self.catalog.pinned(case.sop_hash)
        decision = pipeline.decide(
            sop,
            None if sop.deadlines is None else self.catalog.calendar(sop),
            case,
            event,
            actor,
            payload,
            now=self.clock.now() if at is None else at,
            history=(lambda: store.history(case_id)) if sop.ethics is not None else _NO_TRAIL,
            command_id=command_id,
            done=done,
        )
        return self.committer.commit(decision)

    def available(
        self, case_id: str, actor: Actor, payload: Mapping[str, Any] | None = None
    ) -> list[AvailableEvent]:
        """Events ``actor`` may fire now: a dry run of the command pipeline for each event.

        Required data the caller has not given is not held against an event: enum and bool
        data are tried with each allowed value, other data with a stand-in, so an event is
        listed when the officer could fire it with some valid data.
        """
        case = self.store.get(case_id)
        sop = self.catalog.pinned(case.sop_hash)
        given = dict(payload or {})
        out = []
        for event in sop.events_from(case.state):
            spec = sop.events[event]
            for trial in _trial_payloads(spec.data, given):
                try:
                    pipeline.dry_run(sop, case, event, actor, trial)
                except CommandRefused:
                    continue
                out.append(AvailableEvent(event, spec.label, tuple(spec.data.values())))
                break
        return out

    def _calendar(self, sop: CompiledSop) -> Any:
        return self.catalog.calendar(sop) if sop.deadlines is not None else None

    def _inherit(self, sop: CompiledSop, parent_id: str, clean: dict[str, Any]) -> dict[str, Any]:
        """The new case keeps every confidentiality flag of the case it derives from."""
        parent = self.store.get(parent_id)
        parent_plan = self.catalog.pinned(parent.sop_hash).ethics
        parent_conf = parent_plan.confidentiality if parent_plan is not None else None
        if parent_conf is None:
            return clean
        flags = parent_conf.flags(parent.data.get(parent_conf.field))
        if not flags:
            return clean
        conf = sop.ethics.confidentiality if sop.ethics is not None else None
        if conf is None:
            raise InvalidCaseData(
                sop.id,
                [
                    Msg(
                        "case {case_id!r} is {flags}, but SOP {sop_id!r} declares no "
                        "ethics.confidentiality to keep it so; add one",
                        case_id=parent_id,
                        flags=series([repr(f) for f in sorted(flags)]),
                        sop_id=sop.id,
                    )
                ],
            )
        try:
            value = conf.inherit(flags, clean.get(conf.field))
        except ValueError as e:
            raise InvalidCaseData(sop.id, [reason_of(e)]) from e
        return {**clean, conf.field: value}


_MAX_TRIALS = 64


def _trial_payloads(data: Mapping[str, FieldSpec], given: dict[str, Any]) -> list[dict[str, Any]]:
    """Payloads to try for an event whose required data the caller has not supplied yet.

    Missing required enum and bool data is tried with every allowed value (up to a bound), so an
    event is listed when *some* value the officer could choose would let it through, whatever
    the order of the values in the file. Other missing required data gets a stand-in value.
    """
    trials = [dict(given)]
    for name, field in data.items():
        if name in given or not field.required:
            continue
        if field.type == "enum":
            options: list[Any] = list(field.values)
        elif field.type == "bool":
            options = [True, False]
        else:
            options = [_placeholder(field)]
        if len(trials) * len(options) > _MAX_TRIALS:
            options = options[:1]
        trials = [{**t, name: o} for t in trials for o in options]
    return trials


def _placeholder(field: FieldSpec) -> Any:
    return {
        "text": "-",
        "ref": "-",
        "bool": False,
        "number": 0,
        "integer": 0,
        "date": "2000-01-01",
        "datetime": "2000-01-01T00:00:00+00:00",
        "enum": field.values[0] if field.values else "-",
    }[field.type]
