"""PostgreSQL without a key source is said loudly (issue 17).

Decision (docs/security.md): a PostgreSQL store without a key source still starts (refusing
would stop a running complaint desk over a configuration change), but every CLI command that
opens it says on standard error, in the reader's language, that personal data is kept apart
in clear and how to fix it; a library user gets a ``sop_engine.store`` log warning.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine._persistence.postgres import PgStore
from sop_engine._persistence.vault import KeyFile
from sop_engine.cli import main


def test_the_cli_warns_on_postgres_without_a_key_file(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOP_KEY_FILE", raising=False)
    monkeypatch.setenv("SOP_LANG", "en")
    result = CliRunner().invoke(main, ["store", "migrate", "--db", pg_url])
    assert result.exit_code == 0, result.output
    assert "NOT encrypted" in result.output
    assert "SOP_KEY_FILE" in result.output
    monkeypatch.setenv("SOP_LANG", "id")
    result = CliRunner().invoke(main, ["store", "migrate", "--db", pg_url])
    assert "TIDAK terenkripsi" in result.output
    monkeypatch.setenv("SOP_KEY_FILE", str(tmp_path / "pg.keys"))
    result = CliRunner().invoke(main, ["store", "migrate", "--db", pg_url])
    assert result.exit_code == 0, result.output
    assert "terenkripsi" not in result.output
    assert "encrypted" not in result.output


def test_a_library_user_gets_a_log_warning(
    pg_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="sop_engine.store"):
        PgStore(pg_url).close()
    assert any("not encrypted" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sop_engine.store"):
        PgStore(pg_url, keys=KeyFile(tmp_path / "pg.keys")).close()
    assert not caplog.records
