"""``sop worker``: sweep due deadlines and relay the outbox until stopped."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

import click

from sop_engine._core.errors import SopError
from sop_engine._core.i18n import C_, N_, Ctx, Msg, os_reason, pgettext
from sop_engine._core.text import Lang
from sop_engine.cli._common import (
    DB,
    FORMAT,
    LANG,
    EnvironmentProblem,
    console,
    is_url,
    json_text,
    open_store,
    registry,
    say,
)
from sop_engine.plugin import Notifier

if TYPE_CHECKING:
    from sop_engine._engine import Engine
    from sop_engine._ops.checkpoint import ScheduledCheckpoints
    from sop_engine._ops.worker import WorkerStats
    from sop_engine._persistence.deadletter import QueueStatus

__all__ = ["worker"]

DB_HELP = "The store: a SQLite file, or a PostgreSQL URL (postgresql://USER@HOST:PORT/DBNAME)."


@click.group(invoke_without_command=True)
@click.option("--db", "db", default=None, help=DB_HELP)
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
@click.option(
    "--notifier",
    default=None,
    help="Deliver through an installed plugin's notifier (smtp.email, webhook.post) instead of "
    "JSON lines.",
)
@click.option(
    "--config",
    "notifier_config",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML file configuring the notifier: its table named after it, or the whole file.",
)
@click.option("--exit-when-idle", is_flag=True, help="Stop once nothing is due or pending.")
@click.option(
    "--checkpoint-key",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Sign a checkpoint of the store every --checkpoint-every with this Ed25519 private "
    "key (PEM; sop audit keygen makes one). One worker of many takes each.",
)
@click.option(
    "--checkpoint-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where scheduled checkpoints are written (checkpoint-YYYYMMDDTHHMMSSZ.json).",
)
@click.option(
    "--checkpoint-every",
    default=None,
    metavar="DURATION",
    help="How often to checkpoint: 90s, 15m, 1h, 1d, 1h30m (periods start on the UTC epoch).",
)
@LANG
@click.pass_context
def worker(
    ctx: click.Context,
    db: str | None,
    agencies: tuple[str, ...],
    interval: float,
    batch: int,
    lease: float,
    outbox_path: str,
    notifier: str | None,
    notifier_config: str | None,
    exit_when_idle: bool,
    checkpoint_key: str | None,
    checkpoint_dir: str | None,
    checkpoint_every: str | None,
    lang: Lang,
) -> None:
    """Sweep due deadlines and relay the outbox until SIGTERM (any number may run at once).

    Progress and a summary go to standard error; SIGTERM or Ctrl-C stops after the commit in
    progress (exit 0). A timer or notification that keeps failing is retried with backoff,
    then quarantined: ``sop worker status`` lists it, ``sop worker requeue`` puts it back.
    """
    if ctx.invoked_subcommand is not None:
        return
    if db is None:
        raise click.UsageError(say(Msg("Missing option {option}.", option="'--db'")))
    import signal
    import threading
    import time as timing

    from sop_engine._engine import Engine
    from sop_engine._ops.worker import JsonLinesNotifier, run_worker

    if batch < 1 or lease <= 0 or interval < 0:
        raise click.UsageError(say(Msg("--batch must be >= 1, --lease > 0 and --interval >= 0")))
    plugin_notifier = _plugin_notifier(notifier, notifier_config)
    checkpoints = _schedule(db, checkpoint_key, checkpoint_dir, checkpoint_every)
    st = open_store(db, agencies=agencies, lease=timedelta(seconds=lease), batch=batch)
    transient: tuple[type[BaseException], ...] = ()
    if is_url(db):
        import psycopg
        import psycopg_pool

        transient = (psycopg.OperationalError, psycopg_pool.PoolTimeout)
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    err = console(stderr=True, soft_wrap=True)
    scope = ", ".join(agencies) if agencies else Msg("every agency")
    engine = Engine(store=st, registry=registry())
    started = Msg("worker {store} ({scope}): started", store=getattr(st, "path", db), scope=scope)
    err.print(started.render(lang), markup=False)
    for sop_id, warning in _calendar_warnings(engine):
        said = Msg("warning: {sop}: {text}", sop=sop_id, text=warning)
        err.print(said.render(lang), style="yellow", markup=False)
    last = [timing.monotonic()]

    def on_round(stats: WorkerStats) -> None:
        if timing.monotonic() - last[0] >= 5:
            last[0] = timing.monotonic()
            err.print(_counts(stats).render(lang), markup=False)

    def on_error(e: BaseException) -> None:
        retrying = Msg(
            "database error, retrying in {interval} s: {error}",
            interval=format(interval, "g"),
            error=e,
        )
        err.print(retrying.render(lang), style="yellow", markup=False)

    out = sys.stdout if outbox_path == "-" else open(outbox_path, "a", encoding="utf-8")  # noqa: SIM115
    try:
        stats = run_worker(
            engine,
            plugin_notifier or JsonLinesNotifier(out),
            stop=stop,
            interval=interval,
            relay_limit=batch,
            exit_when_idle=exit_when_idle,
            transient=transient,
            on_round=on_round,
            on_error=on_error,
            checkpoints=checkpoints,
        )
    finally:
        if out is not sys.stdout:
            out.close()
        st.close()
    if stop.is_set():
        ended = Msg("worker stopped by signal: {counts}", counts=_counts(stats))
    else:
        ended = Msg("worker idle: {counts}", counts=_counts(stats))
    err.print(ended.render(lang), markup=False)


def _counts(stats: WorkerStats) -> Msg:
    """The worker's running totals, as its progress and last lines say them."""
    counts = Msg(
        "fired {fired}, delivered {delivered}, lost races {conflicts}, errors {errors}, "
        "failed timers {timer_failures}, failed deliveries {failed}, quarantined {quarantined}, "
        "checkpoints {checkpoints}",
        fired=stats.fired,
        delivered=stats.delivered,
        conflicts=stats.conflicts,
        errors=stats.errors,
        timer_failures=stats.timer_failures,
        failed=stats.failed,
        quarantined=stats.quarantined,
        checkpoints=stats.checkpoints,
    )
    if not stats.checkpoint_failures:
        return counts
    return Msg("{counts} (failed {n})", counts=counts, n=stats.checkpoint_failures)


