"""Protocol values the engine writes into the trail and the timer index: typed, never parsed ad hoc.

System events (what the engine, not the SOP, records: ``@start``, ``@extend``, ``@remind`` …) are
members of :class:`SystemEvent`, a ``str`` enum, so stores and trails keep the plain text while code
compares against one definition. A timer's item (``remind:2``, ``breach``, ``level:1``, ``expiry``
and the follow-ups ``then:expiry``, ``then:level:1``) is a :class:`TimerItem`: validated once where
it is built, read through typed properties, stored as its text.
"""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING

from sop_engine._core.i18n import N_, gettext

if TYPE_CHECKING:
    from sop_engine._core.text import Lang

__all__ = ["ItemKind", "SystemEvent", "TimerItem", "system_event_words"]


class SystemEvent(enum.StrEnum):
    """Audit events the engine records by itself; no SOP event can start with ``@``."""

    START = "@start"
    """A case was opened."""
    REMIND = "@remind"
    BREACH = "@breach"
    ESCALATE = "@escalate"
    EXPIRE = "@expire"
    EXTEND = "@extend"
    RECALENDAR = "@recalendar"
    MIGRATE = "@migrate"
    ERASE = "@erase"
    ETHICS = "@ethics"
    """A command the code of ethics blocked: the attempt is recorded, the case is unchanged."""
    DECLARE = "@declare"
    REVEAL_REQUEST = "@reveal_request"
    """Someone of a ``reveal`` role asks, with a reason, to see an anonymous reporter."""
    REVEAL_APPROVE = "@reveal_approve"
    """A second person, of another role, approves a reveal request (four eyes)."""
    REVEAL = "@reveal"
    """The requester saw the identity, under an approved request."""


_WORDS: dict[str, str] = {
    SystemEvent.START: N_("complaint received"),
    SystemEvent.REMIND: N_("reminder sent"),
    SystemEvent.BREACH: N_("service standard missed"),
    SystemEvent.ESCALATE: N_("escalated"),
    SystemEvent.EXPIRE: N_("time ran out: automatic step"),
    SystemEvent.EXTEND: N_("deadline extended"),
    SystemEvent.RECALENDAR: N_("working-day calendar changed"),
    SystemEvent.MIGRATE: N_("moved to a new SOP version"),
    SystemEvent.ERASE: N_("personal data erased"),
    SystemEvent.ETHICS: N_("refused by the code of ethics"),
    SystemEvent.DECLARE: N_("declaration of interest"),
    SystemEvent.REVEAL_REQUEST: N_("request to reveal the reporter"),
    SystemEvent.REVEAL_APPROVE: N_("reveal approved"),
    SystemEvent.REVEAL: N_("reporter revealed"),
}


def system_event_words(event: str, lang: Lang) -> str:
    """A system event (``@breach``) in words of ``lang`` (``standar waktu terlampaui``), for a
    person reading a timeline; the ``@`` name stays what stores, JSON and code use. An event
    this table does not know is shown as it is."""
    words = _WORDS.get(event)
    return gettext(words, lang) if words is not None else event


class ItemKind(enum.StrEnum):
    """What a timer does when it comes due."""

    REMIND = "remind"
    BREACH = "breach"
    LEVEL = "level"
    EXPIRY = "expiry"

    @property
    def audit_event(self) -> SystemEvent:
        """The event the sweeper records when an item of this kind fires."""
        return _AUDIT[self]


_AUDIT = {
    ItemKind.REMIND: SystemEvent.REMIND,
    ItemKind.BREACH: SystemEvent.BREACH,
    ItemKind.LEVEL: SystemEvent.ESCALATE,
    ItemKind.EXPIRY: SystemEvent.EXPIRE,
}

_ITEM = re.compile(r"^(then:)?(remind|breach|level|expiry)(?::(\d{1,6}))?$")


class TimerItem(str):
    """One thing due on a deadline's arming: reminder N, the breach, escalation level N, the expiry.

    It is its own wire text (``remind:1``, ``level:2``, ``then:expiry``), so stores, payloads and
    JSON keep plain strings, while code reads :attr:`kind`, :attr:`number` and
    :attr:`follow_up` instead of splitting the text. A follow-up (``then:…``) fires the SOP
    event an expiry or a level asks for; it is queued with the ``@expire``/``@escalate`` event
    and completed with the event it fires. Only valid texts can be built.
    """

    __slots__ = ()

    def __new__(cls, text: str) -> TimerItem:
        m = _ITEM.match(text)
        if m is None or (m.group(2) in ("remind", "level")) != (m.group(3) is not None):
            raise ValueError(
                f"{text!r} is not a timer item (e.g. 'remind:0', 'breach', 'level:1', 'expiry', "
                "'then:expiry')"
            )
        return super().__new__(cls, text)

    @classmethod
    def of(cls, kind: ItemKind, number: int = 0, *, follow_up: bool = False) -> TimerItem:
        """The item of ``kind`` (numbered for reminders and levels)."""
        text = f"{kind.value}:{number}" if kind in _NUMBERED else kind.value
        return cls.coerce(f"then:{text}" if follow_up else text)

    @classmethod
    def coerce(cls, value: str) -> TimerItem:
        """attrs converter: timers are built from a handful of distinct texts, on the hot path."""
        if type(value) is TimerItem:
            return value
        item = _PARSED.get(value)
        if item is None:
            item = cls(value)
            if len(_PARSED) < 4096:
                _PARSED[str(value)] = item
        return item

    @property
    def follow_up(self) -> bool:
        return self.startswith("then:")

    @property
    def kind(self) -> ItemKind:
        kind = _KINDS.get(self)  # read several times per fired item: parse each text once
        if kind is None:
            kind = ItemKind(self.removeprefix("then:").partition(":")[0])
            if len(_KINDS) < 4096:
                _KINDS[str(self)] = kind
        return kind

    @property
    def number(self) -> int:
        """The reminder's index or the escalation level (0 for the others)."""
        _, _, n = self.removeprefix("then:").partition(":")
        return int(n) if n else 0

    def then(self) -> TimerItem:
        """The follow-up of this item."""
        return self.coerce(f"then:{self}")


_NUMBERED = (ItemKind.REMIND, ItemKind.LEVEL)
_PARSED: dict[str, TimerItem] = {}
_KINDS: dict[str, ItemKind] = {}
