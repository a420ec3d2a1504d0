"""The per-worker counter behind aggregated denial rows: one key per window, bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from harkat.audit.denials import DenialCounter, _Entry
from harkat.audit.services import Actor

T0 = datetime(2026, 3, 2, 8, 0, 30, tzinfo=UTC)


def _entry() -> _Entry:
    return _Entry("access_denied", Actor(None, "anonim"), "10.0.0.1", None, "/x", "csrf", T0)


def test_a_key_is_written_once_per_window_and_its_total_when_the_window_closes():
    counter = DenialCounter(timedelta(minutes=10), max_keys=10)
    assert counter.hit("a", _entry(), T0) == (True, [])
    assert counter.hit("a", _entry(), T0 + timedelta(minutes=5)) == (False, [])
    first, closed = counter.hit("a", _entry(), T0 + timedelta(minutes=10))
    assert first and [(e.count, e.window_start) for e in closed] == [
        (2, datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    ]
    # A window with a single refusal needs no closing row: its first row says it all.
    assert counter.hit("b", _entry(), T0 + timedelta(minutes=25)) == (True, [])


def test_the_table_of_keys_is_bounded():
    counter = DenialCounter(timedelta(minutes=10), max_keys=3)
    for key in "abc":
        counter.hit(key, _entry(), T0)
        counter.hit(key, _entry(), T0)
    first, closed = counter.hit("d", _entry(), T0)
    assert first and sorted(e.count for e in closed) == [2, 2, 2]
    assert len(counter.drain()) == 0  # "d" counted once: nothing more to write
