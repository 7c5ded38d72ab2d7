"""The desk's JSON API on the real app, on a real SQLite file and on the real PostgreSQL server.

Checks what a client relies on: tracking IDs and the reporter's redacted view, the officer's
queue scoped by unit and agency, problem+json carrying the engine's error types, Idempotency-Key
and If-Match, tokens, rate limits and CSRF on the public form.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sop_engine import SqliteStore

import deskkit
from deskkit import RESPONSE, DeskUnderTest, make_desk, token

PROBLEM = "application/problem+json"
desk = deskkit.desk


def _problem(r: object, status: int, error: str) -> dict[str, object]:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith(PROBLEM)  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["status"] == status
    assert body["error"] == error
    assert body["type"] == f"/problems/{error}"
    return body  # type: ignore[no-any-return]


def test_an_anonymous_complaint_is_tracked_without_the_reporters_identity(
    desk: DeskUnderTest,
) -> None:
    case = desk.file(anonymous=True, pelapor="Ani Wijaya 0812")
    r = desk.client.get(f"/api/track/{case}")
    assert r.status_code == 200
    view = r.json()
    assert view["state"] == "diterima"
    assert view["state_label"] == {"id": "Belum Terverifikasi", "en": "Received, not yet verified"}
    assert view["expected_at"] is not None  # the verification deadline
    assert "Ani Wijaya" not in r.text
    # the admin sees who filed it; the data says anonim
    r = desk.client.get(f"/api/cases/{case}", headers=token("siti"))
    assert r.json()["data"]["pelapor"] == "Ani Wijaya 0812"
    assert r.json()["data"]["kerahasiaan"] == "anonim"


def test_a_reporter_without_a_name_gets_a_pseudonym(desk: DeskUnderTest) -> None:
    case = desk.file(anonymous=False)
    data = desk.client.get(f"/api/cases/{case}", headers=token("siti")).json()["data"]
    assert data["pelapor"].startswith("anon-")
    assert data["kanal"] == "web"
    assert data["kerahasiaan"] == "biasa"


def test_the_whole_path_and_the_published_response(desk: DeskUnderTest) -> None:
    case = desk.file(anonymous=True, pelapor="Ani Wijaya")
    desk.to_response(case)
    # a draft is not public
    assert desk.client.get(f"/api/track/{case}").json()["responses"] == []
    r = desk.fire("dewi", case, "setujui_tanggapan", tanpa_imbalan=True)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "ditanggapi"
    view = desk.client.get(f"/api/track/{case}").json()
    assert [s["state"] for s in view["timeline"]] == [
        "diterima",
        "terverifikasi",
        "terdisposisi",
        "diproses",
        "draf_tanggapan",
        "ditanggapi",
    ]
    assert [r["text"] for r in view["responses"]] == [RESPONSE]
    assert "dewi" not in json.dumps(view)
    assert "budi" not in json.dumps(view)


def test_a_confidential_complaint_shows_its_status_but_not_its_content(
    desk: DeskUnderTest,
) -> None:
    case = desk.file(anonymous=False, kerahasiaan="rahasia")
    desk.to_response(case)
    assert desk.fire("dewi", case, "setujui_tanggapan", tanpa_imbalan=True).status_code == 200
    r = desk.client.get(f"/api/track/{case}")
    assert r.json()["state"] == "ditanggapi"
    assert [x["text"] for x in r.json()["responses"]] == ["[dirahasiakan]"]
    assert "Perbaikan jalan" not in r.text


def test_the_queue_and_the_case_are_scoped_by_unit_and_agency(desk: DeskUnderTest) -> None:
    case = desk.file(anonymous=True, pelapor="Ani Wijaya")
    ids = lambda who: [i["id"] for i in desk.client.get("/api/queue", headers=token(who)).json()]  # noqa: E731
    assert case in ids("siti")
    assert case not in ids("budi")  # not dispositioned yet
    for who, event, data in (
        ("siti", "verifikasi", {"klasifikasi": "pengaduan"}),
        ("siti", "disposisi", {"unit_tujuan": "dinas_pupr"}),
    ):
        assert desk.fire(who, case, event, **data).status_code == 200
    assert case in ids("budi")
    assert case not in ids("rina")
    assert case not in ids("lain")  # another agency's admin
    # the officer of the unit opens it, without the reporter's identity (anonim)
    r = desk.client.get(f"/api/cases/{case}", headers=token("budi"))
    assert r.status_code == 200
    assert "Ani Wijaya" not in r.text
    assert r.json()["data"]["pelapor"] == "[dirahasiakan]"
    assert sorted(a["event"] for a in r.json()["available"]) == [
        "kembalikan_disposisi",
        "tindak_lanjuti",
    ]
    # the other unit's officer and the other agency get 404 on every door
    for who in ("rina", "lain"):
        _problem(desk.client.get(f"/api/cases/{case}", headers=token(who)), 404, "CaseNotFound")
        _problem(desk.fire(who, case, "tindak_lanjuti"), 404, "CaseNotFound")
        _problem(
            desk.client.post(
                f"/api/cases/{case}/declarations", headers=token(who), json={"conflict": False}
            ),
            404,
            "CaseNotFound",
        )
    assert len(desk.engine.history(case)) == 3  # nothing the refused calls wrote


def test_refusals_are_problem_details_with_the_engines_types(desk: DeskUnderTest) -> None:
    case = desk.file()
    body = _problem(desk.fire("siti", case, "disposisi"), 409, "EventNotAllowed")
    assert body["state"] == "diterima"
    body = _problem(desk.fire("budi", case, "verifikasi"), 404, "CaseNotFound")
    body = _problem(
        desk.fire("dewi", case, "verifikasi", klasifikasi="pengaduan"), 403, "RoleNotPermitted"
    )
    body = _problem(desk.fire("siti", case, "terbang"), 404, "UnknownEvent")
    assert "verifikasi" in body["available"]  # type: ignore[operator]
    body = _problem(
        desk.fire("siti", case, "verifikasi", klasifikasi="lain"), 422, "InvalidEventData"
    )
    assert body["problems"]
    desk.fire("siti", case, "verifikasi", klasifikasi="pengaduan")
    body = _problem(desk.fire("siti", case, "disposisi"), 409, "GuardRejected")
    assert {"guard": "fields_complete", "id": "data belum lengkap: unit_tujuan"}.items() <= body[
        "reasons"
    ][-1].items()  # type: ignore[index]
    body = _problem(desk.client.get("/api/track/NOPE-NOPE-NOPE"), 404, "CaseNotFound")
    r = desk.client.post("/api/complaints", json={"data": {"judul": "x", "warna": "merah"}})
    _problem(r, 422, "InvalidCaseData")
    _problem(desk.client.post("/api/complaints", json={"nope": 1}), 400, "InvalidRequest")


def test_an_ethics_block_names_its_rule_and_is_recorded(desk: DeskUnderTest) -> None:
    case = desk.file()
    desk.to_response(case)
    body = _problem(
        desk.fire("dewi", case, "setujui_tanggapan", tanpa_imbalan=False), 403, "EthicsViolation"
    )
    assert body["rule"] == "KE-04"
    r = desk.client.get("/api/violations", headers=token("agus"))
    assert [(v["case_id"], v["rule"], v["severity"]) for v in r.json()] == [
        (case, "KE-04", "block")
    ]
    _problem(desk.client.get("/api/violations", headers=token("budi")), 403, "Forbidden")
    assert desk.client.get("/api/violations", headers=token("lain")).json() == []


def test_idempotency_key_and_if_match(desk: DeskUnderTest) -> None:
    case = desk.file()
    headers = {**token("siti"), "Idempotency-Key": "k-1"}
    url = f"/api/cases/{case}/events/verifikasi"
    first = desk.client.post(url, headers=headers, json={"data": {"klasifikasi": "pengaduan"}})
    again = desk.client.post(url, headers=headers, json={"data": {"klasifikasi": "pengaduan"}})
    assert first.status_code == again.status_code == 200
    assert first.headers["etag"] == again.headers["etag"] == '"2"'
    assert len(desk.engine.history(case)) == 2
    other = desk.client.post(url, headers=headers, json={"data": {"klasifikasi": "aspirasi"}})
    _problem(other, 422, "CommandIdReused")
    stale = desk.client.post(
        f"/api/cases/{case}/events/disposisi",
        headers={**token("siti"), "If-Match": '"1"'},
        json={"data": {"unit_tujuan": "dinas_pupr"}},
    )
    body = _problem(stale, 412, "VersionConflict")
    assert (body["expected"], body["actual"]) == (1, 2)
    fresh = desk.client.post(
        f"/api/cases/{case}/events/disposisi",
        headers={**token("siti"), "If-Match": '"2"'},
        json={"data": {"unit_tujuan": "dinas_pupr"}},
    )
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == '"3"'
    # filing twice with one key opens one case
    key = {"Idempotency-Key": "form-77"}
    body = {"data": {"judul": "Lampu jalan mati"}, "anonymous": True}
    a = desk.client.post("/api/complaints", json=body, headers=key).json()["tracking_id"]
    b = desk.client.post("/api/complaints", json=body, headers=key).json()["tracking_id"]
    assert a == b


def test_tokens_are_required_and_checked(desk: DeskUnderTest) -> None:
    r = desk.client.get("/api/queue")
    _problem(r, 401, "NotAuthenticated")
    assert r.headers["www-authenticate"].startswith("Bearer")
    _problem(
        desk.client.get("/api/queue", headers={"Authorization": "Bearer nope"}),
        401,
        "NotAuthenticated",
    )
    # a session cookie is not an API credential (so the API needs no CSRF token)
    desk.client.cookies.set("sop_session", "anything")
    _problem(desk.client.get("/api/queue"), 401, "NotAuthenticated")


def test_extend_and_declare(desk: DeskUnderTest) -> None:
    case = desk.file()
    desk.fire("siti", case, "verifikasi", klasifikasi="pengaduan")
    desk.fire("siti", case, "disposisi", unit_tujuan="dinas_pupr")
    before = {
        d["name"]: d
        for d in desk.client.get(f"/api/cases/{case}", headers=token("agus")).json()["deadlines"]
    }
    r = desk.client.post(
        f"/api/cases/{case}/deadlines/tindak_lanjut/extend",
        headers=token("agus"),
        json={"amount": 2, "reason": "menunggu survei lapangan"},
    )
    assert r.status_code == 200, r.text
    after = {d["name"]: d for d in r.json()["deadlines"]}
    assert after["tindak_lanjut"]["extensions"] == 1
    assert after["tindak_lanjut"]["due_at"] > before["tindak_lanjut"]["due_at"]
    _problem(
        desk.client.post(
            f"/api/cases/{case}/deadlines/tindak_lanjut/extend",
            headers=token("agus"),
            json={"amount": 30, "reason": "lagi"},
        ),
        409,
        "ExtensionRefused",
    )
    r = desk.client.post(
        f"/api/cases/{case}/declarations",
        headers=token("budi"),
        json={"conflict": False, "note": "tidak ada hubungan"},
    )
    assert r.status_code == 200
    assert r.json()["timeline"][-1]["event"] == "@declare"


def test_a_breach_escalates_on_the_simulated_clock(desk: DeskUnderTest) -> None:
    case = desk.file()
    desk.clock.advance(timedelta(days=10))
    desk.engine.sweep()
    item = next(
        i for i in desk.client.get("/api/queue", headers=token("siti")).json() if i["id"] == case
    )
    assert item["colour"] == "red"
    assert item["working_days_left"] < 0
    levels = {
        d["name"]: d["level"]
        for d in desk.client.get(f"/api/cases/{case}", headers=token("agus")).json()["deadlines"]
    }
    assert levels["verifikasi"] >= 1


def test_the_public_endpoints_are_rate_limited(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "rl.sqlite3")
    try:
        for d in make_desk(store, rate_limit=3):
            codes = [d.client.get("/api/track/NOPE").status_code for _ in range(4)]
            assert codes == [404, 404, 404, 429]
            # Open311 is public too: the same limit per client address
            assert d.client.get("/open311/v2/services.json").status_code == 429
            # officers' endpoints are not throttled by the public limit
            assert d.client.get("/api/queue", headers=token("siti")).status_code == 200
    finally:
        store.close()


def test_the_html_form_needs_its_csrf_token(desk: DeskUnderTest) -> None:
    form = {"judul": "Sampah menumpuk", "kronologi": "Tiga hari tidak diangkut", "anonymous": "on"}
    assert desk.client.post("/file", data=form).status_code == 403
    page = desk.client.get("/file")
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    r = desk.client.post("/file", data={**form, "_csrf_token": csrf.group(1)})
    assert r.status_code == 201, r.text
    tracking = re.search(r'id="tracking-id">([^<]+)<', r.text)
    assert tracking is not None
    assert desk.client.get(f"/api/track/{tracking.group(1)}").json()["state"] == "diterima"


def test_the_openapi_document_describes_the_api(desk: DeskUnderTest) -> None:
    doc = desk.client.get("/schema/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert "/api/complaints" in doc["paths"]
    assert "/api/cases/{case_id}/events/{event}" in doc["paths"]
    assert "ComplaintIn" in json.dumps(doc["components"])


def test_the_queue_never_shows_an_anonymous_reporters_name_to_a_unit_officer(
    desk: DeskUnderTest,
) -> None:
    """Regression: the queue built its titles from the raw snapshot, so a reporter who named
    himself in the title of an ``anonim`` complaint was named in the unit officer's queue."""
    case = desk.file(anonymous=True, pelapor="Ani Wijaya", judul="Ani Wijaya: jalan berlubang")
    for who, event, data in (
        ("siti", "verifikasi", {"klasifikasi": "pengaduan"}),
        ("siti", "disposisi", {"unit_tujuan": "dinas_pupr"}),
    ):
        assert desk.fire(who, case, event, **data).status_code == 200
    r = desk.client.get("/api/queue", headers=token("budi"))
    assert [i["id"] for i in r.json()] == [case]
    assert "Wijaya" not in r.text
    # a breach escalates; the supervisor's oversight page lists the case, without the name
    desk.clock.advance(timedelta(days=30))
    desk.engine.sweep()
    page = _signed_in(desk, "agus").get("/oversight")
    assert page.status_code == 200
    assert case in page.text
    assert "Wijaya" not in page.text


