"""Revealing an anonymous reporter takes two people (issue 17, four eyes for ``reveal``).

Before: one person of a ``reveal`` role with any reason got the identity at once. Now one person
asks with a reason (``@reveal_request``), a second person of another allowed role approves
(``@reveal_approve``), and only then the requester reads the identity, once (``@reveal``,
naming both). Every refusal is typed, writes nothing and reads in Indonesian and English. The
officials' reasons are sealed like the case's free text and erased with it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import Actor, Engine, RevealRefused, RoleNotPermitted, SimulatedClock, Store
from sop_engine._core.records import ERASED
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, LAPOR, OFFICER

T0 = datetime(2026, 3, 2, 1, tzinfo=UTC)
NAME = "Ani Wijaya"
APIP = Actor("agus", "pengawas")
APIP2 = Actor("wati", "pengawas")
REASON = "Pemeriksaan Inspektorat no. 700/12/2026 atas dugaan pungli"


def _engine(store: Store | None = None) -> Engine:
    engine = Engine(store=store, clock=SimulatedClock(T0))
    engine.load(LAPOR)
    engine.start(
        "lapor-upp",
        {**COMPLETE, "pelapor": NAME, "kerahasiaan": "anonim"},
        Actor("p-1", "pelapor"),
        case_id="c1",
    )
    return engine


def test_one_person_alone_cannot_reveal() -> None:
    engine = _engine()
    request = engine.request_reveal("c1", APIP, REASON)
    with pytest.raises(RevealRefused, match="not approved yet") as early:
        engine.reveal("c1", APIP, request)
    assert "belum disetujui" in early.value.message("id")
    with pytest.raises(RevealRefused, match="cannot approve") as own:
        engine.approve_reveal("c1", request, APIP)  # the requester approving himself
    assert "orang kedua" in own.value.message("id")
    with pytest.raises(RevealRefused, match="another role") as same_role:
        engine.approve_reveal("c1", request, APIP2)  # a colleague of the same role
    assert "peran lain" in same_role.value.message("id")
    with pytest.raises(RoleNotPermitted):
        engine.approve_reveal("c1", request, OFFICER)  # a role that may not approve
    with pytest.raises(RoleNotPermitted):
        engine.request_reveal("c1", ADMIN, REASON)  # a role that may not ask
    assert [e.event for e in engine.history("c1")] == ["@start", "@reveal_request"]
    for error in (early, own, same_role):  # refusals never carry the identity
        assert NAME not in str(error.value)
        assert NAME not in error.value.message("id")


def test_an_approved_request_reveals_once_to_its_requester_and_the_trail_names_both() -> None:
    engine = _engine()
    request = engine.request_reveal("c1", APIP, REASON, ["pelapor"])
    engine.approve_reveal("c1", request, ADMIN, "sesuai surat tugas")
    with pytest.raises(RevealRefused, match="only the person who asked"):
        engine.reveal("c1", APIP2, request)  # someone else cannot use the approval
    with pytest.raises(RevealRefused, match="already approved"):
        engine.approve_reveal("c1", request, Actor("rudi", "admin_instansi"))
    assert engine.reveal("c1", APIP, request) == {"pelapor": NAME}
    with pytest.raises(RevealRefused, match="used already") as again:
        engine.reveal("c1", APIP, request)
    assert "sudah dipakai" in again.value.message("id")
    asked, approved, shown = engine.history("c1")[1:]
    assert (asked.event, asked.actor, asked.payload["reason"]) == ("@reveal_request", APIP, REASON)
    assert approved.actor == ADMIN
    assert approved.payload["requested_by"] == APIP.id
    assert (shown.event, shown.actor) == ("@reveal", APIP)
    assert shown.payload["approved_by"] == ADMIN.id
    assert shown.payload["approved_role"] == ADMIN.role
    assert shown.payload["reason"] == REASON
    assert NAME not in json.dumps([e.payload for e in engine.history("c1")[1:]])


def test_a_request_number_that_is_not_a_request_is_refused_clearly() -> None:
    engine = _engine()
    with pytest.raises(RevealRefused, match="no reveal request number 1"):
        engine.reveal("c1", APIP, 1)  # seq 1 is the @start
    with pytest.raises(RevealRefused, match="give the number of a reveal request") as old:
        engine.reveal("c1", APIP, "alasan lama")  # type: ignore[arg-type]  # the old call
    assert "nomor permintaan" in old.value.message("id")


def test_the_reasons_are_sealed_and_erased_with_the_reporter(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SqliteStore(path, clock=SimulatedClock(T0))
    engine = _engine(store)
    request = engine.request_reveal("c1", APIP, REASON)
    engine.approve_reveal("c1", request, ADMIN, "sesuai surat tugas Inspektur")
    engine.reveal("c1", APIP, request)
    bodies = " ".join(r[0] for r in store._db.execute("SELECT body FROM events"))
    assert "Inspektorat" not in bodies  # outside the chained bytes
    assert "Inspektur" not in bodies
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"Inspektorat" not in raw  # and sealed: not in the file, its WAL or the key file
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor (UU PDP)")
    trail = engine.history("c1")
    assert [e.payload["reason"] for e in trail if e.event == "@reveal_request"] == [ERASED]
    assert [e.payload["note"] for e in trail if e.event == "@reveal_approve"] == [ERASED]
    assert [e.payload["approved_by"] for e in trail if e.event == "@reveal"] == [ADMIN.id]
    store.close()
    for command in (["store", "check", "--db", str(path)], ["audit", "verify", "--db", str(path)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0, result.output
