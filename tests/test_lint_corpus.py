"""The corpus of invalid SOP files: each file declares exactly the findings `sop lint` must report.

Every file in ``tests/corpus/invalid`` holds one defect on a tiny otherwise-valid SOP and starts
with comment lines declaring what the linter must say about it::

    # expect: SOP025 line 14 col 9      <- one line per finding; ``col`` is optional
    # message: did you mean 'selesai'   <- optional: text that some finding's message contains

Files that cannot carry a comment (binary data, an empty file) are described in
``expectations.toml`` next to them, with the same syntax. Files too large to commit are generated
at runtime. A file whose expectation the linter does not meet because of a known linter bug is
listed in :data:`KNOWN_BUGS` and runs as a strict xfail, so fixing the bug turns it into a
failure that asks for the entry to be removed.
"""

from __future__ import annotations

import json
import re
import string
import tempfile
import tomllib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_engine import Registry, lint_file, lint_text
from sop_engine._core.findings import CODES, Finding
from sop_engine._definition.source import MAX_BYTES, MAX_DEPTH, MAX_NODES
from sop_engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus" / "invalid"
SIDECAR = CORPUS / "expectations.toml"
CORPUS_FILES = sorted(CORPUS.glob("*.yaml"))
EXAMPLES = sorted(ROOT.glob("examples/*/sop.yaml"))
LAPOR = ROOT / "examples" / "lapor" / "sop.yaml"

# Codes no file content alone can trigger. Even SOP001 (unreadable file) is reached by binary or
# non-UTF-8 content, and SOP007 (too large / too deep) by the deep_nesting file. SOP037 (a
# reserved section without a handler) is not: since the testing kit reads `invariants`, every
# reserved section (deadlines, ethics, invariants) has its handler in the core. SOP071-SOP073
# report what a plugin's lint rule says (or that it crashed), so they need a plugin;
# tests/test_plugins.py triggers each with one. SOP074 (a calendar that cannot be built from the
# SOP's settings) needs a plugin's calendar too: the built-in ones accept whatever the checks of
# the deadlines section let through; tests/test_binding.py triggers it.
NOT_FROM_A_FILE: frozenset[str] = frozenset({"SOP037", "SOP071", "SOP072", "SOP073", "SOP074"})


FINDING_LINE = re.compile(r"^.+:\d+:\d+: SOP\d{3} ")
_EXPECT = re.compile(r"^(SOP\d{3}) line (\d+)(?: col (\d+))?$")


class Bug(NamedTuple):
    """A corpus file the linter currently gets wrong: what is expected and what happens instead."""

    reason: str
    # the per-file tests it breaks: "findings" (exact findings), "cli_text", "cli_json"
    breaks: frozenset[str] = frozenset({"findings"})
    raises: type[Exception] = AssertionError  # what the exact-findings test fails with


_ALL = frozenset({"findings", "cli_text", "cli_json"})


KNOWN_BUGS: dict[str, Bug] = {}


class Expect(NamedTuple):
    code: str
    line: int
    col: int | None


class Expectations(NamedTuple):
    findings: tuple[Expect, ...]
    messages: tuple[str, ...]


def _parse_expect(text: str, where: str) -> Expect:
    m = _EXPECT.match(text.strip())
    assert m, (
        f"{where}: bad expectation {text!r}; write e.g. 'SOP025 line 14' or 'SOP025 line 14 col 9'"
    )
    assert m.group(1) in CODES, f"{where}: {m.group(1)} is not a code in findings.CODES"
    return Expect(m.group(1), int(m.group(2)), int(m.group(3)) if m.group(3) else None)


def _sidecar() -> dict[str, Expectations]:
    raw = tomllib.loads(SIDECAR.read_text(encoding="utf-8"))
    return {
        name: Expectations(
            tuple(_parse_expect(e, f"{SIDECAR.name}[{name}]") for e in entry["expect"]),
            tuple(entry.get("message", ())),
        )
        for name, entry in raw.items()
    }


