"""The engine's API contract: accepted commands, typed refusals that change nothing, the trail."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from sop_engine import (
    Actor,
    CaseNotFound,
    CommandIdReused,
    CommandRefused,
    Engine,
    EventNotAllowed,
    ExtensionFailed,
    GuardRejected,
    InvalidArgument,
    InvalidCaseData,
    InvalidEventData,
    RoleNotPermitted,
    SimulatedClock,
    SopError,
    UnknownEvent,
    UnknownSop,
    VersionConflict,
)
from sop_engine._core.records import START_EVENT

from conftest import (
    ADMIN,
    ATTEST,
    COMPLETE,
    LAPOR,
    LIAISON,
    OFFICER,
    OTHER_OFFICER,
    REPORTER,
    SYSTEM,
)


def _to_disposed(engine: Engine, case_id: str = "c1") -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id=case_id)
    engine.fire(case_id, "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire(case_id, "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})


def test_happy_path_reaches_final_state_with_full_trail(
    engine: Engine, clock: SimulatedClock
) -> None:
    _to_disposed(engine)
    clock.advance(timedelta(days=1))
    engine.fire("c1", "tindak_lanjuti", OFFICER)
    engine.fire("c1", "ajukan_tanggapan", OFFICER, {"tanggapan": "Sudah ditambal."})
    engine.fire("c1", "setujui_tanggapan", LIAISON, ATTEST)
    case = engine.fire("c1", "terima_tanggapan", REPORTER)
    assert case.state == "selesai"
    assert case.version == 7
    history = engine.history("c1")
    assert [e.event for e in history] == [
        START_EVENT,
        "verifikasi",
        "disposisi",
        "tindak_lanjuti",
        "ajukan_tanggapan",
        "setujui_tanggapan",
        "terima_tanggapan",
    ]
    assert [e.seq for e in history] == list(range(1, 8))
    assert all(a.target == b.source for a, b in itertools.pairwise(history))
    assert history[3].at == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    assert all(e.at.tzinfo is UTC for e in history)
    assert case.data["tanggapan"] == "Sudah ditambal."
    assert case.data["verifikator"] == "siti"
    assert case.data["waktu_verifikasi"] == "2026-03-02T01:00:00+00:00"


def test_guard_alternatives_choose_the_first_that_passes(engine: Engine) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engine.fire(
        "c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan", "berkadar_pengawasan": True}
    )
    case = engine.fire("c1", "disposisi", ADMIN)
    assert case.data["unit_tujuan"] == "inspektorat"
    assert engine.history("c1")[-1].guards == (("field_equals", True),)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c2")
    engine.fire("c2", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    case = engine.fire("c2", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    assert case.data["unit_tujuan"] == "dinas_pupr"
    assert engine.history("c2")[-1].guards == (
        ("field_equals", False),
        ("fields_complete", True),
        ("field_differs", True),  # the disposition may not go to the reported unit (issue 20)
    )


def _refusal_leaves_no_trace(engine: Engine, case_id: str, call: object) -> CommandRefused:
    before = engine.get(case_id)
    trail = engine.history(case_id)
    with pytest.raises(CommandRefused) as info:
        call()  # type: ignore[operator]
    assert engine.get(case_id) == before
    assert engine.history(case_id) == trail
    return info.value


def test_unknown_event_lists_available_events(engine: Engine) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    err = _refusal_leaves_no_trace(engine, "c1", lambda: engine.fire("c1", "verifkasi", ADMIN))
    assert isinstance(err, UnknownEvent)
    assert isinstance(err, LookupError)
    assert err.available == ("verifikasi", "minta_kelengkapan", "arsipkan", "bukan_wewenang")
    assert (err.case_id, err.state, err.event) == ("c1", "diterima", "verifkasi")


def test_event_not_allowed_in_state(engine: Engine) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    err = _refusal_leaves_no_trace(
        engine, "c1", lambda: engine.fire("c1", "setujui_tanggapan", LIAISON, ATTEST)
    )
    assert isinstance(err, EventNotAllowed)
    assert "verifikasi" in err.available


def test_role_not_permitted(engine: Engine) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    err = _refusal_leaves_no_trace(
        engine, "c1", lambda: engine.fire("c1", "verifikasi", OFFICER, {"klasifikasi": "aspirasi"})
    )
    assert isinstance(err, RoleNotPermitted)
    assert isinstance(err, PermissionError)
    assert err.role == "petugas_unit"
    assert err.allowed == ("admin_instansi",)


def test_guard_rejection_gives_the_reason(engine: Engine) -> None:
    data = {k: v for k, v in COMPLETE.items() if k != "lokasi"}
    engine.start("lapor-upp", data, ADMIN, case_id="c1")
    err = _refusal_leaves_no_trace(
        engine, "c1", lambda: engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    )
    assert isinstance(err, GuardRejected)
    assert [name for name, _ in err.reasons] == ["fields_complete"]
    assert err.reasons[0][1].id == "data belum lengkap: lokasi"
    assert err.reasons[0][1].en == "data incomplete: lokasi"


def test_wrong_unit_is_refused_by_guard(engine: Engine) -> None:
    _to_disposed(engine)
    err = _refusal_leaves_no_trace(
        engine, "c1", lambda: engine.fire("c1", "tindak_lanjuti", OTHER_OFFICER)
    )
    assert isinstance(err, GuardRejected)


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({}, "'klasifikasi' is required"),
        (
            {"klasifikasi": "keluhan"},
            "expected one of 'pengaduan', 'aspirasi', 'permintaan_informasi'",
        ),
        ({"klasifikasi": "aspirasi", "urgensi": 1}, "unknown name 'urgensi'"),
        ({"klasifikasi": "aspirasi", "berkadar_pengawasan": "ya"}, "expected true or false"),
        ({"klasifikasi": None}, "'klasifikasi' is required and cannot be empty"),
    ],
)
def test_invalid_event_data(engine: Engine, payload: dict[str, object], fragment: str) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    err = _refusal_leaves_no_trace(
        engine, "c1", lambda: engine.fire("c1", "verifikasi", ADMIN, payload)
    )
    assert isinstance(err, InvalidEventData)
    assert isinstance(err, ValueError)
    assert any(fragment in p for p in err.problems), err.problems


def test_payload_that_is_not_a_mapping(engine: Engine) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    err = _refusal_leaves_no_trace(
        engine,
        "c1",
        lambda: engine.fire("c1", "verifikasi", ADMIN, ["klasifikasi"]),  # type: ignore[arg-type]
    )
    assert isinstance(err, InvalidEventData)


def test_start_validates_case_data(engine: Engine) -> None:
    with pytest.raises(InvalidCaseData) as info:
        engine.start("lapor-upp", {"kanal": "pos", "tanggal_kejadian": "kemarin"}, ADMIN)
    problems = " | ".join(info.value.problems)
    assert "'pelapor' is required" in problems
    assert "'kanal': expected one of 'sms', 'web', 'app', 'loket', 'media_sosial'" in problems
    assert "expected a date like 2026-03-02" in problems
    assert list(engine.store.case_ids()) == []


def test_start_normalises_dates(engine: Engine) -> None:
    from datetime import date

    case = engine.start("lapor-upp", {**COMPLETE, "tanggal_kejadian": date(2026, 2, 26)}, ADMIN)
    assert case.data["tanggal_kejadian"] == "2026-02-26"


def test_start_by_role_outside_the_sop(engine: Engine) -> None:
    with pytest.raises(RoleNotPermitted):
        engine.start("lapor-upp", COMPLETE, Actor("x", "bupati"))


def test_unknown_sop_and_case(engine: Engine) -> None:
    with pytest.raises(UnknownSop, match="loaded: lapor-upp"):
        engine.start("lapor", COMPLETE, ADMIN)
    with pytest.raises(CaseNotFound):
        engine.fire("nope", "verifikasi", ADMIN)
    with pytest.raises(CaseNotFound):
        engine.history("nope")


def test_every_error_is_a_sop_error() -> None:
    import sop_engine

    errors = [
        getattr(sop_engine, n)
        for n in sop_engine.__all__
        if isinstance(getattr(sop_engine, n), type)
        and issubclass(getattr(sop_engine, n), BaseException)
    ]
    assert len(errors) >= 10
    assert all(issubclass(e, SopError) for e in errors)


def test_repeated_command_id_returns_original_outcome_and_writes_nothing(engine: Engine) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    first = engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}, command_id="k1")
    engine.fire("c1", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    again = engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}, command_id="k1")
    assert again == first
    assert len(engine.history("c1")) == 3
    with pytest.raises(CommandIdReused):
        engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "aspirasi"}, command_id="k1")
    assert len(engine.history("c1")) == 3


def test_repeated_start_command(engine: Engine) -> None:
    a = engine.start("lapor-upp", COMPLETE, ADMIN, command_id="intake-1")
    b = engine.start("lapor-upp", COMPLETE, ADMIN, command_id="intake-1")
    assert a == b
    assert list(engine.store.case_ids()) == [a.id]


def test_expected_version_detects_a_concurrent_change(engine: Engine) -> None:
    case = engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    with pytest.raises(VersionConflict) as info:
        engine.fire("c1", "disposisi", ADMIN, {"unit_tujuan": "x"}, expected_version=case.version)
    assert (info.value.expected, info.value.actual) == (1, 2)
    assert engine.get("c1").state == "terverifikasi"


def test_store_refuses_a_stale_commit(engine: Engine) -> None:
    """Two writers read version 1; the second commit must fail in the store itself."""
    from sop_engine._core.records import AuditEvent

    case = engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engine.fire("c1", "minta_kelengkapan", ADMIN, {"kekurangan": "foto"})
    stale = type(case)(case.id, case.sop_id, case.sop_hash, "terverifikasi", case.data, 2)
    event = AuditEvent("c1", 2, engine.clock.now(), ADMIN, "verifikasi", "diterima", "x", {})
    with pytest.raises(VersionConflict):
        engine.store.commit(stale, event, None)
    assert len(engine.history("c1")) == 2


def test_action_failure_leaves_no_trace(engine: Engine) -> None:
    from sop_engine import ActionSpec, Registry, Text, hookimpl

    class Boom:
        @hookimpl
        def sop_engine_actions(self) -> list[ActionSpec]:
            def bind(params: object) -> object:
                def action(data: dict[str, object], ctx: object) -> None:
                    data["tanggapan"] = "half-written"
                    raise RuntimeError("disk full")

                return action

            return [ActionSpec("boom", Text("x"), {"type": "object"}, bind)]  # type: ignore[arg-type]

    text = LAPOR.read_text(encoding="utf-8").replace(
        "      - increment: { field: jumlah_sanggahan }",
        "      - increment: { field: jumlah_sanggahan }\n      - boom: {}",
    )
    reg = Registry(plugins=[Boom()], load_entry_points=False)
    e = Engine(registry=reg, clock=SimulatedClock(datetime(2026, 3, 2, tzinfo=UTC)))
    from sop_engine import load_definition

    e.add(load_definition("lapor.yaml", registry=reg, text=text))
    e.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    for event, actor, payload in [
        ("verifikasi", ADMIN, {"klasifikasi": "pengaduan"}),
        ("disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"}),
        ("tindak_lanjuti", OFFICER, {}),
        ("ajukan_tanggapan", OFFICER, {"tanggapan": "ok"}),
        ("setujui_tanggapan", LIAISON, ATTEST),
    ]:
        e.fire("c1", event, actor, payload)
    before = e.get("c1")
    with pytest.raises(ExtensionFailed, match="action 'boom' failed") as info:
        e.fire("c1", "sanggah", REPORTER, {"alasan": "belum"})
    assert isinstance(info.value.__cause__, RuntimeError)
    assert (info.value.kind, info.value.name, info.value.event) == ("action", "boom", "sanggah")
    assert e.get("c1") == before
    assert before.data["tanggapan"] == "ok"
    assert len(e.history("c1")) == 6


def test_available_evaluates_roles_and_guards(engine: Engine) -> None:
    _to_disposed(engine)
    assert [a.event for a in engine.available("c1", OFFICER)] == [
        "tindak_lanjuti",
        "kembalikan_disposisi",
    ]
    assert engine.available("c1", OTHER_OFFICER) == []
    assert engine.available("c1", ADMIN) == []


def test_available_at_intake_for_admin_and_reporter(engine: Engine) -> None:
    engine.start(
        "lapor-upp", {k: v for k, v in COMPLETE.items() if k != "lokasi"}, ADMIN, case_id="c1"
    )
    admin = [a.event for a in engine.available("c1", ADMIN)]
    assert admin == ["minta_kelengkapan", "arsipkan", "bukan_wewenang"]  # verifikasi needs lokasi
    assert [a.event for a in engine.available("c1", REPORTER)] == []
    with pytest.raises(InvalidArgument, match="engine's own"):  # reserved (issue 18)
        engine.available("c1", SYSTEM)


def test_reopen_is_limited_by_counter(engine: Engine) -> None:
    _to_disposed(engine)
    engine.fire("c1", "tindak_lanjuti", OFFICER)
    for round_ in range(2):
        engine.fire("c1", "ajukan_tanggapan", OFFICER, {"tanggapan": f"jawaban {round_}"})
        engine.fire("c1", "setujui_tanggapan", LIAISON, ATTEST)
        engine.fire("c1", "sanggah", REPORTER, {"alasan": "belum selesai"})
    assert engine.get("c1").data["jumlah_sanggahan"] == 2
    engine.fire("c1", "ajukan_tanggapan", OFFICER, {"tanggapan": "jawaban akhir"})
    engine.fire("c1", "setujui_tanggapan", LIAISON, ATTEST)
    with pytest.raises(GuardRejected, match="limit of 2"):
        engine.fire("c1", "sanggah", REPORTER, {"alasan": "lagi"})
    with pytest.raises(InvalidArgument, match="engine's own"):  # only the sweeper may
        engine.fire("c1", "tutup_otomatis", SYSTEM)


def test_final_state_accepts_nothing(engine: Engine) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engine.fire("c1", "arsipkan", ADMIN, {"alasan_arsip": "duplikat"})
    with pytest.raises(EventNotAllowed, match="none"):
        engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})


def test_cases_stay_pinned_to_their_sop_version(engine: Engine) -> None:
    from sop_engine import load_definition

    old = engine.start("lapor-upp", COMPLETE, ADMIN, case_id="old")
    text = LAPOR.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2026.2"')
    text = text.replace(
        "      - fields_complete: { fields: [judul, kronologi, lokasi] }",
        "      - fields_complete: { fields: [judul, kronologi, lokasi, tanggal_kejadian] }",
    )
    new_sop = engine.add(load_definition("v2.yaml", text=text, registry=engine.registry))
    assert new_sop.hash != old.sop_hash
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="new")
    assert engine.get("new").sop_hash == new_sop.hash
    # the old case still runs under the old rules (no tanggal_kejadian needed) ...
    assert engine.fire("old", "verifikasi", ADMIN, {"klasifikasi": "aspirasi"}).state == (
        "terverifikasi"
    )
    # ... the new one under the new rules
    with pytest.raises(GuardRejected, match="tanggal_kejadian"):
        engine.fire("new", "verifikasi", ADMIN, {"klasifikasi": "aspirasi"})


def test_case_records_are_immutable(engine: Engine) -> None:
    import attrs

    case = engine.start("lapor-upp", COMPLETE, ADMIN)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        case.state = "selesai"  # type: ignore[misc]


def test_simulated_clock_never_goes_back() -> None:
    clock = SimulatedClock(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="back in time"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="aware"):
        SimulatedClock(datetime(2026, 1, 1))
