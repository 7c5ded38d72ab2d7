"""The extension points at the engine's edges: intake, notification, observation, lint, export.

Guards, actions, sections and calendars change what an SOP *means*; the records here connect the
engine to the world around it. Like the others they are plain specifications a plugin returns
from a hook (:mod:`sop_engine.hookspecs`) and the :class:`~sop_engine.registry.Registry`
collects once. Channels, notifiers and exporters carry a JSON Schema of their configuration
(an agency's routing table, an SMTP host, a webhook secret) and a ``bind`` factory, so a bad
configuration is refused when the component is set up, not on the first message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import attrs

from sop_engine._core.records import Actor, AuditEvent, Case, Notification
from sop_engine._core.text import Text

if TYPE_CHECKING:
    from sop_engine._core.definition import SopDefinition

__all__ = [
    "ExportFn",
    "ExporterSpec",
    "IntakeFn",
    "IntakeSpec",
    "LintRuleSpec",
    "ListenerFailure",
    "ListenerFn",
    "ListenerSpec",
    "NewCase",
    "Notifier",
    "NotifierSpec",
    "RuleFinding",
]


@attrs.frozen(slots=True)
class NewCase:
    """What an intake channel makes of one raw message: a case to start, not yet started.

    ``command_id`` must be derived from the message's own identity (the SMS gateway's message
    id, the web form's submission id), so a message delivered twice opens one case.
    """

    sop_id: str
    data: Mapping[str, Any]
    actor: Actor
    command_id: str
    channel: str = ""


IntakeFn = Callable[[str | bytes, Mapping[str, Any]], NewCase]
"""A bound channel: ``(raw message, metadata such as sender and message id) -> NewCase``."""


@attrs.frozen(slots=True)
class IntakeSpec:
    """An intake channel as a plugin registers it: ``bind(config)`` makes the parser."""

    name: str
    description: Text
    config: Mapping[str, Any]
    bind: Callable[[Mapping[str, Any]], IntakeFn]


@runtime_checkable
class Notifier(Protocol):
    """Delivers one notification; raises to say it was not delivered (it will be retried).

    :func:`sop_engine.outbox.relay` hands it each pending outbox message and marks the message
    delivered only when ``deliver`` returned.
    """

    def deliver(self, notification: Notification) -> None: ...


@attrs.frozen(slots=True)
class NotifierSpec:
    """A notifier as a plugin registers it: ``bind(config)`` makes an outbox ``Notifier``."""

    name: str
    description: Text
    config: Mapping[str, Any]
    bind: Callable[[Mapping[str, Any]], Notifier]


ListenerFn = Callable[[Case, AuditEvent], None]
"""Called with the case as committed and the audit event that committed it."""


@attrs.frozen(slots=True)
class ListenerSpec:
    """An observer of committed events. It must not change the case: it sees values only."""

    name: str
    description: Text
    listener: ListenerFn


@attrs.frozen(slots=True)
class ListenerFailure:
    """A listener that raised: which one, on which event, and what it raised (as text)."""

    listener: str
    case_id: str
    seq: int
    error: str


@attrs.frozen(slots=True)
class RuleFinding:
    """One problem a plugin's lint rule found, at ``path`` inside the SOP file's data.

    ``path`` is the chain of keys and list indexes (``("transitions", 3, "guards")``); the
    linter turns it into a line and column.
    """

    path: tuple[str | int, ...]
    message: Text
    hint: Text
    severity: Literal["error", "warning"] = "error"


@attrs.frozen(slots=True)
class LintRuleSpec:
    """A lint rule: ``check(definition)`` returns the findings (empty when the SOP is fine)."""

    name: str
    description: Text
    check: Callable[[SopDefinition], Iterable[RuleFinding]]


ExportFn = Callable[[Iterable[tuple[Case, Sequence[AuditEvent]]]], str]
"""A bound exporter: ``(case, trail)`` pairs in, the exported document out."""


@attrs.frozen(slots=True)
class ExporterSpec:
    """An exporter as a plugin registers it: ``bind(config)`` makes the export function."""

    name: str
    description: Text
    config: Mapping[str, Any]
    bind: Callable[[Mapping[str, Any]], ExportFn]
    media_type: str = "application/json"
