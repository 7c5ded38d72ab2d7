"""The public entry points for reading SOP files: lint, load, schema.

Each takes an optional :class:`Registry` and makes the default one (built-ins and installed
plugins) when none is given. Reading and checking the file is :mod:`sop_engine._definition`,
which knows the registered specifications only through the read-only ``SpecTables``; binding
every name to code is :mod:`sop_engine._compile.binding`. Linting runs both, so a ``bind`` that
rejects its parameters is a finding of ``sop lint`` as well as of ``load_definition``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sop_engine._compile.compiled import bind_sop
from sop_engine._compile.registry import Registry
from sop_engine._core.definition import SopDefinition
from sop_engine._core.errors import SopValidationError
from sop_engine._core.findings import Finding
from sop_engine._definition.loader import read_definition
from sop_engine._definition.schema import schema_for

__all__ = ["lint_file", "lint_text", "load_definition", "sop_schema"]


def load_definition(
    path: str | Path, *, registry: Registry | None = None, text: str | bytes | None = None
) -> SopDefinition:
    """Read and validate an SOP file; raise :class:`SopValidationError` listing every error."""
    definition, findings = _read(path, registry or Registry(), text)
    if definition is None or any(f.severity == "error" for f in findings):
        raise SopValidationError(findings)
    return definition


def lint_file(path: str | Path, *, registry: Registry | None = None) -> list[Finding]:
    """Every finding for the file at ``path`` (errors and warnings), in file order."""
    return _read(path, registry or Registry(), None)[1]


def lint_text(
    text: str | bytes, *, name: str = "<text>", registry: Registry | None = None
) -> list[Finding]:
    """Every finding for SOP text given directly (e.g. from an editor buffer)."""
    return _read(name, registry or Registry(), text)[1]


def sop_schema(registry: Registry | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of SOP files for the guards/actions in ``registry``."""
    return schema_for(registry if registry is not None else Registry())


def _read(
    path: str | Path, registry: Registry, text: str | bytes | None
) -> tuple[SopDefinition | None, list[Finding]]:
    def binding(definition: SopDefinition) -> list[Finding]:
        return bind_sop(definition, registry)[1]

    return read_definition(path, registry, text, extra_check=binding)
