from datetime import UTC, date, datetime

from harkat.core.dates import format_date, format_datetime, local_day_bounds, to_local


def test_times_are_shown_in_jakarta_time():
    moment = datetime(2026, 8, 16, 20, 30, tzinfo=UTC)  # 03.30 the next day in WIB
    assert format_datetime(moment) == "17 Agustus 2026 03.30 WIB"
    assert format_date(moment) == "17 Agustus 2026"


def test_naive_datetimes_are_taken_as_utc():
    assert to_local(datetime(2026, 1, 1, 0, 0)).hour == 7  # noqa: DTZ001


def test_a_local_day_starts_at_17_utc_the_day_before():
    start, end = local_day_bounds(date(2026, 11, 27))
    assert start == datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


def test_missing_values_show_a_dash():
    assert format_date(None) == "—"
    assert format_datetime(None) == "—"
