"""``sop schema``: the JSON Schema of SOP files, for editors and CI."""

from __future__ import annotations

from pathlib import Path

import click

from sop_engine._compile.loading import sop_schema
from sop_engine._compile.registry import Registry
from sop_engine._core.text import Lang
from sop_engine.cli._common import json_text, registry

__all__ = ["schema"]


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--core",
    is_flag=True,
    help="Only sop_engine's own guards, actions and sections, without installed plugins.",
)
@click.option(
    "--lang",
    type=click.Choice(["id", "en"]),
    default="en",
    show_default=True,
    help="Language of the descriptions an editor shows on hover: id writes the Indonesian "
    "schema (sop.schema.id.json).",
)
def schema(output: Path | None, core: bool, lang: Lang) -> None:
    """Print the JSON Schema of SOP files (with the installed guards and actions)."""
    plugins = Registry(load_entry_points=False) if core else registry()
    text = json_text(sop_schema(plugins, lang=lang)) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
