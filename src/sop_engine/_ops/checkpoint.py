"""Signed checkpoints: what an insider with write access to the database cannot rewrite unseen.

A hash chain proves that a trail is consistent with itself; someone who can write the database
can recompute every hash, truncate a trail and fix its snapshot, swap two cases or delete one.
A checkpoint closes that: it records, for every case, the head of its chain (sequence and
hash), a salted digest of its personal-data values, and the timers it has waiting, and it is
signed with an Ed25519 key the database administrator does not hold. The auditor keeps the
file; :func:`verify_checkpoint` later proves against the public key that nothing the checkpoint
saw was rewritten, truncated, swapped or deleted:

- a case of the checkpoint is gone (deleted, or its row deleted leaving an orphaned trail);
- its trail is shorter than the checkpoint saw (truncated, whatever its snapshot says);
- the event at the checkpointed head no longer has the checkpointed hash (a chain rewritten
  with recomputed hashes, or two cases swapped); with the chain check, events 1..head are
  exactly those that were signed;
- its personal data was edited (an erasure after the checkpoint is recorded by ``@erase``);
- a timer it had waiting is gone although its item never fired and its clock still runs.

Checkpoints chain: each names the digest of the previous one, so a removed checkpoint shows.
Personal values never leave the store: a checkpoint holds only a digest salted per checkpoint.

:class:`ScheduledCheckpoints` is the worker's side (``sop worker --checkpoint-key KEY
--checkpoint-dir DIR --checkpoint-every 1h``): once per period one worker of many (a claim with
a lease, see ``_persistence/slots.py``) signs a checkpoint chained to the previous one and
writes it atomically; the others see it taken.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import attrs

from sop_engine._core.errors import SopError
from sop_engine._core.i18n import N_, Msg
from sop_engine._ops.integrity import Problem
from sop_engine._persistence.codec import case_from_json
from sop_engine._persistence.readonly import ReadOnlyStore
from sop_engine._persistence.slots import CheckpointRow, Claim

__all__ = [
    "FORMAT",
    "CheckpointInvalid",
    "ScheduledCheckpoints",
    "digest",
    "generate_key",
    "public_key_of",
    "series_of",
    "take_checkpoint",
    "verify_checkpoint",
]

FORMAT = "sop-engine-checkpoint/1"

_TEXT = {
    "signature": N_("the checkpoint's signature does not verify with this public key"),
    "format": N_("the file is not a sop_engine checkpoint ({why})"),
    "key": N_("the key cannot be read ({why})"),
    "previous": N_("checkpoint {n} does not follow the one before it (its 'previous' differs)"),
    "gone": N_("the case was in the checkpoint (at event {seq}) and is gone"),
    "truncated": N_("the trail has {now} event(s), the checkpoint saw {seq}: it was truncated"),
    "rewritten": N_("event {seq} is not the one the checkpoint signed: the trail was rewritten"),
    "personal": N_("its personal data differs from what the checkpoint saw"),
    "erased": N_("personal data the checkpoint saw is gone without an @erase event"),
    "timer": N_("timer {key} the checkpoint saw is gone, yet its item never fired"),
    "lost": N_(
        "the claim on checkpoint {slot} ran out before it was recorded; another worker takes it"
    ),
}
"""Every text of this module, in one place (catalogue messages: issue 16)."""


class CheckpointInvalid(SopError):
    """A checkpoint or key file that cannot be used: not a checkpoint, a bad signature."""

    def __init__(self, said: Msg) -> None:
        self._say(said)


def generate_key() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as PEM: ``(private, public)``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return private, public_key_of(private)


def public_key_of(private_pem: bytes) -> bytes:
    """The public key (PEM) of a private key (PEM)."""
    from cryptography.hazmat.primitives import serialization

    key = _private(private_pem)
    public: bytes = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public


def _private(pem: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as e:
        raise CheckpointInvalid(Msg(_TEXT["key"], why=str(e)[:200])) from e
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointInvalid(Msg(_TEXT["key"], why=Msg("not an Ed25519 private key")))
    return key


def _public(pem: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as e:
        raise CheckpointInvalid(Msg(_TEXT["key"], why=str(e)[:200])) from e
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointInvalid(Msg(_TEXT["key"], why=Msg("not an Ed25519 public key")))
    return key


def take_checkpoint(
    store: ReadOnlyStore,
    private_pem: bytes,
    at: datetime,
    previous: bytes | None = None,
    *,
    previous_digest: str | None = None,
) -> bytes:
    """Sign the head of every chain, the set of cases, personal-data digests and waiting
    timers; the checkpoint file's bytes. ``previous`` is the file of the checkpoint before
    (or ``previous_digest`` its :func:`digest`, as a scheduled worker keeps it).

    Everything is read from one snapshot of the store (:meth:`ReadOnlyStore.snapshot`)."""
    key = _private(private_pem)
    with store.snapshot():
        payload = _signed_payload(store, at, previous, previous_digest)
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    signature = key.sign(text.encode("ascii"))
    doc = {"payload": text, "signature": base64.b64encode(signature).decode("ascii")}
    return (json.dumps(doc, indent=1) + "\n").encode("ascii")


def _signed_payload(
    store: ReadOnlyStore, at: datetime, previous: bytes | None, previous_digest: str | None
) -> dict[str, Any]:
    salt = secrets.token_hex(16)
    timers: dict[str, list[str]] = {}
    for k in sorted(store.timer_keys()):
        timers.setdefault(k.rsplit("/", 3)[0], []).append(k)
    cases: dict[str, Any] = {}
    for case_id in store.case_ids():
        row = store.conn.execute(
            f"SELECT seq, hash FROM events WHERE case_id = {store.p} ORDER BY seq DESC LIMIT 1",
            (case_id,),
        ).fetchone()
        refs, personal = store.personal_digest(case_id, salt)
        cases[case_id] = {
            "seq": 0 if row is None else int(row[0]),
            "hash": "" if row is None else str(row[1]),
            "personal": {"refs": refs, "digest": personal},
            "timers": timers.get(case_id, []),
        }
    return {
        "format": FORMAT,
        "taken_at": at.isoformat(),
        "store": store.path,
        "previous": previous_digest if previous is None else digest(previous),
        "salt": salt,
        "cases": cases,
    }


def digest(checkpoint: bytes) -> str:
    """What the next checkpoint names as ``previous``: the hash of the signed payload."""
    return hashlib.sha256(_payload_text(checkpoint).encode("ascii")).hexdigest()


def series_of(public_pem: bytes) -> str:
    """The chain a key's checkpoints form: the first 16 hex digits of its public key's hash."""
    return hashlib.sha256(public_pem).hexdigest()[:16]


def _payload_text(checkpoint: bytes) -> str:
    try:
        doc = json.loads(checkpoint)
        text = doc["payload"]
        if not isinstance(text, str):
            raise TypeError("payload is not text")
        return text
    except (ValueError, KeyError, TypeError) as e:
        raise CheckpointInvalid(Msg(_TEXT["format"], why=str(e)[:200])) from e


@attrs.frozen(slots=True)
class Checkpoint:
    """A checkpoint whose signature verified."""

    taken_at: str
    previous: str | None
    salt: str
    cases: Mapping[str, Any]


def read_checkpoint(checkpoint: bytes, public_pem: bytes) -> Checkpoint:
    """The checkpoint's content, once its signature verifies with ``public_pem``."""
    from cryptography.exceptions import InvalidSignature

    key = _public(public_pem)
    text = _payload_text(checkpoint)
    try:
        signature = base64.b64decode(json.loads(checkpoint)["signature"], validate=True)
        key.verify(signature, text.encode("ascii"))
    except (InvalidSignature, ValueError, KeyError, TypeError) as e:
        raise CheckpointInvalid(Msg(_TEXT["signature"])) from e
    payload = json.loads(text)
    if payload.get("format") != FORMAT:
        shown = str(payload.get("format"))[:80]
        raise CheckpointInvalid(Msg(_TEXT["format"], why=Msg("format {name!r}", name=shown)))
    return Checkpoint(payload["taken_at"], payload["previous"], payload["salt"], payload["cases"])


