"""Fill Indonesian translations into ``id.po`` from a Python file holding a dict ``T``.

``python tools/translate.py FILE.py`` then ``make catalogues``: a translator may as well edit
``id.po`` directly with any ``.po`` editor; this is for adding many entries at once.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "src/sop_engine/locale/id/LC_MESSAGES/sop_engine.po"


def main(path: str) -> int:
    table: dict[str, str] = runpy.run_path(path)["T"]
    with PO.open("rb") as f:
        catalog = read_po(f, locale="id")
    unknown = [k for k in table if k not in catalog]
    for key, text in table.items():
        if key in catalog:
            catalog[key].string = text
    with PO.open("wb") as f:
        write_po(f, catalog, width=100, no_location=True, sort_output=True)
    for key in unknown:
        print("not in the catalogue (yet):", repr(key))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
