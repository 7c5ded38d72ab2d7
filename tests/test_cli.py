"""The `sop` command: demo, schema, lint exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sop_engine.cli import main

from conftest import LAPOR


def test_demo_runs_every_scenario_in_indonesian() -> None:
    result = CliRunner().invoke(main, ["demo", "--memory"])
    assert result.exit_code == 0, result.output
    for case in range(1, 12):
        assert f"LPR-2026-{case:04d}" in result.output
    assert "ditolak" in result.output
    # the code of ethics: one blocked conflict of interest, one flagged late response
    assert "EthicsViolation KE-01" in result.output
    assert "Pelanggaran kode etik" in result.output
    assert "konflik kepentingan" in result.output
    assert "penundaan berlarut" in result.output
    assert "Selesai" in result.output
    assert "Menunggu Kelengkapan dari Pelapor" in result.output
    assert "Jejak audit setiap kasus sesuai dengan status akhirnya." in result.output
    # the deadline sweeper ran on the simulated clock: reminder, breach, escalation, extension
    for text in (
        "Pengingat",
        "Batas waktu terlewati",
        "Eskalasi",
        "Perpanjangan",
        "Batas waktu habis",
        "Tutup otomatis",
        "Batas waktu standar pelayanan",
    ):
        assert text in result.output, text


def test_demo_in_english() -> None:
    result = CliRunner().invoke(main, ["demo", "--lang", "en", "--memory"])
    assert result.exit_code == 0, result.output
    assert "Every case's audit trail matches its final snapshot." in result.output
    assert "GuardRejected" in result.output
    assert "RoleNotPermitted" in result.output


def test_schema_prints_json() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "sop_engine SOP file"


def test_lint_valid_file_exits_zero() -> None:
    result = CliRunner().invoke(main, ["lint", str(LAPOR), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "1 file(s) valid" in result.output


def test_lint_reports_every_problem_with_position(tmp_path: object) -> None:
    import pathlib

    text = LAPOR.read_text(encoding="utf-8")
    text = text.replace("    to: selesai\n", "    to: selesay\n", 1)
    text = text.replace("roles: pejabat_penghubung", "roles: pejabat_penghubng", 1)
    bad = pathlib.Path(str(tmp_path)) / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(bad), "--lang", "en", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    found = {(f["code"], f["line"]) for f in report["findings"]}
    lines = text.splitlines()
    selesay = next(i for i, line in enumerate(lines, 1) if "to: selesay" in line)
    role = next(i for i, line in enumerate(lines, 1) if "pejabat_penghubng" in line)
    assert ("SOP025", selesay) in found
    assert ("SOP027", role) in found
    messages = " ".join(f["message"] for f in report["findings"])
    assert "did you mean 'selesai'?" in messages
    assert "did you mean 'pejabat_penghubung'?" in messages


def test_lint_missing_file_has_no_traceback() -> None:
    result = CliRunner().invoke(main, ["lint", "/nonexistent/sop.yaml"])
    assert result.exit_code == 2  # a missing file is a usage error; its finding still printed
    assert "SOP001" in result.output
    assert "Traceback" not in result.output


def test_demo_keeps_its_cases_in_sqlite_and_resumes_on_a_second_run(tmp_path: Path) -> None:
    from sop_engine._persistence.sqlite import SqliteStore, verify_chains

    runner = CliRunner()
    db = tmp_path / "demo.sqlite3"
    first = runner.invoke(main, ["demo", "--lang", "en", "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert f"database {db}: new" in first.output
    store = SqliteStore(db)
    trails = {cid: store.history(cid) for cid in store.case_ids()}
    assert len(trails) == 11
    store.close()
    second = runner.invoke(main, ["demo", "--lang", "en", "--db", str(db)])
    assert second.exit_code == 0, second.output
    assert "11 demo cases already there, resumed" in " ".join(second.output.split())
    store = SqliteStore(db)
    assert {cid: store.history(cid) for cid in store.case_ids()} == trails  # nothing new
    store.close()
    assert verify_chains(db) == []


def test_demo_default_database_is_in_the_working_directory() -> None:
    from sop_engine.cli import demo

    db_option = next(p for p in demo.params if p.name == "db")
    assert str(db_option.default) == "sop-demo.sqlite3"


def test_demo_script_is_read_from_its_package_data_file() -> None:
    from sop_engine._ops.demo_script import load_script

    script = load_script()
    assert [sc.case_id for sc in script.scenarios] == [f"LPR-2026-{n:04d}" for n in range(1, 12)]
    assert script.intake.id == "siti.admin"
    first = script.scenarios[0]
    assert first.data["kanal"] == "sms"
    assert first.data["kerahasiaan"] == "biasa"  # from the defaults
    assert first.steps[-1].actor.id == "pelapor-001"  # `by: pelapor` is the case's reporter
    assert first.steps[2].command_id == first.steps[1].command_id == "cmd-0001-disp"


_SCRIPT = """\
start: "2026-03-02T08:00:00+07:00"
end: "2026-03-17T17:00:00+07:00"
officers:
  admin: {id: siti.admin, role: admin_instansi}
intake: admin
defaults: {kanal: web}
scenarios:
  - case: LPR-1
    story: "A story."
    data: {pelapor: pelapor-001}
    steps:
      - {after: 2h, by: admin, event: verifikasi}
"""


def test_a_malformed_demo_script_is_refused_with_its_position() -> None:
    import pytest

    from sop_engine._ops.demo_script import load_script

    assert load_script(_SCRIPT).scenarios[0].steps[0].after.total_seconds() == 7200
    for old, new, message in (
        ("after: 2h", "after: 2 hours", "demo_scenarios.yaml:12:17: expected a duration"),
        ("by: admin", "by: nobody", "12:25: unknown officer 'nobody'; known: pelapor, admin"),
        ("story:", "stroy:", "9:5: unknown key 'stroy'"),
        ('start: "2026-03-02T08:00:00+07:00"', "start: 2026-03-02", "1:8: expected a date-time"),
        ("data: {pelapor: pelapor-001}", "data: {}", "10:11: expected text, found None"),
    ):
        assert old in _SCRIPT
        with pytest.raises(ValueError, match=message):
            load_script(_SCRIPT.replace(old, new, 1))


def test_the_demo_script_reader_builds_no_objects_from_tags_or_aliases() -> None:
    import pytest

    from sop_engine._ops.demo_script import load_script

    tagged = _SCRIPT.replace('story: "A story."', "story: !!python/object:os.system ls")
    with pytest.raises(ValueError, match="SOP003"):
        load_script(tagged)
    aliased = _SCRIPT.replace("defaults: {kanal: web}", "defaults: &d {kanal: web}")
    with pytest.raises(ValueError, match="SOP004"):
        load_script(aliased)
