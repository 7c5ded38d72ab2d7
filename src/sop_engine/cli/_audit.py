"""``sop audit``: verify that no event of the audit trail was edited, removed or reordered."""

from __future__ import annotations

import sqlite3
import sys
from typing import TYPE_CHECKING

import click

from sop_engine.cli._common import DB, existing, is_url, postgres_driver, sop_errors

if TYPE_CHECKING:
    from sop_engine._persistence.codec import ChainBreak

__all__ = ["audit"]


@click.group()
def audit() -> None:
    """The audit trail: verify that no event was edited, removed or reordered."""


def _verify_chains(db: str, case_id: str | None) -> list[ChainBreak]:
    if is_url(db):
        postgres_driver()
        from sop_engine._persistence.postgres import verify_chains as verify_pg

        with sop_errors():
            return verify_pg(db, case_id)
    from sop_engine._persistence.sqlite import verify_chains

    try:
        return verify_chains(existing(db), case_id)
    except sqlite3.DatabaseError as e:
        raise click.ClickException(f"{db} is not a readable sop_engine database: {e}") from e


@audit.command()
@DB
@click.option("--case", "case_id", help="Check this case only.")
def verify(db: str, case_id: str | None) -> None:
    """Check every case's hash chain; exit 0 when all are intact, 1 naming the first break."""
    breaks = _verify_chains(db, case_id)
    if not breaks:
        click.echo(f"{db}: every audit chain is intact" + (f" (case {case_id})" if case_id else ""))
        return
    for b in breaks:
        click.echo(f"{db}: case {b.case_id}: broken at event {b.seq}: {b.reason}")
    sys.exit(1)
