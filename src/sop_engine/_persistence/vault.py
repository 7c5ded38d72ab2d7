"""Sealed personal data: encrypted per case, erased by destroying the key (crypto-shredding).

A complaint register holds the names, NIK, phone numbers and accounts of people who report
officials (Perpres 76/2013, UU 25/2009, UU 27/2022). The audit trail is append-only and hash
chained, so a value written into a chained byte can never be erased. The durable stores
therefore keep every *sealed* value — the fields the SOP marks ``personal``, every free-text
field of the case and of its events, and the id of an actor who is the reporter — outside the
chained bytes, encrypted with AES-256-GCM under a key of its own case (one case, one reporter),
and the chain covers a keyed digest of the value instead of the value.

Erasure destroys the case's key: every copy (the trail's values, the snapshot, command records,
old pages left in the database file or its WAL, backups) becomes unreadable at once, and the
chain still verifies because it never held the values. The digest is keyed with the same case
key, so once the key is gone it cannot be used to guess a value either.

Where keys live is a :class:`KeySource`: :class:`KeyFile` (a JSON file next to the database,
mode 0600, rewritten atomically under a lock) by default, :class:`MemoryKeys` for tests and
memory stores; a KMS can be plugged in by implementing the three methods.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sop_engine._core.errors import SealBroken

__all__ = ["PREFIX", "KeyFile", "KeySource", "MemoryKeys", "SealBroken", "Vault"]

PREFIX = "sealed:v1:"
"""How a sealed value starts in a column (anything else is a value written before sealing)."""

_KEY_BYTES = 32
_NONCE_BYTES = 12


@runtime_checkable
class KeySource(Protocol):
    """Where the per-case data keys live. ``destroy`` must make the key unrecoverable."""

    def key(self, case_id: str) -> bytes | None:
        """The case's key, or ``None`` when it never existed or was destroyed."""
        ...

    def create(self, case_id: str) -> bytes:
        """The case's key, made now when it has none (32 random bytes)."""
        ...

    def destroy(self, case_id: str) -> None:
        """Forget the case's key for good (crypto-shredding); a second call changes nothing."""
        ...


