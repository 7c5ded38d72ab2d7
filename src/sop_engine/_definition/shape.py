"""Pass 2 of reading an SOP file: its shape, checked against the JSON Schema.

Every schema error becomes a finding at its line and column, phrased for the policy staff who
write SOP files: the closest known name for a typo, the expected form for a wrong type, the
registered guards and actions for an unknown one, the plugin to install for a foreign name.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from sop_engine._core.findings import Finding
from sop_engine._core.i18n import N_, Msg
from sop_engine._definition.source import PathKey, Source

__all__ = ["shape_findings", "suggest", "where"]


def where(path: Sequence[str | int]) -> str | Msg:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or Msg("the document")


def suggest(name: str, known: Sequence[str]) -> str | Msg:
    """``; did you mean 'x'?`` in the reader's language for the closest known name, else ``""``."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return Msg("; did you mean {name!r}?", name=close[0]) if close else ""


_TEXT_KEYS = ("label", "description", "title")

# The JSON Schema's type names as policy staff say them (message ids: rendered in their language).
_TYPE_WORDS = {
    "object": N_("a mapping (key: value)"),
    "array": N_("a list"),
    "string": N_("text"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("true or false"),
    "null": N_("nothing"),
}


def _type_word(kind: str) -> Msg | str:
    return Msg(_TYPE_WORDS[kind]) if kind in _TYPE_WORDS else kind


def _either(forms: Sequence[Msg | str]) -> Msg | str:
    """``a or b or c`` in the reader's language."""
    if not forms:
        return Msg("another form")
    out: Msg | str = forms[0]
    for form in forms[1:]:
        out = Msg("{first} or {second}", first=out, second=form)
    return out


def _found(value: Any) -> Msg:
    """What the file holds, described in the reader's language (a value cut at 40 characters)."""
    if isinstance(value, bool):
        return Msg("{value} (true/false)", value=str(value).lower())
    if isinstance(value, dict):
        return Msg("a mapping")
    if isinstance(value, list):
        return Msg("a list")
    if value is None:
        return Msg("nothing")
    if isinstance(value, str):
        return Msg("text {value}", value=repr(value)[:40])
    return Msg("the number {value}", value=repr(value)[:40])


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


def shape_findings(source: Source, schema: dict[str, Any]) -> Iterator[Finding]:
    """Every schema error of ``source`` as a finding, each position reported once."""
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
    at_where = where(path)

    def at(code: str, p: PathKey = path, *, on_key: bool = False, **args: Any) -> Finding:
        line, col = source.position(p, key=on_key)
        return Finding(code, source.path, line, col, args)

    kind = _call_kind(path)
    v = err.validator
    inst = err.instance
    if kind is not None and len(path) == 4 and v in _CALL_VALIDATORS:
        known = _known_calls(err, kind)
        if isinstance(inst, dict) and len(inst) != 1:
            reason = (
                Msg("write one guard per list item as NAME: {{parameters}}")
                if kind == "guards"
                else Msg("write one action per list item as NAME: {{parameters}}")
            )
            yield at("SOP013", where=at_where, reason=reason)
            return
        if not isinstance(inst, str | dict):
            expected = (
                Msg("a guard name or NAME: {{parameters}}")
                if kind == "guards"
                else Msg("an action name or NAME: {{parameters}}")
            )
            yield at("SOP012", where=at_where, expected=expected, found=_found(inst))
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
                    suggestion=suggest(str(n), known),
                    known=", ".join(known),
                )
        return
    if v == "additionalProperties" and isinstance(inst, dict):
        schema = err.schema if isinstance(err.schema, dict) else {}
        allowed = sorted(schema.get("properties", {}))
        for extra in inst:
            if extra in allowed:
                continue
            suggestion = suggest(extra, allowed)
            if path and path[-1] in _TEXT_KEYS and not suggestion:
                suggestion = Msg(
                    "; inside {{ }} a comma starts a new entry: put text containing a comma "
                    'in quotes, e.g. en: "Received, not yet verified"'
                )
            yield at(
                "SOP010",
                (*path, extra),
                on_key=True,
                key=extra,
                where=at_where,
                suggestion=suggestion,
                allowed=", ".join(allowed),
            )
        return
    if v == "required" and isinstance(inst, dict):
        for missing in cast(list[str], err.validator_value):
            if missing not in inst:
                yield at("SOP011", on_key=True, where=at_where, key=missing)
        return
    if v == "type":
        type_value = err.validator_value
        kinds = [str(k) for k in (type_value if isinstance(type_value, list) else [type_value])]
        words = _either([_type_word(k) for k in kinds])
        if path and path[-1] in _TEXT_KEYS:
            words = Msg("text (or a mapping with 'id' and optional 'en')")
        yield at("SOP012", where=at_where, expected=words, found=_found(inst))
        return
    if v == "anyOf":
        schema = err.schema if isinstance(err.schema, dict) else {}
        forms = [_type_word(b["type"]) for b in schema.get("anyOf", []) if "type" in b]
        either = _either(forms)
        yield at("SOP012", where=at_where, expected=either, found=_found(inst))
        return
    if v in ("propertyNames", "pattern"):
        # jsonschema reports a bad key name as a 'pattern' error on the parent mapping's path
        is_key = v == "propertyNames" or "propertyNames" in err.absolute_schema_path
        name_path: PathKey = (*path, str(inst)) if is_key else path
        reason = Msg(
            "{name!r} is not a valid name: use lowercase letters, digits and _ "
            "(like 'admin_instansi'), starting with a letter",
            name=inst,
        )
        yield at("SOP013", name_path, on_key=is_key, where=at_where, reason=reason)
        return
    if v == "enum":
        allowed_values = ", ".join(map(str, cast(list[Any], err.validator_value)))
        reason = Msg(
            "expected one of {allowed}, found {found}", allowed=allowed_values, found=_found(inst)
        )
        yield at("SOP013", where=at_where, reason=reason)
        return
    yield at("SOP013", where=at_where, reason=err.message)


_CALL_VALIDATORS = (
    "additionalProperties",
    "anyOf",
    "enum",
    "not",
    "minProperties",
    "maxProperties",
)
