"""Turning LAPOR! channel messages into new cases: SMS to 1708 and web/app submissions.

SMS 1708 (``KEYWORD<space>isi laporan``): regional governments publish a keyword that routes the
text to them, e.g. ``TANGKAB jalan di depan pasar berlubang``. The keyword table is the agency's
configuration. A message the channel cannot use is rejected with a reason written for the sender
(the gateway sends it back as a reply), never silently dropped and never opened as a case with
guessed data. Every case's command id is built from the gateway's own message id, so a message
the gateway delivers twice opens one case.

Web/app: the JSON a web form or the mobile app posts, checked against a JSON Schema; every
problem is listed in one rejection.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator

from sop_engine.plugin import Actor, IntakeRejected, NewCase, Text
from sop_engine_lapor.classify import CLASSES, classify

__all__ = ["SMS_CONFIG", "WEB_CONFIG", "WEB_SCHEMA", "parse_sms", "parse_web"]

SMS_CHANNEL = "lapor.sms_1708"
WEB_CHANNEL = "lapor.web"
_KEYWORD = r"^[A-Za-z][A-Za-z0-9]{1,19}$"

SMS_CONFIG: dict[str, Any] = {
    "type": "object",
    "properties": {
        "sop": {"type": "string", "minLength": 1, "description": "id of the SOP cases start in"},
        "keywords": {
            "type": "object",
            "description": "SMS keyword -> the agency (instansi) it routes to",
            "propertyNames": {"pattern": _KEYWORD},
            "additionalProperties": {"type": "string", "minLength": 1},
            "minProperties": 1,
        },
        "actor": {
            "type": "object",
            "description": "who opens SMS cases (default: the 1708 gateway acting as sistem)",
            "properties": {"id": {"type": "string"}, "role": {"type": "string"}},
            "required": ["id", "role"],
            "additionalProperties": False,
        },
        "min_length": {"type": "integer", "minimum": 1, "description": "shortest usable text"},
    },
    "required": ["sop", "keywords"],
    "additionalProperties": False,
}

WEB_CONFIG: dict[str, Any] = {
    "type": "object",
    "properties": {"sop": {"type": "string", "minLength": 1}},
    "required": ["sop"],
    "additionalProperties": False,
}

WEB_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "minLength": 1, "description": "the submission's own id"},
        "pelapor": {"type": "string", "minLength": 1, "description": "the reporter's account"},
        "kanal": {"enum": ["web", "app"]},
        "judul": {"type": "string", "minLength": 1, "maxLength": 200},
        "isi": {"type": "string", "minLength": 1},
        "lokasi": {"type": "string"},
        "tanggal_kejadian": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "kerahasiaan": {"enum": ["biasa", "rahasia", "anonim"]},
        "klasifikasi": {"enum": list(CLASSES)},
        "instansi": {"type": "string", "minLength": 1},
    },
    "required": ["id", "pelapor", "kanal", "judul", "isi"],
    "additionalProperties": False,
}

_WEB_VALIDATOR = Draft202012Validator(WEB_SCHEMA)
_FORMAT = "KATA_KUNCI isi laporan"


def _reject(channel: str, id_: str, en: str) -> IntakeRejected:
    return IntakeRejected(channel, Text(id_, en))


def _text(raw: str | bytes, channel: str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _reject(
            channel, "pesan tidak dapat dibaca (bukan UTF-8)", "message is not UTF-8 text"
        ) from None


def _title(text: str, limit: int = 60) -> str:
    """A title from the report's first words, cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def parse_sms(config: Mapping[str, Any], raw: str | bytes, meta: Mapping[str, Any]) -> NewCase:
    """One SMS to 1708 as a new case; ``meta`` carries ``sender`` and ``message_id``.

    The keyword is matched case-insensitively; the text after it becomes the account of events
    (``kronologi``), its first words the title, and the agency from the keyword table the
    ``instansi_tujuan``. Raises :class:`~sop_engine.plugin.IntakeRejected` for an empty
    message, an unknown or missing keyword, or a text too short to act on.
    """
    sender = str(meta.get("sender") or "").strip()
    message_id = str(meta.get("message_id") or "").strip()
    if not sender or not message_id:
        raise _reject(
            SMS_CHANNEL,
            "gateway tidak menyertakan nomor pengirim dan id pesan",
            "the gateway gave no sender number and message id",
        )
    text = " ".join(_text(raw, SMS_CHANNEL).split())
    if not text:
        raise _reject(
            SMS_CHANNEL,
            f"pesan kosong; kirim dengan format: {_FORMAT}",
            f"empty message; send it as: {_FORMAT}",
        )
    keyword, _, body = text.partition(" ")
    table = {k.upper(): v for k, v in config["keywords"].items()}
    known = ", ".join(sorted(table))
    if not re.match(_KEYWORD, keyword) or keyword.upper() not in table:
        raise _reject(
            SMS_CHANNEL,
            f"kata kunci {keyword[:20]!r} tidak dikenal; awali pesan dengan salah satu: {known} "
            f"(format: {_FORMAT})",
            f"unknown keyword {keyword[:20]!r}; start the message with one of: {known} "
            f"(format: {_FORMAT})",
        )
    minimum = int(config.get("min_length", 15))
    if len(body) < minimum:
        raise _reject(
            SMS_CHANNEL,
            f"isi laporan terlalu singkat (minimal {minimum} karakter); tuliskan apa, di mana "
            "dan kapan terjadi",
            f"the report is too short (at least {minimum} characters); say what happened, "
            "where and when",
        )
    actor = config.get("actor", {"id": "gateway-1708", "role": "sistem"})
    data = {
        "pelapor": sender,
        "kanal": "sms",
        "kerahasiaan": "biasa",
        "judul": _title(body),
        "kronologi": body,
        "instansi_tujuan": table[keyword.upper()],
        "klasifikasi": classify(body),
    }
    return NewCase(
        config["sop"],
        data,
        Actor(actor["id"], actor["role"]),
        f"{SMS_CHANNEL}:{message_id}",
        SMS_CHANNEL,
    )


