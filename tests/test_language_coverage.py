"""Catalogue coverage (issue 16): what a policy officer reads is in one language, not a mix.

Everything a user meets is run in ``id`` and in ``en``: ``sop lint`` on every file of the
invalid-SOP corpus, every refusal the engine raises, ``sop demo``, ``sop test`` on the buggy
example and ``--help`` of every command. Two checks per language:

- **catalogue coverage**: no message looked up during the run is missing from the catalogue
  (:func:`sop_engine._core.i18n.missing`);
- **no words of the other language**: English words from :data:`ENGLISH` must not appear in the
  Indonesian output (and Indonesian words from :data:`INDONESIAN` not in the English). Text the
  user wrote is taken out first: quoted names and values, code in backquotes, command lines,
  option names, paths and the SOP's own labels, which are in whatever language the SOP uses.

This is what caught ``harus berupa a whole number, ditemukan text 'dua'``, ``in state
'koordinasi': instansi_koordinasi is empty``, ``Mon 02 Mar`` and YAML parser errors in English.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sop_engine._core import i18n
from sop_engine._core.text import Lang
from sop_engine.cli import main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "tests" / "corpus" / "invalid").glob("*.yaml"))
BUGGY = ROOT / "examples" / "buggy" / "sop.yaml"
SCENARIOS = ROOT / "src" / "sop_engine" / "_ops" / "demo_scenarios.yaml"

ENGLISH = frozenset(
    [
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "must",
        "should",
        "would",
        "could",
        "cannot",
        "can't",
        "never",
        "empty",
        "whole",
        "number",
        "found",
        "expected",
        "got",
        "happened",
        "with",
        "from",
        "of",
        "and",
        "or",
        "not",
        "but",
        "this",
        "that",
        "these",
        "which",
        "there",
        "here",
        "while",
        "when",
        "has",
        "have",
        "had",
        "did",
        "does",
        "you",
        "your",
        "mean",
        "only",
        "no",
        "yes",
        "none",
        "state",
        "event",
        "role",
        "field",
        "case",
        "cases",
        "file",
        "line",
        "column",
        "key",
        "value",
        "text",
        "list",
        "mapping",
        "nothing",
        "missing",
        "unknown",
        "allowed",
        "invalid",
        "refused",
        "failed",
        "error",
        "warning",
        "usage",
        "options",
        "show",
        "message",
        "exit",
        "help",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "scanning",
        "parsing",
        "mapping",
        "sequence",
        "scalar",
        "character",
        "indentation",
        # days off and the desk (issue 16, the sweep of wave 4)
        "national",
        "package",
        "estimate",
        "holiday",
        "overdue",
        "received",
        "escalated",
        "sign",
        "track",
    ]
)
INDONESIAN = frozenset(
    [
        "yang",
        "harus",
        "ditemukan",
        "tidak",
        "dengan",
        "atau",
        "belum",
        "sudah",
        "untuk",
        "pada",
        "dari",
        "berkas",
        "kunci",
        "nilai",
        "penggunaan",
        "galat",
        "bantuan",
        "pilihan",
        "perintah",
        "laporan",
        "kasus",
        "peristiwa",
        "peran",
        "senin",
        "selasa",
        "rabu",
        "kamis",
        "jumat",
        "sabtu",
        "minggu",
        "januari",
        "februari",
        "maret",
        "april",
        "mei",
        "juni",
        "juli",
        "agustus",
        "september",
        "oktober",
        "november",
        "desember",
    ]
)

_USER_TEXT = [
    re.compile(r"'[^'\n]*'"),  # quoted names and values: 'koordinasi'
    re.compile(r'"[^"\n]*"'),
    re.compile(r"`[^`\n]*`"),  # code
    re.compile(r"\{[^{}\n]*\}"),  # JSON payloads
    re.compile(r"(?m)^\s*(\$ )?sop [^\n]*$"),  # command lines to copy
    re.compile(r"\bpip install \S+"),  # a package to install: pip install sop-engine-x
    re.compile(r"(?<![\w-])--?[\w-]+"),  # options
    re.compile(r"\S*[/\\]\S*"),  # paths
    re.compile(r"\S+\.(yaml|json|toml|py|csv|xml|html)\b"),  # file names
    re.compile(r"\b\w+(?:\.\w+)+\b"),  # key paths in the file: when.case.berkadar_pengawasan
    re.compile(r"\b\w*_\w*\b"),  # snake_case identifiers of the SOP
    re.compile(r"\bSOP\d{3}|SIM\d{3}\b"),
    re.compile(r"\b[A-Z][A-Z_]+\b"),  # metavars (OPTIONS, PATH) and acronyms
]


def _strip(text: str) -> str:
    for pattern in _USER_TEXT:
        text = pattern.sub(" ", text)
    return text


def foreign_words(text: str, lang: Lang, content: frozenset[str] = frozenset()) -> list[str]:
    """The words of ``text`` that belong to the other language, user text and ``content`` aside.

    A word both languages write alike (``April``, ``September``) belongs to neither."""
    words = (ENGLISH - INDONESIAN) if lang == "id" else (INDONESIAN - ENGLISH)
    # letters glued to digits are an id or a hash (a case id `…911be0d…` held "be"), not a word
    found = re.findall(r"(?<![0-9A-Za-z])[A-Za-z]+(?![0-9A-Za-z])", _strip(text))
    return sorted({w for w in found if w.lower() in words and w.lower() not in content})


def test_a_hex_case_id_holds_no_foreign_word() -> None:
    """Random ids and tokens failed language checks at random: their letters read as English."""
    assert foreign_words("Laporan 8aaa83e331874911be0d3242d651fba6", "id") == []
    assert foreign_words("token: EAYOee8zzu1y4ooRF7IXJmPQH8mQqt86hV90yo87JUI", "id") == []
    assert foreign_words("Laporan be diterima", "id") == ["be"]


def content_words(path: Path, lang: Lang) -> frozenset[str]:
    """The words of the texts a file gives (an SOP's labels, the demo's complaints) in ``lang``.

    A bilingual text ``{id: ..., en: ...}`` gives its ``lang`` side (the other side when it has
    only one); a plain text counts as written in whatever language it is, so it may appear.
    """
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    out: set[str] = set()

    def words(text: object) -> list[str]:
        return re.findall(r"[a-z]+", str(text).lower())

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if (
                node
                and set(node) <= {"id", "en"}
                and all(isinstance(v, str) for v in node.values())
            ):
                out.update(words(node.get(lang) or next(iter(node.values()))))
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            out.update(words(node))

    walk(data)
    return frozenset(out)


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, (*path, name))


def _run(args: list[str], lang: Lang) -> str:
    """``sop ARGS`` in ``lang`` (``--lang`` for commands, ``SOP_LANG`` for ``--help`` of groups)."""
    argv = args if "--help" in args else [*args, "--lang", lang]
    result = CliRunner(env={"SOP_LANG": lang, "COLUMNS": "200"}).invoke(main, argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "\nError: " not in result.output, (
        result.output
    )  # a usage error is not the test's subject
    assert "\nGalat: " not in result.output, result.output
    return result.output


@pytest.fixture(autouse=True)
def _fresh_misses() -> None:
    i18n._missing.clear()  # each test answers for the lookups of its own run


def _check(outputs: dict[str, str], lang: Lang, content: frozenset[str] = frozenset()) -> None:
    missing = sorted(m for (lng, m) in i18n.missing() if lng == lang)
    mixed = {
        where: words
        for where, text in outputs.items()
        if (words := foreign_words(text, lang, content))
    }
    assert not missing, f"not in the {lang} catalogue: {missing}"
    assert not mixed, "\n".join(
        f"{where}: {words}\n    {outputs[where][:2000]}" for where, words in mixed.items()
    )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_help_is_in_one_language(lang: Lang) -> None:
    commands = list(_commands(main))
    names = {word for path in commands for name in path for word in name.split("-")}
    for path in commands:  # choice values are code too: --format [text|json]
        command = main
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        for param in command.params:
            if isinstance(param.type, click.Choice):
                names.update(str(c) for c in param.type.choices)
    names |= {"id", "role", "agency", "unit"}  # the keys of a [[principal]] TOML entry
    outputs = {" ".join(p) or "sop": _run([*p, "--help"], lang) for p in commands}
    _check(outputs, lang, frozenset(names))  # command names are code: `sop case`, `sop test`


# Corpus files whose findings still mix languages, as strict xfails (fixing one turns it into a
# failure that asks for its removal here). Empty since the checks of fields, deadlines, ethics and
# guard parameters speak through the catalogue; the list only shrinks.
KNOWN_MIXED_ID: frozenset[str] = frozenset()
KNOWN_MIXED_EN: frozenset[str] = frozenset()


def _corpus_cases() -> Iterator[object]:
    for lang, known in (("id", KNOWN_MIXED_ID), ("en", KNOWN_MIXED_EN)):
        for path in CORPUS:
            marks = (
                [pytest.mark.xfail(strict=True, reason="known mixed text")]
                if path.name in known
                else []
            )
            yield pytest.param(lang, path, id=f"{lang}-{path.stem}", marks=marks)


@pytest.mark.parametrize(("lang", "path"), list(_corpus_cases()))
def test_lint_findings_of_the_invalid_corpus_are_in_one_language(lang: Lang, path: Path) -> None:
    _check({path.name: _run(["lint", str(path)], lang)}, lang)


def test_the_defects_reported_in_the_issue_are_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The four mixed texts of issue 16, each where a policy officer met it."""
    corpus = ROOT / "tests" / "corpus" / "invalid"
    wrong_type = _run(["lint", str(corpus / "guard_param_schema_type.yaml")], "id")
    assert "harus berupa bilangan bulat, ditemukan teks 'dua'" in wrong_type
    tab = _run(["lint", str(corpus / "tab_indentation.yaml")], "id")
    assert "karakter tab dipakai untuk indentasi" in tab
    assert "while scanning" not in tab
    demo = _run(["demo", "--memory"], "id")
    assert "Sen 2 Mar 08.00" in demo
    assert "Mon 02 Mar" not in demo
    monkeypatch.chdir(tmp_path)  # sop test saves the failing scenario in the working directory
    tested = _run(["test", str(BUGGY), "--seed", "1", "--max-examples", "100"], "id")
    # an invariant failure names the state and the empty field in Indonesian (was "is empty")
    assert re.search(r"pada status '\w+': \w+ kosong", tested), tested
    assert "is empty" not in tested
    assert "is empty" not in tested


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_demo_is_in_one_language(lang: Lang) -> None:
    from sop_engine._ops.examples import example_path

    with example_path("lapor") as sop:
        content = content_words(sop, lang)
    if lang == "en":  # the complaints and officers' notes of the demo are Indonesian citizens'
        content |= content_words(SCENARIOS, lang)
    out = _run(["demo", "--memory"], lang)
    _check({"demo": out}, lang, content)
    if lang == "id":  # a refusal's kind in words, not the Python class (`GuardRejected: ...`)
        assert not re.findall(r"\b[A-Z][a-z]+[A-Z]\w*:", out), out
        assert "syarat tidak terpenuhi:" in out
        assert "peran tidak berwenang:" in re.sub(r"[│\s]+", " ", out)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_lint_of_a_file_it_cannot_read_is_in_one_language(lang: Lang, tmp_path: Path) -> None:
    """The operating system's reason (Python's `strerror`: `No such file or directory`) was
    English inside the Indonesian finding; it comes from the catalogue now."""
    out = _run(["lint", str(tmp_path / "tidak-ada.yaml"), str(tmp_path)], lang)
    said = {
        "id": ("berkas atau direktori tidak ada", "itu direktori, bukan berkas"),
        "en": ("no such file or directory", "it is a directory, not a file"),
    }[lang]
    for text in said:
        assert text in out, out
    assert "No such file" not in out
    _check({"lint": out}, lang)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sop_test_on_the_buggy_example_is_in_one_language(
    lang: Lang, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = _run(["test", str(BUGGY), "--seed", "1", "--max-examples", "100"], lang)
    _check({"sop test": out}, lang, content_words(BUGGY, lang))


# -- refusals and errors of the library ----------------------------------------------------------


def _refusals() -> dict[str, Exception]:
    """Every refusal type the engine raises, each met on a real (in-memory) engine with the
    LAPOR! SOP, and every hostile argument of issue 18, and the calendar's edge."""
    import tempfile
    from datetime import UTC, datetime

    from sop_engine import Actor, Engine, Registry, SimulatedClock, SopError, Text
    from sop_engine._core.calendar import indonesia
    from sop_engine._core.errors import CommandIdTaken, IntakeRejected
    from sop_engine._persistence.readonly import open_readonly
    from test_robust_input import HOSTILE

    from conftest import ADMIN, COMPLETE, LAPOR, OFFICER, OTHER_OFFICER

    supervisor = Actor("pak-kabid", "atasan")
    tmp = tempfile.mkdtemp()
    not_a_db = Path(tmp) / "bukan.db"
    not_a_db.write_bytes(b"bukan basis data " * 100)
    clock = SimulatedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    engine = Engine(clock=clock)
    engine.load(LAPOR)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c0")
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1", command_id="k1")
    engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire("c1", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    incomplete = {k: v for k, v in COMPLETE.items() if k != "lokasi"}
    engine.start("lapor-upp", incomplete, ADMIN, case_id="c2")
    attempts = {
        "unknown SOP": lambda: engine.start("tidak-ada", COMPLETE, ADMIN),
        "unknown case": lambda: engine.get("c404"),
        "unknown event": lambda: engine.fire("c0", "terbang", ADMIN),
        "event not allowed": lambda: engine.fire("c0", "tindak_lanjuti", OFFICER),
        "role may not open": lambda: engine.start("lapor-upp", COMPLETE, OFFICER),
        "role may not fire": lambda: engine.fire("c0", "verifikasi", OFFICER, {}),
        "guard": lambda: engine.fire("c2", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}),
        "guard of another unit": lambda: engine.fire("c1", "tindak_lanjuti", OTHER_OFFICER),
        "event data: enum": lambda: engine.fire("c0", "verifikasi", ADMIN, {"klasifikasi": "x"}),
        "event data: unknown name": lambda: engine.fire(
            "c0", "verifikasi", ADMIN, {"klasifikasi": "pengaduan", "urgensi": 1}
        ),
        "event data: bool": lambda: engine.fire(
            "c0", "verifikasi", ADMIN, {"klasifikasi": "pengaduan", "berkadar_pengawasan": "ya"}
        ),
        "case data": lambda: engine.start("lapor-upp", {**COMPLETE, "judul": 5}, ADMIN),
        "case data missing": lambda: engine.start("lapor-upp", {}, ADMIN),
        "version conflict": lambda: engine.fire(
            "c0", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}, expected_version=7
        ),
        "command id reused": lambda: engine.start(
            "lapor-upp", {**COMPLETE, "judul": "lain"}, ADMIN, command_id="k1"
        ),
        "extension: not running": lambda: engine.extend("c0", "tidak_ada", supervisor, 1, "a"),
        "extension: cap": lambda: engine.extend("c1", "tindak_lanjut", supervisor, 80, "a"),
        "extension: no reason": lambda: engine.extend("c1", "tindak_lanjut", supervisor, 1, " "),
        "extension: once": lambda: engine.extend("c1", "penyelesaian", supervisor, 1, "a"),
        "migration: same version": lambda: engine.migrate(
            "c0", engine.get("c0").sop_hash, ADMIN, reason="a"
        ),
        "not visible": lambda: engine.view("c1", OTHER_OFFICER),
        "calendar: past its years": lambda: indonesia().due(
            datetime(2050, 12, 1, tzinfo=UTC), 60, "working_days"
        ),
        "calendar: no office hours": lambda: indonesia().due(
            datetime(2026, 3, 2, tzinfo=UTC), 1, "working_hours"
        ),
        "calendar: naive time": lambda: indonesia().due(datetime(2026, 3, 2), 1, "working_days"),
        "calendar: zone": lambda: indonesia(zone="Asia/Bandung"),
        "store: no file": lambda: open_readonly(Path(tmp) / "tidak-ada.db"),
        "store: not SQLite": lambda: open_readonly(not_a_db),
        "plugin: nothing registered": lambda: Registry().intake("tidak_ada", {}),
        "plugin: bad configuration": lambda: Registry().intake("lapor.web", {"x": 1}),
    }
    # raised only by a store in a race or by a channel's own parser: met as they are raised
    direct: dict[str, Exception] = {
        "command id taken": CommandIdTaken("k1", "c1"),
        "intake rejected": IntakeRejected(
            "lapor.sms", Text("format SMS tidak dikenali", "unrecognised SMS format")
        ),
    }
    engine_hostile = {f"argument: {name}": fn for name, fn in HOSTILE.items()}
    out: dict[str, Exception] = dict(direct)
    for name, attempt in attempts.items():
        try:
            attempt()
        except (SopError, ValueError) as e:
            out[name] = e
        else:
            raise AssertionError(f"{name}: was not refused")
    for name, hostile in engine_hostile.items():
        try:
            hostile(engine)
        except SopError as e:
            out[name] = e
        else:
            raise AssertionError(f"{name}: was not refused")
    return out


