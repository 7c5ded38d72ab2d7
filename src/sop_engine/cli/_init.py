"""``sop init DIR``: a starter SOP from a shipped template, ready for an editor and ``sop lint``.

It writes ``DIR/sop.yaml`` (the template, whose first line points the YAML language server at the
schema next to it) and ``DIR/sop.schema.json`` (the schema with the installed plugins' guards and
actions, so completion offers exactly what this machine can run). An existing ``sop.yaml`` is
never overwritten: a policy officer's work is not lost to a repeated command.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import click

from sop_engine._compile.loading import sop_schema
from sop_engine._core.i18n import N_, gettext
from sop_engine._core.text import Lang
from sop_engine._ops.examples import TEMPLATES, example_text
from sop_engine.cli._common import FORMAT, LANG, EnvironmentProblem, json_text, registry

__all__ = ["init"]

SCHEMA_LINE = "# yaml-language-server: $schema=sop.schema.json"
"""The editor line every written SOP starts with (the schema file is written beside it)."""

_MESSAGES = {
    "exists": N_("{path} already exists; choose another directory or delete the file first"),
    "written": N_("wrote {sop} (template {template}) and {schema}; next: sop lint {sop}"),
}


def _text(key: str, lang: Lang, **values: str) -> str:
    return gettext(_MESSAGES[key], lang).format(**values)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--template",
    type=click.Choice(TEMPLATES),
    default="minimal",
    show_default=True,
    help="lapor: a complaint unit on SP4N-LAPOR!; dpmptsp: a licensing office; "
    "minimal: three states and two events.",
)
@FORMAT
@LANG
def init(directory: Path, template: str, fmt: Literal["text", "json"], lang: Lang) -> None:
    """Write a starter SOP (DIRECTORY/sop.yaml) and its editor schema (sop.schema.json)."""
    sop_file = directory / "sop.yaml"
    schema_file = directory / "sop.schema.json"
    if sop_file.exists():
        raise EnvironmentProblem(_text("exists", lang, path=str(sop_file)))
    lines = example_text(template).splitlines(keepends=True)
    if lines and lines[0].startswith("# yaml-language-server:"):
        lines = lines[1:]
    directory.mkdir(parents=True, exist_ok=True)
    # the editor shows the schema's descriptions: in the officer's language
    schema = sop_schema(registry(), lang=lang)
    schema_file.write_text(json_text(schema) + "\n", encoding="utf-8")
    sop_file.write_text(SCHEMA_LINE + "\n" + "".join(lines), encoding="utf-8")
    if fmt == "json":
        click.echo(
            json_text({"sop": str(sop_file), "schema": str(schema_file), "template": template})
        )
    else:
        click.echo(
            _text("written", lang, sop=str(sop_file), schema=str(schema_file), template=template)
        )
    sys.exit(0)
