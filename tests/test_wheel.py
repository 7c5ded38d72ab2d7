"""The packages as a new user gets them: built with ``python -m build``, installed from the wheel.

Issue 16: from a wheel in a clean virtualenv ``sop demo --memory`` failed because the reference SOP
was only in the source tree. This test builds the sdist and the wheel of the engine and of each
plugin (the wheel from the unpacked sdist, so a file missing from the sdist fails too), installs
the wheels into a fresh virtualenv that has no access to the source tree, and runs ``sop demo
--memory``, ``sop init`` and ``sop lint`` there, from a directory outside the repository.

The fresh virtualenv gets the engine's *dependencies* (transitions, click, babel, ...) by a path
file naming a directory of links to exactly those distributions of the test's own environment: the
same versions, no download, and neither the engine's source nor the editable plugins visible. It
runs in ``make test`` (marker ``packaging``; about 30 s on an idle machine).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = {
    "sop-engine": ROOT,
    "sop-engine-lapor": ROOT / "plugins" / "lapor",
    "sop-engine-smtp": ROOT / "plugins" / "smtp",
    "sop-engine-webhook": ROOT / "plugins" / "webhook",
}
TIMEOUT = 240


def _run(args: list[str | Path], cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update({"SOP_LANG": "id", "LC_ALL": "C.UTF-8"})
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        **kw,  # type: ignore[call-overload]
    )


def _closure(name: str) -> set[str]:
    """The installed distributions ``name`` needs (without extras), ``name`` excluded."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        for raw in metadata.requires(todo.pop()) or []:
            req = Requirement(raw)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            key = req.name.lower().replace("_", "-")
            if key not in seen:
                seen.add(key)
                todo.append(key)
    return seen - {"sop-engine"}


def _dependency_dir(target: Path) -> Path:
    """A directory of symbolic links to the files of the engine's dependencies, nothing else."""
    target.mkdir()
    site = Path(sysconfig.get_paths()["purelib"])
    for name in _closure("sop-engine"):
        dist = metadata.distribution(name)
        for top in {Path(str(f)).parts[0] for f in dist.files or ()}:
            source = Path(str(dist.locate_file(top)))
            if top != ".." and source.exists() and not (target / top).exists():
                assert source.is_relative_to(site), source
                (target / top).symlink_to(source)
    return target


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Each project's (sdist, wheel), the wheel built from the sdist."""
    out = tmp_path_factory.mktemp("dist")
    built: dict[str, tuple[Path, Path]] = {}
    for name, source in PROJECTS.items():
        where = out / name
        done = _run(
            [sys.executable, "-m", "build", "--no-isolation", "--outdir", where, source],
            cwd=out,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        (sdist,) = where.glob("*.tar.gz")
        (wheel,) = where.glob("*.whl")
        built[name] = (sdist, wheel)
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, dists: dict[str, tuple[Path, Path]]) -> Path:
    """A fresh virtualenv with the four wheels installed; the dependencies by a path file."""
    base = tmp_path_factory.mktemp("venv")
    env = base / "env"
    done = _run([sys.executable, "-m", "venv", "--without-pip", env], cwd=base)
    assert done.returncode == 0, done.stderr
    python = env / "bin" / "python"
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], base)
    deps = _dependency_dir(base / "deps")
    (Path(site.stdout.strip()) / "sop_engine_deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    wheels = [wheel for _, wheel in dists.values()]
    done = _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
         "--no-index", *wheels],
        cwd=base,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return env


def test_the_sdists_and_wheels_carry_the_data_license_and_metadata(
    dists: dict[str, tuple[Path, Path]],
) -> None:
    sdist, wheel = dists["sop-engine"]
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "sop_engine/py.typed",
        "sop_engine/_examples/lapor.yaml",
        "sop_engine/_examples/dpmptsp.yaml",
        "sop_engine/_examples/minimal.yaml",
        "sop_engine/_ops/demo_scenarios.yaml",
        "sop_engine/locale/id/LC_MESSAGES/sop_engine.mo",
        "sop_engine/locale/en/LC_MESSAGES/sop_engine.mo",
    ):
        assert needed in names, needed
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    for line in (
        "License-Expression: Apache-2.0",
        "Classifier: Natural Language :: Indonesian",
        "Classifier: Typing :: Typed",
        "Classifier: Programming Language :: Python :: 3.13",
        'Requires-Dist: psycopg<4,>=3.2; extra == "postgres"',
        "Project-URL: Documentation,",
    ):
        assert line in text, line
    assert 'extra == "dev"' not in text  # development tools are a dependency group
    with tarfile.open(sdist) as archive:
        assert any(n.endswith("/LICENSE") for n in archive.getnames())
    for plugin in ("sop-engine-lapor", "sop-engine-smtp", "sop-engine-webhook"):
        _, plugin_wheel = dists[plugin]
        archive = zipfile.ZipFile(plugin_wheel)
        meta = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        assert "Requires-Dist: sop-engine<0.2,>=0.1" in archive.read(meta).decode(), plugin


def test_demo_init_and_lint_run_from_the_installed_wheel(venv: Path, tmp_path: Path) -> None:
    sop = venv / "bin" / "sop"
    where = _run([venv / "bin" / "python", "-c", "import sop_engine; print(sop_engine.__file__)"],
                 tmp_path)  # fmt: skip
    assert str(venv) in where.stdout, where  # the wheel, not the source tree
    demo = _run([sop, "demo", "--memory"], tmp_path)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert "SOP Pengelolaan Pengaduan SP4N-LAPOR!" in demo.stdout
    helped = _run([sop, "lint", "--help"], tmp_path)  # the compiled catalogue is in the wheel
    assert "Periksa berkas SOP" in helped.stdout, helped.stdout
    for template in ("lapor", "dpmptsp", "minimal"):
        made = _run([sop, "init", template, "--template", template], tmp_path)
        assert made.returncode == 0, made.stdout + made.stderr
        assert (tmp_path / template / "sop.schema.json").is_file()
        lint = _run([sop, "lint", tmp_path / template / "sop.yaml"], tmp_path)
        assert lint.returncode == 0, lint.stdout + lint.stderr
    plugins = _run([sop, "plugins"], tmp_path)
    assert plugins.returncode == 0, plugins.stderr
    for name in ("lapor", "smtp", "webhook"):
        assert name in plugins.stdout
    assert "izin" not in plugins.stdout  # only what was installed from wheels
