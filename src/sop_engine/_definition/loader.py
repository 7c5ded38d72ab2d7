"""Loading and validating SOP files: every problem at once, each at its line and column.

Validation runs in three passes, each reporting everything it finds:

1. reading (:mod:`sop_engine.source`): the file is readable, safe YAML, one mapping;
2. shape: the data is checked against the JSON Schema built from the registry (:mod:`sop_engine.schema`);
   a file with shape errors stops here, since the later checks need a well-formed document;
3. meaning: names refer to declared things, the state machine has one initial state, every state
   is reachable and can reach a final state, alternatives for the same event are distinguishable,
   guard and action parameters fit the fields they name, extension sections are understood.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import weakref
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import attrs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from sop_engine._compile.registry import RESERVED_SECTIONS, Registry
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
from sop_engine._core.errors import SopValidationError
from sop_engine._core.findings import Finding
from sop_engine._core.text import Text
from sop_engine._definition.schema import sop_schema
from sop_engine._definition.source import PathKey, Source, read_source

__all__ = ["lint_file", "lint_text", "load_definition"]


def load_definition(
    path: str | Path, *, registry: Registry | None = None, text: str | bytes | None = None
) -> SopDefinition:
    """Read and validate an SOP file; raise :class:`SopValidationError` listing every error."""
    definition, findings = _load(path, registry or Registry(), text)
    if definition is None or any(f.severity == "error" for f in findings):
        raise SopValidationError(findings)
    return definition


def lint_file(path: str | Path, *, registry: Registry | None = None) -> list[Finding]:
    """Every finding for the file at ``path`` (errors and warnings), in file order."""
    return _load(path, registry or Registry(), None)[1]


def lint_text(
    text: str | bytes, *, name: str = "<text>", registry: Registry | None = None
) -> list[Finding]:
    """Every finding for SOP text given directly (e.g. from an editor buffer)."""
    return _load(name, registry or Registry(), text)[1]


def _load(
    path: str | Path, registry: Registry, text: str | bytes | None
) -> tuple[SopDefinition | None, list[Finding]]:
    source = read_source(path, text)
    if isinstance(source, list):
        return None, source
    schema = _schema_cache(registry)
    findings = sorted(_shape_findings(source, schema), key=_order)
    missing = _missing_plugins(source)
    if missing:  # "install package X" says it all: not also "namespace x is not installed"
        findings = [f for f in findings if f.code != "SOP070"] + missing
    if findings:
        return None, sorted(findings, key=_order)
    checker = _Checker(source, registry)
    definition = checker.build()
    if not any(f.severity == "error" for f in checker.findings):
        checker.findings += _plugin_rules(source, definition, registry)
    return definition, sorted(checker.findings, key=_order)


def _plugin_rules(source: Source, sop: SopDefinition, registry: Registry) -> list[Finding]:
    """Run the lint rules plugins registered; a rule that raises is reported, never propagated."""
    out = []
    for name, rule in registry.lint_rules.items():
        try:
            found = list(rule.check(sop))
        except Exception as e:  # a plugin's bug becomes a finding naming it
            line, col = source.position(())
            plugin = registry.owners[("lint_rules", name)]
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


def _order(f: Finding) -> tuple[int, int, str]:
    return (f.line, f.column, f.code)


_SCHEMAS: weakref.WeakKeyDictionary[Registry, dict[str, Any]] = weakref.WeakKeyDictionary()


def _schema_cache(registry: Registry) -> dict[str, Any]:
    schema = _SCHEMAS.get(registry)
    if schema is None:
        schema = _SCHEMAS[registry] = sop_schema(registry)
    return schema


# -- pass 2: shape -----------------------------------------------------------------------------


def _where(path: Sequence[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "the document"


def _suggest(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


_TEXT_KEYS = ("label", "description", "title")

_TYPE_WORDS = {
    "object": "a mapping (key: value)",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


def _found(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"text {value!r:.40}"
    return f"{type(value).__name__} {value!r:.40}"


def _branch_leaves(err: ValidationError) -> list[ValidationError]:
    """Descend into anyOf/oneOf to the branch the value was evidently meant for."""
    if err.validator not in ("anyOf", "oneOf") or not err.context:
        return [err]
    branches: dict[int, list[ValidationError]] = defaultdict(list)
    for sub in err.context:
        branches[cast(int, sub.relative_schema_path[0])].append(sub)
    viable = [
        errs
        for errs in branches.values()
        if not any(e.validator in ("type", "enum", "not") and not e.relative_path for e in errs)
    ]
    if len(viable) == 1:
        return [leaf for sub in viable[0] for leaf in _branch_leaves(sub)]
    return [err]


def _call_kind(path: Sequence[str | int]) -> str | None:
    if len(path) >= 4 and path[0] == "transitions" and path[2] in ("guards", "actions"):
        return str(path[2])
    return None


def _shape_findings(source: Source, schema: dict[str, Any]) -> Iterator[Finding]:
    validator = Draft202012Validator(schema)
    seen: set[tuple[str, int, int]] = set()
    for top in validator.iter_errors(source.data):
        for err in _branch_leaves(top):
            for f in _shape_finding(source, err):
                key = (f.code, f.line, f.column)
                if key not in seen:
                    seen.add(key)
                    yield f


def _known_calls(err: ValidationError, kind: str) -> list[str]:
    schema = err.schema if isinstance(err.schema, dict) else {}
    if "properties" in schema:
        return sorted(schema["properties"])
    parent = err.parent
    if parent is not None and isinstance(parent.schema, dict):
        for branch in parent.schema.get("anyOf", []):
            if "properties" in branch:
                return sorted(branch["properties"])
    return []


def _shape_finding(source: Source, err: ValidationError) -> Iterator[Finding]:
    path: PathKey = tuple(err.absolute_path)
    where = _where(path)

    def at(code: str, p: PathKey = path, *, on_key: bool = False, **args: Any) -> Finding:
        line, col = source.position(p, key=on_key)
        return Finding(code, source.path, line, col, args)

    kind = _call_kind(path)
    v = err.validator
    inst = err.instance
    if kind is not None and len(path) == 4 and v in _CALL_VALIDATORS:
        known = _known_calls(err, kind)
        if isinstance(inst, dict) and len(inst) != 1:
            reason = f"write one {kind[:-1]} per list item as NAME: {{parameters}}"
            yield at("SOP013", where=where, reason=reason)
            return
        if not isinstance(inst, str | dict):
            expected = f"a {kind[:-1]} name or NAME: {{parameters}}"
            yield at("SOP012", where=where, expected=expected, found=_found(inst))
            return
        code = "SOP028" if kind == "guards" else "SOP029"
        namespaces = {k.partition(".")[0] for k in known if "." in k}
        for n in [inst] if isinstance(inst, str) else list(inst):
            if n not in known:
                p = (*path, n) if isinstance(inst, dict) else path
                namespace, dot, _ = str(n).partition(".")
                if dot and namespace not in namespaces:
                    yield at(
                        "SOP070",
                        p,
                        on_key=isinstance(inst, dict),
                        name=n,
                        namespace=namespace,
                        kind=kind[:-1],
                        kind_id="guard" if kind == "guards" else "aksi",
                    )
                    continue
                yield at(
                    code,
                    p,
                    on_key=isinstance(inst, dict),
                    name=n,
                    suggestion=_suggest(str(n), known),
                    known=", ".join(known),
                )
        return
    if v == "additionalProperties" and isinstance(inst, dict):
        schema = err.schema if isinstance(err.schema, dict) else {}
        allowed = sorted(schema.get("properties", {}))
        for extra in inst:
            if extra in allowed:
                continue
            suggestion = _suggest(extra, allowed)
            if path and path[-1] in _TEXT_KEYS and not suggestion:
                suggestion = (
                    "; inside { } a comma starts a new entry: put text containing a comma "
                    'in quotes, e.g. en: "Received, not yet verified"'
                )
            yield at(
                "SOP010",
                (*path, extra),
                on_key=True,
                key=extra,
                where=where,
                suggestion=suggestion,
                allowed=", ".join(allowed),
            )
        return
    if v == "required" and isinstance(inst, dict):
        for missing in cast(list[str], err.validator_value):
            if missing not in inst:
                yield at("SOP011", on_key=True, where=where, key=missing)
        return
    if v == "type":
        type_value = err.validator_value
        kinds = [str(k) for k in (type_value if isinstance(type_value, list) else [type_value])]
        words = " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)
        if path and path[-1] in _TEXT_KEYS:
            words = "text (or a mapping with 'id' and optional 'en')"
        yield at("SOP012", where=where, expected=words, found=_found(inst))
        return
    if v == "anyOf":
        schema = err.schema if isinstance(err.schema, dict) else {}
        forms = [
            _TYPE_WORDS.get(b["type"], b["type"]) for b in schema.get("anyOf", []) if "type" in b
        ]
        expected = " or ".join(forms) or "another form"
        yield at("SOP012", where=where, expected=expected, found=_found(inst))
        return
    if v in ("propertyNames", "pattern"):
        # jsonschema reports a bad key name as a 'pattern' error on the parent mapping's path
        is_key = v == "propertyNames" or "propertyNames" in err.absolute_schema_path
        name_path: PathKey = (*path, str(inst)) if is_key else path
        reason = (
            f"{inst!r} is not a valid name: use lowercase letters, digits and _ "
            "(like 'admin_instansi'), starting with a letter"
        )
        yield at("SOP013", name_path, on_key=is_key, where=where, reason=reason)
        return
    if v == "enum":
        allowed_values = ", ".join(map(str, cast(list[Any], err.validator_value)))
        reason = f"expected one of {allowed_values}, found {_found(inst)}"
        yield at("SOP013", where=where, reason=reason)
        return
    yield at("SOP013", where=where, reason=err.message)


_CALL_VALIDATORS = (
    "additionalProperties",
    "anyOf",
    "enum",
    "not",
    "minProperties",
    "maxProperties",
)


# -- pass 3: meaning ---------------------------------------------------------------------------


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


class _Checker:
    def __init__(self, source: Source, registry: Registry) -> None:
        self.src = source
        self.reg = registry
        self.findings: list[Finding] = []

    def add(self, code: str, path: PathKey, *, key: bool = False, **args: Any) -> None:
        line, col = self.src.position(path, key=key)
        self.findings.append(Finding(code, self.src.path, line, col, args))

    def unknown(self, code: str, name: str, known: Sequence[str], path: PathKey) -> None:
        self.add(
            code,
            path,
            name=name,
            suggestion=_suggest(name, known),
            known=", ".join(sorted(known)) or "none",
        )

    # building records

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
        self.check(definition)
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
            self.add("SOP039", path, key=True, name=name, reason="an enum field needs 'values'")
        if kind != "enum" and "values" in f:
            self.add(
                "SOP039",
                (*path, "values"),
                key=True,
                name=name,
                reason=f"'values' only applies to enum fields, this one is {kind}",
            )
        if kind == "ref" and ref is None:
            self.add(
                "SOP039",
                path,
                key=True,
                name=name,
                reason="a ref field needs 'ref: person' or 'ref: unit'",
            )
        if kind != "ref" and "ref" in f:
            self.add(
                "SOP039",
                (*path, "ref"),
                key=True,
                name=name,
                reason=f"'ref' only applies to ref fields, this one is {kind}",
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
                    reason="event data that is not a case field needs a 'type'",
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

    # checks

    def check(self, sop: SopDefinition) -> None:
        states = {s.name: s for s in sop.states}
        events = {e.name: e for e in sop.events}
        roles = [r.name for r in sop.roles]
        field_names = [f.name for f in sop.fields]
        initials = [s for s in sop.states if s.initial]
        if not initials:
            self.add("SOP020", ("states",), key=True)
        elif len(initials) > 1:
            for s in initials[1:]:
                self.add(
                    "SOP021",
                    ("states", s.name, "initial"),
                    states=", ".join(x.name for x in initials),
                )
        for s in sop.states:
            flags = [f for f in ("initial", "waiting") if getattr(s, f)]
            if s.final and flags:
                self.add(
                    "SOP035",
                    ("states", s.name),
                    key=True,
                    state=s.name,
                    flags=" and ".join(["final", *flags]),
                )
        for e in sop.events:
            for k, r in enumerate(e.roles):
                if r not in roles:
                    p: PathKey = ("events", e.name, "roles")
                    self.unknown(
                        "SOP027",
                        r,
                        roles,
                        (*p, k)
                        if len(e.roles) > 1
                        or isinstance(self.src.data["events"][e.name]["roles"], list)
                        else p,
                    )
        raw_intake = self.src.data.get("intake", {}).get("roles")
        for k, r in enumerate(sop.intake_roles):
            if r not in roles:
                ip: PathKey = (
                    ("intake", "roles", k) if isinstance(raw_intake, list) else ("intake", "roles")
                )
                self.unknown("SOP027", r, roles, ip)
        used_events: set[str] = set()
        for t in sop.transitions:
            tp: PathKey = ("transitions", t.index - 1)
            if t.event not in events:
                self.unknown("SOP026", t.event, list(events), (*tp, "event"))
            used_events.add(t.event)
            raw_from = self.src.data["transitions"][t.index - 1]["from"]
            for k, src in enumerate(t.sources):
                if src not in states:
                    sp = (*tp, "from", k) if isinstance(raw_from, list) else (*tp, "from")
                    self.unknown("SOP025", src, list(states), sp)
                elif states[src].final:
                    sp = (*tp, "from", k) if isinstance(raw_from, list) else (*tp, "from")
                    self.add("SOP024", sp, state=src, index=t.index)
            if t.dest not in states:
                self.unknown("SOP025", t.dest, list(states), (*tp, "to"))
            if t.roles is not None:
                raw_roles = self.src.data["transitions"][t.index - 1]["roles"]
                for k, r in enumerate(t.roles):
                    if r not in roles:
                        rp = (*tp, "roles", k) if isinstance(raw_roles, list) else (*tp, "roles")
                        self.unknown("SOP027", r, roles, rp)
            effective = (
                t.roles
                if t.roles is not None
                else (events[t.event].roles if t.event in events else ("?",))
            )
            if not effective:
                self.add("SOP033", (*tp, "event"), event=t.event)
            for call in t.guards:
                self._check_call(call, self.reg.guards, sop, field_names)
            for call in t.actions:
                self._check_call(call, self.reg.actions, sop, field_names)
        for e in sop.events:
            if e.name not in used_events:
                self.add("SOP034", ("events", e.name), key=True, event=e.name)
        self._check_graph(sop, states)
        self._check_alternatives(sop)

    def _check_call(
        self, call: CallRef, table: Mapping[str, Any], sop: SopDefinition, field_names: list[str]
    ) -> None:
        spec = table.get(call.name)
        if spec is None:  # the schema already reported it
            return
        for param in spec.field_params:
            value = call.params.get(param)
            names = [value] if isinstance(value, str) else list(value or [])
            for k, n in enumerate(names):
                if n not in field_names:
                    p = (*call.path, param) if isinstance(value, str) else (*call.path, param, k)
                    self.unknown("SOP031", n, field_names, p)
        if spec.check is not None:
            for problem in spec.check(call.params, sop):
                self.add("SOP030", call.path, key=True, name=call.name, reason=problem)

    def _check_graph(self, sop: SopDefinition, states: Mapping[str, StateSpec]) -> None:
        initials = [s.name for s in sop.states if s.initial]
        if len(initials) != 1:
            return
        edges: dict[str, set[str]] = defaultdict(set)
        back: dict[str, set[str]] = defaultdict(set)
        for t in sop.transitions:
            if t.dest not in states:
                continue
            for src in t.sources:
                if src in states:
                    edges[src].add(t.dest)
                    back[t.dest].add(src)
        reach = _bfs([initials[0]], edges)
        for st in sop.states:
            if st.name not in reach:
                self.add(
                    "SOP022", ("states", st.name), key=True, state=st.name, initial=initials[0]
                )
        finals = [st.name for st in sop.states if st.final]
        can_finish = _bfs(finals, back)
        for st in sop.states:
            if st.name in reach and st.name not in can_finish:
                self.add("SOP023", ("states", st.name), key=True, state=st.name)

    def _check_alternatives(self, sop: SopDefinition) -> None:
        events = {e.name: e for e in sop.events}
        groups: dict[tuple[str, str], list[TransitionSpec]] = defaultdict(list)
        for t in sop.transitions:
            for s in t.sources:
                groups[(s, t.event)].append(t)

        def roles_of(t: TransitionSpec) -> set[str]:
            if t.roles is not None:
                return set(t.roles)
            return set(events[t.event].roles) if t.event in events else set()

        for (state, event), ts in groups.items():
            for k, later in enumerate(ts):
                for earlier in ts[:k]:
                    if not roles_of(later) & roles_of(earlier):
                        continue  # different roles tell them apart
                    if not earlier.guards and roles_of(later) <= roles_of(earlier):
                        self.add(
                            "SOP038",
                            ("transitions", later.index - 1),
                            index=later.index,
                            event=event,
                            state=state,
                            earlier=earlier.index,
                        )
                        break
                    if earlier.guards and _same_calls(earlier.guards, later.guards):
                        self.add(
                            "SOP032",
                            ("transitions", later.index - 1),
                            event=event,
                            state=state,
                            indexes=f"{earlier.index} and {later.index}",
                        )
                        break

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
            handler = self.reg.sections.get(name)
            if handler is None:
                purpose = RESERVED_SECTIONS.get(name, Text(name))
                self.add("SOP037", (name,), key=True, section=name, purpose=purpose.get("en"))
                continue
            value, problems = handler.build(
                self.src.data[name], attrs.evolve(sop, sections=dict(out)), self.reg
            )
            for problem in problems:
                path = (name, *problem.path)
                self.add(problem.code, path, key=problem.key, where=_where(path), **problem.args)
            out[name] = value
        return out


def _same_calls(a: Sequence[CallRef], b: Sequence[CallRef]) -> bool:
    return [(c.name, dict(c.params)) for c in a] == [(c.name, dict(c.params)) for c in b]


def _bfs(start: Sequence[str], edges: Mapping[str, set[str]]) -> set[str]:
    seen = set(start)
    queue = deque(start)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
