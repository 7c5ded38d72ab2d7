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
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

import click
from rich.console import Console

from sop_engine._compile.loading import lint_file, sop_schema
from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.errors import SopError
from sop_engine._core.findings import Finding
from sop_engine._core.text import Lang
from sop_engine._spec.specs import KINDS

if TYPE_CHECKING:
    from sop_engine._persistence.codec import ChainBreak
    from sop_engine._persistence.postgres import PgStore
    from sop_engine._persistence.sqlite import SqliteStore

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
@click.option(
    "--core",
    is_flag=True,
    help="Only sop_engine's own guards, actions and sections, without installed plugins.",
)
def schema(output: Path | None, core: bool) -> None:
    """Print the JSON Schema of SOP files (with the installed guards and actions)."""
    registry = Registry(load_entry_points=False) if core else _registry()
    text = json.dumps(sop_schema(registry), ensure_ascii=False, indent=2) + "\n"
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
    default="sop-demo.sqlite3",
    show_default=True,
    help="The SQLite file (or postgresql:// URL) to keep the cases in; a second run resumes it.",
)
@click.option("--memory", is_flag=True, help="Keep everything in memory instead (nothing saved).")
def demo(lang: Lang, sop_path: Path | None, db: str, memory: bool) -> None:
    """Run scripted complaints through the LAPOR! SOP and print their timelines."""
    from sop_engine._ops.demo import default_sop_path, run_demo

    path = sop_path or default_sop_path()
    if not path.exists():
        raise click.ClickException(
            f"cannot find the reference SOP at {path}; run from a source checkout or pass --sop"
        )
    store = None if memory else open_store(db, must_exist=False)
    try:
        console = Console(highlight=False, emoji=False, width=None if sys.stdout.isatty() else 120)
        code = run_demo(console, lang=lang, sop_path=path, store=store)
    except SopError as e:
        raise click.ClickException(str(e)) from e
    finally:
        if store is not None:
            store.close()
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
    help="The store: a SQLite file, or a PostgreSQL URL (postgresql://USER@HOST:PORT/DBNAME).",
)


def _existing(db: str) -> Path:
    if not Path(db).is_file():
        raise click.ClickException(f"no database at {db}")
    return Path(db)


def _is_url(db: str) -> bool:
    """Whether a ``--db`` value names a PostgreSQL database rather than a SQLite file."""
    return db.startswith(("postgresql://", "postgres://"))


def _postgres() -> None:
    """Fail with the fix when the PostgreSQL driver (an optional extra) is missing."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError as e:
        raise click.ClickException(
            f"a postgresql:// database needs the PostgreSQL driver ({e}); "
            "install it with: pip install 'sop-engine[postgres]'"
        ) from e


def open_store(
    db: str,
    *,
    must_exist: bool = True,
    agencies: tuple[str, ...] = (),
    lease: timedelta | None = None,
    batch: int | None = None,
) -> SqliteStore | PgStore:
    """The store a ``--db`` value names: a PostgreSQL URL or a SQLite file (opened, migrated).

    ``agencies``, ``lease`` and ``batch`` tune a worker's PostgreSQL store.
    """
    from sop_engine._persistence.sqlite import SqliteStore

    tuning: dict[str, timedelta | int] = {}
    if lease is not None:
        tuning["lease"] = lease
    if batch is not None:
        tuning["batch"] = batch
    if _is_url(db):
        _postgres()
        from sop_engine._persistence.postgres import PgStore

        try:
            return PgStore(db, agencies=agencies, **tuning)  # type: ignore[arg-type]
        except SopError as e:
            raise click.ClickException(str(e)) from e
    if agencies:
        raise click.ClickException(
            "--agency needs a PostgreSQL store (a SQLite file serves one deployment)"
        )
    path = _existing(db) if must_exist else Path(db)
    try:
        return SqliteStore(path, lease=lease or timedelta(minutes=5))
    except sqlite3.DatabaseError as e:
        raise click.ClickException(f"{db} is not a usable sop_engine SQLite database: {e}") from e


def _verify_chains(db: str, case_id: str | None) -> list[ChainBreak]:
    if _is_url(db):
        _postgres()
        from sop_engine._persistence.postgres import verify_chains as verify_pg

        try:
            return verify_pg(db, case_id)
        except SopError as e:
            raise click.ClickException(str(e)) from e
    from sop_engine._persistence.sqlite import verify_chains

    try:
        return verify_chains(_existing(db), case_id)
    except sqlite3.DatabaseError as e:
        raise click.ClickException(f"{db} is not a readable sop_engine database: {e}") from e


@audit.command()
@_DB
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


@main.group()
def store() -> None:
    """The durable store: check that snapshots are what their trails produce."""


@store.command()
@_DB
def migrate(db: str) -> None:
    """Create or upgrade the store's schema (every step once, in order); print its version."""
    st = open_store(db, must_exist=False)
    try:
        version = st.migrate()
    finally:
        st.close()
    click.echo(f"{getattr(st, 'path', db)}: schema version {version}")


