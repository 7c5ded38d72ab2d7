"""``sop test``: the stateful harness for people who do not write Python.

The command lints the file first (a broken file gets the linter's findings, not a traceback),
explores it, and prints either the coverage table or the failing scenario with the exact command
that replays it. A scenario file holds the steps as JSON, so it can be attached to a ticket,
replayed after the SOP is fixed (``--replay``) and kept as a regression case.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from sop_engine._compile.loading import lint_file
from sop_engine._compile.registry import Registry
from sop_engine._core.errors import SopError
from sop_engine._core.text import Lang, Text
from sop_engine.testing.harness import DEFAULT_START, Result, explore, replay
from sop_engine.testing.report import coverage_table, scenario_text
from sop_engine.testing.world import BUILTIN_INVARIANTS, Step

__all__ = ["run_test_command", "save_scenario"]

_T = {
    "exploring": Text(
        "Menjelajahi {sop}: {n} skenario × ≤ {m} langkah, seed {seed}",
        "Exploring {sop}: {n} scenarios × ≤ {m} steps, seed {seed}",
    ),
    "passed": Text(
        "Semua {k} invarian terpenuhi dalam {steps} langkah.",
        "All {k} invariants held over {steps} steps.",
    ),
    "failed": Text(
        "Invarian dilanggar. Skenario terpendek yang ditemukan:",
        "An invariant failed. The shortest scenario found:",
    ),
    "saved": Text("Skenario disimpan di {path}.", "Scenario saved to {path}."),
    "replay": Text("Putar ulang skenario ini persis:", "Replay exactly this scenario:"),
    "rerun": Text("Ulangi penjelajahan yang sama:", "Repeat the same exploration:"),
    "coverage": Text(
        "Cakupan {got:.0f}% di bawah batas {want:.0f}%.",
        "Coverage {got:.0f}% is below the required {want:.0f}%.",
    ),
    "unknown": Text(
        "invarian tidak dikenal: {names}; yang ada: {known}",
        "unknown invariant(s): {names}; known: {known}",
    ),
    "replay_ok": Text(
        "Skenario dijalankan ulang: semua invarian terpenuhi ({steps} langkah).",
        "Scenario replayed: every invariant held ({steps} steps).",
    ),
    "switched_off": Text(
        "Pemeriksaan bawaan {name} dinonaktifkan oleh SOP ini: {reason}",
        "Built-in check {name} is switched off by this SOP: {reason}",
    ),
    "other_sop": Text(
        "Peringatan: skenario dibuat untuk versi lain berkas SOP ini.",
        "Warning: the scenario was recorded against another version of this SOP file.",
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
) -> int:
    """Run ``sop test`` and return its exit code (0 passed, 1 failed or file invalid)."""
    console = Console(highlight=False, emoji=False, soft_wrap=True)
    findings = [f for f in lint_file(sop_file, registry=registry) if f.severity == "error"]
    if findings:
        for f in findings:
            console.print(f.format(lang), style="red", markup=False)
        return 1
    from sop_engine._compile.compiled import compile_sop
    from sop_engine._compile.loading import load_definition

    try:
        sop = compile_sop(load_definition(sop_file, registry=registry), registry)
    except SopError as e:  # pragma: no cover - lint_file found nothing above
        console.print(str(e), style="red", markup=False)
        return 1
    section = sop.definition.sections.get("invariants", ())
    declared = [i.name for i in section if i.disabled_because is None]
    off = {i.name: i.disabled_because for i in section if i.disabled_because is not None}
    known = [*(n for n in BUILTIN_INVARIANTS if n not in off), *declared]
    unknown = [n for n in invariants if n not in known]
    if unknown:
        console.print(
            _T["unknown"].get(lang).format(names=", ".join(unknown), known=", ".join(known)),
            style="red",
            markup=False,
        )
        return 1
    selected = list(invariants) or None
    calendar = None
    if replay_file is not None:
        start, steps, sop_hash = load_scenario(replay_file)
        if sop_hash and sop_hash != sop.hash:
            console.print(_T["other_sop"].get(lang), style="yellow")
        result = replay(sop, steps, registry=registry, invariants=selected, start=start)
    else:
        with console.status("…"):
            result = explore(
                sop,
                registry=registry,
                max_examples=max_examples,
                max_steps=max_steps,
                seed=seed,
                invariants=selected,
            )
        console.print(
            _T["exploring"]
            .get(lang)
            .format(sop=sop_file, n=max_examples, m=max_steps, seed=result.seed),
            markup=False,
        )
    if sop.calendar is not None:
        calendar = sop.calendar
    if result.failure is not None:
        console.print(_T["failed"].get(lang), style="bold red")
        console.print(scenario_text(result.failure, sop, calendar, lang), markup=False)
        target = save or Path(f"sop-test-{sop.id}.json")
        if replay_file is None:
            save_scenario(result, target, sop_file)
            console.print(_T["saved"].get(lang).format(path=target), markup=False)
        console.print(_T["replay"].get(lang), style="bold")
        again = replay_file if replay_file is not None else target
        console.print(
            f"  sop test {shlex.quote(str(sop_file))} --replay {shlex.quote(str(again))}",
            markup=False,
        )
        if replay_file is None:
            console.print(_T["rerun"].get(lang), style="bold")
            line = (
                f"  sop test {shlex.quote(str(sop_file))} --seed {result.seed} "
                f"--max-examples {max_examples} --max-steps {max_steps}"
            )
            line += "".join(f" --invariant {n}" for n in invariants)
            console.print(line, markup=False)
        return 1
    if replay_file is not None:
        console.print(_T["replay_ok"].get(lang).format(steps=result.steps), style="green")
        return 0
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
        return 1
    return 0
