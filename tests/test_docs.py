"""The documentation site (issue 16): it builds with warnings as errors, and its commands work.

- ``sphinx-build -W`` on ``docs/`` (MyST pages, the CLI reference from the live click commands,
  the API reference from the docstrings): a broken link, a docstring autodoc cannot read or a
  page outside every table of contents fails the test, as it fails ``make docs-site``.
- Every ``sh`` block of the tutorials and every ``python`` block of the API page is run, in a
  fresh directory that sees the repository's ``examples/``, and must succeed. ``pip install``
  lines are skipped (the package under test is already installed).
- The Indonesian page of finding codes is generated from the catalogue and kept in step.
- The Indonesian pages for policy staff are the source; their English version is a gettext
  translation (sphinx-intl, ``docs/locale/en``): every paragraph of each page has a non-fuzzy
  English entry, and the English site (``-D language=en``, also ``-W``) has no Indonesian left
  outside code (Sphinx silently keeps the source text of an entry it cannot use).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sop_engine._core.findings import codes_markdown_id

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent
RUN_SHELL = [DOCS / "id" / "tutorial.md"]  # its English version shares its code blocks
TRANSLATED = ["id/tutorial", "id/format"]  # Indonesian pages with an English .po (sphinx-intl)
PO = DOCS / "locale" / "en" / "LC_MESSAGES"
# fmt: off
INDONESIAN_WORDS = frozenset([
    "yang", "dan", "atau", "dengan", "untuk", "pada", "dari", "tidak", "bila", "setiap", "dalam",
    "sebagai", "ini", "itu", "harus", "berkas", "kunci", "nilai", "laporan", "kasus", "peristiwa",
    "peran", "pengaduan", "menulis", "jalankan",
])
# fmt: on
RUN_PYTHON = [DOCS / "reference" / "api.md"]
TIMEOUT = 900


def blocks(path: Path, language: str) -> list[str]:
    """The fenced code blocks of ``language`` in a Markdown page, in order."""
    text = path.read_text(encoding="utf-8")
    return re.findall(rf"(?ms)^```{language}\n(.*?)^```", text)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update({"SOP_LANG": "id", "COLUMNS": "120", "MPLBACKEND": "Agg"})
    return env


def _workdir(tmp_path: Path) -> Path:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    return tmp_path


@pytest.mark.parametrize("page", RUN_SHELL, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_command_of_the_tutorials_runs(page: Path, tmp_path: Path) -> None:
    found = blocks(page, "sh")
    assert found, f"{page} has no sh blocks"
    script = "\n".join(
        line for block in found for line in block.splitlines() if not line.startswith("pip ")
    )
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=_workdir(tmp_path),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (tmp_path / "demo.sqlite3").exists()


def test_the_tutorial_shows_the_finding_it_promises(tmp_path: Path) -> None:
    """The Indonesian tutorial quotes a finding for a typo: that is what sop lint says."""
    work = _workdir(tmp_path)
    env = _env()
    subprocess.run(
        ["sop", "init", "pengaduan", "--template", "minimal"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    sop = work / "pengaduan" / "sop.yaml"
    sop.write_text(sop.read_text(encoding="utf-8").replace("initial: true", "intial: true"))
    done = subprocess.run(
        ["sop", "lint", str(sop)], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    page = " ".join((DOCS / "id" / "tutorial.md").read_text(encoding="utf-8").split())
    quoted = re.search(r"memberi `(SOP010 [^`]*)`", page)
    assert quoted is not None
    assert quoted[1] in " ".join(done.stdout.split())


@pytest.mark.parametrize("page", RUN_PYTHON, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_python_block_of_the_api_page_runs(page: Path, tmp_path: Path) -> None:
    for block in blocks(page, "python"):
        done = subprocess.run(
            [sys.executable, "-c", block],
            cwd=_workdir(tmp_path),
            env=_env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, block + "\n" + done.stderr[-3000:]


def test_the_indonesian_finding_codes_page_is_current() -> None:
    page = (DOCS / "id" / "kode-temuan.md").read_text(encoding="utf-8")
    assert page == codes_markdown_id(), "run `make docs` to refresh docs/id/kode-temuan.md"


def test_the_site_builds_with_warnings_as_errors(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(DOCS),
            str(tmp_path / "html"),
        ],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    cli = (tmp_path / "html" / "reference" / "cli.html").read_text(encoding="utf-8")
    assert 'id="sop-lint"' in cli  # sphinx-click documented the live commands
    api = (tmp_path / "html" / "reference" / "api.html").read_text(encoding="utf-8")
    assert 'id="sop_engine.Engine"' in api  # autodoc documented the public API
    assert (tmp_path / "html" / "sop.schema.json").exists()  # the schema's $id resolves
    assert shutil.which("sop", path=str(BIN)) is not None


def _sphinx(*args: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", *args, str(DOCS), str(out)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _article_words(page: Path) -> list[str]:
    """The words of a built page's article as a reader sees them, code taken out."""
    import html

    text = page.read_text(encoding="utf-8")
    found = re.search(r"(?s)<article.*?</article>", text)
    assert found is not None, page
    body = re.sub(r"(?s)<pre.*?</pre>|<code.*?</code>", " ", found.group(0))
    return re.findall(r"[a-z]+", html.unescape(re.sub(r"<[^>]+>", " ", body)).lower())


