"""The conventions every ``sop`` command follows (issue 16, "CLI conventions").

- a command that prints a result can print it as JSON (``--format json``), with the same facts
  as the text; the few that cannot are listed below with the reason;
- ``sop test --junit-xml`` writes a report a CI system reads (checked with junitparser);
- long commands draw a progress bar on standard error only when it is a terminal (checked on a
  real pseudo-terminal), never in a pipe, and never on standard output, so the JSON stays
  parseable while the bar is drawn;
- exit codes: 0 ok, 1 findings or failed checks, 2 usage or environment errors;
- shell completion scripts are printed and complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import click
import junitparser
import pytest
from click.testing import CliRunner, Result

from sop_engine import Engine, SimulatedClock
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, EXAMPLES, LAPOR, full_workflow

SOP = str(Path(sys.executable).parent / "sop")
BUGGY = EXAMPLES / "buggy" / "sop.yaml"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

# Commands that print a result but have no --format json, each with why. Everything else that
# prints a result must offer it; the walk below fails on a new command that forgets it.
EXEMPT = {
    "demo": "a guided walkthrough for people; its cases are in the store it names (--db)",
    "schema": "its output is a JSON document already (the JSON Schema)",
    "export": "writes the XES or OCEL file -o names; those are the machine formats",
    "serve": "runs the HTTP service until stopped; the API speaks JSON",
    "worker": "runs until stopped; delivered notifications are JSON lines already, progress "
    "is a log on standard error",
}


def _cli(*args: str, **kwargs: object) -> Result:
    return CliRunner().invoke(main, list(args), **kwargs)  # type: ignore[arg-type]


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[
    tuple[str, click.Command]
]:  # fmt: skip
    if isinstance(command, click.Group):
        if command.invoke_without_command:
            yield " ".join(path), command
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield " ".join(path), command


def _format_choices(command: click.Command) -> list[str]:
    for param in command.params:
        if isinstance(param, click.Option) and "--format" in param.opts:
            assert isinstance(param.type, click.Choice)
            return [str(c) for c in param.type.choices]
    return []


def test_every_result_printing_command_can_answer_in_json() -> None:
    names = dict(_commands(main))
    lacking = sorted(name for name, cmd in names.items() if "json" not in _format_choices(cmd))
    assert lacking == sorted(EXEMPT), (
        "a command without --format json must be listed in EXEMPT with its reason"
    )
    for name in ("audit verify", "audit checkpoint", "store check", "plugins", "test",
                 "calendar due", "calendar holidays", "worker status", "outbox list"):  # fmt: skip
        assert "json" in _format_choices(names[name]), name


def _world(path: Path) -> None:
    """c1, c2: closed LAPOR! cases; c3: just opened (a running clock)."""
    clock = SimulatedClock(T0)
    store = SqliteStore(path, clock=clock)
    engine = Engine(store=store, clock=clock)
    engine.load(LAPOR)
    full_workflow(engine, "c1")
    full_workflow(engine, "c2")
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c3")
    store.close()


def _tamper(path: Path) -> None:
    """An insider edits one event of c2: its chain no longer holds (a finding, exit 1)."""
    db = sqlite3.connect(path)
    for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute(
        'UPDATE events SET body = replace(body, \'"at":"2026\', \'"at":"2025\') '
        "WHERE case_id = 'c2' AND seq = 2"
    )
    db.commit()
    db.close()


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A sound SQLite store and a tampered copy."""
    base = tmp_path_factory.mktemp("stores")
    good, bad = base / "good.sqlite3", base / "bad.sqlite3"
    _world(good)
    _world(bad)
    _tamper(bad)
    return good, bad


# -- JSON carries the same facts as the text -----------------------------------------------------


def test_every_command_takes_lang() -> None:
    """Regression (issue 16): `sop store migrate`, `sop audit keygen`, `sop serve-token`, the
    requeue commands, `sop worker` itself and others said their lines in the locale's language
    only: `--lang en` was refused as an unknown option."""
    lacking = sorted(
        name
        for name, cmd in _commands(main)
        if not any(isinstance(p, click.Option) and "--lang" in p.opts for p in cmd.params)
    )
    assert lacking == []


def test_plugins_json_names_what_the_text_lists() -> None:
    text = _cli("plugins", env={"SOP_LANG": "en"})  # the text says the kinds in words
    doc = json.loads(_cli("plugins", "--format", "json").output)
    assert text.exit_code == 0
    names = [p["name"] for p in doc["plugins"]]
    assert "sop_engine.builtins" in names
    for plugin in doc["plugins"]:
        assert plugin["name"] in text.output
        for kind, items in plugin["registers"].items():
            assert f"{kind.replace('_', ' ')}: {', '.join(items)}" in text.output


