"""A facilitator's phone on one bar of 3G: bytes on the wire and load time per page.

Serves the app with gunicorn (``deploy/gunicorn.conf.py``) on a small seeded instance and drives
Debian's chromium through Playwright at 390 px with Chromium's own network emulation (Slow 3G:
400 ms latency, 400 kbit/s = 50,000 bytes/s down and up). Bytes are what Chromium counts on the
wire (``encodedDataLength`` of every ``Network.loadingFinished``: headers and compressed bodies),
the time is from the navigation to the ``load`` event.

First visit: the facilitator's home with an empty cache (signed in beforehand, so only the page
and what it loads count). Later pages: several pages opened one after the other in the same tab,
cache warm.

Targets (issue #15): first visit ≤ 120 KB and ≤ 4 s; each later page ≤ 30 KB and ≤ 1.5 s.
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PASSWORD, Server, prepare

CHROMIUM = "/usr/bin/chromium"
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 50_000,
    "uploadThroughput": 50_000,
}
FIRST_VISIT = (120 * 1024, 4.0)
LATER_PAGE = (30 * 1024, 1.5)


def facilitator_pages(app) -> list[tuple[str, str]]:
    """The later pages: ``(label, path)`` of real records in the facilitator's kecamatan."""
    from harkat.extensions import db
    from harkat.referrals.models import Referral
    from harkat.registration.models import Entrepreneur

    with app.app_context():
        person = db.session.scalar(
            sa.select(Entrepreneur.id)
            .where(Entrepreneur.kecamatan_code == "15.71.01")
            .order_by(Entrepreneur.id)
            .limit(1)
        )
        referrals = sa.select(Referral.id).where(Referral.kecamatan_code == "15.71.01")
        referral = db.session.scalar(
            referrals.where(Referral.status != "draft").order_by(Referral.id).limit(1)
        )
        draft = db.session.scalar(
            referrals.where(Referral.status == "draft").order_by(Referral.id).limit(1)
        )
        db.engine.dispose()
    pages = [
        ("daftar pelaku usaha", "/pelaku-usaha"),
        ("detail pelaku usaha", f"/pelaku-usaha/{person}"),
        ("daftar kelompok", "/kelompok"),
        ("pelatihan", "/pelatihan/"),
        ("daftar rujukan", "/rujukan"),
    ]
    if referral:
        pages.append(("detail rujukan", f"/rujukan/{referral}"))
    if draft:
        pages.append(("rujukan draf (halaman panjang)", f"/rujukan/{draft}"))
    pages += [
        ("kalkulator pinjaman", "/kalkulator-pinjaman"),
        ("daftarkan pelaku usaha (formulir)", "/pelaku-usaha/baru"),
        ("beranda lagi", "/"),
    ]
    return pages


class Meter:
    """Counts bytes on the wire per navigation through a CDP session on the page."""

    def __init__(self, page, context):
        self.page = page
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        self.urls: dict[str, str] = {}
        self.bytes = 0
        self.requests: list[tuple[str, int]] = []
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event) -> None:
        url = self.urls.get(event["requestId"], "?")
        size = int(event["encodedDataLength"])
        if url.startswith("data:") or not size:
            return  # drawn from the stylesheet or the memory cache: nothing crossed the wire
        self.bytes += size
        self.requests.append((url, size))

    def visit(self, url: str) -> tuple[int, float, list[tuple[str, int]]]:
        """Open ``url``; return bytes on the wire, seconds to ``load`` and the requests made."""
        self.bytes, self.requests = 0, []
        started = time.perf_counter()
        response = self.page.goto(url, wait_until="load")
        elapsed = time.perf_counter() - started
        if response is None or response.status != 200:
            raise RuntimeError(f"{url}: {response and response.status}")
        # Late loadingFinished events of this page arrive after `load`; give them a moment.
        self.page.wait_for_timeout(300)
        return self.bytes, elapsed, list(self.requests)