def _blocks(page: Path) -> set[str]:
    """The headings, paragraphs, list items and cells of a built page with two words or more,
    code taken out: what a translation replaces."""
    import html

    text = page.read_text(encoding="utf-8")
    found = re.search(r"(?s)<article.*?</article>", text)
    assert found is not None, page
    out = set()
    for _tag, inner in re.findall(r"(?s)<(h[1-6]|p|li|td|th)\b[^>]*>(.*?)</\1>", found.group(0)):
        inner = re.sub(
            r"(?s)<pre.*?</pre>|<code.*?</code>|<a class=\"headerlink.*?</a>", " ", inner
        )
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inner)).split())
        if len(re.findall(r"[A-Za-z]{2,}", words)) >= 2:
            out.add(words)
    return out


def test_the_english_site_is_built_from_the_translations(tmp_path: Path) -> None:
    done = _sphinx("-b", "html", "-D", "language=en", out=tmp_path / "en")
    assert done.returncode == 0, done.stderr[-5000:]
    tutorial = tmp_path / "en" / "id" / "tutorial.html"
    assert "<h1>Writing your first SOP" in tutorial.read_text(encoding="utf-8")
    for name in TRANSLATED:
        words = _article_words(tmp_path / "en" / f"{name}.html")
        left = sorted(set(words) & INDONESIAN_WORDS)
        assert not left, f"{name}: Indonesian left in the English page: {left}"
    # the source pages stay Indonesian in the default build (a check of the check)
    source = _sphinx("-b", "html", out=tmp_path / "id")
    assert source.returncode == 0, source.stderr[-5000:]
    assert set(_article_words(tmp_path / "id" / "id" / "tutorial.html")) & INDONESIAN_WORDS
    for name in TRANSLATED:  # no block of the Indonesian page is left as it is in the English
        same = _blocks(tmp_path / "id" / f"{name}.html") & _blocks(tmp_path / "en" / f"{name}.html")
        assert not same, f"{name}: kept in Indonesian in the English site: {sorted(same)}"


def test_every_paragraph_of_the_indonesian_pages_has_its_english(tmp_path: Path) -> None:
    """The catalogues are complete and current: the paragraphs ``sphinx-build -b gettext``
    extracts from each page, merged by sphinx-intl, are exactly the entries of its .po, each
    translated, none fuzzy (`make docs-po` merges a changed page; a translator fills what it
    marks)."""
    from babel.messages.pofile import read_po

    done = _sphinx("-b", "gettext", out=tmp_path / "pot")
    assert done.returncode == 0, done.stderr[-5000:]
    # what `make docs-po` does, on a copy: sphinx-intl merges the pages into their catalogues;
    # a changed paragraph would come out as an empty or fuzzy entry
    for pot in (tmp_path / "pot").rglob("*.pot"):
        if pot.relative_to(tmp_path / "pot").with_suffix("").as_posix() not in TRANSLATED:
            pot.unlink()
    merged = tmp_path / "locale"
    shutil.copytree(DOCS / "locale", merged, ignore=shutil.ignore_patterns("*.mo"))
    intl = subprocess.run(
        [BIN / "sphinx-intl", "update", "-p", tmp_path / "pot", "-l", "en", "-d", merged],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert intl.returncode == 0, intl.stdout + intl.stderr
    for name in TRANSLATED:
        with (merged / "en" / "LC_MESSAGES" / f"{name}.po").open("rb") as f:
            after = read_po(f, locale="en")
        stale = [m.id for m in after if m.id and (not m.string or m.fuzzy)]
        assert not stale, f"{name}: paragraphs without their English (run `make docs-po`): {stale}"
    for name in TRANSLATED:
        with (tmp_path / "pot" / f"{name}.pot").open("rb") as f:
            wanted = {m.id for m in read_po(f) if m.id}
        with (PO / f"{name}.po").open("rb") as f:
            catalogue = read_po(f, locale="en")
        have = {m.id: m for m in catalogue if m.id}
        assert wanted, name
        assert not wanted - set(have), f"{name}: not in the .po (run `make docs-po`)"
        assert not set(have) - wanted, f"{name}: stale entries (run `make docs-po`)"
        empty = [i for i, m in have.items() if not m.string or m.fuzzy]
        assert not empty, f"{name}: untranslated or fuzzy: {empty}"


def test_the_calendar_page_shows_what_its_commands_print(tmp_path: Path) -> None:
    """docs/calendar.md shows `$ sop calendar ...` with its output: each command runs and prints
    the lines shown (``...`` elides lines; a trailing ``# ...`` is a remark)."""
    (block,) = blocks(DOCS / "calendar.md", "sh")
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif line.strip() and line.strip() != "...":
            steps[-1][1].append(re.sub(r"\s+# .*$", "", line))
    assert len(steps) == 2
    for command, shown in steps:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, command + "\n" + done.stderr
        printed = done.stdout.splitlines()
        for line in shown:
            assert line in printed, f"{command}: {line!r} not in\n{done.stdout}"
