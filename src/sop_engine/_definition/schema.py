"""The JSON Schema of SOP files, built from the registered specifications.

The schema is the single description of the file's shape: the loader validates every file against
it before reading it into records, editors use it for completion (``sop schema > sop.schema.json``
and a ``# yaml-language-server: $schema=...`` line), and because it is built from the registry,
guards, actions and sections added by plugins appear in it with their parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sop_engine._core.definition import FIELD_TYPES
from sop_engine._core.i18n import N_, Msg
from sop_engine._core.text import Text
from sop_engine._spec.names import RESERVED_SECTIONS
from sop_engine._spec.specs import SpecTables

__all__ = ["NAME_PATTERN", "SCHEMA_ID", "reserved_for", "schema_for"]

SCHEMA_ID = "https://sop-engine.readthedocs.io/en/latest/sop.schema.json"
"""Where the docs site publishes this schema (docs/conf.py copies docs/sop.schema.json there)."""
NAME_PATTERN = "^[a-z][a-z0-9_]{0,62}$"


def reserved_for(purpose: Text) -> Msg:
    """The description of a reserved section no installed plugin provides."""
    return Msg("reserved for {purpose}", purpose=purpose)


_NAME = {"type": "string", "pattern": NAME_PATTERN}


def _text(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [
            {"type": "string", "minLength": 1},
            {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "minLength": 1, "description": "Bahasa Indonesia"},
                    "en": {"type": "string", "minLength": 1, "description": "English"},
                },
                "required": ["id"],
                "additionalProperties": False,
            },
        ],
    }


def _names(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [_NAME, {"type": "array", "items": _NAME, "minItems": 1, "uniqueItems": True}],
    }


_CALL_LISTS = {
    "guard": N_("guards, each written as NAME or as NAME: {parameters}"),
    "action": N_("actions, each written as NAME or as NAME: {parameters}"),
}


def _calls(kind: str, specs: Mapping[str, Any]) -> dict[str, Any]:
    names = sorted(specs)
    by_name = {
        name: {**dict(specs[name].params), "description": specs[name].description.get("en")}
        for name in names
    }
    return {
        "type": "array",
        "description": _CALL_LISTS.get(kind, f"{kind}s"),
        "items": {
            "anyOf": [
                {"enum": names} if names else {"not": {}},
                {
                    "type": "object",
                    "properties": by_name,
                    "additionalProperties": False,
                    "minProperties": 1,
                    "maxProperties": 1,
                },
            ]
        },
    }


def _field() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "type": {"enum": list(FIELD_TYPES), "description": "the kind of value"},
            "label": _text("what the field is called on forms"),
            "description": _text("what the field holds and why"),
            "required": {"type": "boolean"},
            "values": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "minItems": 1,
                "uniqueItems": True,
                "description": "the allowed values of an enum field",
            },
            "ref": {"enum": ["person", "unit"], "description": "what a ref field points to"},
            "personal": {
                "type": "boolean",
                "description": "personal data of the reporter: kept apart from the audit chain",
            },
            "allow_blank": {
                "type": "boolean",
                "description": "a required text may be left blank (default: it must hold words)",
            },
        },
        "additionalProperties": False,
    }


def schema_for(reg: SpecTables) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of SOP files for the guards/actions/sections in ``reg``."""
    field = _field()
    event_field = {**field}
    case_field = {**field, "required": ["type"]}
    sections: dict[str, Any] = {}
    for name, purpose in RESERVED_SECTIONS.items():
        handler = reg.sections.get(name)
        if handler is not None:
            sections[name] = {**dict(handler.schema), "description": handler.purpose.get("en")}
        else:
            sections[name] = {"description": reserved_for(purpose).render("en")}
    for name, handler in reg.sections.items():
        if name not in sections:
            sections[name] = {**dict(handler.schema), "description": handler.purpose.get("en")}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "sop_engine SOP file",
        "description": "A complaint-handling SOP (standard operating procedure) for sop_engine.",
        "type": "object",
        "properties": {
            "sop": {
                "type": "object",
                "description": "identity of the procedure",
                "properties": {
                    "id": {**_NAME, "pattern": "^[a-z][a-z0-9_-]{0,62}$"},
                    "version": {"type": "string", "minLength": 1},
                    "title": _text("title of the SOP"),
                    "agency": {"type": "string", "minLength": 1},
                    "language": {"enum": ["id", "en"]},
                    "description": _text("what the SOP covers"),
                },
                "required": ["id", "version", "title", "agency"],
                "additionalProperties": False,
            },
            "roles": {
                "type": "object",
                "description": "roles officers act in, by name",
                "propertyNames": _NAME,
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "label": _text("name of the role"),
                        "description": _text("what the role does"),
                    },
                    "required": ["label"],
                    "additionalProperties": False,
                },
                "minProperties": 1,
            },
            "requires": {
                "type": "array",
                "description": "plugin packages the SOP needs (their guards, actions, calendars)",
                "items": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$"},
                "uniqueItems": True,
            },
            "intake": {
                "type": "object",
                "description": "who may open a case (default: every declared role)",
                "properties": {"roles": _names("roles that may open a case")},
                "required": ["roles"],
                "additionalProperties": False,
            },
            "fields": {
                "type": "object",
                "description": "the case data schema, by field name",
                "propertyNames": _NAME,
                "additionalProperties": case_field,
            },
            "states": {
                "type": "object",
                "description": "states of a case, by name",
                "propertyNames": _NAME,
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "label": _text("name of the state"),
                        "description": _text("what the state means"),
                        "initial": {"type": "boolean"},
                        "final": {"type": "boolean"},
                        "waiting": {
                            "type": "boolean",
                            "description": "the unit waits on someone outside it (e.g. the reporter)",
                        },
                    },
                    "required": ["label"],
                    "additionalProperties": False,
                },
                "minProperties": 1,
            },
            "events": {
                "type": "object",
                "description": "what actors do to a case, by name",
                "propertyNames": _NAME,
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "label": _text("name of the event"),
                        "description": _text("what the event means"),
                        "roles": _names("roles that may fire the event"),
                        "data": {
                            "type": "object",
                            "description": "data the event carries; a case field's name writes it",
                            "propertyNames": _NAME,
                            "additionalProperties": event_field,
                        },
                    },
                    "required": ["label"],
                    "additionalProperties": False,
                },
                "minProperties": 1,
            },
            "transitions": {
                "type": "array",
                "description": "on EVENT in one of FROM, if the guards pass, run actions, go TO",
                "items": {
                    "type": "object",
                    "properties": {
                        "event": _NAME,
                        "from": _names("state(s) the transition leaves"),
                        "to": _NAME,
                        "roles": _names("roles for this transition only (default: the event's)"),
                        "guards": _calls("guard", reg.guards),
                        "actions": _calls("action", reg.actions),
                        "description": _text("why this transition exists"),
                    },
                    "required": ["event", "from", "to"],
                    "additionalProperties": False,
                },
                "minItems": 1,
            },
            **sections,
        },
        "required": ["sop", "roles", "states", "events", "transitions"],
        "additionalProperties": False,
    }
