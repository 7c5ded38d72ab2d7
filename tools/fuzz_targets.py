"""The fuzz targets of issue 18: the SOP loader, the scenario reader and the public API.

Each target takes the bytes of one input and either returns (the input was answered: findings,
problems, a refusal) or raises :class:`Crash` (or lets an unexpected exception escape): that is
what a fuzzer reports. They import nothing from atheris, so the test suite runs every file of
the seed corpus through them on any platform (``tests/test_robust_fuzz.py``), and
``tools/fuzz_atheris.py`` runs them under libFuzzer where atheris installs (``make fuzz``).

- ``loader``: ``lint_text`` answers any bytes with findings, each bounded in size.
- ``scenario``: ``load_scenario`` (the reader and schema of ``sop simulate`` scenario files,
  checked against the LAPOR! SOP) answers any bytes with a scenario or problems, bounded.
- ``api``: one call to the public API (start, fire, extend, export, available, view, history,
  sweep) with arguments decoded from the bytes (see :func:`decode_call`); the answer is a
  result or a :class:`~sop_engine.SopError` with a bounded message, a refused command leaves
  the store as it was (a command blocked by the code of ethics may add its ``@ethics``
  evidence), and an export is JSON that encodes as UTF-8.

Inputs are only parsed and passed as arguments: nothing in them is imported or evaluated.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sop_engine import Actor, Engine, EthicsViolation, Registry, SimulatedClock, SopError, lint_text
from sop_engine._simulate import calendar_years, scenario_calendar
from sop_engine._simulate.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
LAPOR = ROOT / "examples" / "lapor" / "sop.yaml"
CORPUS = ROOT / "tests" / "corpus"
MAX_MESSAGE = 5000
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
INTAKE = {
    "pelapor": "pelapor-1",
    "kanal": "sms",
    "kerahasiaan": "biasa",
    "judul": "Jalan berlubang",
    "kronologi": "Lubang 20 cm, dua pengendara jatuh.",
    "lokasi": "Jl. Merdeka",
}
ADMIN = Actor("siti", "admin_instansi")
_RESET_EVERY = 200  # inputs per engine: successful calls add cases; keep each check small


class Crash(AssertionError):
    """The target's promise broke for this input."""


def _bounded(text: str, what: str) -> None:
    if len(text) > MAX_MESSAGE:
        raise Crash(f"{what} is {len(text)} characters long: {text[:200]!r}...")


# -- loader ----------------------------------------------------------------------------------


def loader_target(data: bytes) -> None:
    """Lint one input: findings (possibly none), never an exception, never a huge message."""
    for f in lint_text(data, name="fuzz.yaml"):
        _bounded(f.format("en"), f"finding {f.code}")


# -- scenario --------------------------------------------------------------------------------

_SCENARIO_STATE: dict[str, Any] = {}


def scenario_target(data: bytes) -> None:
    """Read one scenario for the LAPOR! SOP: a scenario or problems, each bounded; a typed
    :class:`~sop_engine.SopError` (bounded) at most."""
    if not _SCENARIO_STATE:
        registry = Registry()
        sop = Engine(registry=registry).load(LAPOR)
        _SCENARIO_STATE.update(
            registry=registry,
            sop=sop,
            calendars=sorted(registry.calendars),
            years=calendar_years(sop, registry),
        )
    s = _SCENARIO_STATE
    try:
        found = load_scenario(
            "fuzz.yaml", s["sop"], s["calendars"], text=data, calendar_years=s["years"]
        )
        if isinstance(found, Scenario):
            scenario_calendar(s["sop"], found, s["registry"])
            return
    except SopError as e:
        _bounded(str(e), f"{type(e).__name__}")
        return
    for problem in found:
        _bounded(problem.format("en"), f"problem {problem.code}")


# -- public API ------------------------------------------------------------------------------

OPS = ("start", "fire", "extend", "export", "available", "view", "history", "sweep")
_SEP = 0x1F  # separates the arguments of a raw input


