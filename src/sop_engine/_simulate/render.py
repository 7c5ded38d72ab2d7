"""The report of ``sop simulate`` as a table (rich), JSON, or a self-contained HTML page.

The HTML page works offline: its charts are matplotlib figures rendered to SVG and embedded
inline (no script, no remote font or stylesheet). SVG ids are salted with a fixed string and the
date metadata is left out, so the same report gives the same bytes. With ``--compare`` every
chart shows both scenarios on the same axes. All headings are kept in :data:`TEXTS` as English message ids of
the catalogue (``_core/i18n.py``), shown in the reader's language.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from rich.console import Console
from rich.table import Table

from sop_engine._core.errors import refusal_kind
from sop_engine._core.i18n import N_, gettext
from sop_engine._core.protocol import system_event_words
from sop_engine._core.text import Lang

__all__ = ["TEXTS", "render_html", "render_json", "render_table"]

TEXTS: dict[str, str] = {
    "title": N_("SOP simulation"),
    "limits": N_("Share within each limit (95 % CI)"),
    "class": N_("Class"),
    "clock": N_("Limit"),
    "within": N_("% on time"),
    "ci": N_("95 % CI"),
    "n": N_("n"),
    "stages": N_("Working days per stage"),
    "state": N_("State"),
    "e2e": N_("Working days, received to closed"),
    "util": N_("Staff utilisation"),
    "role": N_("Role"),
    "unit": N_("Unit"),
    "count": N_("Count"),
    "busy": N_("% busy"),
    "waits": N_("Bottlenecks: waiting for staff (working hours)"),
    "event": N_("Event"),
    "mean": N_("mean"),
    "p90": N_("P90"),
    "deadline_events": N_("Reminders, breaches and escalations (per replication)"),
    "kind": N_("Kind"),
    "level": N_("Level"),
    "ethics": N_("Code of ethics (per replication)"),
    "rule": N_("Rule"),
    "outcome": N_("Outcome"),
    "refusals": N_("Refused commands (per replication)"),
    "reason": N_("Reason"),
    "backlog": N_("Open cases per day"),
    "cases": N_("Cases"),
    "arrived": N_("arrived"),
    "completed": N_("completed"),
    "open": N_("open at the end"),
    "day": N_("Date"),
    "seed": N_("seed"),
    "replications": N_("replications"),
    "scenario": N_("Scenario"),
    "whom": N_("Longest for (mean)"),
    "days_off": N_("National holidays and cuti bersama"),
}
"""Headings and labels by key; English message ids, translated by :func:`_t`."""


def _t(key: str, lang: Lang) -> str:
    return gettext(TEXTS[key], lang)


def render_json(reports: Sequence[dict[str, Any]]) -> str:
    """One report, or ``{"compare": [a, b]}``: sorted keys, so the bytes depend on data only."""
    value: Any = reports[0] if len(reports) == 1 else {"compare": list(reports)}
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


_OUTCOMES: dict[str, str] = {"blocked": N_("blocked"), "flagged": N_("flagged")}


def _word(table: dict[str, str], key: str, lang: Lang) -> str:
    """An identifier of the report (``@breach``, ``blocked``) in words of ``lang``."""
    return gettext(table[key], lang) if key in table else key


def _fmt(x: float | None, digits: int = 1, lang: Lang = "en") -> str:
    """``92,7`` in Indonesian, ``92.7`` in English (Babel), ``-`` for none."""
    if x is None:
        return "-"
    from babel.numbers import format_decimal

    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return str(format_decimal(x, format=pattern, locale=lang))


def _ci_text(v: dict[str, Any], digits: int = 1, lang: Lang = "en") -> str:
    if v["ci_low"] is None or v["ci_low"] == v["ci_high"]:
        return "-"
    return f"{_fmt(v['ci_low'], digits, lang)}–{_fmt(v['ci_high'], digits, lang)}"


def _day(iso: str, lang: Lang) -> str:
    """``1 Jan 2026`` (``1 Jan 2026`` in English too: Babel's short month of ``lang``)."""
    from datetime import date

    from babel.dates import format_date

    return str(format_date(date.fromisoformat(iso), "d MMM y", locale=lang))


def _sections(report: dict[str, Any], lang: Lang) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report's tables as (title, headings, rows) for both the console and the HTML page."""

    def t(key: str) -> str:
        return _t(key, lang)

    def f(x: float | None, digits: int = 1) -> str:
        return _fmt(x, digits, lang)

    def ci(v: dict[str, Any]) -> str:
        return _ci_text(v, 1, lang)

    def n(x: int) -> str:
        return _fmt(x, 0, lang)

    limits = [[x["class"], x["label"], f(x["mean"]), ci(x), n(x["n"])] for x in report["limits"]]
    stages = [
        [x["label"], n(x["n"]), f(x["p50"], 2), f(x["p90"], 2), f(x["p95"], 2)]
        for x in report["stages"]
    ]
    e2e = [
        [x["class"], n(x["n"]), f(x["p50"], 2), f(x["p90"], 2), f(x["p95"], 2)]
        for x in report["end_to_end"]
    ]
    util = [
        [x["role"], x["unit"] or "-", n(x["count"]), f(x["mean"]), ci(x)]
        for x in report["utilisation"]
    ]
    waits = [
        [
            x["state"],
            x["label"],
            f"{x['role']}{'/' + x['unit'] if x['unit'] else ''}",
            n(x["n"]),
            f(x["mean_hours"]["mean"], 2),
            f(x["p90_hours"], 2),
            _whom(x.get("by_class", []), lang),
        ]
        for x in report["waits"][:12]
    ]
    deadline = [
        [
            system_event_words(x["key"][0], lang),
            x["key"][1],
            str(x["key"][2]),
            f(x["mean"]),
            ci(x),
        ]
        for x in report["deadline_events"]
    ]
    ethics = [
        [x["key"][0], _word(_OUTCOMES, x["key"][1], lang), f(x["mean"]), ci(x)]
        for x in report["ethics"]
    ]
    # the class of a refusal is what a developer catches; an Indonesian officer reads its kind
    refusals = [
        [
            x["key"][0],
            x["key"][1] if lang == "en" else refusal_kind(x["key"][1], lang),
            f(x["mean"]),
            ci(x),
        ]
        for x in report["refusals"]
    ]
    quant = [t("n"), "P50", "P90", "P95"]
    return [
        (t("limits"), [t("class"), t("clock"), t("within"), t("ci"), t("n")], limits),
        (t("stages"), [t("state"), *quant], stages),
        (t("e2e"), [t("class"), *quant], e2e),
        (t("util"), [t("role"), t("unit"), t("count"), t("busy"), t("ci")], util),
        (
            t("waits"),
            [t("state"), t("event"), t("role"), t("n"), t("mean"), t("p90"), t("whom")],
            waits,
        ),
        (
            t("deadline_events"),
            [t("kind"), t("clock"), t("level"), t("mean"), t("ci")],
            deadline,
        ),
        (t("ethics"), [t("rule"), t("outcome"), t("mean"), t("ci")], ethics),
        (t("refusals"), [t("event"), t("reason"), t("mean"), t("ci")], refusals),
    ]


def _whom(by_class: Sequence[dict[str, Any]], lang: Lang) -> str:
    """The class that waits longest at a step, with its mean wait, when classes differ."""
    if len(by_class) < 2:
        return "-"
    top = by_class[0]
    return f"{top['class']} ({_fmt(top['mean_hours'], 2, lang)})"


def _headline(report: dict[str, Any], lang: Lang) -> str:
    c = report["cases"]
    s = report["scenario"]
    return (
        f"{s['title']} · SOP {report['sop']['id']} v{report['sop']['version']} · "
        f"{_day(s['period'][0], lang)}–{_day(s['period'][1], lang)} · "
        f"{_t('seed', lang)} {report['seed']} · "
        f"{report['replications']} {_t('replications', lang)} · {_t('cases', lang)}: "
        f"{_fmt(c['arrived']['mean'], 1, lang)} {_t('arrived', lang)}, "
        f"{_fmt(c['completed']['mean'], 1, lang)} {_t('completed', lang)}, "
        f"{_fmt(c['open_at_end']['mean'], 1, lang)} {_t('open', lang)}"
    )


def render_table(console: Console, reports: Sequence[dict[str, Any]], lang: Lang) -> None:
    """Print each report's tables (one after the other with ``--compare``)."""
    for report in reports:
        console.print(
            f"[bold]{_t('scenario', lang)}[/bold] {_headline(report, lang)}", soft_wrap=True
        )
        for title, heads, rows in _sections(report, lang):
            table = Table(title=title, title_justify="left")
            for h in heads:
                table.add_column(h)
            for row in rows:
                table.add_row(*row)
            console.print(table)


# -- HTML ----------------------------------------------------------------------------------------

_COLOURS = ("#1f5f8b", "#d1495b")


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "sop-simulate", "svg.fonttype": "path"}):
        fig.savefig(
            buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight"
        )
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _limits_chart(reports: Sequence[dict[str, Any]], lang: Lang) -> str:
    keys = sorted({(x["class"], x["clock"]) for r in reports for x in r["limits"]})
    fig = Figure(figsize=(8, max(2.0, 0.32 * len(keys) * len(reports) + 1)))
    ax = fig.add_subplot()
    height = 0.8 / len(reports)
    for i, r in enumerate(reports):
        by = {(x["class"], x["clock"]): x for x in r["limits"]}
        ys, xs, lo, hi = [], [], [], []
        for j, k in enumerate(keys):
            x = by.get(k)
            if x is None or x["mean"] is None:
                continue
            ys.append(j + i * height)
            xs.append(x["mean"])
            lo.append(x["mean"] - (x["ci_low"] if x["ci_low"] is not None else x["mean"]))
            hi.append((x["ci_high"] if x["ci_high"] is not None else x["mean"]) - x["mean"])
        ax.barh(
            ys, xs, height=height, xerr=[lo, hi], color=_COLOURS[i % 2], label=r["scenario"]["id"]
        )
    ax.set_yticks([j + height * (len(reports) - 1) / 2 for j in range(len(keys))])
    ax.set_yticklabels([f"{c} · {k}" for c, k in keys], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel(_t("within", lang))
    ax.invert_yaxis()
    if len(reports) > 1:
        ax.legend(fontsize=8)
    return _svg(fig)


def _backlog_chart(reports: Sequence[dict[str, Any]], lang: Lang) -> str:
    fig = Figure(figsize=(8, 3))
    ax = fig.add_subplot()
    for i, r in enumerate(reports):
        b = r["backlog"]
        xs = list(range(len(b["mean"])))
        ax.plot(xs, b["mean"], color=_COLOURS[i % 2], label=r["scenario"]["id"], linewidth=1)
        ax.fill_between(xs, b["min"], b["max"], color=_COLOURS[i % 2], alpha=0.2, linewidth=0)
    # Holidays and cuti bersama shaded: the work that piles up over them shows where it happens.
    offs = reports[0]["backlog"].get("days_off", [])
    for k, off in enumerate(offs):
        ax.axvspan(
            off["index"] - 0.5,
            off["index"] + 0.5,
            color="#999999",
            alpha=0.25,
            linewidth=0,
            label=_t("days_off", lang) if k == 0 else None,
        )
    days = reports[0]["backlog"]["days"]
    ticks = list(range(0, len(days), max(1, len(days) // 8)))
    ax.set_xticks(ticks)
    ax.set_xticklabels([days[k] for k in ticks], fontsize=7, rotation=30)
    ax.set_ylabel(_t("backlog", lang))
    if len(reports) > 1 or offs:
        ax.legend(fontsize=8)
    return _svg(fig)


def _bars(
    reports: Sequence[dict[str, Any]], section: str, label: Any, value: Any, xlabel: str
) -> str:
    keys = sorted({label(x) for r in reports for x in r[section]})
    fig = Figure(figsize=(8, max(2.0, 0.3 * len(keys) * len(reports) + 1)))
    ax = fig.add_subplot()
    height = 0.8 / len(reports)
    for i, r in enumerate(reports):
        by = {label(x): value(x) for x in r[section]}
        pts = [(j + i * height, by[k]) for j, k in enumerate(keys) if by.get(k) is not None]
        ax.barh(
            [p[0] for p in pts],
            [p[1] for p in pts],
            height=height,
            color=_COLOURS[i % 2],
            label=r["scenario"]["id"],
        )
    ax.set_yticks([j + height * (len(reports) - 1) / 2 for j in range(len(keys))])
    ax.set_yticklabels(keys, fontsize=8)
    ax.set_xlabel(xlabel)
    ax.invert_yaxis()
    if len(reports) > 1:
        ax.legend(fontsize=8)
    return _svg(fig)


def render_html(reports: Sequence[dict[str, Any]], lang: Lang) -> str:
    """A self-contained page: headline, charts (inline SVG) and the tables of each report."""
    e = html.escape
    charts = [
        (_t("limits", lang), _limits_chart(reports, lang)),
        (_t("backlog", lang), _backlog_chart(reports, lang)),
        (
            _t("util", lang),
            _bars(
                reports,
                "utilisation",
                lambda x: f"{x['role']}{'/' + x['unit'] if x['unit'] else ''}",
                lambda x: x["mean"],
                _t("busy", lang),
            ),
        ),
        (
            f"{_t('stages', lang)} (P90)",
            _bars(reports, "stages", lambda x: x["label"], lambda x: x["p90"], "P90"),
        ),
    ]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{e(_t('title', lang))}: {e(reports[0]['scenario']['title'])}</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;color:#222}"
        "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;"
        "padding:.2rem .5rem;font-size:.85rem;text-align:left}svg{max-width:100%;height:auto}"
        "</style></head><body>",
        f"<h1>{e(_t('title', lang))}</h1>",
    ]
    for i, r in enumerate(reports):
        colour = _COLOURS[i % 2]
        parts.append(
            f'<p style="border-left:4px solid {colour};padding-left:.5rem">{e(_headline(r, lang))}</p>'
        )
    for title, svg in charts:
        parts.append(f"<h2>{e(title)}</h2><figure>{svg}</figure>")
    for r in reports:
        if len(reports) > 1:
            parts.append(f"<h2>{e(_t('scenario', lang))}: {e(r['scenario']['id'])}</h2>")
        for title, heads, rows in _sections(r, lang):
            parts.append(f"<h3>{e(title)}</h3><table><tr>")
            parts.extend(f"<th>{e(h)}</th>" for h in heads)
            parts.append("</tr>")
            for row in rows:
                parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