def verify_checkpoint(
    store: ReadOnlyStore, checkpoints: Sequence[bytes], public_pem: bytes
) -> list[Problem]:
    """Check the store against each checkpoint (oldest first; each must name the one before
    it); one :class:`Problem` per case and difference. Raises :class:`CheckpointInvalid` for
    a file that is not a checkpoint or whose signature does not verify."""
    read = [read_checkpoint(c, public_pem) for c in checkpoints]
    for n in range(1, len(read)):
        if read[n].previous != digest(checkpoints[n - 1]):
            raise CheckpointInvalid(Msg(_TEXT["previous"], n=n + 1))
    problems: list[Problem] = []
    keys = store.timer_keys()
    for cp in read:
        for case_id, seen in cp.cases.items():
            problems += _against(store, case_id, seen, cp.salt, keys)
    return sorted(set(problems), key=lambda p: (p.case_id, p.seq, p.what))


def _against(
    store: ReadOnlyStore, case_id: str, seen: Mapping[str, Any], salt: str, keys: set[str]
) -> list[Problem]:
    seq = int(seen["seq"])
    rows = store.case_rows(case_id)

    def problem(said: Msg, at: int = seq) -> Problem:
        return Problem.of(case_id, at, "checkpoint", said)

    if rows.version is None:
        return [problem(Msg(_TEXT["gone"], seq=seq))]
    by_seq = {e[0]: e for e in rows.events}
    if seq and seq not in by_seq:
        return [problem(Msg(_TEXT["truncated"], now=len(rows.events), seq=seq))]
    if seq and by_seq[seq][3] != seen["hash"]:
        return [problem(Msg(_TEXT["rewritten"], seq=seq))]
    out = []
    later = [json.loads(e[1]) for s, e in sorted(by_seq.items()) if s > seq]
    erased = any(b.get("event") == "@erase" for b in later)
    personal = seen["personal"]
    refs, now_digest = store.personal_digest(case_id, salt, personal["refs"])
    if refs != personal["refs"]:
        if not erased:
            out.append(problem(Msg(_TEXT["erased"])))
    elif now_digest != personal["digest"]:
        out.append(problem(Msg(_TEXT["personal"])))
    gone = [k for k in seen["timers"] if k not in keys]
    if gone:
        fired_keys = {b.get("command_id") for b in later}
        try:
            case = case_from_json(json.loads(rows.snapshot or ""))
        except (ValueError, KeyError, TypeError):
            case = None  # the row checks report an unreadable snapshot
        for key in gone:
            if key in fired_keys or case is None or _accounted(case.deadlines, key):
                continue
            out.append(problem(Msg(_TEXT["timer"], key=key), len(rows.events)))
    return out


