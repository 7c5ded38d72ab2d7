"""Issue 20, rules and lint: what the SOP format can say and what `sop lint`/`sop test` say of it.

Each test here fails on the main branch the issue was filed against: the comparison guard, the
built-in check for cases no role can move, the fixed deadlines_follow_state rule and switching a
built-in check off, ethics rules about case data, required text that must not be blank, and
findings that read as advice (one-based items with their labels, no jsonschema English). The
lint findings themselves are in the invalid corpus (tests/corpus/invalid); these are the engine
and `sop test` halves.
"""

from __future__ import annotations

import contextlib
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import (
    Actor,
    Engine,
    EthicsViolation,
    GuardRejected,
    InvalidEventData,
    Registry,
    SimulatedClock,
    lint_text,
    load_definition,
)
from sop_engine.cli import main

SOPS = Path(__file__).resolve().parent / "sops"
STUCK = SOPS / "disposisi_macet.yaml"
FIXED = SOPS / "disposisi_benar.yaml"
RECEIPT = SOPS / "tanda_terima.yaml"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
REGISTRY = Registry()
ADMIN = Actor("siti", "admin")


def _sop_test(path: Path, *extra: str, examples: int = 25) -> tuple[int, str]:
    args = ["test", str(path), "--max-examples", str(examples), "--seed", "1", "--lang", "en"]
    # a failing run saves sop-test-SOPID.json in the working directory: not the repository's
    with tempfile.TemporaryDirectory() as where, contextlib.chdir(where):
        result = CliRunner().invoke(main, [*args, *extra])
    return result.exit_code, result.output


def _engine(path: Path | None = None, text: str | None = None) -> Engine:
    engine = Engine(clock=SimulatedClock(T0), registry=REGISTRY)
    name = str(path) if path is not None else "uji.yaml"
    engine.add(load_definition(name, text=text, registry=REGISTRY))
    return engine


# -- (1) comparing two fields, and cases no role can move -------------------------------------


def test_disposition_to_the_reported_unit_is_refused_by_field_differs() -> None:
    engine = _engine(FIXED)
    case = engine.start("disposisi-macet", {"judul": "Pungli", "unit_terlapor": "dinas_a"}, ADMIN)
    with pytest.raises(GuardRejected) as refused:
        engine.fire(case.id, "disposisi", ADMIN, {"unit_tujuan": "dinas_a"})
    assert "unit_tujuan must not be the same as unit_terlapor" in str(refused.value)
    moved = engine.fire(case.id, "disposisi", ADMIN, {"unit_tujuan": "dinas_b"})
    assert moved.state == "terdisposisi"
    done = engine.fire(case.id, "tindak_lanjuti", Actor("rina", "petugas_unit", "dinas_b"))
    assert done.state == "selesai"


def test_field_same_and_field_differs_treat_empty_fields_as_unknown() -> None:
    from sop_engine._core.records import Case
    from sop_engine._features.builtins import _field_differs, _field_same

    differs = _field_differs({"field": "a", "from": "b"})
    same = _field_same({"field": "a", "as": "b"})
    actor = Actor("x", "admin")

    def case(**data: object) -> Case:
        return Case("k", "s", "h", "baru", data, 1)

    assert differs(case(), actor, {}) is not None  # nothing tells two empty fields apart
    assert differs(case(a="u1"), actor, {}) is None
    assert differs(case(a="u1", b="u1"), actor, {}) is not None
    assert differs(case(b="u1"), actor, {"a": "u2"}) is None  # the event's value counts
    assert same(case(a="u1", b="u1"), actor, {}) is None
    assert same(case(), actor, {}) is not None
    assert same(case(a="u1", b="u2"), actor, {}) is not None


def test_sop_test_finds_the_case_nobody_can_move() -> None:
    code, out = _sop_test(STUCK)
    assert code == 1, out
    assert "[case_can_move]" in out
    assert "in state 'terdisposisi' no role, in any unit, can fire any of 'tindak_lanjuti'" in out
    assert "sop-test-disposisi-macet.json" in out  # saved where it ran ...
    assert not Path("sop-test-disposisi-macet.json").exists()  # ... not in the repository


def test_sop_test_passes_once_the_disposition_may_not_go_to_the_reported_unit() -> None:
    code, out = _sop_test(FIXED)
    assert code == 0, out
    assert "All 9 invariants held" in out


