"""Open311 GeoReport v2 conformance, written from the spec (wiki.open311.org/GeoReport_v2):
discovery, services, service definitions, POST/GET requests with paging, GET requests/{id},
the error format; states as open/closed and FixMyStreet's extended statuses; anonymity.

Then an independent client from PyPI (``georeport``, which speaks HTTP through ``requests``)
reads the desk served by uvicorn on loopback.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sop_engine import SqliteStore

import deskkit
from deskkit import RESPONSE, DeskUnderTest, make_app

desk = deskkit.desk
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
REQUEST_KEYS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def _post(d: DeskUnderTest, **form: str) -> Any:
    body = {"service_code": "pengaduan", "address_string": "Jl. Merdeka 10", **form}
    return d.client.post("/open311/v2/requests.json", data=body)


def _error(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert isinstance(body, list)
    assert len(body) == 1
    assert body[0]["code"] == status
    assert body[0]["description"]
    return str(body[0]["description"])


def test_discovery_services_and_definitions(desk: DeskUnderTest) -> None:
    doc = desk.client.get("/open311/discovery.json").json()
    (endpoint,) = doc["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert "application/json" in endpoint["formats"]
    services = desk.client.get("/open311/v2/services.json").json()
    codes = [s["service_code"] for s in services]
    assert codes == ["pengaduan", "aspirasi", "permintaan_informasi"]  # the SOP's classes
    for s in services:
        assert {"service_code", "service_name", "description", "metadata", "type", "keywords"} <= (
            s.keys()
        )
        assert s["type"] in ("realtime", "batch", "blackbox")
        assert isinstance(s["metadata"], bool)
    definition = desk.client.get("/open311/v2/services/pengaduan.json").json()
    assert definition["service_code"] == "pengaduan"
    attrs = {a["code"]: a for a in definition["attributes"]}
    assert attrs["judul"]["required"] is True
    assert attrs["judul"]["datatype"] == "string"
    assert attrs["tanggal_kejadian"]["datatype"] == "datetime"
    assert "kronologi" not in attrs
    assert "lokasi" not in attrs
    for a in attrs.values():
        assert a["datatype"] in (
            "string",
            "number",
            "datetime",
            "text",
            "singlevaluelist",
            "multivaluelist",
        )
        assert {"variable", "code", "datatype", "required", "order", "description"} <= a.keys()
    _error(desk.client.get("/open311/v2/services/terbang.json"), 404)
    assert "json" in _error(desk.client.get("/open311/v2/services.xml"), 400)


def test_post_then_get_a_request_without_the_reporters_identity(desk: DeskUnderTest) -> None:
    r = _post(
        desk,
        description="Lampu jalan mati seminggu. Saya Ani Wijaya, 0812-3456-7890.",
        first_name="Ani",
        last_name="Wijaya",
        email="ani.wijaya@example.id",
        phone="081234567890",
        **{"attribute[judul]": "Lampu jalan mati"},
    )
    assert r.status_code == 201, r.text
    (made,) = r.json()
    case = made["service_request_id"]
    # the officers see it was filed anonim, the reporter's name kept for the admin only
    snapshot = desk.engine.get(case)
    assert snapshot.data["kerahasiaan"] == "anonim"
    assert snapshot.data["pelapor"] == "Ani Wijaya"
    assert snapshot.data["klasifikasi"] == "pengaduan"
    (one,) = desk.client.get(f"/open311/v2/requests/{case}.json").json()
    assert set(one) == REQUEST_KEYS
    assert one["status"] == "open"
    assert one["service_code"] == "pengaduan"
    assert one["address"] == "Jl. Merdeka 10"
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert ISO.match(one[key]), (key, one[key])
    # expected_datetime is the engine's working-day deadline (verification: 3 working days)
    due = min(d.due_at for d in snapshot.deadlines if d.status == "running" and d.due_at)
    assert one["expected_datetime"] == due.isoformat().replace("+00:00", "Z")
    listing = desk.client.get("/open311/v2/requests.json")
    for text in (str(one), listing.text):
        assert "Wijaya" not in text
        assert "0812" not in text
        assert "ani.wijaya" not in text
    assert [x["service_request_id"] for x in listing.json()] == [case]


def test_post_refusals_follow_the_spec(desk: DeskUnderTest) -> None:
    _error(_post(desk, service_code="terbang", description="x"), 400)
    _error(
        desk.client.post(
            "/open311/v2/requests.json", data={"service_code": "pengaduan", "description": "x"}
        ),
        400,
    )  # a location is required
    _error(_post(desk, lat="91", long="0", description="x"), 400)
    _error(_post(desk, description="x", **{"attribute[pelapor]": "someone"}), 400)
    _error(_post(desk, description="x", **{"attribute[warna]": "merah"}), 400)
    r = _post(desk, lat="-6.2", long="106.8", address_string="", description="Banjir")
    assert r.status_code == 201, r.text
    (one,) = desk.client.get(
        f"/open311/v2/requests/{r.json()[0]['service_request_id']}.json"
    ).json()
    assert "-6.200000" in one["address"]
    _error(desk.client.get("/open311/v2/requests/NOPE-NOPE-NOPE.json"), 404)


def test_states_map_to_open_closed_and_extended_statuses(desk: DeskUnderTest) -> None:
    responded = desk.file(anonymous=False, kerahasiaan="biasa")
    desk.to_response(responded)
    assert desk.fire("dewi", responded, "setujui_tanggapan", tanpa_imbalan=True).status_code == 200
    archived = desk.file()
    r = desk.fire("siti", archived, "arsipkan", alasan_arsip="duplikat")
    assert r.status_code == 200, r.text
    fresh = desk.file()

    def status(case: str, extended: bool) -> Any:
        q = "?extended_statuses=true" if extended else ""
        (one,) = desk.client.get(f"/open311/v2/requests/{case}.json{q}").json()
        return one["status"], one["status_notes"]

    assert status(fresh, False) == ("open", None)
    assert status(fresh, True) == ("open", None)
    assert status(responded, False) == ("open", RESPONSE)
    assert status(responded, True) == ("in_progress", RESPONSE)
    assert status(archived, False)[0] == "closed"
    assert status(archived, True)[0] == "duplicate"
    ids = lambda q: {x["service_request_id"] for x in desk.client.get(q).json()}  # noqa: E731
    assert ids("/open311/v2/requests.json?status=closed") == {archived}
    assert ids("/open311/v2/requests.json?status=open") == {fresh, responded}
    assert ids("/open311/v2/requests.json?status=duplicate,in_progress") == {archived, responded}
    assert ids(f"/open311/v2/requests.json?service_request_id={fresh},{archived}") == {
        fresh,
        archived,
    }


def test_paging_newest_first_and_the_period(desk: DeskUnderTest) -> None:
    made = []
    for n in range(7):
        made.append(desk.file(judul=f"Laporan {n}"))
        desk.clock.advance(timedelta(hours=1))
    pages = [
        [
            x["service_request_id"]
            for x in desk.client.get(f"/open311/v2/requests.json?page_size=3&page={p}").json()
        ]
        for p in (1, 2, 3, 4)
    ]
    assert pages == [made[6:3:-1], made[3:0:-1], made[:1], []]
    _error(desk.client.get("/open311/v2/requests.json?page_size=0"), 400)
    _error(desk.client.get("/open311/v2/requests.json?page_size=1001"), 400)
    _error(desk.client.get("/open311/v2/requests.json?start_date=kemarin"), 400)
    start = desk.engine.history(made[5])[0].at.isoformat()
    got = desk.client.get("/open311/v2/requests.json", params={"start_date": start}).json()
    assert [x["service_request_id"] for x in got] == [made[6], made[5]]
    # without dates: the last 90 days
    desk.clock.advance(timedelta(days=91))
    assert desk.client.get("/open311/v2/requests.json").json() == []


def test_a_confidential_complaint_shows_no_content_on_open311(desk: DeskUnderTest) -> None:
    case = desk.file(anonymous=False, kerahasiaan="rahasia", kronologi="Pungli oleh petugas X")
    desk.to_response(case)
    assert desk.fire("dewi", case, "setujui_tanggapan", tanpa_imbalan=True).status_code == 200
    r = desk.client.get(f"/open311/v2/requests/{case}.json")
    assert "Pungli" not in r.text
    assert "Perbaikan jalan" not in r.text
    assert r.json()[0]["status_notes"] == "[dirahasiakan]"


# -- an independent client -------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    import uvicorn

    store = SqliteStore(tmp_path / "o311.sqlite3")
    app, _, _ = make_app(store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/open311/v2"
    finally:
        server.should_exit = True
        thread.join(10)
        store.close()


def test_the_georeport_client_reads_the_desk(served: str) -> None:
    georeport = pytest.importorskip("georeport")
    import httpx

    form = {
        "service_code": "pengaduan",
        "address_string": "Pasar Baru",
        "description": "Sampah menumpuk",
        "attribute[judul]": "Sampah",
    }
    case = httpx.post(f"{served}/requests.json", data=form).json()[0]["service_request_id"]
    client = georeport.GeoReport(served)
    assert [s["service_code"] for s in client.get_service_list()] == [
        "pengaduan",
        "aspirasi",
        "permintaan_informasi",
    ]
    assert client.get_service_definition("pengaduan")["service_code"] == "pengaduan"
    (listed,) = client.get_service_requests(status="open")
    assert listed["service_request_id"] == case
    one = client.get_service_request(case)  # the client unwraps the spec's one-item list
    assert one["service_request_id"] == case
    assert one["description"] == "Sampah menumpuk"
    assert client.get_service_requests(status="closed") == []