def test_calendar_json_gives_the_same_deadline_and_days_off() -> None:
    args = ("calendar", "due", "2026-03-16", "5", "--office-hours", "08:00-16:00")
    text = _cli(*args).output.strip()
    doc = json.loads(_cli(*args, "--format", "json").output)
    assert doc["due"] == text == "2026-03-30T16:00:00+07:00"  # Nyepi, Idul Fitri skipped
    assert doc["amount"] == 5
    assert doc["unit"] == "working-days"
    lines = _cli("calendar", "holidays", "2026").output.splitlines()
    days = json.loads(_cli("calendar", "holidays", "2026", "--format", "json").output)
    # the same days; the text says the kind and the source for a person, the JSON keeps them
    rows = [line.split("\t") for line in lines]
    assert [(d["date"], d["name"]) for d in days["days_off"]] == [(r[0], r[2]) for r in rows]
    assert {d["kind"] for d in days["days_off"]} == {"national", "cuti_bersama"}
    assert days["year"] == 2026
    assert len(lines) > 10


def test_store_and_audit_commands_answer_in_json(stores: tuple[Path, Path], tmp_path: Path) -> None:
    good, bad = stores
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(good.read_bytes())
    migrated = json.loads(_cli("store", "migrate", "--db", str(copy), "--format", "json").output)
    text = _cli("store", "migrate", "--db", str(copy), env={"SOP_LANG": "en"}).output
    assert text.strip() == f"{copy}: schema version {migrated['schema_version']}"
    key = tmp_path / "auditor.pem"
    made = _cli("audit", "keygen", "-o", str(key), "--format", "json")
    assert json.loads(made.output) == {"private_key": str(key), "public_key": f"{key}.pub"}
    again = _cli("audit", "keygen", "-o", str(key))
    assert again.exit_code == 2
    assert "Traceback" not in again.output
    point = tmp_path / "cp1"
    signed = _cli(
        "audit", "checkpoint", "--db", str(good), "--key", str(key), "-o", str(point),
        "--format", "json",
    )  # fmt: skip
    assert signed.exit_code == 0, signed.output
    doc = json.loads(signed.output)
    assert doc["sha256"] == hashlib.sha256(point.read_bytes()).hexdigest()
    assert doc["bytes"] == point.stat().st_size
    verified = _cli(
        "audit", "verify", "--db", str(good), "--checkpoint", str(point),
        "--pubkey", f"{key}.pub", "--format", "json",
    )  # fmt: skip
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.output)["problems"] == []
    broken = _cli("store", "check", "--db", str(bad), "--format", "json")
    assert broken.exit_code == 1
    found = json.loads(broken.output)
    assert found["cases_checked"] == 3
    assert {p["case_id"] for p in found["problems"]} == {"c2"}
    text = _cli("store", "check", "--db", str(bad), "--lang", "en").output
    assert all(f"case {p['case_id']}" in text for p in found["problems"])


def test_sop_test_json_has_the_verdict_the_text_has(tmp_path: Path) -> None:
    saved = tmp_path / "s.json"
    run = _cli(
        "test", str(BUGGY), "--seed", "5", "--max-examples", "60", "--format", "json",
        "--save", str(saved), "--lang", "en",
    )  # fmt: skip
    assert run.exit_code == 1
    doc = json.loads(run.output)  # nothing but the document on standard output
    assert doc["status"] == "failed"
    assert doc["seed"] == 5
    failure = doc["failure"]
    assert failure["steps"] == json.loads(saved.read_text(encoding="utf-8"))["steps"]
    assert failure["replay_command"] == f"sop test {BUGGY} --replay {saved}"
    statuses = {i["name"]: i["status"] for i in doc["invariants"]}
    assert statuses[failure["invariant"]] == "failed"
    assert set(statuses.values()) == {"failed", "unfinished"}
    text = _cli(
        "test", str(BUGGY), "--seed", "5", "--max-examples", "60", "--save", str(saved),
        "--lang", "en",
    ).output  # fmt: skip
    assert failure["scenario"] in text
    passed = json.loads(
        _cli("test", str(LAPOR), "--seed", "1", "--max-examples", "5", "--format", "json").output
    )
    assert passed["status"] == "passed"
    assert passed["failure"] is None
    assert {i["status"] for i in passed["invariants"]} == {"passed"}
    assert 0 < passed["coverage"]["ratio"] <= 1


# -- JUnit XML -----------------------------------------------------------------------------------


