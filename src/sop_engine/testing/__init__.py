"""The testing kit: prove an SOP before it goes live (needs ``pip install 'sop-engine[testing]'``).

Built on Hypothesis: strategies derived from an SOP (:mod:`~sop_engine.testing.strategies`), a
stateful harness that explores it and checks built-in and declared invariants after every step
(:func:`explore`, :func:`state_machine`), transition coverage (:class:`Coverage`), a readable
counterexample (:func:`scenario_text`), differential testing against ``transitions``
(:func:`check_against_transitions`) and a pytest plugin (:mod:`sop_engine.testing.pytest_plugin`).
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ImportError as e:  # pragma: no cover - depends on the installation
    raise ImportError(
        "sop_engine.testing needs Hypothesis: pip install 'sop-engine[testing]'"
    ) from e

from sop_engine.testing.coverage import Coverage, CoverageRow
from sop_engine.testing.differential import check_against_transitions, compare_with_transitions
from sop_engine.testing.harness import DEFAULT_START, Result, explore, replay, state_machine
from sop_engine.testing.report import coverage_table, scenario_text
from sop_engine.testing.world import BUILTIN_INVARIANTS, InvariantViolated, Outcome, Step, World

__all__ = [
    "BUILTIN_INVARIANTS",
    "DEFAULT_START",
    "Coverage",
    "CoverageRow",
    "InvariantViolated",
    "Outcome",
    "Result",
    "Step",
    "World",
    "check_against_transitions",
    "compare_with_transitions",
    "coverage_table",
    "explore",
    "replay",
    "scenario_text",
    "state_machine",
]