def test_a_stuck_case_moved_on_by_a_timer_is_not_stuck(tmp_path: Path) -> None:
    """An expiry that fires an event still moves the case: case_can_move does not fire."""
    text = STUCK.read_text(encoding="utf-8")
    text = text.replace(
        "  tindak_lanjuti:\n",
        "  tutup_otomatis:\n    label: Tutup otomatis\n    roles: sistem\n  tindak_lanjuti:\n",
    )
    text = text.replace(
        "\nethics:",
        "  - event: tutup_otomatis\n    from: terdisposisi\n    to: selesai\n"
        "\ndeadlines:\n  calendar: { id: ID, zone: Asia/Jakarta }\n  clocks:\n"
        "    tindak_lanjut:\n      duration: { working_days: 5 }\n"
        "      start: { enter: terdisposisi }\n      stop: { leave: terdisposisi }\n"
        "      on_expiry: { event: tutup_otomatis }\n"
        "\nethics:",
    )
    text = text.replace(
        "  admin: { label: Admin pengaduan }",
        "  admin: { label: Admin }\n  sistem: { label: Sistem }",
    )
    path = tmp_path / "sop.yaml"
    path.write_text(text, encoding="utf-8")
    code, out = _sop_test(path)
    assert "[case_can_move]" not in out, out
    assert code == 0, out


# -- (6) the deadlines_follow_state rule, and switching a built-in check off ------------------


def test_clock_started_on_entering_and_stopped_by_an_event_is_not_reported() -> None:
    code, out = _sop_test(RECEIPT)
    assert "should run in 'diterima' but is met" not in out
    assert code == 0, out


def test_a_clock_that_should_have_restarted_is_still_reported() -> None:
    """The fix is narrow: a clock met before the case re-entered its start state is missing."""
    from sop_engine._compile.compiled import compile_sop
    from sop_engine.testing import Step, World

    text = RECEIPT.read_text(encoding="utf-8").replace(
        "  - event: selesaikan\n",
        "  - event: kembali\n    from: diterima\n    to: diperiksa\n"
        "  - event: kembali\n    from: diperiksa\n    to: diterima\n"
        "  - event: selesaikan\n",
    )
    text = text.replace(
        "  selesai: { label: Selesai, final: true }",
        "  diperiksa: { label: Diperiksa }\n  selesai: { label: Selesai, final: true }",
    )
    text = text.replace(
        "  selesaikan:\n", "  kembali:\n    label: Kembali\n    roles: admin\n  selesaikan:\n"
    )
    sop = compile_sop(load_definition("t.yaml", text=text, registry=REGISTRY), REGISTRY)
    world = World(sop, REGISTRY, T0, invariants=["deadlines_follow_state"])
    admin = Actor("siti", "admin")
    world.apply(Step("start", case="k1", actor=admin, data={"judul": "x"}))
    world.apply(Step("fire", case="k1", event="kirim_tanda_terima", actor=admin))
    assert world.engine.get("k1").deadlines[0].status == "met"
    world.apply(Step("fire", case="k1", event="kembali", actor=admin))
    world.apply(Step("fire", case="k1", event="kembali", actor=admin))
    # back in 'diterima': the engine re-arms the clock, and the check agrees
    assert world.engine.get("k1").deadlines[0].status == "running"


def test_a_built_in_check_switched_off_with_its_reason(tmp_path: Path) -> None:
    reason = "Unit terlapor ditangani manual oleh Inspektorat di luar sistem"
    path = tmp_path / "sop.yaml"
    path.write_text(
        STUCK.read_text(encoding="utf-8")
        + f"\ninvariants:\n  case_can_move:\n    disabled_because: {reason}\n",
        encoding="utf-8",
    )
    code, out = _sop_test(path)
    assert code == 0, out
    assert f"Built-in check case_can_move is switched off by this SOP: {reason}" in out
    assert "All 8 invariants held" in out


# -- (2) ethics rules about case data ---------------------------------------------------------

