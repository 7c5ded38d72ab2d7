"""Write ``docs/diagrams.md``: the reference SOPs drawn by ``sop diagram``, in both languages.

``make docs`` runs it; ``tests/test_docs_reports.py`` fails when the page is stale, so the
drawings in the docs are always those of the shipped SOPs. Mermaid text renders on the code
forge and in the docs site without Graphviz.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "diagrams.md"
PICTURES = ROOT / "docs" / "_static" / "diagrams"
SOPS = (
    ("lapor", ROOT / "examples" / "lapor" / "sop.yaml"),
    ("dpmptsp", ROOT / "examples" / "dpmptsp" / "sop.yaml"),
)
INTRO = """\
# Diagram SOP rujukan / Reference SOP diagrams

Halaman ini dibuat oleh `make docs` dari `sop diagram` (jangan diedit dengan tangan). Setiap
keadaan (state) diberi label; keadaan awal, akhir dan menunggu pihak luar ditandai; setiap
transisi diberi label kejadian, peran yang boleh menjalankannya dan syaratnya (guard); setiap jam
layanan (⏱) digambar di atas keadaan tempat jam itu berjalan, dengan batas waktu, pengingat dan
tingkat eskalasi. Gambar SVG/PNG: `sop diagram SOP.yaml --format svg -o sop.svg`. Satu kasus
dengan jalurnya: `sop diagram --db DB --case ID`.

This page is written by `make docs` from `sop diagram` (do not edit it by hand). States carry
their labels; initial, final and waiting states are marked; each transition carries its event
label, the roles that may fire it and its guards; each service clock (⏱) is drawn over the
states it runs in, with its limit, reminders and escalation levels. SVG/PNG:
`sop diagram SOP.yaml --format svg -o sop.svg`. One case with its path:
`sop diagram --db DB --case ID`.
"""


def page(pictures: bool = False) -> str:
    """The page's text (what ``docs/diagrams.md`` must hold); with ``pictures``, also write
    each drawing as SVG (Graphviz) under ``docs/_static/diagrams/`` for the docs site, where
    Mermaid text is not drawn."""
    sys.path.insert(0, str(ROOT / "src"))
    from sop_engine import Engine, Registry
    from sop_engine._reports.diagram import dot, mermaid, render

    engine = Engine(registry=Registry(load_entry_points=False))
    parts = [INTRO]
    for name, path in SOPS:
        sop = engine.load(path)
        for lang, heading in (("id", "Bahasa Indonesia"), ("en", "English")):
            picture = f"{name}-{lang}.svg"
            if pictures:
                PICTURES.mkdir(parents=True, exist_ok=True)
                (PICTURES / picture).write_bytes(render(dot(sop, lang), "svg"))
            parts.append(
                f"\n## `{name}` — {heading}\n\n![{name} ({lang})](_static/diagrams/{picture})\n\n"
                f"<details><summary>Mermaid</summary>\n\n```mermaid\n{mermaid(sop, lang)}```\n\n"
                "</details>\n"
            )
    return "".join(parts)


if __name__ == "__main__":
    PAGE.write_text(page(pictures=True), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)} and {PICTURES.relative_to(ROOT)}/*.svg")
