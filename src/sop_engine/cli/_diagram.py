"""``sop diagram``: the SOP as a flowchart (Mermaid, DOT, SVG, PNG), optionally with a case's path."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import click

from sop_engine._core.clock import SystemClock
from sop_engine._core.i18n import Msg
from sop_engine._core.text import Lang
from sop_engine.cli._common import LANG, json_text, open_store, registry, say, sop_errors

__all__ = ["diagram", "now_option"]

now_option = click.option(
    "--now",
    "now",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    help="Judge deadlines as of this instant (ISO; UTC when no offset). Default: now.",
)
"""``--now``: the instant deadlines are judged at (reproducible reports and tests)."""


def instant(now: datetime | None) -> datetime:
    """The ``--now`` value as an aware UTC instant (the system clock when absent)."""
    if now is None:
        return SystemClock().now()
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


@click.command()
@click.argument(
    "sop_path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot", "svg", "png", "json"]),
    default="mermaid",
    show_default=True,
    help="mermaid and dot are text; svg and png need the diagrams extra (pygraphviz); json "
    "gives the mermaid and dot texts together.",
)
@LANG
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", "db", help="The store holding --case (SQLite file or PostgreSQL URL).")
@click.option("--case", "case_id", help="Highlight this case's path, state and deadlines.")
@now_option
def diagram(
    sop_path: Path | None,
    fmt: Literal["mermaid", "dot", "svg", "png", "json"],
    lang: Lang,
    output: Path | None,
    db: str | None,
    case_id: str | None,
    now: datetime | None,
) -> None:
    """Draw an SOP: states, transitions with roles and guards, deadline clocks.

    With --db and --case, the case's SOP version is drawn with its path and current state
    highlighted and each deadline coloured (met, late, running, breached).
    """
    from sop_engine._engine import Engine
    from sop_engine._reports.diagram import case_marks, dot, mermaid, render

    if (db is None) != (case_id is None):
        raise click.UsageError(say(Msg("--db and --case go together")))
    if sop_path is None and case_id is None:
        raise click.UsageError(say(Msg("give an SOP file, or --db DB --case ID")))
    store = open_store(db) if db is not None else None
    try:
        with sop_errors():
            engine = Engine(registry=registry(), store=store)
            marks = None
            if case_id is not None:
                case = engine.get(case_id)
                sop = engine.sop(case.sop_hash)
                marks = case_marks(sop, case, engine.view(case_id).history, instant(now))
            else:
                assert sop_path is not None
                sop = engine.load(sop_path)
            if fmt == "mermaid":
                data: bytes = mermaid(sop, lang, marks).encode()
            elif fmt == "json":
                data = (
                    json_text(
                        {
                            "sop": sop.id,
                            "version": sop.definition.meta.version,
                            "case": case_id,
                            "mermaid": mermaid(sop, lang, marks),
                            "dot": dot(sop, lang, marks),
                        }
                    )
                    + "\n"
                ).encode()
            else:
                text = dot(sop, lang, marks)
                data = text.encode() if fmt == "dot" else render(text, fmt)
    finally:
        if store is not None:
            store.close()
    if output is None:
        if fmt in ("svg", "png") and sys.stdout.isatty():
            raise click.UsageError(
                say(Msg("{format} is binary: write it to a file with -o FILE", format=fmt))
            )
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        click.echo(f"{output}", err=True)
