"""The shortcuts issue 19 added to the command path refuse exactly what the full checks refuse.

- An actor that passed :func:`check_actor` is remembered; a channel's own actor (role
  ``sistem``) is never remembered, so a caller reusing it is still refused.
- A flat payload of clean text and atoms skips the tree walk; any NUL, lone surrogate or bad
  key still falls through to the walk, which names the problem.
- A redactor's identity pattern is compiled once per reporter, and text without a digit or
  ``@`` skips the identifier patterns: the output is the same as before.
- Personal-key tuples of audit events are shared, never mixed between different key lists.
- The sweep remembers a notification's redacted case part by the values it is made of, and
  instant texts per (instant, zone); a mapping of values frozen already is copied as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sop_engine import Actor, Engine, InvalidArgument, SimulatedClock
from sop_engine._core.frozen import FrozenDict, FrozenList, frozen_dict
from sop_engine._core.records import Deadline
from sop_engine._core.redaction import Redactor
from sop_engine._features.deadlines import advance
from sop_engine._runtime.arguments import check_actor, check_data
from sop_engine._runtime.sweeper import _iso

from conftest import ADMIN, COMPLETE, LAPOR

GATEWAY = Actor("sms-gateway", "sistem")
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_a_channel_actor_is_never_remembered_for_callers() -> None:
    check_actor(GATEWAY, channel=True)
    check_actor(GATEWAY, channel=True)
    with pytest.raises(InvalidArgument):
        check_actor(GATEWAY)


def test_a_remembered_actor_still_passes_and_a_bad_one_still_fails() -> None:
    ok = Actor("budi", "petugas_unit", "dinas_pupr")
    check_actor(ok)
    check_actor(Actor("budi", "petugas_unit", "dinas_pupr"))  # equal: remembered
    for bad in (
        Actor("budi\x00", "petugas_unit"),
        Actor("budi", "petugas_unit", ""),
        Actor("sop-engine", "petugas_unit"),
        Actor([], "petugas_unit"),  # type: ignore[arg-type]  # unhashable: the checks name it
    ):
        with pytest.raises(InvalidArgument):
            check_actor(bad)


@pytest.mark.parametrize(
    "payload",
    [
        {"judul": "jalan\x00rusak"},
        {"judul": "jalan \ud800 rusak"},
        {"": "x"},
        {1: "x"},
        {"a" * 201: "x"},
        {"bad\nkey": 1},
        {"nested": {"deep": "nul\x00"}},
        {"items": ["ok", "nul\x00"]},
    ],
)
def test_payloads_the_walk_refuses_are_still_refused(payload: dict[object, object]) -> None:
    with pytest.raises(InvalidArgument):
        check_data("payload", payload)


def test_clean_flat_and_nested_payloads_pass() -> None:
    check_data("payload", {"judul": "Jalan rusak — Jl. Merdeka", "n": 3, "ok": True, "x": None})
    check_data("payload", {"lampiran": [{"nama": "foto.jpg"}], "judul": "ünïcode"})


def test_redaction_unchanged_by_its_shortcuts() -> None:
    r = Redactor(["Ani Wijaya", "0812-3456-7890"])
    assert r.text("Bu Ani melapor lewat 0812-3456-7890, NIK 3201234567890001") == (
        "[pelapor] melapor lewat [pelapor], NIK [nik-1]"
    )
    assert r.text("Jalan rusak di depan pasar") == "Jalan rusak di depan pasar"
    assert r.text("surel budi@example.id") == "surel [email-1]"
    # a second redactor for the same reporter shares the pattern, not the pseudonyms
    again = Redactor(["0812-3456-7890", "Ani Wijaya"])
    assert again.text("nomor B 1234 XYZ") == "nomor [plat-1]"
    assert again._names is r._names


def test_events_share_personal_key_tuples_but_not_across_lists(tmp_path: object) -> None:
    engine = Engine()
    engine.load(LAPOR)
    a = engine.start("lapor-upp", COMPLETE, ADMIN, case_id="a")
    b = engine.start("lapor-upp", COMPLETE, ADMIN, case_id="b")
    ea, eb = engine.history(a.id)[0], engine.history(b.id)[0]
    assert ea.personal == eb.personal
    assert ea.personal
    assert ea.personal is eb.personal
    fewer = {k: v for k, v in COMPLETE.items() if k not in ea.personal[-1:]}
    try:
        c = engine.start("lapor-upp", fewer, ADMIN, case_id="c")
    except Exception:  # the SOP requires that field: nothing to compare
        return
    assert engine.history(c.id)[0].personal != ea.personal


def test_deadline_notifications_are_built_per_case_values_whatever_is_remembered() -> None:
    """The sweep remembers the redacted case part of its notifications by the values it is
    made of: cases with the same title but another confidentiality, reporter or unit still
    get their own text, and an anonymous reporter's name is withheld every time."""
    clock = SimulatedClock(T0)
    engine = Engine(clock=clock)
    engine.load(LAPOR)
    title = "Laporan Ani Wijaya soal jalan"
    cases = {
        "open": {**COMPLETE, "judul": title, "pelapor": "Ani Wijaya"},
        "anon": {**COMPLETE, "judul": title, "pelapor": "Ani Wijaya", "kerahasiaan": "anonim"},
        "anon2": {**COMPLETE, "judul": title, "pelapor": "Budi", "kerahasiaan": "anonim"},
        "anon3": {**COMPLETE, "judul": title, "pelapor": "Ani Wijaya", "kerahasiaan": "anonim"},
    }
    for case_id, data in cases.items():
        engine.start("lapor-upp", data, ADMIN, case_id=case_id)
    clock.set(datetime(2026, 4, 20, tzinfo=UTC))
    assert engine.sweep().fired
    titles: dict[str, set[str]] = {}
    for n in engine.store.outbox():
        titles.setdefault(n.case_id, set()).add(n.payload["case"]["title"])
    assert titles["open"] == {title}  # not anonymous: the title as written
    assert titles["anon"] == titles["anon3"] == {"Laporan [pelapor] soal jalan"}
    assert titles["anon2"] == {title}  # anonymous, but the title names someone else