def expectations(path: Path) -> Expectations:
    """The findings declared for ``path``: its comment header, else its entry in the sidecar."""
    side = _sidecar()
    if path.name in side:
        return side[path.name]
    found: list[Expect] = []
    messages: list[str] = []
    # decode leniently: the non-UTF-8 file still declares its expectations in ASCII
    for line in path.read_bytes().decode("utf-8", "replace").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# expect:"):
            found.append(_parse_expect(line.removeprefix("# expect:"), path.name))
        elif line.startswith("# message:"):
            messages.append(line.removeprefix("# message:").strip())
    assert found, f"{path.name} declares no '# expect:' line and has no entry in {SIDECAR.name}"
    return Expectations(tuple(found), tuple(messages))


def _params(test: str) -> list[object]:
    """The corpus files, with a strict xfail on those a known bug breaks for ``test``."""
    out = []
    for path in CORPUS_FILES:
        bug = KNOWN_BUGS.get(path.name)
        if bug is None or test not in bug.breaks:
            out.append(pytest.param(path, id=path.name))
        else:
            raises = bug.raises if test == "findings" else AssertionError
            mark = pytest.mark.xfail(strict=True, reason=bug.reason, raises=raises)
            out.append(pytest.param(path, id=path.name, marks=mark))
    return out


def _breaks(path: Path, test: str) -> bool:
    bug = KNOWN_BUGS.get(path.name)
    return bug is not None and test in bug.breaks


def _crashes(path: Path) -> bool:
    bug = KNOWN_BUGS.get(path.name)
    return bug is not None and bug.raises is not AssertionError


def _is_error(e: Expect) -> bool:
    return CODES[e.code].severity == "error"


def _template_fields(template: str) -> set[str]:
    out = set()
    for _, name, _, _ in string.Formatter().parse(template):
        if name:
            out.add(re.split(r"[.\[!:]", name, maxsplit=1)[0])
    return out


def _check_finding(f: Finding) -> None:
    """What must hold for any finding, whatever the input."""
    assert f.code in CODES, f
    assert f.line >= 1, f
    assert f.column >= 1, f
    c = CODES[f.code]
    for template in (c.message_en, c.message_id, c.hint_en, c.hint_id):
        missing = _template_fields(template) - set(f.args)
        assert not missing, f"{f.code} lacks {missing} to fill {template!r}"
    for lang in ("en", "id"):
        assert "\n" not in f.format(lang), f"a finding must print on one line: {f.format(lang)!r}"
        assert f.hint(lang)


# -- the corpus itself -------------------------------------------------------------------------


def test_corpus_is_there() -> None:
    assert len(CORPUS_FILES) >= 35
    names = {p.name for p in CORPUS_FILES}
    assert set(_sidecar()) <= names, "expectations.toml names a file that is not in the corpus"
    assert set(KNOWN_BUGS) <= names
    for p in CORPUS_FILES:
        assert p.stat().st_size < 64 * 1024, f"{p.name}: generate large cases in the test instead"


@pytest.mark.parametrize("path", _params("findings"))
def test_corpus_file_has_exactly_the_declared_findings(path: Path) -> None:
    want = expectations(path)
    findings = lint_file(path)
    for f in findings:
        _check_finding(f)
        assert f.path == str(path)
    expected = Counter((e.code, e.line) for e in want.findings)
    actual = Counter((f.code, f.line) for f in findings)
    assert actual == expected, "\n".join(f.format("en") for f in findings)
    for e in want.findings:
        if e.col is not None:
            cols = [f.column for f in findings if (f.code, f.line) == (e.code, e.line)]
            assert e.col in cols, f"{e.code} line {e.line}: expected column {e.col}, found {cols}"
    # a position must point into the file (an empty file still has its line 1)
    n_lines = max(1, len(path.read_bytes().splitlines()))
    for f in findings:
        assert f.line <= n_lines, f"{f.format('en')}: the file has only {n_lines} lines"
    messages = [f.message("en") for f in findings]
    for text in want.messages:
        assert any(text in m for m in messages), f"no message contains {text!r}: {messages}"


