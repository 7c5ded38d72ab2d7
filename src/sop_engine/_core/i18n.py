"""The message catalogue: gettext with Babel, Bahasa Indonesia and English.

Why gettext: translators work on ``.po`` files with their usual tools, a message missing from the
Indonesian catalogue is *detectable* (the coverage test fails on it) instead of silently English,
and Babel formats dates, numbers and time-zone names the Indonesian way (``Jumat, 6 Maret 2026
16.00 WIB``).

How a text is written in the code (the English text is the message id, the source language):

- ``N_("...")`` marks a constant for extraction and returns it unchanged (tables of texts);
- ``Msg("... {name} ...", name=value)`` is a message with named values, rendered later in the
  reader's language: ``msg.render("id")``; ``str(msg)`` is English (for logs and tracebacks).
  A value may itself be a ``Msg`` or a :class:`~sop_engine._core.text.Text` (rendered in the
  same language), so no English fragment ends up inside an Indonesian sentence;
- ``gettext(text, lang)`` translates one message id now.

The catalogues live in ``sop_engine/locale/{id,en}/LC_MESSAGES/sop_engine.po``; the compiled
``.mo`` files next to them are committed and shipped in the wheel (``make catalogues`` extracts,
merges and compiles; a test fails when they are stale). See CONTRIBUTING.md.
"""

from __future__ import annotations

import errno
import gettext as _gettext
import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Final, NamedTuple

from sop_engine._core.text import Lang, Text

__all__ = [
    "C_",
    "DOMAIN",
    "LANGS",
    "LOCALE_DIR",
    "N_",
    "Ctx",
    "Msg",
    "MsgError",
    "both",
    "either",
    "env_lang",
    "fill",
    "format_date",
    "format_datetime",
    "format_number",
    "gettext",
    "missing",
    "os_reason",
    "pgettext",
    "reason_of",
    "render",
    "series",
]

DOMAIN: Final = "sop_engine"
LOCALE_DIR: Final = Path(__file__).resolve().parents[1] / "locale"
LANGS: Final[tuple[Lang, ...]] = ("id", "en")

