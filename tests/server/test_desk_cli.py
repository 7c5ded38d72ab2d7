"""``sop serve-token`` and ``sop serve`` as a real process on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from sop_engine.cli import main
from sop_engine.server import hash_token

from deskkit import AGENCY, LAPOR


def test_serve_token_prints_the_token_once_and_stores_its_hash() -> None:
    args = ["serve-token", "--id", "siti", "--role", "admin_instansi", "--agency", AGENCY]
    result = CliRunner().invoke(main, [*args, "--unit", "upp", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["principal"]["token_sha256"] == hash_token(out["token"])
    assert out["token"] not in json.dumps(out["principal"])
    text = CliRunner().invoke(main, args).output
    assert "[[principal]]" in text
    assert 'token_sha256 = "' in text


def test_sop_serve_answers_on_loopback(tmp_path: Path) -> None:
    token = (
        CliRunner()
        .invoke(
            main,
            ["serve-token", "--id", "siti", "--role", "admin_instansi", "--agency", AGENCY],
        )
        .output
    )
    principals = tmp_path / "principals.toml"
    principals.write_text(token)
    secret = token.split(": ", 1)[1].splitlines()[0].strip()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "sop"),
            "serve",
            "--db",
            str(tmp_path / "d.sqlite3"),
            "--sop",
            str(LAPOR),
            "--principals",
            str(principals),
            "--port",
            str(port),
        ],
        env={**os.environ, "SOP_DESK_SECRET": "x" * 32},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/file", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "sop serve did not start"
                time.sleep(0.2)
        body = json.dumps({"data": {"judul": "Jalan rusak"}, "anonymous": True}).encode()
        req = urllib.request.Request(
            f"{base}/api/complaints", body, {"Content-Type": "application/json"}
        )
        tracking = json.load(urllib.request.urlopen(req, timeout=10))["tracking_id"]
        assert len(tracking) == 14
        assert tracking.count("-") == 2
        req = urllib.request.Request(
            f"{base}/api/queue", headers={"Authorization": f"Bearer {secret}"}
        )
        assert [i["id"] for i in json.load(urllib.request.urlopen(req, timeout=10))] == [tracking]
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()  # else an unclosed pipe warns at the end of the session
