"""The ``sop`` command line.

One click group; each command group lives in its own module of this package and calls the
library, rendering the result with rich; what several commands share (options, the registry,
JSON output, error messages, opening a store) is in :mod:`sop_engine.cli._common`. Later features
add their subcommands to :data:`main` (``main.add_command``) without touching the existing ones.
Bad input files never produce a traceback: every problem is a finding, and the exit code says
whether any error was found.
"""

from __future__ import annotations

import click

from sop_engine.cli._audit import audit
from sop_engine.cli._calendar import calendar
from sop_engine.cli._case import case
from sop_engine.cli._demo import demo
from sop_engine.cli._diagram import diagram
from sop_engine.cli._explore import test_command
from sop_engine.cli._export import export
from sop_engine.cli._i18n import SopGroup, install
from sop_engine.cli._init import init
from sop_engine.cli._lint import lint
from sop_engine.cli._outbox import outbox
from sop_engine.cli._plugins import plugins
from sop_engine.cli._report import report
from sop_engine.cli._schema import schema
from sop_engine.cli._serve import serve, serve_token
from sop_engine.cli._simulate import simulate
from sop_engine.cli._store import store
from sop_engine.cli._worker import worker

__all__ = ["demo", "main"]


@click.group(cls=SopGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sop-engine")
def main() -> None:
    """Run complaint-handling SOPs as auditable state machines."""


for _command in (
    init, lint, schema, demo, calendar, audit, store, plugins, worker, outbox, test_command,
    diagram, case, report, export, serve, serve_token, simulate,
):  # fmt: skip
    main.add_command(_command)
install(main)  # help, usage and click's messages in the chosen language (cli/_i18n.py)
