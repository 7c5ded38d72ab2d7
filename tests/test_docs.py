"""The documentation site (issue 16): it builds with warnings as errors, and its commands work.

- ``sphinx-build -W`` on ``docs/`` (MyST pages, the CLI reference from the live click commands,
  the API reference from the docstrings): a broken link, a docstring autodoc cannot read or a
  page outside every table of contents fails the test, as it fails ``make docs-site``.
- Every ``sh`` block of the tutorials and every ``python`` block of the API page is run, in a
  fresh directory that sees the repository's ``examples/``, and must succeed. ``pip install``
  lines are skipped (the package under test is already installed).
- The Indonesian page of finding codes is generated from the catalogue and kept in step.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sop_engine._core.findings import codes_markdown_id

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent
RUN_SHELL = [DOCS / "id" / "tutorial.md", DOCS / "tutorial-en.md"]
RUN_PYTHON = [DOCS / "reference" / "api.md"]
TIMEOUT = 900


def blocks(path: Path, language: str) -> list[str]:
    """The fenced code blocks of ``language`` in a Markdown page, in order."""
    text = path.read_text(encoding="utf-8")
    return re.findall(rf"(?ms)^```{language}\n(.*?)^```", text)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update({"SOP_LANG": "id", "COLUMNS": "120", "MPLBACKEND": "Agg"})
    return env


def _workdir(tmp_path: Path) -> Path:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    return tmp_path


@pytest.mark.parametrize("page", RUN_SHELL, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_command_of_the_tutorials_runs(page: Path, tmp_path: Path) -> None:
    found = blocks(page, "sh")
    assert found, f"{page} has no sh blocks"
    script = "\n".join(
        line for block in found for line in block.splitlines() if not line.startswith("pip ")
    )
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=_workdir(tmp_path),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (tmp_path / "demo.sqlite3").exists()


def test_the_tutorial_shows_the_finding_it_promises(tmp_path: Path) -> None:
    """The Indonesian tutorial quotes a finding for a typo: that is what sop lint says."""
    work = _workdir(tmp_path)
    env = _env()
    subprocess.run(
        ["sop", "init", "pengaduan", "--template", "minimal"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    sop = work / "pengaduan" / "sop.yaml"
    sop.write_text(sop.read_text(encoding="utf-8").replace("initial: true", "intial: true"))
    done = subprocess.run(
        ["sop", "lint", str(sop)], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    page = " ".join((DOCS / "id" / "tutorial.md").read_text(encoding="utf-8").split())
    quoted = re.search(r"memberi `(SOP010 [^`]*)`", page)
    assert quoted is not None
    assert quoted[1] in " ".join(done.stdout.split())


@pytest.mark.parametrize("page", RUN_PYTHON, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_python_block_of_the_api_page_runs(page: Path, tmp_path: Path) -> None:
    for block in blocks(page, "python"):
        done = subprocess.run(
            [sys.executable, "-c", block],
            cwd=_workdir(tmp_path),
            env=_env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, block + "\n" + done.stderr[-3000:]


def test_the_indonesian_finding_codes_page_is_current() -> None:
    page = (DOCS / "id" / "kode-temuan.md").read_text(encoding="utf-8")
    assert page == codes_markdown_id(), "run `make docs` to refresh docs/id/kode-temuan.md"


def test_the_site_builds_with_warnings_as_errors(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(DOCS),
            str(tmp_path / "html"),
        ],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    cli = (tmp_path / "html" / "reference" / "cli.html").read_text(encoding="utf-8")
    assert 'id="sop-lint"' in cli  # sphinx-click documented the live commands
    api = (tmp_path / "html" / "reference" / "api.html").read_text(encoding="utf-8")
    assert 'id="sop_engine.Engine"' in api  # autodoc documented the public API
    assert (tmp_path / "html" / "sop.schema.json").exists()  # the schema's $id resolves
    assert shutil.which("sop", path=str(BIN)) is not None
