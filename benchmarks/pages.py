"""Pages, downloads and import at scale, served by gunicorn, each beside its floor.

Serves the app with gunicorn (``deploy/gunicorn.conf.py``, 2 workers) on a seeded instance and
measures p50/p95 over ``--runs`` requests of: login, the entrepreneur list (first and a deep
page), search by name and by NIK, the detail page, the bank queue, the monthly report in each
format, and the referral packet PDF. The floor for pages is ``/healthz`` through the same server
(the cost of the stack with one trivial query). Importing 10,000 rows is timed beside pandas
reading the same file. Worker memory (RSS) is read from /proc at the end.

Targets (issue #9): pages p95 ≤ 100 ms at 100k, report JSON ≤ 1 s, PDF/XLSX ≤ 3 s, packet
≤ 300 ms, 10,000-row import ≤ 20 s, a worker under 300 MB.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, csrf_of, login, prepare, timed


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrepreneurs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", default="", help="an instance folder from an earlier run")
    args = parser.parse_args()

    env = prepare(args.entrepreneurs, args.seed, args.database_url, args.reuse)
    app, instance, url = env["app"], env["instance"], env["url"]
    from harkat.extensions import db
    from harkat.referrals.models import Referral
    from harkat.registration.models import Entrepreneur

    with app.app_context():
        person = db.session.scalar(
            sa.select(Entrepreneur).where(Entrepreneur.kecamatan_code == "15.71.01").limit(1)
        )
        person_id, nik, name = person.id, person.nik, person.full_name.split()[0]
        referral_id = db.session.scalar(
            sa.select(Referral.id)
            .join(Referral.bank)
            .where(Referral.status == "submitted", sa.text("banks.code = 'BANK9JAMBI'"))
            .limit(1)
        )
        month = db.session.scalar(sa.text("SELECT max(disbursed_on) FROM loans"))
        month = str(month)[:7]
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Entrepreneur))
        db.engine.dispose()

    with Server(instance, url, workers=2) as server:
        base = server.base
        facilitator = login(base, "bench.fasilitator")
        admin = login(base, "bench.admin")
        bank = login(base, "bench.bank")
        viewer = login(base, "bench.pimpinan")

        def get(session, path):
            def call():
                response = session.get(base + path)
                assert response.status_code == 200, (path, response.status_code)

            return call

        def search(text):
            token = csrf_of(facilitator.get(f"{base}/pelaku-usaha").text)

            def call():
                response = facilitator.post(
                    f"{base}/pelaku-usaha/cari", data={"q": text, "csrf_token": token}
                )
                assert response.status_code == 200

            return call

        deep = max(1, min(1000, total // 25 // 2))
        measures = [
            ("floor: /healthz through gunicorn", get(requests.Session(), "/healthz"), "floor"),
            ("login (POST + redirect)", lambda: login(base, "bench.pimpinan"), "page"),
            ("entrepreneur list, page 1 (admin)", get(admin, "/pelaku-usaha"), "page"),
            (
                f"entrepreneur list, page {deep} (admin)",
                get(admin, f"/pelaku-usaha?page={deep}"),
                "page",
            ),
            ("search by name (facilitator)", search(name), "page"),
            ("search by NIK (facilitator)", search(nik), "page"),
            (
                "entrepreneur detail (facilitator)",
                get(facilitator, f"/pelaku-usaha/{person_id}"),
                "page",
            ),
            ("bank queue (bank officer)", get(bank, "/rujukan"), "page"),
            ("monthly report, web page", get(viewer, f"/laporan/serapan?bulan={month}"), "report"),
        ]
        for fmt in ("json", "pdf", "xlsx", "csv"):
            measures.append(
                (
                    f"monthly report, {fmt.upper()}",
                    get(viewer, f"/laporan/serapan/{month}.{fmt}"),
                    "report",
                )
            )
        if referral_id:
            measures.append(
                (
                    "referral packet PDF (bank)",
                    get(bank, f"/rujukan/{referral_id}/paket.pdf"),
                    "page",
                )
            )
        results = []
        for label, call, kind in measures:
            call()  # warm up
            runs = args.runs if kind != "report" else max(5, args.runs // 4)
            results.append((label, *timed(call, runs)))
        memory = max((rss_mb(pid) for pid in server.worker_pids()), default=0.0)

    import_seconds, read_seconds = bench_import(app)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    from harkat.core.dates import JAKARTA

    print(f"# Pages through gunicorn · {datetime.now(JAKARTA).date().isoformat()}")
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()} · {backend} · {total:,} entrepreneurs · 2 workers"
    )
    floor = results[0][1]
    print(f"{'measure':40} {'p50 (ms)':>9} {'p95 (ms)':>9} {'× floor':>8}")
    for label, median, p95 in results:
        print(f"{label:40} {median * 1000:9.1f} {p95 * 1000:9.1f} {median / floor:8.1f}")
    print(
        f"{'import 10,000 rows (XLSX)':40} {import_seconds * 1000:9.0f} {'':>9} "
        f"{import_seconds / read_seconds:8.1f}   floor: pandas reading the file "
        f"{read_seconds * 1000:.0f} ms"
    )
    print(f"largest worker RSS after the run: {memory:.0f} MB")
    print(
        "monthly report: money computed on every request; the funnel is reused for "
        f"{app.config['REPORT_FUNNEL_CACHE_MINUTES']} min after the warm-up request computed it "
        "(its live cost: benchmarks/report_generation.py)"
    )


def bench_import(app) -> tuple[float, float]:
    """Import 10,000 new rows through the importer (preview + commit) on a copy of the app."""
    import pandas as pd

    from harkat.auth.models import User
    from harkat.core.nik import Gender, make_nik
    from harkat.extensions import db
    from harkat.registration import importer

    rows = []
    for serial in range(1, 10_001):
        born = date(1960, 1, 1) + timedelta(days=serial)
        gender = Gender.FEMALE if serial % 2 else Gender.MALE
        rows.append(
            {
                "NIK": make_nik("15.71.01", born, gender, 9999),
                "Nama Lengkap": f"Peserta Impor {serial}",
                "Tempat Lahir": "Jambi",
                "Tanggal Lahir": born.isoformat(),
                "Alamat": "Jl. Impor",
                "Kelurahan": "Legok",
                "Nama Usaha": f"Usaha {serial}",
                "Sektor": "C",
                "Omzet per Bulan": 5_000_000,
            }
        )
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False)
    data = buffer.getvalue()
    started = time.perf_counter()
    pd.read_excel(io.BytesIO(data))
    read_seconds = time.perf_counter() - started
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "bench.admin"))
        started = time.perf_counter()
        table = importer.read_table(data, "impor.xlsx")
        results = importer.preview(db.session, table, user)
        importer.commit(
            db.session,
            results,
            user,
            all_or_nothing=False,
            update_existing=False,
            filename="impor.xlsx",
        )
        db.session.rollback()  # measured, not kept: the instance stays reusable
        seconds = time.perf_counter() - started
        db.engine.dispose()
    return seconds, read_seconds


if __name__ == "__main__":
    main()
