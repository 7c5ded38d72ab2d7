"""Exit codes of ``sop`` (issue 16): 0 ok, 1 findings, 2 usage or environment errors.

``sop test`` used to exit 1 both for a broken rule and for "Hypothesis not installed"; a CI job
could not tell a defect of the SOP from a broken machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine.cli import main

ROOT = Path(__file__).resolve().parents[1]
BUGGY = ROOT / "examples" / "buggy" / "sop.yaml"

# A fresh interpreter in which Hypothesis cannot be imported (as on a machine without the
# testing extra); the rest of the engine is the installed one.
WITHOUT_HYPOTHESIS = """
import sys
sys.modules["hypothesis"] = None
from sop_engine.cli import main
main(sys.argv[1:])
"""


def _sop_without_hypothesis(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOP_LANG": "id"}
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_HYPOTHESIS, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_sop_test_without_hypothesis_is_an_environment_error(tmp_path: Path) -> None:
    done = _sop_without_hypothesis("test", str(BUGGY), cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "sop test memerlukan Hypothesis, yang belum terpasang" in done.stderr
    assert "pip install 'sop-engine[testing]'" in done.stderr


def test_sop_test_on_a_broken_rule_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the failing scenario is saved in the working directory
    result = CliRunner().invoke(main, ["test", str(BUGGY), "--seed", "1", "--max-examples", "50"])
    assert result.exit_code == 1, result.output
