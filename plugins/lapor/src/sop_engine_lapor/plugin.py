"""The hook implementations: what ``sop plugins`` lists under ``lapor``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from sop_engine.plugin import (
    AuditEvent,
    Case,
    ExporterSpec,
    IntakeSpec,
    LintRuleSpec,
    RuleFinding,
    SopDefinition,
    Text,
    hookimpl,
)
from sop_engine_lapor.classify import CLASSES
from sop_engine_lapor.export import EXPORT_CONFIG, export_follow_ups
from sop_engine_lapor.intake import SMS_CONFIG, WEB_CONFIG, parse_sms, parse_web
from sop_engine_lapor.status import LAPOR_UPP

KNOWN_MAPS = {"lapor-upp": LAPOR_UPP}
"""SOP id -> its status map, for the SOPs this package knows."""


@hookimpl
def sop_engine_intake_channels() -> list[IntakeSpec]:
    return [
        IntakeSpec(
            "lapor.sms_1708",
            Text("SMS ke 1708: KATA_KUNCI isi laporan", "SMS to 1708: KEYWORD report text"),
            SMS_CONFIG,
            lambda config: partial(parse_sms, config),
        ),
        IntakeSpec(
            "lapor.web",
            Text("kiriman web/aplikasi LAPOR! (JSON)", "LAPOR! web/app submission (JSON)"),
            WEB_CONFIG,
            lambda config: partial(parse_web, config),
        ),
    ]


def _bind_export(config: Mapping[str, Any]) -> Any:
    def export(items: Iterable[tuple[Case, Sequence[AuditEvent]]]) -> str:
        return export_follow_ups(config, items)

    return export


@hookimpl
def sop_engine_exporters() -> list[ExporterSpec]:
    return [
        ExporterSpec(
            "lapor.tindak_lanjut",
            Text("tindak lanjut untuk diunggah ke LAPOR!", "follow-ups to upload to LAPOR!"),
            EXPORT_CONFIG,
            _bind_export,
        )
    ]


def _compatible(sop: SopDefinition) -> list[RuleFinding]:
    """A known SOP's states all have a LAPOR! status; ``klasifikasi`` values are LAPOR! classes.

    Both are warnings: the SOP runs either way (a new version may rename a state before the
    status map follows), but LAPOR! cannot show or receive what has no counterpart.
    """
    out = []
    status_map = KNOWN_MAPS.get(sop.meta.id)
    if status_map is not None:
        for state in status_map.unmapped([s.name for s in sop.states]):
            out.append(
                RuleFinding(
                    ("states", state),
                    Text(
                        f"status {state!r} tidak punya padanan status LAPOR!",
                        f"state {state!r} has no LAPOR! status",
                    ),
                    Text(
                        "tambahkan padanannya di peta status sop-engine-lapor; tanpa itu ekspor "
                        "tindak lanjut gagal untuk kasus pada status ini",
                        "add it to the sop-engine-lapor status map; until then the follow-up "
                        "export fails for cases in this state",
                    ),
                    "warning",
                )
            )
    for field in sop.fields:
        if field.name == "klasifikasi" and field.type == "enum":
            for k, value in enumerate(field.values):
                if value not in CLASSES:
                    out.append(
                        RuleFinding(
                            ("fields", "klasifikasi", "values", k),
                            Text(
                                f"klasifikasi {value!r} tidak dikenal LAPOR!",
                                f"class {value!r} is not a LAPOR! class",
                            ),
                            Text(
                                f"gunakan: {', '.join(CLASSES)}",
                                f"use: {', '.join(CLASSES)}",
                            ),
                            "warning",
                        )
                    )
    return out


@hookimpl
def sop_engine_lint_rules() -> list[LintRuleSpec]:
    return [
        LintRuleSpec(
            "lapor.kompatibel",
            Text("SOP dapat ditampilkan di LAPOR!", "the SOP can be shown in LAPOR!"),
            _compatible,
        )
    ]
