"""The ``sop`` command line.

One click group; each subcommand is a small function that calls the library and renders the
result with rich. Later features add their subcommands to :data:`main` (``main.add_command``)
without touching the existing ones. Bad input files never produce a traceback: every problem is
a finding, and the exit code says whether any error was found.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import datetime, time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import click
from rich.console import Console

from sop_engine.calendar import WorkingCalendar
from sop_engine.errors import SopError
from sop_engine.findings import Finding
from sop_engine.loader import lint_file
from sop_engine.registry import Registry
from sop_engine.schema import sop_schema
from sop_engine.text import Lang

__all__ = ["main"]

_LANG = click.option(
    "--lang",
    type=click.Choice(["id", "en"]),
    default="id",
    show_default=True,
    help="Language of messages: Bahasa Indonesia or English.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sop-engine")
def main() -> None:
    """Run complaint-handling SOPs as auditable state machines."""


def _registry() -> Registry:
    try:
        return Registry()
    except SopError as e:
        raise click.ClickException(str(e)) from e


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for editors and CI.",
)
@_LANG
def lint(paths: tuple[Path, ...], fmt: Literal["text", "json"], lang: Lang) -> None:
    """Check SOP files; exit 0 when every file is valid, 1 otherwise.

    Each finding reads PATH:LINE:COL: SOPnnn message, followed by a hint.
    Error codes are documented in docs/error-codes.md.
    """
    registry = _registry()
    findings: list[Finding] = []
    for path in paths:
        findings.extend(lint_file(path, registry=registry))
    errors = sum(1 for f in findings if f.severity == "error")
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "files": [str(p) for p in paths],
                    "errors": errors,
                    "warnings": len(findings) - errors,
                    "findings": [f.to_json(lang) for f in findings],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        console = Console(highlight=False, emoji=False)
        for f in findings:
            style = "red" if f.severity == "error" else "yellow"
            console.print(f"{f.format(lang)}", style=style, markup=False, soft_wrap=True)
            console.print(
                f"    {'petunjuk' if lang == 'id' else 'hint'}: {f.hint(lang)}",
                markup=False,
                soft_wrap=True,
            )
        ok = "berkas valid" if lang == "id" else "file(s) valid"
        bad = "kesalahan" if lang == "id" else "error(s)"
        warn = "peringatan" if lang == "id" else "warning(s)"
        if errors:
            console.print(f"{errors} {bad}, {len(findings) - errors} {warn}", style="bold red")
        else:
            console.print(f"{len(paths)} {ok}, {len(findings)} {warn}", style="bold green")
    sys.exit(1 if errors else 0)


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
def schema(output: Path | None) -> None:
    """Print the JSON Schema of SOP files (with the installed guards and actions)."""
    text = json.dumps(sop_schema(_registry()), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@main.command()
@_LANG
@click.option(
    "--sop",
    "sop_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A modified copy of the LAPOR! SOP to run the script through (the script uses its "
    "roles and events). Default: examples/lapor/sop.yaml.",
)
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("sop-demo.sqlite3"),
    show_default=True,
    help="The SQLite file to keep the cases in; a second run resumes it.",
)
@click.option("--memory", is_flag=True, help="Keep everything in memory instead (nothing saved).")
def demo(lang: Lang, sop_path: Path | None, db: Path, memory: bool) -> None:
    """Run scripted complaints through the LAPOR! SOP and print their timelines."""
    from sop_engine.demo import default_sop_path, run_demo
    from sop_engine.sqlite_store import SqliteStore

    path = sop_path or default_sop_path()
    if not path.exists():
        raise click.ClickException(
            f"cannot find the reference SOP at {path}; run from a source checkout or pass --sop"
        )
    try:
        store = None if memory else SqliteStore(db)
    except sqlite3.DatabaseError as e:
        raise click.ClickException(f"{db} is not a usable SQLite database: {e}") from e
    try:
        console = Console(highlight=False, emoji=False, width=None if sys.stdout.isatty() else 120)
        code = run_demo(console, lang=lang, sop_path=path, store=store)
    except SopError as e:
        raise click.ClickException(str(e)) from e
    sys.exit(code)


@main.group()
def calendar() -> None:
    """Working-day calendars: due instants and days off."""


def _calendar(
    calendar_id: str,
    zone: str,
    office_hours: str | None = None,
    cutoff: str | None = None,
) -> WorkingCalendar:
    registry = _registry()
    spec = registry.calendars.get(calendar_id)
    if spec is None:
        known = ", ".join(sorted(registry.calendars))
        raise click.ClickException(f"unknown calendar {calendar_id!r}; known calendars: {known}")
    try:
        hours = None
        if office_hours:
            a, _, b = office_hours.partition("-")
            hours = (time.fromisoformat(a), time.fromisoformat(b))
        cut = time.fromisoformat(cutoff) if cutoff else None
        return spec.build(zone=zone, office_hours=hours, cutoff=cut)
    except ValueError as e:
        raise click.ClickException(str(e)) from e


@calendar.command()
@click.argument("start")
@click.argument("amount")
@click.option("--calendar", "calendar_id", default="ID", show_default=True)
@click.option("--zone", default="Asia/Jakarta", show_default=True, help="IANA time zone.")
@click.option(
    "--unit",
    default="working-days",
    show_default=True,
    help="working-days, days or working-hours.",
)
@click.option("--office-hours", help="e.g. 08:00-16:00: the deadline is the end of office hours.")
@click.option("--cutoff", help="e.g. 15:00: a start after it counts from the next day.")
def due(
    start: str,
    amount: str,
    calendar_id: str,
    zone: str,
    unit: str,
    office_hours: str | None,
    cutoff: str | None,
) -> None:
    """Print the deadline for AMOUNT units counted from START (ISO date or date-time).

    START without a UTC offset is read in --zone. The deadline is the end of the due day:
    the end of office hours when given, otherwise 23:59:59, printed in --zone.
    """
    units = {"working-days": "working_days", "days": "days", "working-hours": "working_hours"}
    if unit not in units:
        raise click.ClickException(f"unknown unit {unit!r}; use {', '.join(units)}")
    cal = _calendar(calendar_id, zone, office_hours, cutoff)
    try:
        n = float(amount)
        instant = datetime.fromisoformat(start)
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=ZoneInfo(zone))
        deadline = cal.due(instant, n if unit == "working-hours" else int(n), units[unit])  # type: ignore[arg-type]
    except ValueError as e:
        raise click.ClickException(f"{e} (START like 2026-03-16 or 2026-03-16T09:30+07:00)") from e
    click.echo(deadline.astimezone(ZoneInfo(zone)).isoformat())


@calendar.command()
@click.argument("year", type=int)
@click.option("--calendar", "calendar_id", default="ID", show_default=True)
def holidays(year: int, calendar_id: str) -> None:
    """Print one line per day off in YEAR: DATE<TAB>KIND<TAB>NAME (weekends not listed)."""
    cal = _calendar(calendar_id, "Asia/Jakarta")
    if not cal.years[0] <= year <= cal.years[1]:
        raise click.ClickException(
            f"calendar {calendar_id!r} covers {cal.years[0]}-{cal.years[1]}, not {year}"
        )
    for day_off in cal.holidays(year):
        click.echo(f"{day_off.day.isoformat()}\t{day_off.kind}\t{day_off.name}")


@main.group()
def audit() -> None:
    """The audit trail: verify that no event was edited, removed or reordered."""


_DB = click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(path_type=Path),
    help="The SQLite file of the store.",
)


def _existing(db: Path) -> Path:
    if not db.is_file():
        raise click.ClickException(f"no database at {db}")
    return db


@audit.command()
@_DB
@click.option("--case", "case_id", help="Check this case only.")
def verify(db: Path, case_id: str | None) -> None:
    """Check every case's hash chain; exit 0 when all are intact, 1 naming the first break."""
    from sop_engine.sqlite_store import verify_chains

    try:
        breaks = verify_chains(_existing(db), case_id)
    except sqlite3.DatabaseError as e:
        raise click.ClickException(f"{db} is not a readable sop_engine database: {e}") from e
    if not breaks:
        click.echo(f"{db}: every audit chain is intact" + (f" (case {case_id})" if case_id else ""))
        return
    for b in breaks:
        click.echo(f"{db}: case {b.case_id}: broken at event {b.seq}: {b.reason}")
    sys.exit(1)