_missing: set[tuple[Lang, str]] = set()


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``message`` for extraction into the catalogue; returns it unchanged."""
    return message


@cache
def _catalogue(lang: Lang) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def gettext(message: str, lang: Lang = "id", *, record: bool = True) -> str:
    """``message`` (an English message id) in ``lang``; itself when the catalogue lacks it.

    A lookup that misses is remembered (see :func:`missing`) so the coverage test can name it;
    ``record=False`` is for lookups of text that may legitimately not be a message id (the help
    formatter sees click's already translated texts and bare ``[default: ...]`` extras).
    """
    if not message:
        return message
    catalogue = _catalogue(lang)
    if message not in getattr(catalogue, "_catalog", {}):
        if record:
            _missing.add((lang, message))
        return message
    return catalogue.gettext(message)


class Ctx(NamedTuple):
    """A message id with a context: the same English said two ways in Indonesian."""

    context: str
    message: str


def C_(context: str, message: str) -> Ctx:  # noqa: N802 (the gettext convention)
    """Mark ``message`` for extraction with ``context`` (gettext's ``msgctxt``).

    Why a context: one English id has one Indonesian, but short English words read differently
    in different places (``Received`` is *Diterima* on the desk and *Pengaduan diterima* as a
    report heading); the context keeps both without changing either output.
    """
    return Ctx(context, message)


def pgettext(context: str, message: str, lang: Lang = "id", *, record: bool = True) -> str:
    """``message`` in ``lang`` as said in ``context``; itself when the catalogue lacks it."""
    if not message:
        return message
    key = f"{context}\x04{message}"
    catalogue = _catalogue(lang)
    if key not in getattr(catalogue, "_catalog", {}):
        if record:
            _missing.add((lang, key))
        return message
    return catalogue.pgettext(context, message)


def missing() -> set[tuple[Lang, str]]:
    """The ``(lang, message)`` pairs looked up so far that the catalogues do not have."""
    return set(_missing)


_YES: Final = N_("yes")
_NO: Final = N_("no")


def render(value: object, lang: Lang) -> str:
    """A value ready to go into a message in ``lang``: a ``Msg`` or ``Text`` in that language."""
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, bool):
        return gettext(_YES if value else _NO, lang)
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    return str(value)


class Msg:
    """A message id with named values, rendered in a language when someone reads it.

    ``{name!r}`` quotes a value as Python does (names of states, events, keys); other values
    are rendered with :func:`render`.
    """

    __slots__ = ("params", "text")

    def __init__(self, text: str, /, **params: Any) -> None:
        self.text = text
        self.params: Mapping[str, Any] = params

    def render(self, lang: Lang = "en") -> str:
        """The message in ``lang``; a catalogue entry that does not format falls back to English."""
        values = {k: _Value(v, lang) for k, v in self.params.items()}
        try:
            return gettext(self.text, lang).format_map(values)
        except (KeyError, IndexError, ValueError):
            return self.text.format_map(values)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Msg({self.text!r}, **{dict(self.params)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Msg):
            return (self.text, dict(self.params)) == (other.text, dict(other.params))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)


class _Value:
    """A message value: ``{x}`` renders it in the language, ``{x!r}`` quotes the raw value."""

    __slots__ = ("lang", "value")

    def __init__(self, value: object, lang: Lang) -> None:
        self.value = value
        self.lang = lang

    def __format__(self, spec: str) -> str:
        return format(render(self.value, self.lang), spec)

    def __str__(self) -> str:
        return render(self.value, self.lang)

    def __repr__(self) -> str:
        if isinstance(self.value, Msg | Text):
            return repr(render(self.value, self.lang))
        return repr(self.value)


class _Values(dict[str, Any]):
    """Message values in one language; a name without a value prints as ``{name}``."""

    def __init__(self, values: Mapping[str, Any], lang: Lang) -> None:
        super().__init__((k, _Value(v, lang)) for k, v in values.items())

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def both(message: Msg | str) -> Text:
    """``message`` (a :class:`Msg` or an ``N_`` id) in Bahasa Indonesia and in English at once.

    For the texts that travel as a :class:`Text` after they are made: a guard's or an ethics
    rule's reason goes into a refusal, the audit trail and the desk's JSON (``{id, en}``), and a
    plugin's registry entry keeps both. The words come from the one catalogue, so the code
    holds no Indonesian/English pair of its own. An ``N_`` id is not formatted (its braces are
    a template someone fills later).
    """
    if isinstance(message, Msg):
        return Text(message.render("id"), message.render("en"))
    return Text(gettext(message, "id"), gettext(message, "en"))


class MsgError(ValueError):
    """A ``ValueError`` whose reason is a :class:`Msg`, so whoever reports it (a lint finding, a
    refusal) can say it in the reader's language; ``str(error)`` is the English.

    Raised by the field-type validators and the load-time checks of guards, actions and
    calendars; :func:`reason_of` gets the message back from any exception.
    """

    def __init__(self, msg: Msg) -> None:
        self.msg = msg
        super().__init__(str(msg))


def reason_of(error: BaseException) -> Msg | str:
    """The reason ``error`` gives, as a message when it carries one (:class:`MsgError`, a
    refusal), else its text (a plugin's plain ``ValueError``: in whatever language it wrote)."""
    msg = getattr(error, "msg", None)
    return msg if isinstance(msg, Msg) else str(error)


_OS_REASONS: Final[dict[int, str]] = {
    errno.ENOENT: N_("no such file or directory"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EISDIR: N_("it is a directory, not a file"),
    errno.ENOTDIR: N_("a part of the path is not a directory"),
    errno.ENAMETOOLONG: N_("the file name is too long"),
    errno.ELOOP: N_("too many levels of symbolic links"),
    errno.EEXIST: N_("it exists already"),
    errno.ENOSPC: N_("no space left on the device"),
    errno.EROFS: N_("the file system is read-only"),
}


def os_reason(error: OSError) -> Msg | str:
    """Why the operating system refused, as a message: Python's ``strerror`` is the C
    library's English (``No such file or directory``), which an Indonesian reader would meet
    inside an Indonesian sentence. An errno without a message gives ``strerror`` itself."""
    text = _OS_REASONS.get(error.errno or -1)
    return Msg(text) if text is not None else (error.strerror or str(error))


def series(items: Sequence[object], *, last: str = N_("{first} and {second}")) -> Msg | str:
    """``a, b and c`` in the reader's language (``last`` joins the last two: ``and`` or, with
    :func:`either`, ``or``); items may be messages. One item is itself, none is ``""``."""
    if not items:
        return ""
    out: object = items[0]
    for k, item in enumerate(items[1:], start=2):
        out = Msg(last if k == len(items) else "{first}, {second}", first=out, second=item)
    return out if isinstance(out, Msg | str) else str(out)


def either(items: Sequence[object]) -> Msg | str:
    """``a, b or c`` in the reader's language."""
    return series(items, last=N_("{first} or {second}"))


def fill(template: str, values: Mapping[str, Any], lang: Lang) -> str:
    """``template`` (already in ``lang``) with ``values`` rendered in ``lang``."""
    return template.format_map(_Values(values, lang))


def env_lang() -> Lang | None:
    """The language ``SOP_LANG`` asks for (``id`` or ``en``), or None when it is not set."""
    value = os.environ.get("SOP_LANG", "").strip().lower()
    return value if value in ("id", "en") else None  # type: ignore[return-value]


def locale_lang() -> Lang:
    """The language of the POSIX locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``): en or id.

    Only an English locale gives English: Bahasa Indonesia is the default of this tool, so the
    ``C``/``POSIX`` locale of servers and CI machines keeps it.
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "id"
    return "id"


def format_datetime(instant: datetime, lang: Lang, *, short: bool = False) -> str:
    """``Jumat, 6 Maret 2026 16.00 WIB`` (or ``Jum 6 Mar 16.00`` when ``short``) in ``lang``."""
    from babel.dates import format_datetime as babel_format

    pattern = "EEE d MMM HH.mm" if short else "EEEE, d MMMM y HH.mm zzz"
    if lang == "en":
        pattern = pattern.replace("HH.mm", "HH:mm")
    return babel_format(instant, pattern, tzinfo=instant.tzinfo, locale=lang)


def format_date(day: date, lang: Lang) -> str:
    """``Jumat, 6 Maret 2026`` in ``lang``."""
    from babel.dates import format_date as babel_format

    return babel_format(day, "EEEE, d MMMM y", locale=lang)


def format_number(number: float, lang: Lang) -> str:
    """``1.234,5`` in Indonesian, ``1,234.5`` in English."""
    from babel.numbers import format_decimal

    return format_decimal(number, locale=lang)