def _signed_in(desk: DeskUnderTest, who: str) -> Any:
    """The desk's client after signing ``who`` in on the login page (CSRF token included)."""
    page = desk.client.get("/login")
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    r = desk.client.post(
        "/login",
        data={"token": f"tok-{who}", "_csrf_token": csrf.group(1)},
        follow_redirects=False,
    )
    assert r.status_code in (302, 303), r.text
    return desk.client


def test_a_case_of_another_unit_is_refused_by_the_engines_read_api(desk: DeskUnderTest) -> None:
    """The desk asks the engine (Engine.view raises CaseNotVisible) rather than deciding alone:
    a unit officer's view of a case dispositioned elsewhere is refused by the engine itself."""
    from sop_engine import Actor, CaseNotVisible

    case = desk.file()
    for who, event, data in (
        ("siti", "verifikasi", {"klasifikasi": "pengaduan"}),
        ("siti", "disposisi", {"unit_tujuan": "dinas_kesehatan"}),
    ):
        assert desk.fire(who, case, event, **data).status_code == 200
    try:
        desk.engine.view(case, Actor("budi", "petugas_unit", "dinas_pupr"))
        raise AssertionError("the engine let another unit see the case")
    except CaseNotVisible:
        pass
    _problem(desk.client.get(f"/api/cases/{case}", headers=token("budi")), 404, "CaseNotFound")
    assert [i["id"] for i in desk.client.get("/api/queue", headers=token("rina")).json()] == [case]
    assert desk.client.get("/api/queue", headers=token("budi")).json() == []