def test_junit_xml_has_one_testcase_per_invariant_and_the_shortest_scenario(
    tmp_path: Path,
) -> None:
    report = tmp_path / "junit.xml"
    run = _cli(
        "test", str(BUGGY), "--seed", "5", "--max-examples", "60", "--junit-xml", str(report),
        "--save", str(tmp_path / "s.json"), "--format", "json", "--lang", "en",
    )  # fmt: skip
    assert run.exit_code == 1
    doc = json.loads(run.output)
    xml = junitparser.JUnitXml.fromfile(str(report))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    cases = {c.name: c for c in suite}
    assert sorted(cases) == sorted(i["name"] for i in doc["invariants"])
    assert suite.tests == len(cases)
    assert suite.failures == 1
    broken = cases[doc["failure"]["invariant"]]
    assert not broken.is_passed
    (failure,) = broken.result
    assert isinstance(failure, junitparser.Failure)
    assert failure.type == "InvariantViolated"
    assert "  1. " in failure.text
    assert "✗" in failure.text
    assert doc["failure"]["replay_command"] in failure.text
    assert all(c.is_skipped for n, c in cases.items() if n != doc["failure"]["invariant"])

    ok = tmp_path / "ok.xml"
    passed = _cli(
        "test", str(LAPOR), "--seed", "1", "--max-examples", "5", "--junit-xml", str(ok),
        "--min-coverage", "1",
    )  # fmt: skip
    assert passed.exit_code == 0, passed.output
    suite = next(iter(junitparser.JUnitXml.fromfile(str(ok))))
    assert suite.failures == 0
    assert suite.skipped == 0
    assert "coverage" in {c.name for c in suite}
    assert all(c.is_passed for c in suite)

    bad = tmp_path / "bad.yaml"
    bad.write_text("sop: [\n", encoding="utf-8")
    invalid = tmp_path / "invalid.xml"
    assert _cli("test", str(bad), "--junit-xml", str(invalid)).exit_code == 1
    (lint,) = list(next(iter(junitparser.JUnitXml.fromfile(str(invalid)))))
    assert lint.name == "lint"
    assert "SOP002" in lint.result[0].text


# -- progress bars: a real terminal gets one, a pipe never, standard output never ------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "FORCE_COLOR", "NO_COLOR")}
    return {**env, "TERM": "xterm-256color", "SOP_LANG": "en", "COLUMNS": "100"}


