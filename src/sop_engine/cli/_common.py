"""What several ``sop`` commands share: options, the registry, output, errors and opening a store.

Everything here is written once; a command module imports it instead of repeating it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from sop_engine._compile.registry import Registry
from sop_engine._core.errors import (
    CaseNotFound,
    PluginError,
    SopError,
    StoreUnavailable,
    UnknownSop,
)
from sop_engine._core.i18n import N_, Msg, env_lang, gettext, locale_lang, render
from sop_engine._core.text import Lang
from sop_engine.cli._i18n import CLI_LANG, explicit_lang

if TYPE_CHECKING:
    from sop_engine._persistence.postgres import PgStore
    from sop_engine._persistence.sqlite import SqliteStore
    from sop_engine._persistence.vault import KeyFile

__all__ = [
    "DB",
    "FORMAT",
    "LANG",
    "PROGRESS",
    "EnvironmentProblem",
    "choose_lang",
    "cli_lang",
    "console",
    "existing",
    "is_url",
    "json_text",
    "open_store",
    "postgres_driver",
    "progress_bar",
    "registry",
    "said",
    "say",
    "show_progress",
    "sop_errors",
]


def cli_lang() -> Lang:
    """The language of the running invocation: ``--lang``, ``SOP_LANG``, then the locale."""
    return CLI_LANG.get() or env_lang() or locale_lang()


def _lang(ctx: click.Context, param: click.Parameter, value: str | None) -> Lang:
    if value in ("id", "en"):
        return value  # type: ignore[return-value]
    return cli_lang()


LANG = click.option(
    "--lang",
    type=click.Choice(["id", "en"]),
    default=None,
    callback=_lang,
    help="Language of messages: Bahasa Indonesia or English. Default: SOP_LANG, then the "
    "SOP's language, then the locale (Indonesian unless the locale is English).",
)
"""The language option: ``--lang id|en``; without it ``SOP_LANG``, the SOP's, the locale's."""


def choose_lang(lang: Lang, sop_language: str | None) -> Lang:
    """The language for a command that read one SOP: ``--lang``/``SOP_LANG``, else the SOP's."""
    if not explicit_lang() and sop_language in ("id", "en"):
        return sop_language  # type: ignore[return-value]
    return lang


PROGRESS = click.option(
    "--progress/--no-progress",
    "progress",
    default=None,
    help="Show a progress bar on standard error. Default: only when standard error is a "
    "terminal and the CI variable is not set; never on standard output, so --format json "
    "stays parseable.",
)
"""The progress option of long commands: ``--progress``, ``--no-progress``, or automatic."""


def show_progress(progress: bool | None) -> bool:
    """Whether a long command draws its progress bar: as ``--progress/--no-progress`` says,
    else only on an interactive terminal. A bar redrawn in a pipe, a log file or a CI log is
    noise (dozens of carriage-return lines), so the automatic choice looks at the real standard
    error stream, not at rich's guess (which ``FORCE_COLOR``, set by many CI systems, turns on).
    """
    if progress is not None:
        return progress
    if os.environ.get("CI"):
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def progress_bar(progress: bool | None) -> Progress:
    """A transient rich progress bar on standard error (disabled: see :func:`show_progress`).

    Standard output never carries it, so a command's ``--format json`` result stays one
    parseable document even while the bar is drawn.
    """
    show = show_progress(progress)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True, force_terminal=True if show else None),
        transient=True,
        disable=not show,
        # rich would otherwise capture what the command prints while the bar is drawn and
        # write it to the bar's console (standard error): a --format json document would
        # leave standard output
        redirect_stdout=False,
        redirect_stderr=False,
    )


def say(message: Msg) -> str:
    """A CLI message in the language of the running invocation (``--lang``, ``SOP_LANG``, the
    locale). Write it as ``say(Msg("English text {name}", name=value))`` so the extraction
    finds it and the Indonesian catalogue holds it."""
    return message.render(CLI_LANG.get() or env_lang() or locale_lang())


class EnvironmentProblem(click.ClickException):
    """A usage or environment error (a missing file, an existing one in the way): exit code 2.

    Exit codes of every command: 0 ok, 1 findings (an invalid SOP, a broken chain, a failing
    scenario), 2 the command could not do its work (bad usage, a missing or unusable file or
    database, a missing optional dependency). A monitoring job or CI step can then tell "the
    deployment has a problem" (1) from "the check itself could not run" (2).
    """

    exit_code = 2


DB = click.option(
    "--db",
    "db",
    required=True,
    help="The store: a SQLite file, or a PostgreSQL URL (postgresql://USER@HOST:PORT/DBNAME).",
)
"""The store option of the commands that work on an existing deployment."""

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts and monitoring.",
)
"""The output format option: ``--format text`` (the default) or ``--format json``."""


