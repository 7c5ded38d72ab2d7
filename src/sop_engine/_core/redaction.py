"""Redacting free text: the reporter's identity in any form, and Indonesian identifiers.

Hiding the exact value of an identity field is not enough: officers and reporters write names
into the account of events, the title, a response or a dispute reason, in lower case, upper
case, with two spaces, with an honorific (``Bu Ani``) or as a first name alone; and they write
NIK, phone numbers, e-mail addresses and vehicle plates. A :class:`Redactor` replaces all of
them by pseudonyms that are stable within one redactor (one export, one view): the same
NIK reads ``[nik-1]`` everywhere in it, the reporter one token, so a reader can still follow the text.

It lives in ``_core`` because the views (what leaves the engine) and the stores (scrubbing the
free text kept outside the chain at erasure) both use it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

__all__ = ["HONORIFICS", "PATTERNS", "Redactor"]

HONORIFICS = ("bapak", "ibu", "pak", "bu", "sdr", "sdri", "saudara", "saudari", "mas", "mbak")
"""Words before a name that are part of how it is written (``Bu Ani``, ``Bapak Joko``)."""

_MIN_PART = 3
"""Name parts at least this long are withheld alone too (``Ani`` of ``Ani Wijaya``)."""

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    # 16-digit NIK / KK, possibly grouped with spaces, dots or dashes
    ("nik", re.compile(r"(?<!\d)\d(?:[ .-]?\d){15}(?!\d)")),
    # +62 / 62 / 08 mobile and fixed numbers, separators allowed
    ("telepon", re.compile(r"(?<![\w+])(?:\+62|62|0)[ .-]?8?\d{1,3}(?:[ .-]?\d{2,4}){2,4}(?!\d)")),
    # vehicle plates: region letters, 1-4 digits, 0-3 letters (B 1234 XYZ, AB1234CD)
    ("plat", re.compile(r"\b[A-Z]{1,2}[ -]?\d{1,4}[ -]?[A-Z]{1,3}\b")),
)
"""Identifiers withheld wherever they appear, whoever the text is about."""


_IDENTIFIER_HINT = re.compile(r"[\d@]")
"""Every pattern of :data:`PATTERNS` needs a digit or an ``@``: text without either is left
as it is after one scan instead of four substitutions."""


@functools.lru_cache(maxsize=256)
def _names_pattern(identities: frozenset[str]) -> re.Pattern[str] | None:
    """The pattern matching every form of these identity values (``None``: no values).

    Remembered per set of values: notifications, views and exports of one case build a
    redactor for the same reporter many times, and compiling the pattern dominated building it.
    """
    patterns = []
    for value in sorted(identities, key=lambda v: (len(v), v)):
        parts = [p for p in re.split(r"\s+", value) if p]
        whole = r"\s+".join(re.escape(p) for p in parts)
        patterns.append(whole)
        if len(parts) > 1:  # partial names: each part long enough to be a name alone
            patterns += [re.escape(p) for p in parts if len(p) >= _MIN_PART and p.isalpha()]
    if not patterns:
        return None
    honor = "|".join(HONORIFICS)
    alternatives = "|".join(sorted(set(patterns), key=lambda p: (-len(p), p)))
    return re.compile(rf"(?:\b(?:{honor})\.?\s+)?(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class Redactor:
    """Withholds ``identities`` (and their variants) and :data:`PATTERNS` in free text.

    Pseudonyms are numbered in order of first appearance, per kind, and are stable for the
    lifetime of the redactor: build one per export or view.
    """

    __slots__ = ("_names", "_seen", "_token")

    def __init__(self, identities: Iterable[str] = (), token: str = "[pelapor]") -> None:
        self._seen: dict[tuple[str, str], str] = {}
        self._token = token  # the one reporter: every form of his identity reads the same
        self._names = _names_pattern(frozenset(v.strip() for v in identities if v and v.strip()))

    def _pseudonym(self, kind: str, found: str) -> str:
        key = (kind, re.sub(r"\W+", "", found).casefold())
        if key not in self._seen:
            n = sum(1 for k in self._seen if k[0] == kind) + 1
            self._seen[key] = f"[{kind}-{n}]"
        return self._seen[key]

    def text(self, value: str) -> str:
        """``value`` with every identity form and identifier replaced by its pseudonym."""
        if self._names is not None:
            value = self._names.sub(lambda m: self._token, value)
        if _IDENTIFIER_HINT.search(value) is None:
            return value  # no digit and no "@": no pattern can match (most titles, units)
        for kind, pattern in PATTERNS:
            value = pattern.sub(self._replacer(kind), value)
        return value

    def _replacer(self, kind: str) -> Callable[[re.Match[str]], str]:
        return lambda m: self._pseudonym(kind, m.group(0))
