from datetime import UTC, datetime, timedelta

import pytest

from harkat.auth.domain import password_problems, retry_after


def test_a_long_uncommon_password_is_accepted():
    assert password_problems("Sungai-Batanghari-1957", "pendamping") == []


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Pendek1!", "minimal 10 karakter"),
        ("pendamping2026", "nama pengguna"),
        ("PENDAMPING", "nama pengguna"),
        ("password123", "terlalu umum"),
        ("bismillah2026", "terlalu umum"),
        ("qwertyuiop", "terlalu umum"),
        ("aaaaaaaaaaaa", "terlalu umum"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    problems = password_problems(password, "pendamping")
    assert any(reason in problem for problem in problems), problems


NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def test_below_the_limit_nobody_waits():
    failures = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert retry_after(failures, 5, WINDOW, NOW) is None


def test_at_the_limit_the_wait_ends_when_the_oldest_counting_failure_expires():
    failures = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4, 10)]
    assert retry_after(failures, 5, WINDOW, NOW) == timedelta(minutes=5)


def test_failures_outside_the_window_do_not_count():
    failures = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4, 16, 20)]
    assert retry_after(failures, 5, WINDOW, NOW) is None
