"""The agency's own plugin, installed: its guard against a real SQLite register, in a real SOP."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sop_engine import (
    Actor,
    Engine,
    ExtensionFailed,
    GuardRejected,
    Registry,
    SimulatedClock,
    lint_file,
    lint_text,
)
from sop_engine_izin_usaha import ENV, Entry, create

HERE = Path(__file__).resolve().parents[1]
SOP = HERE / "sop-izin.yaml"
ADMIN = Actor("siti", "admin_pengaduan")
OFFICER = Actor("budi", "petugas_pengaduan")
REGISTER = [
    Entry("9120001234567", "CV Maju Jaya", "aktif", "2030-12-31"),
    Entry("9120007654321", "PT Asap Tebal", "dibekukan"),
    Entry("9120000000001", "UD Lama", "dicabut"),
]


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "register-izin.sqlite3"
    create(path, REGISTER)
    monkeypatch.setenv(ENV, str(path))
    return path


@pytest.fixture
def engine(register: Path) -> Engine:
    e = Engine(clock=SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))  # installed plugins
    e.load(SOP)
    return e


def _open(engine: Engine, case_id: str) -> None:
    data = {"pelapor": "warga-7", "uraian": "Bengkel membuang oli ke selokan"}
    engine.start("izin-usaha-pengaduan", data, ADMIN, case_id=case_id)


def test_the_plugin_is_installed_under_its_namespace() -> None:
    registry = Registry()
    assert registry.owners[("guards", "izin.nib_terdaftar")] == "izin"
    assert registry.packages["izin"] == "sop-engine-izin-usaha"
    assert lint_file(SOP, registry=registry) == []


def test_an_active_licence_lets_the_complaint_go_forward(engine: Engine) -> None:
    _open(engine, "c1")
    case = engine.fire("c1", "verifikasi", ADMIN, {"nib": "912 000 123 4567"})
    assert case.state == "ditangani"
    assert engine.history("c1")[-1].guards == (("izin.nib_terdaftar", True),)
    assert engine.fire("c1", "selesaikan", OFFICER, {"hasil": "teguran"}).state == "selesai"


@pytest.mark.parametrize(
    ("nib", "reason"),
    [
        ("9120009999999", "NIB 9120009999999 tidak terdaftar pada register izin usaha"),
        ("9120007654321", "izin usaha PT Asap Tebal (NIB 9120007654321) berstatus dibekukan"),
        ("9120000000001", "berstatus dicabut"),
        ("12345", "NIB '12345' tidak sah: NIB terdiri atas 13 angka"),
    ],
)
def test_an_unknown_or_inactive_licence_is_refused_with_the_reason(
    engine: Engine, nib: str, reason: str
) -> None:
    _open(engine, "c1")
    with pytest.raises(GuardRejected) as info:
        engine.fire("c1", "verifikasi", ADMIN, {"nib": nib})
    [(name, text)] = info.value.reasons
    assert name == "izin.nib_terdaftar"
    assert reason in text.id
    assert engine.get("c1").state == "diterima"
    assert engine.fire("c1", "alihkan", ADMIN).state == "dialihkan"


def test_a_frozen_licence_may_be_let_through_on_purpose(register: Path) -> None:
    text = SOP.read_text(encoding="utf-8").replace(
        "{ field: nib }", "{ field: nib, boleh_dibekukan: true }"
    )
    engine = Engine(clock=SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))
    from sop_engine import load_definition

    engine.add(load_definition("izin.yaml", text=text, registry=engine.registry))
    _open(engine, "c1")
    assert engine.fire("c1", "verifikasi", ADMIN, {"nib": "9120007654321"}).state == "ditangani"


def test_a_missing_register_fails_loudly_and_changes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open(engine, "c1")
    monkeypatch.delenv(ENV)
    with pytest.raises(ExtensionFailed, match=r"guard 'izin\.nib_terdaftar' failed") as info:
        engine.fire("c1", "verifikasi", ADMIN, {"nib": "9120001234567"})
    assert f"set {ENV}" in str(info.value.__cause__)
    assert len(engine.history("c1")) == 1


def test_the_linter_checks_the_guard_parameters() -> None:
    text = SOP.read_text(encoding="utf-8")
    wrong_field = text.replace("{ field: nib }", "{ field: nomor_izin }")
    [finding] = lint_text(wrong_field, name="x.yaml")
    assert (finding.code, finding.message()) == ("SOP031", "unknown case field 'nomor_izin'")
    typo = text.replace("{ field: nib }", "{ feld: nib }")
    findings = lint_text(typo, name="x.yaml")
    assert sorted(f.code for f in findings) == ["SOP010", "SOP011"]
    assert "did you mean 'field'?" in findings[-1].message()
