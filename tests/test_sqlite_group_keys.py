"""Group commit on SQLite stores the new cases' keys once per group (issue 19).

Every new case gets a data key in the key file next to the database; each new key used to
rewrite the whole file (two fsyncs and a rename), so importing 1,000 reports in one group
rewrote a growing file 1,000 times inside the transaction. The keys of a group are now written
once, before the group's COMMIT, and only if the group commits.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sop_engine import Actor, Engine, SimulatedClock, SqliteStore, StartCommand, VersionConflict
from sop_engine._persistence.vault import KeyFile

SOP = Path(__file__).resolve().parent.parent / "examples" / "lapor" / "sop.yaml"
ADMIN = Actor("admin", "admin_instansi")
DATA = {
    "pelapor": "p-1",
    "kanal": "web",
    "kerahasiaan": "biasa",
    "judul": "Jalan rusak",
    "kronologi": "Lubang besar di depan sekolah",
    "lokasi": "Jl. Merdeka",
}
T0 = datetime(2026, 3, 2, 2, tzinfo=UTC)


def _engine(path: Path) -> Engine:
    clock = SimulatedClock(T0)
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    engine.load(SOP)
    return engine


def _starts(ids: range | list[int]) -> list[StartCommand]:
    return [
        StartCommand("lapor-upp", DATA, ADMIN, case_id=f"c{i}", command_id=f"in-{i}") for i in ids
    ]


def _writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many keys each append to any key file holds (the real append runs)."""
    calls: list[int] = []
    real = KeyFile._append

    def counted(self: KeyFile, keys: dict[str, bytes]) -> None:
        calls.append(len(keys))
        real(self, keys)

    monkeypatch.setattr(KeyFile, "_append", counted)
    return calls


def test_a_group_of_new_cases_writes_the_key_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _engine(tmp_path / "a.db")
    writes = _writes(monkeypatch)
    outcomes = engine.submit(_starts(range(40)))
    assert all(o.accepted for o in outcomes)
    assert writes == [40]  # one append (one fsync) holding the 40 new keys
    engine.store.close()  # type: ignore[attr-defined]
    # a fresh store (a new key file reader) opens every sealed value: the keys are durable
    again = _engine(tmp_path / "a.db")
    for i in range(40):
        assert again.get(f"c{i}").data["kronologi"] == DATA["kronologi"]
    again.store.close()  # type: ignore[attr-defined]


def test_single_starts_still_store_their_key_before_the_commit(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "b.db")
    engine.start("lapor-upp", DATA, ADMIN, case_id="solo")
    keys = KeyFile(tmp_path / "b.db.keys")
    assert keys.key("solo") is not None
    engine.store.close()  # type: ignore[attr-defined]


def test_a_refused_group_stores_no_key(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "c.db")
    engine.submit(_starts([0]))
    # the writes a second engine decides for c1..c5 and c0, replayed on the first store,
    # where c0 exists already: the whole group is refused
    other = _engine(tmp_path / "other.db")
    staged: list[object] = []
    real = other.store.commit_many  # type: ignore[attr-defined]

    def keep(writes: list[object]) -> None:
        staged.extend(writes)
        real(writes)

    other.store.commit_many = keep  # type: ignore[attr-defined]
    other.submit(_starts([1, 2, 3, 4, 5, 0]))
    assert len(staged) == 6
    with pytest.raises(VersionConflict):
        engine.store.commit_many(staged)  # type: ignore[attr-defined]
    keys = KeyFile(tmp_path / "c.db.keys")
    assert keys.key("c0") is not None
    assert [keys.key(f"c{i}") for i in range(1, 6)] == [None] * 5
    assert engine.count_cases(__import__("sop_engine").CaseQuery()) == 1
    # and the store goes on: the same cases can be opened properly afterwards
    assert all(o.accepted for o in engine.submit(_starts(range(1, 6))))
    assert KeyFile(tmp_path / "c.db.keys").key("c3") is not None
    engine.store.close()  # type: ignore[attr-defined]
    other.store.close()  # type: ignore[attr-defined]