ETHICS = """
sop: { id: etik-kasus, version: "1", title: Etik kasus, agency: Dinas Contoh }
roles:
  admin: { label: Admin }
  atasan: { label: Atasan }
fields:
  berkadar_pengawasan: { type: bool }
  judul: { type: text }
states:
  baru: { label: Baru, initial: true }
  selesai: { label: Selesai, final: true }
events:
  tutup:
    label: Tutup
    roles: admin
transitions:
  - { event: tutup, from: baru, to: selesai }
ethics:
  notify: atasan
  rules:
    - id: KE-09
      title: Laporan berkadar pengawasan ditutup hanya setelah pernyataan bebas konflik
      check: declaration_required
      when: { events: tutup, case: { berkadar_pengawasan: true } }
      severity: block
"""


def test_an_ethics_rule_applies_only_to_the_cases_its_when_names() -> None:
    engine = _engine(text=ETHICS)
    plain = engine.start("etik-kasus", {"judul": "a", "berkadar_pengawasan": False}, ADMIN)
    assert engine.fire(plain.id, "tutup", ADMIN).state == "selesai"
    unset = engine.start("etik-kasus", {"judul": "b"}, ADMIN)
    assert engine.fire(unset.id, "tutup", ADMIN).state == "selesai"
    oversight = engine.start("etik-kasus", {"judul": "c", "berkadar_pengawasan": True}, ADMIN)
    with pytest.raises(EthicsViolation) as blocked:
        engine.fire(oversight.id, "tutup", ADMIN)
    assert blocked.value.breach.rule == "KE-09"


def test_ethics_when_case_with_a_value_the_field_never_holds_is_a_finding() -> None:
    text = ETHICS.replace("berkadar_pengawasan: true }", "berkadar_pengawasan: ya }")
    findings = lint_text(text, name="etik.yaml")
    assert [f.code for f in findings] == ["SOP174"]
    assert "true or false" in findings[0].hint("en")
    assert "true atau false" in findings[0].hint("id")


# -- (3) required event text is not blank ------------------------------------------------------

BLANK = """
sop: { id: kosong, version: "1", title: Teks wajib, agency: Dinas Contoh }
roles:
  admin: { label: Admin }
fields:
  judul: { type: text, required: true }
states:
  baru: { label: Baru, initial: true }
  selesai: { label: Selesai, final: true }
events:
  arsipkan:
    label: Arsipkan
    roles: admin
    data:
      alasan: { type: text }
      catatan: { type: text, allow_blank: true }
transitions:
  - { event: arsipkan, from: baru, to: selesai }
"""


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_required_event_text_must_not_be_blank(blank: str) -> None:
    engine = _engine(text=BLANK)
    case = engine.start("kosong", {"judul": "Jalan rusak"}, ADMIN)
    with pytest.raises(InvalidEventData) as refused:
        engine.fire(case.id, "arsipkan", ADMIN, {"alasan": blank, "catatan": "x"})
    assert "'alasan': required text is blank" in str(refused.value)
    assert "allow_blank: true" in str(refused.value)
    assert engine.get(case.id).state == "baru"


def test_blank_text_is_accepted_where_the_sop_allows_it() -> None:
    engine = _engine(text=BLANK)
    case = engine.start("kosong", {"judul": "Jalan rusak"}, ADMIN)
    done = engine.fire(case.id, "arsipkan", ADMIN, {"alasan": "Duplikat", "catatan": "  "})
    assert done.state == "selesai"


def test_required_case_text_is_not_blank_at_intake_either() -> None:
    from sop_engine import InvalidCaseData

    engine = _engine(text=BLANK)
    with pytest.raises(InvalidCaseData):
        engine.start("kosong", {"judul": "  "}, ADMIN)


# -- (7) findings read as advice --------------------------------------------------------------


def test_positions_are_one_based_with_the_transition_they_concern() -> None:
    text = FIXED.read_text(encoding="utf-8").replace(
        "      - actor_unit_matches: { field: unit_tujuan }",
        "      - count_below: { field: unit_tujuan, max: 0 }",
    )
    findings = lint_text(text, name="sop.yaml")
    messages = [f.message("en") for f in findings]
    assert any(
        m.startswith("the 2nd transition (tindak_lanjuti: terdisposisi → selesai), guard 1")
        for m in messages
    ), messages
    assert not any("[1]" in m or "minimum of" in m for m in messages), messages
    assert any("write 1 or more, not 0" in m for m in messages), messages
    indonesian = [f.message("id") for f in findings]
    assert any(m.startswith("transisi ke-2 (tindak_lanjuti") for m in indonesian), indonesian
    assert not any("sop schema" in f.hint("en") for f in findings)
