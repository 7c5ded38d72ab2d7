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
from sop_engine._core.i18n import N_, Msg
from sop_engine._core.text import Text
from sop_engine._definition.source import PathKey, Source

__all__ = ["Suggester", "humanise", "listing", "ordinal", "shape_findings", "suggest", "where"]

# A list item is named by what a policy officer sees in the file: its one-based number and the
# words that identify it (the event and states of a transition, the id of an ethics rule).
_ITEMS = {
    "guards": N_("guard {n}"),
    "actions": N_("action {n}"),
    "escalation": N_("escalation level {n}"),
    "reminders": N_("reminder {n}"),
    "duration": N_("duration rule {n}"),
    "days_off": N_("day off {n}"),
}


_CONTAINERS = frozenset(
    {"transitions", "states", "events", "roles", "fields", "clocks", "rules", *_ITEMS}
)


def ordinal(n: int) -> Text:
    """``17th`` in English, ``17`` in Indonesian (whose template reads ``ke-{nth}``)."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return Text(str(n), f"{n}{suffix}")


def _label(node: Any) -> Text | str:
    """The node's label in the reader's language (a ``{id, en}`` label renders per reader)."""
    raw = node.get("label") if isinstance(node, dict) else None
    if isinstance(raw, dict):
        first, second = raw.get("id"), raw.get("en")
        if isinstance(first, str) and isinstance(second, str):
            return Text(first, second)
        raw = first if isinstance(first, str) else second
    return raw if isinstance(raw, str) else ""


def _names(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value) if value is not None else "?"


def _piece(parent: Any, key: str | int, path: Sequence[str | int], node: Any) -> Msg | str:
    """How one step of a path reads: a numbered item with its identifying words, or a key."""
    top = path[0] if path else None
    if isinstance(key, int):
        n = key + 1
        if top == "transitions" and len(path) == 1:
            node = node if isinstance(node, dict) else {}
            return Msg(
                "the {nth} transition ({event}: {source} → {target})",
                nth=ordinal(n),
                event=node.get("event", "?"),
                source=_names(node.get("from")),
                target=node.get("to", "?"),
            )
        if path[-1] == "rules" and isinstance(node, dict) and "id" in node:
            return Msg("rule {n} ({rule})", n=n, rule=node["id"])
        label = _ITEMS.get(str(path[-1])) if path else None
        return Msg(label, n=n) if label else Msg("item {n}", n=n)
    if len(path) == 1 and top in ("states", "events", "roles", "fields"):
        kind = {"states": N_("state"), "events": N_("event"), "roles": N_("role")}.get(
            str(top), N_("field")
        )
        named = _label(node)
        if named:
            return Msg("{kind} {name!r} ({label})", kind=Msg(kind), name=key, label=named)
        return Msg("{kind} {name!r}", kind=Msg(kind), name=key)
    if len(path) == 2 and path[0] == "deadlines" and path[1] == "clocks":
        named = _label(node)
        if named:
            return Msg("clock {name!r} ({label})", name=key, label=named)
        return Msg("clock {name!r}", name=key)
    return str(key)


def where(path: Sequence[str | int], data: Any = None) -> Msg | str:
    """Where a finding is, as a policy officer reads the file: one-based item numbers and the
    labels of the state, event or transition concerned (``transitions[16]`` reads "the 17th
    transition (disposisi: terverifikasi → terdisposisi)"). Without ``data`` the labels are
    left out."""
    if not path:
        return Msg("the document")
    pieces: list[Msg | str] = []
    keys: list[str] = []
    node = data
    for k, key in enumerate(path):
        parent = node
        child: Any = None
        if isinstance(node, dict):
            child = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            child = node[key]
        piece = _piece(parent, key, path[:k], child)
        if isinstance(piece, str):
            keys.append(piece)
        else:
            if keys and keys[-1] in _CONTAINERS:
                keys.pop()  # "transitions, the 17th transition" says it twice
            if keys:
                pieces.append(".".join(keys))
                keys = []
            pieces.append(piece)
        node = child
    if keys:
        pieces.append(".".join(keys))
    out: Msg | str = pieces[0]
    for piece in pieces[1:]:
        out = Msg("{outer}, {inner}", outer=out, inner=piece)
    return out


_EXAMPLES = {
    "label": "label: Diterima",
    "title": "title: Pengelolaan Pengaduan",
    "id": "id: pengaduan-dinas",
    "version": 'version: "1"',
    "agency": "agency: Dinas Kominfo",
    "event": "event: verifikasi",
    "from": "from: diterima",
    "to": "to: terverifikasi",
    "type": "type: text",
    "roles": "roles: admin_instansi",
    "states": "states: { diterima: { label: Diterima, initial: true } }",
    "events": "events: { verifikasi: { label: Verifikasi, roles: admin_instansi } }",
    "transitions": "transitions: [ { event: verifikasi, from: diterima, to: terverifikasi } ]",
    "check": "check: conflict_of_interest",
    "severity": "severity: block",
    "require": "require: { field_present: tanggapan }",
}


def example(key: str) -> str:
    """A line to copy for a missing key."""
    return _EXAMPLES.get(key, f"{key}: ...")


def humanise(err: ValidationError) -> str | Msg:
    """A JSON Schema complaint in the words of the file's reader, never jsonschema's English
    (``0 is less than or equal to the minimum of 0``)."""
    v, limit, found = err.validator, err.validator_value, err.instance
    if v == "exclusiveMinimum":
        return Msg("write a number above {limit}, not {found}", limit=limit, found=found)
    if v == "minimum":
        return Msg("write {limit} or more, not {found}", limit=limit, found=found)
    if v == "exclusiveMaximum":
        return Msg("write a number below {limit}, not {found}", limit=limit, found=found)
    if v == "maximum":
        return Msg("write {limit} or less, not {found}", limit=limit, found=found)
    if v == "minLength":
        return Msg("write some text here: it cannot be empty")
    if v == "maxLength":
        return Msg("shorten the text to at most {limit} characters", limit=limit)
    if v == "minItems":
        return Msg("list at least {limit} item(s) here", limit=limit)
    if v == "maxItems":
        return Msg("list at most {limit} item(s) here", limit=limit)
    if v == "uniqueItems":
        return Msg("each item may appear only once in this list")
    if v == "minProperties":
        return Msg("write at least {limit} entry(ies) here", limit=limit)
    if v == "maxProperties":
        return Msg("write at most {limit} entry(ies) here", limit=limit)
    if v == "const":
        return Msg("write {limit!r} here", limit=limit)
    if v == "not":
        return Msg("this value is not allowed here")
    return Msg("this is not the expected form here")


SUGGEST_MAX_NAME = 80
"""Names longer than this get no suggestion (no one mistypes an 80-character name)."""
SUGGEST_CANDIDATES = 100
"""At most this many known names are compared with one unknown name."""
SUGGEST_PER_FILE = 100
"""At most this many suggestions per file: each costs up to SUGGEST_CANDIDATES comparisons."""
LISTED = 30
"""At most this many known names are listed in one finding."""


def suggest(name: str, known: Sequence[str]) -> str | Msg:
    """``; did you mean 'x'?`` (in the reader's language) for the known name closest to ``name``, or nothing.

    Bounded whatever the file holds: a long name gets no suggestion, and a long list of known
    names is narrowed (by :func:`_candidates`, indexed once per list) to at most
    :data:`SUGGEST_CANDIDATES` before difflib compares them, so a file with thousands of
    unknown names is linted in linear time (issue 18: it was quadratic).
    """
    if len(name) > SUGGEST_MAX_NAME or not known:
        return ""
    pool = list(known) if len(known) <= SUGGEST_CANDIDATES else _candidates(name, tuple(known))
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return Msg("; did you mean {name!r}?", name=close[0]) if close else ""


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

    def __call__(self, name: str, known: Sequence[str]) -> str | Msg:
        if self.left <= 0:
            return ""
        self.left -= 1
        return suggest(name, known)


def listing(names: Sequence[str], limit: int = LISTED) -> str | Msg:
    """``a, b, c`` for a finding, at most ``limit`` names and how many more."""
    shown = ", ".join(names[:limit])
    if len(names) <= limit:
        return shown
    return Msg("{shown}, ... ({n} more)", shown=shown, n=len(names) - limit)


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


def _comma_split(
    path: Sequence[str | int], inst: dict[str, Any], extra: str
) -> tuple[str, str] | None:
    """The label (key, first part) an unquoted comma split ``extra`` off, if that is what
    happened: ``{ label: Ditanggapi, menunggu umpan balik }`` reads as a label
    ``Ditanggapi`` and an empty key ``menunggu umpan balik``; the same inside ``{id:…, en:…}``.
    Recognised wherever a label, title or description is written."""
    if inst.get(extra) is not None:
        return None
    if path and path[-1] in _TEXT_KEYS:  # inside { id: …, en: … }
        keys = [k for k in ("en", "id") if isinstance(inst.get(k), str)]
        return (keys[0], str(inst[keys[0]])) if keys else None
    for key in _TEXT_KEYS:
        if isinstance(inst.get(key), str):
            return key, str(inst[key])
    return None


def _call_kind(path: Sequence[str | int]) -> str | None:
    if len(path) >= 4 and path[0] == "transitions" and path[2] in ("guards", "actions"):
        return str(path[2])
    return None


_rs: Any
try:  # the Rust validator is optional: without it every file takes the jsonschema path
    import jsonschema_rs as _jsonschema_rs
except ImportError:  # pragma: no cover - depends on the installation
    _rs = None
else:
    _rs = _jsonschema_rs

_FAST: dict[int, tuple[dict[str, Any], Any]] = {}


def _valid_fast(data: Any, schema: dict[str, Any]) -> bool:
    """True when the compiled (Rust) validator finds no error at all (issue 19: jsonschema's
    pure-Python walk was most of loading a large SOP once its YAML was read in C).

    Only a clean answer is trusted: "invalid", an error or a missing package all mean "ask
    jsonschema", which words every finding as before. The Rust validator is never more lenient
    here (its ECMA ``$`` refuses a trailing newline Python's accepts; it refuses NaN), and
    ``tests/test_source_fast.py`` checks both agree on every SOP file of the repository.
    """
    if _rs is None:
        return False
    entry = _FAST.get(id(schema))
    if entry is None or entry[0] is not schema:
        if len(_FAST) >= 16:  # bounded: one entry per plugin set in practice
            _FAST.clear()
        try:
            entry = _FAST[id(schema)] = (schema, _rs.Draft202012Validator(schema))
        except Exception:  # a schema it cannot compile: use jsonschema
            return False
    try:
        return bool(entry[1].is_valid(data))
    except Exception:  # data it cannot convert: use jsonschema
        return False


def shape_findings(source: Source, schema: dict[str, Any]) -> Iterator[Finding]:
    """Every schema error of ``source`` as a finding, each position reported once."""
    if _valid_fast(source.data, schema):
        return
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
    at_where = where(path, source.data)

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
                    known=listing(known),
                )
        return
    if v == "additionalProperties" and isinstance(inst, dict):
        schema = err.schema if isinstance(err.schema, dict) else {}
        allowed = sorted(schema.get("properties", {}))
        for extra in inst:
            if extra in allowed:
                continue
            suggestion: str | Msg = suggest(extra, allowed)
            comma = _comma_split(path, inst, extra)
            if comma is not None and not suggestion:
                suggestion = Msg(
                    "; inside {{ }} a comma starts a new entry: put text containing a comma "
                    'in double quotes, e.g. {key}: "{text}, {extra}"',
                    key=comma[0],
                    text=comma[1],
                    extra=extra,
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
                yield at(
                    "SOP011", on_key=True, where=at_where, key=missing, example=example(missing)
                )
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
        # quoted: the allowed values are words of the file's language (code), not of the reader's
        allowed_values = ", ".join(map(repr, cast(list[Any], err.validator_value)))
        reason = Msg(
            "expected one of {allowed}, found {found}", allowed=allowed_values, found=_found(inst)
        )
        yield at("SOP013", where=at_where, reason=reason)
        return
    yield at("SOP013", where=at_where, reason=humanise(err))


_CALL_VALIDATORS = (
    "additionalProperties",
    "anyOf",
    "enum",
    "not",
    "minProperties",
    "maxProperties",
)
