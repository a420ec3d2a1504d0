"""A bounded load test on loopback: 50 concurrent users mixing reads and writes for a few minutes
against gunicorn with several workers. It must finish with zero errors; p50/p95 are printed.

Users: 30 facilitators reading lists, searches and case pages; 8 bank officers reading their
queue and referrals; 2 viewers opening the report; 10 writers registering entrepreneurs through
the API (each write also writes its audit rows and the token's rate counter).

    python benchmarks/load.py [--users 50] [--seconds 180] [--reuse DIR]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, csrf_of, login, prepare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrepreneurs", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", default="")
    args = parser.parse_args()

    env = prepare(args.entrepreneurs, 2026, args.database_url, args.reuse)
    app = env["app"]
    from harkat.api import tokens
    from harkat.auth.models import User
    from harkat.core.nik import Gender, make_nik
    from harkat.extensions import db
    from harkat.registration.models import Entrepreneur

    with app.app_context():
        people = db.session.scalars(
            sa.select(Entrepreneur.id).where(Entrepreneur.kecamatan_code == "15.71.01").limit(500)
        ).all()
        facilitator = db.session.scalar(sa.select(User).where(User.username == "bench.fasilitator"))
        _, secret = tokens.create_token(db.session, facilitator, "Uji beban", facilitator)
        db.session.commit()
        db.engine.dispose()

    timings: list[float] = []
    by_kind: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds
    serial = iter(range(1, 10_000_000))

    def record(kind: str, started: float, send, expected=(200,)) -> None:
        """Time one request; a refused connection or an unexpected status is an error."""
        try:
            response = send()
        except requests.RequestException as error:
            with lock:
                errors.append(f"{kind}: {error.__class__.__name__}")
            return
        elapsed = time.perf_counter() - started
        with lock:
            timings.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)
            if response.status_code not in expected:
                errors.append(
                    f"{kind}: {response.request.method} {response.url} → {response.status_code}"
                )

    def reader(base: str, username: str, paths) -> None:
        session = login(base, username)
        while time.monotonic() < stop:
            path = random.choice(paths)()
            started = time.perf_counter()
            record(
                f"GET {path.split('?')[0].rstrip('0123456789')}",
                started,
                lambda path=path: session.get(base + path),
            )

    def searcher(base: str) -> None:
        session = login(base, "bench.fasilitator")
        token = csrf_of(session.get(f"{base}/pelaku-usaha").text)
        while time.monotonic() < stop:
            started = time.perf_counter()
            query = random.choice(["siti", "budi", "ani", "rahmat"])
            record(
                "POST /pelaku-usaha/cari",
                started,
                lambda query=query: session.post(
                    f"{base}/pelaku-usaha/cari", data={"q": query, "csrf_token": token}
                ),
            )

    def writer(base: str) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {secret}"
        while time.monotonic() < stop:
            with lock:
                number = next(serial)
            born = date(1950, 1, 1) + timedelta(days=number % 20000)
            nik = make_nik("15.71.01", born, Gender.FEMALE, 9000 + number // 20000)
            body = {
                "nik": nik,
                "full_name": f"Uji Beban {number}",
                "birth_place": "Jambi",
                "kelurahan_code": "15.71.01.1001",
                "address": "Jl. Beban 1",
            }
            started = time.perf_counter()
            record(
                "POST /api/v1/entrepreneurs",
                started,
                lambda body=body: session.post(f"{base}/api/v1/entrepreneurs", json=body),
                expected=(201, 409),
            )  # 409: the NIK is already in the demo data

    with Server(env["instance"], env["url"], workers=args.workers) as server:
        base = server.base
        case_paths = [
            lambda: "/pelaku-usaha",
            lambda: f"/pelaku-usaha?page={random.randint(1, 40)}",
            lambda: f"/pelaku-usaha/{random.choice(people)}",
            lambda: "/",
        ]
        bank_paths = [lambda: "/rujukan", lambda: "/pinjaman", lambda: "/"]
        report_paths = [lambda: "/laporan/serapan", lambda: "/"]
        plan = []
        writers = max(1, args.users // 5)
        for index in range(args.users):
            if index < writers:
                plan.append(threading.Thread(target=writer, args=(base,)))
            elif index < writers + 8:
                plan.append(threading.Thread(target=reader, args=(base, "bench.bank", bank_paths)))
            elif index < writers + 10:
                plan.append(
                    threading.Thread(target=reader, args=(base, "bench.pimpinan", report_paths))
                )
            elif index % 3 == 0:
                plan.append(threading.Thread(target=searcher, args=(base,)))
            else:
                plan.append(
                    threading.Thread(target=reader, args=(base, "bench.fasilitator", case_paths))
                )
        for thread in plan:
            thread.start()
        for thread in plan:
            thread.join()

    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"# Load test · {args.users} users · {args.seconds} s · {args.workers} gunicorn workers")
    print(
        f"requests: {len(timings):,} ({len(timings) / args.seconds:.0f}/s) · errors: {len(errors)}"
    )
    print(
        f"latency: p50 {statistics.median(timings) * 1000:.0f} ms · p95 {p95 * 1000:.0f} ms · "
        f"max {timings[-1] * 1000:.0f} ms"
    )
    for kind, values in sorted(by_kind.items()):
        values.sort()
        print(
            f"  {kind:32} n={len(values):6} p50 {statistics.median(values) * 1000:6.0f} ms · "
            f"p95 {values[int(0.95 * (len(values) - 1))] * 1000:6.0f} ms"
        )
    for line in errors[:20]:
        print("  " + line)
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