@worker.command()
@DB
@click.option("--limit", type=int, default=100, show_default=True, help="Dead letters listed.")
@click.option(
    "--checkpoint-every",
    "every_text",
    default=None,
    metavar="PERIOD",
    help="The workers' checkpoint schedule (as given to 'sop worker'): the newest signed "
    "checkpoint older than one period and a grace needs attention.",
)
@FORMAT
@LANG
def status(db: str, limit: int, every_text: str | None, fmt: str, lang: Lang) -> None:
    """Due and pending work, lag, the newest scheduled checkpoint and its age, and the
    quarantined timers and notifications with their errors. A health check: exit 1 when
    something needs a person (quarantined timers or notifications, erasures whose key is not
    destroyed yet, a scheduled checkpoint older than --checkpoint-every allows), listed under
    'attention' in JSON. Nothing is changed: unfinished erasures are reported, not finished."""
    from sop_engine._core.clock import SystemClock

    every = None if every_text is None else parse_every(every_text)
    st = open_store(db, finish_erasures=False)
    try:
        now = SystemClock().now()
        queue: QueueStatus = st.queue_status(now)
        letters = st.dead_letters(limit)
        latest = getattr(st, "latest_checkpoint", None)
        checkpoint = None if latest is None else latest()
        erasures = st.pending_erasures()
    finally:
        st.close()
    lag = None if queue.oldest_due is None else (now - queue.oldest_due).total_seconds()
    age = None if checkpoint is None else (now - checkpoint.taken_at).total_seconds()
    marks = {
        "last_checkpoint": None if checkpoint is None else checkpoint.slot,
        "last_checkpoint_file": None if checkpoint is None else checkpoint.file,
        "checkpoint_age_seconds": age,
    }
    attention = _attention(queue, erasures, age, every)
    if fmt == "json":
        doc = {
            "status": {
                **dict(_status_fields(queue).items()),
                "timer_lag_seconds": lag,
                **marks,
                "pending_erasures": len(erasures),
            },
            "healthy": not attention,
            "attention": [
                {"reason": reason, **facts, "message": say(text)}
                for reason, facts, text in attention
            ],
            "dead_letters": [_letter_doc(d) for d in letters],
        }
        click.echo(json_text(doc))
    else:
        for name, value in _status_fields(queue).items():
            click.echo(f"{_field(name, lang)}: {'-' if value is None else value}")
        click.echo(f"{_field('timer_lag_seconds', lang)}: {'-' if lag is None else f'{lag:.0f}'}")
        for name, value in marks.items():
            shown = "-" if value is None else f"{value:.0f}" if isinstance(value, float) else value
            click.echo(f"{_field(name, lang)}: {shown}")
        click.echo(f"{_field('pending_erasures', lang)}: {len(erasures)}")
        for d in letters:
            kind = _KINDS.get(d.kind)
            click.echo(
                Msg(
                    "quarantined {kind} {key} (case {case}) after {n} attempt(s) at {since}: "
                    "{error}",
                    kind=d.kind if kind is None else Msg(kind),
                    key=d.key,
                    case=d.case_id,
                    n=d.attempts,
                    since=d.since.isoformat(),
                    error=d.error,
                ).render(lang)
            )
        for _, _, text in attention:
            click.echo(say(Msg("needs attention: {what}", what=text)))
    if attention:
        sys.exit(1)


