"""The M&E report as CSV, XLSX (openpyxl) and one self-contained HTML file.

The HTML opens offline: inline CSS, charts drawn by matplotlib and embedded as SVG text, the
SOP diagram as Graphviz SVG (or Mermaid text when pygraphviz is missing), no script, no link, no
image or font fetched from anywhere. matplotlib and openpyxl are the optional ``reports`` extra.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sop_engine._core.errors import SopError
from sop_engine._core.i18n import N_, format_date, format_datetime, gettext, render
from sop_engine._core.text import Lang
from sop_engine._reports.texts import t

__all__ = ["ReportUnavailable", "to_csv", "to_html", "to_xlsx"]

Row = tuple[str, str, str, Any]


class ReportUnavailable(SopError, RuntimeError):
    """HTML and XLSX reports need the ``reports`` extra (matplotlib, openpyxl)."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"laporan HTML/XLSX memerlukan / HTML and XLSX reports need ({problem}); pasang / "
            "install: pip install 'sop-engine[reports]', atau pakai / or use --format json|csv"
        )


def _rows(r: dict[str, Any]) -> Iterator[Row]:
    """The report flattened to ``(section, item, measure, value)``."""
    yield ("received", "total", "count", r["received"]["total"])
    for table in ("by_channel", "by_class"):
        for k, v in r["received"][table].items():
            yield ("received", table, k, v)
    for c in r["compliance"]:
        for m in ("denominator", "on_time", "late", "breached", "percent"):
            yield ("compliance", c["clock"], m, c[m])
        for klass, k in c["by_class"].items():
            for m in ("denominator", "on_time", "percent"):
                yield ("compliance", f"{c['clock']}/{klass}", m, k[m])
    for s in r["stage_times"]:
        for m in ("visits", "median", "p90"):
            yield ("stage_times", s["state"], m, s[m])
    yield ("backlog", "total", "count", r["backlog"]["total"])
    for k, v in r["backlog"]["by_age"].items():
        yield ("backlog", "by_age", k, v)
    for section, tables in (
        ("breaches", ("by_clock", "by_unit")),
        ("escalations", ("by_level", "by_unit")),
    ):
        yield (section, "total", "count", r[section]["total"])
        for table in tables:
            for k, v in r[section][table].items():
                yield (section, table, k, v)
    yield ("ethics", "total", "count", r["ethics"]["total"])
    for rule, c in r["ethics"]["by_rule"].items():
        for m in ("flag", "block"):
            yield ("ethics", rule, m, c[m])
    yield ("reopened", "total", "count", r["reopened"])
    yield ("closed_automatically", "total", "count", r["closed_automatically"]["total"])
    for k, v in r["closed_automatically"]["by_event"].items():
        yield ("closed_automatically", "by_event", k, v)
    for m in r["trend"]:
        for k in ("received", "closed", "breaches"):
            yield ("trend", m["month"], k, m[k])