def test_every_code_is_covered_by_the_corpus() -> None:
    """Each code a file can trigger is declared by some corpus file, and really reported there."""
    covered: set[str] = set()
    for path in CORPUS_FILES:
        if _crashes(path):
            continue
        declared = {(e.code, e.line) for e in expectations(path).findings}
        reported = {(f.code, f.line) for f in lint_file(path)}
        covered |= {code for code, _ in declared & reported}
    uncovered = set(CODES) - NOT_FROM_A_FILE - covered
    assert not uncovered, f"no corpus file triggers {sorted(uncovered)}"


# -- through the command line ------------------------------------------------------------------


def _lint_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["lint", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.output


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("path", _params("cli_text"))
def test_cli_text_output(path: Path, lang: str) -> None:
    want = expectations(path)
    code, stdout, output = _lint_cli("--lang", lang, str(path))
    assert "Traceback" not in output
    assert code == (1 if any(_is_error(e) for e in want.findings) else 0)
    lines = stdout.splitlines()
    assert lines, "no output at all"
    summary = lines[-1]
    finding_lines = [ln for ln in lines[:-1] if not ln.startswith(" ")]
    hint_lines = [ln for ln in lines[:-1] if ln.startswith(" ")]
    for ln in finding_lines:
        assert FINDING_LINE.match(ln), ln
        assert ln.startswith(f"{path}:"), ln
    assert len(hint_lines) == len(finding_lines)
    assert len(finding_lines) == len(lint_file(path))
    assert not FINDING_LINE.match(summary), summary
    printed = Counter(
        (m.group(2), int(m.group(1)))
        for m in (re.search(r":(\d+):\d+: (SOP\d{3}) ", ln) for ln in finding_lines)
        if m
    )
    assert printed == Counter((f.code, f.line) for f in lint_file(path))


@pytest.mark.parametrize("path", _params("cli_json"))
def test_cli_json_output(path: Path) -> None:
    want = expectations(path)
    code, stdout, output = _lint_cli("--format", "json", "--lang", "en", str(path))
    assert "Traceback" not in output
    assert code == (1 if any(_is_error(e) for e in want.findings) else 0)
    report = json.loads(stdout)
    findings = lint_file(path)
    assert report["files"] == [str(path)]
    assert [(j["code"], j["line"], j["column"]) for j in report["findings"]] == [
        (f.code, f.line, f.column) for f in findings
    ]
    for j, f in zip(report["findings"], findings, strict=True):
        assert j["path"] == str(path)
        assert j["severity"] == CODES[j["code"]].severity
        assert j["message"] == f.message("en")
        assert j["hint"] == f.hint("en")
    assert report["errors"] == sum(1 for j in report["findings"] if j["severity"] == "error")
    assert report["warnings"] == len(report["findings"]) - report["errors"]


def test_cli_lints_many_files_at_once() -> None:
    files = [p for p in CORPUS_FILES if not _breaks(p, "cli_json") and lint_file(p)]
    code, stdout, _ = _lint_cli("--format", "json", *map(str, files))
    assert code == 1
    report = json.loads(stdout)
    assert len(report["findings"]) == sum(len(lint_file(p)) for p in files)
    assert {j["path"] for j in report["findings"]} == {str(p) for p in files}


# -- cases generated at runtime ----------------------------------------------------------------


def _codes(findings: Sequence[Finding]) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in findings]


