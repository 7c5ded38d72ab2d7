"""Sphinx configuration of the documentation site (``make docs-site``; built with ``-W``).

The pages are the Markdown files of this folder (MyST); the CLI reference is generated from the
live click commands (sphinx-click) and the API reference from the docstrings (autodoc), so
neither can drift from the code. Policy staff's pages come first and in Bahasa Indonesia.
"""

from __future__ import annotations

import sop_engine

project = "sop_engine"
author = "sop_engine developers"
copyright = "2026, sop_engine developers"
release = sop_engine.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx_click",
]
source_suffix = {".md": "markdown"}
root_doc = "index"
# Indonesian first: the policy staff's pages (docs/id/) are written in Bahasa Indonesia and are
# the source; their English version is a gettext translation (docs/locale/en/LC_MESSAGES/id/*.po,
# kept current with sphinx-intl: `make docs-po`) built with `sphinx-build -D language=en`. The
# developer guides are written in English and have no translation. See docs/translations.md.
language = "id"
locale_dirs = ["locale/"]
gettext_compact = False  # one catalogue per page: a translator opens the page's own file
gettext_uuid = False
gettext_location = False  # no line numbers in the catalogues: they change only with the text
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]

# Markdown: GitHub-style anchors so the pages' own "#section" links resolve.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]

html_theme = "furo"
html_title = f"sop_engine {release}"
html_extra_path = [  # the schemas' $id URLs (English and Indonesian descriptions)
    "sop.schema.json",
    "sop.schema.id.json",
    "scenario.schema.json",
    "scenario.schema.id.json",
]

autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True
napoleon_google_docstring = False
nitpicky = False


def setup(app: object) -> None:
    """Mermaid blocks (docs/diagrams.md) are shown as text on the site: their pictures are the
    Graphviz SVGs beside them, and the forge draws the Mermaid itself."""
    from pygments.lexers.special import TextLexer

    app.add_lexer("mermaid", TextLexer)  # type: ignore[attr-defined]