class _SopErrors:
    """Turns a :class:`SopError` raised inside the ``with`` block into a one-line click error."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if isinstance(error, SopError):  # in the language of the invocation (--lang, SOP_LANG)
            text = error.message(CLI_LANG.get() or "en")
            if isinstance(error, StoreUnavailable | PluginError):  # the machine, not the input
                raise EnvironmentProblem(text) from error
            if isinstance(error, CaseNotFound | UnknownSop):  # an id that names nothing: usage
                raise EnvironmentProblem(text) from error
            raise click.ClickException(text) from error


def said(message: Msg | str) -> str:
    """``message`` in the language of the running invocation (English outside one)."""
    return render(message, CLI_LANG.get() or "en")


def sop_errors() -> _SopErrors:
    """``with sop_errors():`` prints a library error as ``Error: ...``, no traceback: exit 2 for
    an unreachable store or a broken plugin (the environment) and for an unknown case or SOP
    id (usage), 1 for the rest (a refusal: the command ran and the answer is no)."""
    return _SopErrors()


def registry() -> Registry:
    """The registry with every installed plugin; a broken plugin is an error message."""
    with sop_errors():
        return Registry()


def json_text(value: Any) -> str:
    """``value`` as indented JSON, non-ASCII text kept as it is (Indonesian names, arrows)."""
    return json.dumps(value, ensure_ascii=False, indent=2)


def console(**options: Any) -> Console:
    """A rich console that prints text as given: no highlighting, no emoji codes."""
    return Console(highlight=False, emoji=False, **options)


def existing(db: str) -> Path:
    """The SQLite file ``db``, which must exist."""
    if not Path(db).is_file():
        raise EnvironmentProblem(say(Msg("no database at {db}", db=db)))
    return Path(db)


def is_url(db: str) -> bool:
    """Whether a ``--db`` value names a PostgreSQL database rather than a SQLite file."""
    return db.startswith(("postgresql://", "postgres://"))


def postgres_driver() -> None:
    """Fail with the fix when the PostgreSQL driver (an optional extra) is missing."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError as e:
        said = Msg(
            "a postgresql:// database needs the PostgreSQL driver ({cause}); install it with: "
            "{install}",
            cause=e,
            install="pip install 'sop-engine[postgres]'",
        )
        raise EnvironmentProblem(say(said)) from e


def key_file_from_env() -> KeyFile | None:
    """The key file ``SOP_KEY_FILE`` names, for a PostgreSQL store (a SQLite file keeps its
    keys in ``FILE.keys``): with it personal data is sealed per case and erasure destroys
    the key; without it the values are kept apart in clear and deleted at erasure."""
    from sop_engine._persistence.vault import KeyFile

    path = os.environ.get("SOP_KEY_FILE")
    return KeyFile(path) if path else None


UNSEALED = N_(
    "WARNING: no key source (SOP_KEY_FILE is not set): this PostgreSQL store keeps the "
    "reporters' personal data and the complaints' free text apart but NOT encrypted, so its "
    "backups and WAL archives keep them after an erasure. Set SOP_KEY_FILE to a private file "
    "on an encrypted volume, outside the database's backups, in every process that opens it."
)
"""Said on standard error whenever the CLI opens PostgreSQL without a key source (issue 17)."""


def unsealed_warning() -> str:
    """:data:`UNSEALED` in the CLI's language."""
    return gettext(UNSEALED, CLI_LANG.get() or env_lang() or locale_lang())


def open_store(
    db: str,
    *,
    must_exist: bool = True,
    agencies: tuple[str, ...] = (),
    lease: timedelta | None = None,
    batch: int | None = None,
    finish_erasures: bool = True,
) -> SqliteStore | PgStore:
    """The store a ``--db`` value names: a PostgreSQL URL or a SQLite file (opened, migrated).

    ``agencies``, ``lease`` and ``batch`` tune a worker's PostgreSQL store;
    ``finish_erasures=False`` leaves unfinished erasures for a health check to report.
    """
    from sop_engine._persistence.sqlite import SqliteStore

    tuning: dict[str, timedelta | int] = {}
    if lease is not None:
        tuning["lease"] = lease
    if batch is not None:
        tuning["batch"] = batch
    if is_url(db):
        postgres_driver()
        from sop_engine._persistence.postgres import PgStore

        try:
            keys = key_file_from_env()
            if keys is None:
                click.echo(unsealed_warning(), err=True)
            return PgStore(
                db,
                agencies=agencies,
                keys=keys,
                finish_erasures=finish_erasures,
                **tuning,  # type: ignore[arg-type]
            )
        except SopError as e:  # unreachable server, refused login, bad key file: environment
            raise EnvironmentProblem(str(e)) from e
    if agencies:
        raise click.UsageError(
            "--agency needs a PostgreSQL store (a SQLite file serves one deployment)"
        )
    path = existing(db) if must_exist else Path(db)
    try:
        return SqliteStore(
            path, lease=lease or timedelta(minutes=5), finish_erasures=finish_erasures
        )
    except sqlite3.DatabaseError as e:
        raise EnvironmentProblem(
            say(
                Msg("{db} is not a usable sop_engine SQLite database: {error}", db=db, error=str(e))
            )
        ) from e
