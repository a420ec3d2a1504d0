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


def format_date(day: date | datetime | None) -> str:
    """Format as ``17 Agustus 2026``; datetimes are converted to local time first."""
    if day is None:
        return "—"
    if isinstance(day, datetime):
        day = to_local(day).date()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_datetime(moment: datetime | None, zone: ZoneInfo = JAKARTA) -> str:
    """Format as ``17 Agustus 2026 14.05 WIB`` in local time."""
    if moment is None:
        return "—"
    local = to_local(moment, zone)
    label = "WIB" if zone == JAKARTA else local.tzname()
    return f"{format_date(local.date())} {local:%H.%M} {label}"
