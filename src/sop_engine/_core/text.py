"""Bilingual text: Bahasa Indonesia first, English optional.

SOPs are written for Indonesian agencies, so Indonesian is the primary language of every label;
English is there for developers and auditors from elsewhere. A missing English text falls back to
the Indonesian one rather than to nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

__all__ = ["TEXT_SCHEMA", "Lang", "Text"]

Lang = Literal["id", "en"]


@attrs.frozen(slots=True)
class Text:
    """A label or message in Bahasa Indonesia (``id``) with an optional English (``en``) form."""

    id: str
    en: str | None = None

    def get(self, lang: Lang = "id") -> str:
        """The text in ``lang``, falling back to Indonesian when no English form exists."""
        if lang == "en" and self.en:
            return self.en
        return self.id

    def __str__(self) -> str:
        return self.id

    @classmethod
    def from_raw(cls, value: str | Mapping[str, str]) -> Text:
        """A text as SOP files write it (see :data:`TEXT_SCHEMA`): a string or ``{id, en}``."""
        if isinstance(value, str):
            return cls(value)
        return cls(value["id"], value.get("en"))


TEXT_SCHEMA = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
            "required": ["id"],
            "additionalProperties": False,
        },
    ]
}
"""The JSON Schema of a text in SOP files: Indonesian alone, or ``{id: ..., en: ...}``."""