_Attention = tuple[str, dict[str, object], Msg]

_FIELDS: dict[str, Ctx] = {
    "due_timers": C_("worker status", "due_timers"),
    "retrying_timers": C_("worker status", "retrying_timers"),
    "dead_timers": C_("worker status", "dead_timers"),
    "pending_notifications": C_("worker status", "pending_notifications"),
    "retrying_notifications": C_("worker status", "retrying_notifications"),
    "dead_notifications": C_("worker status", "dead_notifications"),
    "oldest_due": C_("worker status", "oldest_due"),
    "oldest_pending": C_("worker status", "oldest_pending"),
    "timer_lag_seconds": C_("worker status", "timer_lag_seconds"),
    "last_checkpoint": C_("worker status", "last_checkpoint"),
    "last_checkpoint_file": C_("worker status", "last_checkpoint_file"),
    "checkpoint_age_seconds": C_("worker status", "checkpoint_age_seconds"),
    "pending_erasures": C_("worker status", "pending_erasures"),
}
"""The lines of ``sop worker status``: in English the JSON key itself (scripts grep for
``last_checkpoint_file:``), in Indonesian words; the context tells a translator so."""

_KINDS: dict[str, str] = {"timer": N_("timer"), "notification": N_("notification")}
"""A dead letter's kind, as the status line says it."""


def _field(name: str, lang: Lang) -> str:
    """A status line's label in ``lang``; a field a newer store adds shows as its key."""
    field = _FIELDS.get(name)
    return name if field is None else pgettext(field.context, field.message, lang)


def _attention(
    queue: QueueStatus, erasures: list[str], age: float | None, every: timedelta | None
) -> list[_Attention]:
    """What ``sop worker status`` exits 1 for: ``(reason, facts, message)`` each.

    A scheduled checkpoint is due at the start of every period and taken within seconds by
    one of the workers; the newest one older than a period plus a grace (a tenth of the
    period, at least a minute) means a period went by without one (no worker running with the
    schedule, or every attempt failing: the worker log says why).
    """
    out: list[_Attention] = []
    if queue.dead_timers:
        out.append(
            (
                "quarantined_timers",
                {"count": queue.dead_timers},
                Msg(
                    "{n} timer(s) quarantined after repeated failures: read the errors, fix "
                    "the cause, then 'sop worker requeue'",
                    n=queue.dead_timers,
                ),
            )
        )
    if queue.dead_notifications:
        out.append(
            (
                "quarantined_notifications",
                {"count": queue.dead_notifications},
                Msg(
                    "{n} notification(s) quarantined after repeated failures: fix the "
                    "notifier's configuration, then 'sop outbox requeue'",
                    n=queue.dead_notifications,
                ),
            )
        )
    if erasures:
        out.append(
            (
                "pending_erasures",
                {"count": len(erasures), "cases": erasures[:20]},
                Msg(
                    "{n} erasure(s) committed whose key is not destroyed yet (cases {cases}): "
                    "a writer stopped in between; start 'sop worker' or run 'sop store "
                    "migrate' to finish them",
                    n=len(erasures),
                    cases=", ".join(erasures[:5]) + (" ..." if len(erasures) > 5 else ""),
                ),
            )
        )
    if every is not None:
        allowed = every + max(timedelta(minutes=1), every / 10)
        if age is None:
            out.append(
                (
                    "no_checkpoint",
                    {"schedule_seconds": every.total_seconds()},
                    Msg(
                        "no scheduled checkpoint was ever taken: start 'sop worker' with "
                        "--checkpoint-key, --checkpoint-dir and --checkpoint-every"
                    ),
                )
            )
        elif age > allowed.total_seconds():
            out.append(
                (
                    "stale_checkpoint",
                    {"age_seconds": round(age), "allowed_seconds": allowed.total_seconds()},
                    Msg(
                        "the newest scheduled checkpoint is {age} s old, the schedule allows "
                        "{allowed} s: no worker took the last period's (see the worker log)",
                        age=round(age),
                        allowed=round(allowed.total_seconds()),
                    ),
                )
            )
    return out


@worker.command()
@DB
@click.argument("keys", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every quarantined timer.")
@FORMAT
@LANG
def requeue(db: str, keys: tuple[str, ...], every: bool, fmt: str, lang: Lang) -> None:
    """Put quarantined timers (by key, or --all) back in the queue with fresh attempts."""
    st = open_store(db)
    try:
        if every:
            keys = tuple(d.key for d in st.dead_letters(1_000_000) if d.kind == "timer")
        n = st.requeue(keys)
    finally:
        st.close()
    click.echo(
        json_text({"requeued": n}) if fmt == "json" else Msg("requeued {n}", n=n).render(lang)
    )


def _status_fields(queue: object) -> dict[str, object]:
    import attrs

    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in attrs.asdict(queue, recurse=False).items()  # type: ignore[arg-type]
    }


