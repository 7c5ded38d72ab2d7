"""``sop lint``: check SOP files and report every finding with its position."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Literal

import click

from sop_engine._compile.loading import lint_file
from sop_engine._compile.registry import Registry
from sop_engine._core.findings import Finding
from sop_engine._core.i18n import gettext
from sop_engine._core.text import Lang
from sop_engine.cli._calendar import TODAY, today_of
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
@TODAY
def lint(
    paths: tuple[Path, ...], fmt: Literal["text", "json"], lang: Lang, today: str | None
) -> None:
    """Check SOP files; exit 0 when every file is valid, 1 otherwise, 2 when a file is missing.

    Each finding reads PATH:LINE:COL: SOPnnn message, followed by a hint.
    Error codes are documented in docs/error-codes.md.
    """
    plugins = registry()
    findings: list[Finding] = []
    horizon: list[tuple[str, str]] = []
    day = today_of(today)
    for path in paths:
        found = lint_file(path, registry=plugins)
        findings.extend(found)
        if not any(f.severity == "error" for f in found):
            warning = _calendar_horizon(path, plugins, day, lang)
            if warning is not None:
                horizon.append((str(path), warning))
    errors = sum(1 for f in findings if f.severity == "error")
    if fmt == "json":
        click.echo(
            json_text(
                {
                    "files": [str(p) for p in paths],
                    "errors": errors,
                    "warnings": len(findings) - errors + len(horizon),
                    "findings": [f.to_json(lang) for f in findings],
                    "calendar_warnings": [{"path": p, "message": m} for p, m in horizon],
                }
            )
        )
    else:
        out = console()
        hint = gettext("hint", lang)
        for f in findings:
            style = "red" if f.severity == "error" else "yellow"
            out.print(f"{f.format(lang)}", style=style, markup=False, soft_wrap=True)
            out.print(
                f"    {hint}: {f.hint(lang)}",
                markup=False,
                soft_wrap=True,
            )
        for where, message in horizon:
            out.print(f"{where}: {message}", style="yellow", markup=False, soft_wrap=True)
        ok = gettext("file(s) valid", lang)
        bad = gettext("error(s)", lang)
        warn = gettext("warning(s)", lang)
        if errors:
            out.print(
                f"{errors} {bad}, {len(findings) - errors + len(horizon)} {warn}", style="bold red"
            )
        else:
            out.print(
                f"{len(paths)} {ok}, {len(findings) + len(horizon)} {warn}", style="bold green"
            )
    # a path that does not exist is a mistake on the command line, not a finding in a file:
    # its SOP001 finding is still printed (editors show it), but the exit code says "usage" (2)
    sys.exit(2 if any(not p.exists() for p in paths) else 1 if errors else 0)


def _calendar_horizon(path: Path, plugins: Registry, today: date, lang: Lang) -> str | None:
    """Why the valid SOP at ``path`` needs its calendar extended soon, or None: the calendar
    ends within a year, or before its longest deadline started today could fall due."""
    from sop_engine._compile.compiled import compile_sop
    from sop_engine._compile.loading import load_definition
    from sop_engine._core.calendar import horizon_warning
    from sop_engine._core.errors import SopError
    from sop_engine._features.deadlines import latest_due

    try:
        sop = compile_sop(load_definition(path, registry=plugins), plugins)
    except (SopError, OSError, ValueError):
        return None  # lint has reported why
    if sop.deadlines is None or sop.calendar is None:
        return None
    reach = latest_due(sop.deadlines, sop.calendar, today)
    warning = horizon_warning(sop.calendar, today, reach=reach)
    return None if warning is None else warning.render(lang)
