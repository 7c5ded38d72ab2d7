"""Reading an untrusted SOP file into plain data, remembering where every value came from.

SOP files come from policy staff and from other agencies, so they are untrusted input. We never
let a YAML library construct objects: the file is parsed into YAML *nodes* and we build plain
``dict``/``list``/``str``/``int``/``float``/``bool``/``None`` values from them ourselves. That makes
object-constructing tags impossible by construction, and lets us refuse what a policy file never
needs and an attacker does: anchors and aliases (the "billion laughs" expansion), custom tags,
duplicate keys (the second silently wins in most loaders), huge or absurdly nested documents.

ruamel.yaml is used because it speaks YAML 1.2 (``no``, ``on`` and ``010`` stay what they look
like, unlike YAML 1.1 loaders) and gives a line and column for every node. Positions are kept in a
side table keyed by the path of each value, so later validation can point at ``file:line:col``.

Speed (issue 19): ruamel's parser is pure Python and was ~90 % of loading a large SOP. When
PyYAML's C parser (libyaml) is installed, a file is first read from libyaml's *event stream*
(one pass, no nodes, no object construction); plain scalars are typed with ruamel's own YAML 1.2
table, so ``no``/``on``/``010`` mean what they mean on the ruamel path. That fast path only
accepts the plain, well-formed case: at the first thing it does not handle identically (a syntax
error, a directive, an anchor or alias, a non-standard or non-specific tag, a duplicate key, a bad
number, too deep or too many values, a document that is not one mapping) it gives
up and the file is read again by the ruamel path, which words every finding exactly as before.
``tests/test_source_fast.py`` checks both paths give the same data and positions on every SOP
file in the repository.
"""

from __future__ import annotations

import io
import math
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, DocumentStartEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sop_engine._core.findings import Finding
from sop_engine._core.i18n import Msg, os_reason

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "PathKey", "Source", "read_source"]

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

PathKey = tuple[str | int, ...]

_STANDARD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _STANDARD + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


