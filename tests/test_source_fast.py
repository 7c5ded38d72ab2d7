"""The fast SOP reader (libyaml events, Rust schema check) against the reference paths (issue 19).

Loading a 200-state SOP took about a second, 90 % of it ruamel's pure-Python parser; the fast
path reads libyaml's event stream and trusts the Rust validator's "valid". Both are accelerators
that must never change an answer: every SOP-shaped file in the repository (valid examples and the
invalid corpus) gives the same data and the same positions on both readers, and the two schema
validators agree on which files are valid.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from sop_engine import Registry, load_definition
from sop_engine._definition import shape, source
from sop_engine._definition.loader import _schema_cache
from sop_engine._definition.source import Source, _parse, _parse_fast, read_source

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    p
    for pattern in ("examples/**/*.yaml", "tests/corpus/**/*.yaml", "tests/sops/**/*.yaml")
    for p in ROOT.glob(pattern)
)


def _ruamel(name: str, text: str) -> Source | str:
    try:
        return _parse(name, text)
    except source._Problem as p:
        return p.code


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_reader_gives_what_ruamel_gives(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    fast = _parse_fast(str(path), text)
    slow = _ruamel(str(path), text)
    if fast is None:
        return  # the fast path gave up: the ruamel path answers alone, nothing to compare
    assert isinstance(slow, Source), f"fast path accepted what ruamel refuses ({slow})"
    assert fast.data == slow.data
    assert fast.positions == slow.positions
    assert fast.key_positions == slow.key_positions


def test_most_files_are_compared() -> None:
    taken = [p for p in FILES if _parse_fast(str(p), p.read_bytes().decode("utf-8-sig", "replace"))]
    assert len(taken) > len(FILES) // 3, (len(taken), len(FILES))


def test_fast_reader_is_taken_on_the_examples() -> None:
    examples = [p for p in FILES if p.parts[len(ROOT.parts)] == "examples"]
    assert examples
    for path in examples:
        assert _parse_fast(str(path), path.read_text(encoding="utf-8")) is not None, path


def test_yaml_1_2_words_keep_their_meaning_on_the_fast_path() -> None:
    text = "on: verify\nopen: 8:30\nchannel: no\nkode: 010\nya: yes\nbenar: true\nx: 1.5\nn: ~\n"
    fast = _parse_fast("t.yaml", text)
    assert fast is not None
    assert fast.data == {
        "on": "verify",
        "open": "8:30",
        "channel": "no",
        "kode": 10,
        "ya": "yes",
        "benar": True,
        "x": 1.5,
        "n": None,
    }
    slow = _parse("t.yaml", text)
    assert fast.data == slow.data
    assert fast.positions == slow.positions


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: &x 1\nb: *x\n", "SOP004"),  # anchors and aliases
        ("a: !python/name:os.system x\n", "SOP003"),  # object-constructing tag
        ("a: 1\na: 2\n", "SOP005"),  # duplicate key
        ("a: 1\n---\nb: 2\n", "SOP006"),  # two documents
        ("a: 'open\n", "SOP002"),  # unclosed quote
        ("a: !!int twelve\n", "SOP013"),  # not a number
        ("- a\n- b\n", "SOP006"),  # not a mapping
        ("%YAML 1.1\n---\non: yes\n", None),  # a directive: the ruamel path decides
    ],
)
def test_fast_path_leaves_every_problem_to_the_ruamel_path(text: str, code: str | None) -> None:
    assert _parse_fast("bad.yaml", text) is None
    result = read_source("bad.yaml", text)
    if code is not None:
        assert isinstance(result, list)
        assert result[0].code == code


def test_the_rust_validator_never_passes_what_jsonschema_refuses() -> None:
    schema = _schema_cache(Registry(load_entry_points=False))
    checked = 0
    for path in FILES:
        src = read_source(path)
        if isinstance(src, list):
            continue
        python_valid = not any(Draft202012Validator(schema).iter_errors(src.data))
        if shape._valid_fast(src.data, schema):
            assert python_valid, path
        checked += 1
    assert checked > 50
    # a name with a trailing newline: Python's `$` accepts it, so only jsonschema may answer
    assert not shape._valid_fast({"sop": {"id": "x\n"}}, schema)


def test_large_generated_sop_loads_on_the_fast_path() -> None:
    lines = ["sop: { id: g, version: '1', title: G, agency: A, language: id }", "roles:"]
    lines += ["  admin: { label: Admin }", "states:"]
    names = [f"s{i}" for i in range(60)]
    for i, n in enumerate(names):
        flag = ", initial: true" if i == 0 else ", final: true" if i == len(names) - 1 else ""
        lines.append(f"  {n}: {{ label: S {i}{flag} }}")
    lines += ["events:", "  go: { label: Go, roles: admin }", "transitions:"]
    lines += [f"  - {{ event: go, from: {a}, to: {b} }}" for a, b in itertools.pairwise(names)]
    text = "\n".join(lines) + "\n"
    assert _parse_fast("g.yaml", text) is not None
    registry = Registry(load_entry_points=False)
    sop = load_definition("g.yaml", text=text, registry=registry)
    assert len(sop.states) == 60
