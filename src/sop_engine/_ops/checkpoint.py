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
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from sop_engine._core.errors import SopError
from sop_engine._ops.integrity import Problem
from sop_engine._persistence.codec import case_from_json
from sop_engine._persistence.readonly import ReadOnlyStore

__all__ = [
    "FORMAT",
    "CheckpointInvalid",
    "generate_key",
    "public_key_of",
    "take_checkpoint",
    "verify_checkpoint",
]

FORMAT = "sop-engine-checkpoint/1"

_TEXT = {
    "signature": "the checkpoint's signature does not verify with this public key",
    "format": "the file is not a sop_engine checkpoint ({why})",
    "key": "the key cannot be read ({why})",
    "previous": "checkpoint {n} does not follow the one before it (its 'previous' differs)",
    "gone": "the case was in the checkpoint (at event {seq}) and is gone",
    "truncated": "the trail has {now} event(s), the checkpoint saw {seq}: it was truncated",
    "rewritten": "event {seq} is not the one the checkpoint signed: the trail was rewritten",
    "personal": "its personal data differs from what the checkpoint saw",
    "erased": "personal data the checkpoint saw is gone without an @erase event",
    "timer": "timer {key} the checkpoint saw is gone, yet its item never fired",
}
"""Every text of this module, in one place."""


class CheckpointInvalid(SopError):
    """A checkpoint or key file that cannot be used: not a checkpoint, a bad signature."""


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
        raise CheckpointInvalid(_TEXT["key"].format(why=str(e)[:200])) from e
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointInvalid(_TEXT["key"].format(why="not an Ed25519 private key"))
    return key


def _public(pem: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as e:
        raise CheckpointInvalid(_TEXT["key"].format(why=str(e)[:200])) from e
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointInvalid(_TEXT["key"].format(why="not an Ed25519 public key"))
    return key


def take_checkpoint(
    store: ReadOnlyStore, private_pem: bytes, at: datetime, previous: bytes | None = None
) -> bytes:
    """Sign the head of every chain, the set of cases, personal-data digests and waiting
    timers; the checkpoint file's bytes. ``previous`` is the file of the checkpoint before."""
    key = _private(private_pem)
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
        refs, digest = store.personal_digest(case_id, salt)
        cases[case_id] = {
            "seq": 0 if row is None else int(row[0]),
            "hash": "" if row is None else str(row[1]),
            "personal": {"refs": refs, "digest": digest},
            "timers": timers.get(case_id, []),
        }
    payload = {
        "format": FORMAT,
        "taken_at": at.isoformat(),
        "store": store.path,
        "previous": None if previous is None else _digest(previous),
        "salt": salt,
        "cases": cases,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    signature = key.sign(text.encode("ascii"))
    doc = {"payload": text, "signature": base64.b64encode(signature).decode("ascii")}
    return (json.dumps(doc, indent=1) + "\n").encode("ascii")


def _digest(checkpoint: bytes) -> str:
    """What the next checkpoint names as ``previous``: the hash of the signed payload."""
    return hashlib.sha256(_payload_text(checkpoint).encode("ascii")).hexdigest()


def _payload_text(checkpoint: bytes) -> str:
    try:
        doc = json.loads(checkpoint)
        text = doc["payload"]
        if not isinstance(text, str):
            raise TypeError("payload is not text")
        return text
    except (ValueError, KeyError, TypeError) as e:
        raise CheckpointInvalid(_TEXT["format"].format(why=str(e)[:200])) from e


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
        raise CheckpointInvalid(_TEXT["signature"]) from e
    payload = json.loads(text)
    if payload.get("format") != FORMAT:
        raise CheckpointInvalid(_TEXT["format"].format(why=f"format {payload.get('format')!r}"))
    return Checkpoint(payload["taken_at"], payload["previous"], payload["salt"], payload["cases"])


def verify_checkpoint(
    store: ReadOnlyStore, checkpoints: Sequence[bytes], public_pem: bytes
) -> list[Problem]:
    """Check the store against each checkpoint (oldest first; each must name the one before
    it); one :class:`Problem` per case and difference. Raises :class:`CheckpointInvalid` for
    a file that is not a checkpoint or whose signature does not verify."""
    read = [read_checkpoint(c, public_pem) for c in checkpoints]
    for n in range(1, len(read)):
        if read[n].previous != _digest(checkpoints[n - 1]):
            raise CheckpointInvalid(_TEXT["previous"].format(n=n + 1))
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

    def problem(text: str, at: int = seq) -> Problem:
        return Problem(case_id, at, "checkpoint", text)

    if rows.version is None:
        return [problem(_TEXT["gone"].format(seq=seq))]
    by_seq = {e[0]: e for e in rows.events}
    if seq and seq not in by_seq:
        return [problem(_TEXT["truncated"].format(now=len(rows.events), seq=seq))]
    if seq and by_seq[seq][3] != seen["hash"]:
        return [problem(_TEXT["rewritten"].format(seq=seq))]
    out = []
    later = [json.loads(e[1]) for s, e in sorted(by_seq.items()) if s > seq]
    erased = any(b.get("event") == "@erase" for b in later)
    personal = seen["personal"]
    refs, digest = store.personal_digest(case_id, salt, personal["refs"])
    if refs != personal["refs"]:
        if not erased:
            out.append(problem(_TEXT["erased"]))
    elif digest != personal["digest"]:
        out.append(problem(_TEXT["personal"]))
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
            out.append(problem(_TEXT["timer"].format(key=key), len(rows.events)))
    return out


def _accounted(deadlines: Sequence[Any], key: str) -> bool:
    """A timer may leave legitimately: its item fired, or its arming is no longer running."""
    _, name, arming, item = key.rsplit("/", 3)
    d = next((x for x in deadlines if x.name == name), None)
    if d is None or str(d.arming) != arming or d.status != "running":
        return True
    return item in d.fired