@main.group()
def store() -> None:
    """The durable store: check that snapshots are what their trails produce."""


@store.command()
@_DB
def check(db: Path) -> None:
    """Replay every case's audit trail; exit 0 when each equals its snapshot, 1 otherwise."""
    from sop_engine.compiled import CompiledSop
    from sop_engine.engine import Engine
    from sop_engine.errors import UnknownSop
    from sop_engine.replay import replay_case
    from sop_engine.sqlite_store import SqliteStore

    registry = _registry()
    try:
        st = SqliteStore(_existing(db))
    except sqlite3.DatabaseError as e:
        raise click.ClickException(f"{db} is not a usable sop_engine database: {e}") from e
    engine = Engine(store=st, registry=registry)  # loads the pinned SOP versions on demand

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
        problem = replay_case(case, trail, sop, registry, compiled)
        if problem is not None:
            bad += 1
            click.echo(f"{db}: case {case_id}: event {problem.seq}: {problem.reason}")
    st.close()
    if bad:
        sys.exit(1)
    click.echo(f"{db}: {checked} case(s) replayed, every snapshot equals its trail")


@main.command()
def plugins() -> None:
    """List the installed plugins and the guards, actions, sections, calendars, checks of each."""
    registry = _registry()
    by_plugin: dict[str, list[tuple[str, str]]] = {}
    for (kind, name), owner in sorted(registry.owners.items()):
        by_plugin.setdefault(owner, []).append((kind, name))
    for owner, items in by_plugin.items():
        click.echo(owner)
        for kind in ("guards", "actions", "sections", "calendars", "ethics_checks"):
            names = [n for k, n in items if k == kind]
            if names:
                click.echo(f"  {kind.replace('_', ' ')}: {', '.join(names)}")


