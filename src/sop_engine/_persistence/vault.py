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

Where keys live is a :class:`KeySource`: :class:`KeyFile` (an append-only file of fixed-size
key records next to the database, mode 0600, changed under a lock) by default, :class:`MemoryKeys` for tests and
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
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sop_engine._core.errors import SealBroken, StoreUnavailable
from sop_engine._core.i18n import Msg

__all__ = ["PREFIX", "KeyFile", "KeySource", "MemoryKeys", "SealBroken", "Vault", "recover_keys"]

PREFIX = "sealed:v1:"
"""How a sealed value starts in a column (anything else is a value written before sealing)."""

_KEY_BYTES = 32
_SEALS_CACHED = 65_536  # sealed texts a Vault remembers (≈ 20 MB: the fields of ≈ 10,000 cases)
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
    """Keys in one append-only file of fixed-size records (mode 0600), by case id (issue 19).

    The file is a 128-byte header and one 128-byte record per key: its case id (or, for an id
    longer than 80 bytes, the id's SHA-256), the 32 key bytes and a CRC-32 of the record.
    Making keys appends their records and fsyncs once (one write per group of new cases, not a
    rewrite of every key); destroying a key overwrites its record(s) in place with zeros,
    appends a tombstone (the case id, no key) so other processes notice, and fsyncs. When most
    records are zeros or tombstones the file is compacted (the live records rewritten to a new
    file renamed over it). Changes happen under an exclusive ``flock`` of ``PATH.lock``, so
    processes sharing a database share the keys and never lose one another's; readers need no
    lock: one stat per look-up tells them the file grew (new keys, or a tombstone: the key it
    names is forgotten) or was replaced (read whole again), and they read only what was
    appended since they last looked.

    A crash while appending leaves a torn record at the end: its checksum fails. The keys are
    appended and fsynced before the store commits the cases that use them, so a torn record
    belongs to no committed case; the next writer cuts it off (:meth:`recover`), and a store that
    opens after such a repair checks that every committed case with sealed values still has its
    key (it refuses to open otherwise). A key file of the JSON format written before this one
    is migrated on open.

    Keep the file off the database's backups (a backup of both is a backup of the plaintext)
    and on an encrypted volume: a file system may keep the blocks of a replaced file until they
    are reused.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        # what this object has read: name -> offset of the record of its live key, older
        # records of the same name (to zero them all on destroy), how far it has read and
        # the (inode, size) of the file it read
        self._at: dict[bytes, int] = {}
        self._older: dict[bytes, list[int]] = {}
        self._keys: dict[bytes, bytes] = {}  # keys read lately (a tombstone read drops one)
        self._pos = 0
        self._seen: tuple[int, int] | None = None
        self._fd: int | None = None
        self._dead = 0  # zero and tombstone records read (compaction when most are)
        self._damaged: list[int] = []  # offsets of records whose checksum fails
        self._repaired = 0  # records this object cut off or zeroed (see recover())
        self._legacy: dict[bytes, bytes] | None = None  # a JSON key file, read as it is
        self._flocked = False  # whether this object holds the file lock (flock is not reentrant)
        # inside batch(): the keys made since it began, and the thread that owns it
        self._batch_new: dict[str, bytes] = {}
        self._batch_owner: int | None = None

    # -- locks -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock, self._file_lock():
            yield

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        if self._flocked:  # held already by this object (and thread: self._lock is held)
            yield
            return
        fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._flocked = True
            yield
        finally:
            self._flocked = False
            os.close(fd)  # closing releases the lock

    # -- reading -----------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Read what changed since the last look (the caller holds ``self._lock``)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._forget()
            return
        if self._seen is not None and self._seen == (st.st_ino, st.st_size):
            return
        if self._seen is None or self._seen[0] != st.st_ino or st.st_size < self._pos:
            self._forget()  # a new file (compacted, migrated or restored): read it whole
            self._fd = os.open(self.path, os.O_RDONLY)
            if os.fstat(self._fd).st_ino != st.st_ino:  # replaced between stat and open
                st = os.fstat(self._fd)
            head = os.pread(self._fd, _RECORD, 0)
            if head[:1] == b"{":  # the JSON format: read here, migrated by the next writer
                self._legacy = _read_json(self.path, os.pread(self._fd, st.st_size, 0))
                self._seen = (st.st_ino, st.st_size)
                return
            if len(head) < _RECORD:
                self._forget()  # a header being written: read it whole next time
                return
            if head != _HEADER:
                raise _unreadable(self.path, Msg("its header is not a sop-engine key file's"))
            self._pos = _RECORD
        assert self._fd is not None
        # in pieces (a million keys are 128 MB); records not taken at the end (being appended,
        # or torn) are read again at the next look
        end, size, complete = st.st_size, _CHUNK, True
        while self._pos < end:
            start = self._pos
            ask = min(end - start, size)
            data = os.pread(self._fd, ask, start)
            self._pos += self._scan(data, start)
            if len(data) < ask or start + ask == end:  # at the end (or the file shrank)
                complete = self._pos == end
                break
            if self._pos == start:  # a run of zero or bad records longer than a piece
                size *= 2
        self._seen = (st.st_ino, end if complete else -1)

    def _forget(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._seen, self._pos, self._dead = None, None, 0, 0
        self._at, self._older, self._damaged, self._legacy = {}, {}, [], None
        self._keys = {}

    def _scan(self, data: bytes, base: int) -> int:
        """Take in the whole records of ``data`` (read at offset ``base``); how many bytes
        were taken (up to the last record whose checksum holds: a record still being
        appended, or torn by a crash, is looked at again next time)."""
        taken = 0
        bad: list[int] = []
        zeros = 0
        for start in range(0, len(data) - _RECORD + 1, _RECORD):
            record = data[start : start + _RECORD]
            if record == _ZERO:  # a destroyed key; at the end, an append not written yet
                zeros += 1
                continue
            if zlib.crc32(record[:_CRC_AT]) != int.from_bytes(record[_CRC_AT:], "big"):
                bad.append(base + start)
                continue
            name = record[_NAME_AT : _NAME_AT + record[_LEN_AT]]
            if record[0] == _KEY:
                old = self._at.get(name)
                if old is not None:
                    self._older.setdefault(name, []).append(old)
                self._at[name] = base + start
            else:  # a tombstone
                self._at.pop(name, None)
                self._older.pop(name, None)
                self._keys.pop(name, None)
                self._dead += 1
            # zeros or a bad record followed by a good one: destroyed keys, and damage (a
            # torn overwrite, or the disk); at the end they are looked at again next time
            self._dead += zeros
            self._damaged.extend(bad)
            bad, zeros = [], 0
            taken = start + _RECORD
        return taken

    def _record(self, offset: int, name: bytes) -> bytes | None:
        """The key in the record at ``offset`` if it still holds ``name``'s key."""
        assert self._fd is not None
        record = os.pread(self._fd, _RECORD, offset)
        if (
            len(record) != _RECORD
            or record[0] != _KEY
            or record[_NAME_AT : _NAME_AT + record[_LEN_AT]] != name
            or zlib.crc32(record[:_CRC_AT]) != int.from_bytes(record[_CRC_AT:], "big")
        ):
            return None  # zeroed (destroyed) since it was read
        return record[_KEY_AT : _KEY_AT + _KEY_BYTES]

    # -- writing (under the file lock) -------------------------------------------------------

    def _writable(self) -> int:
        """The file open for writing (the caller holds the file lock): a JSON key file
        migrated, a torn tail cut off and damaged records zeroed."""
        self._refresh()
        if self._legacy is not None:
            self._migrate()
            self._forget()
            self._refresh()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < _RECORD:  # new (or its header torn: it held no key)
                os.ftruncate(fd, 0)
                os.write(fd, _HEADER)
                os.fsync(fd)
                _fsync_dir(self.path.parent)
                self._forget()
                self._refresh()
            end = os.fstat(fd).st_size
            # records after the last good one were torn by a crash: no other writer runs
            # (the file lock is held), so nothing is being appended there now
            torn = max(0, (end - self._pos + _RECORD - 1) // _RECORD)
            if torn:
                os.ftruncate(fd, self._pos)
            for offset in self._damaged:
                os.pwrite(fd, _ZERO, offset)
            if torn or self._damaged:
                os.fsync(fd)
                self._repaired += torn + len(self._damaged)
                self._damaged = []
                self._forget()
                self._refresh()
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _append(self, keys: dict[str, bytes]) -> None:
        fd = self._writable()
        try:
            records = b"".join(_key_record(_name(c), k) for c, k in keys.items())
            os.pwrite(fd, records, self._pos)
            os.fsync(fd)
        finally:
            os.close(fd)
        self._refresh()

    def _migrate(self) -> None:
        """Rewrite the JSON key file (the format before issue 19) as a key log, atomically
        (the caller holds the file lock and has just read it)."""
        assert self._legacy is not None
        records = (_key_record(name, key) for name, key in self._legacy.items())
        _replace(self.path, _HEADER + b"".join(records))

    def _compact(self) -> None:
        """Rewrite the live records to a new file (most records are zeros or tombstones)."""
        assert self._fd is not None
        live = b"".join(os.pread(self._fd, _RECORD, at) for at in self._at.values())
        _replace(self.path, _HEADER + live)
        self._forget()
        self._refresh()

    # -- the KeySource protocol --------------------------------------------------------------

    def recover(self) -> int:
        """Cut off a torn tail and zero damaged records; how many records were repaired.

        A store calls it when it opens, and checks its committed cases when it returns more
        than zero (a torn record must belong to no committed case).
        """
        if not self.path.exists():
            return 0
        try:
            with self._locked():
                self._repaired = 0
                os.close(self._writable())
                return self._repaired
        except PermissionError:  # a reader without write access: the next writer repairs
            return 0

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Keys made inside are appended to the file once, on leaving, with one fsync.

        A store opens the batch inside its transaction: the records are fsynced before the
        transaction commits, so no committed case ever lacks its key; if the body raises,
        nothing is written and the keys made in it are forgotten. A batch that makes no key
        touches no file.
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
                        self._append(self._batch_new)
            finally:
                self._batch_owner, self._batch_new = None, {}

    def key(self, case_id: str) -> bytes | None:
        if self._batch_owner == threading.get_ident() and case_id in self._batch_new:
            return self._batch_new[case_id]
        name = _name(case_id)
        with self._lock:
            self._refresh()
            if self._legacy is not None:
                return self._legacy.get(name)
            # a destroy appends a tombstone, so the refresh above (one stat) drops a key
            # another process destroyed; a key not read lately is read from its record
            found = self._keys.get(name)
            if found is None:
                offset = self._at.get(name)
                found = None if offset is None else self._record(offset, name)
                if found is not None:
                    if len(self._keys) >= _KEYS_CACHED:
                        self._keys.clear()
                    self._keys[name] = found
            return found

    def create(self, case_id: str) -> bytes:
        found = self.key(case_id)
        if found is not None:
            return found
        if self._batch_owner == threading.get_ident():
            made = self._batch_new[case_id] = secrets.token_bytes(_KEY_BYTES)
            return made
        with self._locked():
            found = self.key(case_id)  # another process may have made it meanwhile
            if found is None:
                found = secrets.token_bytes(_KEY_BYTES)
                self._append({case_id: found})
            return found

    def destroy(self, case_id: str) -> None:
        if self._batch_owner == threading.get_ident():
            raise RuntimeError("a key cannot be destroyed inside a batch of new keys")
        name = _name(case_id)
        if not self.path.exists():
            return
        with self._locked():
            fd = self._writable()
            try:
                offsets = [*self._older.get(name, ()), self._at.get(name)]
                if offsets[-1] is None:
                    return
                self._keys.pop(name, None)
                for offset in offsets:
                    os.pwrite(fd, _ZERO, offset)
                self._dead += len(offsets)
                os.pwrite(fd, _tombstone(name), self._pos)
                os.fsync(fd)
            finally:
                os.close(fd)
            self._refresh()
            records = (self._pos - _RECORD) // _RECORD
            if records >= _COMPACT_AT and self._dead * 2 > records:
                self._compact()


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
        # the stored text of the value last sealed or opened at each recent reference:
        # ``ref -> (key, value, sealed)``. A case's snapshot is stored whole at every write,
        # most sealed fields unchanged: their stored text is written again rather than
        # encrypted anew (issue 19: sealing the snapshot was half the engine's own CPU per
        # fired item on SQLite). It shows only that a field did not change, which the audit
        # trail's events say anyway.
        self._sealed: dict[str, tuple[bytes, str, str]] = {}

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
        return _encrypt(cipher, ref, value), _mac(subkey, ref, value)

    def seal_fields(self, case_id: str, values: Iterable[tuple[str, str]]) -> list[str]:
        """The sealed texts of ``(ref, value)`` pairs of one case (no digests: for snapshots).

        One key look-up for them all; a value unchanged since it was last sealed or opened at
        the same reference under the same key keeps its stored text.
        """
        key = self.keys.create(case_id)
        cipher: AESGCM | None = None
        out = []
        for ref, value in values:
            hit = self._sealed.get(ref)
            if hit is not None and hit[0] == key and hit[1] == value:
                out.append(hit[2])
                continue
            if cipher is None:
                cipher = self._cipher(key)[0]
            sealed = _encrypt(cipher, ref, value)
            self._remember(ref, (key, value, sealed))
            out.append(sealed)
        return out

    def _remember(self, ref: str, sealed: tuple[bytes, str, str]) -> None:
        if len(self._sealed) >= _SEALS_CACHED:
            self._sealed.clear()
        self._sealed[ref] = sealed

    def open(self, case_id: str, ref: str, stored: str) -> str | None:
        """The value sealed at ``ref`` (``None`` once the key is destroyed).

        A value written before sealing (no :data:`PREFIX`) comes back as it is. Raises
        :class:`SealBroken` when the value does not decrypt under the case's key.
        """
        if not stored.startswith(PREFIX):
            return stored
        return self._open(self.keys.key(case_id), ref, stored)

    def open_fields(self, case_id: str, stored: Iterable[tuple[str, str]]) -> list[str | None]:
        """:meth:`open` for ``(ref, stored)`` pairs of one case, with one key look-up."""
        key: bytes | None = None
        looked = False
        out: list[str | None] = []
        for ref, text in stored:
            if not text.startswith(PREFIX):
                out.append(text)
                continue
            if not looked:
                key, looked = self.keys.key(case_id), True
            out.append(self._open(key, ref, text))
        return out

    def _open(self, key: bytes | None, ref: str, stored: str) -> str | None:
        if key is None:
            return None
        try:
            raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
            cipher = self._cipher(key)[0]
            plain = cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], ref.encode())
        except (InvalidTag, ValueError):
            raise SealBroken(ref) from None
        value = plain.decode("utf-8")
        self._remember(ref, (key, value, stored))
        return value

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
        self._sealed = {}  # no text sealed under the destroyed key is handed out again


