"""Follow-ups as the JSON a LAPOR! liaison (pejabat penghubung) uploads.

A follow-up (*tindak lanjut*) is what the agency publishes to the reporter: in the reference SOP
the officer drafts it (``ajukan_tanggapan``) and the liaison approves and sends it
(``setujui_tanggapan``). Only approved responses are exported, read from the audit trail (so a
draft that was sent back is never uploaded), with the LAPOR! status the case shows now. The
reporter's identity is not part of the export: LAPOR! already knows its reporters, and a
confidential report must not travel further than needed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sop_engine.plugin import AuditEvent, Case
from sop_engine_lapor.status import LAPOR_UPP, STATUSES, StatusMap

__all__ = ["EXPORT_CONFIG", "FORMAT", "export_follow_ups"]

FORMAT = "sp4n-lapor/tindak-lanjut"

EXPORT_CONFIG: dict[str, Any] = {
    "type": "object",
    "properties": {
        "instansi": {"type": "string", "minLength": 1, "description": "the exporting agency"},
        "statuses": {
            "type": "object",
            "description": "SOP state -> LAPOR! status code (default: the lapor-upp map)",
            "additionalProperties": {"enum": list(STATUSES)},
        },
        "tracking_field": {
            "type": "string",
            "description": "case field holding the LAPOR! tracking id (default nomor_lapor)",
        },
        "draft_event": {"type": "string"},
        "approve_event": {"type": "string"},
    },
    "required": ["instansi"],
    "additionalProperties": False,
}


def _follow_ups(
    trail: Sequence[AuditEvent], draft_event: str, approve_event: str
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    draft: str | None = None
    for event in trail:
        if event.event == draft_event:
            draft = event.payload.get("tanggapan")
        elif event.event == approve_event and draft is not None:
            out.append(
                {
                    "urutan": len(out) + 1,
                    "waktu": event.at.isoformat(),
                    "isi": draft,
                    "disetujui_oleh": event.actor.id,
                }
            )
            draft = None
    return out


def export_follow_ups(
    config: Mapping[str, Any], items: Iterable[tuple[Case, Sequence[AuditEvent]]]
) -> str:
    """The upload document for every case with at least one approved follow-up, by case id."""
    statuses = StatusMap(config["statuses"]) if "statuses" in config else LAPOR_UPP
    tracking = config.get("tracking_field", "nomor_lapor")
    reports = []
    for case, trail in sorted(items, key=lambda item: item[0].id):
        follow_ups = _follow_ups(
            trail,
            config.get("draft_event", "ajukan_tanggapan"),
            config.get("approve_event", "setujui_tanggapan"),
        )
        if not follow_ups:
            continue
        code = statuses.to_lapor(case.state)
        reports.append(
            {
                "nomor_laporan": str(case.data.get(tracking) or case.id),
                "id_kasus": case.id,
                "status": code,
                "status_label": STATUSES[code],
                "klasifikasi": case.data.get("klasifikasi"),
                "tindak_lanjut": follow_ups,
            }
        )
    document = {
        "format": FORMAT,
        "versi": 1,
        "instansi": config["instansi"],
        "laporan": reports,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
