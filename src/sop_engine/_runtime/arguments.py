"""Checking what a caller hands the engine's public entry points, before anything is read.

The engine is embedded in desks, intake gateways and scripts; any of them may pass what a
reporter typed. Issue 18 found that such input reached the store or the hash chain and came
back as an untyped error or as "tampering": a NUL in an id (PostgreSQL ``DataError``), an
integer case id (accepted by SQLite, then reported as a broken chain), a lone surrogate
(``UnicodeEncodeError`` while hashing), ``actor=None`` (``AttributeError``), a naive ``now``
(``TypeError``), ``expected_version=True`` (accepted as 1), a 10 MB id (301 MB on disk).
Each is now an :class:`~sop_engine.errors.InvalidArgument` naming the parameter and the fix,
raised before the store is touched, whose message never echoes the value.

Ids (case, command, SOP, event, deadline, actor, role, unit) are short printable strings.
Data and payloads are mappings with id-like keys, nested at most :data:`MAX_DEPTH` deep,
whose strings hold no NUL and no lone surrogate. The engine's own actor (id ``sop-engine``)
and its role ``sistem`` are reserved: a caller cannot sign an event as the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sop_engine._core.errors import InvalidArgument
from sop_engine._core.i18n import Msg
from sop_engine._core.records import Actor

__all__ = [
    "MAX_DEPTH",
    "MAX_ID",
    "RESERVED_ACTOR_IDS",
    "RESERVED_ROLES",
    "check_actor",
    "check_data",
    "check_id",
    "check_instant",
    "check_version",
]

MAX_ID = 200
"""Longest id, in characters (a UUID is 32-36; an agency's reference number well under 100)."""
MAX_DEPTH = 32
"""Deepest nesting of a command's data (an SOP's data is flat; lists of mappings go 3 deep)."""
RESERVED_ACTOR_IDS = frozenset({"sop-engine", "sistem"})
"""Actor ids only the engine signs with (its sweeper's deadlines, automatic closures)."""
RESERVED_ROLES = frozenset({"sistem"})
"""Roles only the engine acts in: an event a caller fires as ``sistem`` would look automatic."""


def check_id(argument: str, value: object, *, optional: bool = False) -> None:
    """``value`` is a non-empty printable string of at most :data:`MAX_ID` characters."""
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise InvalidArgument(argument, Msg("must be text, got {kind}", kind=_kind(value)))
    if not value:
        raise InvalidArgument(argument, Msg("must not be empty"))
    if len(value) > MAX_ID:
        raise InvalidArgument(
            argument, Msg("{n} characters, the limit is {limit}", n=len(value), limit=MAX_ID)
        )
    if not value.isprintable():
        raise InvalidArgument(
            argument,
            Msg(
                "holds a control character, a line break, a NUL or a lone surrogate; "
                "use printable text"
            ),
        )


def check_actor(actor: object, argument: str = "actor", *, channel: bool = False) -> None:
    """An :class:`Actor` with valid id, role and unit, not claiming the engine's identity.

    ``channel``: the actor an installed intake channel configured for itself (the LAPOR! SMS
    gateway opens cases in the role ``sistem`` under its own id): the role is allowed, the
    engine's ids are not. A caller never chooses this actor, the agency's configuration does.
    """
    if type(actor) is Actor and not channel:
        try:
            if actor in _CHECKED_ACTORS:
                return  # this very actor passed every check below already
        except TypeError:
            pass  # an unhashable field: the checks below name it
    if not isinstance(actor, Actor):
        raise InvalidArgument(
            argument, Msg("must be an `Actor(id, role, unit)`, got {kind}", kind=_kind(actor))
        )
    check_id(f"{argument}.id", actor.id)
    check_id(f"{argument}.role", actor.role)
    check_id(f"{argument}.unit", actor.unit, optional=True)
    if actor.id in RESERVED_ACTOR_IDS or (actor.role in RESERVED_ROLES and not channel):
        raise InvalidArgument(
            argument,
            Msg(
                "the actor id 'sop-engine'/'sistem' and the role 'sistem' are the engine's own; "
                "a person or a program acts under its own id and role"
            ),
        )
    if type(actor) is Actor and not channel:
        if len(_CHECKED_ACTORS) >= _MAX_CHECKED:
            _CHECKED_ACTORS.clear()
        _CHECKED_ACTORS.add(actor)


_CHECKED_ACTORS: set[Actor] = set()
"""Actors that passed :func:`check_actor` (as callers, not channels). An :class:`Actor` is
frozen, so one that passed once passes again: a desk sends the same few officers thousands of
times, and the checks were a tenth of a command's cost. Bounded by :data:`_MAX_CHECKED`."""
_MAX_CHECKED = 4096
_ATOMS = (int, float, bool, type(None))


def check_instant(argument: str, value: object, *, optional: bool = True) -> None:
    """A timezone-aware :class:`datetime` (a naive one has no instant)."""
    if value is None and optional:
        return
    if not isinstance(value, datetime):
        raise InvalidArgument(argument, Msg("must be a datetime, got {kind}", kind=_kind(value)))
    if value.utcoffset() is None:
        raise InvalidArgument(
            argument,
            Msg("is a naive datetime; give it a time zone (`tzinfo=UTC` or the agency's zone)"),
        )


def check_version(argument: str, value: object) -> None:
    """``None`` or a non-negative int (``True`` is not a version)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(
            argument, Msg("must be a whole number, got {kind}", kind=_kind(value))
        )
    if value < 0:
        raise InvalidArgument(argument, Msg("must not be negative"))


def check_data(
    argument: str, value: object, *, optional: bool = False, mapping: bool = False
) -> None:
    """A mapping whose keys are ids and whose strings hold no NUL or lone surrogate, nested
    at most :data:`MAX_DEPTH` deep (checked iteratively: no ``RecursionError``).

    Anything but a mapping is left to the SOP's validation (``InvalidCaseData`` /
    ``InvalidEventData``), unless ``mapping``: a caller with no such validation after it (the
    dry run of :meth:`~sop_engine.Engine.available`) refuses it here."""
    if value is None and optional:
        return
    if not isinstance(value, Mapping):
        if mapping:
            raise InvalidArgument(
                argument,
                Msg("expected a mapping of data names to values, got {kind}", kind=_kind(value)),
            )
        return
    if _flat_and_clean(value):
        return
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(argument, item)
        elif isinstance(item, Mapping):
            if depth > MAX_DEPTH:
                raise InvalidArgument(argument, Msg("nested deeper than {limit}", limit=MAX_DEPTH))
            for k, v in item.items():
                check_id(f"{argument} key", k)
                stack.append((v, depth + 1))
        elif isinstance(item, list | tuple):
            if depth > MAX_DEPTH:
                raise InvalidArgument(argument, Msg("nested deeper than {limit}", limit=MAX_DEPTH))
            stack.extend((v, depth + 1) for v in item)


def _check_text(argument: str, text: str) -> None:
    if "\x00" in text:
        raise InvalidArgument(argument, Msg("a text holds a NUL character; remove it"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgument(
            argument,
            Msg("a text holds a lone surrogate (not valid Unicode); decode it properly"),
        ) from None


def _flat_and_clean(value: Mapping[Any, Any]) -> bool:
    """Whether ``value`` is a flat mapping of id keys to atoms and plain ASCII-or-valid text
    (the usual payload): it then passes :func:`check_data` without walking it as a tree.
    ``False`` sends it through the full walk, which names any problem."""
    for k, v in value.items():
        if type(k) is not str or not k or len(k) > MAX_ID or not k.isprintable():
            return False
        t = type(v)
        if t is str:
            if "\x00" in v or not (v.isascii() or _encodes(v)):
                return False
        elif t not in _ATOMS:
            return False
    return True


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kind(value: object) -> Msg:
    """What a refused argument is, by its Python type only (never its value)."""
    return Msg("a value of Python type {kind!r}", kind=type(value).__name__)
