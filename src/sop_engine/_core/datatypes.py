"""Checking values against field types: case data, event data and guard parameters.

Values are kept JSON-native (dates and datetimes as ISO-8601 text, datetimes normalised to UTC) so
a case can be stored, hashed and compared without a custom encoder. Python ``date`` and
``datetime`` objects are accepted on input and converted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sop_engine._core.definition import FieldSpec
from sop_engine._core.i18n import Msg, MsgError, reason_of

__all__ = ["Validator", "check_record", "validator_for"]

Validator = Callable[[Any], Any]
MAX_TEXT = 100_000


def validator_for(spec: FieldSpec) -> Validator:
    """A function that returns the normalised value or raises ``ValueError`` saying why not
    (a :class:`~sop_engine._core.i18n.MsgError`: the reason in the reader's language)."""
    kind = spec.type
    if kind == "text":
        return _text_filled if spec.required and not spec.allow_blank else _text
    if kind == "ref":
        return _ref
    if kind == "bool":
        return _bool
    if kind == "number":
        return _number
    if kind == "integer":
        return _integer
    if kind == "date":
        return _date
    if kind == "datetime":
        return _datetime
    if kind == "enum":
        allowed = frozenset(spec.values)
        shown = ", ".join(repr(v) for v in spec.values)

        def _enum(value: Any) -> Any:
            if not isinstance(value, str) or value not in allowed:
                raise MsgError(
                    Msg(
                        "expected one of {allowed}, got {found}", allowed=shown, found=_shape(value)
                    )
                )
            return value

        return _enum
    raise AssertionError(f"unhandled field type {kind!r}")


def _shape(value: Any) -> Msg | str:
    """What a refused value is, never the value: it may be a NIK, a name or a phone number."""
    if isinstance(value, str):
        return Msg("text of {n} character(s)", n=len(value))
    if isinstance(value, bool) or value is None:
        return repr(value)
    return Msg("a value of Python type {kind!r}", kind=type(value).__name__)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise MsgError(Msg("expected text, got {found}", found=_shape(value)))
    if len(value) > MAX_TEXT:
        raise MsgError(Msg("text longer than {limit} characters", limit=MAX_TEXT))
    return value


def _text_filled(value: Any) -> str:
    """A required text: blank (``""`` or only spaces) is a required text left unwritten."""
    if type(value) is str and value and not value.isspace() and len(value) <= MAX_TEXT:
        return value
    text = _text(value)
    raise MsgError(
        Msg(
            "required text is blank ({found}): write it, or mark the data "
            "'allow_blank: true' in the SOP",
            found=_shape(text),
        )
    )


def _ref(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MsgError(Msg("expected the id of a person or unit, got {found}", found=_shape(value)))
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise MsgError(Msg("expected true or false, got {found}", found=_shape(value)))
    return value


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MsgError(Msg("expected a number, got {found}", found=_shape(value)))
    if isinstance(value, float) and not math.isfinite(value):
        raise MsgError(Msg("expected a finite number, got {found}", found=_shape(value)))
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MsgError(Msg("expected a whole number, got {found}", found=_shape(value)))
    return value


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        raise MsgError(Msg("expected a date without a time of day"))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise MsgError(Msg("expected a date like 2026-03-02, got {found}", found=_shape(value)))


def _datetime(value: Any) -> str:
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise MsgError(
            Msg(
                "expected a date and time like 2026-03-02T09:30:00+07:00, got {found}",
                found=_shape(value),
            )
        )
    if parsed.tzinfo is None:
        raise MsgError(Msg("a date and time needs a UTC offset or time zone (e.g. +07:00 for WIB)"))
    return parsed.astimezone(UTC).isoformat()


def check_record(
    values: Mapping[str, Any],
    specs: Mapping[str, FieldSpec],
    validators: Mapping[str, Validator],
    *,
    require: bool = True,
) -> tuple[dict[str, Any], list[Msg]]:
    """Validate a whole mapping: unknown names, missing required names, wrong types.

    Returns the normalised mapping and every problem found (empty when valid), each a message
    (``str(problem)`` is the English; a refusal renders it in the reader's language).
    """
    problems: list[Msg] = []
    out: dict[str, Any] = {}
    if not isinstance(values, Mapping):
        return out, [
            Msg(
                "expected a mapping of names to values, got {found}",
                found=_shape(values),
            )
        ]
    for key, value in values.items():
        validate = validators.get(key)
        if validate is None:
            known: Msg | str = ", ".join(sorted(specs)) or Msg("none")
            problems.append(Msg("unknown name {key!r} (known: {known})", key=key, known=known))
            continue
        if value is None:
            if specs[key].required and require:
                problems.append(Msg("{key!r} is required and cannot be empty", key=key))
            continue
        try:
            out[key] = validate(value)
        except ValueError as e:
            problems.append(Msg("{key!r}: {reason}", key=key, reason=reason_of(e)))
    if require:
        for name, spec in specs.items():
            if spec.required and name not in values:
                problems.append(Msg("{key!r} is required", key=name))
    return out, problems
