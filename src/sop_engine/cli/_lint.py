"""``sop lint``: check SOP files and report every finding with its position."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import click

from sop_engine._compile.loading import lint_file
from sop_engine._core.findings import Finding
from sop_engine._core.text import Lang
from sop_engine.cli._common import LANG, console, json_text, registry

__all__ = ["lint"]


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for editors and CI.",
)
@LANG
def lint(paths: tuple[Path, ...], fmt: Literal["text", "json"], lang: Lang) -> None:
    """Check SOP files; exit 0 when every file is valid, 1 otherwise, 2 when a file is missing.

    Each finding reads PATH:LINE:COL: SOPnnn message, followed by a hint.
    Error codes are documented in docs/error-codes.md.
    """
    plugins = registry()
    findings: list[Finding] = []
    for path in paths:
        findings.extend(lint_file(path, registry=plugins))
    errors = sum(1 for f in findings if f.severity == "error")
    if fmt == "json":
        click.echo(
            json_text(
                {
                    "files": [str(p) for p in paths],
                    "errors": errors,
                    "warnings": len(findings) - errors,
                    "findings": [f.to_json(lang) for f in findings],
                }
            )
        )
    else:
        out = console()
        for f in findings:
            style = "red" if f.severity == "error" else "yellow"
            out.print(f"{f.format(lang)}", style=style, markup=False, soft_wrap=True)
            out.print(
                f"    {'petunjuk' if lang == 'id' else 'hint'}: {f.hint(lang)}",
                markup=False,
                soft_wrap=True,
            )
        ok = "berkas valid" if lang == "id" else "file(s) valid"
        bad = "kesalahan" if lang == "id" else "error(s)"
        warn = "peringatan" if lang == "id" else "warning(s)"
        if errors:
            out.print(f"{errors} {bad}, {len(findings) - errors} {warn}", style="bold red")
        else:
            out.print(f"{len(paths)} {ok}, {len(findings)} {warn}", style="bold green")
    # a path that does not exist is a mistake on the command line, not a finding in a file:
    # its SOP001 finding is still printed (editors show it), but the exit code says "usage" (2)
    sys.exit(2 if any(not p.exists() for p in paths) else 1 if errors else 0)