def _on_terminal(*args: str, cwd: Path) -> tuple[int, str, str]:
    """Run ``sop`` with standard error on a pseudo-terminal and standard output on a pipe."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [SOP, *args], stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL,
        env=_env(), cwd=cwd,
    )  # fmt: skip
    os.close(slave)
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    seen = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    code = proc.wait(timeout=600)
    reader.join()
    proc.stdout.close()  # type: ignore[union-attr]
    return code, out[0].decode(), seen.decode(errors="replace")


def _in_pipe(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SOP, *args], capture_output=True, text=True, env=_env(), cwd=cwd, check=False,
        timeout=600,
    )  # fmt: skip


def test_store_check_draws_a_bar_on_a_terminal_and_json_stays_parseable(
    stores: tuple[Path, Path], tmp_path: Path
) -> None:
    good, _ = stores
    for command in (["store", "check"], ["audit", "verify"]):
        code, out, terminal = _on_terminal(
            *command, "--db", str(good), "--format", "json", cwd=tmp_path
        )
        assert code == 0, terminal
        assert json.loads(out)["cases_checked"] == 3  # nothing but the document
        assert "checking cases" in terminal
        assert "\x1b[" in terminal
        quiet = _on_terminal(*command, "--db", str(good), "--no-progress", cwd=tmp_path)
        assert quiet[0] == 0
        assert "checking cases" not in quiet[2]
        piped = _in_pipe(*command, "--db", str(good), "--format", "json", cwd=tmp_path)
        assert piped.returncode == 0
        assert json.loads(piped.stdout)["cases_checked"] == 3
        assert piped.stderr == ""  # a pipe or CI log gets no bar at all


def test_sop_test_draws_its_bar_on_standard_error_only(tmp_path: Path) -> None:
    args = ("test", str(LAPOR), "--seed", "1", "--max-examples", "5", "--format", "json")
    code, out, terminal = _on_terminal(*args, cwd=tmp_path)
    assert code == 0, terminal
    assert json.loads(out)["status"] == "passed"
    assert "exploring scenarios" in terminal
    piped = _in_pipe(*args, cwd=tmp_path)
    assert piped.returncode == 0
    assert piped.stderr == ""
    assert json.loads(piped.stdout)["status"] == "passed"


def test_the_ci_variable_switches_the_automatic_bar_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from sop_engine.cli._common import show_progress

    monkeypatch.setenv("CI", "true")
    assert show_progress(None) is False
    assert show_progress(True) is True  # --progress wins
    monkeypatch.delenv("CI")
    assert show_progress(False) is False


def test_long_commands_offer_progress_switches() -> None:
    names = dict(_commands(main))
    for name in ("test", "store check", "audit verify", "report", "simulate"):
        opts = {o for p in names[name].params if isinstance(p, click.Option) for o in p.opts}
        assert "--progress" in opts, name
        assert "--no-progress" in {
            o for p in names[name].params if isinstance(p, click.Option) for o in p.secondary_opts
        }, name


# -- exit codes: 0 ok, 1 findings, 2 usage or environment --------------------------------------

BROKEN_SOP = "sop:\n  id: x\n"  # valid YAML, not a valid SOP: findings


def _paths(stores: tuple[Path, Path], tmp_path: Path) -> dict[str, str]:
    good, bad = stores
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_SOP, encoding="utf-8")
    key = tmp_path / "k.pem"
    if not key.exists():
        assert _cli("audit", "keygen", "-o", str(key)).exit_code == 0
    taken = tmp_path / "taken"
    taken.mkdir(exist_ok=True)
    (taken / "sop.yaml").write_text("x", encoding="utf-8")
    return {
        "GOOD": str(good),
        "BAD": str(bad),
        "MISSING": str(tmp_path / "missing.sqlite3"),
        "BROKEN": str(broken),
        "KEY": str(key),
        "NEWKEY": str(tmp_path / "new.pem"),
        "OUT": str(tmp_path / "out"),
        "NEWDIR": str(tmp_path / "fresh"),
        "TAKEN": str(taken),
        "LAPOR": str(LAPOR),
        "BUGGY": str(BUGGY),
    }


# (command line with placeholders, exit code): each command's ok, findings and usage or
# environment paths where the command has them (docs/reference/cli.md has the same table)
EXIT_CODES = [
    ("lint LAPOR", 0),
    ("lint BROKEN", 1),
    ("lint MISSING", 2),
    ("init NEWDIR --template minimal", 0),
    ("init TAKEN", 2),
    ("schema --core", 0),
    ("schema --nonsense", 2),
    ("calendar due 2026-03-16 3", 0),
    ("calendar due yesterday 3", 2),
    ("calendar holidays 2026 --calendar XX", 2),
    ("audit verify --db GOOD", 0),
    ("audit verify --db BAD", 1),
    ("audit verify --db MISSING", 2),
    ("audit verify --db postgresql://nobody@127.0.0.1:1/none", 2),
    ("audit checkpoint --db GOOD --key KEY -o OUT", 0),
    ("audit checkpoint --db MISSING --key KEY -o OUT", 2),
    ("audit keygen -o NEWKEY", 0),
    ("audit keygen -o KEY", 2),
    ("store check --db GOOD", 0),
    ("store check --db BAD", 1),
    ("store check --db MISSING", 2),
    ("store check --db BROKEN", 2),
    ("plugins", 0),
    ("worker status --db GOOD", 0),
    ("worker status --db MISSING", 2),
    ("worker --db GOOD --batch 0", 2),
    ("outbox list --db GOOD --failed", 0),
    ("outbox list --db MISSING", 2),
    ("test LAPOR --max-examples 3 --seed 1", 0),
    ("test BUGGY --max-examples 60 --seed 5 --save OUT", 1),
    ("test BROKEN", 1),
    ("test LAPOR --invariant no_such_rule", 2),
    ("test MISSING", 2),
    ("diagram LAPOR", 0),
    ("diagram --db GOOD --case nope", 2),
    ("case list --db GOOD", 0),
    ("case show --db GOOD c1", 0),
    ("case show --db GOOD nope", 2),
    ("case list --db MISSING", 2),
    ("report --db GOOD --from 2026-03-01 --to 2026-04-01 --format json", 0),
    ("report --db GOOD --from 2026-04-01 --to 2026-03-01", 2),
    ("report --db MISSING --from 2026-03-01 --to 2026-04-01", 2),
    ("export xes --db GOOD -o OUT", 0),
    ("export xes --db MISSING -o OUT", 2),
    ("simulate BROKEN --scenario MISSING", 2),
    ("serve-token --id a --role r --agency x --format json", 0),
]


@pytest.mark.parametrize(("line", "code"), EXIT_CODES, ids=[line for line, _ in EXIT_CODES])
def test_exit_codes(line: str, code: int, stores: tuple[Path, Path], tmp_path: Path) -> None:
    paths = _paths(stores, tmp_path)
    args = [paths.get(word, word) for word in line.split()]
    result = _cli(*args, env={"SOP_LANG": "en"})
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output


def test_every_command_appears_in_the_exit_code_table() -> None:
    covered = {line.split()[0] for line, _ in EXIT_CODES}
    top = set(main.commands)
    assert top - covered == {"demo", "serve"}  # both run for long; tests/test_cli.py, server/


# -- shell completion ----------------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script_is_printed(shell: str) -> None:
    done = subprocess.run(
        [SOP], env={**_env(), "_SOP_COMPLETE": f"{shell}_source"}, capture_output=True,
        text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "_SOP_COMPLETE" in done.stdout
    assert ("complete " if shell != "zsh" else "compdef") in done.stdout


def test_completion_completes_commands_and_options() -> None:
    def complete(words: str) -> list[str]:
        done = subprocess.run(
            [SOP],
            env={
                **_env(), "_SOP_COMPLETE": "bash_complete", "COMP_WORDS": words,
                "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
            },
            capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return [line.split(",", 1)[1] for line in done.stdout.splitlines()]

    assert complete("sop sto") == ["store"]
    assert set(complete("sop store ")) == {"migrate", "check"}
    assert "--no-progress" in complete("sop store check --")


# -- the documented shapes are the real ones ---------------------------------------------------

CLI_DOC = Path(__file__).resolve().parents[1] / "docs" / "reference" / "cli.md"


def _same_keys(documented: object, real: object, where: str) -> None:
    if isinstance(documented, dict) and isinstance(real, dict):
        assert set(documented) == set(real), where
        for key, value in documented.items():
            # registers: its keys are the plugin's kinds; steps: the scenario file's own format
            if key not in ("registers", "steps"):
                _same_keys(value, real[key], f"{where}.{key}")
    elif isinstance(documented, list) and isinstance(real, list) and documented and real:
        _same_keys(documented[0], real[0], f"{where}[0]")


def test_the_documented_json_shapes_are_what_the_commands_print(
    stores: tuple[Path, Path], tmp_path: Path
) -> None:
    import re

    _good, bad = stores
    text = CLI_DOC.read_text(encoding="utf-8")
    documented = dict(
        re.findall(r"(?s)`(sop [^`]+?) --format json`[^\n]*:\n\n```json\n(.*?)```", text)
    )
    runs = {
        "sop store check": ["store", "check", "--db", str(bad)],
        "sop plugins": ["plugins"],
        "sop calendar due": ["calendar", "due", "2026-03-16", "5", "--office-hours", "08:00-16:00"],
        "sop test": [
            "test", str(BUGGY), "--seed", "5", "--max-examples", "60",
            "--save", str(tmp_path / "s.json"),
        ],
    }  # fmt: skip
    heads = {head.split(" and ")[0].removesuffix("`").strip("`") for head in documented}
    assert heads == set(runs), heads
    for head, block in documented.items():
        name = head.split(" and ")[0].strip("`")
        real = json.loads(_cli(*runs[name], "--format", "json").output)
        _same_keys(json.loads(block), real, name)


def test_the_exit_code_table_names_every_command() -> None:
    text = CLI_DOC.read_text(encoding="utf-8")
    table = text.split("Per command", 1)[1].split("### `--format json`", 1)[0]
    for name, _ in _commands(main):
        assert f"`{name}`" in table or f"`{name.split()[0]}`" in table, name


# A fresh interpreter in which an optional dependency cannot be imported (as on a machine
# without the extra); the rest of the engine is the installed one.
WITHOUT = """
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None
from sop_engine.cli import main
main(sys.argv[2:])
"""


@pytest.mark.parametrize(
    ("missing", "args", "says"),
    [
        ("psycopg,psycopg_pool", ["store", "check", "--db", "postgresql://u@127.0.0.1:1/x"],
         "pip install 'sop-engine[postgres]'"),
        ("psycopg,psycopg_pool", ["worker", "status", "--db", "postgresql://u@127.0.0.1:1/x"],
         "pip install 'sop-engine[postgres]'"),
        ("litestar", ["serve-token", "--id", "a", "--role", "r", "--agency", "x"], "server"),
    ],
)  # fmt: skip
def test_a_missing_optional_dependency_exits_2(
    missing: str, args: list[str], says: str, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT, missing, *args], cwd=tmp_path, env=_env(),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert says in done.stderr
    assert "Traceback" not in done.stderr
