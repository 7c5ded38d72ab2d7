"""The hook implementation: the guard ``izin.nib_terdaftar``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sop_engine.plugin import Actor, Case, GuardFn, GuardSpec, Text, hookimpl
from sop_engine_izin_usaha.register import Register

_NIB = re.compile(r"^\d{13}$")

PARAMS = {
    "type": "object",
    "properties": {
        "field": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9_]*$",
            "description": "the case field holding the NIB",
        },
        "boleh_dibekukan": {
            "type": "boolean",
            "description": "let a frozen (dibekukan) licence pass too, e.g. to hear its appeal",
        },
    },
    "required": ["field"],
    "additionalProperties": False,
}


def _bind(params: Mapping[str, Any], register: Register | None = None) -> GuardFn:
    field = params["field"]
    allowed = {"aktif", "dibekukan"} if params.get("boleh_dibekukan") else {"aktif"}
    reg = register or Register()

    def guard(case: Case, actor: Actor, payload: Mapping[str, Any]) -> Text | None:
        value = payload.get(field, case.data.get(field))
        nib = str(value or "").replace(" ", "")
        if not _NIB.match(nib):
            return Text(
                f"NIB {value!r} tidak sah: NIB terdiri atas 13 angka",
                f"NIB {value!r} is not valid: an NIB has 13 digits",
            )
        entry = reg.lookup(nib)
        if entry is None:
            return Text(
                f"NIB {nib} tidak terdaftar pada register izin usaha",
                f"NIB {nib} is not in the licence register",
            )
        if entry.status not in allowed:
            return Text(
                f"izin usaha {entry.nama_usaha} (NIB {nib}) berstatus {entry.status}",
                f"the licence of {entry.nama_usaha} (NIB {nib}) is {entry.status}",
            )
        return None

    return guard


@hookimpl
def sop_engine_guards() -> list[GuardSpec]:
    return [
        GuardSpec(
            "izin.nib_terdaftar",
            Text(
                "NIB terdaftar (dan aktif) pada register izin usaha",
                "the NIB is in the licence register (and active)",
            ),
            PARAMS,
            _bind,
            field_params=("field",),
        )
    ]