@store.command()
@_DB
def check(db: str) -> None:
    """Replay every case's audit trail; exit 0 when each equals its snapshot, 1 otherwise."""
    from sop_engine._compile.compiled import CompiledSop
    from sop_engine._core.errors import UnknownSop
    from sop_engine._engine import Engine
    from sop_engine._ops.replay import replay_case

    registry = _registry()
    st = open_store(db)
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
    """List the installed plugins and what each registers (guards, actions, channels, ...)."""
    registry = _registry()
    by_plugin: dict[str, list[tuple[str, str]]] = {}
    for (kind, name), owner in sorted(registry.owners.items()):
        by_plugin.setdefault(owner, []).append((kind, name))
    for owner, items in by_plugin.items():
        package = registry.packages.get(owner)
        click.echo(f"{owner} ({package})" if package else owner)
        for kind in KINDS:
            names = [n for k, n in items if k == kind]
            if names:
                click.echo(f"  {kind.replace('_', ' ')}: {', '.join(names)}")


@main.command()
@_DB
@click.option(
    "--agency",
    "agencies",
    multiple=True,
    help="Work only for this agency (repeat for several); default: every agency.",
)
@click.option(
    "--interval", type=float, default=1.0, show_default=True, help="Seconds to wait when idle."
)
@click.option("--batch", type=int, default=100, show_default=True, help="Due timers per claim.")
@click.option(
    "--lease",
    type=float,
    default=300.0,
    show_default=True,
    help="Seconds a claim lasts; a dead worker's claims are taken over after it.",
)
@click.option(
    "--outbox",
    "outbox_path",
    default="-",
    show_default=True,
    help="Where delivered notifications are appended as JSON lines (- = standard output).",
)
@click.option("--exit-when-idle", is_flag=True, help="Stop once nothing is due or pending.")
def worker(
    db: str,
    agencies: tuple[str, ...],
    interval: float,
    batch: int,
    lease: float,
    outbox_path: str,
    exit_when_idle: bool,
) -> None:
    """Sweep due deadlines and relay the outbox until SIGTERM (any number may run at once).

    Progress and a summary go to standard error; SIGTERM or Ctrl-C stops after the commit in
    progress (exit 0).
    """
    import signal
    import threading
    import time as timing

    from sop_engine._engine import Engine
    from sop_engine._ops.worker import JsonLinesNotifier, WorkerStats, run_worker

    if batch < 1 or lease <= 0 or interval < 0:
        raise click.ClickException("--batch must be >= 1, --lease > 0 and --interval >= 0")
    st = open_store(db, agencies=agencies, lease=timedelta(seconds=lease), batch=batch)
    transient: tuple[type[BaseException], ...] = ()
    if _is_url(db):
        import psycopg
        import psycopg_pool

        transient = (psycopg.OperationalError, psycopg_pool.PoolTimeout)
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    err = Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)
    scope = ", ".join(agencies) if agencies else "every agency"
    engine = Engine(store=st, registry=_registry())
    err.print(f"worker {getattr(st, 'path', db)} ({scope}): started", markup=False)
    last = [timing.monotonic()]

    def on_round(stats: WorkerStats) -> None:
        if timing.monotonic() - last[0] >= 5:
            last[0] = timing.monotonic()
            err.print(
                f"fired {stats.fired}, delivered {stats.delivered}, "
                f"lost races {stats.conflicts}, errors {stats.errors}",
                markup=False,
            )

    def on_error(e: BaseException) -> None:
        err.print(f"database error, retrying in {interval:g} s: {e}", style="yellow", markup=False)

    out = sys.stdout if outbox_path == "-" else open(outbox_path, "a", encoding="utf-8")  # noqa: SIM115
    try:
        stats = run_worker(
            engine,
            JsonLinesNotifier(out),
            stop=stop,
            interval=interval,
            relay_limit=batch,
            exit_when_idle=exit_when_idle,
            transient=transient,
            on_round=on_round,
            on_error=on_error,
        )
    finally:
        if out is not sys.stdout:
            out.close()
        st.close()
    why = "stopped by signal" if stop.is_set() else "idle"
    err.print(
        f"worker {why}: fired {stats.fired}, delivered {stats.delivered}, "
        f"lost races {stats.conflicts}, errors {stats.errors}",
        markup=False,
    )


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
