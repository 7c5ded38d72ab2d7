"""``sop simulate``: run an SOP against a scenario's workload, staff and calendar; report.

Bad SOP or scenario files never produce a traceback: every problem is printed as
``PATH:LINE:COL: CODE message`` with a hint (or as JSON with ``--format json``) and the exit code
is 1. The progress bar goes to standard error, so standard output carries only the report.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

import click

from sop_engine._core.i18n import N_, Msg
from sop_engine._core.text import Lang
from sop_engine._simulate import engine_factory, load_inputs
from sop_engine._simulate.codes import Problem
from sop_engine._simulate.fit import fit_scenario
from sop_engine._simulate.render import render_html, render_json, render_table
from sop_engine._simulate.report import simulate as run_simulation
from sop_engine.cli._common import (
    LANG,
    PROGRESS,
    console,
    json_text,
    open_store,
    progress_bar,
    registry,
)

__all__ = ["simulate"]

_TEXT = {
    "hint": N_("hint"),
    "errors": N_("error(s)"),
    "progress": N_("Simulating {sc}, replication {k}/{n}"),
    "wrote": N_("report written to {path}"),
}


def _say(key: str, lang: Lang, **args: Any) -> str:
    return Msg(_TEXT[key], **args).render(lang)


def _fail(problems: list[Problem], fmt: str, lang: Lang, code: int = 1) -> None:
    if fmt == "json":
        click.echo(
            json_text({"errors": len(problems), "findings": [p.to_json(lang) for p in problems]})
        )
    else:
        out = console(stderr=True)
        for p in problems:
            out.print(p.format(lang), style="red", markup=False, soft_wrap=True)
            out.print(f"    {_say('hint', lang)}: {p.hint(lang)}", markup=False, soft_wrap=True)
        out.print(f"{len(problems)} {_say('errors', lang)}", style="bold red")
    sys.exit(code)


@click.command("simulate")
@click.argument("sop_path", metavar="SOP", type=click.Path(path_type=Path))
@click.option(
    "--scenario",
    "scenario_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The scenario file (YAML).",
)
@click.option(
    "--seed", default=1, show_default=True, type=int, help="Same seed, same report (byte for byte)."
)
@click.option("--replications", default=5, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "html"]),
    default="table",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--compare",
    "compare_path",
    type=click.Path(path_type=Path),
    help="A second scenario, reported side by side on the same axes.",
)
@click.option(
    "--from-db",
    "from_db",
    help="Fit arrival rate and work times from this store's trail (SQLite file or PostgreSQL URL).",
)
@PROGRESS
@LANG
def simulate(
    sop_path: Path,
    scenario_path: Path,
    seed: int,
    replications: int,
    fmt: Literal["table", "json", "html"],
    output: Path | None,
    compare_path: Path | None,
    from_db: str | None,
    progress: bool | None,
    lang: Lang,
) -> None:
    """Simulate SOP with the workload and staff of --scenario on the real calendar.

    The real engine decides every step (guards, code of ethics, deadlines, escalations, timed
    transitions) on a simulated clock; staff, queues and arrivals are a SimPy discrete-event
    simulation. Reports the share of cases within each limit with 95 % confidence intervals,
    working days per stage, backlog, utilisation, escalations, ethics and bottlenecks.
    See docs/simulation.md.
    """
    plugins = registry()
    paths = [scenario_path] + ([compare_path] if compare_path is not None else [])
    inputs = []
    problems: list[Problem] = []
    for path in paths:
        got = load_inputs(sop_path, path, plugins)
        if isinstance(got, list):
            problems.extend(got)
        else:
            inputs.append(got)
    if problems:  # a file that does not exist is a usage error (2), a broken one a finding (1)
        missing = any(not p.exists() for p in (sop_path, *paths))
        _fail(problems, fmt, lang, 2 if missing else 1)
    fits: list[dict[str, Any]] = []
    if from_db is not None:
        store = open_store(from_db)
        try:
            refitted = []
            for sop, scenario, calendar in inputs:
                scenario, summary = fit_scenario(scenario, sop, calendar, store)
                refitted.append((sop, scenario, calendar))
                fits.append(summary)
            inputs = refitted
        finally:
            close = getattr(store, "close", None)
            if close is not None:
                close()
    reports: list[dict[str, Any]] = []
    bar = progress_bar(progress)
    make = engine_factory(plugins)
    with bar:
        for sop, scenario, calendar in inputs:
            task = bar.add_task(
                _say("progress", lang, sc=scenario.id, k=1, n=replications), total=1.0
            )

            def tick(k: int, fraction: float, task: Any = task, sc: str = scenario.id) -> None:
                bar.update(
                    task,
                    completed=(k + fraction) / replications,
                    description=_say("progress", lang, sc=sc, k=k + 1, n=replications),
                )

            report = run_simulation(
                sop,
                scenario,
                calendar,
                seed=seed,
                replications=replications,
                engine=make,
                lang=lang,
                progress=tick,
            )
            if fits:
                report["fitted_from_db"] = fits[len(reports)]
            reports.append(report)
    if fmt == "table" and output is None:
        render_table(console(), reports, lang)
        return
    if fmt == "table":
        assert output is not None
        with output.open("w", encoding="utf-8") as handle:
            render_table(console(file=handle, width=120), reports, lang)
        return
    text = render_json(reports) if fmt == "json" else render_html(reports, lang)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console(stderr=True).print(_say("wrote", lang, path=output), markup=False)
