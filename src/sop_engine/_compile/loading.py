"""The public entry points for reading SOP files: lint, load, schema.

Each takes an optional :class:`Registry` and makes the default one (built-ins and installed
plugins) when none is given. Reading and checking the file is :mod:`sop_engine._definition`,
which knows the registered specifications only through the read-only ``SpecTables``; binding
every name to code is :mod:`sop_engine._compile.binding`. Linting runs both, so a ``bind`` that
rejects its parameters is a finding of ``sop lint`` as well as of ``load_definition``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sop_engine._compile.compiled import bind_sop
from sop_engine._compile.registry import Registry
from sop_engine._core.definition import SopDefinition
from sop_engine._core.errors import SopValidationError
from sop_engine._core.findings import Finding
from sop_engine._core.i18n import gettext
from sop_engine._core.text import Lang
from sop_engine._definition.loader import read_definition
from sop_engine._definition.schema import SCHEMA_ID, reserved_for, schema_for
from sop_engine._spec.names import RESERVED_SECTIONS

__all__ = [
    "lint_file",
    "lint_text",
    "load_definition",
    "localised",
    "schema_descriptions",
    "sop_schema",
    "spec_texts",
]


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


def sop_schema(registry: Registry | None = None, *, lang: Lang = "en") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of SOP files for the guards/actions in ``registry``.

    ``lang="id"`` gives the same schema with every ``description`` (what an editor shows on
    hover and in completion) in Bahasa Indonesia and its own ``$id`` (``sop.schema.id.json``):
    the engine's descriptions come from the catalogue, a plugin's guards, actions, checks and
    sections from the Indonesian side of their bilingual texts.
    """
    reg = registry if registry is not None else Registry()
    schema = schema_for(reg)
    if lang == "en":
        return schema
    out: dict[str, Any] = localised(schema, lang, spec_texts(reg, lang))
    out["$id"] = SCHEMA_ID.removesuffix(".json") + f".{lang}.json"
    return out


def spec_texts(reg: Registry, lang: Lang) -> dict[str, str]:
    """The English descriptions of the registered specifications and their text in ``lang``
    (bilingual texts of the plugins: not in the engine's catalogue)."""
    out: dict[str, str] = {}
    tables = (reg.guards, reg.actions, reg.ethics_checks)
    for table in tables:
        for spec in table.values():
            out[spec.description.get("en")] = spec.description.get(lang)
    for section in reg.sections.values():
        out[section.purpose.get("en")] = section.purpose.get(lang)
    for name, purpose in RESERVED_SECTIONS.items():
        if name not in reg.sections:
            out[reserved_for(purpose).render("en")] = reserved_for(purpose).render(lang)
    return out


def localised(schema: Any, lang: Lang, known: Mapping[str, str]) -> Any:
    """``schema`` with each ``description`` and ``title`` in ``lang``: from ``known`` (the
    specifications' own texts), else the catalogue. Everything else is kept as it is."""
    if isinstance(schema, dict):
        return {
            k: (
                known.get(v) or gettext(v, lang)
                if k in ("description", "title") and isinstance(v, str)
                else localised(v, lang, known)
            )
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [localised(v, lang, known) for v in schema]
    return schema


def schema_descriptions(schema: Any, known: Mapping[str, str] | None = None) -> set[str]:
    """Every ``description`` and ``title`` of ``schema`` that is not in ``known`` (the message
    ids ``make catalogues`` extracts from the schemas)."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("description", "title") and isinstance(v, str):
                    found.add(v)
                else:
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)
    return found - set(known or {})


def _read(
    path: str | Path, registry: Registry, text: str | bytes | None
) -> tuple[SopDefinition | None, list[Finding]]:
    def binding(definition: SopDefinition) -> list[Finding]:
        return bind_sop(definition, registry)[1]

    return read_definition(path, registry, text, extra_check=binding)
