"""How long the monthly absorption report takes at scale, in every format.

Generates ``--entrepreneurs`` demo cases (100,000 by default) into a scratch database with the
real demo generator, then times the report for the latest month with disbursements: the
computed figures (what JSON serves), each file format, and — as the floor — the bare SQL sum
of that month's disbursements. Prints median and p95 of ``--runs`` runs and the ratio to the
floor. Targets (issue #9): JSON ≤ 1 s, PDF or XLSX ≤ 3 s.

    python benchmarks/report_generation.py [--entrepreneurs 100000] [--runs 5]
        [--database-url postgresql://postgres@127.0.0.1:5432/harkat_bench]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa


def _timed(function, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrepreneurs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from harkat import create_app
    from harkat.core.dates import JAKARTA
    from harkat.extensions import db
    from harkat.reference.services import seed_reference
    from harkat.referrals.models import Loan
    from harkat.reports import documents, services

    instance = Path(tempfile.mkdtemp(prefix="harkat-bench-"))
    url = args.database_url or f"sqlite:///{instance / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
        seed_reference(db.session)
        db.session.commit()
        from harkat.demo.generator import seed_demo

        started = time.perf_counter()
        result = seed_demo(
            db.session, args.entrepreneurs, args.seed, upload_dir=str(instance / "uploads")
        )
        db.session.commit()
        seeded = time.perf_counter() - started
        month = db.session.scalar(sa.select(sa.func.max(Loan.disbursed_on))).replace(day=1)
        first, last, _, _ = services.month_bounds(month)

        def floor():
            db.session.execute(
                sa.select(sa.func.sum(Loan.amount), sa.func.count()).where(
                    Loan.disbursed_on >= first, Loan.disbursed_on <= last
                )
            ).one()

        figures = services.absorption_report(db.session, month)
        rows = [("SQL floor (sum of the month)", *_timed(floor, args.runs))]
        rows.append(
            (
                "report as JSON (compute + serialise)",
                *_timed(
                    lambda: documents.to_json(services.absorption_report(db.session, month)),
                    args.runs,
                ),
            )
        )
        for fmt in ("pdf", "xlsx", "csv"):
            rows.append(
                (
                    f"report as {fmt.upper()} (compute + render)",
                    *_timed(
                        lambda fmt=fmt: documents.render(
                            services.absorption_report(db.session, month), fmt
                        ),
                        args.runs,
                    ),
                )
            )
        backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"# Monthly report benchmark · {datetime.now(JAKARTA).isoformat(timespec='minutes')}")
        print(
            f"machine: {platform.node()} · {platform.processor() or platform.machine()} · "
            f"Python {platform.python_version()} · {backend}"
        )
        print(
            f"data: {result.entrepreneurs:,} entrepreneurs, {result.referrals:,} referrals, "
            f"{result.loans:,} loans, {result.loan_reports:,} repayment reports "
            f"(seeded in {seeded:.0f} s); month {figures['month']}, "
            f"{figures['month_disbursed']['count']} disbursements"
        )
        floor_median = rows[0][1]
        print(f"{'measure':42} {'p50 (ms)':>9} {'p95 (ms)':>9} {'× floor':>8}")
        for label, median, p95 in rows:
            print(f"{label:42} {median * 1000:9.1f} {p95 * 1000:9.1f} {median / floor_median:8.0f}")


if __name__ == "__main__":
    main()