@attrs.frozen(slots=True)
class Source:
    """The plain data of one SOP file with the position of every value and mapping key."""

    path: str
    data: Any
    positions: dict[PathKey, tuple[int, int]]
    key_positions: dict[PathKey, tuple[int, int]]
    text: str

    def position(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``path`` (or of its key), else of the nearest parent."""
        table = self.key_positions if key else self.positions
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if key and p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (1, 1))


class _Problem(Exception):
    def __init__(self, code: str, line: int, column: int, **args: Any) -> None:
        self.code = code
        self.line = line
        self.column = column
        self.args_ = args
        super().__init__(code)


def read_source(path: str | Path, text: str | bytes | None = None) -> Source | list[Finding]:
    """Read ``path`` (or the given ``text``) into a :class:`Source`, or return the findings.

    Never raises for bad content: a missing file, binary data, broken YAML, a forbidden tag or a
    document that is not a mapping all come back as findings with a position.
    """
    name = str(path)
    try:
        raw = _read_bounded(Path(path)) if text is None else text
    except OSError as e:
        return [Finding("SOP001", name, 1, 1, {"reason": os_reason(e)})]
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            too_big = Msg("larger than the limit of {limit} bytes", limit=MAX_BYTES)
            return [Finding("SOP007", name, 1, 1, {"reason": too_big})]
        if b"\x00" in raw:
            binary = Msg("it holds binary data (NUL bytes)")
            return [Finding("SOP001", name, 1, 1, {"reason": binary})]
        try:
            decoded = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            # Python's own reason ("invalid continuation byte") is English: say which byte
            byte = f"0x{raw[e.start]:02X}"
            not_utf8 = Msg(
                "not UTF-8 text (byte {byte} at offset {offset}; saved as Windows-1252 or "
                "Latin-1?)",
                byte=byte,
                offset=e.start,
            )
            return [Finding("SOP001", name, line, 1, {"reason": not_utf8})]
    else:
        decoded = raw
        if len(decoded.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            return [
                Finding(
                    "SOP007",
                    name,
                    1,
                    1,
                    {"reason": Msg("the limit is {limit} bytes", limit=MAX_BYTES)},
                )
            ]
    fast = _parse_fast(name, decoded)
    if fast is not None:
        return fast
    try:
        return _parse(name, decoded)
    except _Problem as p:
        return [Finding(p.code, name, p.line, p.column, p.args_)]


def yaml_reason(context: object, problem: object) -> Msg:
    """The YAML parser's complaint in plain words, in the reader's language.

    The parser (ruamel.yaml) speaks English and of its own grammar ("while scanning a quoted
    scalar found unexpected end of stream"); the usual mistakes of hand-written SOP files are
    named in words a policy officer knows, anything else keeps the parser's text as a detail.
    """
    context_text, problem_text = str(context or ""), str(problem or "")
    if "'\\t'" in problem_text or "'\t'" in problem_text:
        return Msg("a tab character is used for indentation; YAML allows only spaces")
    if "quoted scalar" in context_text and "end of stream" in problem_text:
        return Msg("a quote opened here is never closed")
    if "cannot start any token" in problem_text:
        return Msg(
            "a value starts with a character YAML reserves ({detail}); put the value in quotes",
            detail=problem_text.partition("character ")[2].partition(" ")[0] or "?",
        )
    if "mapping values are not allowed" in problem_text:
        return Msg("a colon inside a value: put a value containing ': ' in quotes")
    if "expected <block end>" in problem_text or "could not find expected ':'" in problem_text:
        return Msg("the indentation does not match the lines above (or a ':' is missing)")
    if "flow sequence" in context_text or "flow mapping" in context_text:
        return Msg("a list [ ] or mapping {{ }} is not closed properly")
    detail = " ".join(t for t in (context_text, problem_text) if t) or "?"
    return Msg("syntax error (the parser says: {detail})", detail=detail)


def _read_bounded(path: Path) -> bytes:
    """At most ``MAX_BYTES + 1`` bytes of a regular file (one more shows it is too large).

    Refuses anything else before reading: ``/dev/zero`` would never end and a FIFO would wait
    for a writer forever (issue 18). The file is opened non-blocking so a FIFO cannot hang the
    open itself, then checked on the open descriptor (no race with a rename).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "it is a directory, not a file")
        if not stat.S_ISREG(mode):
            raise OSError(0, "it is not a regular file (a device, a pipe or a socket)")
        chunks: list[bytes] = []
        left = MAX_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _last_line(text: str) -> int:
    return max(1, text.count("\n") + (0 if text.endswith("\n") else 1))


def _mark(obj: Any) -> tuple[int, int]:
    mark = getattr(obj, "start_mark", None) or getattr(obj, "problem_mark", None)
    if mark is None:
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


def _parse(name: str, text: str) -> Source:
    yaml = YAML(typ="rt", pure=True)
    # Pass 1: the event stream, to refuse aliases and multiple documents before anything is built.
    documents = 0
    count = 0
    depth = 0
    try:
        for event in yaml.parse(io.StringIO(text)):
            count += 1
            if count > MAX_NODES * 2:
                line, col = _mark(event)
                reason = Msg("more than {limit} values", limit=MAX_NODES)
                raise _Problem("SOP007", line, col, reason=reason)
            if isinstance(event, AliasEvent) or (
                isinstance(event, ScalarEvent | CollectionStartEvent) and event.anchor
            ):
                raise _Problem("SOP004", *_mark(event))
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line, col = _mark(event)
                    reason = Msg("nested deeper than {limit}", limit=MAX_DEPTH)
                    raise _Problem("SOP007", line, col, reason=reason)
            elif type(event).__name__ in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line, col = _mark(event)
                    raise _Problem("SOP006", line, col, found=Msg("more than one YAML document"))
        node = yaml.compose(io.StringIO(text))
    except MarkedYAMLError as e:
        line, col = _mark(e)
        context = getattr(e, "context_mark", None)
        if context is not None and line > _last_line(text):
            # the problem is "end of file reached": the useful place is where the unclosed
            # construct (a quote, a bracket) began
            line, col = context.line + 1, context.column + 1
        raise _Problem("SOP002", line, col, reason=yaml_reason(e.context, e.problem)) from None
    except YAMLError as e:
        raise _Problem("SOP002", 1, 1, reason=yaml_reason(None, str(e).splitlines()[0])) from None
    except RecursionError:
        reason = Msg("nested deeper than {limit}", limit=MAX_DEPTH)
        raise _Problem("SOP007", 1, 1, reason=reason) from None
    if node is None or _is_empty(node):
        line = _mark(node)[0] if node is not None else 1
        found = Msg("an empty file") if node is None else Msg("an empty document")
        raise _Problem("SOP006", min(line, _last_line(text)), 1, found=found)
    positions: dict[PathKey, tuple[int, int]] = {}
    key_positions: dict[PathKey, tuple[int, int]] = {}
    data = _build(node, (), positions, key_positions)
    if not isinstance(data, dict):
        found = (
            Msg("a list")
            if isinstance(data, list)
            else Msg("a single value ({value})", value=repr(data)[:40])
        )
        raise _Problem("SOP006", *_mark(node), found=found)
    return Source(name, data, positions, key_positions, text)


def _resolvers() -> dict[str, list[tuple[str, Any]]]:
    """ruamel's YAML 1.2 implicit typing of plain scalars, by first character, in its order."""
    from ruamel.yaml.resolver import implicit_resolvers

    table: dict[str, list[tuple[str, Any]]] = {}
    for versions, tag, regexp, first in implicit_resolvers:
        if (1, 2) in versions:
            for ch in first:
                table.setdefault(ch, []).append((str(tag), regexp))
    return table


_CParser: Any
try:  # PyYAML with libyaml is optional: without it every file takes the ruamel path
    from yaml._yaml import CParser as _LibyamlParser  # type: ignore[import-untyped,unused-ignore]
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _CParser = None
else:
    _CParser = _LibyamlParser
_IMPLICIT = _resolvers() if _CParser is not None else {}
_STR = _STANDARD + "str"


class _GiveUp(Exception):
    """The fast path met something only the ruamel path words exactly: read the file again."""


def _parse_fast(name: str, text: str) -> Source | None:
    """The file read from libyaml's event stream, or None to take the ruamel path."""
    if _CParser is None:
        return None
    try:
        data, positions, key_positions = _from_events(_CParser(text))
    except (_GiveUp, RecursionError):
        return None
    except Exception:  # any libyaml complaint: the ruamel path words it
        return None
    return Source(name, data, positions, key_positions, text)


def _from_events(
    parser: Any,
) -> tuple[dict[str, Any], dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]]:
    positions: dict[PathKey, tuple[int, int]] = {}
    keys: dict[PathKey, tuple[int, int]] = {}
    get = parser.get_event
    get()  # StreamStart
    start = get()
    if type(start).__name__ != "DocumentStartEvent" or start.version or start.tags:
        raise _GiveUp
    count = [0]
    root = get()
    if type(root).__name__ != "MappingStartEvent":
        raise _GiveUp
    data = _fast_node(get, root, (), positions, keys, 1, count)
    if type(get()).__name__ != "DocumentEndEvent" or type(get()).__name__ != "StreamEndEvent":
        raise _GiveUp
    if not data:
        raise _GiveUp
    return data, positions, keys


