"""``sop calendar``: due instants and days off of the working-day calendars."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import click

from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.i18n import N_, env_lang, gettext, locale_lang
from sop_engine.cli._common import registry
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
        raise click.BadParameter(f"{text[:40]!r} is not a date (YYYY-MM-DD)") from e


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
        raise click.ClickException(f"unknown calendar {calendar_id!r}; known calendars: {known}")
    try:
        hours = None
        if office_hours:
            a, _, b = office_hours.partition("-")
            hours = (time.fromisoformat(a), time.fromisoformat(b))
        cut = time.fromisoformat(cutoff) if cutoff else None
        return spec.build(zone=zone, office_hours=hours, cutoff=cut)
    except ValueError as e:
        raise click.ClickException(str(e)) from e


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
@TODAY
def due(
    start: str,
    amount: str,
    calendar_id: str,
    zone: str,
    unit: str,
    office_hours: str | None,
    cutoff: str | None,
    today: str | None,
) -> None:
    """Print the deadline for AMOUNT units counted from START (ISO date or date-time).

    START without a UTC offset is read in --zone. The deadline is the end of the due day:
    the end of office hours when given, otherwise 23:59:59, printed in --zone.
    """
    units = {"working-days": "working_days", "days": "days", "working-hours": "working_hours"}
    if unit not in units:
        raise click.ClickException(f"unknown unit {unit!r}; use {', '.join(units)}")
    cal = _calendar(calendar_id, zone, office_hours, cutoff)
    warn_horizon(cal, today_of(today))
    try:
        n = float(amount)
        if not math.isfinite(n):
            raise ValueError(f"AMOUNT must be a finite number, got {amount[:40]!r}")
        instant = datetime.fromisoformat(start)
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=ZoneInfo(zone))
        deadline = cal.due(instant, n if unit == "working-hours" else int(n), units[unit])  # type: ignore[arg-type]
    except (ValueError, OverflowError) as e:
        raise click.ClickException(
            f"{str(e)[:500]} (START like 2026-03-16 or 2026-03-16T09:30+07:00)"
        ) from e
    click.echo(deadline.astimezone(ZoneInfo(zone)).isoformat())


@calendar.command()
@click.argument("year", type=int)
@click.option("--calendar", "calendar_id", default="ID", show_default=True)
@TODAY
def holidays(year: int, calendar_id: str, today: str | None) -> None:
    """Print one line per day off in YEAR: DATE<TAB>KIND<TAB>NAME (weekends not listed)."""
    cal = _calendar(calendar_id, "Asia/Jakarta")
    warn_horizon(cal, today_of(today))
    if not cal.years[0] <= year <= cal.years[1]:
        raise click.ClickException(
            f"calendar {calendar_id!r} covers {cal.years[0]}-{cal.years[1]}, not {year}"
        )
    for day_off in cal.holidays(year):
        click.echo(f"{day_off.day.isoformat()}\t{day_off.kind}\t{day_off.name}")
