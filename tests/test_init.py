"""``sop init`` and the shipped reference SOPs (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine._ops.examples import TEMPLATES, example_path, example_text
from sop_engine.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["lapor", "dpmptsp"])
def test_the_readable_examples_are_the_shipped_ones(name: str) -> None:
    """examples/NAME/sop.yaml is byte-for-byte the package data (`make examples` copies it)."""
    readable = (ROOT / "examples" / name / "sop.yaml").read_bytes()
    with example_path(name) as shipped:
        assert shipped.read_bytes() == readable, f"run `make examples` after editing {name}"


@pytest.mark.parametrize("template", TEMPLATES)
def test_init_writes_a_valid_sop_and_its_schema(template: str, tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "baru"
    made = runner.invoke(main, ["init", str(target), "--template", template, "--format", "json"])
    assert made.exit_code == 0, made.output
    written = json.loads(made.output)
    assert written == {
        "sop": str(target / "sop.yaml"),
        "schema": str(target / "sop.schema.json"),
        "template": template,
    }
    text = (target / "sop.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=sop.schema.json\n")
    assert text.splitlines()[1:] == example_text(template).splitlines()[1:]
    schema = json.loads((target / "sop.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"].startswith("https://")
    lint = runner.invoke(main, ["lint", str(target / "sop.yaml")])
    assert lint.exit_code == 0, lint.output


def test_init_never_overwrites_an_sop(tmp_path: Path) -> None:
    (tmp_path / "sop.yaml").write_text("sop: {}\n", encoding="utf-8")
    again = CliRunner().invoke(main, ["init", str(tmp_path), "--lang", "id"])
    assert again.exit_code == 2
    assert "sudah ada" in again.output
    assert (tmp_path / "sop.yaml").read_text(encoding="utf-8") == "sop: {}\n"
    english = CliRunner().invoke(main, ["init", str(tmp_path), "--lang", "en"])
    assert english.exit_code == 2
    assert "already exists" in english.output


def test_init_refuses_a_file_as_directory(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "f")])
    assert result.exit_code == 2
    assert (tmp_path / "f").read_text(encoding="utf-8") == "x"


def test_init_rejects_an_unknown_template(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--template", "nope"])
    assert result.exit_code == 2
    assert not (tmp_path / "sop.yaml").exists()
