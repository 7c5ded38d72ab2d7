"""``sop report``: the monitoring and evaluation report of a period (html, xlsx, csv, json)."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import click

from sop_engine._core.i18n import Msg
from sop_engine._core.text import Lang
from sop_engine.cli._common import (
    DB,
    LANG,
    PROGRESS,
    json_text,
    open_store,
    progress_bar,
    registry,
    say,
    sop_errors,
)
from sop_engine.cli._diagram import instant, now_option

__all__ = ["report"]


@click.command()
@DB
@click.option(
    "--from",
    "start",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day of the period (agency local date).",
)
@click.option(
    "--to",
    "end",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Day after the period (exclusive): --from 2026-03-01 --to 2026-04-01 is March.",
)
@click.option("--agency", help="Only cases of SOPs of this agency.")
@click.option("--unit", help="Only cases dispositioned to this unit.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "xlsx", "csv", "json"]),
    default="html",
    show_default=True,
)
@LANG
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here (required for xlsx).",
)
@click.option(
    "--public", is_flag=True, help="Figures that leave the agency: cells of 1-4 cases suppressed."
)
@now_option
@PROGRESS
def report(
    db: str,
    start: datetime,
    end: datetime,
    agency: str | None,
    unit: str | None,
    fmt: Literal["html", "xlsx", "csv", "json"],
    lang: Lang,
    output: Path | None,
    public: bool,
    now: datetime | None,
    progress: bool | None,
) -> None:
    """The M&E report of a period: received, % on time per deadline (with its denominator),
    stage times, backlog, breaches, escalations, ethics flags, reopened, closed automatically,
    monthly trend. Definitions: docs/reports.md."""
    from sop_engine._engine import Engine
    from sop_engine._reports.diagram import DiagramUnavailable, dot, mermaid, render
    from sop_engine._reports.render import to_csv, to_html, to_xlsx
    from sop_engine._reports.report import build_report

    if fmt == "xlsx" and output is None:
        raise click.UsageError(say(Msg("xlsx is binary: write it to a file with -o FILE")))
    st = open_store(db)
    try:
        with sop_errors():
            engine = Engine(store=st, registry=registry())
            first: date = start.date()
            after: date = end.date()
            if not first < after:
                raise click.UsageError(say(Msg("--to must be after --from (it is exclusive)")))
            with progress_bar(progress) as bar:
                task = bar.add_task("cases", total=None)
                doc = build_report(
                    engine,
                    first,
                    after,
                    agency=agency,
                    unit=unit,
                    now=instant(now),
                    lang=lang,
                    public=public,
                    progress=lambda n: bar.update(task, completed=n),
                )
            if fmt == "json":
                data = (json_text(doc) + "\n").encode()
            elif fmt == "csv":
                data = to_csv(doc).encode()
            elif fmt == "xlsx":
                assert output is not None
                to_xlsx(doc, output, lang)
                click.echo(f"{output}", err=True)
                return
            else:
                diagrams = []
                for pinned in doc["sops"]:
                    sop = engine.sop(pinned["hash"])
                    title = f"{sop.definition.meta.title.get(lang)} ({sop.id} {pinned['version']})"
                    try:
                        drawing = render(dot(sop, lang), "svg").decode()
                        drawing = drawing[drawing.index("<svg") :]
                    except DiagramUnavailable:
                        drawing = mermaid(sop, lang)
                    diagrams.append((title, drawing))
                data = to_html(doc, lang, diagrams).encode()
    finally:
        st.close()
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        click.echo(f"{output}", err=True)
