"""``flask demo …``: realistic demo data."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from harkat.audit.services import set_actor
from harkat.extensions import db

demo_cli = AppGroup("demo", help="Data contoh untuk demo dan uji beban.")


@demo_cli.command("seed")
@click.option(
    "--entrepreneurs",
    "count",
    type=click.IntRange(1, 5_000_000),
    default=500,
    show_default=True,
    help="Jumlah pelaku usaha yang dibuat.",
)
@click.option(
    "--seed",
    type=int,
    default=2026,
    show_default=True,
    help="Benih acak; benih yang sama memberi data yang sama pada basis data kosong.",
)
def seed_command(count: int, seed: int):
    """Generate entrepreneurs with businesses, groups of 5–10 and consent in Kota Jambi."""
    set_actor(None)
    started = time.perf_counter()
    try:
        # Faker comes with the "demo" extra (make run and make test install it; a production
        # install with .[deploy] does not need it).
        from harkat.demo.generator import seed_demo, tidy_after_bulk_load
    except ModuleNotFoundError as missing:
        raise click.ClickException(
            f"Data demo memerlukan paket tambahan ({missing.name}); pasang dengan: "
            "pip install -e '.[demo]'"
        ) from None
    result = seed_demo(db.session, count, seed, upload_dir=current_app.config["UPLOAD_DIR"])
    db.session.commit()
    tidy_after_bulk_load(db.engine)
    seconds = time.perf_counter() - started
    click.echo(
        f"Data demo dibuat dalam {seconds:.1f} detik: {result.entrepreneurs} pelaku usaha, "
        f"{result.businesses} usaha, {result.groups} kelompok ({result.memberships} anggota), "
        f"{result.cohorts} angkatan pelatihan, {result.certificates} sertifikat, "
        f"{result.incubations} kasus inkubasi ({result.visits} kunjungan), "
        f"{result.screenings} skrining utang, {result.referrals} rujukan, {result.loans} "
        f"pinjaman ({result.loan_reports} laporan angsuran)."
    )
    if result.facilitators_created:
        click.echo(
            "Akun pendamping demo dibuat (atur kata sandinya dengan 'users set-password'): "
            + ", ".join(result.facilitators_created)
        )
