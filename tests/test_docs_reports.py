"""The pages that show policy staff their SOPs and define their figures stay true to the code."""

from __future__ import annotations

import importlib.util

import pytest

from sop_engine._core.text import Lang
from sop_engine._reports.texts import TEXTS, t

from conftest import ROOT


def test_the_diagrams_page_draws_the_shipped_sops() -> None:
    spec = importlib.util.spec_from_file_location("diagrams_doc", ROOT / "tools/diagrams_doc.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = (ROOT / "docs" / "diagrams.md").read_text(encoding="utf-8")
    assert page == module.page(), "run `make docs` to redraw docs/diagrams.md"
    assert page.count("```mermaid") == 4  # two SOPs, two languages
    for name in ("lapor-id", "lapor-en", "dpmptsp-id", "dpmptsp-en"):  # the site's pictures
        assert (
            (ROOT / "docs" / "_static" / "diagrams" / f"{name}.svg")
            .read_bytes()
            .lstrip(b"\n")
            .startswith((b"<?xml", b"<svg"))
        )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_report_definition_is_in_the_docs_word_for_word(lang: Lang) -> None:
    """The report carries its definitions; docs/reports.md must say exactly the same."""
    doc = " ".join((ROOT / "docs" / "reports.md").read_text(encoding="utf-8").split())
    keys = [k for k in TEXTS if k.startswith("def.")]
    assert len(keys) >= 10
    for key in keys:
        text = " ".join(t(key, lang).split())
        assert f"**{key[4:]}**: {text}" in doc, key
