"""Issue 18: no input breaks it. Hostile SOP files and hostile API arguments (on SQLite and on
the real PostgreSQL server) get a typed, bounded answer, never a traceback, a hang or unbounded
work."""

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
    text = str(listing(known))  # a message; str() is its English
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


# -- the public API: every hostile argument is a typed, bounded error, nothing written ------

from collections.abc import Callable, Iterator  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

from sop_engine import Actor, Engine, InvalidArgument, Registry, SimulatedClock, SopError  # noqa: E402
from sop_engine._persistence.sqlite import SqliteStore  # noqa: E402
from sop_engine._runtime.batch import FireCommand, StartCommand  # noqa: E402

from conftest import ADMIN, COMPLETE, LAPOR  # noqa: E402

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


_COMPILED: dict[str, Any] = {}


@pytest.fixture(params=["sqlite", "postgres"])
def sqlite_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on each durable store (PostgreSQL: the real server, skipped only when its
    binaries are missing), with case c0 open; the LAPOR! SOP is compiled once."""
    clock = SimulatedClock(T0)
    if request.param == "postgres":
        from sop_engine._persistence.postgres import PgStore

        store: Any = PgStore(request.getfixturevalue("pg_url"), clock=clock)
    else:
        store = SqliteStore(tmp_path / "s.sqlite3", clock=clock)
    if not _COMPILED:
        _COMPILED["registry"] = Registry()
        first = Engine(registry=_COMPILED["registry"], clock=clock)
        _COMPILED["sop"] = first.load(LAPOR)
    engine = Engine(store=store, clock=clock, registry=_COMPILED["registry"])
    engine.add(_COMPILED["sop"])
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c0")
    yield engine
    store.close()


def _deep(n: int) -> object:
    x: object = "a"
    for _ in range(n):
        x = {"k": x}
    return x


HUGE = "x" * 10_000_000
VERIFY = {"klasifikasi": "pengaduan"}

HOSTILE: dict[str, Callable[[Engine], Any]] = {
    "deeply nested data": lambda e: e.start(
        "lapor-upp", {**COMPLETE, "judul": _deep(100_000)}, ADMIN
    ),
    "deeply nested list": lambda e: e.fire(
        "c0",
        "verifikasi",
        ADMIN,
        {**VERIFY, "x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},
    ),
    "lone surrogate in data": lambda e: e.start(
        "lapor-upp", {**COMPLETE, "judul": "a\udc80"}, ADMIN
    ),
    "lone surrogate in id": lambda e: e.start("lapor-upp", COMPLETE, ADMIN, case_id="c\udc80"),
    "NUL in id": lambda e: e.start("lapor-upp", COMPLETE, ADMIN, case_id="c\x00"),
    "NUL in data": lambda e: e.start("lapor-upp", {**COMPLETE, "judul": "a\x00b"}, ADMIN),
    "CR/LF in id": lambda e: e.start("lapor-upp", COMPLETE, ADMIN, case_id="c\r\nX-Evil: 1"),
    "integer case id": lambda e: e.start("lapor-upp", COMPLETE, ADMIN, case_id=5),
    "integer case id read": lambda e: e.get(5),
    "actor None": lambda e: e.start("lapor-upp", COMPLETE, None),
    "actor None fire": lambda e: e.fire("c0", "verifikasi", None, VERIFY),
    "actor a dict": lambda e: e.fire("c0", "verifikasi", {"id": "x", "role": "admin"}, VERIFY),
    "naive sweep": lambda e: e.sweep(datetime(2026, 3, 2)),
    "expected_version True": lambda e: e.fire(
        "c0", "verifikasi", ADMIN, VERIFY, expected_version=True
    ),
    "10 MB case id": lambda e: e.start("lapor-upp", COMPLETE, ADMIN, case_id=HUGE),
    "10 MB command id": lambda e: e.start("lapor-upp", COMPLETE, ADMIN, command_id=HUGE),
    "10 MB unknown key": lambda e: e.start("lapor-upp", {**COMPLETE, HUGE: 1}, ADMIN),
    "10 MB event": lambda e: e.fire("c0", HUGE, ADMIN),
    "reserved actor id sistem": lambda e: e.start(
        "lapor-upp", COMPLETE, Actor("sistem", "admin_instansi")
    ),
    "reserved actor id sop-engine": lambda e: e.fire(
        "c0", "verifikasi", Actor("sop-engine", "admin_instansi"), VERIFY
    ),
    "reserved role sistem": lambda e: e.fire("c0", "verifikasi", Actor("budi", "sistem"), VERIFY),
    "bad command in a group": lambda e: e.submit([FireCommand("c0", "verifikasi", None, VERIFY)]),  # type: ignore[arg-type]
    "NUL in a group": lambda e: e.submit(
        [StartCommand("lapor-upp", COMPLETE, ADMIN, case_id="a\x00")]
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_argument_is_a_typed_bounded_error_and_nothing_is_written(
    sqlite_engine: Engine, name: str
) -> None:
    before = sqlite_engine.count_cases()
    versions = sqlite_engine.get("c0").version
    with pytest.raises(InvalidArgument) as raised:
        HOSTILE[name](sqlite_engine)
    assert isinstance(raised.value, SopError)
    assert len(str(raised.value)) < 600
    assert "xxxxxxxxxx" not in str(raised.value)  # the value is never echoed
    assert raised.value.argument
    assert sqlite_engine.count_cases() == before
    assert sqlite_engine.get("c0").version == versions
    assert len(sqlite_engine.history("c0")) == versions


def test_ordinary_text_still_goes_through(sqlite_engine: Engine) -> None:
    data = {**COMPLETE, "judul": "Jalan berlubang — 20 cm, ✓ emoji 🚧, tab\tok"}
    case = sqlite_engine.start("lapor-upp", data, ADMIN, case_id="LAPOR-2026/03/0001")
    assert sqlite_engine.get(case.id).data["judul"] == data["judul"]


# -- the working-day calendar's edge is a typed, bounded condition ---------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["2026-03-02", "inf"],
        ["2026-03-02", "nan"],
        ["2026-03-02", "1e308"],
        ["2026-03-02", "1e308", "--unit", "working-hours", "--office-hours", "08:00-16:00"],
        ["2050-11-02", "60"],
    ],
)
def test_calendar_due_never_overflows(args: list[str]) -> None:
    from click.testing import CliRunner

    from sop_engine.cli import main

    result = CliRunner().invoke(main, ["calendar", "due", *args], env={"SOP_LANG": "en"})
    assert result.exit_code == 2, result.output  # a usage error, not a finding
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert len(result.output) < 800


def test_a_clock_past_the_calendar_is_a_typed_error_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    from sop_engine._core.calendar import CalendarExhausted

    last = datetime(2050, 11, 4, 2, 0, tzinfo=UTC)
    clock = SimulatedClock(last)
    engine = Engine(store=SqliteStore(tmp_path / "s.sqlite3", clock=clock), clock=clock)
    engine.load(LAPOR)
    try:

        def run() -> None:
            for n in range(3):  # some clock of the SOP runs long enough to reach 2051
                case = engine.start("lapor-upp", COMPLETE, ADMIN, case_id=f"c{n}")
                engine.fire(case.id, "verifikasi", ADMIN, VERIFY)
                clock.advance(timedelta(days=20))

        with pytest.raises(CalendarExhausted) as raised:
            run()
        assert isinstance(raised.value, SopError)
        assert raised.value.years == (2020, 2050)
        assert "extend the calendar" in str(raised.value)
    finally:
        engine.store.close()  # type: ignore[attr-defined]