def test_instant_texts_are_remembered_per_zone() -> None:
    wib = timezone(timedelta(hours=7))
    at = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    assert _iso(at) == "2026-03-02T02:00:00+00:00"
    assert _iso(at.astimezone(wib)) == "2026-03-02T09:00:00+07:00"  # an equal instant
    assert _iso(at) == "2026-03-02T02:00:00+00:00"


def test_frozen_values_are_kept_and_others_still_frozen() -> None:
    inner = frozen_dict({"id": "x"})
    out = frozen_dict({"label": inner, "n": 1, "items": FrozenList([1])})
    assert out["label"] is inner
    mixed = frozen_dict({"label": inner, "plain": {"a": [1]}})
    assert type(mixed["plain"]) is FrozenDict
    assert type(mixed["plain"]["a"]) is FrozenList
    with pytest.raises(TypeError):
        mixed["plain"]["a"].append(2)


def test_deadlines_out_of_the_plans_order_advance_as_in_order() -> None:
    """``advance`` walks a case's deadlines in step with the plan's clocks; a list in another
    order (a case stored by hand, an older version's order) gives the same deadlines."""
    clock = SimulatedClock(T0)
    engine = Engine(clock=clock)
    sop = engine.load(LAPOR)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c")
    engine.fire("c", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire("c", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    case = engine.get("c")
    assert [d.name for d in case.deadlines] == ["verifikasi", "tindak_lanjut", "penyelesaian"]
    assert sop.deadlines is not None
    calendar = engine.calendar(sop)

    def moved(deadlines: tuple[Deadline, ...], new_state: str, final: bool) -> list[Deadline]:
        assert sop.deadlines is not None
        out, _ = advance(
            sop.deadlines,
            deadlines=deadlines,
            old_state=case.state,
            new_state=new_state,
            event="x",
            data=case.data,
            now=T0 + timedelta(days=1),
            calendar=calendar,
            final=final,
            case_id="c",
        )
        return list(out)

    for new_state, final in (("draf_tanggapan", False), ("selesai", True), ("diproses", False)):
        in_order = moved(case.deadlines, new_state, final)
        assert moved(tuple(reversed(case.deadlines)), new_state, final) == in_order
        rotated = (*case.deadlines[1:], case.deadlines[0])
        assert moved(rotated, new_state, final) == in_order
    assert [d.status for d in moved(case.deadlines, "draf_tanggapan", False)] == [
        "met",
        "met",
        "running",
    ]