class MemoryKeys:
    """Keys in a dictionary: for tests and the memory store (they die with the process)."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def key(self, case_id: str) -> bytes | None:
        return self._keys.get(case_id)

    def create(self, case_id: str) -> bytes:
        with self._lock:
            return self._keys.setdefault(case_id, secrets.token_bytes(_KEY_BYTES))

    def destroy(self, case_id: str) -> None:
        with self._lock:
            self._keys.pop(case_id, None)


class KeyFile:
    """Keys in one JSON file (mode 0600), by case id, base64.

    Every change rewrites the file to a temporary file, fsyncs it and renames it over the old
    one under an exclusive ``flock`` of ``PATH.lock``, so processes sharing a database share
    the keys and never lose one another's. Keep the file off the database's backups (a backup
    of both is a backup of the plaintext) and on an encrypted volume: a file system may keep the
    blocks of a replaced file until they are reused.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._cache: dict[str, bytes] = {}
        self._seen: tuple[int, int, int] | None = None  # (inode, mtime, size) of what we read
        self._lock = threading.Lock()
        # inside batch(): the keys made since it began, and the thread that owns it
        self._batch_new: dict[str, bytes] = {}
        self._batch_owner: int | None = None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock, self._file_lock():
            yield

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Keys made inside are written to the file once, on leaving (issue 19).

        Each new key used to rewrite the whole file (two fsyncs and a rename), so a group of
        1,000 new cases rewrote it 1,000 times, each time longer. A store opens the batch inside
        its transaction: the file is written (and fsynced) before the transaction commits, so
        no committed case ever lacks its key; if the body raises, nothing is written and the
        keys made in it are forgotten. A batch that makes no key touches no file.
        """
        if self._batch_owner == threading.get_ident():
            yield  # nested: the outer batch writes
            return
        with self._lock:
            self._batch_owner = threading.get_ident()
            self._batch_new = {}
            try:
                yield
                if self._batch_new:
                    with self._file_lock():
                        keys = self._read()
                        for case_id, made in self._batch_new.items():
                            keys[case_id] = base64.b64encode(made).decode()
                        self._write(keys)
            finally:
                self._batch_owner, self._batch_new = None, {}

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _read(self) -> dict[str, str]:
        try:
            raw = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return {}
        try:
            keys = json.loads(raw)
        except ValueError:
            raise ValueError(
                f"the key file {self.path} is not valid JSON: restore it from its own backup "
                "(without it the sealed personal data cannot be read)"
            ) from None
        if not isinstance(keys, dict):
            raise ValueError(f"the key file {self.path} must hold a JSON object of keys")
        return keys

    def _write(self, keys: dict[str, str]) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            json.dump(keys, f, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._remember(keys)

    def _remember(self, keys: dict[str, str]) -> None:
        self._cache = {k: base64.b64decode(v) for k, v in keys.items()}
        self._seen = self._stat()

    def key(self, case_id: str) -> bytes | None:
        mine = self._batch_owner == threading.get_ident()
        if mine and case_id in self._batch_new:
            return self._batch_new[case_id]
        # one stat per look-up: a key another process destroyed (a new file) is forgotten here
        # too, and a key it made is found, without reading the file every time
        # (no lock: the file is only ever replaced whole, so a read sees one version of it;
        # a read-only check can look keys up without writing a lock file)
        if self._stat() != self._seen:
            if mine:  # the batch holds the thread lock already
                self._remember(self._read())
            else:
                with self._lock:
                    self._remember(self._read())
        return self._cache.get(case_id)

    def create(self, case_id: str) -> bytes:
        found = self.key(case_id)
        if found is not None:
            return found
        if self._batch_owner == threading.get_ident():
            made = self._batch_new[case_id] = secrets.token_bytes(_KEY_BYTES)
            return made
        with self._locked():
            keys = self._read()
            if case_id not in keys:
                keys[case_id] = base64.b64encode(secrets.token_bytes(_KEY_BYTES)).decode()
                self._write(keys)
            else:
                self._remember(keys)
            return self._cache[case_id]

    def destroy(self, case_id: str) -> None:
        if self._batch_owner == threading.get_ident():
            raise RuntimeError("a key cannot be destroyed inside a batch of new keys")
        with self._locked():
            keys = self._read()
            if keys.pop(case_id, None) is not None:
                self._write(keys)
            else:
                self._remember(keys)


class Vault:
    """Seals and opens values of one case with its key from a :class:`KeySource`.

    A sealed value is ``PREFIX + base64(nonce || AES-GCM(ciphertext || tag))`` with the value's
    reference as associated data, so a value moved to another reference does not open. The
    digest the chain covers is HMAC-SHA256 under a subkey of the case key.
    """

    def __init__(self, keys: KeySource) -> None:
        self.keys = keys
        # the cipher and digest subkey of recently used keys (by key bytes: a destroyed key is
        # never looked up again, since the key source no longer hands it out)
        self._ciphers: dict[bytes, tuple[AESGCM, bytes]] = {}

    def _cipher(self, key: bytes) -> tuple[AESGCM, bytes]:
        found = self._ciphers.get(key)
        if found is None:
            if len(self._ciphers) >= 256:
                self._ciphers.clear()
            found = self._ciphers[key] = (AESGCM(key), _subkey(key))
        return found

    def batch(self) -> contextlib.AbstractContextManager[None]:
        """Keys made inside are stored once, on leaving (when the key source can batch)."""
        batch = getattr(self.keys, "batch", None)
        return batch() if batch is not None else contextlib.nullcontext()

    def seal(self, case_id: str, ref: str, value: str) -> tuple[str, str]:
        """``(sealed value, keyed digest)`` of ``value`` (JSON text) at ``ref``."""
        cipher, subkey = self._cipher(self.keys.create(case_id))
        nonce = secrets.token_bytes(_NONCE_BYTES)
        box = cipher.encrypt(nonce, value.encode("utf-8"), ref.encode("utf-8"))
        sealed = PREFIX + base64.b64encode(nonce + box).decode("ascii")
        return sealed, _mac(subkey, ref, value)

    def open(self, case_id: str, ref: str, stored: str) -> str | None:
        """The value sealed at ``ref`` (``None`` once the key is destroyed).

        A value written before sealing (no :data:`PREFIX`) comes back as it is. Raises
        :class:`SealBroken` when the value does not decrypt under the case's key.
        """
        if not stored.startswith(PREFIX):
            return stored
        key = self.keys.key(case_id)
        if key is None:
            return None
        try:
            raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
            cipher = self._cipher(key)[0]
            plain = cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], ref.encode())
        except (InvalidTag, ValueError):
            raise SealBroken(ref) from None
        return plain.decode("utf-8")

    def digest(self, case_id: str, ref: str, value: str) -> str | None:
        """The keyed digest of ``value`` at ``ref`` (``None`` once the key is destroyed)."""
        key = self.keys.key(case_id)
        return None if key is None else _mac(self._cipher(key)[1], ref, value)

    def shred(self, case_id: str) -> None:
        """Destroy the case's key: every value sealed under it is unreadable from now on."""
        key = self.keys.key(case_id)
        self.keys.destroy(case_id)
        if key is not None:
            self._ciphers.pop(key, None)


def _subkey(key: bytes) -> bytes:
    return hmac.new(key, b"sop-engine chain digest", hashlib.sha256).digest()


def _mac(subkey: bytes, ref: str, value: str) -> str:
    return hmac.new(subkey, f"{ref}\n{value}".encode(), hashlib.sha256).hexdigest()