def _letter_doc(d: object) -> dict[str, object]:
    return _status_fields(d)


def _calendar_warnings(engine: Engine) -> list[tuple[str, Msg]]:
    """One warning per calendar of the stored SOP versions that ends within a year, or before
    the longest deadline started today could fall due (logged too, for the log shipper)."""
    import logging

    from sop_engine._core.calendar import horizon_warning
    from sop_engine._features.deadlines import latest_due
    from sop_engine.cli._calendar import today_of

    today = today_of(None)
    seen: dict[str, tuple[str, Msg]] = {}
    for sop_hash in getattr(engine.store, "sop_hashes", list)():
        try:
            sop = engine.catalog.pinned(sop_hash)
            if sop.deadlines is None:
                continue
            cal = engine.catalog.calendar(sop)
            warning = horizon_warning(cal, today, reach=latest_due(sop.deadlines, cal, today))
        except Exception:  # an SOP this host cannot load is the sweeper's to report
            continue
        if warning is not None:
            seen.setdefault(str(warning), (sop.id, warning))
    for sop_id, warning in seen.values():  # the log stays English, for the log shipper
        logging.getLogger("sop_engine.worker").warning(
            "calendar ends soon: %s: %s", sop_id, warning
        )
    return list(seen.values())


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> timedelta:
    """``90s``, ``15m``, ``1h``, ``1d``, ``1h30m`` or plain seconds, as a period of at least a
    second and at most a year; anything else is a usage error naming the forms."""
    import re

    raw = text.strip().lower()
    parts = re.fullmatch(r"(?:\d+(?:\.\d+)?[smhd])+", raw)
    try:
        if parts is not None:
            seconds = sum(
                float(n) * _UNITS[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)([smhd])", raw)
            )
        else:
            seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 1 <= seconds <= 366 * 86400:  # also refuses nan and inf
        raise click.BadParameter(
            say(
                Msg(
                    "{text!r}: give a period from 1s to 366d, such as 90s, 15m, 1h, 1d or 1h30m",
                    text=text[:40],
                )
            ),
            param_hint="--checkpoint-every",
        )
    return timedelta(seconds=seconds)


def _schedule(
    db: str, key: str | None, directory: str | None, every: str | None
) -> ScheduledCheckpoints | None:
    """The scheduled checkpoints the three --checkpoint-* options ask for (all or none)."""
    if key is None and directory is None and every is None:
        return None
    if key is None or directory is None or every is None:
        raise click.UsageError(
            say(
                Msg(
                    "scheduled checkpoints need --checkpoint-key, --checkpoint-dir and "
                    "--checkpoint-every together"
                )
            )
        )
    from pathlib import Path

    from sop_engine._ops.checkpoint import CheckpointInvalid, ScheduledCheckpoints
    from sop_engine.cli._integrity import open_checked

    period = parse_every(every)
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        said = Msg(
            "{option} {path}: cannot write there ({why})",
            option="--checkpoint-dir",
            path=directory,
            why=str(e),
        )
        raise click.ClickException(say(said)) from e
    try:
        return ScheduledCheckpoints(
            Path(key).read_bytes(), folder, period, lambda: open_checked(db)
        )
    except CheckpointInvalid as e:
        said = Msg(
            "{option} {path}: {why}", option="--checkpoint-key", path=key, why=e.msg or str(e)
        )
        raise click.ClickException(say(said)) from e


def _plugin_notifier(name: str | None, config_path: str | None) -> Notifier | None:
    """The installed notifier ``name`` bound to its TOML configuration (checked by its schema)."""
    if name is None:
        if config_path is not None:
            raise click.UsageError(say(Msg("--config configures a --notifier: name one")))
        return None
    import tomllib

    config: dict[str, object] = {}
    if config_path is not None:
        try:
            with open(config_path, "rb") as f:
                doc = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as e:
            why = os_reason(e) if isinstance(e, OSError) else str(e)  # TOML's own text: English
            said = Msg("{option} {path}: {why}", option="--config", path=config_path, why=why)
            raise EnvironmentProblem(say(said)) from e
        table = doc.get(name)
        config = dict(table) if isinstance(table, dict) else doc
    reg = registry()
    if name not in reg.notifiers:
        known = ", ".join(sorted(reg.notifiers)) or Msg("none installed")
        said = Msg("--notifier {name}: no such notifier ({known})", name=name, known=known)
        raise click.UsageError(say(said))
    try:
        return reg.notifier(name, config)
    except SopError as e:  # the configuration file is wrong: the environment (exit 2)
        raise EnvironmentProblem(str(e)) from e
