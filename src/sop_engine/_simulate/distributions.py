"""Distributions of durations (work and delays), sampled from one replication's own stream.

Each kind is a small frozen record with a ``sample(rng)`` method over :class:`random.Random`,
so a replication's draws depend only on its seed (see :mod:`sop_engine._simulate.model`).
Parameters are durations in seconds; :func:`distribution` builds one from a scenario's
``{kind: parameters}`` and returns the reason as text when the parameters do not make sense.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from typing import Any, Protocol

import attrs

from sop_engine._core.i18n import N_

__all__ = ["Distribution", "distribution"]

_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(s|min|h|d)")
_SECONDS = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def _seconds(value: Any) -> float:
    match = _DURATION.fullmatch(str(value))
    if match is None:  # the schema has already refused it; keep the type honest
        raise ValueError(f"not a duration: {value!r}")
    return float(match[1]) * _SECONDS[match[2]]


class Distribution(Protocol):
    """Durations in seconds: ``sample`` draws one, ``mean`` is the expected value."""

    def sample(self, rng: random.Random) -> float: ...
    @property
    def mean(self) -> float: ...


@attrs.frozen
class Fixed:
    value: float

    def sample(self, rng: random.Random) -> float:
        return self.value

    @property
    def mean(self) -> float:
        return self.value


@attrs.frozen
class Uniform:
    low: float
    high: float

    def sample(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


@attrs.frozen
class Triangular:
    low: float
    mode: float
    high: float

    def sample(self, rng: random.Random) -> float:
        return rng.triangular(self.low, self.high, self.mode)

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


@attrs.frozen
class Exponential:
    average: float

    def sample(self, rng: random.Random) -> float:
        return rng.expovariate(1.0 / self.average) if self.average > 0 else 0.0

    @property
    def mean(self) -> float:
        return self.average


@attrs.frozen
class Lognormal:
    """Given by its mean and standard deviation (in time units, as people estimate them)."""

    average: float
    sd: float
    mu: float = attrs.field(init=False)
    sigma: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        sigma2 = math.log(1 + (self.sd / self.average) ** 2)
        object.__setattr__(self, "sigma", math.sqrt(sigma2))
        object.__setattr__(self, "mu", math.log(self.average) - sigma2 / 2)

    def sample(self, rng: random.Random) -> float:
        return rng.lognormvariate(self.mu, self.sigma)

    @property
    def mean(self) -> float:
        return self.average


@attrs.frozen
class Empirical:
    """Observed durations, each drawn with equal probability (what ``--from-db`` fits)."""

    values: tuple[float, ...]

    def sample(self, rng: random.Random) -> float:
        return self.values[rng.randrange(len(self.values))]

    @property
    def mean(self) -> float:
        return sum(self.values) / len(self.values)


def distribution(raw: Any) -> Distribution | str:
    """The distribution a scenario writes as ``{kind: parameters}``, or why it is not one.

    The shape (one known kind, durations as text) has been checked by the schema already.
    """
    (kind, value), *_ = raw.items()
    if kind == "fixed":
        return Fixed(_seconds(value))
    if kind == "uniform":
        low, high = (_seconds(v) for v in value)
        return Uniform(low, high) if low <= high else N_("the low bound is above the high bound")
    if kind == "triangular":
        low, mode, high = (_seconds(v) for v in value)
        if not low <= mode <= high:
            return N_("needs [low, mode, high] with low <= mode <= high")
        return Triangular(low, mode, high)
    if kind == "exponential":
        return Exponential(_seconds(value["mean"]))
    if kind == "lognormal":
        mean, sd = _seconds(value["mean"]), _seconds(value["sd"])
        return Lognormal(mean, sd) if mean > 0 else N_("the mean must be above zero")
    if kind == "empirical":
        values: Sequence[float] = [_seconds(v) for v in value]
        return Empirical(tuple(values))
    return f"unknown kind {kind!r}"
