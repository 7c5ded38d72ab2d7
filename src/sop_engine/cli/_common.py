"""What several ``sop`` commands share: options, the registry, output, errors and opening a store.

Everything here is written once; a command module imports it instead of repeating it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from sop_engine._compile.registry import Registry
from sop_engine._core.errors import SopError
from sop_engine._core.i18n import Msg, env_lang, locale_lang, render
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
    "EnvironmentProblem",
    "choose_lang",
    "console",
    "existing",
    "is_url",
    "json_text",
    "open_store",
    "postgres_driver",
    "registry",
    "said",
    "sop_errors",
]


def _lang(ctx: click.Context, param: click.Parameter, value: str | None) -> Lang:
    if value in ("id", "en"):
        return value  # type: ignore[return-value]
    return CLI_LANG.get() or env_lang() or locale_lang()


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


FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts and CI.",
)
"""The output option: ``--format text`` (the default) or ``--format json``."""


class EnvironmentProblem(click.ClickException):
    """A usage or environment error (a missing file, an existing one in the way): exit code 2.

    Exit codes of every command: 0 ok, 1 findings (an invalid SOP, a broken chain, a failing
    scenario), 2 the command could not do its work.
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
            raise click.ClickException(error.message(CLI_LANG.get() or "en")) from error


def said(message: Msg | str) -> str:
    """``message`` in the language of the running invocation (English outside one)."""
    return render(message, CLI_LANG.get() or "en")


def sop_errors() -> _SopErrors:
    """``with sop_errors():`` prints a library error as ``Error: ...`` (exit 1), no traceback."""
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
        raise click.ClickException(f"no database at {db}")
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
        raise click.ClickException(
            f"a postgresql:// database needs the PostgreSQL driver ({e}); "
            "install it with: pip install 'sop-engine[postgres]'"
        ) from e


def key_file_from_env() -> KeyFile | None:
    """The key file ``SOP_KEY_FILE`` names, for a PostgreSQL store (a SQLite file keeps its
    keys in ``FILE.keys``): with it personal data is sealed per case and erasure destroys
    the key; without it the values are kept apart in clear and deleted at erasure."""
    from sop_engine._persistence.vault import KeyFile

    path = os.environ.get("SOP_KEY_FILE")
    return KeyFile(path) if path else None


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
    if is_url(db):
        postgres_driver()
        from sop_engine._persistence.postgres import PgStore

        with sop_errors():
            keys = key_file_from_env()
            return PgStore(db, agencies=agencies, keys=keys, **tuning)  # type: ignore[arg-type]
    if agencies:
        raise click.ClickException(
            "--agency needs a PostgreSQL store (a SQLite file serves one deployment)"
        )
    path = existing(db) if must_exist else Path(db)
    try:
        return SqliteStore(path, lease=lease or timedelta(minutes=5))
    except sqlite3.DatabaseError as e:
        raise click.ClickException(f"{db} is not a usable sop_engine SQLite database: {e}") from e
