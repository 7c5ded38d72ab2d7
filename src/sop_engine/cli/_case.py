"""``sop case``: an officer's work queue (``list``), one case explained (``show``), one case
exported for an audience (``export``) and counts with small cells suppressed (``counts``)."""

from __future__ import annotations

import csv
import io
import sys
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import click
from rich.table import Table

from sop_engine._core.i18n import Msg
from sop_engine._core.text import Lang
from sop_engine.cli._common import (
    DB,
    LANG,
    console,
    json_text,
    open_store,
    registry,
    say,
    sop_errors,
)
from sop_engine.cli._diagram import instant, now_option

__all__ = ["case"]

_HEAD = {
    "id": ("kasus", "SOP", "status", "unit", "kanal", "klasifikasi", "batas waktu", "terlambat"),
    "en": ("case", "SOP", "state", "unit", "channel", "class", "due", "overdue"),
}
_OVERDUE = {"id": "{n} hari kerja", "en": "{n} working day(s)"}
_COUNT = {"id": "{shown} dari {total} kasus", "en": "{shown} of {total} case(s)"}


@click.group()
def case() -> None:
    """Cases: the work queue and one case explained."""


@case.command("list")
@DB
@click.option("--sop", "sops", multiple=True, help="Only cases of this SOP id (repeatable).")
@click.option("--state", "states", multiple=True, help="Only cases in this state (repeatable).")
@click.option("--unit", "units", multiple=True, help="Only cases dispositioned to this unit.")
@click.option("--channel", "channels", multiple=True, help="Only cases from this channel (kanal).")
@click.option("--class", "classes", multiple=True, help="Only cases of this class (klasifikasi).")
@click.option("--agency", help="Only cases of SOPs of this agency.")
@click.option("--overdue", is_flag=True, help="Only cases with a running deadline already past.")
@click.option(
    "--due-within",
    type=click.IntRange(min=0),
    help="Only cases with a running deadline due within N working days.",
)
@click.option(
    "--breached-since", type=click.DateTime(), help="Only cases breached or escalated since."
)
@click.option("--breached-until", type=click.DateTime(), help="... and before this instant.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@LANG
@now_option
def list_cases(
    db: str,
    sops: tuple[str, ...],
    states: tuple[str, ...],
    units: tuple[str, ...],
    channels: tuple[str, ...],
    classes: tuple[str, ...],
    agency: str | None,
    overdue: bool,
    due_within: int | None,
    breached_since: datetime | None,
    breached_until: datetime | None,
    limit: int,
    offset: int,
    fmt: Literal["table", "json", "csv"],
    lang: Lang,
    now: datetime | None,
) -> None:
    """List cases, most urgent first when filtering on deadlines (an officer's work queue)."""
    from sop_engine._engine import Engine
    from sop_engine._persistence.queries import CaseQuery

    at = instant(now)
    st = open_store(db)
    try:
        with sop_errors():
            engine = Engine(store=st, registry=registry())
            query = CaseQuery(
                sop_ids=sops,
                states=states,
                units=units,
                channels=channels,
                classes=classes,
                overdue_at=at if overdue else None,
                marked_since=None if breached_since is None else instant(breached_since),
                marked_until=None if breached_until is None else instant(breached_until),
                marked=("@breach", "@escalate") if breached_since or breached_until else (),
                limit=limit,
                offset=offset,
            )
            rows = engine.cases(query, agency=agency, due_within=due_within, now=at)
            total = engine.count_cases(query, agency=agency, due_within=due_within, now=at)
            out: list[dict[str, Any]] = []
            for r in rows:
                sop = engine.sop(r.sop_hash)
                calendar = engine.calendar(sop)
                late = None
                if r.next_due is not None and r.next_due < at:
                    late = calendar.working_days_between(
                        calendar.local_date(r.next_due), calendar.local_date(at)
                    )
                out.append(
                    {
                        "case": r.case_id,
                        "sop": r.sop_id,
                        "state": r.state,
                        "state_label": sop.definition.state(r.state).label.get(lang),
                        "unit": r.unit,
                        "channel": r.channel,
                        "class": r.klass,
                        "next_due": None
                        if r.next_due is None
                        else r.next_due.astimezone(ZoneInfo(calendar.zone)).isoformat(),
                        "overdue_working_days": late,
                    }
                )
    finally:
        st.close()
    if fmt == "json":
        click.echo(json_text({"total": total, "offset": offset, "limit": limit, "cases": out}))
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(out[0]) if out else ["case"], lineterminator="\n")
        w.writeheader()
        w.writerows(out)
        click.echo(buf.getvalue(), nl=False)
    else:
        table = Table(*_HEAD[lang])
        for o in out:
            late = o["overdue_working_days"]
            table.add_row(
                o["case"],
                o["sop"],
                o["state_label"],
                o["unit"] or "",
                o["channel"] or "",
                o["class"] or "",
                (o["next_due"] or "")[:16].replace("T", " "),
                "" if late is None else _OVERDUE[lang].format(n=late),
            )
        out_console = console(width=None if sys.stdout.isatty() else 160)
        out_console.print(table)
        out_console.print(_COUNT[lang].format(shown=len(out), total=total))


