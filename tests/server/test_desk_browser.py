"""The desk's pages in a real browser: Debian's Chromium driven by Playwright, against the app
served by uvicorn on loopback, on a real SQLite file and a simulated clock.

Playwright cannot download its browsers here, so the test launches ``/usr/bin/chromium``
(installed by ``.ci/run``) headless with a fresh profile. Screenshots of the main pages go to
``test-artifacts/desk/`` (ignored by git) or ``$SOP_TEST_ARTIFACTS``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from sop_engine import Engine, SimulatedClock, SqliteStore
from test_language_coverage import content_words, foreign_words

from deskkit import AGENCY, LAPOR, OFFICERS, RESPONSE

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="DEBIAN CHROMIUM NOT INSTALLED (/usr/bin/chromium): the desk's pages are NOT tested "
    "in a browser; apt-get install chromium (.ci/run does)",
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, url: str, engine: Engine, clock: SimulatedClock) -> None:
        self.url = url
        self.engine = engine
        self.clock = clock


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    from datetime import UTC, datetime

    import uvicorn

    from sop_engine.server import DeskSettings, PrincipalBook, create_app, hash_token

    clock = SimulatedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    store = SqliteStore(tmp_path / "desk.sqlite3")
    engine = Engine(store=store, clock=clock)
    sop = engine.load(LAPOR)
    book = PrincipalBook(
        [(p, hash_token(f"tok-{n}")) for n, p in OFFICERS.items()], secret="browser-secret"
    )
    app = create_app(
        engine,
        book,
        settings=DeskSettings(secret="browser-secret", rate_limit=0, session_hours=24 * 30),
        sop_id=sop.id,
    )
    port = _port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", engine, clock)
    finally:
        server.should_exit = True
        thread.join(10)
        store.close()


def _artifacts() -> Path:
    out = Path(os.environ.get("SOP_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "desk"
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_reporter_officers_supervisor_and_another_unit_in_chromium(
    served: Served, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, sync_playwright

    shots = _artifacts()
    base = served.url
    content = content_words(LAPOR, "id") | {w.lower() for w in RESPONSE.split()}

    def login(page: Page, who: str) -> None:
        page.goto(f"{base}/login")
        page.fill("#token", f"tok-{who}")
        page.click("#login-submit")
        page.wait_for_url(f"{base}/queue")

    def fire(page: Page, event: str, **fields: str) -> None:
        form = page.locator(f"#event-{event}")
        for name, value in fields.items():
            control = form.locator(f"[name={name}]")
            if control.evaluate("e => e.tagName") == "SELECT":
                control.select_option(value)
            else:
                control.fill(value)
        # the page before the click may carry the last command's outcome: drop it first
        page.evaluate("document.querySelectorAll('#done, #error').forEach(e => e.remove())")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#done, #error")
        assert page.locator("#error").count() == 0, page.locator("#error").inner_text()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=ARGS,  # launch() gives every run a fresh, temporary profile
        )
        try:
            # -- a reporter files an anonymous complaint and tracks it -----------------------
            reporter = browser.new_page()
            reporter.goto(f"{base}/file")
            reporter.fill("#f-judul", "Jalan berlubang di depan sekolah")
            reporter.fill("#f-kronologi", "Lubang 20 cm, dua pengendara jatuh minggu ini.")
            reporter.fill("#f-lokasi", "Jl. Merdeka 10")
            reporter.fill("#f-reporter", "Ani Wijaya 0812")
            reporter.check("#f-anonymous")
            reporter.screenshot(path=str(shots / "01-file.png"), full_page=True)
            reporter.click("#file-submit")
            reporter.wait_for_selector("#tracking-id")
            tracking = reporter.inner_text("#tracking-id").strip()
            reporter.screenshot(path=str(shots / "02-filed.png"), full_page=True)
            reporter.goto(f"{base}/track?id={tracking}")
            assert "Belum Terverifikasi" in reporter.inner_text("#status")
            seen = reporter.inner_text("body")  # as the browser renders it, in Indonesian
            assert "Senin, 2 Maret 2026 08.00 WIB" in seen, seen
            assert "UTC" not in seen
            assert not foreign_words(seen, "id", content), seen
            assert "Ani Wijaya" not in reporter.content()

            # -- the admin verifies and dispositions ------------------------------------------
            admin = browser.new_context().new_page()
            login(admin, "siti")
            assert tracking in admin.inner_text("#queue")
            admin.screenshot(path=str(shots / "03-queue.png"), full_page=True)
            admin.click(f"text={tracking}")
            admin.wait_for_selector("#event-verifikasi")
            fire(admin, "verifikasi", klasifikasi="pengaduan")
            assert "Terverifikasi" in admin.inner_text("#state")
            fire(admin, "disposisi", unit_tujuan="dinas_pupr")
            assert "Terdisposisi" in admin.inner_text("#state")

            # -- the unit's officer follows up and drafts; the liaison approves ---------------
            officer = browser.new_context().new_page()
            login(officer, "budi")
            officer.goto(f"{base}/cases/{tracking}")
            assert "Ani Wijaya" not in officer.content()
            fire(officer, "tindak_lanjuti")
            fire(officer, "ajukan_tanggapan", tanggapan=RESPONSE)
            officer.screenshot(path=str(shots / "04-case-officer.png"), full_page=True)
            liaison = browser.new_context().new_page()
            login(liaison, "dewi")
            liaison.goto(f"{base}/cases/{tracking}")
            fire(liaison, "setujui_tanggapan", tanpa_imbalan="true")
            assert "Ditanggapi" in liaison.inner_text("#state")
            seen = liaison.inner_text("body")
            assert "Jumat, 27 Maret 2026 16.00 WIB" in seen, seen  # a deadline, in WIB
            assert not foreign_words(seen, "id", content), seen
            reporter.goto(f"{base}/track?id={tracking}")
            assert RESPONSE in reporter.inner_text(".response")
            reporter.screenshot(path=str(shots / "05-track-responded.png"), full_page=True)

            # -- an officer of another unit: 404 on the case, never the reporter's name ------
            other = browser.new_context().new_page()
            login(other, "rina")
            assert tracking not in other.content()
            response = other.goto(f"{base}/cases/{tracking}")
            assert response is not None
            assert response.status == 404
            assert other.locator("#missing").count() == 1
            response = other.goto(f"{base}/oversight")
            assert response is not None
            assert response.status == 403
            for url in (
                f"{base}/queue",
                f"{base}/cases/{tracking}",
                f"{base}/oversight",
                f"{base}/track?id={tracking}",
            ):
                other.goto(url)
                assert "Ani Wijaya" not in other.content(), url
            other.screenshot(path=str(shots / "06-other-unit-404.png"), full_page=True)

            # -- a supervisor sees a breach escalate on the simulated clock -------------------
            reporter.goto(f"{base}/file")
            reporter.fill("#f-judul", "Lampu jalan mati")
            reporter.fill("#f-kronologi", "Sudah dua minggu gelap.")
            reporter.fill("#f-lokasi", "Jl. Sudirman")
            reporter.click("#file-submit")
            reporter.wait_for_selector("#tracking-id")
            late = reporter.inner_text("#tracking-id").strip()
            supervisor = browser.new_context().new_page()
            login(supervisor, "agus")
            supervisor.goto(f"{base}/oversight")
            assert late not in supervisor.content()
            served.clock.advance(timedelta(days=10))
            served.engine.sweep()
            supervisor.goto(f"{base}/oversight")
            row = supervisor.locator("#breaches tr", has_text=late)
            assert row.count() == 1
            assert "red" in (row.get_attribute("class") or "")
            assert "eskalasi tingkat" in row.inner_text()
            supervisor.screenshot(path=str(shots / "07-oversight-breach.png"), full_page=True)
            supervisor.goto(f"{base}/oversight?lang=en")
            assert "escalation level" in supervisor.inner_text("#breaches")
        finally:
            browser.close()
    assert AGENCY
    assert sorted(x.name for x in shots.glob("*.png"))[:2] == ["01-file.png", "02-filed.png"]
