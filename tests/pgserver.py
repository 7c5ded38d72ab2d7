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


SCALE_SOP = Path(__file__).resolve().parent / "fixtures" / "scale-sop.yaml"
SCALE_AGENCY = "Dinas Uji Skala"
ITEMS_PER_CASE = 2  # the scale SOP's breach and escalation level 1, due together


def seed_due_cases(url: str, cases: int) -> None:
    """``cases`` cases of the scale SOP whose two deadline items are all due now.

    One case is started through the engine (2026-01-05, so its items fell due long ago);
    the others are copies made inside the database: same snapshot, event and timers under
    a new id, each event's hash recomputed by the server exactly as the store computes it
    (SHA-256 of previous hash, a newline and the body). Seeding 10,000 cases this way takes
    well under a second instead of a minute of single commands.
    """
    from datetime import UTC, datetime

    import psycopg

    from sop_engine import Actor, Engine, SimulatedClock
    from sop_engine._persistence.postgres import PgStore

    clock = SimulatedClock(datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    store = PgStore(url, clock=clock)
    engine = Engine(store=store, clock=clock)
    engine.load(SCALE_SOP)
    engine.start("skala-uji", {"judul": "uji"}, Actor("p", "petugas"), case_id="k00000")
    store.close()
    ids = "'k' || lpad(g::text, 5, '0')"
    with psycopg.connect(url, autocommit=False) as conn:
        conn.execute(
            "INSERT INTO cases (id, agency, sop_id, sop_hash, state, version, snapshot) "
            f"SELECT {ids}, agency, sop_id, sop_hash, state, version, "
            f"replace(snapshot, '\"k00000\"', '\"' || {ids} || '\"') "
            "FROM cases, generate_series(1, %s) g WHERE id = 'k00000' ORDER BY g",
            (cases - 1,),
        )
        conn.execute(
            "INSERT INTO events (case_id, seq, agency, body, prev_hash, hash) "
            f"SELECT {ids}, seq, agency, b, '', "
            "encode(sha256(convert_to(E'\\n' || b, 'UTF8')), 'hex') "
            f"FROM events, generate_series(1, %s) g, "
            f"LATERAL (SELECT replace(body, '\"k00000\"', '\"' || {ids} || '\"') AS b) r "
            "WHERE case_id = 'k00000'",
            (cases - 1,),
        )
        conn.execute(
            "INSERT INTO timers (key, case_id, deadline, arming, item, agency, at) "
            f"SELECT {ids} || substr(key, 7), {ids}, deadline, arming, item, agency, at "
            "FROM timers, generate_series(1, %s) g WHERE case_id = 'k00000'",
            (cases - 1,),
        )
        conn.execute("ANALYZE")
