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
import sys
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import prepare, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrepreneurs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", default="", help="an instance folder from an earlier run")
    args = parser.parse_args()

    from harkat.core.dates import JAKARTA
    from harkat.extensions import db
    from harkat.referrals.models import Loan
    from harkat.reports import documents, services

    env = prepare(args.entrepreneurs, args.seed, args.database_url, args.reuse)
    url, seeded = env["url"], env["seeded"]
    with env["app"].app_context():
        from harkat.registration.models import Entrepreneur

        people = db.session.scalar(sa.select(sa.func.count()).select_from(Entrepreneur))
        loans = db.session.scalar(sa.select(sa.func.count()).select_from(Loan))
        month = db.session.scalar(sa.select(sa.func.max(Loan.disbursed_on))).replace(day=1)
        first, last, _, _ = services.month_bounds(month)

        def floor():
            db.session.execute(
                sa.select(sa.func.sum(Loan.amount), sa.func.count()).where(
                    Loan.disbursed_on >= first, Loan.disbursed_on <= last
                )
            ).one()

        report = services.absorption_report(db.session, month, fresh=True)
        rows = [("SQL floor (sum of the month)", *timed(floor, args.runs))]
        rows.append(
            (
                "report as JSON (compute + serialise)",
                *timed(
                    lambda: documents.to_json(
                        services.absorption_report(db.session, month, fresh=True)
                    ),
                    args.runs,
                ),
            )
        )
        for fmt in ("pdf", "xlsx", "csv"):
            rows.append(
                (
                    f"report as {fmt.upper()} (compute + render)",
                    *timed(
                        lambda fmt=fmt: documents.render(
                            services.absorption_report(db.session, month, fresh=True), fmt
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
        seeding = f"seeded in {seeded:.0f} s" if seeded else "reused instance"
        print(
            f"data: {people:,} entrepreneurs, {loans:,} loans ({seeding}); month "
            f"{report.month}, {report.month_disbursed.count} disbursements"
        )
        floor_median = rows[0][1]
        print(f"{'measure':42} {'p50 (ms)':>9} {'p95 (ms)':>9} {'× floor':>8}")
        for label, median, p95 in rows:
            print(f"{label:42} {median * 1000:9.1f} {p95 * 1000:9.1f} {median / floor_median:8.0f}")


if __name__ == "__main__":
    main()
