"""Ages read as people say them: "hari ini", "kemarin", "3 hari lalu" — never "0 hari lalu"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from harkat.core.dates import days_ago, relative_day


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "hari ini"),
        (1, "kemarin"),
        (2, "2 hari lalu"),
        (45, "45 hari lalu"),
        (-1, "besok"),
        (-3, "3 hari lagi"),
        (None, "—"),
    ],
)
def test_days_ago(days, text):
    assert days_ago(days) == text


def test_relative_day_counts_local_calendar_days():
    today = date(2026, 3, 10)
    assert relative_day(date(2026, 3, 10), today) == "hari ini"
    assert relative_day(date(2026, 3, 9), today) == "kemarin"
    assert relative_day(date(2026, 2, 28), today) == "10 hari lalu"
    # 9 March 18:00 UTC is already 10 March 01:00 in Jakarta: today, not yesterday.
    assert relative_day(datetime(2026, 3, 9, 18, 0, tzinfo=UTC), today) == "hari ini"
    assert relative_day(None, today) == "—"