def to_csv(r: dict[str, Any]) -> str:
    """One row per figure: ``section,item,measure,value`` (an empty value is withheld)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "item", "measure", "value"])
    for row in _rows(r):
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


# -- XLSX --------------------------------------------------------------------------------------


def _sheet(book: Any, title: str, head: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(title[:31])
    sheet.append(list(head))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for i, _ in enumerate(head, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = 18 if i > 1 else 26


def to_xlsx(r: dict[str, Any], path: Path, lang: Lang) -> None:
    """A workbook: the summary with every definition, then one sheet per section."""
    try:
        from openpyxl import Workbook
    except ImportError as e:
        raise ReportUnavailable(str(e)) from e
    book = Workbook()
    book.remove(book.active)
    summary = [
        (t("r.period", lang), f"{r['period']['from']} .. {r['period']['to']}"),
        (t("r.agency", lang), r["agency"] or "-"),
        (t("r.unit", lang), r["unit"] or "-"),
        (t("r.public", lang), render(bool(r["public"]), lang)),  # ya/tidak, yes/no
        ("SOP", ", ".join(f"{x['id']} {x['version']}" for x in r["sops"])),
        (t("r.generated", lang), r["generated_at"]),
        *((t(f"r.{k}", lang), v) for k, v in r["definitions"].items()),
    ]
    _sheet(book, t("r.summary", lang), [t("r.item", lang), t("r.value", lang)], summary)
    _sheet(
        book,
        t("r.received", lang),
        [t("r.table", lang), t("r.item", lang), t("r.count", lang)],
        [("total", "", r["received"]["total"])]
        + [(tb, k, v) for tb in ("by_channel", "by_class") for k, v in r["received"][tb].items()],
    )
    _sheet(
        book,
        t("r.compliance", lang),
        ["clock", "label", "denominator", "on_time", "late", "breached", "percent"],
        [
            (
                c["clock"],
                c["label"],
                c["denominator"],
                c["on_time"],
                c["late"],
                c["breached"],
                c["percent"],
            )
            for c in r["compliance"]
        ]
        + [
            (
                f"{c['clock']}/{k}",
                c["label"],
                v["denominator"],
                v["on_time"],
                None,
                None,
                v["percent"],
            )
            for c in r["compliance"]
            for k, v in c["by_class"].items()
        ],
    )
    _sheet(
        book,
        t("r.stage_times", lang),
        ["state", "label", "visits", "median", "p90"],
        [(s["state"], s["label"], s["visits"], s["median"], s["p90"]) for s in r["stage_times"]],
    )
    _sheet(
        book,
        t("r.backlog", lang),
        [t("r.age", lang), t("r.count", lang)],
        [*r["backlog"]["by_age"].items(), ("total", r["backlog"]["total"])],
    )
    events = [
        (section, tb, k, v)
        for section, tables in (
            ("breaches", ("by_clock", "by_unit")),
            ("escalations", ("by_level", "by_unit")),
            ("closed_automatically", ("by_event",)),
        )
        for tb in tables
        for k, v in r[section][tb].items()
    ]
    events.append(("reopened", "total", "", r["reopened"]))
    _sheet(book, t("r.events", lang), ["section", "table", "item", "count"], events)
    _sheet(
        book,
        t("r.ethics", lang),
        ["rule", "flag", "block"],
        [(k, v["flag"], v["block"]) for k, v in r["ethics"]["by_rule"].items()],
    )
    _sheet(
        book,
        t("r.trend", lang),
        ["month", "received", "closed", "breaches"],
        [(m["month"], m["received"], m["closed"], m["breaches"]) for m in r["trend"]],
    )
    book.save(path)


# -- HTML --------------------------------------------------------------------------------------


def _num(value: Any, lang: Lang) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text.replace(".", ",") if lang == "id" else text
    return str(value)


def _plottable(values: Sequence[Any], lang: Lang = "en") -> tuple[list[float], list[str]]:
    """Numbers to draw (a withheld ``"<5"`` or ``None`` is drawn as 0 and labelled); a
    fraction is labelled as the reader writes it (``57,1`` in Indonesian)."""
    nums = [float(v) if isinstance(v, int | float) else 0.0 for v in values]
    labels = [str(v) if not isinstance(v, float) else _num(v, lang) for v in values]
    return nums, ["–" if v == "None" else v for v in labels]


def _svg(figure: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    figure.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _bar(
    title: str,
    names: Sequence[str],
    values: Sequence[Any],
    colour: str,
    *,
    percent: bool = False,
    lang: Lang = "en",
) -> str:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    nums, labels = _plottable(values, lang)
    fig, ax = plt.subplots(figsize=(6, 2.8))
    bars = ax.bar([str(n) for n in names], nums, color=colour)
    ax.bar_label(bars, labels=labels, fontsize=8)
    if percent:
        ax.set_ylim(0, 105)  # a percentage is read against the whole scale, not a zoomed one
    else:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # cases come whole
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    return _svg(fig)


def _charts(r: dict[str, Any], lang: Lang) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "sop-engine"  # stable ids: same report, same bytes
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text (searchable, smaller)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    out = [
        _bar(
            t("r.chart.channel", lang),
            list(r["received"]["by_channel"]),
            list(r["received"]["by_channel"].values()),
            "#1565c0",
            lang=lang,
        ),
        _bar(
            t("r.chart.compliance", lang),
            [f"{c['clock']}\n(n={c['denominator']})" for c in r["compliance"]],
            [c["percent"] for c in r["compliance"]],
            "#2e7d32",
            percent=True,
            lang=lang,
        ),
        _bar(
            t("r.chart.backlog", lang),
            list(r["backlog"]["by_age"]),
            list(r["backlog"]["by_age"].values()),
            "#ef6c00",
            lang=lang,
        ),
    ]
    fig, ax = plt.subplots(figsize=(6, 2.8))
    months = [m["month"] for m in r["trend"]]
    for key, colour in (("received", "#1565c0"), ("closed", "#2e7d32"), ("breaches", "#c62828")):
        nums, _ = _plottable([m[key] for m in r["trend"]])
        ax.plot(months, nums, marker="o", color=colour, label=t(f"r.trend.{key}", lang))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.set_title(t("r.chart.trend", lang), fontsize=10)
    ax.legend(fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    out.append(_svg(fig))
    return out


# headings of the HTML tables that were the JSON keys (`by_clock`, `total`, `flag`)
_TOTAL = N_("total")
_RULE = N_("rule")
_FLAGGED = N_("flagged")
_BLOCKED = N_("blocked")
_BY = {
    "by_clock": N_("deadline"),
    "by_unit": N_("unit"),
    "by_level": N_("escalation level"),
    "by_event": N_("event"),
}


def _said(message: str, lang: Lang) -> str:
    return gettext(message, lang)


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]], lang: Lang) -> str:
    th = "".join(f"<th>{html.escape(str(h))}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_num(v, lang))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#212121;max-width:1100px}
h1{font-size:1.4em}h2{font-size:1.1em;border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .6em;
text-align:right}th{background:#f5f5f5}td:first-child,th:first-child{text-align:left}
.def{color:#555;font-size:.9em}.charts{display:flex;flex-wrap:wrap;gap:1em}
.charts svg{max-width:520px;height:auto}.diagram svg{max-width:100%;height:auto}
"""


