"""Every code block of the documentation is run or checked (issue 16, "every command and code
block in the docs is run by a test").

The test walks every Markdown page under ``docs/`` and ``CONTRIBUTING.md`` and, per page, in a
fresh directory that sees the repository's ``examples/`` (``SOP_LANG=id``, the venv's ``bin``
first on ``PATH``, as ``tests/test_docs.py`` runs the tutorial):

- ``sh`` / ``bash`` / ``console`` blocks run with ``bash -euo pipefail``, one after the other in
  the page's directory (a later block may use what an earlier one wrote); a ``console`` block
  runs its ``$ `` lines;
- ``python`` blocks run with the interpreter of the tests;
- ``yaml`` blocks: a whole SOP (it has ``sop``, ``states`` and ``events``) must pass
  ``sop lint``; a fragment whose keys are all top-level SOP sections is checked against
  ``docs/sop.schema.json`` (the SOP's ``required`` list lifted: it is a part); any other YAML
  must parse;
- ``json`` blocks parse, ``toml`` blocks parse.

A block that cannot run in a test (a server that runs until stopped, a PostgreSQL URL of a real
deployment, ``pip install`` from PyPI, a drawing or a shown output) carries, right before it, an
HTML comment ``<!-- not run: REASON -->``; the test fails on a block that is neither run, checked
nor marked with a reason, so a new block cannot slip in unchecked. A few pages are run by their
own tests (``RUN_ELSEWHERE``): the walker does not run their blocks twice.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sop_engine._definition.source import Source, read_source

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent
PAGES = [*sorted(DOCS.rglob("*.md")), ROOT / "CONTRIBUTING.md"]
TIMEOUT = 300
# Pages (and the block languages of them) that another test already runs, with that test's name:
# the walker leaves them to it rather than spend the CPU twice.
RUN_ELSEWHERE = {
    ("id/tutorial.md", "sh"): "tests/test_docs.py::test_every_command_of_the_tutorials_runs",
    (
        "reference/api.md",
        "python",
    ): "tests/test_docs.py::test_every_python_block_of_the_api_page_runs",
    (
        "calendar.md",
        "sh",
    ): "tests/test_docs.py::test_the_calendar_page_shows_what_its_commands_print",
    ("diagrams.md", "mermaid"): "tests/test_docs_reports.py (the page is regenerated and compared)",
}
FENCE = re.compile(
    r"(?ms)^(?P<indent>[ ]*)(?P<tick>`{3,})(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)(?P=tick)[ ]*$"
)
MARKER = re.compile(r"<!--\s*not run:\s*(?P<reason>.*?)\s*-->\s*$", re.S)
SHELL = {"sh", "bash", "console"}


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    body: str
    not_run: str | None  # the reason in the page's marker, if any

    @property
    def where(self) -> str:
        return f"{_name(self.page)}:{self.line}"


def _name(page: Path) -> str:
    return page.relative_to(DOCS).as_posix() if page.is_relative_to(DOCS) else page.name


def page_blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a page (MyST directives such as ``{toctree}`` are not code)."""
    text = page.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        info = m["info"].strip()
        if info.startswith("{"):
            continue
        before = text[: m.start()].rstrip()
        marker = MARKER.search(before.splitlines()[-1]) if before else None
        indent = len(m["indent"])
        body = "".join(line[indent:] for line in m["body"].splitlines(keepends=True))
        out.append(
            Block(
                page,
                text.count("\n", 0, m.start()) + 1,
                info.split()[0] if info else "",
                body,
                marker["reason"] if marker else None,
            )
        )
    return out


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(home)  # a block that writes to ~ writes into the test's directory
    env.update({"SOP_LANG": "id", "COLUMNS": "120", "MPLBACKEND": "Agg"})
    return env


def _lift_required(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _lift_required(v)
            for k, v in node.items()
            if k != "required" or not isinstance(v, list)
        }
    if isinstance(node, list):
        return [_lift_required(v) for v in node]
    return node


def _sop_schema_for_a_part() -> dict[str, Any]:
    """The SOP schema without its ``required`` lists: a fragment is a part of a part (a
    ``deadlines`` section shown for its calendar alone), its keys and values are still checked."""
    schema: dict[str, Any] = _lift_required(
        json.loads((DOCS / "sop.schema.json").read_text(encoding="utf-8"))
    )
    return schema


