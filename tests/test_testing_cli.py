"""`sop test` for people who do not write Python, and the pytest plugin for those who do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import Actor, Engine, SimulatedClock
from sop_engine.cli import main
from sop_engine.testing import Result

from conftest import EXAMPLES, LAPOR

BUGGY = EXAMPLES / "buggy" / "sop.yaml"


def _sop_test(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["test", *args])
    return result.exit_code, result.output


def test_reference_sop_passes_with_a_coverage_table() -> None:
    code, out = _sop_test(str(LAPOR), "--max-examples", "15", "--seed", "1", "--lang", "en")
    assert code == 0, out
    assert "Test coverage" in out
    assert "transitions" in out
    assert "escalation levels" in out
    assert "All 15 invariants held over" in out


def test_buggy_sop_fails_with_a_numbered_scenario_and_replay_commands(tmp_path: Path) -> None:
    scenario = tmp_path / "gagal.json"
    code, out = _sop_test(
        str(BUGGY), "--max-examples", "60", "--seed", "5", "--save", str(scenario)
    )
    assert code == 1
    assert "Invarian dilanggar. Skenario terpendek yang ditemukan:" in out
    assert "  1. Senin 02-03-2026 09:00 WITA — " in out
    assert "✗ INVARIAN DILANGGAR: " in out
    assert f"sop test {BUGGY} --replay {scenario}" in out
    assert f"sop test {BUGGY} --seed 5 --max-examples 60 --max-steps 50" in out
    saved = json.loads(scenario.read_text(encoding="utf-8"))
    assert saved["steps"][0]["kind"] == "start"
    # the replay command reproduces exactly the same scenario and verdict
    code2, out2 = _sop_test(str(BUGGY), "--replay", str(scenario))
    assert code2 == 1
    numbered = [line for line in out.splitlines() if line[:5].strip().rstrip(".").isdigit()]
    assert numbered == [line for line in out2.splitlines() if line in numbered]
    assert out.split("✗")[1].splitlines()[0] == out2.split("✗")[1].splitlines()[0]


def test_each_buggy_defect_is_found_from_the_command_line(tmp_path: Path) -> None:
    found = set()
    for name in ("timed_events_accepted", "selesai_ada_tanggapan", "arsip_beralasan"):
        code, out = _sop_test(
            str(BUGGY), "--max-examples", "100", "--seed", "5", "--invariant", name,
            "--save", str(tmp_path / f"{name}.json"), "--lang", "en",
        )  # fmt: skip
        assert code == 1
        if f"[{name}]" in out:
            found.add(name)
    assert found == {"timed_events_accepted", "selesai_ada_tanggapan", "arsip_beralasan"}


def test_the_same_seed_gives_the_same_verdict_and_coverage() -> None:
    args = (str(EXAMPLES / "dpmptsp" / "sop.yaml"), "--max-examples", "10", "--seed", "42")
    assert _sop_test(*args) == _sop_test(*args)


def test_min_coverage_fails_a_run_that_explored_too_little() -> None:
    code, out = _sop_test(
        str(LAPOR), "--max-examples", "2", "--max-steps", "5", "--seed", "1",
        "--min-coverage", "100", "--lang", "en",
    )  # fmt: skip
    assert code == 1
    assert "is below the required 100%" in out


def test_unknown_invariant_and_invalid_file_are_reported_without_traceback(
    tmp_path: Path,
) -> None:
    code, out = _sop_test(str(LAPOR), "--invariant", "tidak_ada", "--lang", "en")
    assert code == 2  # a usage error, not a broken rule
    assert "unknown invariant(s): tidak_ada" in out
    assert "selesai_ada_tanggapan" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("sop: [\n", encoding="utf-8")
    code, out = _sop_test(str(bad))
    assert code == 1
    assert "SOP002" in out
    assert "Traceback" not in out


# -- the pytest plugin ---------------------------------------------------------------------------


def test_plugin_fixtures_give_an_engine_a_clock_and_cases(
    sop_engine: Engine, sop_clock: SimulatedClock, sop_case_factory: object
) -> None:
    assert sop_engine.clock is sop_clock
    case = sop_case_factory(LAPOR, {"judul": "Lampu mati"})  # type: ignore[operator]
    assert case.state == "diterima"
    assert case.data["judul"] == "Lampu mati"
    assert sop_engine.history(case.id)[0].actor == Actor("penguji", "admin_instansi")


@pytest.mark.sop_file(str(LAPOR))
def test_plugin_harness_runs_the_marked_sop(sop_harness: object) -> None:
    result = sop_harness(max_examples=5)  # type: ignore[operator]
    assert isinstance(result, Result)
    assert result.passed
    assert result.steps > 0


def test_plugin_harness_fails_a_test_with_the_scenario(tmp_path: Path) -> None:
    test_file = tmp_path / "test_buggy_sop.py"
    test_file.write_text(
        "import pytest\n\n"
        f"@pytest.mark.sop_file({str(BUGGY)!r})\n"
        "def test_buggy(sop_harness):\n"
        "    sop_harness(max_examples=60, seed=5, invariants=['selesai_ada_tanggapan'])\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 1, done.stdout
    assert "selesai_ada_tanggapan" in done.stdout
    assert "Close the case [tutup] on case" in done.stdout
