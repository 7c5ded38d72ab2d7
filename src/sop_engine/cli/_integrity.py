"""What ``sop store check`` and ``sop audit verify`` share: opening the store read-only,
running the checks with a progress bar, and reporting every problem with a summary."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

from sop_engine._core.i18n import Msg, env_lang, locale_lang
from sop_engine._core.text import Lang
from sop_engine.cli._common import (
    EnvironmentProblem,
    is_url,
    json_text,
    postgres_driver,
    progress_bar,
    registry,
    say,
)
from sop_engine.cli._i18n import CLI_LANG

if TYPE_CHECKING:
    from sop_engine._ops.integrity import Check, Problem
    from sop_engine._persistence.readonly import ReadOnlyStore

__all__ = ["open_checked", "report", "run_checks"]


def open_checked(db: str) -> ReadOnlyStore:
    """The store ``db`` names, opened read-only; a missing file, a file that is no sop_engine
    store or an unreachable server is a one-line environment error (exit 2), never a pass and
    never mistaken for a finding (exit 1)."""
    from pathlib import Path

    from sop_engine._core.errors import StoreUnavailable
    from sop_engine._persistence.readonly import open_readonly

    if is_url(db):
        postgres_driver()
    elif not Path(db).is_file():
        raise EnvironmentProblem(say(Msg("no database at {db}", db=db)))
    try:
        return open_readonly(db)
    except StoreUnavailable as e:
        if is_url(db):
            raise EnvironmentProblem(say(e.msg) if e.msg is not None else str(e)) from e
        said = Msg(
            "{db} is not a readable sop_engine database: {cause}; {fix}",
            db=db,
            cause=e.reason,
            fix=e.fix,
        )
        raise EnvironmentProblem(say(said)) from e


def run_checks(
    store: ReadOnlyStore,
    checks: Iterable[Check],
    case_id: str | None = None,
    *,
    progress: bool | None = None,
) -> tuple[int, list[Problem]]:
    """Run the checks on every case (or one), with a progress bar on standard error
    (``progress``: see :func:`sop_engine.cli._common.progress_bar`)."""
    from sop_engine._ops.integrity import check_store

    total = store.count_cases() if case_id is None else 1
    with progress_bar(progress) as bar:
        task = bar.add_task(say(Msg("checking cases")), total=total)
        return check_store(
            store,
            registry(),
            checks=checks,
            case_id=case_id,
            on_case=lambda _: bar.advance(task),
        )


def report(db: str, checked: int, problems: list[Problem], fmt: str, ok: Msg) -> None:
    """Print every problem (case, event, check, what differs) and a summary, in the reader's
    language (``--lang``); exit 1 on any. JSON keeps ``check`` as the stable code."""
    lang = current_lang()
    cases = sorted({p.case_id for p in problems})
    if fmt == "json":
        click.echo(
            json_text(
                {
                    "store": db,
                    "cases_checked": checked,
                    "cases_with_problems": len(cases),
                    "problems": [
                        {
                            "case_id": p.case_id,
                            "seq": p.seq,
                            "check": p.check,
                            "what": p.message(lang),
                        }
                        for p in problems
                    ],
                }
            )
        )
    else:
        for p in problems:
            if p.check == "chain":
                line = Msg(
                    "{db}: case {case}: broken at event {seq}: {what}",
                    db=db,
                    case=p.case_id,
                    seq=p.seq,
                    what=p.message(lang),
                )
            else:
                line = Msg(
                    "{db}: case {case}: event {seq}: {what} [{check}]",
                    db=db,
                    case=p.case_id,
                    seq=p.seq,
                    what=p.message(lang),
                    check=p.check,
                )
            click.echo(line.render(lang))
        if problems:
            summary = Msg(
                "{db}: {n} problem(s) in {bad} of {checked} case(s) (or rows of no case)",
                db=db,
                n=len(problems),
                bad=len(cases),
                checked=checked,
            )
            click.echo(summary.render(lang))
        else:
            click.echo(Msg("{db}: {ok}", db=db, ok=ok).render(lang))
    if problems:
        sys.exit(1)


def current_lang() -> Lang:
    """The language of this invocation (``--lang``, ``SOP_LANG``, the locale)."""
    return CLI_LANG.get() or env_lang() or locale_lang()