def _accounted(deadlines: Sequence[Any], key: str) -> bool:
    """A timer may leave legitimately: its item fired, or its arming is no longer running."""
    _, name, arming, item = key.rsplit("/", 3)
    d = next((x for x in deadlines if x.name == name), None)
    if d is None or str(d.arming) != arming or d.status != "running":
        return True
    return item in d.fired


# -- scheduled checkpoints (the worker's side) --------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_EVERY = timedelta(seconds=1)
"""The shortest period between scheduled checkpoints (a slot is named to the second)."""


class SlotStore(Protocol):
    """What a store offers the schedule (the SQLite and PostgreSQL stores do)."""

    def claim_checkpoint(self, series: str, slot: str) -> Claim: ...

    def finish_checkpoint(
        self, series: str, slot: str, token: str, file: str, digest: str, at: datetime
    ) -> bool: ...

    def latest_checkpoint(self, series: str | None = None) -> CheckpointRow | None: ...


class ScheduledCheckpoints:
    """Signed checkpoints every ``every``, each chained to the one before, one per period
    whichever of many workers runs this.

    Periods are counted from the Unix epoch in UTC (``every=1h``: on the hour), so workers
    started at different moments agree on the slot. The worker that claims a slot reads the
    store in one snapshot (``open_reader``: a read-only connection), signs, writes
    ``DIR/checkpoint-YYYYMMDDTHHMMSSZ.json`` atomically (a temporary file, fsync, rename,
    fsync of the directory) and records the file's name and digest in the store, so the next
    checkpoint names this one as ``previous`` whichever worker takes it. The file names sort
    in time order: ``sop audit verify --checkpoint DIR/checkpoint-*.json`` checks the chain.

    A worker killed while signing leaves a claim that runs out after the store's lease; the
    slot is then taken by another (or the same, restarted) worker.
    """

    def __init__(
        self,
        private_pem: bytes,
        directory: Path,
        every: timedelta,
        open_reader: Callable[[], ReadOnlyStore],
    ) -> None:
        if every < MIN_EVERY:
            raise ValueError(f"checkpoints need a period of at least {MIN_EVERY}")
        self.series = series_of(public_key_of(private_pem))  # an unusable key fails here
        self.private_pem = private_pem
        self.directory = directory
        self.every = every
        self.open_reader = open_reader
        self.done: str | None = None
        """The last slot known to be taken (by this worker or another)."""
        self.wait_until: datetime | None = None
        self.last_error: str | None = None

    def slot(self, now: datetime) -> datetime:
        """The start of the period ``now`` is in."""
        return _EPOCH + ((now - _EPOCH) // self.every) * self.every

    def run(self, store: SlotStore, now: datetime) -> Path | None:
        """Take the checkpoint of the current period if no worker has: its path, else None.

        Cheap when there is nothing to do (no query while the slot is known taken, one claim
        attempt every few seconds while another worker holds it). Raises what reading,
        signing or writing raised; the claim then runs out and the slot is tried again.
        """
        start = self.slot(now)
        slot = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        if slot == self.done or (self.wait_until is not None and now < self.wait_until):
            return None
        claim = store.claim_checkpoint(self.series, slot)
        if claim.token is None:
            if claim.taken:
                self.done = slot
            else:  # another worker is signing it: look again shortly
                self.wait_until = now + min(self.every, timedelta(seconds=5))
            return None
        try:
            path = self._take(store, slot, start, claim.token, now)
        except Exception as e:
            self.last_error = f"{type(e).__name__}: {str(e)[:300]}"
            self.wait_until = now + min(self.every, timedelta(seconds=30))
            raise
        self.done, self.last_error = slot, None
        return path

    def _take(
        self, store: SlotStore, slot: str, start: datetime, token: str, now: datetime
    ) -> Path:
        before = store.latest_checkpoint(self.series)
        reader = self.open_reader()
        try:
            data = take_checkpoint(
                reader,
                self.private_pem,
                now,
                previous_digest=None if before is None else before.digest,
            )
        finally:
            reader.close()
        name = f"checkpoint-{start.strftime('%Y%m%dT%H%M%SZ')}.json"
        path = write_atomically(self.directory / name, data)
        if not store.finish_checkpoint(self.series, slot, token, name, digest(data), now):
            # our claim ran out and another worker took the slot: its file replaces ours
            raise CheckpointInvalid(Msg(_TEXT["lost"], slot=slot))
        return path


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that a reader (or a crash) sees the old file or the whole
    new one, never a part: a temporary file in the same directory, fsync, rename, fsync."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return path
