"""Case counts by unit, category and month, for an export audience, small cells suppressed.

A count of one case of a rare category in a small unit in one month singles out the reporter
as surely as his name: his colleagues know who complained about what. For the ``public``
audience every cell (unit x category x month) under :data:`~sop_engine._reports.report.SMALL`
cases is left out, and no total is given from which a left-out cell could be worked back; only
how many cells were left out. ``oversight`` and ``internal`` get every cell.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sop_engine._engine import Engine
from sop_engine._features.confidentiality import AUDIENCES
from sop_engine._persistence.queries import CaseQuery
from sop_engine._reports.report import SMALL

__all__ = ["counts"]

_PAGE = 5_000


def counts(engine: Engine, audience: str = "public", k: int = SMALL) -> dict[str, Any]:
    """``{"audience", "k", "cells": [{unit, category, month, cases}], "suppressed_cells"}``.

    ``month`` is the month (``YYYY-MM``, in the SOP calendar's zone) the case was opened;
    ``k`` below 2 is refused for the public (a cell of one is a person).
    """
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}: use one of {', '.join(AUDIENCES)}")
    if audience == "public" and k < 2:
        raise ValueError(f"k={k} would publish cells of one case: use k >= 2 (default {SMALL})")
    cells: Counter[tuple[str, str, str]] = Counter()
    offset = 0
    while True:
        page = engine.cases(CaseQuery(limit=_PAGE, offset=offset))
        for row in page:
            history = engine.history(row.case_id)
            if not history:
                continue
            cal = engine.calendar(engine.sop(row.sop_hash))
            month = cal.local_date(history[0].at).strftime("%Y-%m")
            cells[(row.unit or "-", row.klass or "-", month)] += 1
        if len(page) < _PAGE:
            break
        offset += _PAGE
    small = audience == "public"
    shown = sorted(c for c in cells.items() if not small or c[1] >= k)
    return {
        "audience": audience,
        "k": k if small else None,
        "cells": [
            {"unit": unit, "category": klass, "month": month, "cases": n}
            for (unit, klass, month), n in shown
        ],
        "suppressed_cells": len(cells) - len(shown),
    }
