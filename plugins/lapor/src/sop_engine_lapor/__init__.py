"""SP4N-LAPOR! for sop_engine: the national complaint channels, classes, statuses and export.

Installed, it registers under the ``lapor`` namespace (``sop plugins`` lists them):

- intake channels ``lapor.sms_1708`` (``KEYWORD isi laporan`` sent to 1708, routed to an agency
  by keyword) and ``lapor.web`` (the JSON a web form or the mobile app submits);
- the exporter ``lapor.tindak_lanjut``: approved follow-ups as the JSON a liaison uploads;
- the lint rule ``lapor.kompatibel``: an SOP's states and classes can be shown in LAPOR!.

:func:`classify` suggests pengaduan / aspirasi / permintaan informasi for a report's text, and
:class:`StatusMap` translates between an SOP's states and LAPOR! statuses.
"""

from sop_engine_lapor.classify import CLASSES, classify
from sop_engine_lapor.export import export_follow_ups
from sop_engine_lapor.intake import parse_sms, parse_web
from sop_engine_lapor.status import LAPOR_UPP, STATUSES, StatusMap

__all__ = [
    "CLASSES",
    "LAPOR_UPP",
    "STATUSES",
    "StatusMap",
    "classify",
    "export_follow_ups",
    "parse_sms",
    "parse_web",
]
