"""``sop test``: the stateful harness for people who do not write Python.

The command lints the file first (a broken file gets the linter's findings, not a traceback),
explores it, and prints either the coverage table or the failing scenario with the exact command
that replays it. A scenario file holds the steps as JSON, so it can be attached to a ticket,
replayed after the SOP is fixed (``--replay``) and kept as a regression case.
"""

from __future__ import annotations

import io
import json
import shlex
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from rich.console import Console

from sop_engine._compile.loading import lint_file
from sop_engine._compile.registry import Registry
from sop_engine._core.errors import SopError
from sop_engine._core.i18n import N_, both, render
from sop_engine._core.text import Lang
from sop_engine.testing.harness import DEFAULT_START, Result, explore, replay
from sop_engine.testing.junit import junit_xml
from sop_engine.testing.report import coverage_table, scenario_text
from sop_engine.testing.world import BUILTIN_INVARIANTS, Step

__all__ = ["run_test_command", "save_scenario"]

_T = {
    "exploring": both(N_("Exploring {sop}: {n} scenarios × ≤ {m} steps, seed {seed}")),
    "passed": both(N_("All {k} invariants held over {steps} steps.")),
    "failed": both(N_("An invariant failed. The shortest scenario found:")),
    "saved": both(N_("Scenario saved to {path}.")),
    "replay": both(N_("Replay exactly this scenario:")),
    "rerun": both(N_("Repeat the same exploration:")),
    "coverage": both(N_("Coverage {got:.0f}% is below the required {want:.0f}%.")),
    "unknown": both(N_("unknown invariant(s): {names}; known: {known}")),
    "replay_ok": both(N_("Scenario replayed: every invariant held ({steps} steps).")),
    "switched_off": both(N_("Built-in check {name} is switched off by this SOP: {reason}")),
    "other_sop": both(
        N_("Warning: the scenario was recorded against another version of this SOP file.")
    ),
}