def _value(raw: bytes) -> Any:
    """One argument from raw bytes: its first byte says what to make of the rest."""
    if not raw:
        return ""
    kind, body = raw[0] % 8, raw[1:]
    text = body.decode("utf-8", "surrogateescape")  # invalid UTF-8 becomes lone surrogates
    if kind == 1:
        return int.from_bytes(body[:16], "big", signed=True)
    if kind == 2:
        return None
    if kind == 3:  # nesting as deep as a hundred times the length
        return _nested(100 * len(body))
    if kind == 4:  # huge text: up to 4 MB
        unit = text or "x"
        return unit * (min(len(body), 64) * 65536 // len(unit) + 1)
    if kind == 5:
        return bool(body and body[0] % 2)
    if kind == 6:
        return float(len(body)) if len(body) < 4 else float("inf")
    return text


def _nested(depth: int) -> Any:
    deep: Any = "a"
    for _ in range(min(depth, 100_000)):
        deep = [deep]
    return deep


def _expand(value: Any) -> Any:
    """``{"$deep": N}`` in a corpus file stands for a list nested ``N`` deep (JSON itself
    cannot be read that deep)."""
    if isinstance(value, dict):
        if set(value) == {"$deep"} and isinstance(value["$deep"], int):
            return _nested(value["$deep"])
        return {k: _expand(v) for k, v in value.items()}
    return value


def decode_call(data: bytes) -> dict[str, Any]:
    """The call an input describes.

    A JSON object with ``op`` (the seed corpus, ``tests/corpus/fuzz/api``) is taken as it is:
    ``actor`` as ``[id, role, unit]`` builds an :class:`~sop_engine.Actor`, anything else is
    passed as it is; ``now`` as an ISO string is parsed; ``{"$deep": N}`` is a list nested
    ``N`` deep. Any other input is cut at ``0x1f``
    bytes: the first byte picks the operation, each part an argument (see :func:`_value`).
    """
    try:
        doc = json.loads(data.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError):
        doc = None
    if isinstance(doc, dict) and doc.get("op") in OPS:
        call = {k: _expand(v) for k, v in doc.items()}
        actor = call.get("actor")
        if isinstance(actor, list) and 2 <= len(actor) <= 3:
            call["actor"] = Actor(*actor)
        now = call.get("now")
        if isinstance(now, str):
            with contextlib.suppress(ValueError):
                call["now"] = datetime.fromisoformat(now)
        return call
    if not data:
        return {"op": "get"}
    parts = [_value(p) for p in data[1:].split(bytes([_SEP]))]
    parts += [""] * (10 - len(parts))
    payload: Any = {
        k if isinstance(k, str | int | float | bool | None) else type(k).__name__: v
        for k, v in zip(parts[4:8:2], parts[5:9:2], strict=True)
    }
    if parts[9] == "":
        payload = {**INTAKE, **{k: v for k, v in payload.items() if isinstance(k, str)}}
    actor: Any = Actor(*parts[1:4]) if parts[1] != "" else ADMIN
    return {
        "op": OPS[data[0] % len(OPS)],
        "case_id": parts[0] if parts[0] != "" else "c0",
        "event": parts[4] if isinstance(parts[4], str) and parts[4] else "verifikasi",
        "actor": actor,
        "payload": payload,
        "command_id": parts[8] if parts[8] != "" else None,
        "expected_version": parts[9] if parts[9] != "" else None,
        "deadline": parts[5] if isinstance(parts[5], str) and parts[5] else "verifikasi",
        "amount": parts[6] if parts[6] != "" else 1,
        "reason": parts[7] if parts[7] != "" else "alasan",
        "audience": parts[7] if parts[7] != "" else "public",
        "now": parts[6] if parts[6] != "" else None,
    }


_API_STATE: dict[str, Any] = {"engine": None, "calls": 0}


def _engine() -> Engine:
    """A LAPOR! engine on a memory store with case ``c0`` open, renewed every few hundred calls."""
    if _API_STATE["engine"] is None or _API_STATE["calls"] >= _RESET_EVERY:
        engine = Engine(clock=SimulatedClock(T0))
        engine.load(LAPOR)
        engine.start("lapor-upp", INTAKE, ADMIN, case_id="c0")
        _API_STATE.update(engine=engine, calls=0)
    _API_STATE["calls"] += 1
    engine = _API_STATE["engine"]
    assert isinstance(engine, Engine)
    return engine


def snapshot(store: Any) -> tuple[Any, ...]:
    """What a store holds: case ids, each case's version and trail length, and the number of
    notifications."""
    ids = tuple(store.case_ids())
    return (
        ids,
        tuple((store.get(i).version, len(store.history(i))) for i in ids),
        len(store.outbox()),
    )


def api_call(engine: Engine, call: Mapping[str, Any]) -> Callable[[], Any]:
    """The public API call ``call`` describes, on ``engine``."""
    c = call.get
    op = c("op")
    if op == "start":
        return lambda: engine.start(
            "lapor-upp",
            c("payload"),
            c("actor"),
            case_id=c("case_id"),
            command_id=c("command_id"),
        )
    if op == "fire":
        return lambda: engine.fire(
            c("case_id"),
            c("event"),
            c("actor"),
            c("payload"),
            command_id=c("command_id"),
            expected_version=c("expected_version"),
        )
    if op == "extend":
        return lambda: engine.extend(
            c("case_id"),
            c("deadline"),
            c("actor"),
            c("amount"),
            c("reason"),
            command_id=c("command_id"),
        )
    if op == "export":
        return lambda: engine.export(c("case_id"), c("audience", "public"))
    if op == "available":
        return lambda: engine.available(c("case_id"), c("actor"), c("payload"))
    if op == "view":
        return lambda: engine.view(c("case_id"), c("actor"))
    if op == "history":
        return lambda: engine.history(c("case_id"))
    if op == "sweep":
        return lambda: engine.sweep(c("now"))
    return lambda: engine.get(c("case_id"))


def check_call(engine: Engine, call: Mapping[str, Any]) -> None:
    """Make ``call`` on ``engine``: a result, or a bounded :class:`SopError` after which the
    store holds what it held (a command blocked by the code of ethics may add its evidence)."""
    before = snapshot(engine.store)
    try:
        result = api_call(engine, call)()
    except SopError as e:
        _bounded(str(e), f"{type(e).__name__} from {call['op']}")
        if not isinstance(e, EthicsViolation) and snapshot(engine.store) != before:
            raise Crash(
                f"{call['op']} was refused ({type(e).__name__}) but the store changed"
            ) from e
        return
    if call["op"] == "export":
        try:
            json.dumps(result, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (TypeError, ValueError) as e:  # UnicodeEncodeError is a ValueError
            raise Crash(f"the export is not JSON that encodes as UTF-8: {e}") from e


def api_target(data: bytes) -> None:
    """One public API call on a memory store (see :func:`check_call`)."""
    check_call(_engine(), decode_call(data))


# -- the targets and their seeds -------------------------------------------------------------

TARGETS: dict[str, Callable[[bytes], None]] = {
    "loader": loader_target,
    "scenario": scenario_target,
    "api": api_target,
}


def seeds(target: str) -> list[Path]:
    """The seed corpus of ``target``: the committed hostile inputs and the examples."""
    examples = ROOT / "examples"
    if target == "loader":
        return [
            *sorted((CORPUS / "invalid").glob("*.yaml")),
            examples / "lapor" / "sop.yaml",
            examples / "dpmptsp" / "sop.yaml",
        ]
    if target == "scenario":
        return [
            *sorted((CORPUS / "fuzz" / "scenario").iterdir()),
            examples / "lapor" / "scenario.yaml",
        ]
    return sorted((CORPUS / "fuzz" / "api").iterdir())
