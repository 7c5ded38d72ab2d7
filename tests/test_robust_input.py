"""Issue 18: no input breaks it. Hostile SOP files and hostile API arguments get a typed,
bounded answer, never a traceback, a hang or unbounded work."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sop_engine import lint_text
from sop_engine._definition.shape import SUGGEST_CANDIDATES, Suggester, listing, suggest
from sop_engine._definition.source import read_source


def test_folded_scalars_carry_no_bell_markers() -> None:
    source = read_source("x.yaml", "a: >-\n  one\n  two\n\n  three\nb: >\n  x\n  y\n")
    assert not isinstance(source, list)
    assert source.data == {"a": "one two\nthree", "b": "x y\n"}


def _many_unknown_names(n: int) -> str:
    lines = ["sop: { id: besar, version: '1', title: Besar, agency: Dinas }", "roles:"]
    lines += ["  admin: { label: Admin }", "states:", "  s0: { label: S, initial: true }"]
    lines += [f"  state_number_{i}: {{ label: S{i} }}" for i in range(1, n)]
    lines += ["  akhir: { label: A, final: true }", "events:"]
    lines += [f"  event_number_{i}: {{ label: E{i}, roles: admin }}" for i in range(n)]
    lines += ["transitions:"]
    lines += [
        f"  - {{ event: event_numbr_{i}, from: state_numbr_{i}, to: akhir }}" for i in range(n)
    ]
    return "\n".join(lines) + "\n"


def test_suggestions_are_bounded_per_call_and_per_file() -> None:
    known = [f"state_number_{i}" for i in range(5000)]
    assert suggest("state_number_17x", known) != ""  # still useful in a long list
    assert suggest("x" * 10_000, known) == ""  # a huge name costs nothing
    budget = Suggester(limit=3)
    assert [bool(budget("state_numbr_1", known)) for _ in range(5)] == [True] * 3 + [False] * 2
    assert SUGGEST_CANDIDATES <= 200
    text = listing(known)
    assert text.endswith("(4970 more)")
    assert len(text) < 1000


def test_lint_work_grows_linearly_with_unknown_names() -> None:
    """It was quadratic: difflib per unknown name against every known name, and every known
    name listed in every finding. Compare the work (findings' size) of n and 4n names."""
    small = lint_text(_many_unknown_names(100))
    large = lint_text(_many_unknown_names(400))
    size = lambda fs: sum(len(f.message("en")) for f in fs)  # noqa: E731
    assert len(large) == 4 * len(small) - 3 or len(large) >= 3 * len(small)
    assert size(large) < 6 * size(small)  # quadratic listings made this ~16x
    assert max(len(f.message("en")) for f in large) < 2000


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_lint_refuses_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    """/dev/zero grew without bound and a FIFO hung: both are refused at once."""
    if kind == "fifo":
        path = tmp_path / "sop.yaml"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
        if not path.exists():
            pytest.skip("no /dev/zero here")
    t = time.monotonic()
    findings = read_source(path)
    assert time.monotonic() - t < 5
    assert isinstance(findings, list)
    assert [f.code for f in findings] == ["SOP001"]
    assert "not a regular file" in findings[0].message("en")


def test_a_large_file_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    from sop_engine._definition.source import MAX_BYTES

    path = tmp_path / "big.yaml"
    with path.open("wb") as f:
        f.truncate(MAX_BYTES * 50)  # sparse: 100 MB that costs nothing to make
    findings = read_source(path)
    assert isinstance(findings, list)
    assert [f.code for f in findings] == ["SOP007"]