def _fast_node(
    get: Any,
    event: Any,
    path: PathKey,
    positions: dict[PathKey, tuple[int, int]],
    keys: dict[PathKey, tuple[int, int]],
    depth: int,
    count: list[int],
) -> Any:
    """One value from the event stream (``event`` is its first event); mirrors :func:`_build`."""
    count[0] += 1
    if count[0] > MAX_NODES or event.anchor is not None:
        raise _GiveUp
    mark = event.start_mark
    positions[path] = (mark.line + 1, mark.column + 1)
    kind = type(event).__name__
    if kind == "ScalarEvent":
        return _fast_scalar(event)
    if depth > MAX_DEPTH:
        raise _GiveUp
    if kind == "MappingStartEvent":
        if event.tag is not None and event.tag != _STANDARD + "map":
            raise _GiveUp
        out: dict[str, Any] = {}
        while True:
            key_event = get()
            if type(key_event).__name__ != "ScalarEvent":
                if type(key_event).__name__ == "MappingEndEvent":
                    return out
                raise _GiveUp
            key = _fast_scalar(key_event)
            if not isinstance(key, str) or key in out or key_event.anchor is not None:
                raise _GiveUp
            km = key_event.start_mark
            here = (*path, key)
            keys[here] = (km.line + 1, km.column + 1)
            value_event = get()
            out[key] = _fast_node(get, value_event, here, positions, keys, depth + 1, count)
            if (
                type(value_event).__name__ == "ScalarEvent"
                and value_event.value == ""
                and out[key] is None
            ):
                positions[here] = keys[here]
    if kind == "SequenceStartEvent":
        if event.tag is not None and event.tag != _STANDARD + "seq":
            raise _GiveUp
        items: list[Any] = []
        while True:
            item = get()
            if type(item).__name__ == "SequenceEndEvent":
                return items
            items.append(
                _fast_node(get, item, (*path, len(items)), positions, keys, depth + 1, count)
            )
    raise _GiveUp  # an alias


