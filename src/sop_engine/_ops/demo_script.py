"""The script of ``sop demo``: its complaints, officers and steps, read from package data.

The script is data (``demo_scenarios.yaml``, shipped next to this module); this module reads it
with sop_engine's safe YAML reader (:func:`sop_engine._definition.source.read_source`: plain
values only, never objects built from tags) into :class:`Script`. A malformed script is refused
with the position of the problem, before anything runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Any

import attrs

from sop_engine._core.records import Actor
from sop_engine._definition.source import PathKey, Source, read_source

__all__ = ["SCRIPT_FILE", "Scenario", "Script", "Step", "load_script"]

SCRIPT_FILE = "demo_scenarios.yaml"
REPORTER = "pelapor"
"""A step ``by: pelapor`` is fired by the complaint's own reporter (its ``pelapor`` field)."""


@attrs.frozen
class Step:
    """Wait ``after``, then ``actor`` fires ``event`` with ``payload``.

    The event ``@extend`` extends a deadline instead: the payload names ``deadline``,
    ``amount`` and ``reason``.
    """

    after: timedelta
    actor: Actor
    event: str
    payload: Mapping[str, Any] = attrs.field(factory=dict)
    command_id: str | None = None


@attrs.frozen
class Scenario:
    case_id: str
    story: str
    data: Mapping[str, Any]
    steps: Sequence[Step]
    opens: timedelta = timedelta(0)
    """When the complaint arrives, after the first one (at :attr:`Script.start`)."""


@attrs.frozen
class Script:
    """The simulated period, who registers complaints that did not come through the web, and
    the complaints."""

    start: datetime
    end: datetime
    intake: Actor
    scenarios: Sequence[Scenario]


def load_script(text: str | None = None) -> Script:
    """The demo's script: the shipped ``demo_scenarios.yaml``, or ``text`` in its format.

    Raises :class:`ValueError` naming ``demo_scenarios.yaml:LINE:COL`` when it is malformed.
    """
    if text is None:
        text = files(__package__).joinpath(SCRIPT_FILE).read_text(encoding="utf-8")
    source = read_source(SCRIPT_FILE, text)
    if not isinstance(source, Source):
        raise ValueError("; ".join(f.format("en") for f in source))
    return _Reader(source).script()


_DURATION = re.compile(r"([0-9]+)(min|h|d)")
_UNITS = {"min": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}


@attrs.frozen
class _Reader:
    source: Source

    def fail(self, path: PathKey, message: str, *, key: bool = False) -> ValueError:
        """The error for the value at ``path`` (or its key), naming the file, line and column."""
        line, column = self.source.position(path, key=key)
        return ValueError(f"{self.source.path}:{line}:{column}: {message}")

    def fields(
        self, path: PathKey, value: Any, required: Sequence[str], optional: Sequence[str] = ()
    ) -> dict[str, Any]:
        """``value`` as a mapping with every ``required`` key and no key outside both lists."""
        mapping = self.mapping(path, value)
        for key in mapping:
            if key not in required and key not in optional:
                known = ", ".join([*required, *optional])
                raise self.fail((*path, key), f"unknown key {key!r}; known keys: {known}", key=True)
        missing = [key for key in required if key not in mapping]
        if missing:
            raise self.fail(path, f"missing {', '.join(missing)}")
        return mapping

    def mapping(self, path: PathKey, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "expected a mapping")
        return value

    def items(self, path: PathKey, value: Any) -> list[tuple[PathKey, Any]]:
        if not isinstance(value, list) or not value:
            raise self.fail(path, "expected a list of one or more items")
        return [((*path, i), item) for i, item in enumerate(value)]

    def text(self, path: PathKey, value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(path, f"expected text, found {value!r}")
        return value

    def duration(self, path: PathKey, value: Any) -> timedelta:
        match = _DURATION.fullmatch(str(value))
        if match is None:
            raise self.fail(path, f"expected a duration such as 10min, 2h or 1d, found {value!r}")
        return int(match[1]) * _UNITS[match[2]]

    def instant(self, path: PathKey, value: Any) -> datetime:
        text = self.text(path, value)
        try:
            at = datetime.fromisoformat(text)
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            raise self.fail(path, f"expected a date-time with its UTC offset, found {value!r}")
        return at.astimezone(UTC)

    def script(self) -> Script:
        top = self.fields(
            (), self.source.data, ("start", "end", "officers", "intake", "defaults", "scenarios")
        )
        officers: dict[str, Actor] = {}
        for name, spec in self.mapping(("officers",), top["officers"]).items():
            path = ("officers", name)
            spec = self.fields(path, spec, ("id", "role"), ("unit",))
            unit = self.text((*path, "unit"), spec["unit"]) if "unit" in spec else None
            officers[name] = Actor(
                self.text((*path, "id"), spec["id"]), self.text((*path, "role"), spec["role"]), unit
            )
        intake = officers.get(self.text(("intake",), top["intake"]))
        if intake is None:
            raise self.fail(("intake",), f"unknown officer {top['intake']!r}")
        defaults = self.mapping(("defaults",), top["defaults"])
        return Script(
            start=self.instant(("start",), top["start"]),
            end=self.instant(("end",), top["end"]),
            intake=intake,
            scenarios=[
                self.scenario(path, value, officers, defaults)
                for path, value in self.items(("scenarios",), top["scenarios"])
            ],
        )

    def scenario(
        self,
        path: PathKey,
        value: Any,
        officers: Mapping[str, Actor],
        defaults: Mapping[str, Any],
    ) -> Scenario:
        spec = self.fields(path, value, ("case", "story", "data", "steps"), ("opens",))
        data = {**defaults, **self.mapping((*path, "data"), spec["data"])}
        reporter = Actor(self.text((*path, "data", REPORTER), data.get(REPORTER)), REPORTER)
        steps = []
        for at, item in self.items((*path, "steps"), spec["steps"]):
            step = self.fields(at, item, ("after", "by", "event"), ("payload", "command_id"))
            by = self.text((*at, "by"), step["by"])
            actor = reporter if by == REPORTER else officers.get(by)
            if actor is None:
                known = ", ".join([REPORTER, *officers])
                raise self.fail((*at, "by"), f"unknown officer {by!r}; known: {known}")
            command_id = step.get("command_id")
            steps.append(
                Step(
                    self.duration((*at, "after"), step["after"]),
                    actor,
                    self.text((*at, "event"), step["event"]),
                    self.mapping((*at, "payload"), step.get("payload", {})),
                    None if command_id is None else self.text((*at, "command_id"), command_id),
                )
            )
        return Scenario(
            self.text((*path, "case"), spec["case"]),
            self.text((*path, "story"), spec["story"]),
            data,
            steps,
            self.duration((*path, "opens"), spec.get("opens", "0min")),
        )
