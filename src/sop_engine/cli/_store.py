"""``sop store``: create or upgrade the store, and check that snapshots equal their trails."""

from __future__ import annotations

import sys

import click

from sop_engine.cli._common import DB, open_store, registry

__all__ = ["store"]


@click.group()
def store() -> None:
    """The durable store: check that snapshots are what their trails produce."""


@store.command()
@DB
def migrate(db: str) -> None:
    """Create or upgrade the store's schema (every step once, in order); print its version."""
    st = open_store(db, must_exist=False)
    try:
        version = st.migrate()
    finally:
        st.close()
    click.echo(f"{getattr(st, 'path', db)}: schema version {version}")


@store.command()
@DB
def check(db: str) -> None:
    """Replay every case's audit trail; exit 0 when each equals its snapshot, 1 otherwise."""
    from sop_engine._compile.compiled import CompiledSop
    from sop_engine._core.errors import UnknownSop
    from sop_engine._engine import Engine
    from sop_engine._ops.replay import replay_case

    plugins = registry()
    st = open_store(db)
    engine = Engine(store=st, registry=plugins)  # loads the pinned SOP versions on demand

    def compiled(sop_hash: str) -> CompiledSop | None:
        try:
            return engine.sop(sop_hash)
        except UnknownSop:
            return None

    bad = checked = 0
    for case_id in st.case_ids():
        case = st.get(case_id)
        trail = st.history(case_id)
        # the version the case started under: before its first move, if it was ever moved
        first = next((e.payload["from_hash"] for e in trail if e.event == "@migrate"), None)
        sop = compiled(first or case.sop_hash)
        checked += 1
        if sop is None:
            bad += 1
            click.echo(f"{db}: case {case_id}: the SOP text it is pinned to is not stored")
            continue
        problem = replay_case(case, trail, sop, plugins, compiled)
        if problem is not None:
            bad += 1
            click.echo(f"{db}: case {case_id}: event {problem.seq}: {problem.reason}")
    st.close()
    if bad:
        sys.exit(1)
    click.echo(f"{db}: {checked} case(s) replayed, every snapshot equals its trail")
