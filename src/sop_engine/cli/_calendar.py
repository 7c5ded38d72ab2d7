"""``sop calendar``: due instants and days off of the working-day calendars."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import click

from sop_engine._core.calendar import WorkingCalendar, day_off_kind, day_off_source
from sop_engine._core.i18n import N_, Msg, env_lang, gettext, locale_lang, reason_of
from sop_engine._core.text import Lang
from sop_engine.cli._common import FORMAT, LANG, EnvironmentProblem, json_text, registry, said, say
from sop_engine.cli._i18n import CLI_LANG

__all__ = ["calendar"]


@click.group()
def calendar() -> None:
    """Working-day calendars: due instants and days off."""


_WARNING = N_("warning")

TODAY = click.option(
    "--today",
    "today",
    default=None,
    hidden=True,
    help="The date to judge the calendar's end from (default: today; for tests).",
)


def today_of(text: str | None) -> date:
    """``--today`` as a date, or today's date in Jakarta."""
    if text is None:
        from sop_engine._core.clock import SystemClock

        return SystemClock().now().astimezone(ZoneInfo("Asia/Jakarta")).date()
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise click.BadParameter(
            say(Msg("{text!r} is not a date (YYYY-MM-DD)", text=text[:40]))
        ) from e


def warn_horizon(cal: WorkingCalendar, today: date, *, reach: date | None = None) -> str | None:
    """Print to standard error why ``cal`` needs extending soon (its end is near, or a
    deadline could reach past it); the text, or None when all is well."""
    from sop_engine._core.calendar import horizon_warning

    warning = horizon_warning(cal, today, reach=reach)
    if warning is None:
        return None
    lang = CLI_LANG.get() or env_lang() or locale_lang()
    text = warning.render(lang)
    click.secho(f"{gettext(_WARNING, lang)}: {text}", fg="yellow", err=True)
    return text


def _calendar(
    calendar_id: str,
    zone: str,
    office_hours: str | None = None,
    cutoff: str | None = None,
) -> WorkingCalendar:
    calendars = registry().calendars
    spec = calendars.get(calendar_id)
    if spec is None:
        known = ", ".join(sorted(calendars))
        raise click.BadParameter(
            said(
                Msg(
                    "unknown calendar {calendar!r}; known calendars: {known}",
                    calendar=calendar_id,
                    known=known,
                )
            ),
            param_hint="'--calendar'",
        )
    try:
        hours = None
        if office_hours:
            a, _, b = office_hours.partition("-")
            hours = (time.fromisoformat(a), time.fromisoformat(b))
        cut = time.fromisoformat(cutoff) if cutoff else None
        return spec.build(zone=zone, office_hours=hours, cutoff=cut)
    except ValueError as e:  # a bad --zone, --office-hours or --cutoff: a usage error (exit 2)
        raise click.UsageError(said(reason_of(e))) from e


@calendar.command()
@click.argument("start")
@click.argument("amount")
@click.option("--calendar", "calendar_id", default="ID", show_default=True)
@click.option("--zone", default="Asia/Jakarta", show_default=True, help="IANA time zone.")
@click.option(
    "--unit",
    default="working-days",
    show_default=True,
    help="working-days, days or working-hours.",
)
@click.option("--office-hours", help="e.g. 08:00-16:00: the deadline is the end of office hours.")
@click.option("--cutoff", help="e.g. 15:00: a start after it counts from the next day.")
@FORMAT
@TODAY
@LANG
def due(
    start: str,
    amount: str,
    calendar_id: str,
    zone: str,
    unit: str,
    office_hours: str | None,
    cutoff: str | None,
    fmt: str,
    today: str | None,
    lang: Lang,
) -> None:
    """Print the deadline for AMOUNT units counted from START (ISO date or date-time).

    START without a UTC offset is read in --zone. The deadline is the end of the due day:
    the end of office hours when given, otherwise 23:59:59, printed in --zone.
    """
    units = {"working-days": "working_days", "days": "days", "working-hours": "working_hours"}
    if unit not in units:
        raise click.BadParameter(
            said(Msg("unknown unit {unit!r}; use {known}", unit=unit, known=", ".join(units))),
            param_hint="'--unit'",
        )
    cal = _calendar(calendar_id, zone, office_hours, cutoff)
    warn_horizon(cal, today_of(today))
    try:
        n = float(amount)
    except ValueError:
        n = math.nan
    if not math.isfinite(n):  # a usage error (exit 2), like every bad argument here
        raise click.UsageError(
            said(Msg("AMOUNT must be a finite number, got {value!r}", value=amount[:40]))
        )
    try:
        instant = datetime.fromisoformat(start)
    except ValueError:  # Python's own text ("Invalid isoformat string") is English
        raise click.UsageError(
            said(
                Msg(
                    "START {value!r} is not a date or date-time like 2026-03-16 or "
                    "2026-03-16T09:30+07:00",
                    value=start[:40],
                )
            )
        ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=ZoneInfo(zone))
    try:
        deadline = cal.due(instant, n if unit == "working-hours" else int(n), units[unit])  # type: ignore[arg-type]
    except (ValueError, OverflowError) as e:
        raise click.UsageError(said(reason_of(e))[:600]) from e
    due_at = deadline.astimezone(ZoneInfo(zone)).isoformat()
    if fmt == "json":
        click.echo(
            json_text(
                {
                    "calendar": calendar_id,
                    "zone": zone,
                    "start": instant.isoformat(),
                    "amount": n if unit == "working-hours" else int(n),
                    "unit": unit,
                    "office_hours": office_hours,
                    "cutoff": cutoff,
                    "due": due_at,
                }
            )
        )
    else:
        click.echo(due_at)


@calendar.command()
@click.argument("year", type=int)
@click.option("--calendar", "calendar_id", default="ID", show_default=True)
@FORMAT
@LANG
@TODAY
def holidays(year: int, calendar_id: str, fmt: str, lang: Lang, today: str | None) -> None:
    """Print one line per day off in YEAR: DATE<TAB>KIND<TAB>NAME<TAB>SOURCE (weekends not listed).

    KIND and SOURCE are in the reader's language; NAME is as the decree writes it."""
    cal = _calendar(calendar_id, "Asia/Jakarta")
    warn_horizon(cal, today_of(today))
    if not cal.years[0] <= year <= cal.years[1]:
        raise EnvironmentProblem(
            said(
                Msg(
                    "calendar {calendar!r} covers {first}-{last}, not {year}",
                    calendar=calendar_id,
                    first=cal.years[0],
                    last=cal.years[1],
                    year=year,
                )
            )
        )
    days = cal.holidays(year)
    if fmt == "json":
        click.echo(
            json_text(
                {
                    "calendar": calendar_id,
                    "year": year,
                    "days_off": [
                        {
                            "date": d.day.isoformat(),
                            "kind": d.kind,
                            "name": d.name,
                            "source": d.source,
                        }
                        for d in days
                    ],
                }
            )
        )
        return
    for d in days:
        kind, source = day_off_kind(d.kind, lang), day_off_source(d.source, lang)
        click.echo(f"{d.day.isoformat()}\t{kind}\t{d.name}\t{source}")
