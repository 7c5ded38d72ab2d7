"""``sop export``: the audit trail as process-mining logs (IEEE XES, OCEL 2.0 JSON)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import click

from sop_engine._core.text import Lang
from sop_engine.cli._common import DB, LANG, open_store, registry, sop_errors
from sop_engine.cli._diagram import instant, now_option

__all__ = ["export"]


@click.command()
@click.argument("kind", type=click.Choice(["xes", "ocel"]))
@DB
@click.option(
    "--from",
    "start",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only events on or after this day (UTC midnight).",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only events before this day (exclusive).",
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--salt",
    help="Key of the reporter pseudonyms (default: random, so two exports "
    "cannot be linked; give the same salt to link them).",
)
@now_option
@LANG
def export(
    kind: Literal["xes", "ocel"],
    db: str,
    start: datetime | None,
    end: datetime | None,
    output: Path,
    salt: str | None,
    now: datetime | None,
    lang: Lang,
) -> None:
    """Write the audit trail as an XES event log or an OCEL 2.0 JSON log (reporters
    pseudonymised, content redacted as for the public, working-day durations as attributes)."""
    from sop_engine._engine import Engine
    from sop_engine._reports.export import ocel_text, trails, xes

    lo = None if start is None else start.replace(tzinfo=UTC)
    hi = None if end is None else end.replace(tzinfo=UTC)
    st = open_store(db)
    try:
        with sop_errors():
            engine = Engine(store=st, registry=registry())
            items = trails(engine, lo, hi, salt=None if salt is None else salt.encode())
            with output.open("w", encoding="utf-8") as f:
                if kind == "xes":
                    for piece in xes(items):
                        f.write(piece)
                else:
                    f.write(ocel_text(items, instant(now)))
    finally:
        st.close()
    click.echo(f"{output}", err=True)
