"""Local (Asia/Jakarta) dates and times, shown the Indonesian way."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def to_local(moment: datetime, zone: ZoneInfo = JAKARTA) -> datetime:
    """Convert an aware datetime to local time; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def local_day_bounds(day: date, zone: ZoneInfo = JAKARTA) -> tuple[datetime, datetime]:
    """Return the UTC instants at which a local calendar day starts and the next one starts."""
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(date.fromordinal(day.toordinal() + 1), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _parsed(value: date | datetime | str) -> date | datetime:
    """A date or datetime from ISO text (as stored in JSON snapshots); others pass through."""
    if not isinstance(value, str):
        return value
    if len(value) <= 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value)


def format_date(day: date | datetime | str | None) -> str:
    """Format as ``17 Agustus 2026``; datetimes (and ISO text) are converted to local time
    first."""
    if day is None or day == "":
        return "—"
    day = _parsed(day)
    if isinstance(day, datetime):
        day = to_local(day).date()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_datetime(moment: datetime | str | None, zone: ZoneInfo = JAKARTA) -> str:
    """Format as ``17 Agustus 2026 pukul 14.05 WIB`` in local time; ISO text (as stored in
    JSON snapshots) is read first, a naive moment is taken as UTC."""
    if moment is None or moment == "":
        return "—"
    local = to_local(_parsed(moment), zone)
    label = "WIB" if zone == JAKARTA else local.tzname()
    return f"{format_date(local.date())} pukul {local:%H.%M} {label}"


def format_month(value: date | str | None) -> str:
    """Format a month (a date in it, or ``YYYY-MM``) as ``Desember 2026``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(f"{value[:7]}-01")
    return f"{MONTHS[value.month - 1]} {value.year}"


def days_ago(days: int | None) -> str:
    """Say how long ago a number of whole local days was: ``hari ini``, ``kemarin``,
    ``3 hari lalu`` (and ahead: ``besok``, ``3 hari lagi``), never ``0 hari lalu``."""
    if days is None:
        return "—"
    if days == 0:
        return "hari ini"
    if days == 1:
        return "kemarin"
    if days == -1:
        return "besok"
    if days < 0:
        return f"{-days} hari lagi"
    return f"{days} hari lalu"


def relative_day(day: date | datetime | None, today: date) -> str:
    """Say when ``day`` was relative to ``today`` (a datetime counts by its local date)."""
    if day is None:
        return "—"
    if isinstance(day, datetime):
        day = to_local(day).date()
    return days_ago((today - day).days)
