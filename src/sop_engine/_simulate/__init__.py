"""``sop simulate``: an SOP run by the real engine against a workload, staff and the calendar.

Layout: :mod:`.codes` (the ``SIMnnn`` findings), :mod:`.scenario` (the file format, its schema
and checks), :mod:`.distributions`, :mod:`.workclock` (office time on the working-day calendar),
:mod:`.model` (one SimPy replication around an :class:`~sop_engine.Engine`), :mod:`.report`
(replications and their summary), :mod:`.render` (table, JSON, HTML with SVG charts) and
:mod:`.fit` (a scenario's rates and work times fitted from a store's trail).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sop_engine._compile.compiled import CompiledSop
from sop_engine._compile.loading import lint_file
from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.clock import SimulatedClock
from sop_engine._engine import Engine
from sop_engine._persistence.store import MemoryStore
from sop_engine._simulate.codes import Problem
from sop_engine._simulate.scenario import ALWAYS, Scenario, load_scenario

__all__ = ["calendar_years", "engine_factory", "load_inputs", "scenario_calendar"]


def engine_factory(registry: Registry) -> Callable[[SimulatedClock, Callable[[], str]], Engine]:
    """A fresh engine on a fresh in-memory store for each replication, sharing one registry."""

    def make(clock: SimulatedClock, ids: Callable[[], str]) -> Engine:
        return Engine(store=MemoryStore(), clock=clock, registry=registry, ids=ids)

    return make


def load_inputs(
    sop_path: str | Path, scenario_path: str | Path, registry: Registry
) -> tuple[CompiledSop, Scenario, WorkingCalendar | None] | list[Problem]:
    """The compiled SOP, the checked scenario and its calendar; or every problem in the files."""
    findings = [f for f in lint_file(sop_path, registry=registry) if f.severity == "error"]
    if findings:
        return list(findings)
    sop = Engine(registry=registry).load(sop_path)
    scenario = load_scenario(
        scenario_path, sop, sorted(registry.calendars), calendar_years=calendar_years(sop, registry)
    )
    if not isinstance(scenario, Scenario):
        return scenario
    return sop, scenario, scenario_calendar(sop, scenario, registry)


def calendar_years(sop: CompiledSop, registry: Registry) -> Callable[[str], tuple[int, int] | None]:
    """The first and last year each calendar covers (the SOP's own, or one from the registry)."""

    def years(name: str) -> tuple[int, int] | None:
        own = sop.calendar
        if own is not None and own.id == name:
            return own.years
        factory = registry.calendars.get(name)
        if factory is None:
            return None
        return factory.build(zone="Asia/Jakarta", office_hours=None, cutoff=None).years

    return years


def scenario_calendar(
    sop: CompiledSop, scenario: Scenario, registry: Registry
) -> WorkingCalendar | None:
    """The calendar staff work on: the SOP's own unless the scenario names another (``None`` is
    round the clock)."""
    if scenario.calendar == ALWAYS:
        return None
    own = sop.calendar
    if own is not None and own.id == scenario.calendar and scenario.zone in (None, own.zone):
        return own
    zone = scenario.zone or (own.zone if own is not None else "Asia/Jakarta")
    return registry.calendars[scenario.calendar].build(zone=zone, office_hours=None, cutoff=None)
