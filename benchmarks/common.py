"""Shared by the benchmarks: a scratch instance seeded with the real demo generator, reusable
between runs (``--reuse DIR``) because seeding 100,000 cases takes a minute or two."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Bench-Jambi-2026!"  # noqa: S105 - accounts of a throwaway benchmark instance


def timed(function, runs: int) -> tuple[float, float]:
    """Median and p95 (seconds) of ``runs`` calls."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return statistics.median(samples), samples[
        min(len(samples) - 1, round(0.95 * (len(samples) - 1)))
    ]


def prepare(entrepreneurs: int, seed: int, database_url: str = "", reuse: str = "") -> dict:
    """Return ``{"instance", "url", "seeded"}`` for a migrated, seeded instance with bench users."""
    from flask_migrate import upgrade

    from harkat import create_app
    from harkat.auth import services as auth
    from harkat.auth.models import Role, User
    from harkat.demo.generator import seed_demo
    from harkat.extensions import db
    from harkat.reference.services import seed_reference

    instance = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix="harkat-bench-"))
    instance.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{instance / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": url, "SECRET_KEY": "bench"})
    seeded = None
    with app.app_context():
        fresh = not reuse or not sa.inspect(db.engine).has_table("entrepreneurs")
        if fresh:
            if url.startswith("postgresql"):
                db.session.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                db.session.commit()
            upgrade(directory=str(ROOT / "migrations"))
            seed_reference(db.session)
            db.session.commit()
            started = time.perf_counter()
            seed_demo(db.session, entrepreneurs, seed, upload_dir=str(instance / "uploads"))
            db.session.commit()
            seeded = time.perf_counter() - started
        for username, role, extra in (
            ("bench.admin", Role.ADMIN, {}),
            ("bench.fasilitator", Role.FACILITATOR, {"kecamatan_codes": ("15.71.01",)}),
            ("bench.bank", Role.BANK_OFFICER, {"bank_code": "BANK9JAMBI"}),
            ("bench.pimpinan", Role.VIEWER, {}),
        ):
            if db.session.scalar(sa.select(User.id).where(User.username == username)) is None:
                auth.create_user(
                    db.session,
                    auth.UserData(username=username, full_name=username, role=role, **extra),
                    PASSWORD,
                )
        db.session.commit()
        db.engine.dispose()
    return {"instance": instance, "url": url, "seeded": seeded, "app": app}
