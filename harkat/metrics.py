"""``/metrics`` in Prometheus' text format, for the city IT office's monitoring.

Per request: a counter and a latency histogram by route (the URL rule), method and status. Per
scrape: database pool use and the programme's own gauges (referrals by status, referrals waiting
for a bank past the SLA ⚙, money disbursed this month), counted from the database when asked.

Under gunicorn every worker counts its own requests: with ``PROMETHEUS_MULTIPROC_DIR`` set (the
shipped ``deploy/gunicorn.conf.py`` sets it and clears it at start), prometheus-client's
multi-process mode adds the workers up. Without it (``make run``) one process counts alone.

Only configured addresses (``METRICS_ALLOWED_ADDRESSES``, loopback by default) or a request with
``Authorization: Bearer <METRICS_TOKEN>`` may read it; anyone else gets 404.
"""

from __future__ import annotations

import hmac
import os
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from harkat.auth.access import public
from harkat.core.dates import JAKARTA, to_local
from harkat.database import utcnow
from harkat.extensions import db

bp = Blueprint("metrics", __name__)

REQUESTS = Counter("harkat_http_requests_total", "Requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "harkat_http_request_duration_seconds",
    "Time to answer a request",
    ["route", "method"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
POOL_IN_USE = Gauge(
    "harkat_db_pool_connections_in_use",
    "Database connections checked out of the pool",
    multiprocess_mode="livesum",
)


def _route() -> str:
    # The URL rule, never the path: ids and search terms would make one series per record.
    return request.url_rule.rule if request.url_rule else "unmatched"


def start_timer() -> None:
    g.metrics_started = time.perf_counter()


def record_request(response: Response) -> Response:
    """``after_request``: count the answer and its time, and the pool's use at this moment."""
    started = g.pop("metrics_started", None)
    if started is None or request.endpoint == "metrics.metrics":
        return response
    route, method = _route(), request.method
    REQUESTS.labels(route, method, str(response.status_code)).inc()
    LATENCY.labels(route, method).observe(time.perf_counter() - started)
    pool = db.engine.pool
    if hasattr(pool, "checkedout"):
        POOL_IN_USE.set(pool.checkedout())
    return response


class ProgrammeCollector:
    """The programme's gauges, counted from the database at each scrape."""

    def collect(self):
        from harkat.referrals.models import Loan, Referral
        from harkat.referrals.services import sla_days
        from harkat.referrals.transitions import WAITING_FOR_BANK

        session = db.session
        by_status = GaugeMetricFamily("harkat_referrals", "Referrals by status", labels=["status"])
        for status, count in session.execute(
            sa.select(Referral.status, sa.func.count()).group_by(Referral.status)
        ):
            by_status.add_metric([str(status.value)], count)
        yield by_status

        now = utcnow()
        overdue = session.scalar(
            sa.select(sa.func.count())
            .select_from(Referral)
            .where(
                Referral.status.in_(list(WAITING_FOR_BANK)),
                Referral.submitted_at <= now - timedelta(days=sla_days(session)),
            )
        )
        yield GaugeMetricFamily(
            "harkat_referrals_past_sla",
            "Referrals waiting for a bank longer than the SLA (⚙ referral.sla_days)",
            value=int(overdue or 0),
        )

        first_of_month = to_local(now, JAKARTA).date().replace(day=1)
        disbursed = session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Loan.amount), 0)).where(
                Loan.disbursed_on >= first_of_month
            )
        )
        yield GaugeMetricFamily(
            "harkat_disbursed_this_month_rupiah",
            "Rupiah disbursed since the first of this month (Jakarta time)",
            value=int(disbursed or 0),
        )


def _allowed() -> bool:
    config = current_app.config
    token = config.get("METRICS_TOKEN") or ""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
        return True
    return request.remote_addr in set(config.get("METRICS_ALLOWED_ADDRESSES") or ())


@bp.get("/metrics")
@public
def metrics():
    """The Prometheus text exposition; 404 for anyone not allowed (it does not exist for them)."""
    if not _allowed():
        abort(404)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    body = generate_latest(registry)
    # The programme's gauges are the database's, the same for every worker: counted once here.
    programme = CollectorRegistry()
    programme.register(ProgrammeCollector())
    body += generate_latest(programme)
    response = Response(body, mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_metrics(app: Flask) -> None:
    app.before_request(start_timer)
    app.after_request(record_request)
    app.register_blueprint(bp)
