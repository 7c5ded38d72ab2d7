"""The format-neutral model of an SOP: what a file says, as frozen records.

The YAML reader produces these records and the compiler consumes only these, so another reader
(JSON, a database, a web form) can be added without touching the engine. Every record keeps the
``(line, column)`` it came from, so checks that run after reading can still point into the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

from sop_engine._core.text import Lang, Text

__all__ = [
    "FIELD_TYPES",
    "CallRef",
    "EventSpec",
    "FieldSpec",
    "FieldType",
    "Meta",
    "Pos",
    "RoleSpec",
    "SopDefinition",
    "StateSpec",
    "TransitionSpec",
]

Pos = tuple[int, int]
FieldType = Literal["text", "date", "datetime", "enum", "bool", "number", "integer", "ref"]
FIELD_TYPES: tuple[str, ...] = (
    "text",
    "date",
    "datetime",
    "enum",
    "bool",
    "number",
    "integer",
    "ref",
)


@attrs.frozen(slots=True)
class Meta:
    """Identity of an SOP: which agency's procedure, which version of it."""

    id: str
    version: str
    title: Text
    agency: str
    language: Lang = "id"
    description: Text | None = None


@attrs.frozen(slots=True)
class RoleSpec:
    """A role officers act in (admin instansi, pejabat penghubung, ...)."""

    name: str
    label: Text
    description: Text | None = None
    pos: Pos = (1, 1)


@attrs.frozen(slots=True)
class FieldSpec:
    """A named, typed item of case data or of the data an event carries."""

    name: str
    type: FieldType
    label: Text
    required: bool = False
    values: tuple[str, ...] = ()
    ref: Literal["person", "unit"] | None = None
    description: Text | None = None
    personal: bool = False
    """Personal data of the reporter: kept out of the hash-chained bytes, erasable."""
    allow_blank: bool = False
    """A required text may be blank (``""``, spaces): only when the SOP says so, because a
    required note or reason that is blank is a required note left unwritten."""
    pos: Pos = (1, 1)


@attrs.frozen(slots=True)
class StateSpec:
    """A state of a case. ``waiting`` marks states where the unit waits on someone outside it."""

    name: str
    label: Text
    initial: bool = False
    final: bool = False
    waiting: bool = False
    description: Text | None = None
    pos: Pos = (1, 1)


@attrs.frozen(slots=True)
class CallRef:
    """A guard or action named in the file, with its parameters exactly as written."""

    name: str
    params: Mapping[str, Any]
    pos: Pos = (1, 1)
    path: tuple[str | int, ...] = ()


@attrs.frozen(slots=True)
class EventSpec:
    """Something an actor does to a case; ``data`` is what the event must (or may) carry."""

    name: str
    label: Text
    roles: tuple[str, ...] = ()
    data: tuple[FieldSpec, ...] = ()
    description: Text | None = None
    pos: Pos = (1, 1)


@attrs.frozen(slots=True)
class TransitionSpec:
    """On ``event`` in one of ``sources``, if every guard passes, run actions and go to ``dest``.

    ``roles`` narrows the event's roles for this transition only; ``None`` means the event's.
    ``index`` is the 1-based position in the file's transition list, the tie-breaker when
    several transitions answer the same event in the same state: the first whose guards pass wins.
    """

    index: int
    event: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...] | None = None
    guards: tuple[CallRef, ...] = ()
    actions: tuple[CallRef, ...] = ()
    description: Text | None = None
    pos: Pos = (1, 1)


@attrs.frozen(slots=True)
class SopDefinition:
    """A whole SOP as read from one file.

    ``sections`` holds the values of extension sections (deadlines, ethics, ...) as built by the
    section handler registered for each; the core keeps them without interpreting them.
    ``content_hash`` is the SHA-256 of the canonical JSON of the file's data: cases are pinned to
    it, so a changed file is a different SOP version even when ``meta.version`` was not bumped.
    """

    meta: Meta
    roles: tuple[RoleSpec, ...]
    fields: tuple[FieldSpec, ...]
    states: tuple[StateSpec, ...]
    events: tuple[EventSpec, ...]
    transitions: tuple[TransitionSpec, ...]
    sections: Mapping[str, Any] = attrs.field(factory=dict)
    content_hash: str = ""
    intake_roles: tuple[str, ...] = ()
    """Roles that may open a case; empty means every declared role."""
    path: str = "<memory>"
    source: str = attrs.field(default="", repr=False, eq=False)
    """The file's text, kept so a durable store can pin cases to it (content-addressed)."""

    def state(self, name: str) -> StateSpec:
        return next(s for s in self.states if s.name == name)

    def event(self, name: str) -> EventSpec:
        return next(e for e in self.events if e.name == name)

    @property
    def initial(self) -> str:
        return next(s.name for s in self.states if s.initial)
