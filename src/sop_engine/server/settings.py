"""What a desk needs to know about the agency's SOP that the SOP file itself does not say.

Defaults follow the LAPOR! reference SOP (``examples/lapor/sop.yaml``); an agency whose SOP names
its fields differently sets them here (``sop serve --config desk.toml``, table ``[desk]``).
"""

from __future__ import annotations

import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from sop_engine.server.texts import N_, ConfigError

__all__ = ["DeskSettings"]


def _tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@attrs.frozen
class DeskSettings:
    """The desk's mapping of an SOP's names to what the desk shows and who may see it."""

    secret: str = attrs.field(factory=lambda: secrets.token_hex(32), repr=False)
    """Signs session cookies and CSRF tokens. Give every process behind one database the same
    secret, or a session opened on one process is unknown to the others."""
    reporter_role: str = "pelapor"
    """The role a member of the public files and follows a complaint in."""
    reporter_field: str = "pelapor"
    """The case field naming the reporter; a pseudonym is made up when the reporter gives none."""
    channel_field: str = "kanal"
    channel_web: str = "web"
    confidentiality_field: str = "kerahasiaan"
    anonymous_value: str = "anonim"
    title_field: str = "judul"
    form_fields: tuple[str, ...] = attrs.field(
        default=("judul", "kronologi", "lokasi", "tanggal_kejadian"), converter=_tuple
    )
    """Case fields the public complaint form asks for, in this order."""
    unit_field: str = "unit_tujuan"
    """The case field naming the unit a case is dispositioned to."""
    unit_scoped_roles: tuple[str, ...] = attrs.field(default=("petugas_unit",), converter=_tuple)
    """Roles that see only the cases of their own unit."""
    oversight_roles: tuple[str, ...] = attrs.field(
        default=("atasan", "pengawas", "admin_instansi"), converter=_tuple
    )
    """Roles that see violations, breaches and escalations."""
    response_field: str = "tanggapan"
    response_states: tuple[str, ...] = attrs.field(
        default=("ditanggapi", "selesai"), converter=_tuple
    )
    """Entering one of these states publishes the response field to the reporter."""
    category_field: str = "kategori"
    classification_field: str = "klasifikasi"
    """Each value of this enum field is an Open311 service."""
    service_categories: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    """Categories offered as Open311 services too (filed with ``category_field`` set)."""
    description_field: str = "kronologi"
    """Where Open311's ``description`` goes (and comes from)."""
    location_field: str = "lokasi"
    """Where Open311's ``address_string`` (and ``lat``/``long``) goes."""
    open311_statuses: dict[str, str] = attrs.field(
        factory=lambda: {
            "diterima": "open",
            "menunggu_kelengkapan": "investigating",
            "terverifikasi": "investigating",
            "terdisposisi": "action_scheduled",
            "diproses": "in_progress",
            "draf_tanggapan": "in_progress",
            "ditanggapi": "in_progress",
            "selesai": "fixed",
            "diarsipkan": "no_further_action",
            "dialihkan": "not_councils_responsibility",
        }
    )
    """SOP state -> FixMyStreet extended status (Open311 ``extended_statuses=true``)."""
    open311_duplicate: str = "alasan_arsip=duplikat"
    """``FIELD=VALUE`` marking a closed case as a duplicate (extended status ``duplicate``)."""
    intake: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    """Intake channels offered as webhooks (``POST /api/intake/{channel}``): channel name ->
    its configuration, e.g. ``[desk.intake."lapor.sms_1708"]`` with ``sop`` and ``keywords``."""
    intake_roles: tuple[str, ...] = attrs.field(default=("sistem",), converter=_tuple)
    """Roles whose API token may post to the intake webhooks (the SMS gateway's principal)."""
    rate_limit: int = 30
    """Requests per minute per client address on the public endpoints (0: no limit)."""
    session_hours: float = 10.0

    @classmethod
    def from_toml(cls, path: str | Path) -> DeskSettings:
        """Read the ``[desk]`` table of a TOML file; unknown keys are an error naming them."""
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        table = doc.get("desk", {})
        if not isinstance(table, Mapping):
            raise ConfigError(N_("{path}: [desk] must be a table"), path=str(path))
        known = {a.name for a in attrs.fields(cls)}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigError(
                N_("{path}: unknown [desk] keys {unknown}; known keys: {known}"),
                path=str(path),
                unknown=", ".join(map(repr, unknown)),
                known=", ".join(map(repr, sorted(known))),
            )
        return cls(**dict(table))