def recover_keys(keys: KeySource, where: str, sealed: Callable[[], Iterable[str]]) -> None:
    """Repair the key source (a torn record cut off) and check no committed case lost its key.

    A store calls it when it opens, with ``sealed`` listing the cases that hold sealed values.
    Keys are fsynced before the cases that use them commit, so a torn record belongs to no
    committed case; this checks that rather than trusting it (a disk that lost a write it
    acknowledged), and refuses the store while a case's sealed values could not be opened.
    Only a key source that can repair itself (``recover``, as :class:`KeyFile`) is checked.
    """
    recover = getattr(keys, "recover", None)
    if recover is None or not recover():
        return
    lost = [case_id for case_id in sealed() if keys.key(case_id) is None]
    if lost:
        raise StoreUnavailable(
            where,
            Msg(
                "the key file lost the keys of {count} committed case(s) ({cases}) when a "
                "damaged record was cut off",
                count=len(lost),
                cases=", ".join(lost[:10]),
            ),
            Msg(
                "restore the key file from its own backup (taken after those cases were "
                "opened), then open the store again"
            ),
        )


def _encrypt(cipher: AESGCM, ref: str, value: str) -> str:
    """``PREFIX + base64(nonce || AES-GCM(value) || tag)``, the reference as associated data."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    box = cipher.encrypt(nonce, value.encode("utf-8"), ref.encode("utf-8"))
    return PREFIX + base64.b64encode(nonce + box).decode("ascii")


def _subkey(key: bytes) -> bytes:
    return hmac.new(key, b"sop-engine chain digest", hashlib.sha256).digest()


def _mac(subkey: bytes, ref: str, value: str) -> str:
    return hmac.new(subkey, f"{ref}\n{value}".encode(), hashlib.sha256).hexdigest()


_RECORD = 128
_KEY, _TOMBSTONE = 1, 2
_LEN_AT, _KEY_AT, _NAME_AT, _CRC_AT = 2, 3, 35, 124
_NAME_MAX = _CRC_AT - _NAME_AT - 9  # 80 bytes; a longer case id is stored as its SHA-256
_ZERO = bytes(_RECORD)
_CHUNK = 4 << 20  # bytes read at once when reading the file (a multiple of _RECORD)
_KEYS_CACHED = 4096  # keys kept in memory per KeyFile (the others are read from their record)
_COMPACT_AT = 1024  # records: below this a file of tombstones is too small to matter
_MAGIC = b"sop-engine keys\n"


def _sealed_record(kind: int, flags: int, name: bytes, key: bytes) -> bytes:
    body = bytes((kind, flags, len(name))) + key + name.ljust(_CRC_AT - _NAME_AT, b"\0")
    return body + zlib.crc32(body).to_bytes(4, "big")


_HEADER = _sealed_record(0x7F, 1, _MAGIC, bytes(_KEY_BYTES))  # version 1 in the flags


def _name(case_id: str) -> bytes:
    raw = case_id.encode("utf-8")
    return raw if len(raw) <= _NAME_MAX else b"\0sha256:" + hashlib.sha256(raw).digest()


def _key_record(name: bytes, key: bytes) -> bytes:
    return _sealed_record(_KEY, 0, name, key)


def _tombstone(name: bytes) -> bytes:
    return _sealed_record(_TOMBSTONE, 0, name, bytes(_KEY_BYTES))


def _fsync_dir(path: Path) -> None:
    dir_fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _replace(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file, fsync it, rename it over ``path``, fsync the
    directory: readers see the old file or the new one, never a part."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _read_json(path: Path, raw: bytes) -> dict[bytes, bytes]:
    """The keys of a JSON key file (the format before issue 19), by record name."""
    try:
        keys = json.loads(raw)
        made = {_name(c): base64.b64decode(v, validate=True) for c, v in keys.items()}
    except (ValueError, AttributeError, TypeError):
        raise _unreadable(path, Msg("it is neither a key log nor a JSON key file")) from None
    if any(len(k) != _KEY_BYTES for k in made.values()):
        raise _unreadable(path, Msg("a key in the JSON key file is not 32 bytes"))
    return made


def _unreadable(path: Path, cause: Msg) -> StoreUnavailable:
    return StoreUnavailable(
        str(path),
        Msg("the key file cannot be read: {cause}", cause=cause),
        Msg(
            "restore the key file from its own backup (without it the sealed personal data "
            "cannot be read)"
        ),
    )