def _said(error: Exception, lang: Lang) -> str:
    from sop_engine import SopError

    if isinstance(error, SopError):
        return error.message(lang)
    return i18n.render(i18n.reason_of(error), lang)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_refusal_and_argument_error_is_in_one_language(lang: Lang) -> None:
    """Every refusal type, every hostile argument of issue 18 and the calendar's errors, said
    in ``lang``: nothing missing from the catalogue, no word of the other language (guard and
    ethics reasons are the SOP's or the plugin's bilingual texts, in their ``lang`` side)."""
    from sop_engine import (
        CaseNotFound,
        CaseNotVisible,
        CommandIdReused,
        EventNotAllowed,
        ExtensionRefused,
        GuardRejected,
        InvalidArgument,
        InvalidCaseData,
        InvalidEventData,
        MigrationRefused,
        PluginError,
        RoleNotPermitted,
        StoreUnavailable,
        UnknownEvent,
        UnknownSop,
        VersionConflict,
    )
    from sop_engine._core.calendar import CalendarExhausted
    from sop_engine._core.errors import CommandIdTaken, IntakeRejected
    from sop_engine._ops.examples import example_path

    errors = _refusals()
    kinds = {type(e) for e in errors.values()}
    assert {
        CaseNotFound,
        CaseNotVisible,
        CommandIdReused,
        EventNotAllowed,
        ExtensionRefused,
        GuardRejected,
        InvalidArgument,
        InvalidCaseData,
        InvalidEventData,
        MigrationRefused,
        RoleNotPermitted,
        UnknownEvent,
        UnknownSop,
        VersionConflict,
        CalendarExhausted,
        StoreUnavailable,
        PluginError,
        CommandIdTaken,
        IntakeRejected,
    } <= kinds
    with example_path("lapor") as sop:
        content = content_words(sop, lang)
    said = {name: _said(e, lang) for name, e in errors.items()}
    _check(said, lang, content)
    if lang == "id":  # the Indonesian is really there, not the English passed through
        for name, text in said.items():
            assert text != str(errors[name]) or not re.search(r"[a-z]{4,}", text), (name, text)


