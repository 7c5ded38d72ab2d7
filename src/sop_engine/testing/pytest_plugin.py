"""The pytest plugin of the testing kit (entry point ``pytest11``: loaded when installed).

It lives outside :mod:`sop_engine.testing` because that package needs Hypothesis, and pytest
loads this plugin in every project where sop_engine is installed.

Fixtures (prefixed ``sop_`` so they never shadow a project's own ``engine`` or ``clock``):

- ``sop_clock``: a :class:`~sop_engine.clock.SimulatedClock` on a working Monday morning;
- ``sop_engine``: an :class:`~sop_engine.engine.Engine` on a fresh in-memory store and that clock;
- ``sop_case_factory``: ``make(sop_path_or_compiled, data=None, actor=None) -> Case`` opens a
  case with valid generated data (overridden by ``data``) in an intake role;
- ``sop_harness``: ``run(sop_path=None, **explore_args) -> Result`` runs the stateful harness
  and fails the test with the readable scenario when an invariant breaks. The path defaults to
  the one given by the ``@pytest.mark.sop_file(PATH)`` marker.

Hypothesis is imported only when a fixture that needs it is used, so installing sop_engine
without the ``testing`` extra does not break anyone's pytest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sop_engine._compile.compiled import CompiledSop
from sop_engine._compile.registry import Registry
from sop_engine._core.clock import SimulatedClock
from sop_engine._core.records import Actor, Case
from sop_engine._engine import Engine
from sop_engine._persistence.store import MemoryStore

if TYPE_CHECKING:
    from sop_engine.testing.harness import Result

__all__ = ["sop_case_factory", "sop_clock", "sop_engine", "sop_harness"]

_START = datetime.fromisoformat("2026-03-02T01:00:00+00:00")  # Monday 08:00 WIB


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sop_file(path): the SOP file the sop_harness fixture explores by default"
    )


@pytest.fixture(scope="session")
def sop_registry() -> Registry:
    """The registry of guards, actions and sections (built-ins and installed plugins)."""
    return Registry()


@pytest.fixture
def sop_clock() -> SimulatedClock:
    """A simulated clock on Monday 2 March 2026, 08:00 WIB."""
    return SimulatedClock(_START)


@pytest.fixture
def sop_engine(sop_clock: SimulatedClock, sop_registry: Registry) -> Engine:
    """An engine on a fresh in-memory store and the simulated clock."""
    return Engine(store=MemoryStore(), clock=sop_clock, registry=sop_registry)


@pytest.fixture
def sop_case_factory(
    sop_engine: Engine,
) -> Callable[..., Case]:
    """Open cases with valid generated data: ``make(sop, data=None, actor=None)``."""

    def make(
        sop: str | Path | CompiledSop,
        data: Mapping[str, Any] | None = None,
        actor: Actor | None = None,
    ) -> Case:
        from hypothesis import HealthCheck, given, settings

        from sop_engine.testing.strategies import case_data

        compiled = sop if isinstance(sop, CompiledSop) else sop_engine.load(sop)
        sop_engine.add(compiled)
        drawn: list[dict[str, Any]] = []

        @settings(
            max_examples=1, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        @given(case_data(compiled))
        def draw(example: dict[str, Any]) -> None:
            drawn.append(example)

        draw()
        d = compiled.definition
        role = (d.intake_roles or tuple(r.name for r in d.roles))[0]
        return sop_engine.start(
            compiled.id, {**drawn[0], **(data or {})}, actor or Actor("penguji", role)
        )

    return make


@pytest.fixture
def sop_harness(request: pytest.FixtureRequest, sop_registry: Registry) -> Callable[..., Result]:
    """Run the stateful harness: ``run(sop=None, max_examples=50, seed=0, ...)``."""

    def run(sop: str | Path | CompiledSop | None = None, **kwargs: Any) -> Result:
        from sop_engine.testing.harness import explore
        from sop_engine.testing.report import scenario_text

        if sop is None:
            marker = request.node.get_closest_marker("sop_file")
            if marker is None:
                raise pytest.UsageError(
                    "sop_harness() needs an SOP: pass a path or mark the test "
                    "@pytest.mark.sop_file('path/to/sop.yaml')"
                )
            sop = marker.args[0]
        kwargs.setdefault("max_examples", 50)
        kwargs.setdefault("seed", 0)
        result = explore(sop, registry=sop_registry, **kwargs)
        if result.failure is not None:
            pytest.fail(
                f"{result.failure}\n{scenario_text(result.failure, result.sop, lang='en')}\n"
                f"(seed {result.seed})",
                pytrace=False,
            )
        return result

    return run
