"""Load on the complaint desk from a second process on loopback: filing, firing and lookup.

    python bench/bench_desk.py [--requests 300] [--concurrency 8] [--time-limit 20]
                               [--backend sqlite] [--backend postgres]

For each backend, starts ``sop serve`` as its own process (uvicorn, one worker) on a fresh
SQLite file or a fresh schema of a throwaway PostgreSQL server (tests/pgserver.py), then drives
it over HTTP with ``--concurrency`` threads (one httpx client each):

1. **file**: ``--requests`` anonymous complaints (``POST /api/complaints``, each with its own
   ``Idempotency-Key``);
2. **fire**: ``verifikasi`` on every filed case (``POST /api/cases/{id}/events/verifikasi``,
   officer token, ``If-Match`` with the version the filing returned);
3. **lookup**: the reporter's view of every case (``GET /api/track/{id}``).

Each phase stops early at ``--time-limit`` seconds (bounded in count *and* time). Prints
requests/s and p50/p95 latency per phase; then stops the server and runs ``sop store check``
and ``sop audit verify`` on the database, and counts what the store holds: exactly one case
per accepted filing and two events per verified case (nothing lost, nothing duplicated).
Figures are a benchmark (docs/performance.md), never a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
LAPOR = ROOT / "examples" / "lapor" / "sop.yaml"
AGENCY = "Dinas Komunikasi dan Informatika Kota Contoh"
SOP = [sys.executable, "-c", "from sop_engine.cli import main; main()"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db: str, scratch: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    minted = subprocess.run(
        [*SOP, "serve-token", "--id", "siti", "--role", "admin_instansi", "--agency", AGENCY],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    token = minted.split(": ", 1)[1].splitlines()[0].strip()
    (scratch / "principals.toml").write_text(minted)
    (scratch / "desk.toml").write_text("[desk]\nrate_limit = 0\n")
    port = _port()
    proc = subprocess.Popen(
        [
            *SOP,
            "serve",
            "--db",
            db,
            "--sop",
            str(LAPOR),
            "--principals",
            str(scratch / "principals.toml"),
            "--config",
            str(scratch / "desk.toml"),
            "--port",
            str(port),
        ],
        env={**os.environ, "SOP_DESK_SECRET": "bench-" + "x" * 32},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/file", timeout=2).status_code == 200:
                return proc, base, token
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("sop serve did not start")
        time.sleep(0.2)


def _phase(
    name: str,
    items: list[Any],
    call: Callable[[httpx.Client, Any], httpx.Response],
    concurrency: int,
    limit: float,
) -> tuple[list[tuple[Any, httpx.Response]], dict[str, Any]]:
    """Run ``call`` on every item with ``concurrency`` threads until done or ``limit`` s."""
    local = threading.local()
    latencies: list[float] = []
    results: list[tuple[Any, httpx.Response]] = []
    lock = threading.Lock()
    start = time.perf_counter()

    def one(item: Any) -> None:
        if time.perf_counter() - start > limit:
            return
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(timeout=30)
        t0 = time.perf_counter()
        r = call(client, item)
        dt = time.perf_counter() - t0
        with lock:
            latencies.append(dt)
            results.append((item, r))

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, items))
    elapsed = time.perf_counter() - start
    ok = sum(1 for _, r in results if r.status_code < 400)
    lat = sorted(latencies) or [0.0]
    figures = {
        "phase": name,
        "sent": len(results),
        "ok": ok,
        "errors": len(results) - ok,
        "seconds": round(elapsed, 2),
        "req_per_s": round(len(results) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1),
    }
    return results, figures


def run(db: str, scratch: Path, n: int, concurrency: int, limit: float) -> dict[str, Any]:
    proc, base, token = _serve(db, scratch)
    officer = {"Authorization": f"Bearer {token}"}
    try:
        body = {
            "data": {"judul": "Jalan berlubang", "kronologi": "Lubang 20 cm", "lokasi": "Jl. A"},
            "anonymous": True,
        }
        filed, f1 = _phase(
            "file",
            list(range(n)),
            lambda c, i: c.post(
                f"{base}/api/complaints", json=body, headers={"Idempotency-Key": f"load-{i}"}
            ),
            concurrency,
            limit,
        )
        cases = [r.json()["tracking_id"] for _, r in filed if r.status_code == 201]
        fired, f2 = _phase(
            "fire",
            cases,
            lambda c, case: c.post(
                f"{base}/api/cases/{case}/events/verifikasi",
                json={"data": {"klasifikasi": "pengaduan"}},
                headers={**officer, "If-Match": '"1"'},
            ),
            concurrency,
            limit,
        )
        verified = {case for case, r in fired if r.status_code == 200}
        _, f3 = _phase(
            "lookup",
            cases,
            lambda c, case: c.get(f"{base}/api/track/{case}"),
            concurrency,
            limit,
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    check = subprocess.run([*SOP, "store", "check", "--db", db], capture_output=True, text=True)
    verify = subprocess.run([*SOP, "audit", "verify", "--db", db], capture_output=True, text=True)
    from sop_engine import PgStore, SqliteStore

    store: Any = PgStore(db) if db.startswith("postgresql") else SqliteStore(db)
    try:
        ids = list(store.case_ids())
        lengths = {case: len(store.history(case)) for case in ids}
    finally:
        store.close()
    lost = set(cases) - set(ids)
    extra = set(ids) - set(cases)
    wrong = [c for c in ids if lengths[c] != (2 if c in verified else 1)]
    return {
        "phases": [f1, f2, f3],
        "cases_in_store": len(ids),
        "accepted_filings": len(cases),
        "verified": len(verified),
        "lost": len(lost),
        "unexpected": len(extra),
        "wrong_event_count": len(wrong),
        "store_check": check.returncode,
        "audit_verify": verify.returncode,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--backend", action="append", choices=["sqlite", "postgres"], default=None)
    args = ap.parse_args()
    out: dict[str, Any] = {}
    for backend in args.backend or ["sqlite"]:
        with tempfile.TemporaryDirectory(prefix=f"desk-load-{backend}-") as tmp:
            scratch = Path(tmp)
            if backend == "sqlite":
                out[backend] = run(
                    str(scratch / "desk.sqlite3"),
                    scratch,
                    args.requests,
                    args.concurrency,
                    args.time_limit,
                )
                continue
            from pgserver import PgServer, find_bindir

            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("no PostgreSQL server binaries found")
            server = PgServer(bindir)
            try:
                out[backend] = run(
                    server.url(), scratch, args.requests, args.concurrency, args.time_limit
                )
            finally:
                server.stop()
    print(json.dumps(out, indent=2))
    bad = [
        b
        for b, r in out.items()
        if r["lost"]
        or r["unexpected"]
        or r["wrong_event_count"]
        or r["store_check"]
        or r["audit_verify"]
    ]
    if bad:
        raise SystemExit(f"lost, duplicated or inconsistent data on {bad}")


if __name__ == "__main__":
    main()
