"""``sop serve``: run the HTTP complaint desk; ``sop serve-token``: mint an officer's API token.

The server package is imported only when the command runs, so the rest of the command line
works without the optional ``server`` extra.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import click

from sop_engine._core.i18n import Msg, os_reason
from sop_engine._core.text import Lang
from sop_engine.cli._common import (
    DB,
    LANG,
    EnvironmentProblem,
    json_text,
    open_store,
    registry,
    say,
    sop_errors,
)

__all__ = ["serve", "serve_token"]


def _extra(e: ImportError) -> str:
    """Why the desk cannot start without the ``server`` extra, and how to install it."""
    return say(
        Msg(
            "the complaint desk needs the optional server packages: {install} ({cause})",
            install="pip install 'sop-engine[server]'",
            cause=e,
        )
    )


def _sop_files(paths: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files += sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml"))
        elif p.is_file():
            files.append(p)
        else:
            raise EnvironmentProblem(say(Msg("--sop {path}: no such file or directory", path=raw)))
    if not files:
        raise EnvironmentProblem(say(Msg("--sop names no SOP file (*.yaml)")))
    return files


def _file_problem(option: str, path: str | None, error: Exception, lang: Lang) -> str:
    """Why a desk file cannot be used, in ``lang``: the desk's own reasons and the operating
    system's come from the catalogue; a TOML syntax error or a wrongly typed value is said as
    Python says it (English)."""
    from sop_engine.server.texts import ConfigError

    if isinstance(error, ConfigError) and "path" in error.values:  # it names the file itself
        return Msg("{option} {why}", option=option, why=error.said(lang)).render(lang)
    why: object = error
    if isinstance(error, ConfigError):
        why = error.said(lang)
    elif isinstance(error, OSError):
        why = os_reason(error)
    return Msg("{option} {path}: {why}", option=option, path=path, why=why).render(lang)


def tracking_id() -> str:
    """A tracking ID a reporter can read out on the phone: 12 characters, 60 random bits."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    body = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{body[:4]}-{body[4:8]}-{body[8:]}"


@click.command()
@DB
@click.option(
    "--sop",
    "sops",
    multiple=True,
    required=True,
    help="An SOP file or a directory of them (repeat for several).",
)
@click.option(
    "--intake",
    default=None,
    help="The SOP id public complaints are filed under (default: the first SOP loaded).",
)
@click.option(
    "--principals",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML file of officers ([[principal]] id, role, agency, unit, token_sha256).",
)
@click.option("--config", type=click.Path(dir_okay=False), default=None, help="TOML [desk] table.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@LANG
def serve(
    db: str,
    sops: tuple[str, ...],
    intake: str | None,
    principals: str | None,
    config: str | None,
    host: str,
    port: int,
    lang: Lang,
) -> None:
    """Run the complaint desk (HTTP API, pages, OpenAPI at /schema) on DB.

    Several processes may serve one PostgreSQL database; give them the same secret in the
    environment variable SOP_DESK_SECRET (it signs session cookies and CSRF tokens).
    """
    try:
        import uvicorn

        from sop_engine.server import DeskSettings, PrincipalBook, create_app
    except ImportError as e:
        raise EnvironmentProblem(_extra(e)) from e
    from sop_engine import Engine

    try:
        settings = DeskSettings.from_toml(config) if config else DeskSettings()
    except (OSError, ValueError, TypeError) as e:
        raise EnvironmentProblem(_file_problem("--config", config, e, lang)) from e
    secret = os.environ.get("SOP_DESK_SECRET")
    if secret:
        import attrs

        settings = attrs.evolve(settings, secret=secret)
    try:
        book = (
            PrincipalBook.from_toml(principals, secret=settings.secret)
            if principals
            else PrincipalBook([], secret=settings.secret)
        )
    except (OSError, ValueError) as e:
        raise EnvironmentProblem(_file_problem("--principals", principals, e, lang)) from e
    store = open_store(db, must_exist=False)
    engine = Engine(store=store, registry=registry(), ids=tracking_id)
    with sop_errors():
        loaded = [engine.load(f) for f in _sop_files(sops)]
        app = create_app(
            engine,
            book,
            settings=settings,
            sop_id=intake or loaded[0].id,
            sop_ids=[s.id for s in loaded],
        )
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()


@click.command("serve-token")
@click.option("--id", "person", required=True, help="The officer's id.")
@click.option("--role", required=True, help="The SOP role they act in.")
@click.option("--agency", required=True, help="The agency, as the SOP's sop.agency names it.")
@click.option("--unit", default=None, help="Their unit (unit-scoped roles see only its cases).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@LANG
def serve_token(
    person: str, role: str, agency: str, unit: str | None, fmt: str, lang: Lang
) -> None:
    """Mint an API token: print it once, with the [[principal]] entry holding only its hash."""
    try:
        from sop_engine.server import hash_token, new_token
    except ImportError as e:
        raise EnvironmentProblem(_extra(e)) from e
    token = new_token()
    entry: dict[str, Any] = {"id": person, "role": role, "agency": agency}
    if unit:
        entry["unit"] = unit
    entry["token_sha256"] = hash_token(token)
    if fmt == "json":
        click.echo(json_text({"token": token, "principal": entry}))
        return
    said = Msg(
        "token for {person} (shown once, keep it secret): {token}", person=person, token=token
    )
    click.echo(f"# {said.render(lang)}")  # a TOML comment: the file stays loadable
    click.echo("[[principal]]")
    for k, v in entry.items():
        click.echo(f"{k} = {json_text(v)}")
