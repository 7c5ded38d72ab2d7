"""Who is asking: principals, their API tokens (hashed at rest) and signed session cookies.

A principal is (person, role, unit, agency). The desk keeps them in a TOML file that holds only
the SHA-256 of each token: a token is 32 random bytes, so a fast hash is enough (no password to
stretch), and a leaked file lets nobody in. ``sop serve token`` mints one. Session cookies are
stateless (HMAC-signed principal id and expiry), so any number of desk processes sharing the
secret accept them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import tomllib
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

import attrs

from sop_engine.server.texts import N_, ConfigError

__all__ = ["Principal", "PrincipalBook", "hash_token", "new_token"]


@attrs.frozen
class Principal:
    """A person acting in one role, for one unit (if any) of one agency."""

    id: str
    role: str
    agency: str
    unit: str | None = None


def new_token() -> str:
    """A fresh API token (shown once; only its hash is kept)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class PrincipalBook:
    """Principals by id and by token hash; signs and reads session cookies."""

    def __init__(self, entries: Iterable[tuple[Principal, str]], *, secret: str) -> None:
        self._by_hash: dict[str, Principal] = {}
        self._by_id: dict[str, Principal] = {}
        for principal, token_hash in entries:
            if principal.id in self._by_id:
                raise ConfigError(N_("principal {id!r} is listed twice"), id=principal.id)
            self._by_hash[token_hash] = principal
            self._by_id[principal.id] = principal
        self._key = hashlib.sha256(b"sop-desk-session:" + secret.encode()).digest()

    @classmethod
    def from_toml(cls, path: str | Path, *, secret: str) -> PrincipalBook:
        """Read ``[[principal]]`` tables (id, role, agency, unit, token_sha256)."""
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        entries = []
        for i, row in enumerate(doc.get("principal", [])):
            if not isinstance(row, Mapping):
                raise ConfigError(
                    N_("{path}: principal #{n} must be a table"), path=str(path), n=i + 1
                )
            missing = [k for k in ("id", "role", "agency", "token_sha256") if k not in row]
            if missing:
                raise ConfigError(
                    N_("{path}: principal #{n} lacks {missing}"),
                    path=str(path),
                    n=i + 1,
                    missing=", ".join(map(repr, missing)),
                )
            digest = str(row["token_sha256"]).lower()
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ConfigError(
                    N_("{path}: principal {id!r}: token_sha256 is not SHA-256"),
                    path=str(path),
                    id=str(row["id"]),
                )
            unit = row.get("unit")
            entries.append(
                (
                    Principal(
                        str(row["id"]),
                        str(row["role"]),
                        str(row["agency"]),
                        None if unit in (None, "") else str(unit),
                    ),
                    digest,
                )
            )
        return cls(entries, secret=secret)

    def by_token(self, token: str) -> Principal | None:
        """The principal holding ``token``, if any."""
        return self._by_hash.get(hash_token(token))

    def by_id(self, principal_id: str) -> Principal | None:
        return self._by_id.get(principal_id)

    def session(self, principal: Principal, hours: float, now: datetime) -> str:
        """A cookie value naming ``principal`` until ``hours`` after ``now``."""
        body = json.dumps({"p": principal.id, "exp": int(now.timestamp() + hours * 3600)})
        raw = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
        return f"{raw}.{self._sign(raw)}"

    def from_session(self, cookie: str | None, now: datetime) -> Principal | None:
        """The principal a valid session cookie names, unless it expired before ``now``."""
        if not cookie or "." not in cookie:
            return None
        raw, _, sig = cookie.rpartition(".")
        if not hmac.compare_digest(sig, self._sign(raw)):
            return None
        try:
            body = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        except ValueError:
            return None
        if not isinstance(body, dict) or int(body.get("exp", 0)) < now.timestamp():
            return None
        return self._by_id.get(str(body.get("p")))

    def _sign(self, raw: str) -> str:
        return hmac.new(self._key, raw.encode(), hashlib.sha256).hexdigest()
