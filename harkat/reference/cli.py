"""``flask seed …``: reference data."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from harkat.extensions import db
from harkat.reference.services import seed_reference

seed_cli = AppGroup("seed", help="Isi data referensi.")


@seed_cli.command("reference")
def seed_reference_command():
    """Load kecamatan, kelurahan, banks, schemes, courses and lender kinds (idempotent)."""
    result = seed_reference(db.session)
    db.session.commit()
    click.echo(
        "Data referensi siap: "
        f"{result.kecamatan} kecamatan, {result.kelurahan} kelurahan, {result.aliases} ejaan, "
        f"{result.banks} bank, {result.schemes} skema, {result.courses} kursus, "
        f"{result.lender_categories} jenis pemberi pinjaman ditambahkan."
    )
