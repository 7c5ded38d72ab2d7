"""Every text the desk shows a person, as message ids of the package's one catalogue, and its
dates as an officer reads them.

Why the package's catalogue and not a table of its own: one catalogue means one place for a
translator, and a desk text without Indonesian is *detectable* (``make catalogues`` lists it, the
language coverage test fails on it) instead of silently English. The ids are English (the source
language, as everywhere in the package); ``N_`` marks them so ``make catalogues`` extracts them.

The desk is built on the public API only (agencies copy it), so it reads the compiled catalogue
the package ships (``sop_engine/locale``) with the standard library's :mod:`gettext` (the same
files and domain the engine uses), and formats dates with Babel in the agency's time zone:
``Jumat, 6 Maret 2026 16.00 WIB``, never a UTC ``strftime`` stamp.
"""

from __future__ import annotations

import gettext as _gettext
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Final, Literal
from zoneinfo import ZoneInfo

import sop_engine

__all__ = [
    "DOMAIN",
    "LOCALE_DIR",
    "N_",
    "STATUSES",
    "SYSTEM_EVENTS",
    "TEXTS",
    "ConfigError",
    "Lang",
    "day",
    "lang_of",
    "month",
    "say",
    "status",
    "system_event",
    "t",
    "translated",
    "when",
]

Lang = Literal["id", "en"]

DOMAIN: Final = "sop_engine"
LOCALE_DIR: Final = Path(sop_engine.__file__).resolve().parent / "locale"


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``message`` for extraction into the catalogue; returns it unchanged."""
    return message


TEXTS: Final[dict[str, str]] = {
    "desk": N_("Complaint desk"),
    "file_title": N_("File a complaint"),
    "file_submit": N_("Send the complaint"),
    "anonymous": N_("Keep my identity secret (anonymous)"),
    "reporter": N_("Your name or contact (optional)"),
    "filed": N_("Your complaint has been received."),
    "keep_id": N_("Keep this tracking ID to follow its progress:"),
    "track_title": N_("Track a complaint"),
    "track_id": N_("Tracking ID"),
    "track_submit": N_("Track"),
    "not_found": N_("No such complaint."),
    "status": N_("Status"),
    "filed_at": N_("Received"),
    "expected": N_("Expected by"),
    "timeline": N_("Timeline"),
    "responses": N_("Responses"),
    "withheld": N_("[withheld]"),
    "login_title": N_("Officer sign-in"),
    "token": N_("Access token"),
    "login_submit": N_("Sign in"),
    "logout": N_("Sign out"),
    "bad_token": N_("Unknown token."),
    "queue_title": N_("My queue"),
    "queue_empty": N_("Nothing in the queue."),
    "case": N_("Case"),
    "state": N_("State"),
    "due": N_("Due"),
    "days_left": N_("working days left"),
    "overdue": N_("overdue by"),
    "working_days": N_("working days"),
    "data": N_("Case data"),
    "deadlines": N_("Service standards"),
    "actions": N_("What you may do now"),
    "no_actions": N_("Nothing for you to do now."),
    "fire": N_("Do it"),
    "extend": N_("Extend"),
    "amount": N_("Extra working days"),
    "reason": N_("Reason"),
    "declare": N_("Declaration of interest"),
    "no_conflict": N_("I have no conflict of interest"),
    "conflict": N_("I have a conflict of interest"),
    "relation": N_("Relation"),
    "violations_title": N_("Code-of-ethics violations"),
    "no_violations": N_("No violations recorded."),
    "breaches_title": N_("Missed service standards"),
    "no_breaches": N_("No service standard missed."),
    "escalation": N_("escalation level"),
    "refused": N_("Command refused"),
    "done": N_("Saved."),
    "forbidden": N_("You may not see this page."),
    "sign_in_first": N_("Please sign in first."),
    "open311_notice": N_("Keep this number to track your complaint."),
    "diagram": N_("The SOP and this case's path"),
    "me_title": N_("This month's performance"),
    "received": N_("Complaints received"),
    "on_time": N_("on time"),
    "of": N_("of"),
    "not_decided": N_("none due yet"),
    "yes": N_("yes"),
    "no": N_("no"),
    "block": N_("refused"),
    "flag": N_("recorded"),
}
"""key -> message id (English); the Indonesian is in the catalogue."""

STATUSES: Final[dict[str, str]] = {
    "running": N_("running"),
    "paused": N_("paused"),
    "met": N_("met"),
    "closed": N_("closed before it was met"),
    "withdrawn": N_("no longer applies"),
}
"""A deadline's status (records.Deadline.status) as the desk says it."""


