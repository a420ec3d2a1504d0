"""An open month's funnel is reused for a while; money is always live; closing recomputes it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals.transitions import ReferralStatus
from harkat.reports import services
from harkat.reports.models import FunnelCache
from tests.functional.reports.conftest import utc


@pytest.fixture
def app_config(app_config):
    return {**app_config, "REPORT_FUNNEL_CACHE_MINUTES": 15}


def _stage(figures: dict, key: str) -> int:
    """People at a stage, in the report's JSON."""
    return next(row["count"] for row in figures["funnel"] if row["stage"] == key)


def test_the_funnel_is_reused_then_refreshed_while_money_stays_live(app, client, login_as, place):
    place(
        "Siti Aminah",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 10, 3),
        disbursed_on=date(2026, 1, 10),
        amount=4_000_000,
    )
    month = date(2026, 1, 1)
    login_as(Role.ADMIN)  # the JSON figures are offered to admins only
    first = client.get("/laporan/serapan/2026-01.json").json
    assert _stage(first, "disbursed") == 1 and first["cumulative"]["amount"] == 4_000_000
    with app.app_context():
        assert db.session.get(FunnelCache, month) is not None

    # A second loan in the same month: the money shows at once, the funnel not yet.
    place(
        "Budi Santoso",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 12, 3),
        disbursed_on=date(2026, 1, 12),
        amount=3_000_000,
    )
    later = client.get("/laporan/serapan/2026-01.json").json
    assert later["cumulative"]["amount"] == 7_000_000
    assert later["month_disbursed"]["count"] == 2
    assert _stage(later, "disbursed") == 1
    assert later["funnel_computed_at"] == first["funnel_computed_at"]
    with app.app_context():
        # A closing (or anyone asking for fresh figures) never uses the stored funnel.
        fresh = services.absorption_report(db.session, month, fresh=True)
        assert _stage(fresh.to_dict(), "disbursed") == 2
        db.session.rollback()

    # The page says when the funnel was counted.
    with app.app_context():
        db.session.execute(
            sa.update(FunnelCache).values(computed_at=services.utcnow() - timedelta(minutes=10))
        )
        db.session.commit()
    page = client.get("/laporan/serapan?bulan=2026-01").get_data(as_text=True)
    assert (
        "Corong, waktu tempuh dan hasil skrining dihitung" in page
        and "angka dana selalu terkini" in page
    )
    assert "Rp7.000.000" in page

    # Older than the setting: computed again and stored again.
    with app.app_context():
        db.session.execute(
            sa.update(FunnelCache).values(computed_at=services.utcnow() - timedelta(minutes=16))
        )
        db.session.commit()
    again = client.get("/laporan/serapan/2026-01.json").json
    assert _stage(again, "disbursed") == 2
    with app.app_context():
        stored = db.session.get(FunnelCache, month)
        assert services.utcnow() - stored.computed_at < timedelta(minutes=1)
        assert [row["count"] for row in stored.funnel] == [row["count"] for row in again["funnel"]]
        assert stored.screening == again["screening"]


def test_a_busy_database_never_fails_or_stalls_the_report(app, client, login_as, place):
    """When a writer holds the lock, the page shows freshly computed figures and simply does not
    keep them (it used to wait 15 s for SQLite's lock and then fail)."""
    import time

    place(
        "Siti Aminah",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 10, 3),
        disbursed_on=date(2026, 1, 10),
        amount=4_000_000,
    )
    login_as(Role.VIEWER)
    client.get("/laporan/serapan?bulan=2026-01")  # stores the month's people figures
    stale = services.utcnow() - timedelta(minutes=30)
    with app.app_context():
        db.session.execute(sa.update(FunnelCache).values(computed_at=stale))
        db.session.commit()
        with db.engine.connect() as writer:
            writer.begin()
            # Another writer holds the lock (on PostgreSQL, the cached row's lock).
            writer.execute(sa.update(FunnelCache).values(computed_at=FunnelCache.computed_at))
            started = time.perf_counter()
            response = client.get("/laporan/serapan?bulan=2026-01")
            waited = time.perf_counter() - started
            writer.commit()
        assert response.status_code == 200 and "Rp4.000.000" in response.get_data(as_text=True)
        assert waited < 5, waited
        with db.engine.connect() as reader:
            kept = reader.scalar(sa.select(FunnelCache.computed_at))
        assert abs((kept - stale).total_seconds()) < 1  # the busy page did not store
    # Once the writer is done, the next view stores again.
    client.get("/laporan/serapan?bulan=2026-01")
    with app.app_context(), db.engine.connect() as reader:
        kept = reader.scalar(sa.select(FunnelCache.computed_at))
    assert services.utcnow() - kept < timedelta(minutes=1)