def test_the_me_report_is_scoped_to_the_callers_agency_and_unit(desk: DeskUnderTest) -> None:
    pupr = desk.file()
    desk.to_response(pupr, "dinas_pupr")
    health = desk.file()
    desk.to_response(health, "dinas_kesehatan")
    march = "/api/report?from=2026-03-01&to=2026-04-01"

    def received(who: str, extra: str = "") -> Any:
        r = desk.client.get(march + extra, headers=token(who))
        assert r.status_code == 200, r.text
        return r.json()["unit"], r.json()["received"]["total"]

    assert received("siti") == (None, 2)  # oversight: the whole agency
    assert received("agus", "&unit=dinas_kesehatan") == ("dinas_kesehatan", 1)
    assert received("budi") == ("dinas_pupr", 1)  # a unit officer: his unit only
    assert received("budi", "&unit=dinas_kesehatan") == ("dinas_pupr", 1)  # whatever he asks
    assert received("lain") == (None, 0)  # another agency's admin
    _problem(desk.client.get(march, headers=token("dewi")), 403, "Forbidden")
    _problem(desk.client.get(march), 401, "NotAuthenticated")
    body = _problem(
        desk.client.get("/api/report?from=2026-04-01&to=2026-03-01", headers=token("siti")),
        400,
        "InvalidRequest",
    )
    assert "exclusive" in str(body["detail"])


