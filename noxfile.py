"""The test suite on Python 3.11, 3.12 and 3.13: ``make matrix`` (``nox``).

Each session makes a virtualenv with that interpreter (found on PATH or through pyenv's shims),
installs the engine, the plugins and the ``dev`` dependency group exactly as ``make test`` does,
then runs what depends on the interpreter: the type check for that Python version and pytest. ``make test`` stays on the default ``python3`` (one interpreter, the quick loop);
the matrix is its own command because three full installs and runs take several minutes.

``nox -s tests-3.12`` runs one version; extra arguments go to pytest: ``nox -- -x -q``.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

PYTHONS = ["3.11", "3.12", "3.13"]
EDITABLE = [
    "-e",
    ".",
    "-e",
    "plugins/lapor",
    "-e",
    "plugins/smtp[test]",
    "-e",
    "plugins/webhook",
    "-e",
    "examples/custom-plugin",
]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """pytest (and mypy for this Python version) on one interpreter."""
    session.install("pip>=25.1")
    session.install("--group", "dev", *EDITABLE)
    session.run("mypy", "--strict", f"--python-version={session.python}", "src/sop_engine")
    session.run("python", "-m", "pytest", "-q", "-p", "no:randomly", *session.posargs)
