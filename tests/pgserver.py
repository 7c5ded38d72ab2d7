"""A throwaway PostgreSQL server for the tests and the bench: initdb + pg_ctl on loopback.

The server binaries are looked up in ``$SOP_PG_BINDIR``, ``pg_config --bindir``, ``PATH`` and
``/usr/lib/postgresql/*/bin`` (Debian's layout). ``initdb`` refuses to run as root, and tests
run as root in CI, so as root the data directory is owned by an unprivileged account and every
server command runs as that account with ``runuser``: Debian's ``postgres`` user (created by
the ``postgresql`` package), else a system user ``sop-pgtest`` created for the purpose. The
server listens on 127.0.0.1 on a free port and trusts local connections; durability settings
are off (``fsync``, ``full_page_writes``): a test server holds nothing worth keeping.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PgServer", "find_bindir"]


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres, or None when there is none."""
    candidates: list[str] = []
    if os.environ.get("SOP_PG_BINDIR"):
        candidates.append(os.environ["SOP_PG_BINDIR"])
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).resolve().parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for c in candidates:
        d = Path(c)
        if c and all((d / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return d
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> str | None:
    """The account the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "sop-pgtest"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "sop-pgtest"],
        check=True,
        capture_output=True,
    )
    return "sop-pgtest"


class PgServer:
    """One server in a temporary directory; :meth:`stop` removes everything."""

    def __init__(self, bindir: Path, *, max_connections: int = 200) -> None:
        self.bindir = bindir
        self.port = _free_port()
        self.user = _server_user()
        self.dir = Path(tempfile.mkdtemp(prefix="sop-pg-"))
        self.dir.chmod(0o755)
        data = self.dir / "data"
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"
        )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            f"-c max_connections={max_connections} -c fsync=off -c full_page_writes=off "
            "-c synchronous_commit=off"
        )
        self._run(
            "pg_ctl", "-D", str(data), "-w", "-t", "60", "-l", str(self.dir / "log"),
            "-o", options, "start",
        )  # fmt: skip
        self.data = data

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.user is not None:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=self.dir)
        if done.returncode != 0:
            log = self.dir / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed: {done.stderr or done.stdout}\n{tail}")

    def url(self, dbname: str = "postgres", schema: str | None = None) -> str:
        """A libpq URL; with ``schema`` every connection works in that schema."""
        url = f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"
        if schema is not None:
            url += f"?options=-csearch_path%3D{schema}"
        return url

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
