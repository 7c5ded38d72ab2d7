"""Every user-facing string of the reports layer (reports, diagrams, explain), in one place.

Each entry is a message id of the package's one catalogue (English, the source language; the
Indonesian is in ``sop_engine/locale/id``): a translator works on one ``.po`` file for the whole
package, and a text without Indonesian is *detectable* (the language coverage test fails on it)
instead of silently English. Modules look texts up by key and never build sentences inline.
Two ids carry a context (``C_``): the same English reads differently in Indonesian elsewhere in
the package (``guards`` in a diagram is *syarat*, in a lint hint *syarat (guard)*).
"""

from __future__ import annotations

from typing import Final

from sop_engine._core.i18n import C_, N_, Ctx, gettext, pgettext
from sop_engine._core.text import Lang

__all__ = ["TEXTS", "t"]

TEXTS: Final[dict[str, str | Ctx]] = {
    "initial": N_("initial"),
    "final": N_("final"),
    "waiting": N_("waiting on someone outside"),
    "roles": N_("roles"),
    "guards": C_("diagram", "guards"),
    "timed": N_("automatic on expiry"),
    "runs_in": N_("runs in"),
    "paused_in": N_("paused in"),
    "reminder": N_("reminder"),
    "before": N_("before"),
    "escalation": N_("escalation"),
    "level": N_("level"),
    "after": N_("after"),
    "notify": N_("to"),
    "extension": N_("extension"),
    "duration": N_("duration"),
    "working_days": N_("working days"),
    "days": N_("calendar days"),
    "working_hours": N_("working hours"),
    "if": N_("if"),
    "otherwise": N_("otherwise"),
    "times": N_("times"),
    "max": N_("at most"),
    "status.met": N_("met on time"),
    "status.late": N_("met late"),
    "status.running": N_("running"),
    "status.breached": N_("breached"),
    "status.paused": N_("paused"),
    "status.closed": N_("closed before it was met"),
    "status.expired": N_("expired, automatic action"),
    "status.withdrawn": N_("withdrawn (no longer applies)"),
    "explain.start": N_("Counting starts"),
    "explain.rule": N_("Counting rule"),
    "explain.rule.working_days": N_(
        "{n} working days after the start day (the start day never counts); the deadline is the end of the working day of day {n}"
    ),
    "explain.rule.days": N_(
        "{n} calendar days after the start day; the deadline is the end of that day"
    ),
    "explain.rule.working_hours": N_("{n} working hours counted in office hours"),
    "explain.skipped": N_("Days not counted"),
    "explain.weekend": N_("weekend"),
    "explain.pause": N_("Pause"),
    "explain.extension": N_("Extension"),
    "explain.calendar": N_("Calendar version"),
    "explain.due": N_("Due"),
    "explain.met_at": N_("Met at"),
    "explain.status": N_("Status"),
    "explain.fired": N_("Fired"),
    "timeline": N_("Timeline"),
    "deadlines": N_("Deadlines"),
    "ethics": N_("Code-of-ethics records"),
    "withheld": N_("Withheld from this viewer"),
    "state": N_("Case state"),
    "deadlines_legend": N_("Service-standard deadlines (◷ running, ‖ paused)"),
    "def.received": N_("Cases opened (@start) in the period, by channel and class."),
    "def.compliance": N_(
        "Per clock: denominator = clocks decided in the period (met or closed before due: when they ended; late or still running: at their due instant); clocks not yet due are not counted. Percent = on time / denominator. Clocks with on_expiry (waiting on the reporter) are left out."
    ),
    "def.stage_times": N_(
        "Every stay in a state that ended in the period, in working days (the entry day does not count); median and 90th percentile (nearest rank)."
    ),
    "def.backlog": N_(
        "Cases opened before the end of the period and not in a final state then, by age in working days."
    ),
    "def.breaches": N_("@breach events in the period, by clock and the case's unit."),
    "def.escalations": N_("@escalate events in the period, by level and the case's unit."),
    "def.ethics": N_("Code-of-ethics breaches recorded in the period, by rule (flagged/blocked)."),
    "def.reopened": N_(
        "Moves in the period out of a waiting state back into a state already visited (not the initial one), e.g. the reporter disputing a response."
    ),
    "def.closed_automatically": N_(
        "Moves in the period into a final state made by the engine (the reporter's time ran out)."
    ),
    "def.trend": N_(
        "Per month: cases received, cases closed (entered a final state), deadline breaches."
    ),
    "def.public": N_(
        "Public version: cells of 1-4 cases read <5; percentages, medians and percentiles over fewer than 5 cases are withheld."
    ),
    "r.title": N_("Complaint handling monitoring and evaluation report"),
    "r.period": N_("Period"),
    "r.agency": N_("Agency"),
    "r.unit": N_("Unit"),
    "r.public": N_("Public version"),
    "r.generated": N_("Generated"),
    "r.summary": N_("Summary"),
    "r.item": N_("Item"),
    "r.value": N_("Value"),
    "r.table": N_("Table"),
    "r.count": N_("Count"),
    "r.age": N_("Age (working days)"),
    "r.visits": N_("Stays"),
    "r.denominator": N_("Denominator"),
    "r.on_time": N_("On time"),
    "r.late": N_("Late"),
    "r.breached": N_("Breached"),
    "r.received": C_("report", "Received"),
    "r.compliance": N_("Compliance"),
    "r.stage_times": N_("Stage times"),
    "r.backlog": N_("Backlog"),
    "r.breaches": N_("Deadline breaches"),
    "r.escalations": N_("Escalations"),
    "r.ethics": N_("Code of ethics"),
    "r.reopened": N_("Reopened"),
    "r.closed_automatically": N_("Closed automatically"),
    "r.trend": N_("Monthly trend"),
    "r.events": N_("Events"),
    "r.trend.received": N_("received"),
    "r.trend.closed": N_("closed"),
    "r.trend.breaches": N_("breaches"),
    "r.chart.channel": N_("Received by channel"),
    "r.chart.compliance": N_("% on time per clock"),
    "r.chart.backlog": N_("Backlog by age (working days)"),
    "r.chart.trend": N_("Monthly trend"),
    "none": N_("none"),
}


def t(key: str, lang: Lang) -> str:
    """The text ``key`` in ``lang`` (a missing key is a programming error: KeyError)."""
    message = TEXTS[key]
    if isinstance(message, Ctx):
        return pgettext(message.context, message.message, lang)
    return gettext(message, lang)
