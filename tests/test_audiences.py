"""Exports by audience and small-cell suppression (issue 17).

Before: ``engine.export`` was one outward view with every field (masked where withheld), for
everyone. Now each audience (``public``, ``oversight``, ``internal``) gets only the fields the
SOP allows it (``confidentiality.audiences``, with defaults fit for LAPOR!), the public gets
actors by role only, and public counts by unit x category x month never show a cell under k.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_engine import Actor, Engine, InvalidArgument, SimulatedClock, load_definition
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine._reports.audience import counts
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, LAPOR, OFFICER

T0 = datetime(2026, 3, 2, 1, tzinfo=UTC)
NAME = "Ani Wijaya"


def _engine(store: Any = None, sop: Path | str = LAPOR) -> Engine:
    engine = Engine(store=store, clock=SimulatedClock(T0))
    engine.load(sop)
    return engine


def _handled(engine: Engine, case_id: str, **data: Any) -> None:
    engine.start(
        "lapor-upp",
        {**COMPLETE, "pelapor": NAME, "kerahasiaan": "anonim", **data},
        Actor("p-1", "pelapor"),
        case_id=case_id,
    )
    engine.fire(case_id, "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire(case_id, "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})


def _fields(doc: dict[str, Any]) -> set[str]:
    return set(doc["data"]) | {k for e in doc["trail"] for k in e["payload"]}


def test_each_audience_gets_only_its_allowlist() -> None:
    engine = _engine()
    _handled(engine, "c1")
    conf = engine.sop("lapor-upp").ethics.confidentiality  # type: ignore[union-attr]
    public = engine.export("c1")  # the default is the narrowest audience
    assert public["audience"] == "public"
    assert _fields(public) <= conf.audiences["public"]
    assert {"kronologi", "judul", "lokasi", "pelapor"} & _fields(public) == set()
    assert {"kanal", "klasifikasi", "unit_tujuan"} <= _fields(public)
    assert all(set(e["actor"]) == {"role"} for e in public["trail"])  # no officer ids either
    oversight = engine.export("c1", "oversight")
    assert "kronologi" in oversight["data"]
    assert "pelapor" not in _fields(oversight)
    assert "budi" not in json.dumps(public)
    internal = engine.export("c1", "internal")
    assert internal["data"]["pelapor"] != NAME  # narrowing never widens the redacted view
    assert NAME not in json.dumps(internal)
    with pytest.raises(InvalidArgument, match="audience"):
        engine.export("c1", "press")


def test_an_sop_declares_its_allowlists_and_unknown_names_are_findings() -> None:
    text = LAPOR.read_text(encoding="utf-8").replace(
        "    erase: admin_instansi",
        "    erase: admin_instansi\n    audiences:\n      public: [kanal]\n"
        "      oversight: [kanal, kronologi]",
    )
    engine = _engine(sop=_write(text))
    _handled(engine, "c1")
    assert _fields(engine.export("c1")) == {"kanal"}
    assert _fields(engine.export("c1", "oversight")) == {"kanal", "kronologi"}
    bad = text.replace("public: [kanal]", "public: [kanal, nama_ibu]")
    with pytest.raises(Exception, match="nama_ibu") as found:
        load_definition("lapor.yaml", text=bad)
    assert "neither a case field nor data of an event" in str(found.value)


def _write(text: str) -> str:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="sop-aud-"))
    path = folder / "sop.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


# required free text is never blank (the SOP refuses a blank response before any export)
_TEXT = st.text(alphabet="abcdefgh ANIWJY0123456789", min_size=1, max_size=30).filter(str.strip)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    flag=st.sampled_from(["biasa", "anonim", "rahasia", "anonim_rahasia"]),
    kronologi=_TEXT,
    judul=_TEXT,
    tanggapan=_TEXT,
    audience=st.sampled_from(["public", "oversight", "internal"]),
)
def test_no_field_outside_the_allowlist_ever_appears(
    flag: str, kronologi: str, judul: str, tanggapan: str, audience: str
) -> None:
    engine = _engine()
    data = {"kerahasiaan": flag, "kronologi": kronologi, "judul": judul.strip() or "x"}
    _handled(engine, "c1", **data)
    engine.fire("c1", "tindak_lanjuti", OFFICER)
    engine.fire("c1", "ajukan_tanggapan", OFFICER, {"tanggapan": tanggapan})
    conf = engine.sop("lapor-upp").ethics.confidentiality  # type: ignore[union-attr]
    doc = engine.export("c1", audience)
    assert _fields(doc) <= conf.audiences[audience]
    if audience == "public":
        assert all(set(e["actor"]) == {"role"} for e in doc["trail"])
        text = json.dumps(doc, ensure_ascii=False)
        for free in (kronologi, judul, tanggapan):
            if len(free.strip()) >= 8:  # long enough not to be a word of the export itself
                assert free not in text


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(
        st.tuples(
            st.sampled_from(["dinas_pupr", "dinas_kesehatan", "dinas_pendidikan"]),
            st.sampled_from(["sms", "web", "loket"]),
            st.integers(min_value=0, max_value=70),  # days after T0: three months
        ),
        min_size=1,
        max_size=30,
    ),
    k=st.integers(min_value=2, max_value=6),
)
def test_public_counts_never_show_a_cell_under_k(cases: list[tuple[str, str, int]], k: int) -> None:
    clock = SimulatedClock(T0)
    engine = Engine(clock=clock)
    engine.load(LAPOR)
    for n, (unit, channel, day) in enumerate(sorted(cases, key=lambda c: c[2])):
        clock.set(T0 + timedelta(days=day))
        engine.start("lapor-upp", {**COMPLETE, "kanal": channel}, ADMIN, case_id=f"c{n}")
        engine.fire(f"c{n}", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
        engine.fire(f"c{n}", "disposisi", ADMIN, {"unit_tujuan": unit})
    public = counts(engine, "public", k)
    everything = counts(engine, "internal")
    assert all(c["cases"] >= k for c in public["cells"])
    assert sum(c["cases"] for c in everything["cells"]) == len(cases)
    small = [c for c in everything["cells"] if c["cases"] < k]
    assert public["suppressed_cells"] == len(small)
    assert len(public["cells"]) + len(small) == len(everything["cells"])
    assert "total" not in json.dumps(public)  # nothing to subtract a left-out cell from


def test_the_cli_exports_by_audience_and_counts_with_suppression(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SqliteStore(path, clock=SimulatedClock(T0))
    engine = _engine(store)
    for n in range(7):  # seven cases of one unit, category and month: one cell of 7
        _handled(engine, f"c{n}")
    store.close()
    runner = CliRunner()
    result = runner.invoke(main, ["case", "export", "--db", str(path), "c1"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["audience"] == "public"
    assert "kronologi" not in doc["data"]
    result = runner.invoke(
        main, ["case", "export", "--db", str(path), "c1", "--audience", "oversight"]
    )
    assert "kronologi" in json.loads(result.output)["data"]
    result = runner.invoke(main, ["case", "counts", "--db", str(path)])
    assert result.exit_code == 0, result.output
    public = json.loads(result.output)
    assert [c["cases"] for c in public["cells"]] == [7]
    result = runner.invoke(main, ["case", "counts", "--db", str(path), "--k", "8"])
    public = json.loads(result.output)
    assert public["cells"] == []
    assert public["suppressed_cells"] == 1
    result = runner.invoke(main, ["case", "counts", "--db", str(path), "--k", "1"])
    assert result.exit_code == 2  # a cell of one is a person: refused