def test_the_cli_says_a_library_error_in_the_chosen_language(tmp_path: Path) -> None:
    """`sop` prints a library error (here the calendar's edge) in the chosen language."""
    said = {
        lang: CliRunner(env={"SOP_LANG": lang}).invoke(main, ["calendar", "holidays", "2099"])
        for lang in ("id", "en")
    }
    assert said["id"].exit_code == said["en"].exit_code == 2  # a year it does not cover: usage
    assert "kalender 'ID' mencakup tahun 2020-2050, tidak termasuk 2099" in said["id"].output
    assert "calendar 'ID' covers 2020-2050, not 2099" in said["en"].output
    past = {
        lang: CliRunner(env={"SOP_LANG": lang}).invoke(
            main, ["calendar", "due", "2050-12-02", "60"]
        )
        for lang in ("id", "en")
    }
    assert "melewati cakupannya" in past["id"].output, past["id"].output
    assert "goes past it" in past["en"].output, past["en"].output
    _check({"id": past["id"].output, "hol": said["id"].output}, "id")
    _check({"en": past["en"].output, "hol": said["en"].output}, "en")


# -- the integrity checks: sop store check, sop audit verify --checkpoint --------------------------


@pytest.fixture(scope="module")
def tampered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A SQLite store an insider changed after a signed checkpoint: a snapshot edited (c4), a
    trail truncated (c2), a reporter's personal data edited (c1), a running clock's timers
    deleted (c3), a case row deleted leaving its trail (c5). ``(store, checkpoint, pubkey)``."""
    import sqlite3
    from datetime import UTC, datetime

    from sop_engine import Engine, SimulatedClock
    from sop_engine._persistence.sqlite import SqliteStore

    from conftest import ADMIN, COMPLETE, LAPOR, full_workflow

    tmp = tmp_path_factory.mktemp("tampered")
    path = tmp / "s.sqlite3"
    clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    engine.load(LAPOR)
    full_workflow(engine, "c1")
    full_workflow(engine, "c2")
    for case_id in ("c3", "c5"):
        engine.start("lapor-upp", COMPLETE, ADMIN, case_id=case_id)
        engine.fire(case_id, "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c4")
    engine.store.close()  # type: ignore[attr-defined]
    key = tmp / "auditor.key"
    runner = CliRunner(env={"SOP_LANG": "en"})
    assert runner.invoke(main, ["audit", "keygen", "-o", str(key)]).exit_code == 0
    checkpoint = tmp / "cp.json"
    taken = runner.invoke(
        main, ["audit", "checkpoint", "--db", str(path), "--key", str(key), "-o", str(checkpoint)]
    )
    assert taken.exit_code == 0, taken.output
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys=OFF")
    for (trigger,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    ).fetchall():
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute(
        "UPDATE cases SET snapshot = json_set(snapshot, '$.data.kanal', 'surat') WHERE id = 'c4'"
    )
    db.execute(
        "DELETE FROM events WHERE case_id = 'c2' AND seq = (SELECT max(seq) FROM events "
        "WHERE case_id = 'c2')"
    )
    db.execute("UPDATE personal_data SET value = '\"Orang Lain\"' WHERE case_id = 'c1'")
    db.execute("DELETE FROM timers WHERE key LIKE 'c3/%'")
    db.execute("DELETE FROM cases WHERE id = 'c5'")
    db.commit()
    db.close()
    return path, checkpoint, Path(f"{key}.pub")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_store_check_and_audit_verify_speak_one_language(
    lang: Lang, tampered: tuple[Path, Path, Path]
) -> None:
    """Issue 16 for the integrity checks: every problem, line and summary of `sop store check`
    and `sop audit verify --checkpoint` on a tampered store is in the chosen language."""
    path, checkpoint, pub = tampered
    outputs = {}
    for name, args in {
        "store check": ["store", "check", "--db", str(path)],
        "audit verify": [
            "audit",
            "verify",
            "--db",
            str(path),
            "--checkpoint",
            str(checkpoint),
            "--pubkey",
            str(pub),
        ],
    }.items():
        result = CliRunner(env={"SOP_LANG": "en" if lang == "id" else "id"}).invoke(
            main,
            [*args, "--lang", lang],  # --lang wins over SOP_LANG
        )
        assert result.exit_code == 1, result.output  # findings, not an environment error
        assert "Traceback" not in result.output
        outputs[name] = result.output
    said = "\n".join(outputs.values())
    for case_id in ("c1", "c2", "c3", "c4", "c5"):
        assert f"{case_id}:" in said or f" {case_id} " in said, (case_id, said)
    if lang == "id":
        assert "jejak yatim" in outputs["store check"]
        assert "snapshot berbeda dari kasus hasil pemutaran ulang" in outputs["store check"]
        assert "tidak akan pernah berbunyi" in outputs["store check"]
        assert "data pribadinya berbeda dari yang dilihat titik periksa" in outputs["audit verify"]
        assert "masalah pada" in outputs["audit verify"]
    else:
        assert "an orphaned trail" in outputs["store check"]
        assert "its personal data differs from what the checkpoint saw" in outputs["audit verify"]
    _check(outputs, lang)
    doc = CliRunner().invoke(
        main, ["store", "check", "--db", str(path), "--format", "json", "--lang", lang]
    )
    whats = [p["what"] for p in json.loads(doc.output)["problems"]]
    assert whats
    _check({"json": "\n".join(whats)}, lang)


# -- what the engine writes for people: reports, simulations, notifications, the desk ------------


def _page_text(page: str) -> str:
    """The words a reader sees on an HTML page (scripts, styles and tags taken out)."""
    import html

    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def month_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A month of LAPOR! complaints in a real SQLite file (tests/reports_fixture.py)."""
    from reports_fixture import build
    from sop_engine import Registry

    path = tmp_path_factory.mktemp("lang") / "month.db"
    engine = build(path, Registry())
    engine.store.close()  # type: ignore[attr-defined]
    return path


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_monthly_report_is_in_one_language(lang: Lang, month_db: Path) -> None:
    """`sop report` (HTML, the format supervisors open) over a real month, in ``lang``."""
    from sop_engine._ops.examples import example_path

    period = ["--from", "2026-03-01", "--to", "2026-04-01", "--now", "2026-04-01T01:00:00"]
    page = _run(["report", "--db", str(month_db), *period, "--format", "html"], lang)
    assert "<html" in page
    with example_path("lapor") as sop:
        content = content_words(sop, lang)
    text = _page_text(page)
    assert ("Maret 2026" if lang == "id" else "March 2026") in text
    _check({"sop report": text}, lang, content)
    if lang == "id":  # the tables' headings were the JSON keys; the charts' labels 57.1
        assert not re.findall(r"\b(by_\w+|rule|flag|block)\b", text), text
        assert not re.search(r"<text[^>]*>\d+\.\d</text>|>\s*\d+\.\d\s*<", page), "57.1"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_operators_summaries_are_in_one_language(lang: Lang, month_db: Path) -> None:
    """`sop store check`, `sop audit verify`, `sop plugins` and `sop outbox list` on a real
    store: their summaries were English in Indonesian mode (`every audit chain is intact`,
    `guards:`, `pending 3, retrying 0`)."""
    runner = CliRunner(env={"SOP_LANG": lang, "COLUMNS": "200"})
    outputs = {}
    for args in (
        ["store", "check", "--db", str(month_db)],
        ["audit", "verify", "--db", str(month_db)],
        ["plugins"],
        ["outbox", "list", "--db", str(month_db)],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        outputs[" ".join(args[:2])] = result.output.replace(str(month_db), "DB")
    _check(outputs, lang)
    said = {
        "id": ("setiap rantai jejak audit utuh", "kasus diputar ulang", "aksi:", "menunggu "),
        "en": ("every audit chain is intact", "case(s) replayed", "actions:", "pending "),
    }[lang]
    for text in said:
        assert text in "".join(outputs.values()), text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sop_simulate_is_in_one_language(lang: Lang) -> None:
    """`sop simulate` as a table and as HTML, one replication of the LAPOR! scenario."""
    from sop_engine._ops.examples import example_path

    scenario = ROOT / "examples" / "lapor" / "scenario.yaml"
    base = ["simulate", "--no-progress", str(ROOT / "examples" / "lapor" / "sop.yaml")]
    base += ["--scenario", str(scenario), "--replications", "1"]
    table = _run([*base, "--format", "table"], lang)
    page = _page_text(_run([*base, "--format", "html"], lang))
    with example_path("lapor") as sop:
        content = content_words(sop, lang) | content_words(scenario, lang)
    assert len(table.splitlines()) > 5
    if lang == "id":  # numbers as Indonesians write them; identifiers said in words
        cells = "\n".join(line for line in table.splitlines() if line.startswith("│"))
        assert re.search(r"\d,\d", cells), cells
        assert not re.search(r"\b\d+\.\d{1,2}\b", cells), cells
        for code in ("@breach", "@escalate", "@remind", "blocked", "flagged", "GuardRejected"):
            assert code not in table, code
    _check({"simulate table": table, "simulate html": page}, lang, content)


def test_the_notifications_the_engine_sends_are_indonesian() -> None:
    """Reminder, breach and escalation e-mails of cases left unverified for two weeks, rendered
    by the SMTP plugin's templates (Indonesian: officers of an Indonesian agency read them)."""
    from datetime import UTC, datetime, timedelta

    from sop_engine import Engine, SimulatedClock
    from sop_engine_smtp.templates import render as render_mail

    from conftest import ADMIN, COMPLETE, LAPOR

    clock = SimulatedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    engine = Engine(clock=clock)
    engine.load(LAPOR)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    for _ in range(14):
        clock.advance(timedelta(days=1))
        engine.sweep()
    notes = engine.store.pending_notifications(100)
    assert {"reminder", "breach", "escalation"} <= {n.kind for n in notes}
    mails = {}
    for n in notes:
        subject, body = render_mail(n, instansi="Dinas Contoh")
        mails[f"{n.kind} {n.key}"] = f"{subject}\n{body}"
    assert any("WIB" in m and "Maret 2026" in m for m in mails.values())
    _check(mails, "id")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sop_calendar_holidays_is_in_one_language(lang: Lang) -> None:
    """`sop calendar holidays` says each day off's kind and source in ``lang`` (they were the
    identifier `national` and `holidays package (SKB 3 Menteri)` in Indonesian too); the names
    are the decrees' own. 2030 holds the package's estimates, which say so."""
    from sop_engine._core.calendar import indonesia

    outputs = {
        f"calendar holidays {y}": _run(["calendar", "holidays", str(y)], lang) for y in (2027, 2030)
    }
    names = " ".join(d.name for y in (2027, 2030) for d in indonesia().holidays(y))
    content = frozenset(re.findall(r"[a-z]+", names.lower()))
    _check(outputs, lang, content)
    said = {
        "id": ("libur nasional", "cuti bersama", "perkiraan"),
        "en": ("national holiday", "joint leave", "estimate"),
    }
    for text in said[lang]:
        assert text in "".join(outputs.values()), text


def test_every_desk_text_has_its_indonesian_in_the_catalogue() -> None:
    """The desk's texts are message ids of the package's catalogue (no table of their own):
    each has an Indonesian translation in the shipped catalogue that is not the English
    (``Status`` is the same word in both). Its pages in both languages:
    tests/server/test_desk_language.py."""
    from sop_engine.server import texts

    same = {"Status"}
    ids = [*texts.TEXTS.values(), *texts.STATUSES.values(), *texts.SYSTEM_EVENTS.values()]
    missing = [m for m in ids if not texts.translated("id", m)]
    assert not missing, f"not in the id catalogue (add them to tools/translations): {missing}"
    untranslated = [m for m in ids if texts.say("id", m) == m and m not in same]
    assert not untranslated, untranslated
    indonesian = {m: texts.say("id", m) for m in ids}
    mixed = {m: w for m, said in indonesian.items() if (w := foreign_words(said, "id"))}
    assert not mixed, mixed
    english = {m: w for m in ids if (w := foreign_words(m, "en"))}
    assert not english, english


# -- the JSON Schemas an editor shows: descriptions in both languages ------------------------------


def _descriptions(schema: object) -> list[str]:
    from sop_engine._compile.loading import schema_descriptions

    return sorted(schema_descriptions(schema))


def test_the_indonesian_schemas_describe_everything_in_indonesian() -> None:
    """`sop schema --lang id` (docs/sop.schema.id.json) and the scenario schema's Indonesian
    twin: the same schema, every description from the catalogue or the plugin's Indonesian
    text, no English words; the published files are current (`make docs`)."""
    import json

    from sop_engine import Registry, sop_schema
    from sop_engine._simulate.scenario import SCENARIO_SCHEMA, scenario_schema

    core = Registry(load_entry_points=False)
    pairs = {
        "sop": (sop_schema(core), sop_schema(core, lang="id")),
        "scenario": (SCENARIO_SCHEMA, scenario_schema("id")),
    }
    for name, (en, id_) in pairs.items():
        published = json.loads((ROOT / "docs" / f"{name}.schema.id.json").read_text("utf-8"))
        assert published == id_, f"run `make docs` to refresh docs/{name}.schema.id.json"
        assert id_["$id"].endswith(f"/{name}.schema.id.json")
        strip = lambda s: {k: v for k, v in s.items() if k != "$id"}  # noqa: E731
        same_shape = json.dumps(strip(en)).count('"description"')
        assert json.dumps(strip(id_)).count('"description"') == same_shape
        english, indonesian = _descriptions(en), _descriptions(id_)
        assert len(indonesian) >= len(english) - 2  # two English texts may share a translation
        untranslated = set(english) & set(indonesian) - {"Bahasa Indonesia"}
        assert not untranslated, untranslated
        _check({f"{name} schema": "\n".join(indonesian)}, "id")
        _check({f"{name} schema": "\n".join(english)}, "en")


def test_sop_init_in_indonesian_writes_the_indonesian_schema(tmp_path: Path) -> None:
    """An officer who runs `sop init --lang id` gets hover texts in Indonesian: the schema
    written beside the SOP (the file its first line names) is the Indonesian one."""
    import json

    out = _run(["init", str(tmp_path / "id")], "id")
    assert "sop.yaml" in out
    schema = json.loads((tmp_path / "id" / "sop.schema.json").read_text("utf-8"))
    assert schema["description"].startswith("SOP (standar operasional prosedur)")
    first = (tmp_path / "id" / "sop.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=sop.schema.json"
    _run(["init", str(tmp_path / "en")], "en")
    english = json.loads((tmp_path / "en" / "sop.schema.json").read_text("utf-8"))
    assert english["description"].startswith("A complaint-handling SOP")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sop_case_show_is_in_one_language_with_babel_dates(lang: Lang, month_db: Path) -> None:
    """`sop case show` explains a case's deadlines: dates as an officer reads them (Babel:
    `Jumat, 27 Maret 2026 16.00 WIB`), never `2026-03-27 16:00`, and one language."""
    from sop_engine._core.calendar import indonesia
    from sop_engine._ops.examples import example_path

    out = _run(["case", "show", "--db", str(month_db), "D", "--now", "2026-04-01T01:00:00"], lang)
    due = "Jumat, 27 Maret 2026 16.00 WIB" if lang == "id" else "Friday, March 27, 2026"
    assert due in out or "Friday, 27 March 2026 16:00" in out, out
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", out), out  # no ISO stamps for people
    assert not re.search(r"@(start|remind|breach|escalate|extend)\b", out), out  # said in words
    with example_path("lapor") as sop:
        content = content_words(sop, lang)
    holidays = " ".join(d.name for d in indonesia().holidays(2026))  # the decrees' own names
    content |= frozenset(re.findall(r"[a-z]+", holidays.lower()))
    _check({"sop case show": out}, lang, content)


# -- the last texts that kept their own id/en pairs (lang5): diagrams, worker status ------------


_MERMAID = re.compile(
    r"(?m)^\s*(stateDiagram-v2|direction \w+|classDef .*|class .*|note (right|left) of \S+"
    r"|end note|---|title:|state(?= \"))"
)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sop_diagram_of_a_case_is_in_one_language(lang: Lang, month_db: Path) -> None:
    """`sop diagram` of a case (its path, its deadlines coloured by status) and of the SOP:
    the reports layer's words (`awal`, `menunggu pihak luar`, `jika`, the deadline statuses)
    come from the catalogue since they left `_reports/texts.py`'s own id/en table."""
    from sop_engine._ops.examples import example_path

    with example_path("lapor") as sop:
        content = content_words(sop, lang)
        plain = _run(["diagram", str(sop)], lang)
    case = _run(["diagram", "--db", str(month_db), "--case", "D", "--now", "2026-04-01"], lang)
    outputs = {
        "sop diagram": _MERMAID.sub(" ", plain),
        "sop diagram --case": _MERMAID.sub(" ", case),
    }
    said = {
        "id": ("(awal)", "(menunggu pihak luar)", " jika "),
        "en": ("(initial)", "(waiting on someone outside)", " if "),
    }
    for text in said[lang]:
        assert text in plain, text
    _check(outputs, lang, content)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sop_worker_status_is_in_one_language(lang: Lang, tmp_path: Path) -> None:
    """`sop worker status` printed English lines whatever the language (`due_timers: 0`,
    `quarantined timer ... after 1 attempt(s)`, `oldest_pending: None`). In English each line
    still starts with its JSON key (scripts read `last_checkpoint_file:`); in Indonesian, words."""
    import sqlite3

    from sop_engine import Engine, SimulatedClock
    from sop_engine._ops.examples import example_path
    from sop_engine._persistence.sqlite import SqliteStore

    from conftest import ADMIN, COMPLETE, LAPOR

    db = tmp_path / "s.sqlite3"
    clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    engine = Engine(store=SqliteStore(db, clock=clock), clock=clock)
    engine.load(LAPOR)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engine.store.close()  # type: ignore[attr-defined]
    conn = sqlite3.connect(db)
    conn.execute("UPDATE timers SET dead_us = 1, error = 'boom'")
    conn.commit()
    conn.close()

    result = CliRunner(env={"SOP_LANG": lang}).invoke(
        main, ["worker", "status", "--db", str(db), "--lang", lang]
    )
    assert result.exit_code == 1, result.output  # the quarantined timers need a person
    out = result.output
    said = {
        "id": ("pewaktu jatuh tempo: ", "notifikasi menunggu tertua: -", "(kasus c1) dikarantina"),
        "en": ("due_timers: ", "oldest_pending: -", "quarantined timer "),
    }[lang]
    for text in said:
        assert text in out, out
    assert "None" not in out, out
    with example_path("lapor") as sop:
        content = content_words(sop, lang)
    _check({"sop worker status": out}, lang, content | {"boom"})


@pytest.mark.parametrize("lang", ["id", "en"])
def test_usage_and_environment_errors_of_the_cli_are_in_one_language(
    lang: Lang, tmp_path: Path
) -> None:
    """Regression: these refusals of the command line were English whatever the language
    (`--db and --case go together`, `no database at ...`, `--unit needs --as ROLE`)."""
    from sop_engine._ops.examples import example_path

    missing = str(tmp_path / "none.db")
    principals = tmp_path / "principals.toml"
    principals.write_text('[[principal]]\nid = "siti"\n', encoding="utf-8")
    desk = tmp_path / "desk.toml"
    desk.write_text("[desk]\nbogus = 1\n", encoding="utf-8")
    with example_path("lapor") as sop:
        serve = ["serve", "--db", missing, "--sop", str(sop)]
        cases = {
            "serve --principals": [*serve, "--principals", str(principals)],
            "serve --principals none": [*serve, "--principals", missing + ".toml"],
            "serve --config": [*serve, "--config", str(desk)],
            "diagram --db": ["diagram", str(sop), "--db", missing],
            "diagram": ["diagram"],
            "case show --unit": ["case", "show", "--db", missing, "X", "--unit", "u"],
            "audit verify": ["audit", "verify", "--db", missing],
            "report xlsx": ["report", "--db", missing, "--format", "xlsx"],
            "worker": ["worker"],
            "worker --batch": ["worker", "--db", missing, "--batch", "0"],
            "worker --notifier": ["worker", "--db", missing, "--notifier", "nope"],
            "worker --config": [
                "worker",
                "--db",
                missing,
                "--notifier",
                "nope",
                "--config",
                missing + ".toml",
            ],
            "lint --today": ["lint", str(sop), "--today", "kemarin"],
        }
        outputs = {}
        for name, args in cases.items():
            result = CliRunner(env={"SOP_LANG": lang, "COLUMNS": "200"}).invoke(
                main, [*args, "--lang", lang] if args[0] != "worker" else args
            )
            assert result.exit_code == 2, (name, result.output)
            outputs[name] = result.output.replace(missing, "DB").replace(str(tmp_path), "DIR")
    said = {
        "id": (
            "--db dan --case harus dipakai bersama",
            "tidak ada basis data di DB",
            "bukan tanggal",
            "--notifier nope: tidak ada pengirim notifikasi bernama itu (",
            "--config DB.toml: ",
            "--principals DIR/principals.toml: entri [[principal]] ke-1 tidak memuat 'role', "
            "'agency', 'token_sha256'",
            "--principals DB.toml: berkas atau direktori tidak ada",
            "kunci [desk] tidak dikenal 'bogus'; kunci yang dikenal: ",
        ),
        "en": (
            "--db and --case go together",
            "no database at DB",
            "is not a date",
            "--notifier nope: no such notifier (",
            "--config DB.toml: ",
            "--principals DIR/principals.toml: principal #1 lacks 'role', 'agency', 'token_sha256'",
            "--principals DB.toml: no such file or directory",
            "unknown [desk] keys 'bogus'; known keys: ",
        ),
    }[lang]
    for text in said:
        assert text in "".join(outputs.values()), outputs
    _check(
        outputs, lang, frozenset({"kemarin", "db", "none", "case", "show", "nope", "bogus"})
    )  # the command


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_operators_run_lines_are_in_one_language(lang: Lang, tmp_path: Path) -> None:
    """Regression: these lines were English whatever the language: what a running `sop worker`
    prints (`worker ...: started`, `worker idle: fired 3, ...`), `requeued 1` of both requeue
    commands, `schema version N` of `sop store migrate`, `private key ..., public key ...` of
    `sop audit keygen` and the `# token for ...` line of `sop serve-token`."""
    import signal
    import sqlite3

    from sop_engine import Engine, SimulatedClock
    from sop_engine._ops.examples import example_path
    from sop_engine._persistence.sqlite import SqliteStore

    from conftest import ADMIN, COMPLETE, LAPOR

    db = tmp_path / "s.sqlite3"
    runner = CliRunner(env={"SOP_LANG": lang, "COLUMNS": "200"})

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(main, [*args, "--lang", lang])
        assert result.exit_code == code, result.output
        return result.output.replace(str(tmp_path), "DIR")

    outputs = {"store migrate": run("store", "migrate", "--db", str(db))}
    clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    engine = Engine(store=SqliteStore(db, clock=clock), clock=clock)
    engine.load(LAPOR)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engine.store.close()  # type: ignore[attr-defined]
    # the worker installs its own SIGTERM/SIGINT handlers: give pytest its own back
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        outputs["worker"] = run(
            "worker", "--db", str(db), "--exit-when-idle", "--outbox", str(tmp_path / "out")
        )
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE timers SET dead_us = 1, error = 'boom'")
    conn.commit()
    conn.close()
    outputs["worker requeue"] = run("worker", "requeue", "--db", str(db), "--all")
    outputs["outbox requeue"] = run("outbox", "requeue", "--db", str(db), "--all")
    outputs["audit keygen"] = run("audit", "keygen", "-o", str(tmp_path / "key.pem"))
    token = run("serve-token", "--id", "siti", "--role", "admin_instansi", "--agency", "x")
    outputs["serve-token"] = token.splitlines()[0]  # the rest is TOML: its keys are code
    said = {
        "id": (
            "DIR/s.sqlite3: versi skema ",
            "DIR/s.sqlite3 (semua instansi): mulai berjalan",
            "pekerja selesai, tak ada lagi yang perlu dikerjakan: berbunyi ",
            "dimasukkan kembali ke antrean: ",
            "kunci privat DIR/key.pem, kunci publik DIR/key.pem.pub",
            "# token untuk siti (ditampilkan sekali saja, rahasiakan): ",
        ),
        "en": (
            "DIR/s.sqlite3: schema version ",
            "worker DIR/s.sqlite3 (every agency): started",
            "worker idle: fired ",
            "requeued ",
            "private key DIR/key.pem, public key DIR/key.pem.pub",
            "# token for siti (shown once, keep it secret): ",
        ),
    }[lang]
    everything = "\n".join(outputs.values())
    for text in said:
        assert text in everything, outputs
    with example_path("lapor") as sop:
        content = content_words(sop, lang)
    _check(outputs, lang, content | {"siti"})


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_workers_totals_say_a_failed_checkpoint_in_one_language(lang: Lang) -> None:
    """The worker's totals line with a failed scheduled checkpoint (hard to cause in a run)."""
    from sop_engine._ops.worker import WorkerStats
    from sop_engine.cli._worker import _counts

    text = _counts(WorkerStats(fired=2, checkpoints=1, checkpoint_failures=1)).render(lang)
    assert text.endswith(
        {"id": "titik periksa 1 (gagal 1)", "en": "checkpoints 1 (failed 1)"}[lang]
    )
    _check({"totals": text}, lang)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_postgresql_url_without_the_driver_is_refused_in_one_language(
    lang: Lang, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: `a postgresql:// database needs the PostgreSQL driver` was English whatever
    the language (the driver is an optional extra)."""
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the extra were not installed
    result = CliRunner(env={"SOP_LANG": lang}).invoke(
        main, ["store", "migrate", "--db", "postgresql://sop@localhost/sop", "--lang", lang]
    )
    assert result.exit_code == 2, result.output
    said = {"id": "memerlukan driver PostgreSQL", "en": "needs the PostgreSQL driver"}[lang]
    assert said in result.output, result.output
    said_by_python = re.sub(r"\(import of [^)]*\)", "", result.output)  # the cause: English
    _check({"store migrate": said_by_python}, lang)
