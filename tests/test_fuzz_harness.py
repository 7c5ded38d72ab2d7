"""Issue 18: the fuzzing harness in the normal suite.

- Every file of the seed corpus (``tests/corpus/invalid``, ``tests/corpus/fuzz/scenario``,
  ``tests/corpus/fuzz/api`` and the examples) goes through its fuzz target
  (``tools/fuzz_targets.py``, the same functions ``make fuzz`` runs under atheris): findings,
  problems, a result or a typed, bounded ``SopError``, never anything else.
- The public API fuzzed with Hypothesis against a real SQLite file: whatever the call, the
  answer is a result or a bounded ``SopError``, a refused command changes nothing, and what the
  engine holds is what a second connection reads from the file.
- The defects the scenario target found, each with its own test.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_engine import Engine, Registry, SimulatedClock
from sop_engine._simulate import calendar_years
from sop_engine._simulate.scenario import Scenario, load_scenario
from sop_engine.sqlite_store import SqliteStore

from conftest import LAPOR

ROOT = Path(__file__).resolve().parents[1]


def _targets() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_targets", ROOT / "tools/fuzz_targets.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_targets"] = module
    spec.loader.exec_module(module)
    return module


FT = _targets()
SEEDS = [(name, path) for name in FT.TARGETS for path in FT.seeds(name)]


def test_every_target_has_a_seed_corpus_of_the_hostile_inputs() -> None:
    counts = {name: len(FT.seeds(name)) for name in FT.TARGETS}
    assert counts["loader"] > 100
    assert counts["scenario"] >= 30
    assert counts["api"] >= 40
    names = {p.stem for p in FT.seeds("api")}
    # the inputs issue 18 lists, each in the API corpus
    for wanted in (
        "start_nul_id",
        "start_lone_surrogate_id",
        "start_huge_id",
        "start_integer_id",
        "start_reserved_actor",
        "fire_null_actor",
        "fire_version_true",
        "fire_deep_payload",
        "start_huge_unknown_key",
        "sweep_naive",
        "extend_inf",
    ):
        assert wanted in names


@pytest.mark.parametrize(("target", "path"), SEEDS, ids=[f"{t}-{p.name}" for t, p in SEEDS])
def test_each_seed_is_answered_by_its_target(target: str, path: Path) -> None:
    FT.TARGETS[target](path.read_bytes())


def test_a_corpus_call_is_decoded_as_written() -> None:
    call = FT.decode_call((ROOT / "tests/corpus/fuzz/api/fire_deep_payload.json").read_bytes())
    assert call["op"] == "fire"
    assert call["actor"] == FT.ADMIN
    depth, value = 0, call["payload"]["kategori"]
    while isinstance(value, list):
        depth, value = depth + 1, value[0]
    assert depth == 10_000


def test_raw_bytes_are_decoded_into_a_call_with_hostile_arguments() -> None:
    # op 1 (fire); case id: text with invalid UTF-8 (a lone surrogate); actor id: an integer
    data = bytes([1]) + b"\x00c\xff" + b"\x1f" + b"\x01\x07"
    call = FT.decode_call(data)
    assert call["op"] == "fire"
    assert call["case_id"] == "c\udcff"
    assert call["actor"].id == 7


# -- the public API on a real SQLite file ------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3"
    clock = SimulatedClock(FT.T0)
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    engine.load(LAPOR)
    engine.start("lapor-upp", FT.INTAKE, FT.ADMIN, case_id="c0")
    yield engine, path
    engine.store.close()


_API_SEEDS = [p.read_bytes() for p in FT.seeds("api")]


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.one_of(st.sampled_from(_API_SEEDS), st.binary(max_size=120)))
def test_the_public_api_on_a_sqlite_file_answers_with_a_sop_error_and_loses_nothing(
    sqlite_engine: tuple[Engine, Path], data: bytes
) -> None:
    engine, path = sqlite_engine
    FT.check_call(engine, FT.decode_call(data))
    other = SqliteStore(path)
    try:
        assert FT.snapshot(other) == FT.snapshot(engine.store)
    finally:
        other.close()


# -- the defects the scenario target found -----------------------------------------------------

_LAPOR_SCENARIO = (ROOT / "examples/lapor/scenario.yaml").read_text(encoding="utf-8")


def _read(text: str) -> Scenario | list[Any]:
    registry = Registry()
    sop = Engine(registry=registry).load(LAPOR)
    return load_scenario(
        "s.yaml",
        sop,
        sorted(registry.calendars),
        text=text,
        calendar_years=calendar_years(sop, registry),
    )


def _changed(old: str, new: str) -> str:
    assert old in _LAPOR_SCENARIO
    return _LAPOR_SCENARIO.replace(old, new, 1)


def test_a_duration_with_an_exponent_is_a_finding_not_a_value_error() -> None:
    # the schema's pattern matched "308d" inside "1e308d"; the reader then raised ValueError
    found = _read(_changed("mean: 25min, sd: 10min", "mean: 1e308d, sd: 10min"))
    assert isinstance(found, list)
    assert [p.code for p in found] == ["SIM007"]
    assert "'1e308d' is not a duration" in found[0].format("en")


def test_an_unknown_time_zone_is_a_finding_of_the_reader() -> None:
    # it used to pass the reader and raise from the calendar when `sop simulate` built it
    line = 1 + [x.split("#")[0].strip() for x in _LAPOR_SCENARIO.splitlines()].index(
        "zone: Asia/Jakarta"
    )
    for zone in ("Mars/Olympus_Mons", "../../../../etc/passwd"):
        found = _read(_changed("zone: Asia/Jakarta", f"zone: {zone}"))
        assert isinstance(found, list)
        assert [(p.code, p.line) for p in found] == [("SIM006", line)]
        assert "Asia/Jakarta" in found[0].format("en")
        assert "zona waktu IANA" in found[0].format("id")


def test_a_period_at_the_end_of_the_calendar_is_a_finding_not_an_overflow() -> None:
    found = _read(_changed('end: "2026-12-31"', 'end: "9999-12-31"'))
    assert isinstance(found, list)
    assert [p.code for p in found] == ["SIM010"]


def test_a_huge_name_is_cut_in_the_finding_and_the_known_names_stay_whole() -> None:
    name = "v" * 20_000
    found = _read(_changed("- event: verifikasi ", f"- event: {name} "))
    assert isinstance(found, list)
    assert found
    for p in found:
        for lang in ("en", "id"):
            assert len(p.format(lang)) < 1000
            assert len(p.hint(lang)) < 2100
    unknown = next(p for p in found if p.code == "SIM021")
    assert "vvvvvvvvvv" in unknown.format("en")
    assert "(20000 characters)" in unknown.format("en")
    assert "setujui_tanggapan" in unknown.hint("en")  # the SOP's events, not cut


@pytest.mark.parametrize("text", ["z{\n", '"{found} }{"\n'])
def test_a_document_that_is_a_braced_scalar_is_a_finding_in_either_language(text: str) -> None:
    # the reader's "found" was re-wrapped as a message template made of the file's own text:
    # the braces raised ValueError while the finding was formatted (atheris found "z{")
    found = _read(text)
    assert isinstance(found, list)
    assert [p.code for p in found] == ["SIM001"]
    assert "found a single value" in found[0].format("en")
    assert "ditemukan satu nilai saja" in found[0].format("id")
