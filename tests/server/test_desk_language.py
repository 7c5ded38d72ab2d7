"""The desk's pages in one language (issue 16): every text from the package's catalogue, every
date and time through Babel in the agency's time zone, refusals in the reader's language.

Each page an officer or a reporter meets is rendered by the real app (a real SQLite file, a
simulated clock) in Bahasa Indonesia and in English, then read as a person reads it (tags
out); the same word check as ``tests/test_language_coverage.py`` fails on a word of the other
language, and an ISO or UTC stamp fails too (people read ``Senin, 2 Maret 2026 08.00 WIB``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sop_engine import SqliteStore
from test_language_coverage import _page_text, content_words, foreign_words

from deskkit import LAPOR, RESPONSE, DeskUnderTest, make_desk, token

ISO_STAMP = re.compile(r"\d{4}-\d\d-\d\d|\bUTC\b|\d\d:\d\d:\d\d")


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[DeskUnderTest]:
    store = SqliteStore(tmp_path / "desk.sqlite3")
    try:
        yield from make_desk(store)
    finally:
        store.close()


def _csrf(page: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _sign_in(desk: DeskUnderTest, who: str) -> None:
    page = desk.client.get("/login")
    r = desk.client.post(
        "/login",
        data={"token": f"tok-{who}", "_csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert r.status_code in (302, 303), r.text


def _pages(desk: DeskUnderTest, lang: str) -> dict[str, str]:
    """Every page of the desk with something on it, as its reader sees it, in ``lang``."""
    late = desk.file()  # left unverified: breached and escalated after ten days
    case = desk.file()
    desk.to_response(case)
    desk.clock.advance(timedelta(days=10))
    desk.engine.sweep()
    c = desk.client
    c.cookies.clear()
    q = f"lang={lang}"
    out: dict[str, Any] = {
        "file": c.get(f"/file?{q}"),
        "track": c.get(f"/track?id={case}&{q}"),
        "track (unknown)": c.get(f"/track?id=NOPE&{q}"),
        "login": c.get(f"/login?{q}"),
    }
    bad = c.post(f"/login?{q}", data={"token": "wrong", "_csrf_token": _csrf(out["login"].text)})
    out["login (bad token)"] = bad
    filed_wrong = c.post(f"/file?{q}", data={"_csrf_token": _csrf(out["file"].text)})
    out["file (refused)"] = filed_wrong
    _sign_in(desk, "siti")
    out["queue"] = c.get(f"/queue?{q}")
    out["case"] = c.get(f"/cases/{late}?{q}")
    refused = c.post(
        f"/cases/{late}/extend/verifikasi?{q}",
        data={"amount": "0", "reason": "", "_csrf_token": _csrf(out["case"].text)},
    )
    out["case (refused)"] = refused
    out["missing"] = c.get(f"/cases/NOPE?{q}")
    c.cookies.clear()
    _sign_in(desk, "agus")
    out["oversight"] = c.get(f"/oversight?{q}")
    c.cookies.clear()
    _sign_in(desk, "budi")
    out["forbidden"] = c.get(f"/oversight?{q}")
    return {name: _page_text(r.text) for name, r in out.items()}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_desk_page_is_in_one_language(desk: DeskUnderTest, lang: Any) -> None:
    """Form, tracking, sign-in, a wrong token, a refused complaint, queue, a case with its
    escalations, a refused extension, 404, oversight and 403, in ``lang``: no word of the
    other language (the SOP's own labels and values aside), no ISO or UTC stamp, and the
    dates as Babel writes them in WIB."""
    pages = _pages(desk, lang)
    content = content_words(LAPOR, lang) | {w.lower() for w in RESPONSE.split()}
    mixed = {
        name: words for name, text in pages.items() if (words := foreign_words(text, lang, content))
    }
    assert not mixed, mixed
    stamped = {
        name: ISO_STAMP.findall(text) for name, text in pages.items() if ISO_STAMP.search(text)
    }
    assert not stamped, stamped
    due = "Kamis, 5 Maret 2026 16.00 WIB" if lang == "id" else "Thursday, 5 March 2026 16:00 WIB"
    assert due in pages["case"], pages["case"]
    filed = "Senin, 2 Maret 2026 08.00 WIB" if lang == "id" else "Monday, 2 March 2026 08:00 WIB"
    assert filed in pages["track"]
    said = {
        "id": (
            "terlambat 5 hari kerja",
            "standar waktu terlampaui",
            "Perintah ditolak: batas waktu",
        ),
        "en": (
            "overdue by 5 working days",
            "service standard missed",
            "Command refused: cannot extend deadline",
        ),
    }[lang]
    assert said[0] in re.sub(r"\s+", " ", pages["queue"])
    assert said[1] in pages["case"]
    assert said[2] in pages["case (refused)"]
    assert ("Maret 2026" if lang == "id" else "March 2026") in pages["oversight"]


def test_an_api_refusal_says_its_detail_in_indonesian_too(desk: DeskUnderTest) -> None:
    """A refused command through the JSON API: `detail` stays English (RFC 9457), and
    `detail_id` carries the same message from the catalogue in Bahasa Indonesia."""
    case = desk.file()
    r = desk.fire("siti", case, "ajukan_tanggapan", tanggapan=RESPONSE)  # not in this state
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["error"] == "EventNotAllowed"
    assert body["detail_id"] != body["detail"]
    assert not foreign_words(body["detail_id"], "id"), body["detail_id"]
    assert not foreign_words(body["detail"], "en"), body["detail"]
    assert "tidak" in body["detail_id"], body["detail_id"]


@pytest.mark.parametrize(
    ("asked", "title"),
    [
        ({}, "Tidak dapat dilakukan sekarang"),  # the desk's default: Bahasa Indonesia
        ({"params": {"lang": "en"}}, "Not possible now"),
        ({"headers": {"Accept-Language": "en-GB,en;q=0.9"}}, "Not possible now"),
        (
            {"headers": {"Accept-Language": "id-ID,id;q=0.9,en;q=0.8"}},
            "Tidak dapat dilakukan sekarang",
        ),
    ],
)
def test_an_api_problem_titles_itself_in_the_requests_language(
    desk: DeskUnderTest, asked: dict[str, Any], title: str
) -> None:
    """Regression: every problem's `title` was one mixed string, "Tidak dapat dilakukan
    sekarang / Not possible now". The title is in the request's language (`?lang=`, the desk's
    cookie, `Accept-Language`); `type` and `error` stay the same for a program in every one."""
    case = desk.file()
    headers = {**token("siti"), **asked.get("headers", {})}
    r = desk.client.post(
        f"/api/cases/{case}/events/ajukan_tanggapan",
        headers=headers,
        params=asked.get("params", {}),
        json={"data": {"tanggapan": RESPONSE}},
    )
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["title"] == title
    assert body["type"] == "/problems/EventNotAllowed"
    assert body["error"] == "EventNotAllowed"


def test_an_unauthenticated_api_call_gets_its_title_in_english_when_asked(
    desk: DeskUnderTest,
) -> None:
    """The problems the server raises itself (no token, a bad request) speak the same way."""
    r = desk.client.get("/api/queue", params={"lang": "en"})
    assert r.status_code == 401, r.text
    assert r.json()["title"] == "Authentication required"
    r = desk.client.get("/api/queue")
    assert r.json()["title"] == "Perlu autentikasi"
    assert r.json()["type"] == "/problems/NotAuthenticated"
