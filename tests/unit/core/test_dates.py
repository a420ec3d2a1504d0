from datetime import UTC, date, datetime

from harkat.core.dates import (
    format_date,
    format_datetime,
    format_month,
    local_day_bounds,
    to_local,
)


def test_times_are_shown_in_jakarta_time():
    moment = datetime(2026, 8, 16, 20, 30, tzinfo=UTC)  # 03.30 the next day in WIB
    assert format_datetime(moment) == "17 Agustus 2026 pukul 03.30 WIB"
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


def test_iso_text_from_snapshots_is_shown_the_indonesian_way():
    assert format_datetime("2026-12-02T04:45:10+00:00") == "2 Desember 2026 pukul 11.45 WIB"
    assert format_datetime("2026-12-02T11:45:10+07:00") == "2 Desember 2026 pukul 11.45 WIB"
    assert format_date("2026-12-02") == "2 Desember 2026"
    assert format_month("2030-05") == "Mei 2030"
    assert format_month(date(2026, 12, 1)) == "Desember 2026"
