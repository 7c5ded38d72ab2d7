"""``sop outbox``: the notifications waiting, failing or quarantined, and re-queueing them."""

from __future__ import annotations

import sys

import click

from sop_engine._core.i18n import N_, Msg, gettext
from sop_engine._core.text import Lang
from sop_engine.cli._common import DB, FORMAT, LANG, json_text, open_store

__all__ = ["outbox"]


@click.group()
def outbox() -> None:
    """The outbox: notifications pending delivery, and the quarantined ones."""


@outbox.command("list")
@DB
@click.option("--failed", is_flag=True, help="List the quarantined notifications and errors.")
@click.option("--limit", type=int, default=100, show_default=True, help="Rows listed.")
@FORMAT
@LANG
def list_(db: str, failed: bool, limit: int, fmt: str, lang: Lang) -> None:
    """How many notifications are pending and retrying; with --failed, each quarantined one
    with its key, case, attempts and error (exit 1 when there is any)."""
    from sop_engine._core.clock import SystemClock

    st = open_store(db)
    try:
        queue = st.queue_status(SystemClock().now())
        letters = [d for d in st.dead_letters(limit) if d.kind == "notification"] if failed else []
    finally:
        st.close()
    counts = {
        "pending": queue.pending_notifications,
        "retrying": queue.retrying_notifications,
        "quarantined": queue.dead_notifications,
        "oldest_pending": None
        if queue.oldest_pending is None
        else queue.oldest_pending.isoformat(),
    }
    rows = [
        {
            "key": d.key,
            "case_id": d.case_id,
            "attempts": d.attempts,
            "error": d.error,
            "since": d.since.isoformat(),
        }
        for d in letters
    ]
    if fmt == "json":
        click.echo(json_text({"counts": counts, "failed": rows} if failed else {"counts": counts}))
    else:
        said = {
            "pending": N_("pending"),
            "retrying": N_("retrying"),
            "quarantined": N_("quarantined"),
            "oldest_pending": N_("oldest pending"),
        }
        click.echo(", ".join(f"{gettext(said[k], lang)} {v}" for k, v in counts.items()))
        for r in rows:
            click.echo("\t".join(str(v) for v in r.values()))
    if failed and rows:
        sys.exit(1)


@outbox.command()
@DB
@click.argument("keys", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every quarantined notification.")
@FORMAT
@LANG
def requeue(db: str, keys: tuple[str, ...], every: bool, fmt: str, lang: Lang) -> None:
    """Put quarantined notifications (by key, or --all) back in the queue with fresh attempts."""
    st = open_store(db)
    try:
        if every:
            keys = tuple(d.key for d in st.dead_letters(1_000_000) if d.kind == "notification")
        n = st.requeue(keys)
    finally:
        st.close()
    click.echo(
        json_text({"requeued": n}) if fmt == "json" else Msg("requeued {n}", n=n).render(lang)
    )
