"""One error hierarchy for everything sop_engine raises on purpose.

Every error derives from :class:`SopError`, so an embedding application can catch the whole
library with one ``except``. Where a builtin means the same thing (``LookupError`` for an unknown
case, ``PermissionError`` for a role that may not act, ``ValueError`` for bad data) the error also
derives from it, so generic handlers keep working. Errors carry structured fields as well as a
message: a caller should never have to parse the message to learn which case or event failed.

Refusals of a command (:class:`CommandRefused` and its subclasses) are a promise as much as an
error: when one is raised, nothing was written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sop_engine._core.i18n import N_, Msg, gettext

if TYPE_CHECKING:
    from sop_engine._core.findings import Finding
    from sop_engine._core.records import Breach
    from sop_engine._core.text import Lang, Text

__all__ = [
    "CaseNotFound",
    "CaseNotVisible",
    "CommandIdReused",
    "CommandIdTaken",
    "CommandRefused",
    "EthicsViolation",
    "EventNotAllowed",
    "ExtensionFailed",
    "ExtensionRefused",
    "GuardRejected",
    "IntakeRejected",
    "InvalidArgument",
    "InvalidCaseData",
    "InvalidEventData",
    "LeaseLost",
    "MigrationRefused",
    "PluginError",
    "RevealRefused",
    "RoleNotPermitted",
    "SealBroken",
    "SopError",
    "SopTextTampered",
    "SopValidationError",
    "StoreUnavailable",
    "UnknownEvent",
    "UnknownSop",
    "VersionConflict",
    "refusal_kind",
]


class SopError(Exception):
    """Root of every error sop_engine raises on purpose.

    ``message(lang)`` says it in the reader's language (``str(error)`` is the English, for logs
    and tracebacks); an error whose text comes from the catalogue keeps it in ``msg``.
    """

    msg: Msg | None = None

    def message(self, lang: Lang = "en") -> str:
        """The error in ``lang`` (Bahasa Indonesia or English), bounded in length."""
        return bounded(self.msg.render(lang)) if self.msg is not None else str(self)

    def _say(self, msg: Msg, limit: int = 2000) -> None:
        """Keep ``msg`` for :meth:`message` and make its English the exception's text."""
        self.msg = msg
        Exception.__init__(self, bounded(str(msg), limit))


class SopValidationError(SopError, ValueError):
    """An SOP file (or definition) failed validation; ``findings`` lists every problem."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings: tuple[Finding, ...] = tuple(findings)
        errors = [f for f in self.findings if f.severity == "error"]
        self._errors = errors
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "en") -> str:
        """The first 20 errors, each as ``PATH:LINE:COL: SOPnnn message`` in ``lang``."""
        errors = self._errors
        head = "\n".join(f.format(lang) for f in errors[:20])
        more = Msg("... and {n} more", n=len(errors) - 20).render(lang) if len(errors) > 20 else ""
        title = Msg(
            "the SOP is not valid ({n} error(s)); run `sop lint` on it for hints:", n=len(errors)
        )
        return "\n".join(t for t in (title.render(lang), head, more) if t)


class PluginError(SopError, RuntimeError):
    """A plugin could not be registered: a name clash, a bad registration, a failed import."""

    def __init__(self, message: str | Msg, *, plugin: str | None = None) -> None:
        self.plugin = plugin
        if isinstance(message, Msg):
            self._say(message)
        else:
            super().__init__(message)


class IntakeRejected(SopError, ValueError):
    """An intake channel could not make a case of a message; ``reason`` is for the sender.

    Nothing was started. ``reason`` is bilingual so the channel can answer the sender (an SMS
    reply, an HTTP 422 body) in their language.
    """

    def __init__(self, channel: str, reason: Text) -> None:
        self.channel = channel
        self.reason = reason
        super().__init__(f"{channel}: message rejected: {reason.en or reason.id}")

    def message(self, lang: Lang = "en") -> str:
        """The rejection in ``lang``: the channel's own bilingual reason."""
        said = Msg(
            "{channel}: message rejected: {reason}", channel=self.channel, reason=self.reason
        )
        return bounded(said.render(lang))