def parse_web(config: Mapping[str, Any], raw: str | bytes, meta: Mapping[str, Any]) -> NewCase:
    """A web-form or app submission (JSON, see :data:`WEB_SCHEMA`) as a new case.

    The reporter opens the case as themselves (role ``pelapor``). A class the reporter chose is
    kept; otherwise :func:`~sop_engine_lapor.classify.classify` suggests one.
    """
    try:
        body = json.loads(_text(raw, WEB_CHANNEL))
    except json.JSONDecodeError as e:
        raise _reject(
            WEB_CHANNEL, f"kiriman bukan JSON yang sah: {e.msg}", f"not valid JSON: {e.msg}"
        ) from None
    problems = sorted(_WEB_VALIDATOR.iter_errors(body), key=lambda p: list(p.absolute_path))
    if problems:
        listed = "; ".join(
            f"{'.'.join(map(str, p.absolute_path)) or 'kiriman'}: {p.message}" for p in problems
        )
        raise _reject(WEB_CHANNEL, f"kiriman tidak lengkap atau salah: {listed}", listed)
    data: dict[str, Any] = {
        "pelapor": body["pelapor"],
        "kanal": body["kanal"],
        "kerahasiaan": body.get("kerahasiaan", "biasa"),
        "judul": body["judul"].strip(),
        "kronologi": body["isi"].strip(),
        "klasifikasi": body.get("klasifikasi") or classify(f"{body['judul']} {body['isi']}"),
    }
    for source, target in (
        ("lokasi", "lokasi"),
        ("tanggal_kejadian", "tanggal_kejadian"),
        ("instansi", "instansi_tujuan"),
    ):
        if body.get(source):
            data[target] = body[source]
    return NewCase(
        config["sop"],
        data,
        Actor(body["pelapor"], "pelapor"),
        f"{WEB_CHANNEL}:{body['id']}",
        WEB_CHANNEL,
    )