@main.command("test")
@click.argument("sop_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--max-examples", default=100, show_default=True, help="Scenarios to explore.")
@click.option("--max-steps", default=50, show_default=True, help="Steps per scenario at most.")
@click.option("--seed", type=int, help="Seed of the exploration (default: random, printed).")
@click.option(
    "--invariant",
    "invariants",
    multiple=True,
    help="Check only this invariant (built-in or declared; repeatable). Default: all.",
)
@click.option(
    "--min-coverage",
    type=click.FloatRange(0, 100),
    help="Fail unless at least this percentage of states, transitions, clocks, breaches and "
    "escalation levels was exercised.",
)
@click.option(
    "--replay",
    "replay_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Apply exactly the scenario saved by an earlier failing run, instead of exploring.",
)
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to save a failing scenario (default: sop-test-SOPID.json).",
)
@_LANG
def test_command(
    sop_file: Path,
    max_examples: int,
    max_steps: int,
    seed: int | None,
    invariants: tuple[str, ...],
    min_coverage: float | None,
    replay_file: Path | None,
    save: Path | None,
    lang: Lang,
) -> None:
    """Explore an SOP with random cases, officers, dates and deadlines; check its invariants.

    Exit 0 when every invariant held (the coverage table is printed), 1 when one failed: the
    shortest scenario found is printed step by step and saved, with the command to replay it.
    Needs the testing extra: pip install 'sop-engine[testing]'.
    """
    try:
        from sop_engine.testing.command import run_test_command
    except ImportError as e:
        raise click.ClickException(f"{e}") from e
    code = run_test_command(
        sop_file,
        max_examples=max_examples,
        max_steps=max_steps,
        seed=seed,
        invariants=invariants,
        min_coverage=min_coverage,
        replay_file=replay_file,
        save=save,
        lang=lang,
        registry=_registry(),
    )
    sys.exit(code)
