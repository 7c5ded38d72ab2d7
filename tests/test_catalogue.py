"""The message catalogue (issue 16): current, complete in Indonesian, used by the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine._core.i18n import Msg, fill, format_datetime, gettext
from sop_engine._core.text import Text
from sop_engine.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_the_catalogues_and_compiled_files_are_current() -> None:
    """`make catalogues` was run after the last message change (.po extracted, .mo compiled)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "catalogues.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_message_has_an_indonesian_translation() -> None:
    from babel.messages.pofile import read_po

    po = ROOT / "src/sop_engine/locale/id/LC_MESSAGES/sop_engine.po"
    with po.open("rb") as f:
        untranslated = [m.id for m in read_po(f, locale="id") if m.id and not m.string]
    assert untranslated == []


def test_messages_render_their_values_in_the_same_language() -> None:
    inner = Msg("none (the case is closed)")
    assert gettext("Usage:", "id") == "Penggunaan:"
    assert fill("{a} / {b!r}", {"a": Text("satu", "one"), "b": "x"}, "en") == "one / 'x'"
    assert fill("{a} {missing}", {"a": inner}, "en") == "none (the case is closed) {missing}"
    assert str(Msg("Usage:")) == "Usage:"
    assert Msg("Usage:").render("id") == "Penggunaan:"


def test_dates_are_written_the_indonesian_way() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    friday = datetime(2026, 3, 6, 16, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert format_datetime(friday, "id") == "Jumat, 6 Maret 2026 16.00 WIB"
    assert format_datetime(friday.astimezone(ZoneInfo("Asia/Makassar")), "id").endswith("WITA")
    assert format_datetime(friday, "id", short=True) == "Jum 6 Mar 16.00"
    assert format_datetime(friday, "en").startswith("Friday, 6 March 2026 16:00")


@pytest.mark.parametrize(
    ("env", "args", "expected"),
    [
        ({"SOP_LANG": "en"}, [], "Usage:"),
        ({"SOP_LANG": "id"}, [], "Penggunaan:"),
        ({"SOP_LANG": "id"}, ["--lang", "en"], "Usage:"),
        ({"SOP_LANG": "", "LC_ALL": "en_US.UTF-8"}, [], "Usage:"),
        ({"SOP_LANG": "", "LC_ALL": "id_ID.UTF-8"}, [], "Penggunaan:"),
        ({"SOP_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}, [], "Penggunaan:"),
    ],
)
def test_the_language_comes_from_lang_then_sop_lang_then_the_locale(
    env: dict[str, str], args: list[str], expected: str
) -> None:
    result = CliRunner(env=env).invoke(main, ["lint", *args, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith(expected)


def test_click_errors_are_translated() -> None:
    result = CliRunner(env={"SOP_LANG": "id"}).invoke(main, ["lint"])
    assert result.exit_code == 2
    assert "Galat: Argumen belum diisi" in result.output
    assert "lint --help' untuk bantuan." in result.output


def test_a_message_with_a_context_keeps_both_indonesian_wordings() -> None:
    """One English id has one Indonesian; a context (`C_`, `pgettext`) lets the same English
    read differently where it must: a report's heading `Received` is *Pengaduan diterima*, the
    desk's field `Received` is *Diterima*. Both come from the one catalogue, in both files."""
    from babel.messages.pofile import read_po

    from sop_engine._core.i18n import pgettext
    from sop_engine._reports.texts import t

    assert t("r.received", "id") == "Pengaduan diterima"
    assert t("r.received", "en") == "Received"
    assert gettext("Received", "id") == "Diterima"
    assert pgettext("report", "Received", "id") == "Pengaduan diterima"
    assert pgettext("no such context", "Received", "en") == "Received"
    for lang in ("id", "en"):
        po = ROOT / f"src/sop_engine/locale/{lang}/LC_MESSAGES/sop_engine.po"
        with po.open("rb") as f:
            contexts = {(m.context, m.id) for m in read_po(f, locale=lang) if m.context}
        assert ("report", "Received") in contexts
        assert ("worker status", "due_timers") in contexts


def test_the_code_keeps_no_indonesian_english_pair_of_its_own() -> None:
    """Every text the package writes is a catalogue message: no `Text("indonesian", "english")`
    built from two literals in the code (a second table of pairs, beside the catalogue). A
    `Text` still carries both languages where a record needs them, made by `i18n.both`; the
    SOP's own labels (`Text.from_raw`) are the SOP author's words, not the package's."""
    import ast

    pairs = []
    for path in sorted((ROOT / "src" / "sop_engine").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Text"
                and len(node.args) == 2
                and all(isinstance(a, ast.Constant | ast.JoinedStr) for a in node.args)
                and path.name != "shape.py"  # ordinal(): a number's suffix, not a sentence
            ):
                pairs.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert pairs == [], pairs