def test_too_large_file(tmp_path: Path) -> None:
    valid = LAPOR.read_bytes()
    padding = b"# " + b"x" * 1000 + b"\n"
    big = valid + padding * (MAX_BYTES // len(padding) + 1)
    assert len(big) > MAX_BYTES
    path = tmp_path / "too_large.yaml"
    path.write_bytes(big)
    assert _codes(lint_file(path)) == [("SOP007", 1)]
    assert _codes(lint_text(big)) == [("SOP007", 1)]
    assert _codes(lint_text(big.decode("utf-8"))) == [("SOP007", 1)]
    code, _, output = _lint_cli(str(path))
    assert code == 1
    assert "Traceback" not in output


def test_too_many_values(tmp_path: Path) -> None:
    # small enough in bytes, but more values than MAX_NODES
    items = ", ".join(["0"] * (MAX_NODES * 2 + 10))
    text = f"sop:\n  description: [{items}]\n"
    assert len(text.encode()) < MAX_BYTES
    findings = lint_text(text)
    assert [f.code for f in findings] == ["SOP007"]
    assert findings[0].line == 2
    assert "more than" in findings[0].message("en")
    path = tmp_path / "too_many_values.yaml"
    path.write_text(text, encoding="utf-8")
    assert _codes(lint_file(path)) == [("SOP007", 2)]


def test_nesting_exactly_at_the_limit_is_accepted() -> None:
    # levels 1 and 2 are the document and 'sop' mappings
    ok = "sop:\n  description: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n"
    assert "SOP007" not in {f.code for f in lint_text(ok)}
    deep = "sop:\n  description: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert _codes(lint_text(deep)) == [("SOP007", 2)]


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_unreadable_path(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "no_such_sop.yaml"
    if kind == "directory":
        path.mkdir()
    findings = lint_file(path)
    assert _codes(findings) == [("SOP001", 1)]
    _check_finding(findings[0])
    code, stdout, output = _lint_cli("--lang", "en", str(path))
    # a missing path is a command-line mistake (2); a directory is a file that cannot be read (1)
    assert code == (2 if kind == "missing" else 1)
    assert "Traceback" not in output
    assert FINDING_LINE.match(stdout.splitlines()[0])


# -- the valid examples ------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_valid_examples_have_no_errors(path: Path) -> None:
    findings = lint_file(path)
    assert not [f.format("en") for f in findings if f.severity == "error"]
    code, _, output = _lint_cli(str(path))
    assert code == 0, output


def test_examples_include_lapor() -> None:
    assert LAPOR in EXAMPLES


# -- property tests: no input makes the linter raise --------------------------------------------

_REGISTRY = Registry()
_LAPOR_TEXT = LAPOR.read_text(encoding="utf-8")


@st.composite
def lapor_mutations(draw: st.DrawFn) -> str:
    """The LAPOR! example with a few lines deleted or duplicated, possibly truncated."""
    lines = _LAPOR_TEXT.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["delete", "duplicate", "truncate"]))
        if op == "truncate":
            text = "".join(lines)
            lines = text[: draw(st.integers(0, len(text)))].splitlines(keepends=True)
        elif lines:
            i = draw(st.integers(0, len(lines) - 1))
            if op == "delete":
                del lines[i]
            else:
                lines.insert(i, lines[i])
    return "".join(lines)


_INPUTS = st.one_of(st.text(), st.binary(), lapor_mutations())


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_INPUTS)
def test_lint_text_never_raises(data: str | bytes) -> None:
    for f in lint_text(data, name="fuzz.yaml", registry=_REGISTRY):
        _check_finding(f)
        assert f.path == "fuzz.yaml"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_INPUTS)
def test_cli_never_prints_a_traceback(data: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        findings = lint_file(path, registry=_REGISTRY)
        code, stdout, output = _lint_cli("--lang", "en", str(path))
        assert "Traceback" not in output
        assert code == (1 if any(f.severity == "error" for f in findings) else 0)
        finding_lines = [ln for ln in stdout.splitlines()[:-1] if not ln.startswith(" ")]
        assert len(finding_lines) == len(findings)
        for ln, f in zip(finding_lines, findings, strict=True):
            assert FINDING_LINE.match(ln), ln
            assert ln.startswith(f"{path}:{f.line}:{f.column}: {f.code} "), ln
        code, stdout, output = _lint_cli("--format", "json", str(path))
        assert "Traceback" not in output
        report = json.loads(stdout)
        assert [(j["code"], j["line"], j["column"]) for j in report["findings"]] == [
            (f.code, f.line, f.column) for f in findings
        ]
