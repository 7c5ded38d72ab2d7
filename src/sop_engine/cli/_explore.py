"""``sop test``: explore an SOP with random cases and check its invariants."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import click

from sop_engine._core.i18n import Msg
from sop_engine._core.text import Lang
from sop_engine.cli._common import (
    FORMAT,
    LANG,
    PROGRESS,
    EnvironmentProblem,
    progress_bar,
    registry,
    say,
)

_FIX = "pip install 'sop-engine[testing]'"

__all__ = ["test_command"]


@click.command("test")
@click.argument("sop_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--max-examples",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Scenarios to explore.",
)
@click.option(
    "--max-steps",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Steps per scenario at most.",
)
@click.option("--seed", type=int, help="Seed of the exploration (default: random, printed).")
@click.option(
    "--invariant",
    "invariants",
    multiple=True,
    help="Check only this invariant (built-in or declared; repeatable). Default: all.",
)
@click.option(
    "--min-coverage",
    type=click.FloatRange(0, 100),
    help="Fail unless at least this percentage of states, transitions, clocks, breaches and "
    "escalation levels was exercised.",
)
@click.option(
    "--replay",
    "replay_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Apply exactly the scenario saved by an earlier failing run, instead of exploring.",
)
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to save a failing scenario (default: sop-test-SOPID.json).",
)
@click.option(
    "--junit-xml",
    "junit",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a JUnit XML report here for CI systems: one testcase per invariant, a "
    "failure with the shortest scenario.",
)
@FORMAT
@PROGRESS
@LANG
def test_command(
    sop_file: Path,
    max_examples: int,
    max_steps: int,
    seed: int | None,
    invariants: tuple[str, ...],
    min_coverage: float | None,
    replay_file: Path | None,
    save: Path | None,
    junit: Path | None,
    fmt: Literal["text", "json"],
    progress: bool | None,
    lang: Lang,
) -> None:
    """Explore an SOP with random cases, officers, dates and deadlines; check its invariants.

    Exit 0 when every invariant held (the coverage table is printed), 1 when one failed: the
    shortest scenario found is printed step by step and saved, with the command to replay it;
    2 when it cannot run (an unknown --invariant, the testing extra missing: pip install
    'sop-engine[testing]'). --format json prints one JSON document (docs/testing.md) and
    --junit-xml writes a report CI systems show as tests.
    """
    try:
        from sop_engine.testing.command import run_test_command
    except ImportError as e:  # an environment problem (exit 2), not a broken rule (exit 1)
        missing = Msg("sop test needs Hypothesis, which is not installed: {fix}", fix=_FIX)
        raise EnvironmentProblem(missing.render(lang)) from e
    explorations = 0 if replay_file is not None else max_examples
    with progress_bar(progress if explorations else False) as bar:
        task = bar.add_task(say(Msg("exploring scenarios")), total=explorations)
        code = run_test_command(
            sop_file,
            max_examples=max_examples,
            max_steps=max_steps,
            seed=seed,
            invariants=invariants,
            min_coverage=min_coverage,
            replay_file=replay_file,
            save=save,
            lang=lang,
            registry=registry(),
            fmt=fmt,
            junit=junit,
            progress=lambda n: bar.update(task, completed=min(n, explorations)),
        )
    if code == 2:
        raise click.exceptions.Exit(2)
    sys.exit(code)