def offline_kit_bytes(context, base: str) -> int:
    """What the service worker fetches once after the first visit, as sent (brotli)."""
    import json
    import urllib.request

    script = context.request.get(f"{base}/sw.js").text()
    urls = []
    for name in ("SHELL", "STATIC"):
        urls += json.loads(re.search(rf"const {name} = (\[.*?\]);", script).group(1))
    urls += json.loads("[" + re.search(r"importScripts\((.*?)\);", script).group(1) + "]")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    total = 0
    for url in dict.fromkeys(urls):
        request = urllib.request.Request(  # noqa: S310 - our own loopback server
            base + url, headers={"Accept-Encoding": "br, gzip", "Cookie": cookies}
        )
        with urllib.request.urlopen(request) as response:  # noqa: S310
            total += len(response.read())
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrepreneurs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", default="", help="an instance folder from an earlier run")
    parser.add_argument("--verbose", action="store_true", help="list every request")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    env = prepare(args.entrepreneurs, args.seed, reuse=args.reuse)
    pages = facilitator_pages(env["app"])
    failures = []

    def report(label: str, size: int, seconds: float, target, requests) -> None:
        limit_bytes, limit_seconds = target
        ok = size <= limit_bytes and seconds <= limit_seconds
        if not ok:
            failures.append(label)
        print(
            f"{label:<36} {size / 1024:7.1f} KB {seconds:6.2f} s  {len(requests):2d} over the wire"
            f"  (≤ {limit_bytes // 1024} KB, ≤ {limit_seconds} s) {'✓' if ok else '✗ MISSED'}"
        )
        if args.verbose:
            for url, request_size in requests:
                print(f"    {request_size / 1024:7.1f} KB  {url}")

    with Server(env["instance"], env["url"], workers=2) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        viewport = {"width": 390, "height": 844}
        print(
            f"Facilitator at 390 px, Slow 3G (400 ms, 400 kbit/s), {args.entrepreneurs} "
            "entrepreneurs"
        )
        # The sign-in page as a newcomer's phone first sees it.
        first = browser.new_context(viewport=viewport)
        size, seconds, requests = Meter(first.new_page(), first).visit(f"{server.base}/auth/login")
        report("halaman masuk, kunjungan pertama", size, seconds, FIRST_VISIT, requests)
        # Sign in through the form without touching the HTTP cache of the context measured next.
        login_page = first.request.get(f"{server.base}/auth/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page.text()).group(1)
        signed_in = first.request.post(
            f"{server.base}/auth/login",
            form={"username": "bench.fasilitator", "password": PASSWORD, "csrf_token": token},
            max_redirects=0,
        )
        if signed_in.status != 302:
            raise RuntimeError(f"sign-in failed: {signed_in.status}")
        # Chromium's network emulation throttles the page, not a service worker's own fetches:
        # with the offline worker running, pages it passes through would look free and instant.
        # Pages are measured without it; what the worker fetches once is reported below.
        context = browser.new_context(
            viewport=viewport, storage_state=first.storage_state(), service_workers="block"
        )
        first.close()
        page = context.new_page()
        meter = Meter(page, context)

        size, seconds, requests = meter.visit(f"{server.base}/")
        report("beranda, kunjungan pertama (cold)", size, seconds, FIRST_VISIT, requests)
        for label, path in pages:
            size, seconds, requests = meter.visit(server.base + path)
            report(label, size, seconds, LATER_PAGE, requests)
        kit = offline_kit_bytes(context, server.base)
        print(
            f"{'offline kit (fetched once in the background)':<36} {kit / 1024:7.1f} KB"
            "  (the service worker's shell pages and static files, compressed)"
        )
        browser.close()

    if failures:
        print(f"Targets missed: {', '.join(failures)}")
        sys.exit(1)
    print("All targets met.")


if __name__ == "__main__":
    main()
