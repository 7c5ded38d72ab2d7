"""Reading SOP files into the SOP model: every problem at once, each at its line and column.

Reading runs in three passes, each reporting everything it finds:

1. reading (:mod:`~sop_engine._definition.source`): the file is readable, safe YAML, one mapping;
2. shape (:mod:`~sop_engine._definition.shape`): the data is checked against the JSON Schema
   built from the registered specifications; a file with shape errors stops here, since the
   later checks need a well-formed document;
3. meaning (:mod:`~sop_engine._definition.checks`): names refer to declared things, the state
   machine is sound, extension sections are understood (their handlers build them here).

This module builds the records of :mod:`sop_engine._core.definition` and runs the passes. It
depends on the read-only :class:`~sop_engine._spec.specs.SpecTables`, never on the registry,
and binds nothing: binding names to code, and the public ``load_definition``/``lint_file``
entry points, are in the compile layer (:mod:`sop_engine._compile.loading`).
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import attrs

from sop_engine._core.definition import (
    CallRef,
    EventSpec,
    FieldSpec,
    FieldType,
    Meta,
    RoleSpec,
    SopDefinition,
    StateSpec,
    TransitionSpec,
)
from sop_engine._core.findings import Finding
from sop_engine._core.i18n import Msg
from sop_engine._core.text import Text
from sop_engine._definition.checks import Reporter, check_meaning
from sop_engine._definition.schema import schema_for
from sop_engine._definition.shape import shape_findings, where
from sop_engine._definition.source import PathKey, Source, read_source
from sop_engine._spec.names import RESERVED_SECTIONS
from sop_engine._spec.specs import SpecTables

__all__ = ["content_hash", "finding_order", "read_definition"]

ExtraCheck = Callable[[SopDefinition], list[Finding]]
"""More checks of a definition that passed the built-in ones (the compile layer binds it)."""


def read_definition(
    path: str | Path,
    tables: SpecTables,
    text: str | bytes | None = None,
    *,
    extra_check: ExtraCheck | None = None,
) -> tuple[SopDefinition | None, list[Finding]]:
    """The definition in the file at ``path`` (or in ``text``) and every finding, in file order.

    The definition is ``None`` when the file could not be read or has the wrong shape. When the
    built-in checks found no error, ``extra_check`` runs next, then the plugins' lint rules.
    """
    source = read_source(path, text)
    if isinstance(source, list):
        return None, source
    schema = _schema_cache(tables)
    findings = sorted(shape_findings(source, schema), key=finding_order)
    missing = _missing_plugins(source)
    if missing:  # "install package X" says it all: not also "namespace x is not installed"
        findings = [f for f in findings if f.code != "SOP070"] + missing
    if findings:
        return None, sorted(findings, key=finding_order)
    builder = _Builder(source, tables)
    definition = builder.build()
    findings = builder.findings
    if extra_check is not None and not _errors(findings):
        findings += extra_check(definition)
    if not _errors(findings):
        findings += _plugin_rules(source, definition, tables)
    return definition, sorted(findings, key=finding_order)


def _errors(findings: Sequence[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def _plugin_rules(source: Source, sop: SopDefinition, tables: SpecTables) -> list[Finding]:
    """Run the lint rules plugins registered; a rule that raises is reported, never propagated."""
    out = []
    for name, rule in tables.lint_rules.items():
        try:
            found = list(rule.check(sop))
        except Exception as e:  # a plugin's bug becomes a finding naming it
            line, col = source.position(())
            plugin = tables.owners[("lint_rules", name)]
            out.append(
                Finding(
                    "SOP073",
                    source.path,
                    line,
                    col,
                    {"rule": name, "plugin": plugin, "error": repr(e)},
                )
            )
            continue
        for f in found:
            line, col = source.position(f.path)
            code = "SOP071" if f.severity == "error" else "SOP072"
            args = {
                "rule": name,
                "message_en": f.message.get("en"),
                "message_id": f.message.id,
                "hint_en": f.hint.get("en"),
                "hint_id": f.hint.id,
            }
            out.append(Finding(code, source.path, line, col, args))
    return out


def _missing_plugins(source: Source) -> list[Finding]:
    """``requires:`` names plugin packages; say which to install before anything else fails."""
    from importlib.metadata import PackageNotFoundError, distribution

    required = source.data.get("requires")
    if not isinstance(required, list):
        return []
    out = []
    for k, package in enumerate(required):
        if not isinstance(package, str):
            continue
        try:
            distribution(package)
        except PackageNotFoundError:
            line, col = source.position(("requires", k))
            out.append(Finding("SOP045", source.path, line, col, {"package": package}))
    return out


def finding_order(f: Finding) -> tuple[int, int, str]:
    return (f.line, f.column, f.code)


_SCHEMAS: weakref.WeakKeyDictionary[SpecTables, dict[str, Any]] = weakref.WeakKeyDictionary()


def _schema_cache(tables: SpecTables) -> dict[str, Any]:
    try:
        schema = _SCHEMAS.get(tables)
    except TypeError:  # tables that cannot be weakly referenced: build the schema every time
        return schema_for(tables)
    if schema is None:
        schema = _SCHEMAS[tables] = schema_for(tables)
    return schema


def _text(value: Any, default: str) -> Text:
    return Text(default) if value is None else Text.from_raw(value)


def _opt_text(value: Any) -> Text | None:
    return None if value is None else _text(value, "")


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def content_hash(data: Any) -> str:
    """SHA-256 of the canonical JSON of an SOP's data: the identity cases are pinned to."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Builder(Reporter):
    """Builds the records of one source, reporting what the core sections' meaning checks find
    and what the section handlers report."""

    def __init__(self, source: Source, tables: SpecTables) -> None:
        super().__init__(source)
        self.tables = tables

    def build(self) -> SopDefinition:
        d = self.src.data
        m = d["sop"]
        meta = Meta(
            id=m["id"],
            version=m["version"],
            title=_text(m["title"], m["id"]),
            agency=m["agency"],
            language=m.get("language", "id"),
            description=_opt_text(m.get("description")),
        )
        roles = tuple(
            RoleSpec(
                n,
                _text(r["label"], n),
                _opt_text(r.get("description")),
                self.src.position(("roles", n), key=True),
            )
            for n, r in d["roles"].items()
        )
        fields = tuple(self._field(n, f, ("fields", n)) for n, f in d.get("fields", {}).items())
        field_map = {f.name: f for f in fields}
        states = tuple(
            StateSpec(
                n,
                _text(s["label"], n),
                bool(s.get("initial", False)),
                bool(s.get("final", False)),
                bool(s.get("waiting", False)),
                _opt_text(s.get("description")),
                self.src.position(("states", n), key=True),
            )
            for n, s in d["states"].items()
        )
        events = tuple(self._event(n, e, field_map) for n, e in d["events"].items())
        transitions = tuple(self._transition(i, t) for i, t in enumerate(d["transitions"]))
        intake = _as_tuple(d["intake"]["roles"]) if "intake" in d else ()
        definition = SopDefinition(
            meta=meta,
            roles=roles,
            fields=fields,
            states=states,
            events=events,
            transitions=transitions,
            sections={},
            content_hash=content_hash(d),
            intake_roles=intake,
            path=self.src.path,
            source=self.src.text,
        )
        self.findings += check_meaning(self.src, self.tables, definition)
        return attrs.evolve(definition, sections=self._sections(definition))

    def _field(
        self,
        name: str,
        f: Mapping[str, Any],
        path: PathKey,
        *,
        required_default: bool = False,
        base: FieldSpec | None = None,
    ) -> FieldSpec:
        kind = cast(FieldType, f.get("type", base.type if base else "text"))
        values = tuple(f.get("values", base.values if base else ()))
        ref = f.get("ref", base.ref if base else None)
        if kind == "enum" and not values:
            self.add(
                "SOP039", path, key=True, name=name, reason=Msg("an enum field needs 'values'")
            )
        if kind != "enum" and "values" in f:
            self.add(
                "SOP039",
                (*path, "values"),
                key=True,
                name=name,
                reason=Msg("'values' only applies to enum fields, this one is {kind!r}", kind=kind),
            )
        if kind == "ref" and ref is None:
            self.add(
                "SOP039",
                path,
                key=True,
                name=name,
                reason=Msg("a ref field needs 'ref: person' or 'ref: unit'"),
            )
        if kind != "ref" and "ref" in f:
            self.add(
                "SOP039",
                (*path, "ref"),
                key=True,
                name=name,
                reason=Msg("'ref' only applies to ref fields, this one is {kind!r}", kind=kind),
            )
        label = f.get("label")
        return FieldSpec(
            name=name,
            type=kind,
            label=_text(label, base.label.id if base else name.replace("_", " ")),
            required=bool(f.get("required", required_default)),
            values=values,
            ref=ref,
            description=_opt_text(f.get("description")) or (base.description if base else None),
            personal=bool(f.get("personal", base.personal if base else False)),
            allow_blank=bool(f.get("allow_blank", base.allow_blank if base else False)),
            pos=self.src.position(path, key=True),
        )

    def _event(self, name: str, e: Mapping[str, Any], fields: Mapping[str, FieldSpec]) -> EventSpec:
        data = []
        for dn, df in e.get("data", {}).items():
            path: PathKey = ("events", name, "data", dn)
            base = fields.get(dn)
            if base is not None:
                base_values = {"type": base.type, "values": list(base.values), "ref": base.ref}
                for attr, value in base_values.items():
                    if attr in df and df[attr] != value:
                        self.add("SOP036", (*path, attr), name=dn, what=attr)
            if base is None and "type" not in df:
                self.add(
                    "SOP039",
                    path,
                    key=True,
                    name=dn,
                    reason=Msg("event data that is not a case field needs a 'type'"),
                )
            data.append(self._field(dn, df, path, required_default=True, base=base))
        return EventSpec(
            name=name,
            label=_text(e["label"], name),
            roles=_as_tuple(e.get("roles")),
            data=tuple(data),
            description=_opt_text(e.get("description")),
            pos=self.src.position(("events", name), key=True),
        )

    def _calls(self, items: Sequence[Any], path: PathKey) -> tuple[CallRef, ...]:
        out = []
        for j, item in enumerate(items):
            p = (*path, j)
            if isinstance(item, str):
                out.append(CallRef(item, {}, self.src.position(p), p))
            else:
                ((n, params),) = item.items()
                out.append(CallRef(n, dict(params or {}), self.src.position(p), (*p, n)))
        return tuple(out)

    def _transition(self, i: int, t: Mapping[str, Any]) -> TransitionSpec:
        path: PathKey = ("transitions", i)
        return TransitionSpec(
            index=i + 1,
            event=t["event"],
            sources=_as_tuple(t["from"]),
            dest=t["to"],
            roles=_as_tuple(t["roles"]) if "roles" in t else None,
            guards=self._calls(t.get("guards", []), (*path, "guards")),
            actions=self._calls(t.get("actions", []), (*path, "actions")),
            description=_opt_text(t.get("description")),
            pos=self.src.position(path),
        )

    # extension sections

    def _sections(self, sop: SopDefinition) -> dict[str, Any]:
        out: dict[str, Any] = {}
        # Reserved sections first, in their declared order, so a later one (invariants) can
        # look at what an earlier one (deadlines) built, wherever they stand in the file.
        order = {name: k for k, name in enumerate(RESERVED_SECTIONS)}
        for name in sorted(self.src.data, key=lambda n: order.get(n, len(order))):
            if name in (
                "sop",
                "requires",
                "roles",
                "intake",
                "fields",
                "states",
                "events",
                "transitions",
            ):
                continue
            handler = self.tables.sections.get(name)
            if handler is None:
                purpose = RESERVED_SECTIONS.get(name, Text(name))
                self.add("SOP037", (name,), key=True, section=name, purpose=purpose.get("en"))
                continue
            value, problems = handler.build(
                self.src.data[name], attrs.evolve(sop, sections=dict(out)), self.tables
            )
            for problem in problems:
                path = (name, *problem.path)
                self.add_args(
                    problem.code,
                    path,
                    problem.key,
                    {"where": where(path, self.src.data), **problem.args},
                )
            out[name] = value
        return out
