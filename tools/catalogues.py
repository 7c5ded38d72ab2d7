"""``make catalogues``: extract every message, merge it into the ``.po`` files, compile ``.mo``.

Sources of message ids (all English, the source language):

- the engine's Python files: ``N_("...")``, ``Msg("...", ...)`` and ``gettext("...", lang)``
  (Babel's extractor);
- the ``sop`` command tree: every command's help and short help and every option's help (walked
  from the live click objects, so a new command or option is picked up without markers);
- click's own texts (``Usage:``, ``Options``, ``Show this message and exit.``, its errors);
- message ids with a context (``C_(context, message)``, ``pgettext``): the same English said two
  ways in Indonesian; a translation file names one as ``"context\\x04english"``;
- finding codes still written as ``(english, indonesian)`` pairs in ``_core/findings.py``: their
  Indonesian half is copied into ``id.po`` (then the pair can be reduced to ``N_(english)``).

Indonesian comes from, first to last: the translation files ``tools/translations/*.py`` (each a
dict ``T = {english: indonesian}``, one file per branch or topic so parallel work never edits the
same lines of ``id.po``; they win, so regenerating after a merge gives one answer), the
translations already in ``id.po``, the finding pairs above. A new id without any gets an empty
entry (the coverage test names it); ``en.po`` maps each id to itself. The ``.po`` files are written without
source locations and sorted, so they change only when a message changes. ``--check`` writes
nothing and exits 1 when a file would change (a test runs it).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "sop_engine"
LOCALE = SRC / "locale"
DOMAIN = "sop_engine"
SEP = "\x04"  # between a message's context and its id, as in the .mo files
FIXED = datetime(2026, 1, 1, tzinfo=UTC)  # headers never change: stable files
CLICK_FILES = (
    "core.py",
    "decorators.py",
    "exceptions.py",
    "formatting.py",
    "parser.py",
    "types.py",
)


def _python(directory: Path, files: tuple[str, ...] | None, keywords: dict) -> Iterator[str]:
    paths = [directory / name for name in files] if files else sorted(directory.rglob("*.py"))
    for path in paths:
        for _line, message, _comments, context in extract_from_file(
            "python", str(path), keywords=keywords
        ):
            if context:  # C_/pgettext: the key gettext itself uses, "context\x04message"
                yield f"{context}{SEP}{message}"
            else:
                yield from (message if isinstance(message, tuple) else (message,))


def messages() -> tuple[list[str], dict[str, str]]:
    """Every message id (sorted, unique) and the Indonesian of the remaining finding pairs."""
    sys.path.insert(0, str(ROOT / "src"))
    from sop_engine._core.findings import CODES
    from sop_engine.cli import main
    from sop_engine.cli._i18n import help_texts

    ids: set[str] = set()
    keywords = {
        "N_": None,
        "Msg": None,
        "gettext": None,
        "C_": ((1, "c"), 2),
        "pgettext": ((1, "c"), 2),
    }
    ids.update(_python(SRC, None, keywords))
    ids.update(help_texts(main))
    ids.update(_schema_texts())
    click_dir = Path(click.__file__).parent
    ids.update(_python(click_dir, CLICK_FILES, {"_": None, "ngettext": (1, 2)}))
    ids.add("required")  # click marks it as `_(extra["required"])`, which extraction cannot see
    legacy: dict[str, str] = {}
    for code in CODES.values():
        legacy.update(code.legacy)
    ids.update(legacy)
    ids.discard("")
    return sorted(ids), legacy


def _schema_texts() -> set[str]:
    """The descriptions of the SOP and scenario schemas (an editor shows them), except the
    plugins' own bilingual texts."""
    from sop_engine._compile.loading import schema_descriptions, sop_schema, spec_texts
    from sop_engine._compile.registry import Registry
    from sop_engine._simulate.scenario import SCENARIO_SCHEMA

    registry = Registry(load_entry_points=False)
    known = spec_texts(registry, "id")
    return schema_descriptions(sop_schema(registry), known) | schema_descriptions(SCENARIO_SCHEMA)


def _read(path: Path, lang: str) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {_key(m.id, m.context): str(m.string) for m in catalog if m.id and m.string}


def _key(msgid: object, context: str | None) -> str:
    return f"{context}{SEP}{msgid}" if context else str(msgid)


def translation_files() -> dict[str, str]:
    """The Indonesian of ``tools/translations/*.py`` (tools/translate.py reads them the same way)."""
    sys.path.insert(0, str(ROOT / "tools"))
    import translate

    folder = ROOT / "tools" / "translations"
    return translate.merged(translate.files([str(folder)])) if folder.is_dir() else {}


def build(
    lang: str, ids: list[str], legacy: dict[str, str], extra: dict[str, str] | None = None
) -> tuple[bytes, bytes]:
    """The ``.po`` and ``.mo`` bytes of ``lang``."""
    po_path = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    known = _read(po_path, lang)
    catalog = Catalog(
        locale=lang,
        domain=DOMAIN,
        project="sop_engine",
        version="",
        copyright_holder="sop_engine developers",
        creation_date=FIXED,
        revision_date=FIXED,
        last_translator="sop_engine developers",
        language_team="sop_engine developers",
        fuzzy=False,
    )
    for msgid in ids:
        if lang == "en":
            string = msgid
        else:
            string = (extra or {}).get(msgid) or known.get(msgid) or legacy.get(msgid, "")
        context, _, message = msgid.rpartition(SEP)
        if lang == "en":
            string = message
        catalog.add(message, string, context=context or None)
    po, mo = io.BytesIO(), io.BytesIO()
    write_po(po, catalog, width=100, no_location=True, sort_output=True, omit_header=False)
    write_mo(mo, catalog)
    return po.getvalue(), mo.getvalue()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    ids, legacy = messages()
    extra = translation_files()
    stale = []
    for lang in ("id", "en"):
        po, mo = build(lang, ids, legacy, extra)
        folder = LOCALE / lang / "LC_MESSAGES"
        for path, data in ((folder / f"{DOMAIN}.po", po), (folder / f"{DOMAIN}.mo", mo)):
            if not path.exists() or path.read_bytes() != data:
                stale.append(path.relative_to(ROOT))
                if not check:
                    folder.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
    if check and stale:
        print("stale message catalogues (run `make catalogues`):", *stale, sep="\n  ")
        return 1
    translated = _read(LOCALE / "id" / "LC_MESSAGES" / f"{DOMAIN}.po", "id")
    untranslated = [m for m in ids if m not in translated]
    if not check:
        print(f"{len(ids)} messages; {len(untranslated)} without Indonesian in id.po")
        orphans = sorted(set(extra) - set(ids))
        for message in orphans:
            print("tools/translations: no such message in the code:", repr(message))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