def _day(iso: str, lang: Lang, *, before: bool = False) -> str:
    """A day of the period as officers write it; ``before``: the day before ``iso`` (the
    period's end is exclusive in the data, inclusive on paper)."""
    day = date.fromisoformat(iso)
    return format_date(day - timedelta(days=1) if before else day, lang)


def to_html(r: dict[str, Any], lang: Lang, diagrams: Sequence[tuple[str, str]]) -> str:
    """One self-contained page. ``diagrams`` are ``(title, svg-or-mermaid text)`` pairs."""
    try:
        charts = _charts(r, lang)
    except ImportError as e:
        raise ReportUnavailable(str(e)) from e
    d = r["definitions"]
    esc = html.escape

    def section(key: str, body: str) -> str:
        return f"<h2>{esc(t('r.' + key, lang))}</h2><p class='def'>{esc(d[key])}</p>{body}"

    parts = [
        "<!DOCTYPE html>",
        f"<html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{esc(t('r.title', lang))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(t('r.title', lang))}</h1>",
        "<p>"
        + esc(
            f"{t('r.period', lang)}: {_day(r['period']['from'], lang)} – "
            f"{_day(r['period']['to'], lang, before=True)} · "
            f"{t('r.agency', lang)}: {r['agency'] or '-'} · {t('r.unit', lang)}: "
            f"{r['unit'] or '-'} · SOP: "
            + ", ".join(f"{x['id']} {x['version']}" for x in r["sops"])
            + f" · {t('r.generated', lang)}: "
            + format_datetime(datetime.fromisoformat(r["generated_at"]), lang)
        )
        + "</p>",
    ]
    if r["public"]:
        parts.append(f"<p class='def'>{esc(d['public'])}</p>")
    parts.append("<div class='charts'>" + "".join(charts) + "</div>")
    rec = r["received"]
    parts.append(
        section(
            "received",
            _table(
                [t("r.item", lang), t("r.count", lang)], [(_said(_TOTAL, lang), rec["total"])], lang
            )
            + _table(
                [gettext("channel", lang), t("r.count", lang)],
                list(rec["by_channel"].items()),
                lang,
            )
            + _table(
                [gettext("class", lang), t("r.count", lang)],
                list(rec["by_class"].items()),
                lang,
            ),
        )
    )
    parts.append(
        section(
            "compliance",
            _table(
                [
                    "",
                    "",
                    t("r.denominator", lang),
                    t("r.on_time", lang),
                    t("r.late", lang),
                    t("r.breached", lang),
                    "%",
                ],
                [
                    (
                        c["clock"],
                        c["label"],
                        c["denominator"],
                        c["on_time"],
                        c["late"],
                        c["breached"],
                        c["percent"],
                    )
                    for c in r["compliance"]
                ]
                + [
                    (
                        f"{c['clock']} · {k}",
                        "",
                        v["denominator"],
                        v["on_time"],
                        "",
                        "",
                        v["percent"],
                    )
                    for c in r["compliance"]
                    for k, v in c["by_class"].items()
                ],
                lang,
            ),
        )
    )
    parts.append(
        section(
            "stage_times",
            _table(
                ["", "", t("r.visits", lang), "median", "p90"],
                [
                    (s["state"], s["label"], s["visits"], s["median"], s["p90"])
                    for s in r["stage_times"]
                ],
                lang,
            ),
        )
    )
    parts.append(
        section(
            "backlog",
            _table(
                [t("r.age", lang), t("r.count", lang)],
                [*r["backlog"]["by_age"].items(), (_said(_TOTAL, lang), r["backlog"]["total"])],
                lang,
            ),
        )
    )
    for key, tables in (
        ("breaches", ("by_clock", "by_unit")),
        ("escalations", ("by_level", "by_unit")),
        ("closed_automatically", ("by_event",)),
    ):
        body = _table(
            [t("r.item", lang), t("r.count", lang)], [(_said(_TOTAL, lang), r[key]["total"])], lang
        )
        for tb in tables:
            body += _table(
                [_said(_BY[tb], lang), t("r.count", lang)], list(r[key][tb].items()), lang
            )
        parts.append(section(key, body))
    parts.append(
        section(
            "ethics",
            _table(
                [_said(_RULE, lang), _said(_FLAGGED, lang), _said(_BLOCKED, lang)],
                [(k, v["flag"], v["block"]) for k, v in r["ethics"]["by_rule"].items()],
                lang,
            ),
        )
    )
    parts.append(section("reopened", _table([t("r.count", lang)], [(r["reopened"],)], lang)))
    parts.append(
        section(
            "trend",
            _table(
                [
                    "",
                    t("r.trend.received", lang),
                    t("r.trend.closed", lang),
                    t("r.trend.breaches", lang),
                ],
                [(m["month"], m["received"], m["closed"], m["breaches"]) for m in r["trend"]],
                lang,
            ),
        )
    )
    for title, drawing in diagrams:
        shown = drawing if drawing.lstrip().startswith("<svg") else f"<pre>{esc(drawing)}</pre>"
        parts.append(f"<h2>{esc(title)}</h2><div class='diagram'>{shown}</div>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
