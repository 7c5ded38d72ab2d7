"""``sop store``: create or upgrade the store, and check it (read-only) case by case."""

from __future__ import annotations

import click

from sop_engine._core.i18n import Msg
from sop_engine._core.text import Lang
from sop_engine.cli._common import DB, FORMAT, LANG, PROGRESS, json_text, open_store

__all__ = ["store"]


@click.group()
def store() -> None:
    """The durable store: create or upgrade it, check that every case is what its trail says."""


@store.command()
@DB
@FORMAT
@LANG
def migrate(db: str, fmt: str, lang: Lang) -> None:
    """Create or upgrade the store's schema (every step once, in order); print its version."""
    st = open_store(db, must_exist=False)
    try:
        version = st.migrate()
    finally:
        st.close()
    where = str(getattr(st, "path", db))
    if fmt == "json":
        click.echo(json_text({"store": where, "schema_version": version}))
    else:
        click.echo(
            Msg("{store}: schema version {version}", store=where, version=version).render(lang)
        )


@store.command()
@DB
@click.option("--case", "case_id", help="Check this case only.")
@FORMAT
@PROGRESS
@LANG
def check(db: str, case_id: str | None, fmt: str, progress: bool | None, lang: Lang) -> None:
    """Check every case without writing anything: its hash chain, its rows (readable, no
    orphaned trail), its replay (the snapshot equals what the trail produces) and its timers
    (every running clock's next items are scheduled). Each problem is reported with its case,
    event and what differs; exit 1 with a summary when there is any.

    The store is opened read-only: it is never migrated (run 'sop store migrate' for that).
    """
    from sop_engine.cli._integrity import open_checked, report, run_checks

    st = open_checked(db)
    try:
        checked, problems = run_checks(
            st, ("chain", "rows", "replay", "timers"), case_id, progress=progress
        )
    finally:
        st.close()
    ok = Msg("{checked} case(s) replayed, every snapshot equals its trail", checked=checked)
    report(db, checked, problems, fmt, ok)
