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
    from harkat.auth.domain import Role
    from harkat.auth.models import User
    from harkat.demo.generator import seed_demo, tidy_after_bulk_load
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
            tidy_after_bulk_load(db.engine)
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


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with ``deploy/gunicorn.conf.py`` on a free loopback port, for ``with`` blocks."""

    def __init__(self, instance: Path, url: str, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.instance, self.url, self.workers = instance, url, workers
        self.process = None

    def __enter__(self) -> Server:
        import os
        import subprocess
        import sys

        import requests

        env = dict(
            os.environ,
            HARKAT_BIND=f"127.0.0.1:{self.port}",
            HARKAT_WORKERS=str(self.workers),
            HARKAT_DATABASE_URL=self.url,
            HARKAT_INSTANCE_PATH=str(self.instance),
            HARKAT_SECRET_KEY="bench-secret",  # noqa: S106 - a throwaway benchmark instance
            HARKAT_API_RATE_LIMIT_PER_MINUTE="100000",
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 - our own server for the benchmark
            [
                str(gunicorn),
                "-c",
                str(ROOT / "deploy/gunicorn.conf.py"),
                "--access-logfile",
                "/dev/null",
                "harkat:create_app()",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(150):
            try:
                if requests.get(f"{self.base}/healthz", timeout=5).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def __exit__(self, *exc) -> None:
        import signal

        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def login(base: str, username: str):
    """A requests session signed in through the real login form (with its CSRF token)."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/auth/login")
    response = session.post(
        f"{base}/auth/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login of {username} failed: {response.status_code}")
    return session


def csrf_of(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    return match.group(1)