class UnknownSop(SopError, LookupError):
    """No SOP with this id (or content hash) is loaded into the engine."""

    def __init__(self, sop_id: str, known: Sequence[str]) -> None:
        self.sop_id = sop_id
        self.known = tuple(known)
        listed: str | Msg = ", ".join(sorted(self.known)) or Msg("none")
        self._say(
            Msg(
                "no SOP {sop_id!r} is loaded (loaded: {listed}); load it first with "
                "`engine.load(path)`",
                sop_id=sop_id,
                listed=listed,
            )
        )


class CaseNotFound(SopError, LookupError):
    """The store has no case with this id."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        self._say(
            Msg(
                "no case {case_id!r} in the store; check the id or start the case first",
                case_id=case_id,
            )
        )


class CaseNotVisible(SopError, PermissionError):
    """The viewer may not see this case: an officer of another unit than the case's.

    The message names the case, the viewer's role and unit and the units that may see it, never
    the case's content.
    """

    def __init__(self, case_id: str, role: str, unit: str | None, units: Sequence[str]) -> None:
        self.case_id = case_id
        self.role = role
        self.unit = unit
        self.units = tuple(units)
        listed: str | Msg = ", ".join(self.units) or Msg("none yet (not dispositioned)")
        self._say(
            Msg(
                "case {case_id!r} is not visible to role {role!r} of unit {unit!r}; units "
                "that may see it: {listed}",
                case_id=case_id,
                role=role,
                unit=unit,
                listed=listed,
            )
        )


def bounded(text: str, limit: int = 2000) -> str:
    """``text`` cut to ``limit`` characters: an error message never echoes a huge input."""
    return text if len(text) <= limit else f"{text[: limit - 30]}... ({len(text)} characters)"


class InvalidArgument(SopError, ValueError, TypeError):
    """A public entry point was called with an argument it cannot take (issue 18): an id that
    is not a short printable string, an actor that is not an :class:`Actor`, a reserved
    actor, a naive datetime, a boolean version, text with a NUL or a lone surrogate.

    Nothing was read or written. ``argument`` names the parameter, ``reason`` says what is
    wrong and how to fix it; the message never repeats the value itself (it may be huge or a
    reporter's personal data).
    """

    def __init__(self, argument: str, reason: str | Msg) -> None:
        self.argument = argument
        self.reason = str(reason)
        """What is wrong, in English (``message(lang)`` says it in the reader's language)."""
        self._say(Msg("argument {argument!r}: {reason}", argument=argument, reason=reason), 500)


class InvalidCaseData(SopError, ValueError):
    """Data given to start a case does not match the SOP's case data schema."""

    def __init__(self, sop_id: str, problems: Sequence[str | Msg]) -> None:
        self.sop_id = sop_id
        self.problems = tuple(bounded(str(p), 300) for p in problems[:20])
        """Each problem in English (``message(lang)`` says them in the reader's language)."""
        self.msg = Msg(
            "case data for SOP {sop_id!r} is invalid: {problems}",
            sop_id=sop_id,
            problems=_problems(problems),
        )
        super().__init__(bounded(str(self.msg)))


def _problems(problems: Sequence[str | Msg], limit: int = 20) -> Msg | str:
    """``a; b; c`` (at most ``limit``, then how many more), each problem in the reader's
    language and bounded: a problem never carries a whole submitted value."""
    out: Msg | str = ""
    for p in problems[:limit]:
        item: Msg | str = p if isinstance(p, Msg) else bounded(p, 300)
        out = item if out == "" else Msg("{first}; {second}", first=out, second=item)
    if len(problems) > limit:
        out = Msg("{problems}; ... and {n} more", problems=out, n=len(problems) - limit)
    return out


class VersionConflict(SopError):
    """The case changed since the caller read it (optimistic concurrency).

    Read the case again and retry: guards are evaluated anew against the fresh case.
    """

    def __init__(self, case_id: str, expected: int, actual: int) -> None:
        self.case_id = case_id
        self.expected = expected
        self.actual = actual
        self._say(
            Msg(
                "case {case_id!r} is at version {actual}, the command expected {expected}; "
                "someone else changed it: read it again and retry",
                case_id=case_id,
                actual=actual,
                expected=expected,
            )
        )


class CommandIdReused(SopError, ValueError):
    """A command id was sent again with a different command.

    A repeated command id with the *same* command is not an error: it returns the original
    outcome. Sending a different command under an id already used is a client bug.
    """

    def __init__(self, command_id: str) -> None:
        self.command_id = command_id
        self._say(
            Msg(
                "command id {command_id!r} was already used for a different command; "
                "use a fresh id for each distinct command",
                command_id=command_id,
            )
        )


class CommandIdTaken(VersionConflict):
    """A concurrent call committed a command with this id first; this write was undone.

    Raised by a store when the command record's id is already taken (two calls sent the same
    command at the same moment). The engine answers it by returning what the first call
    produced (or :class:`CommandIdReused` when that was a different command), so a caller sees
    it only from :meth:`~sop_engine.Engine.submit`: send the group again. It is a
    :class:`VersionConflict`, so code that retries lost races handles it unchanged.
    """

    def __init__(self, command_id: str, case_id: str) -> None:
        self.command_id = command_id
        SopError.__init__(
            self,
            bounded(
                f"command id {command_id!r} was committed by a concurrent call first; nothing "
                "was written for this one: send it again to get that call's outcome"
            ),
        )
        self.msg = Msg(
            "command id {command_id!r} was committed by a concurrent call first; nothing "
            "was written for this one: send it again to get that call's outcome",
            command_id=command_id,
        )
        self.case_id = case_id
        self.expected = 0
        self.actual = 0


class ExtensionFailed(SopError, RuntimeError):
    """A guard or action raised instead of answering: a bug in the plugin that provides it.

    Nothing was written. The original exception is chained as ``__cause__``.
    """

    def __init__(
        self, *, kind: str, name: str, case_id: str, event: str, error: BaseException
    ) -> None:
        self.kind = kind
        self.name = name
        self.case_id = case_id
        self.event = event
        self._say(
            Msg(
                "{kind} {name!r} failed on case {case_id!r} (event {event!r}) with {error}; "
                "nothing was changed. Report it to the maintainers of the plugin that provides "
                "{name!r}, or remove it from the SOP",
                kind=Msg({"guard": N_("guard"), "action": N_("action")}.get(kind, kind)),
                name=name,
                case_id=case_id,
                event=event,
                error=f"`{error!r}`",
            )
        )


class CommandRefused(SopError):
    """A command was refused. Nothing changed: no state, no data, no audit event.

    The one exception is :class:`EthicsViolation`: state and data are unchanged too, but the
    refused attempt is recorded in the trail, because it is evidence.
    """

    def __init__(self, message: str | Msg, *, case_id: str, state: str, event: str) -> None:
        self.case_id = case_id
        self.state = state
        self.event = event
        self.msg = message if isinstance(message, Msg) else Msg("{text}", text=message)
        super().__init__(bounded(str(message)))

    def message(self, lang: Lang = "en") -> str:
        """Why the command was refused, in ``lang`` (``str(error)`` is the English)."""
        return super().message(lang)


class UnknownEvent(CommandRefused, LookupError):
    """The SOP declares no event with this name."""

    def __init__(self, *, case_id: str, state: str, event: str, available: Sequence[str]) -> None:
        self.available = tuple(available)
        listed: str | Msg = ", ".join(self.available) or Msg("none")
        super().__init__(
            Msg(
                "the SOP has no event {event!r}; events possible in state {state!r}: {listed}",
                event=event,
                state=state,
                listed=listed,
            ),
            case_id=case_id,
            state=state,
            event=event,
        )


class EventNotAllowed(CommandRefused):
    """The event exists in the SOP but not from the case's current state."""

    def __init__(self, *, case_id: str, state: str, event: str, available: Sequence[str]) -> None:
        self.available = tuple(available)
        listed: str | Msg = ", ".join(self.available) or Msg("none (the case is closed)")
        super().__init__(
            Msg(
                "event {event!r} is not allowed in state {state!r}; possible now: {listed}",
                event=event,
                state=state,
                listed=listed,
            ),
            case_id=case_id,
            state=state,
            event=event,
        )


class RoleNotPermitted(CommandRefused, PermissionError):
    """The actor's role may not fire this event from this state."""

    def __init__(
        self, *, case_id: str, state: str, event: str, role: str, allowed: Sequence[str]
    ) -> None:
        self.role = role
        self.allowed = tuple(allowed)
        allowed_roles = ", ".join(self.allowed)
        message = (
            Msg(
                "role {role!r} may not open a case; allowed roles: {allowed}",
                role=role,
                allowed=allowed_roles,
            )
            if event == "@start"
            else Msg(
                "role {role!r} may not fire {event!r} in state {state!r}; allowed roles: {allowed}",
                role=role,
                event=event,
                state=state,
                allowed=allowed_roles,
            )
        )
        super().__init__(
            message,
            case_id=case_id,
            state=state,
            event=event,
        )


class GuardRejected(CommandRefused):
    """Every transition for this event was refused by one of its guards."""

    def __init__(
        self, *, case_id: str, state: str, event: str, reasons: Sequence[tuple[str, Text]]
    ) -> None:
        self.reasons = tuple(reasons)
        text: Msg | str = ""
        for name, reason in self.reasons:
            item = Msg("{guard}: {reason}", guard=name, reason=reason)
            text = item if text == "" else Msg("{first}; {second}", first=text, second=item)
        super().__init__(
            Msg(
                "event {event!r} refused in state {state!r} by guard(s): {reasons}",
                event=event,
                state=state,
                reasons=text,
            ),
            case_id=case_id,
            state=state,
            event=event,
        )


class EthicsViolation(CommandRefused, PermissionError):
    """A code-of-ethics rule with severity ``block`` refused the command.

    The case keeps its state and data. Unlike other refusals the attempt itself is evidence: an
    ``@ethics`` audit event records who tried what and which rule stopped it (``seq`` is its
    number in the case's trail).
    """

    def __init__(
        self, *, case_id: str, state: str, event: str, breach: Breach, seq: int | None
    ) -> None:
        self.breach = breach
        self.rule = breach.rule
        self.reason = breach.reason
        self.seq = seq
        super().__init__(
            Msg(
                "event {event!r} on case {case_id!r} refused by code-of-ethics rule {rule!r}: "
                "{reason}; the attempt is recorded in the audit trail",
                event=event,
                case_id=case_id,
                rule=breach.rule,
                reason=breach.reason,
            ),
            case_id=case_id,
            state=state,
            event=event,
        )


class InvalidEventData(CommandRefused, ValueError):
    """The data carried by the event is missing, unknown or of the wrong type."""

    def __init__(
        self, *, case_id: str, state: str, event: str, problems: Sequence[str | Msg]
    ) -> None:
        self.problems = tuple(str(p) for p in problems)
        """Each problem in English (``message(lang)`` says them in the reader's language)."""
        super().__init__(
            Msg(
                "data for event {event!r} is invalid: {problems}",
                event=event,
                problems=_problems(problems, len(problems)),
            ),
            case_id=case_id,
            state=state,
            event=event,
        )


class RevealRefused(CommandRefused, PermissionError):
    """Revealing an anonymous reporter was refused: it takes a request with a reason by one
    person and the approval of a second person of another role, and is used once."""

    def __init__(self, *, case_id: str, state: str, event: str, reason: Msg) -> None:
        self.reason = reason
        super().__init__(
            Msg("cannot reveal the reporter's identity: {reason}", reason=reason),
            case_id=case_id,
            state=state,
            event=event,
        )


class ExtensionRefused(CommandRefused):
    """A deadline extension was refused: not running, not allowed, no reason, or over the cap."""

    def __init__(self, *, case_id: str, state: str, deadline: str, reason: str | Msg) -> None:
        self.deadline = deadline
        self.reason = str(reason)
        super().__init__(
            Msg("cannot extend deadline {deadline!r}: {reason}", deadline=deadline, reason=reason),
            case_id=case_id,
            state=state,
            event="@extend",
        )


class LeaseLost(SopError):
    """A sweeper's claim on a timer expired and another sweeper claimed it: nothing was written.

    The other sweeper handles the timer; this one should move on.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        self._say(
            Msg(
                "the claim on timer {key!r} was lost (lease expired, claimed again elsewhere); "
                "nothing was written; the new claimant fires it",
                key=key,
            )
        )


class MigrationRefused(CommandRefused):
    """Moving a case to another SOP version was refused; ``problems`` says why. Nothing changed."""

    def __init__(self, *, case_id: str, state: str, problems: Sequence[str | Msg]) -> None:
        self.problems = tuple(str(p) for p in problems)
        super().__init__(
            Msg(
                "cannot move the case to the new SOP version: {problems}",
                problems=_problems(problems, len(problems)),
            ),
            case_id=case_id,
            state=state,
            event="@migrate",
        )


class StoreUnavailable(SopError, ConnectionError):
    """A durable store could not be opened or reached (server down, bad URL, driver missing)."""

    def __init__(self, where: str, cause: str | Msg, fix: str | Msg) -> None:
        self.where = where
        self.cause = str(cause)
        self.reason = cause
        """``cause`` as given (a :class:`Msg` renders in the reader's language)."""
        self.fix = fix
        self._say(
            Msg(
                "cannot use the store at {where}: {cause}; {fix}", where=where, cause=cause, fix=fix
            )
        )


class SealBroken(SopError, ValueError):
    """A sealed personal value does not open under its case key, or does not match the keyed
    digest the audit chain covers: it was edited, or moved from another place.

    Names the value's reference only (case/event/field), never a value, so it can be logged.
    """

    def __init__(self, ref: str) -> None:
        self.ref = ref
        self._say(
            Msg(
                "sealed value {ref!r} does not match its key or the digest in the audit chain "
                "(edited, or moved from another place); restore it from a backup and run "
                "`sop store check`",
                ref=ref,
            )
        )


class SopTextTampered(SopError):
    """A stored SOP text does not hash to the version cases are pinned to: it was changed.

    Raised before the text is compiled, so an edited rule (a ``block`` turned into a ``flag``)
    never takes effect. Nothing was written.
    """

    def __init__(self, sop_hash: str, found: str) -> None:
        self.sop_hash = sop_hash
        self.found = found
        self._say(
            Msg(
                "the stored text of SOP version {version}… hashes to {found}…: it was changed "
                "after it was saved; restore the original text (from the SOP file or a backup) "
                "and run `sop store check`",
                version=sop_hash[:12],
                found=found[:12],
            )
        )


_REFUSAL_KINDS: dict[str, str] = {
    "UnknownEvent": N_("unknown event"),
    "EventNotAllowed": N_("event not allowed in this state"),
    "RoleNotPermitted": N_("role not permitted"),
    "GuardRejected": N_("condition not met"),
    "EthicsViolation": N_("code of ethics"),
    "InvalidEventData": N_("invalid event data"),
    "RevealRefused": N_("reveal refused"),
    "ExtensionRefused": N_("extension refused"),
    "MigrationRefused": N_("migration refused"),
}
_REFUSED = N_("command refused")  # a kind of refusal added later


def refusal_kind(name: str, lang: Lang) -> str:
    """The kind of a refusal, given its class name (``GuardRejected``), in words of ``lang``
    (``syarat tidak terpenuhi``): what an officer reads where a developer reads the class to
    catch (the demo's notes, the simulation's refused commands)."""
    return gettext(_REFUSAL_KINDS.get(name, _REFUSED), lang)
