"""``sop audit``: verify the audit trail, and sign checkpoints an auditor keeps.

``verify`` checks every case's hash chain and its rows (no orphaned trail) read-only; with
``--checkpoint FILE --pubkey PUB`` it also proves that nothing the signed checkpoint saw was
rewritten, truncated, swapped or deleted. ``checkpoint`` signs one (Ed25519), ``keygen`` makes
a key pair.
"""

from __future__ import annotations

import click

from sop_engine._core.i18n import Msg
from sop_engine._core.text import Lang
from sop_engine.cli._common import DB, FORMAT, LANG, PROGRESS, json_text, say, sop_errors

__all__ = ["audit"]


@click.group()
def audit() -> None:
    """The audit trail: verify it, and sign checkpoints that prove it was not rewritten."""


@audit.command()
@DB
@click.option("--case", "case_id", help="Check this case only.")
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A signed checkpoint to verify against (repeat for a chain, oldest first).",
)
@click.option(
    "--pubkey",
    type=click.Path(exists=True, dir_okay=False),
    help="The Ed25519 public key (PEM) the checkpoints were signed with.",
)
@FORMAT
@PROGRESS
@LANG
def verify(
    db: str,
    case_id: str | None,
    checkpoints: tuple[str, ...],
    pubkey: str | None,
    fmt: str,
    progress: bool | None,
    lang: Lang,
) -> None:
    """Check every case's hash chain and rows without writing anything; with --checkpoint,
    check the store against signed checkpoints too. Every problem is reported (case, event,
    what differs); exit 1 with a summary when there is any."""
    from pathlib import Path

    from sop_engine.cli._integrity import open_checked, report, run_checks

    if checkpoints and pubkey is None:
        raise click.UsageError(say(Msg("--checkpoint needs --pubkey (the key it was signed with)")))
    st = open_checked(db)
    try:
        checked, problems = run_checks(st, ("chain", "rows"), case_id, progress=progress)
        if checkpoints:
            from sop_engine._ops.checkpoint import verify_checkpoint

            assert pubkey is not None
            files = [Path(c).read_bytes() for c in checkpoints]
            with sop_errors():
                problems += verify_checkpoint(st, files, Path(pubkey).read_bytes())
            if case_id is not None:
                problems = [p for p in problems if p.case_id == case_id]
    finally:
        st.close()
    ok = Msg("every audit chain is intact")
    if case_id:
        ok = Msg("every audit chain is intact (case {case})", case=case_id)
    if checkpoints:
        ok = Msg("{ok}, and matches {n} signed checkpoint(s)", ok=ok, n=len(checkpoints))
    report(db, checked, problems, fmt, ok)


@audit.command()
@DB
@click.option(
    "--key",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The Ed25519 private key (PEM) to sign with (sop audit keygen makes one).",
)
@click.option("-o", "--output", required=True, help="Where to write the checkpoint.")
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False),
    help="The checkpoint before this one: the new one names it (a chain).",
)
@FORMAT
@LANG
def checkpoint(db: str, key: str, output: str, previous: str | None, fmt: str, lang: Lang) -> None:
    """Sign the head of every case's chain, the set of cases, a digest of their personal
    data and their waiting timers. Nothing is written to the store; give the file (and the
    public key) to the auditor."""
    from pathlib import Path

    from sop_engine._core.clock import SystemClock
    from sop_engine._ops.checkpoint import take_checkpoint
    from sop_engine.cli._integrity import open_checked

    st = open_checked(db)
    try:
        with sop_errors():
            data = take_checkpoint(
                st,
                Path(key).read_bytes(),
                SystemClock().now(),
                Path(previous).read_bytes() if previous else None,
            )
    finally:
        st.close()
    Path(output).write_bytes(data)
    if fmt == "json":
        import hashlib

        click.echo(
            json_text(
                {
                    "store": db,
                    "checkpoint": output,
                    "previous": previous,
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        )
    else:
        click.echo(Msg("{db}: checkpoint written to {output}", db=db, output=output).render(lang))


@audit.command()
@click.option("-o", "--output", required=True, help="The private key file; PUB goes to OUTPUT.pub.")
@FORMAT
@LANG
def keygen(output: str, fmt: str, lang: Lang) -> None:
    """Make an Ed25519 key pair for checkpoints (keep the private key off the database host)."""
    import os
    from pathlib import Path

    from sop_engine._ops.checkpoint import generate_key

    private, public = generate_key()
    from sop_engine._core.i18n import os_reason
    from sop_engine.cli._common import EnvironmentProblem, say

    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as e:  # an existing key is never overwritten: it may sign a chain already
        raise EnvironmentProblem(
            say(Msg("cannot create the key file {path}: {cause}", path=output, cause=os_reason(e)))
        ) from e
    with os.fdopen(fd, "wb") as f:
        f.write(private)
    Path(output + ".pub").write_bytes(public)
    if fmt == "json":
        click.echo(json_text({"private_key": output, "public_key": output + ".pub"}))
    else:
        said = Msg(
            "private key {private}, public key {public}", private=output, public=output + ".pub"
        )
        click.echo(said.render(lang))
