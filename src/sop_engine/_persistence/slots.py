"""Scheduled checkpoints: which worker takes one, and the chain's last link.

Many workers may run against one store, each told to take a signed checkpoint every so often
(``sop worker --checkpoint-every``). A checkpoint of a given *slot* (the start of its period,
``2026-12-07T19:00:00Z`` for hourly ones) must be taken once, by one of them, and each must name
the one before it. The ``checkpoints`` table holds one row per series and slot: the claim
(a random token and a lease, as timers are claimed) and, once written, the file's name and
digest. A series is one signing key (the first 16 hex digits of the SHA-256 of its public
key): workers sharing a key share a chain; another key is another chain.

- A worker claims the current slot: a new row, or one whose claimant's lease ran out before it
  finished (a worker killed while signing). Every other worker sees the slot taken or held.
- It writes the file, then records its name and digest (only while its claim stands), so the
  next slot's checkpoint names this one as ``previous`` whichever worker, on whichever host,
  takes it.

The optional store methods (looked up with ``getattr``, like ``queue_status``):
``claim_checkpoint(series, slot) -> Claim``, ``finish_checkpoint(series, slot, token, file,
digest, at) -> bool`` and ``latest_checkpoint(series=None) -> CheckpointRow | None``.
"""

from __future__ import annotations

from datetime import datetime

import attrs

__all__ = ["CheckpointRow", "Claim"]


@attrs.frozen(slots=True)
class Claim:
    """The answer to a claim on a slot: this store's token, or why not."""

    token: str | None
    """The claim token when this store now holds the slot; ``None`` otherwise."""
    taken: bool = False
    """The slot's checkpoint is already written (nothing left to do for it)."""


@attrs.frozen(slots=True)
class CheckpointRow:
    """A checkpoint a worker wrote: which series and slot, the file, its digest, when."""

    series: str
    slot: str
    file: str
    digest: str
    taken_at: datetime