SYSTEM_EVENTS: Final[dict[str, str]] = {
    "@start": N_("complaint received"),
    "@remind": N_("reminder sent"),
    "@breach": N_("service standard missed"),
    "@escalate": N_("escalated"),
    "@expire": N_("time ran out: automatic step"),
    "@extend": N_("deadline extended"),
    "@recalendar": N_("working-day calendar changed"),
    "@migrate": N_("moved to a new SOP version"),
    "@erase": N_("personal data erased"),
    "@ethics": N_("refused by the code of ethics"),
    "@declare": N_("declaration of interest"),
    "@reveal_request": N_("request to reveal the reporter"),
    "@reveal_approve": N_("reveal approved"),
    "@reveal": N_("reporter revealed"),
}
"""The engine's own events in a case's timeline, as the desk says them (an SOP's events have
their labels in the SOP)."""


@cache
def _catalogue(lang: Lang) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def translated(lang: Lang, message: str) -> bool:
    """Whether the shipped catalogue of ``lang`` has ``message`` (the coverage test asks)."""
    return message in getattr(_catalogue(lang), "_catalog", {})


def say(lang: Lang, message: str) -> str:
    """The message id ``message`` in ``lang`` (itself when the catalogue lacks it)."""
    return _catalogue(lang).gettext(message)


class ConfigError(ValueError):
    """A desk file (``--config``, ``--principals``) that cannot be used, its reason a message id
    of the catalogue with its values, so ``sop serve`` says it in the operator's language (the
    desk cannot use the engine's ``Msg``: it is built on the public API only). ``str()`` is the
    English, for logs and tracebacks."""

    def __init__(self, message: str, /, **values: object) -> None:
        self.message = message
        self.values = values
        super().__init__(message.format(**values))

    def said(self, lang: Lang) -> str:
        """The reason in ``lang``; a catalogue entry that does not format falls back to English."""
        try:
            return say(lang, self.message).format(**self.values)
        except (KeyError, IndexError, ValueError):
            return str(self)


def lang_of(value: str | None) -> Lang:
    """``en`` when asked for, Indonesian otherwise (the default of the desk)."""
    return "en" if value == "en" else "id"


def t(lang: Lang, key: str) -> str:
    """The text ``key`` in ``lang``."""
    return say(lang, TEXTS[key])


def status(lang: Lang, value: str) -> str:
    """A deadline status in ``lang``; an unknown one (a newer engine's) as it is."""
    message = STATUSES.get(value)
    return say(lang, message) if message is not None else value


def system_event(lang: Lang, event: str) -> str:
    """One of the engine's events (``@breach``) in ``lang``; an unknown one as it is."""
    message = SYSTEM_EVENTS.get(event)
    return say(lang, message) if message is not None else event


def when(instant: datetime | None, lang: Lang, zone: str) -> str:
    """``Jumat, 6 Maret 2026 16.00 WIB`` (English: ``Friday, 6 March 2026 16:00 WIB``): the
    instant in the agency's time zone, as ``sop case show`` prints it; ``""`` for none."""
    if instant is None:
        return ""
    from babel.dates import format_datetime

    pattern = "EEEE, d MMMM y HH.mm" if lang == "id" else "EEEE, d MMMM y HH:mm"
    local = instant.astimezone(ZoneInfo(zone))
    # WIB, WITA, WIT in both languages: the names Indonesians use (English Babel says +0700)
    abbreviation = format_datetime(local, "zzz", tzinfo=local.tzinfo, locale="id")
    return f"{format_datetime(local, pattern, tzinfo=local.tzinfo, locale=lang)} {abbreviation}"


def day(instant: datetime | None, lang: Lang, zone: str) -> str:
    """``Jumat, 6 Maret 2026``: the day the instant falls on in the agency's time zone."""
    if instant is None:
        return ""
    from babel.dates import format_date

    return format_date(instant.astimezone(ZoneInfo(zone)).date(), "EEEE, d MMMM y", locale=lang)


def month(first: date, lang: Lang) -> str:
    """``Maret 2026``: the month a monthly figure covers."""
    from babel.dates import format_date

    return format_date(first, "LLLL y", locale=lang)