def test_the_supervisors_page_shows_this_months_figures(desk: DeskUnderTest) -> None:
    case = desk.file()
    desk.to_response(case, "dinas_pupr")  # verification and follow-up decided on time
    late = desk.file()
    desk.clock.advance(timedelta(days=10))  # its verification deadline passes
    desk.engine.sweep()
    page = _signed_in(desk, "agus").get("/oversight")
    assert page.status_code == 200
    assert "Kinerja bulan ini" in page.text
    assert re.search(r'id="received">Pengaduan diterima: <strong>2</strong>', page.text)
    row = re.search(r"Verifikasi laporan[^<]*</th><td>(.*?)</td>", page.text)
    assert row is not None
    assert "50% tepat waktu (1 dari 2)" in row.group(1)
    assert late in page.text  # and the breach is listed below
    english = desk.client.get("/oversight?lang=en")
    assert "This month&#39;s performance" in english.text or "This month's" in english.text


def test_the_case_page_draws_the_sop_with_the_cases_path(desk: DeskUnderTest) -> None:
    pytest.importorskip("pygraphviz")
    case = desk.file(anonymous=True, pelapor="Ani Wijaya", judul="Ani Wijaya: jalan rusak")
    for who, event, data in (
        ("siti", "verifikasi", {"klasifikasi": "pengaduan"}),
        ("siti", "disposisi", {"unit_tujuan": "dinas_pupr"}),
    ):
        assert desk.fire(who, case, event, **data).status_code == 200
    page = _signed_in(desk, "budi").get(f"/cases/{case}")
    assert page.status_code == 200
    svg = re.search(r'<div class="diagram">(<svg.*?</svg>)', page.text, re.S)
    assert svg is not None
    assert "Terdisposisi" in svg.group(1)  # the SOP's state labels, in Indonesian
    assert "Wijaya" not in page.text
    # the engine refuses the drawing to an officer of another unit, as it refuses the case
    from sop_engine import Actor, CaseNotVisible, case_diagram

    with pytest.raises(CaseNotVisible):
        case_diagram(desk.engine, case, viewer=Actor("rina", "petugas_unit", "dinas_kesehatan"))
