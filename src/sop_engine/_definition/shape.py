"""Pass 2 of reading an SOP file: its shape, checked against the JSON Schema.

Every schema error becomes a finding at its line and column, phrased for the policy staff who
write SOP files: the closest known name for a typo, the expected form for a wrong type, the
registered guards and actions for an unknown one, the plugin to install for a foreign name.
"""

from __future__ import annotations

import difflib
import functools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from sop_engine._core.findings import Finding
from sop_engine._definition.source import PathKey, Source

__all__ = ["Suggester", "listing", "shape_findings", "suggest", "where"]


def where(path: Sequence[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "the document"


SUGGEST_MAX_NAME = 80
"""Names longer than this get no suggestion (no one mistypes an 80-character name)."""
SUGGEST_CANDIDATES = 100
"""At most this many known names are compared with one unknown name."""
SUGGEST_PER_FILE = 100
"""At most this many suggestions per file: each costs up to SUGGEST_CANDIDATES comparisons."""
LISTED = 30
"""At most this many known names are listed in one finding."""


def suggest(name: str, known: Sequence[str]) -> str:
    """``; did you mean 'x'?`` for the known name closest to ``name``, or nothing.

    Bounded whatever the file holds: a long name gets no suggestion, and a long list of known
    names is narrowed (by :func:`_candidates`, indexed once per list) to at most
    :data:`SUGGEST_CANDIDATES` before difflib compares them, so a file with thousands of
    unknown names is linted in linear time (issue 18: it was quadratic).
    """
    if len(name) > SUGGEST_MAX_NAME or not known:
        return ""
    pool = list(known) if len(known) <= SUGGEST_CANDIDATES else _candidates(name, tuple(known))
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _candidates(name: str, known: tuple[str, ...]) -> list[str]:
    """The known names most likely to be ``name`` mistyped: same first letter and nearest
    length first, then same last letter; at most :data:`SUGGEST_CANDIDATES`."""
    by_first, by_last = _index(known)
    out: list[str] = []
    for table, letter in ((by_first, name[:1]), (by_last, name[-1:])):
        lengths = table.get(letter, {})
        for n in sorted(lengths, key=lambda n: abs(n - len(name))):
            for k in lengths[n]:
                out.append(k)
                if len(out) >= SUGGEST_CANDIDATES:
                    return out
    return out


@functools.lru_cache(maxsize=8)
def _index(
    known: tuple[str, ...],
) -> tuple[dict[str, dict[int, list[str]]], dict[str, dict[int, list[str]]]]:
    by_first: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    by_last: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for k in known:
        if len(k) <= SUGGEST_MAX_NAME:
            by_first[k[:1]][len(k)].append(k)
            by_last[k[-1:]][len(k)].append(k)
    return by_first, by_last


class Suggester:
    """:func:`suggest` with a budget: the first :data:`SUGGEST_PER_FILE` calls suggest,
    later ones return nothing (one per file being checked)."""

    def __init__(self, limit: int = SUGGEST_PER_FILE) -> None:
        self.left = limit

    def __call__(self, name: str, known: Sequence[str]) -> str:
        if self.left <= 0:
            return ""
        self.left -= 1
        return suggest(name, known)


def listing(names: Sequence[str], limit: int = LISTED) -> str:
    """``a, b, c`` for a finding, at most ``limit`` names and how many more."""
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown}, ... ({len(names) - limit} more)"


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


def shape_findings(source: Source, schema: dict[str, Any]) -> Iterator[Finding]:
    """Every schema error of ``source`` as a finding, each position reported once."""
    validator = Draft202012Validator(schema)
    seen: set[tuple[str, int, int]] = set()
    hint = Suggester()
    for top in validator.iter_errors(source.data):
        for err in _branch_leaves(top):
            for f in _shape_finding(source, err, hint):
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


def _shape_finding(source: Source, err: ValidationError, suggest: Suggester) -> Iterator[Finding]:
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
            reason = f"write one {kind[:-1]} per list item as NAME: {{parameters}}"
            yield at("SOP013", where=at_where, reason=reason)
            return
        if not isinstance(inst, str | dict):
            expected = f"a {kind[:-1]} name or NAME: {{parameters}}"
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
                    known=listing(known),
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
                suggestion = (
                    "; inside { } a comma starts a new entry: put text containing a comma "
                    'in quotes, e.g. en: "Received, not yet verified"'
                )
            yield at(
                "SOP010",
                (*path, extra),
                on_key=True,
                key=extra,
                where=at_where,
                suggestion=suggestion,
                allowed=listing(allowed),
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
        words = " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)
        if path and path[-1] in _TEXT_KEYS:
            words = "text (or a mapping with 'id' and optional 'en')"
        yield at("SOP012", where=at_where, expected=words, found=_found(inst))
        return
    if v == "anyOf":
        schema = err.schema if isinstance(err.schema, dict) else {}
        forms = [
            _TYPE_WORDS.get(b["type"], b["type"]) for b in schema.get("anyOf", []) if "type" in b
        ]
        expected = " or ".join(forms) or "another form"
        yield at("SOP012", where=at_where, expected=expected, found=_found(inst))
        return
    if v in ("propertyNames", "pattern"):
        # jsonschema reports a bad key name as a 'pattern' error on the parent mapping's path
        is_key = v == "propertyNames" or "propertyNames" in err.absolute_schema_path
        name_path: PathKey = (*path, str(inst)) if is_key else path
        reason = (
            f"{inst!r} is not a valid name: use lowercase letters, digits and _ "
            "(like 'admin_instansi'), starting with a letter"
        )
        yield at("SOP013", name_path, on_key=is_key, where=at_where, reason=reason)
        return
    if v == "enum":
        allowed_values = ", ".join(map(str, cast(list[Any], err.validator_value)))
        reason = f"expected one of {allowed_values}, found {_found(inst)}"
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
