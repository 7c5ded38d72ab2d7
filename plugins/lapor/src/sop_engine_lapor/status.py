"""Between an SOP's states and the statuses LAPOR! shows.

An agency's SOP has more states than LAPOR! has statuses (a draft awaiting the liaison's approval
is still "being processed" to the public), so the mapping is many-to-one one way and a set of
candidate states the other way. The statuses are the buckets agencies report in their LAPOR!
statistics (``../shared/domain.md`` §2.1) plus the admin's *Bukan Wewenang* action.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["LAPOR_UPP", "STATUSES", "StatusMap"]

STATUSES: dict[str, str] = {
    "belum_terverifikasi": "Laporan Belum Terverifikasi",
    "terverifikasi": "Laporan Terverifikasi",
    "terdisposisi_belum_ditindaklanjuti": "Terdisposisi Belum Ditindaklanjuti",
    "terdisposisi_sedang_diproses": "Terdisposisi Sedang Diproses",
    "terdisposisi_selesai": "Terdisposisi Selesai",
    "tertunda": "Laporan Tertunda",
    "arsip": "Laporan Arsip",
    "bukan_wewenang": "Bukan Wewenang",
}
"""LAPOR! status code -> the label LAPOR! shows."""


@attrs.frozen
class StatusMap:
    """``states`` maps each SOP state to a LAPOR! status code (a key of :data:`STATUSES`)."""

    states: Mapping[str, str]

    def __attrs_post_init__(self) -> None:
        unknown = sorted(set(self.states.values()) - set(STATUSES))
        if unknown:
            raise ValueError(
                f"unknown LAPOR! status(es) {', '.join(unknown)}; use one of {', '.join(STATUSES)}"
            )

    def to_lapor(self, state: str) -> str:
        """The LAPOR! status code of ``state``; a state without one is a configuration error."""
        try:
            return self.states[state]
        except KeyError:
            raise KeyError(
                f"state {state!r} has no LAPOR! status; add it to the status map"
            ) from None

    def label(self, state: str) -> str:
        """The LAPOR! label of ``state`` (what the public sees)."""
        return STATUSES[self.to_lapor(state)]

    def from_lapor(self, status: str) -> frozenset[str]:
        """The SOP states a case showing LAPOR! ``status`` (code or label) may be in."""
        code = next((c for c, label in STATUSES.items() if status in (c, label)), None)
        if code is None:
            raise KeyError(f"{status!r} is not a LAPOR! status; known: {', '.join(STATUSES)}")
        return frozenset(s for s, c in self.states.items() if c == code)

    def unmapped(self, states: list[str]) -> list[str]:
        """Those of ``states`` this map gives no status."""
        return [s for s in states if s not in self.states]


LAPOR_UPP = StatusMap(
    {
        "diterima": "belum_terverifikasi",
        "menunggu_kelengkapan": "tertunda",
        "terverifikasi": "terverifikasi",
        "terdisposisi": "terdisposisi_belum_ditindaklanjuti",
        "diproses": "terdisposisi_sedang_diproses",
        "draf_tanggapan": "terdisposisi_sedang_diproses",
        # the follow-up is published; a dispute (sanggah) takes the case back to diproses
        "ditanggapi": "terdisposisi_selesai",
        "selesai": "terdisposisi_selesai",
        "diarsipkan": "arsip",
        "dialihkan": "bukan_wewenang",
    }
)
"""The map for ``examples/lapor/sop.yaml`` (SOP id ``lapor-upp``)."""