def _fast_scalar(event: Any) -> Any:
    """A scalar typed as the ruamel path types it; anything unusual gives up."""
    value: str = event.value
    tag = event.tag
    if tag is None:
        if not event.implicit[0]:
            return value  # quoted: always text
        tag = _STR
        for candidate, regexp in _IMPLICIT.get(value[:1], ()):
            if regexp.match(value):
                tag = candidate
                break
    elif tag not in _ALLOWED_TAGS:
        raise _GiveUp
    try:
        if tag == _STR:
            return value
        if tag == _STANDARD + "null":
            return None
        if tag == _STANDARD + "bool":
            low = value.lower()
            if low in _TRUE or low in _FALSE:
                return low in _TRUE
            raise _GiveUp
        if tag == _STANDARD + "int":
            return _int(value, None)
        if tag == _STANDARD + "float":
            return _float(value)
    except (_Problem, ValueError):
        raise _GiveUp from None
    if tag == _STANDARD + "timestamp":
        return value
    raise _GiveUp


def _build(
    node: Node,
    path: PathKey,
    positions: dict[PathKey, tuple[int, int]],
    keys: dict[PathKey, tuple[int, int]],
) -> Any:
    positions[path] = _mark(node)
    tag = str(node.tag)
    if tag not in _ALLOWED_TAGS:
        raise _Problem("SOP003", *_mark(node), tag=tag.replace(_STANDARD, "!!"))
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or str(key_node.tag) not in _ALLOWED_TAGS:
                raise _Problem(
                    "SOP013",
                    *_mark(key_node),
                    where=Msg("mapping key"),
                    reason=Msg("keys must be plain words"),
                )
            key = str(key_node.value)
            if key in out:
                first = keys[(*path, key)][0]
                raise _Problem("SOP005", *_mark(key_node), key=key, first_line=first)
            keys[(*path, key)] = _mark(key_node)
            out[key] = _build(value_node, (*path, key), positions, keys)
            if _is_empty(value_node):
                # An empty value has no text of its own; the parser places it at the next token,
                # which may be another section or past the end of the file. Point at its key.
                positions[(*path, key)] = keys[(*path, key)]
        return out
    if isinstance(node, SequenceNode):
        return [_build(v, (*path, i), positions, keys) for i, v in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    return _scalar(node)


_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}


def _is_empty(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.value == "" and str(node.tag) == _STANDARD + "null"


def _scalar(node: ScalarNode) -> Any:
    tag = str(node.tag)[len(_STANDARD) :]
    value: str = node.value
    if tag == "null":
        return None
    if tag == "bool":
        low = value.lower()
        if low in _TRUE or low in _FALSE:
            return low in _TRUE
        raise _Problem(
            "SOP013",
            *_mark(node),
            where=Msg("true/false value"),
            reason=Msg("{value!r} is neither true nor false", value=value),
        )
    if tag == "int":
        return _int(value, node)
    if tag == "float":
        try:
            return _float(value)
        except ValueError:
            raise _Problem(
                "SOP013",
                *_mark(node),
                where=Msg("number"),
                reason=Msg("{value!r} is not a number", value=value),
            ) from None
    if node.style == ">":
        # ruamel.yaml marks each place a folded scalar was folded with a BEL (\a) for its
        # round trip; a BEL cannot be written in a folded scalar, so every one is a marker.
        return value.replace("\a", "")
    # str and timestamp: dates stay text; the engine parses them where a date is expected.
    return value


def _int(value: str, node: ScalarNode | None) -> int:
    v = value.replace("_", "")
    sign = -1 if v.startswith("-") else 1
    v = v.lstrip("+-")
    try:
        if v.startswith(("0o", "0O")):
            return sign * int(v[2:], 8)
        if v.startswith(("0x", "0X")):
            return sign * int(v[2:], 16)
        return sign * int(v, 10)
    except ValueError:
        if node is None:
            raise
        raise _Problem(
            "SOP013",
            *_mark(node),
            where=Msg("number"),
            reason=Msg("{value!r} is not a number", value=value),
        ) from None


def iter_paths(data: Any, path: PathKey = ()) -> Iterator[PathKey]:
    """Every path inside ``data`` (used by tests to check that each value has a position)."""
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from iter_paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from iter_paths(v, (*path, i))


def _float(value: str) -> float:
    """A YAML float scalar's value (``.inf``, ``-.inf``, ``.nan``, ``1_000.5``); ``ValueError``
    when it is none. Shared by both readers so they type floats alike."""
    low = value.lower()
    if low in (".inf", "+.inf"):
        return math.inf
    if low == "-.inf":
        return -math.inf
    if low == ".nan":
        return math.nan
    return float(value.replace("_", ""))
