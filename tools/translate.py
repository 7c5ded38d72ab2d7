"""Fill Indonesian translations into ``id.po`` from Python files each holding a dict ``T``.

``python tools/translate.py PATH...`` then ``make catalogues``. Each PATH is a ``.py`` file or a
folder whose ``*.py`` files are read in name order (``tools/translations/``, one file per branch
or topic, so parallel work never edits the same lines). A later file wins when two give the same
message a different Indonesian, and the tool says so. A translator may as well edit ``id.po``
directly with any ``.po`` editor; this is for adding many entries at once.

Only data is read: each file is run as Python (it is the project's own code, never an SOP) and
must leave a ``dict[str, str]`` named ``T``; anything else is refused with the file's name.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "src/sop_engine/locale/id/LC_MESSAGES/sop_engine.po"


def files(paths: list[str]) -> list[Path]:
    """The translation files named by ``paths`` (folders expanded to their ``*.py``, sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(p for p in sorted(path.glob("*.py")) if not p.name.startswith("_"))
        elif path.is_file():
            found.append(path)
        else:
            raise SystemExit(f"no such file or folder: {raw}")
    return found


def table(path: Path) -> dict[str, str]:
    """The ``T`` dict of one translation file, checked to be ``{english: indonesian}``."""
    value = runpy.run_path(str(path)).get("T")
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise SystemExit(f"{path}: needs a dict T = {{english: indonesian}} of strings")
    return value


def merged(paths: list[Path]) -> dict[str, str]:
    """Every file's table in order; a conflicting later entry wins and is reported."""
    out: dict[str, str] = {}
    origin: dict[str, Path] = {}
    for path in paths:
        for key, text in table(path).items():
            if key in out and out[key] != text:
                print(f"{path}: overrides the translation from {origin[key]} of {key!r}")
            out[key] = text
            origin[key] = path
    return out


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python tools/translate.py FILE_OR_FOLDER...", file=sys.stderr)
        return 2
    translations = merged(files(argv))
    with PO.open("rb") as f:
        catalog = read_po(f, locale="id")
    unknown = [k for k in translations if k not in catalog]
    for key, text in translations.items():
        if key in catalog:
            catalog[key].string = text
    with PO.open("wb") as f:
        write_po(f, catalog, width=100, no_location=True, sort_output=True)
    for key in unknown:
        print("not in the catalogue (yet; run `make catalogues` first):", repr(key))
    print(f"{len(translations) - len(unknown)} translations written to {PO.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
