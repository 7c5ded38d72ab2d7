"""``sop demo``: realistic complaints through the reference LAPOR! SOP, as readable timelines.

The script is data (``demo_scenarios.yaml``, read by :mod:`sop_engine._ops.demo_script`): for
each complaint, who does what and when. It deliberately includes commands the SOP refuses (a
guard, a role, a wrong unit, the code of ethics) and a retried command, so the timeline shows the
engine protecting the procedure as well as running it. This module runs it and prints the
timelines. Time is simulated: the whole month of handling runs in well under a second.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from rich.console import Console
from rich.table import Table
from rich.text import Text as RichText

from sop_engine._core.clock import SimulatedClock
from sop_engine._core.errors import CommandRefused, EthicsViolation, refusal_kind
from sop_engine._core.i18n import C_, N_, Ctx, Msg, format_datetime, gettext, pgettext, render
from sop_engine._core.protocol import ItemKind, TimerItem
from sop_engine._core.records import START_EVENT, Actor, AuditEvent
from sop_engine._core.text import Lang
from sop_engine._engine import Engine
from sop_engine._features.ethics import ETHICS_EVENT, MALADMINISTRATION
from sop_engine._ops.demo_script import Scenario, Script, load_script
from sop_engine._ops.examples import example_path
from sop_engine._persistence.store import Store

__all__ = ["DEMO_SOP", "run_demo"]

WIB = ZoneInfo("Asia/Jakarta")
DEMO_SOP = "lapor"
"""The shipped SOP the demo script runs through (:mod:`sop_engine._ops.examples`)."""


@attrs.frozen
class _Row:
    at: datetime
    actor: Actor
    event: str
    source: str | None
    target: str | None
    note: str
    outcome: str  # "ok", "refused", "retry", "system", "flagged"


def _summary(payload: Mapping[str, Any], lang: Lang) -> str:
    parts = []
    for k, v in payload.items():
        text = render(v, lang)  # true/false as ya/tidak, not Python's True
        parts.append(f"{k}={text if len(text) <= 48 else text[:45] + '...'}")
    return "; ".join(parts)


def default_sop_path() -> AbstractContextManager[Path]:
    """The reference LAPOR! SOP shipped in the package (the same text as examples/lapor/sop.yaml)."""
    return example_path(DEMO_SOP)


def run_demo(
    console: Console,
    *,
    lang: Lang = "id",
    sop_path: Path | None = None,
    store: Store | None = None,
) -> int:
    """Run every scenario and print one timeline per case and a summary; returns an exit code.

    Timelines are read back from the store's audit trails, with this run's refused and retried
    commands (which are, by design, not in the trail) shown between them. On a store that
    already holds the demo's cases (a second run on the same database) the script is not
    applied again: the stored trails are shown, and the sweeper finds nothing left to fire.
    """
    script = load_script()
    clock = SimulatedClock(script.start)
    rebind = getattr(store, "with_clock", None)
    if rebind is None:
        return _run(console, lang, sop_path, Engine(clock=clock, store=store), clock, script)
    timed = rebind(clock)  # the same database, leases measured on the simulated clock
    try:
        return _run(console, lang, sop_path, Engine(clock=clock, store=timed), clock, script)
    finally:
        timed.close()


def _run(
    console: Console,
    lang: Lang,
    sop_path: Path | None,
    engine: Engine,
    clock: SimulatedClock,
    script: Script,
) -> int:
    if sop_path is None:
        with default_sop_path() as shipped:
            sop = engine.load(shipped)
    else:
        sop = engine.load(sop_path)
    states = {s.name: s.label.get(lang) for s in sop.definition.states}
    events = {e.name: e.label.get(lang) for e in sop.definition.events}
    roles = {r.name: r.label.get(lang) for r in sop.definition.roles}
    content_hash = gettext("content hash", lang)
    console.print(
        f"[bold]{sop.definition.meta.title.get(lang)}[/bold]\n"
        f"{sop.definition.meta.agency} · SOP {sop.id} v{sop.definition.meta.version} · "
        f"{content_hash} {sop.hash[:12]}"
    )
    scenarios = script.scenarios
    t0 = script.start
    existing = set(engine.store.case_ids())
    resumed = [sc.case_id for sc in scenarios if sc.case_id in existing]
    where = getattr(engine.store, "path", None)
    if where is not None:
        progress = (
            Msg(
                "{n} demo cases already there, resumed (commands refused in the first run are "
                "not part of the audit trail, except those the code of ethics refused)",
                n=len(resumed),
            )
            if resumed
            else Msg("new")
        )
        console.print(
            Msg("database {where}: {state}", where=where, state=progress).render(lang),
            soft_wrap=True,  # one line however long the path or URL (tests read it)
        )
    console.print()
    # Every complaint runs on one shared simulated clock: merge all steps by their instant, and
    # let the deadline sweeper run at every step and twice a day (08:00 and 16:05 WIB).
    schedule: list[tuple[datetime, int, int]] = []
    for k, sc in enumerate(scenarios):
        if sc.case_id in existing:
            continue
        at = t0 + sc.opens + k * timedelta(minutes=20)
        schedule.append((at, k, -1))
        for j, step in enumerate(sc.steps):
            at += step.after
            schedule.append((at, k, j))
    day = t0
    while day <= script.end:
        schedule.append((day, -1, 0))
        schedule.append((day + timedelta(hours=8, minutes=5), -1, 0))
        day += timedelta(days=1)
    schedule.sort()
    extra: dict[int, list[_Row]] = {k: [] for k in range(len(scenarios))}
    refused = dict.fromkeys(extra, 0)
    retried = dict.fromkeys(extra, 0)
    for at, k, j in schedule:
        clock.set(max(at, clock.now()))
        engine.sweep()
        if k < 0:
            continue
        sc = scenarios[k]
        if j < 0:
            intake = (
                script.intake if sc.data["kanal"] != "web" else Actor(sc.data["pelapor"], "pelapor")
            )
            engine.start(sop.id, sc.data, intake, case_id=sc.case_id)
            continue
        step = sc.steps[j]
        before = engine.get(sc.case_id)
        try:
            if step.event == "@extend":
                p = step.payload
                engine.extend(sc.case_id, p["deadline"], step.actor, p["amount"], p["reason"])
                continue
            after = engine.fire(
                sc.case_id, step.event, step.actor, step.payload, command_id=step.command_id
            )
        except EthicsViolation:
            refused[k] += 1  # the attempt is in the trail: its row comes from there
            continue
        except CommandRefused as e:
            refused[k] += 1
            extra[k].append(
                _Row(
                    at,
                    step.actor,
                    step.event,
                    before.state,
                    None,
                    f"{_refusal(e, lang)}: {_reason(e, lang)}",
                    "refused",
                )
            )
            continue
        if after.version == before.version:
            retried[k] += 1
            extra[k].append(
                _Row(
                    at,
                    step.actor,
                    step.event,
                    before.state,
                    after.state,
                    gettext("retried command (same id): not recorded twice", lang),
                    "retry",
                )
            )
    plan = sop.deadlines
    summary: list[tuple[str, str, int, int, int]] = []
    consistent = True
    for k, sc in enumerate(scenarios):
        final = engine.get(sc.case_id)
        history = engine.history(sc.case_id)
        consistent &= _consistent(history, final.version, final.state)
        # printed as the public sees it: no rahasia content, no anonymous reporter
        shown = engine.view(sc.case_id, None).history
        rows = [_history_row(e, plan, roles, lang) for e in shown]
        rows = sorted(rows + extra[k], key=lambda r: r.at)  # stable: trail order kept
        _print_case(console, sc, rows, states, events, roles, lang)
        summary.append((sc.case_id, states[final.state], len(history), refused[k], retried[k]))

    table = _table(
        N_("Summary"),
        [_CASE, N_("Final state"), N_("Audit events"), N_("Refused"), N_("Retried")],
        lang,
    )
    for cid, state, n, r, t in summary:
        table.add_row(cid, state, str(n), str(r), str(t))
    console.print(table)
    console.print(_deadline_table(engine, scenarios, plan, lang))
    console.print(_ethics_table(engine, lang))
    if not consistent:
        console.print(gettext("audit trail does not match the case snapshots", lang), style="red")
        return 1
    console.print(gettext("Every case's audit trail matches its final snapshot.", lang))
    return 0


def _history_row(e: AuditEvent, plan: Any, roles: dict[str, str], lang: Lang) -> _Row:
    """A timeline row from one audit event of the stored trail."""
    if e.event == START_EVENT:
        return _Row(e.at, e.actor, e.event, None, e.target, str(e.payload.get("judul", "")), "ok")
    if e.event == "@extend":
        p = e.payload
        unit = gettext("working days", lang)
        due = datetime.fromisoformat(p["due_after"])
        return _Row(
            e.at,
            e.actor,
            e.event,
            e.source,
            e.target,
            f"+{p['amount']:g} {unit}: {p['reason']} → {_local(due, lang)}",
            "ok",
        )
    if e.event == ETHICS_EVENT:
        b = e.breaches[0]
        note = f"EthicsViolation {b.rule}: {b.reason.get(lang)}"
        return _Row(e.at, e.actor, str(e.payload["event"]), e.source, None, note, "refused")
    if e.event.startswith("@"):
        return _system_row(e, plan, roles, lang)
    note = _summary(e.payload, lang)
    for b in e.breaches:
        note += f"\n⚑ {b.rule}: {b.reason.get(lang)}"
    return _Row(e.at, e.actor, e.event, e.source, e.target, note, "flagged" if e.breaches else "ok")


def _consistent(history: Sequence[AuditEvent], version: int, state: str) -> bool:
    seqs = [e.seq for e in history]
    chained = all(a.target == b.source for a, b in itertools.pairwise(history))
    return seqs == list(range(1, version + 1)) and history[-1].target == state and chained


def _refusal(e: CommandRefused, lang: Lang) -> str:
    """What kind of refusal ``e`` is: its class name for a developer reading English (the
    name to catch), the kind in words for an Indonesian officer."""
    name = type(e).__name__
    return name if lang == "en" else refusal_kind(name, lang)


def _reason(e: CommandRefused, lang: Lang) -> str:
    reasons = getattr(e, "reasons", None)
    if reasons:
        return "; ".join(r.get(lang) for _, r in reasons)
    return e.message(lang)


def _print_case(
    console: Console,
    sc: Scenario,
    rows: list[_Row],
    states: dict[str, str],
    events: dict[str, str],
    roles: dict[str, str],
    lang: Lang,
) -> None:
    table = Table(title=f"{sc.case_id} — {sc.story}", title_justify="left", expand=False)
    table.add_column(gettext("Time (WIB)", lang), no_wrap=True)
    table.add_column(gettext("Actor", lang))
    table.add_column(gettext("Event", lang))
    table.add_column(gettext("New state", lang))
    table.add_column(gettext("Details", lang), overflow="fold")
    for r in rows:
        when = _local(r.at, lang)
        who = f"{r.actor.id}\n[dim]{roles.get(r.actor.role, r.actor.role)}[/dim]"
        what = (
            gettext("Report received", lang)
            if r.event == START_EVENT
            else gettext("Deadline extended", lang)
            if r.event == "@extend"
            else events.get(r.event, r.event)
        )
        if r.outcome == "refused":
            move = RichText("✗ " + gettext("refused", lang), style="bold red")
            note = RichText(r.note, style="red")
        elif r.outcome == "system":
            what = gettext(_SYSTEM_EVENTS[r.event], lang)
            move = RichText(states.get(r.target or "", r.target or ""), style="dim")
            note = RichText(r.note, style="magenta")
        else:
            move = RichText(
                states.get(r.target or "", r.target or ""),
                style="yellow" if r.outcome == "retry" else "green",
            )
            note = RichText(
                r.note,
                style="dim" if r.outcome == "retry" else "yellow" if r.outcome == "flagged" else "",
            )
        table.add_row(when, who, what, move, note)
    console.print(table)
    console.print()


_SYSTEM_EVENTS = {
    "@remind": N_("Reminder"),
    "@breach": N_("Deadline missed"),
    "@escalate": N_("Escalation"),
    "@expire": N_("Deadline expired"),
}
_CASE = C_("demo", "Case")  # a case of the demo is a *kasus*; elsewhere the desk says *laporan*


def _local(instant: datetime | None, lang: Lang) -> str:
    """``Sen 2 Mar 08.00`` (``Mon 2 Mar 08:00`` in English) in WIB, through Babel."""
    return format_datetime(instant.astimezone(WIB), lang, short=True) if instant else "-"


def _system_row(e: AuditEvent, plan: Any, roles: dict[str, str], lang: Lang) -> _Row:
    clock = plan.clock(e.payload["deadline"])
    item = TimerItem.coerce(e.payload["item"])
    recipients = clock.recipients(item)
    parts = [clock.label.get(lang)]
    if item.kind is ItemKind.LEVEL:
        parts.append(gettext("level", lang) + f" {item.number}")
    if recipients:
        parts.append("→ " + ", ".join(roles.get(r, r) for r in recipients))
    if e.payload.get("late"):
        parts.append(gettext("(late)", lang))
    return _Row(e.at, e.actor, e.event, e.source, e.target, " · ".join(parts), "system")


def _say(message: str | Ctx, lang: Lang) -> str:
    if isinstance(message, Ctx):
        return pgettext(message.context, message.message, lang)
    return gettext(message, lang)


def _table(title: str, columns: list[str | Ctx], lang: Lang) -> Table:
    """A table with its title and column headings (message ids) in ``lang``."""
    table = Table(title=gettext(title, lang), title_justify="left")
    for col in columns:
        table.add_column(_say(col, lang))
    return table


def _ethics_table(engine: Engine, lang: Lang) -> Table:
    """The breach ledger: every blocked attempt and flagged command, in the Ombudsman's terms."""
    table = _table(
        N_("Code-of-ethics breaches"),
        [
            _CASE,
            N_("Time (WIB)"),
            N_("Officer"),
            N_("Rule"),
            C_("demo", "Outcome"),
            N_("Maladministration type"),
        ],
        lang,
    )
    for v in engine.violations():
        table.add_row(
            v.case_id,
            _local(v.at, lang),
            v.officer.id,
            v.breach.rule,
            RichText(
                pgettext("demo", "blocked", lang) if v.blocked else gettext("flagged", lang),
                "red" if v.blocked else "yellow",
            ),
            ", ".join(MALADMINISTRATION[t].get(lang) for t in v.breach.types),
        )
    return table


def _deadline_table(engine: Engine, scenarios: Sequence[Scenario], plan: Any, lang: Lang) -> Table:
    table = _table(
        N_("Service-standard deadlines"),
        [_CASE, N_("Clock"), N_("Status"), N_("Due (WIB)"), N_("Escalation"), N_("Extensions")],
        lang,
    )
    words: dict[str, str | Ctx] = {
        "running": N_("running"),
        "paused": N_("paused"),
        "met": N_("met"),
        "closed": C_("demo", "closed"),
        "withdrawn": N_("withdrawn"),
    }
    now = engine.clock.now()
    for sc in scenarios:
        for d in engine.get(sc.case_id).deadlines:
            status = _say(words[d.status], lang)
            style = ""
            if d.status == "running" and d.due_at is not None and d.due_at < now:
                status += " " + gettext("(overdue)", lang)
                style = "red"
            table.add_row(
                sc.case_id,
                plan.clock(d.name).label.get(lang),
                RichText(status, style),
                _local(d.due_at, lang),
                str(d.level or "-"),
                str(d.extensions or "-"),
            )
    return table
