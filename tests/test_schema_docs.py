"""The published schema, the docs and the records stay in step with the code."""

from __future__ import annotations

import json

import attrs
import pytest
from jsonschema import Draft202012Validator

from sop_engine import Registry, sop_schema
from sop_engine._core.definition import (
    EventSpec,
    FieldSpec,
    Meta,
    RoleSpec,
    StateSpec,
    TransitionSpec,
)
from sop_engine._core.findings import CODES, codes_markdown
from sop_engine._definition.source import read_source

from conftest import EXAMPLES, ROOT


def test_schema_is_valid_draft_2020_12(registry: Registry) -> None:
    Draft202012Validator.check_schema(sop_schema(registry))


def test_published_schema_file_is_current() -> None:
    """The published schema is the core one: installed plugins do not change it."""
    published = json.loads((ROOT / "docs" / "sop.schema.json").read_text(encoding="utf-8"))
    core = sop_schema(Registry(load_entry_points=False))
    assert published == core, "run `make docs` to refresh docs/sop.schema.json"


def test_error_codes_doc_is_current() -> None:
    doc = (ROOT / "docs" / "error-codes.md").read_text(encoding="utf-8")
    assert doc == codes_markdown(), "run `make docs` to refresh docs/error-codes.md"
    for code in CODES:
        assert f"| {code} |" in doc


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/sop.yaml")), ids=lambda p: p.parent.name)
def test_examples_validate_against_the_published_schema(path: object) -> None:
    schema = json.loads((ROOT / "docs" / "sop.schema.json").read_text(encoding="utf-8"))
    source = read_source(path)  # type: ignore[arg-type]
    assert not isinstance(source, list)
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(source.data)]
    assert errors == []


@pytest.mark.parametrize(
    ("record", "schema_path", "not_in_file"),
    [
        (Meta, ("sop",), set()),
        (RoleSpec, ("roles", "additionalProperties"), {"name", "pos"}),
        (FieldSpec, ("fields", "additionalProperties"), {"name", "pos"}),
        (StateSpec, ("states", "additionalProperties"), {"name", "pos"}),
        (EventSpec, ("events", "additionalProperties"), {"name", "pos"}),
    ],
)
def test_records_and_schema_have_the_same_keys(
    registry: Registry, record: type, schema_path: tuple[str, ...], not_in_file: set[str]
) -> None:
    node = sop_schema(registry)["properties"]
    for key in schema_path:
        node = node[key]
    keys = set(node["properties"])
    fields = {f.name for f in attrs.fields(record)} - not_in_file
    assert keys == fields


def test_transition_record_and_schema(registry: Registry) -> None:
    keys = set(sop_schema(registry)["properties"]["transitions"]["items"]["properties"])
    renamed = {"sources": "from", "dest": "to"}
    fields = {renamed.get(f.name, f.name) for f in attrs.fields(TransitionSpec)} - {"index", "pos"}
    assert keys == fields


def test_every_guard_and_action_appears_with_its_parameters(registry: Registry) -> None:
    items = sop_schema(registry)["properties"]["transitions"]["items"]["properties"]
    guard_branch = items["guards"]["items"]["anyOf"][1]["properties"]
    action_branch = items["actions"]["items"]["anyOf"][1]["properties"]
    assert set(guard_branch) == set(registry.guards)
    assert set(action_branch) == set(registry.actions)
    for name, spec in registry.guards.items():
        assert guard_branch[name]["properties"] == spec.params["properties"]