def _read_yaml(block: Block) -> Any:
    """The block read as the engine reads an SOP (no YAML timestamps: a date stays text); a
    block that is not a mapping (a list of transitions) with the plain safe loader."""
    source = read_source(f"{block.where}.yaml", block.body)
    if isinstance(source, Source):
        return source.data
    return yaml.safe_load(block.body)


def _check_yaml(block: Block, work: Path) -> None:
    data = _read_yaml(block)
    if isinstance(data, dict) and {"sop", "states", "events"} <= set(data):
        path = work / f"block-{block.line}.yaml"
        path.write_text(block.body, encoding="utf-8")
        done = _run(["sop", "lint", str(path)], work)
        assert done.returncode == 0, f"{block.where}: sop lint\n{done.stdout}{done.stderr}"
        return
    schema = _sop_schema_for_a_part()
    if isinstance(data, dict) and data and set(data) <= set(schema["properties"]):
        errors = sorted(
            jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: e.json_path
        )
        assert not errors, f"{block.where}: not a valid part of an SOP: " + "; ".join(
            f"{e.json_path}: {e.message}" for e in errors
        )


def _run(command: list[str], work: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=work,
        env=_env(work),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _check(block: Block, work: Path) -> None:
    if block.language in SHELL:
        script = block.body
        if block.language == "console":
            script = "\n".join(line[2:] for line in script.splitlines() if line.startswith("$ "))
        done = _run(["bash", "-euo", "pipefail", "-c", script], work)
        assert done.returncode == 0, (
            f"{block.where}\n{script}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    elif block.language == "python":
        done = _run([sys.executable, "-c", block.body], work)
        assert done.returncode == 0, f"{block.where}\n{block.body}\n{done.stderr[-3000:]}"
    elif block.language == "yaml":
        _check_yaml(block, work)
    elif block.language == "json":
        json.loads(block.body)
    elif block.language == "toml":
        tomllib.loads(block.body)
    else:
        pytest.fail(
            f"{block.where}: a ```{block.language} block the test cannot run or check: mark it "
            "with <!-- not run: REASON --> right before it, or give it a language it runs"
        )


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_block_of_the_page_runs_or_says_why_not(page: Path, tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for block in page_blocks(page):
        if (_name(page), block.language) in RUN_ELSEWHERE:
            continue
        if block.not_run is not None:
            assert len(block.not_run.split()) >= 3, (
                f"{block.where}: the not-run marker must say why (a few words), not {block.not_run!r}"
            )
            continue
        _check(block, tmp_path)


def test_the_walker_finds_blocks_markers_and_indented_fences(tmp_path: Path) -> None:
    """A check of the check: the parser sees an indented fence, a marker and its reason, and
    skips MyST directives."""
    page = tmp_path / "page.md"
    page.write_text(
        "# T\n\n```{toctree}\nx\n```\n\n<!-- not run: starts a server that runs forever -->\n"
        "```sh\nsop serve\n```\n\n- item\n\n  ```toml\n  [a]\n  b = 1\n  ```\n\n```python\nx = 1\n```\n",
        encoding="utf-8",
    )
    found = page_blocks(page)
    assert [(b.language, b.not_run) for b in found] == [
        ("sh", "starts a server that runs forever"),
        ("toml", None),
        ("python", None),
    ]
    assert found[1].body == "[a]\nb = 1\n"
    with pytest.raises(AssertionError, match="not a valid part of an SOP"):
        _check_yaml(
            Block(page, 1, "yaml", "states:\n  a: { initial: yes_please }\n", None), tmp_path
        )


def test_a_whole_sop_block_is_linted(tmp_path: Path) -> None:
    """A check of the check: a block holding a whole SOP goes through ``sop lint`` (no page has
    one today; the example SOP passes, the same SOP with a typo fails with its finding)."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    text = (ROOT / "examples" / "lapor" / "sop.yaml").read_text(encoding="utf-8")
    page = tmp_path / "page.md"
    _check_yaml(Block(page, 1, "yaml", text, None), tmp_path)
    broken = text.replace("initial: true", "intial: true", 1)
    assert broken != text
    with pytest.raises(AssertionError, match="SOP010"):
        _check_yaml(Block(page, 2, "yaml", broken, None), tmp_path)


def test_the_pages_left_to_other_tests_still_have_those_blocks() -> None:
    """An exemption in ``RUN_ELSEWHERE`` names a page and a language that exist: a renamed page
    or a changed block language would otherwise leave its blocks unchecked by both tests."""
    for (name, language), _test in RUN_ELSEWHERE.items():
        page = DOCS / name
        assert page.exists(), name
        assert any(b.language == language for b in page_blocks(page)), (name, language)
