"""Anonymous stays anonymous (issue 17): one regression test per finding, written as an attacker.

Each test drives the reference LAPOR! SOP the way the finding describes and looks for the
reporter's identity where it must not be: the public export, another unit's view, the bytes of
the SQLite file and its WAL after erasure, error messages and log records.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from sop_engine import (
    Actor,
    CaseNotVisible,
    Engine,
    EthicsViolation,
    InvalidCaseData,
    MemoryStore,
    RoleNotPermitted,
    SimulatedClock,
    Store,
)
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, LAPOR, OFFICER, OTHER_OFFICER

PID = "p-8812"
NAME = "Ani Wijaya"
NIK = "3174012345678901"
PHONE = "0812-3456-7890"
EMAIL = "ani.wijaya@contoh.id"
PLATE = "B 1234 XYZ"
SECOND_ADMIN = Actor("yanti", "admin_instansi")
AUDITOR = Actor("agus", "pengawas")

FREE_TEXT = (
    f"Saya {NAME} (NIK {NIK}, HP {PHONE}, surel {EMAIL}). Mobil {PLATE} milik saya ditahan. "
    f"Petugas memanggil saya ani wijaya, lalu ANI WIJAYA, lalu Ani  Wijaya; "
    f"'Bu Ani, bayar dulu', katanya. Hubungi +62 812 3456 7890."
)
FORMS = (NAME, "ani wijaya", "ANI WIJAYA", "Ani  Wijaya", "Bu Ani", NIK, PHONE, EMAIL, PLATE)


def _leaks(text: str) -> list[str]:
    """Every form of the identity still readable in ``text`` (any case, any spacing)."""
    found = [f for f in FORMS if f.casefold() in text.casefold()]
    if re.search(r"\bani\b", text, re.IGNORECASE):
        found.append("Ani (partial name)")
    if re.search(r"wijaya", text, re.IGNORECASE):
        found.append("Wijaya (partial name)")
    digits = re.sub(r"\D", "", text)
    found += [d for d in (NIK, "81234567890") if d in digits]
    return found


def _engine(store: Store | None = None) -> Engine:
    clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    engine = Engine(store=store if store is not None else MemoryStore(), clock=clock)
    engine.load(LAPOR)
    return engine


def _to_officer(engine: Engine, case_id: str, *, kerahasiaan: str = "anonim") -> None:
    """A case whose free text names the reporter, verified and handled by OFFICER's unit."""
    data = {
        **COMPLETE,
        "pelapor": NAME,
        "kerahasiaan": kerahasiaan,
        "judul": f"Pungli oleh petugas, pelapor Bu Ani ({PHONE})",
        "kronologi": FREE_TEXT,
    }
    engine.start("lapor-upp", data, ADMIN, case_id=case_id)
    engine.fire(case_id, "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire(case_id, "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    engine.fire(case_id, "tindak_lanjuti", OFFICER)
    engine.fire(
        case_id, "ajukan_tanggapan", OFFICER, {"tanggapan": f"Kepada Ibu Ani (NIK {NIK}): ..."}
    )


# -- finding 1: erasure un-redacts the reporter -----------------------------------------------


# -- finding 2: free text is never redacted and cannot be erased ------------------------------


def test_f2_free_text_is_redacted_in_the_export_and_the_unit_view() -> None:
    engine = _engine()
    _to_officer(engine, "c1")
    public = json.dumps(engine.export("c1", "internal"), ensure_ascii=False)
    assert _leaks(public) == []
    officer = engine.view("c1", OFFICER)  # the handling unit's officer: not in see_identity
    assert _leaks(repr((officer.case, officer.history))) == []
    # stable pseudonyms within one export: the reporter one token, each identifier its own
    assert public.count("[dirahasiakan]") >= 5
    assert public.count("[nik-1]") >= 2
    assert "[nik-2]" not in public
    # the roles the SOP names still see everything
    assert NAME in repr(engine.view("c1", ADMIN).case.data)


# -- finding 3: rahasia exposes the reporter and the reported official; no unit scoping -------


def test_f3_rahasia_hides_the_reporter_actor_the_reported_official_and_event_text() -> None:
    engine = _engine()
    reporter = Actor(PID, "pelapor")
    data = {**COMPLETE, "pelapor": PID, "kerahasiaan": "rahasia"}
    engine.start("lapor-upp", data, reporter, case_id="c1")
    engine.fire("c1", "minta_kelengkapan", ADMIN, {"kekurangan": "Foto kwitansi Pak Joko Susilo"})
    engine.fire("c1", "lengkapi", reporter, {"lokasi": "Jl. Merdeka 5"})
    engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan", "terlapor": "Joko Susilo"})
    public = json.dumps(engine.export("c1", "internal"), ensure_ascii=False)
    assert PID not in public
    assert "Joko" not in public
    assert "kwitansi" not in public
    assert "Joko Susilo" in repr(engine.view("c1", AUDITOR).case.data)  # a named role sees it


def test_f3_an_officer_of_another_unit_sees_nothing() -> None:
    engine = _engine()
    _to_officer(engine, "c1")
    with pytest.raises(CaseNotVisible) as refused:
        engine.view("c1", OTHER_OFFICER)
    assert "kronologi" not in str(refused.value)
    assert _leaks(str(refused.value)) == []
    assert engine.visible_cases(OTHER_OFFICER) == []
    assert engine.visible_cases(OFFICER) == ["c1"]
    assert engine.visible_cases(ADMIN) == ["c1"]


# -- finding 4: an admin can de-anonymise alone -----------------------------------------------


def _awaiting(engine: Engine) -> None:
    engine.start(
        "lapor-upp", {**COMPLETE, "pelapor": NAME, "kerahasiaan": "anonim"}, ADMIN, case_id="c1"
    )
    engine.fire("c1", "minta_kelengkapan", ADMIN, {"kekurangan": "lokasi"})


def test_f4_consent_recorded_by_the_admin_does_not_let_the_same_admin_lower_the_flag() -> None:
    engine = _engine()
    _awaiting(engine)
    engine.fire("c1", "lengkapi", ADMIN, {"persetujuan_pelapor": True})
    with pytest.raises(EthicsViolation):
        engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan", "kerahasiaan": "biasa"})
    assert engine.get("c1").data["kerahasiaan"] == "anonim"
    assert NAME not in json.dumps(engine.export("c1", "internal"))
    # a second person may approve it (four eyes), and the trail says who
    engine.fire(
        "c1", "verifikasi", SECOND_ADMIN, {"klasifikasi": "pengaduan", "kerahasiaan": "biasa"}
    )
    assert engine.get("c1").data["kerahasiaan"] == "biasa"


def test_f4_the_reporters_own_consent_is_enough() -> None:
    engine = _engine()
    _awaiting(engine)
    engine.fire("c1", "lengkapi", Actor(NAME, "pelapor"), {"persetujuan_pelapor": True})
    engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan", "kerahasiaan": "biasa"})
    assert engine.get("c1").data["kerahasiaan"] == "biasa"


# -- finding 5: erasure without a role check; the WAL keeps the erased value ------------------


@pytest.mark.parametrize("who", [OFFICER, Actor("x", "tidak_ada")])
def test_f5_erasure_needs_a_named_role(who: Actor) -> None:
    engine = _engine()
    _awaiting(engine)
    with pytest.raises(RoleNotPermitted):
        engine.erase_personal_data("c1", who, "saya mau")
    assert engine.get("c1").data["pelapor"] == NAME


# -- finding 6: errors and logs echo values ---------------------------------------------------


def test_f6_invalid_case_data_does_not_echo_the_value() -> None:
    engine = _engine()
    with pytest.raises(InvalidCaseData) as bad:
        engine.start("lapor-upp", {**COMPLETE, "biaya": NIK}, ADMIN)
    assert NIK not in str(bad.value)
    assert "biaya" in str(bad.value)  # still names the field and the fix


def test_f6_a_listener_failure_does_not_log_the_plugins_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = _engine()

    def listener(case: object, event: object) -> None:
        raise ValueError(f"gagal mengirim ke {NAME} {NIK}")

    engine.listen("bocor", listener)
    with caplog.at_level(logging.DEBUG):
        engine.start("lapor-upp", {**COMPLETE, "pelapor": NAME, "kerahasiaan": "anonim"}, ADMIN)
    failure = engine.listener_failures[-1]
    assert "ValueError" in failure.error
    assert _leaks(repr(failure)) == []
    assert _leaks(caplog.text) == []


def test_f6_a_postgres_password_is_never_printed() -> None:
    result = CliRunner().invoke(
        main, ["store", "check", "--db", "postgresql://sop:s3kr3t-pw@127.0.0.1:1/sop"]
    )
    assert result.exit_code != 0
    assert "s3kr3t-pw" not in result.output


def test_f6_sop_demo_prints_no_rahasia_content() -> None:
    result = CliRunner().invoke(main, ["demo", "--memory"])
    assert result.exit_code == 0, result.output
    printed = " ".join(result.output.split())
    assert "LPR-2026-0005" in printed
    # the rahasia case's title and account (demo_scenarios.yaml) are not printed
    assert "mempercepat izin" not in printed
    assert "Rp500.000" not in printed
