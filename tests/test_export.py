"""``sop export xes|ocel``: the fixture month as an IEEE XES log and an OCEL 2.0 JSON log,
each validated against its schema, reporters pseudonymised, working days as attributes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from click.testing import CliRunner

from reports_fixture import build
from sop_engine import Engine, Registry
from sop_engine.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "process-mining"
REPORTERS = ("p-sms", "p-web", "p-app", "p-loket", "p-media_sosial", "pelapor-1")


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path_factory.mktemp("export") / "month.db"
    engine = build(path, Registry())
    yield engine, path
    engine.store.close()  # type: ignore[attr-defined]


def _export(path: Path, out: Path, *args: str) -> str:
    res = CliRunner().invoke(main, ["export", *args, "--db", str(path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out.read_text()


def test_xes_is_valid_and_pseudonymised(month: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, path = month
    text = _export(path, tmp_path / "log.xes", "xes", "--salt", "s1")
    xmlschema.XMLSchema(FIXTURES / "xes-ieee-1849-2016.xsd").validate(text)
    for reporter in REPORTERS:
        assert f'"{reporter}"' not in text
    root = ET.fromstring(text)
    traces = root.findall("trace")
    assert len(traces) == 8
    names = {t.find("string[@key='concept:name']").get("value") for t in traces}  # type: ignore[union-attr]
    assert names == set("ABCDEFGH")
    c = next(t for t in traces if t.find("string[@key='concept:name']").get("value") == "C")  # type: ignore[union-attr]
    events = c.findall("event")
    assert len(events) == len(engine.history("C"))
    ajukan = next(
        e
        for e in events
        if e.find("string[@key='concept:name']").get("value") == "ajukan_tanggapan"
    )  # type: ignore[union-attr]
    # opened 16 Mar, submitted 31 Mar: 17, 25, 26, 27, 30, 31; diproses since 17 Mar: 6 - 1
    assert ajukan.find("int[@key='sop:working_days_since_open']").get("value") == "6"  # type: ignore[union-attr]
    assert ajukan.find("int[@key='sop:working_days_since_previous_move']").get("value") == "5"  # type: ignore[union-attr]
    assert ajukan.find("string[@key='sop:ethics:KE-07']").get("value") == "flag"  # type: ignore[union-attr]
    # the same salt gives the same pseudonyms; another salt others
    again = _export(path, tmp_path / "again.xes", "xes", "--salt", "s1")
    other = _export(path, tmp_path / "other.xes", "xes", "--salt", "s2")
    assert again == text
    assert other != text


def test_a_period_keeps_the_events_in_it(month: tuple[Engine, Path], tmp_path: Path) -> None:
    _, path = month
    text = _export(path, tmp_path / "feb.xes", "xes", "--from", "2026-02-01", "--to", "2026-03-01")
    root = ET.fromstring(text)
    (g,) = root.findall("trace")  # only G had events in February
    assert g.find("string[@key='concept:name']").get("value") == "G"  # type: ignore[union-attr]
    assert len(g.findall("event")) == 7


def test_ocel_is_valid_and_consistent(month: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, path = month
    text = _export(path, tmp_path / "log.json", "ocel", "--now", "2026-04-01T01:00:00")
    doc = json.loads(text)
    schema = json.loads((FIXTURES / "ocel20.schema.json").read_text())
    jsonschema.validate(doc, schema)
    for reporter in REPORTERS:
        assert f'"{reporter}"' not in text
        assert f':{reporter}"' not in text
    ids = {o["id"] for o in doc["objects"]}
    types = {t["name"]: {a["name"] for a in t["attributes"]} for t in doc["objectTypes"]}
    etypes = {t["name"]: {a["name"] for a in t["attributes"]} for t in doc["eventTypes"]}
    for o in doc["objects"]:
        assert {a["name"] for a in o["attributes"]} <= types[o["type"]]
        for r in o.get("relationships", []):
            assert r["objectId"] in ids
    for e in doc["events"]:
        datetime.fromisoformat(e["time"])
        assert {a["name"] for a in e["attributes"]} <= etypes[e["type"]]
        assert all(r["objectId"] in ids for r in e["relationships"])
    assert len(doc["events"]) == sum(len(engine.history(c)) for c in "ABCDEFGH")
    kinds = {o["type"] for o in doc["objects"]}
    assert kinds == {"case", "reporter", "officer", "unit", "deadline"}
    breach = next(e for e in doc["events"] if e["id"] == "D:3")
    assert breach["type"] == "@breach"
    assert {"objectId": "deadline:D/verifikasi/1", "qualifier": "deadline"} in breach[
        "relationships"
    ]
    dispute = next(e for e in doc["events"] if e["type"] == "sanggah")
    assert any(r["qualifier"] == "reporter" for r in dispute["relationships"])
