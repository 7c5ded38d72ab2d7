"""``sop demo``: scripted complaints through the reference LAPOR! SOP, as timelines."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sop_engine._core.text import Lang
from sop_engine.cli._common import LANG, console, open_store, sop_errors

__all__ = ["demo"]


@click.command()
@LANG
@click.option(
    "--sop",
    "sop_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A modified copy of the LAPOR! SOP to run the script through (the script uses its "
    "roles and events). Default: the LAPOR! SOP shipped with the package (`sop init --template "
    "lapor` writes a copy).",
)
@click.option(
    "--db",
    "db",
    default="sop-demo.sqlite3",
    show_default=True,
    help="The SQLite file (or postgresql:// URL) to keep the cases in; a second run resumes it.",
)
@click.option("--memory", is_flag=True, help="Keep everything in memory instead (nothing saved).")
def demo(lang: Lang, sop_path: Path | None, db: str, memory: bool) -> None:
    """Run scripted complaints through the LAPOR! SOP and print their timelines."""
    from sop_engine._ops.demo import run_demo

    store = None if memory else open_store(db, must_exist=False)
    try:
        with sop_errors():
            out = console(width=None if sys.stdout.isatty() else 120)
            code = run_demo(out, lang=lang, sop_path=sop_path, store=store)
    finally:
        if store is not None:
            store.close()
    sys.exit(code)
