"""Issue 18: a bounded fuzzing harness over the public API (Hypothesis, in the normal suite).

Arguments are drawn from a corpus of the hostile inputs the issue lists (NUL, CR/LF, lone
surrogates, huge and integer ids, None actors, reserved actors, naive datetimes, booleans as
versions, deep nesting) mixed with ordinary values. Whatever is drawn, the engine either
accepts it or raises a :class:`SopError` with a bounded message; it never raises anything
else, and a store that refused a command still holds exactly what it held before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_engine import Actor, Engine, SimulatedClock, SopError

from conftest import ADMIN, COMPLETE, LAPOR

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

CORPUS_TEXT = [
    "",
    "c\x00",
    "c\r\nX-Evil: 1",
    "a\udc80",
    "\ud800",
    "x" * 100_000,
    "sop-engine",
    "sistem",
    "c0",
    "LAPOR-2026/03/0001",
    "  ",
    "\u202e",
    "🚧",
]


def _deep(n: int) -> Any:
    x: Any = "a"
    for _ in range(n):
        x = [x]
    return x


texts = st.one_of(st.sampled_from(CORPUS_TEXT), st.text(max_size=30))
ids = st.one_of(texts, st.integers(), st.none(), st.booleans(), st.just(b"c0"))
actors = st.one_of(
    st.just(ADMIN),
    st.none(),
    st.builds(Actor, texts, st.sampled_from(["admin_instansi", "sistem", "pelapor", "x\n"])),
    st.just({"id": "siti", "role": "admin_instansi"}),
)
values = st.one_of(
    texts,
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.just(_deep(10_000)),
    st.lists(texts, max_size=3),
)
payloads = st.one_of(
    st.none(),
    st.dictionaries(texts, values, max_size=3),
    st.builds(lambda extra: {**COMPLETE, **extra}, st.dictionaries(texts, values, max_size=2)),
    st.just(["not", "a", "mapping"]),
)
versions = st.one_of(st.none(), st.booleans(), st.integers(), st.just(1.5), st.just("1"))
instants = st.one_of(st.none(), st.just(datetime(2026, 3, 2)), st.just(T0), st.just("2026-03-02"))

_ENGINE: list[Engine] = []


def _engine() -> Engine:
    """One engine for the whole run (a memory store: the harness is about arguments)."""
    if not _ENGINE:
        engine = Engine(clock=SimulatedClock(T0))
        engine.load(LAPOR)
        engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c0")
        _ENGINE.append(engine)
    return _ENGINE[0]


def _bounded_refusal(call: Any) -> None:
    message = ""
    try:
        call()
    except SopError as e:
        message = str(e)
    assert len(message) < 3000


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    op=st.sampled_from(["start", "fire", "available", "get", "view", "sweep", "submit"]),
    case_id=ids,
    event=st.one_of(st.sampled_from(["verifikasi", "arsipkan"]), ids),
    actor=actors,
    payload=payloads,
    command_id=ids,
    version=versions,
    now=instants,
)
def test_the_public_api_answers_any_argument_with_a_sop_error(
    op: str,
    case_id: Any,
    event: Any,
    actor: Any,
    payload: Any,
    command_id: Any,
    version: Any,
    now: Any,
) -> None:
    engine = _engine()
    calls = {
        "start": lambda: engine.start(
            "lapor-upp", payload or {}, actor, case_id=case_id, command_id=command_id
        ),
        "fire": lambda: engine.fire(
            case_id, event, actor, payload, command_id=command_id, expected_version=version
        ),
        "available": lambda: engine.available(case_id, actor, payload),
        "get": lambda: engine.get(case_id),
        "view": lambda: engine.view(case_id, actor),
        "sweep": lambda: engine.sweep(now),
        "submit": lambda: engine.submit([_command(case_id, event, actor, payload)]),
    }
    _bounded_refusal(calls[op])


def _command(case_id: Any, event: Any, actor: Any, payload: Any) -> Any:
    from sop_engine._runtime.batch import FireCommand

    return FireCommand(case_id, event, actor, payload)