def save_scenario(result: Result, path: Path, sop_file: Path) -> None:
    """Write the failing scenario of ``result`` as JSON (see :func:`load_scenario`)."""
    assert result.failure is not None
    log = result.failure.log
    doc = {
        "sop": str(sop_file),
        "sop_hash": result.sop.hash,
        "invariant": result.failure.invariant,
        "start": (log[0].at if log else DEFAULT_START).isoformat(),
        "steps": [s.to_json() for s in result.scenario],
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def load_scenario(path: Path) -> tuple[datetime, list[Step], str]:
    """The start instant, the steps and the SOP hash of a saved scenario."""
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return (
        datetime.fromisoformat(doc["start"]),
        [Step.from_json(s) for s in doc["steps"]],
        doc.get("sop_hash", ""),
    )


def run_test_command(
    sop_file: Path,
    *,
    max_examples: int,
    max_steps: int,
    seed: int | None,
    invariants: Sequence[str],
    min_coverage: float | None,
    replay_file: Path | None,
    save: Path | None,
    lang: Lang,
    registry: Registry,
    fmt: Literal["text", "json"] = "text",
    junit: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Run ``sop test`` and return its exit code: 0 passed, 1 failed or file invalid, 2 an
    unknown ``--invariant`` (a usage error).

    ``fmt="json"`` prints one JSON document on standard output instead of the text (its shape is
    documented in docs/testing.md); ``junit`` also writes a JUnit XML report there (one testcase
    per invariant, a failure carrying the shortest scenario); ``progress`` is told how many
    scenarios have started (the command line's progress bar).
    """
    human = fmt == "text"
    console = Console(
        highlight=False, emoji=False, soft_wrap=True, file=None if human else io.StringIO()
    )
    doc: dict[str, Any] = {
        "sop_file": str(sop_file),
        "sop": None,
        "sop_hash": None,
        "mode": "explore" if replay_file is None else "replay",
        "seed": None,
        "max_examples": max_examples,
        "max_steps": max_steps,
        "status": "passed",
        "findings": [],
        "invariants": [],
        "failure": None,
        "coverage": None,
        "min_coverage": min_coverage,
        "steps": 0,
    }

    def finish(code: int, status: str) -> int:
        doc["status"] = status
        if junit is not None:
            junit.write_text(junit_xml(doc, lang), encoding="utf-8")
        if not human:
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return code

    findings = [f for f in lint_file(sop_file, registry=registry) if f.severity == "error"]
    if findings:
        for f in findings:
            console.print(f.format(lang), style="red", markup=False)
        doc["findings"] = [f.to_json(lang) for f in findings]
        return finish(1, "invalid")
    from sop_engine._compile.compiled import compile_sop
    from sop_engine._compile.loading import load_definition

    try:
        sop = compile_sop(load_definition(sop_file, registry=registry), registry)
    except SopError as e:  # pragma: no cover - lint_file found nothing above
        console.print(str(e), style="red", markup=False)
        doc["findings"] = [{"message": str(e)}]
        return finish(1, "invalid")
    doc["sop"], doc["sop_hash"] = sop.id, sop.hash
    section = sop.definition.sections.get("invariants", ())
    declared = [i.name for i in section if i.disabled_because is None]
    off = {i.name: i.disabled_because for i in section if i.disabled_because is not None}
    known = [*(n for n in BUILTIN_INVARIANTS if n not in off), *declared]
    unknown = [n for n in invariants if n not in known]
    if unknown:
        message = _T["unknown"].get(lang).format(names=", ".join(unknown), known=", ".join(known))
        if not human:  # a usage error: the message goes to standard error, exit 2
            print(message, file=sys.stderr)
        console.print(message, style="red", markup=False)
        return 2
    selected = list(invariants) or None
    titles = {
        **{n: t.get(lang) for n, t in BUILTIN_INVARIANTS.items()},
        **{i.name: i.title.get(lang) for i in section},
    }
    calendar = None
    if replay_file is not None:
        start, steps, sop_hash = load_scenario(replay_file)
        if sop_hash and sop_hash != sop.hash:
            console.print(_T["other_sop"].get(lang), style="yellow")
        result = replay(sop, steps, registry=registry, invariants=selected, start=start)
    else:
        result = explore(
            sop,
            registry=registry,
            max_examples=max_examples,
            max_steps=max_steps,
            seed=seed,
            invariants=selected,
            progress=progress,
        )
        doc["seed"] = result.seed
        console.print(
            _T["exploring"]
            .get(lang)
            .format(sop=sop_file, n=max_examples, m=max_steps, seed=result.seed),
            markup=False,
        )
    doc["steps"] = result.steps
    doc["coverage"] = {
        "ratio": round(result.coverage.ratio, 4),
        "parts": [
            {
                "kind": row.kind,
                "label": row.label.get(lang),
                "exercised": row.hit,
                "total": row.total,
                "not_exercised": list(row.missing),
            }
            for row in result.coverage.rows()
        ],
    }
    failed = result.failure.invariant if result.failure is not None else None
    doc["invariants"] = [
        {
            "name": name,
            "title": titles.get(name, name),
            "status": "failed" if name == failed else "passed" if failed is None else "unfinished",
        }
        for name in (selected or known)
    ] + [
        {"name": name, "title": titles.get(name, name), "status": "switched_off",
         "reason": reason.get(lang)}
        for name, reason in off.items()
    ]  # fmt: skip
    if sop.calendar is not None:
        calendar = sop.calendar
    if result.failure is not None:
        text = scenario_text(result.failure, sop, calendar, lang)
        console.print(_T["failed"].get(lang), style="bold red")
        console.print(text, markup=False)
        target = save or Path(f"sop-test-{sop.id}.json")
        if replay_file is None:
            save_scenario(result, target, sop_file)
            console.print(_T["saved"].get(lang).format(path=target), markup=False)
        console.print(_T["replay"].get(lang), style="bold")
        again = replay_file if replay_file is not None else target
        replay_line = f"sop test {shlex.quote(str(sop_file))} --replay {shlex.quote(str(again))}"
        console.print(f"  {replay_line}", markup=False)
        rerun_line = None
        if replay_file is None:
            console.print(_T["rerun"].get(lang), style="bold")
            rerun_line = (
                f"sop test {shlex.quote(str(sop_file))} --seed {result.seed} "
                f"--max-examples {max_examples} --max-steps {max_steps}"
            )
            rerun_line += "".join(f" --invariant {n}" for n in invariants)
            console.print(f"  {rerun_line}", markup=False)
        doc["failure"] = {
            "invariant": result.failure.invariant,
            "title": result.failure.title.get(lang),
            "case_id": result.failure.case_id,
            "detail": render(result.failure.detail, lang),
            "steps": [step.to_json() for step in result.scenario],
            "scenario": text,
            "saved_to": str(target) if replay_file is None else None,
            "replay_command": replay_line,
            "rerun_command": rerun_line,
        }
        return finish(1, "failed")
    if replay_file is not None:
        console.print(_T["replay_ok"].get(lang).format(steps=result.steps), style="green")
        return finish(0, "passed")
    console.print(coverage_table(result.coverage, lang))
    for name, reason in off.items():
        line = _T["switched_off"].get(lang).format(name=name, reason=reason.get(lang))
        console.print(line, style="yellow", markup=False)
    count = len(selected) if selected else len(known)
    console.print(_T["passed"].get(lang).format(k=count, steps=result.steps), style="bold green")
    if min_coverage is not None and result.coverage.ratio * 100 < min_coverage:
        console.print(
            _T["coverage"].get(lang).format(got=result.coverage.ratio * 100, want=min_coverage),
            style="bold red",
        )
        return finish(1, "coverage_below")
    return finish(0, "passed")