@case.command("show")
@DB
@click.argument("case_id")
@click.option("--as", "role", help="Show the case as an officer in this role sees it.")
@click.option("--unit", help="The viewing officer's unit.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@LANG
@now_option
def show(
    db: str,
    case_id: str,
    role: str | None,
    unit: str | None,
    fmt: Literal["text", "json"],
    lang: Lang,
    now: datetime | None,
) -> None:
    """One case: its timeline in local time and each deadline with why it falls on that date.

    Without --as, the outward view (what leaves the agency): redacted as engine.view redacts.
    """
    from sop_engine._core.records import Actor
    from sop_engine._engine import Engine
    from sop_engine._reports.explain import explain_case, render_text, to_json

    if unit is not None and role is None:
        raise click.UsageError(say(Msg("--unit needs --as ROLE")))
    st = open_store(db)
    try:
        with sop_errors():
            engine = Engine(store=st, registry=registry())
            viewer = None if role is None else Actor("cli-viewer", role, unit)
            explained = explain_case(engine, case_id, viewer, instant(now), lang)
    finally:
        st.close()
    if fmt == "json":
        click.echo(json_text(to_json(explained)))
        return
    render_text(console(width=None if sys.stdout.isatty() else 160), explained, lang)


@case.command("export")
@DB
@click.argument("case_id")
@click.option(
    "--audience",
    type=click.Choice(["public", "oversight", "internal"]),
    default="public",
    show_default=True,
    help="Who receives it: only the fields the SOP allows this audience "
    "(confidentiality.audiences), always redacted.",
)
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@LANG
def export_case(db: str, case_id: str, audience: str, fmt: str, lang: Lang) -> None:
    """One case as JSON for an audience outside the case: redacted, narrowed to the
    audience's allowlist of fields (docs/security.md)."""
    from sop_engine._engine import Engine

    st = open_store(db)
    try:
        with sop_errors():
            doc = Engine(store=st, registry=registry()).export(case_id, audience)
    finally:
        st.close()
    click.echo(json_text(doc))


@case.command("counts")
@DB
@click.option(
    "--audience",
    type=click.Choice(["public", "oversight", "internal"]),
    default="public",
    show_default=True,
    help="public: cells (unit x category x month) under --k cases are left out.",
)
@click.option("--k", type=click.IntRange(min=2), default=5, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@LANG
def counts_cmd(db: str, audience: str, k: int, fmt: str, lang: Lang) -> None:
    """Cases by unit, category and month, as JSON; for the public, small cells suppressed
    so that a rare case in a small unit cannot be singled out."""
    from sop_engine._engine import Engine
    from sop_engine._reports.audience import counts

    st = open_store(db)
    try:
        with sop_errors():
            doc = counts(Engine(store=st, registry=registry()), audience, k)
    finally:
        st.close()
    click.echo(json_text(doc))
