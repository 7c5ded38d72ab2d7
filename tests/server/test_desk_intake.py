"""The LAPOR! plugin's SMS 1708 intake as a webhook of the desk (``POST /api/intake/{channel}``),
on a real SQLite file: the gateway's principal delivers a message, the answer carries the
tracking ID, a retried delivery opens one case, a refused message is 422 with the reason for
the sender, and nobody else may post."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sop_engine import SqliteStore

from deskkit import AGENCY, DeskUnderTest, make_desk, token

pytest.importorskip("sop_engine_lapor")
SMS = "/api/intake/lapor.sms_1708"
CHANNELS = {
    "lapor.sms_1708": {"sop": "lapor-upp", "keywords": {"KOTACONTOH": AGENCY}},
}


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[DeskUnderTest]:
    store = SqliteStore(tmp_path / "sms.sqlite3")
    try:
        yield from make_desk(store, intake=CHANNELS)
    finally:
        store.close()


def _sms(d: DeskUnderTest, text: str, message_id: str = "m-1", who: str = "sms") -> Any:
    body = {"text": text, "sender": "081234567890", "message_id": message_id}
    return d.client.post(SMS, json=body, headers=token(who))


def test_an_sms_opens_a_case_once_and_is_tracked(desk: DeskUnderTest) -> None:
    text = "kotacontoh Lampu jalan di Jl. Merdeka mati sejak seminggu, rawan kecelakaan"
    r = _sms(desk, text)
    assert r.status_code == 201, r.text
    case = r.json()["tracking_id"]
    assert r.json()["state"] == "diterima"
    snapshot = desk.engine.get(case)
    assert snapshot.data["kanal"] == "sms"
    assert snapshot.data["pelapor"] == "081234567890"
    assert snapshot.data["instansi_tujuan"] == AGENCY
    again = _sms(desk, text)  # the gateway retries the same message
    assert again.status_code == 201
    assert again.json()["tracking_id"] == case
    assert len(desk.engine.history(case)) == 1
    track = desk.client.get(f"/api/track/{case}")
    assert track.status_code == 200
    assert "081234567890" not in track.text


def test_a_refused_sms_tells_the_sender_why(desk: DeskUnderTest) -> None:
    r = _sms(desk, "HALO tolong", message_id="m-2")
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "IntakeRejected"
    assert body["channel"] == "lapor.sms_1708"
    assert "KOTACONTOH" in body["reason"]["id"]
    assert "tidak dikenal" in body["reason"]["id"]


def test_only_the_gateway_may_post_and_only_to_offered_channels(desk: DeskUnderTest) -> None:
    text = "KOTACONTOH Sampah menumpuk di pasar sejak tiga hari"
    assert _sms(desk, text, who="siti").status_code == 403
    assert (
        desk.client.post(SMS, json={"text": text, "sender": "1", "message_id": "x"}).status_code
        == 401
    )
    r = desk.client.post(
        "/api/intake/lapor.web",
        json={"text": text, "sender": "1", "message_id": "x"},
        headers=token("sms"),
    )
    assert r.status_code == 404
    assert r.json()["error"] == "UnknownChannel"
    assert desk.engine.count_cases() == 0
