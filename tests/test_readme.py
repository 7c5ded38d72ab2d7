"""The README's examples are real: the 15-line SOP lints clean and the API snippet runs."""

from __future__ import annotations

import contextlib
import io
import os
import re

from sop_engine import Actor, Engine, lint_text, load_definition

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(lang: str) -> str:
    blocks = re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)
    assert blocks, f"no {lang} block in README.md"
    return blocks[0]


def test_readme_opens_with_the_two_commands() -> None:
    first = _block("sh").strip().splitlines()
    assert [line.split("#")[0].strip() for line in first] == ["make demo", "make test"]


def test_small_sop_is_valid_and_runs() -> None:
    text = _block("yaml")
    assert len(text.strip().splitlines()) <= 16
    assert lint_text(text, name="README.md") == []
    engine = Engine()
    sop = engine.add(load_definition("README.md", text=text))
    admin = Actor("a", "admin")
    case = engine.start(sop.id, {}, admin)
    assert engine.fire(case.id, "tutup", Actor("p", "pelapor")).state == "selesai"


def test_python_snippet_runs() -> None:
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(_block("python"), "README.md", "exec"), {})  # our own README, not an SOP
    finally:
        os.chdir(cwd)
    assert "data belum lengkap: lokasi" in out.getvalue()
