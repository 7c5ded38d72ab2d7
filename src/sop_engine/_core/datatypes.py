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

__all__ = ["Validator", "check_record", "validator_for"]

Validator = Callable[[Any], Any]
MAX_TEXT = 100_000


def validator_for(spec: FieldSpec) -> Validator:
    """A function that returns the normalised value or raises ``ValueError`` saying why not."""
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
        shown = ", ".join(spec.values)

        def _enum(value: Any) -> Any:
            if not isinstance(value, str) or value not in allowed:
                raise ValueError(f"expected one of {shown}, got {_shape(value)}")
            return value

        return _enum
    raise AssertionError(f"unhandled field type {kind!r}")


def _shape(value: Any) -> str:
    """What a refused value is, never the value: it may be a NIK, a name or a phone number."""
    if isinstance(value, str):
        return f"text of {len(value)} character(s)"
    if isinstance(value, bool) or value is None:
        return repr(value)
    return type(value).__name__


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {_shape(value)}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"text longer than {MAX_TEXT} characters")
    return value


def _text_filled(value: Any) -> str:
    """A required text: blank (``""`` or only spaces) is a required text left unwritten."""
    if type(value) is str and value and not value.isspace() and len(value) <= MAX_TEXT:
        return value
    text = _text(value)
    raise ValueError(
        f"required text is blank ({_shape(text)}): write it, or mark the data "
        "'allow_blank: true' in the SOP"
    )


def _ref(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected the id of a person or unit, got {_shape(value)}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_shape(value)}")
    return value


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_shape(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {_shape(value)}")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {_shape(value)}")
    return value


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        raise ValueError("expected a date without a time of day")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValueError(f"expected a date like 2026-03-02, got {_shape(value)}")


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
        raise ValueError(
            f"expected a date and time like 2026-03-02T09:30:00+07:00, got {_shape(value)}"
        )
    if parsed.tzinfo is None:
        raise ValueError("a date and time needs a UTC offset or time zone (e.g. +07:00 for WIB)")
    return parsed.astimezone(UTC).isoformat()


def check_record(
    values: Mapping[str, Any],
    specs: Mapping[str, FieldSpec],
    validators: Mapping[str, Validator],
    *,
    require: bool = True,
) -> tuple[dict[str, Any], list[str]]:
    """Validate a whole mapping: unknown names, missing required names, wrong types.

    Returns the normalised mapping and every problem found (empty when valid).
    """
    problems: list[str] = []
    out: dict[str, Any] = {}
    if not isinstance(values, Mapping):
        return out, [f"expected a mapping of names to values, got {type(values).__name__}"]
    for key, value in values.items():
        validate = validators.get(key)
        if validate is None:
            known = ", ".join(sorted(specs)) or "none"
            problems.append(f"unknown name {key!r} (known: {known})")
            continue
        if value is None:
            if specs[key].required and require:
                problems.append(f"{key!r} is required and cannot be empty")
            continue
        try:
            out[key] = validate(value)
        except ValueError as e:
            problems.append(f"{key!r}: {e}")
    if require:
        for name, spec in specs.items():
            if spec.required and name not in values:
                problems.append(f"{name!r} is required")
    return out, problems
