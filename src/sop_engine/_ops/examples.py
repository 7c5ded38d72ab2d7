"""The reference SOPs shipped inside the package (``sop_engine/_examples/*.yaml``).

They are package data so that ``sop demo`` and ``sop init`` work from an installed wheel, with no
source checkout around. ``examples/`` in the repository keeps the readable copies of ``lapor`` and
``dpmptsp``; a test proves each is byte-for-byte the packaged one (``make examples`` copies them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["TEMPLATES", "example_path", "example_text"]

TEMPLATES = ("lapor", "dpmptsp", "minimal")
"""The shipped SOPs, by template name: ``sop init --template NAME``."""


def _resource(name: str) -> Traversable:
    if name not in TEMPLATES:
        raise ValueError(f"unknown template {name!r}; one of {', '.join(TEMPLATES)}")
    return files("sop_engine").joinpath("_examples", f"{name}.yaml")


def example_text(name: str) -> str:
    """The text of the shipped SOP ``name`` (one of :data:`TEMPLATES`)."""
    return _resource(name).read_text(encoding="utf-8")


@contextmanager
def example_path(name: str) -> Iterator[Path]:
    """A file path of the shipped SOP ``name`` for as long as the ``with`` block runs.

    Installed packages are plain directories, so this is the file itself; a zipped install gets a
    temporary copy (``importlib.resources.as_file``).
    """
    with as_file(_resource(name)) as path:
        yield Path(path)
