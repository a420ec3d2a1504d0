"""``flask report absorption --month 2026-01 --format pdf --output laporan.pdf``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.reports import absorption as calc
from harkat.reports import documents, services

report_cli = AppGroup("report", help="Laporan serapan dana.")


@report_cli.command("absorption")
@click.option("--month", "month_text", required=True, help="Bulan, TTTT-BB (mis. 2026-01).")
@click.option(
    "--format", "fmt", type=click.Choice(documents.FORMATS), default="pdf", show_default=True
)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
def absorption_command(month_text: str, fmt: str, output: str):
    """Write the monthly absorption report; a closed month gives its frozen file."""
    try:
        month = services.parse_month(month_text)
    except StopValidation as error:
        raise click.BadParameter(error.reasons["month"][0], param_hint="--month") from None
    data = services.file_for(db.session, month, fmt)
    Path(output).write_bytes(data)
    closing = services.closing_of(db.session, month)
    state = "dibekukan (bulan sudah ditutup)" if closing else "angka sementara"
    click.echo(f"Laporan {calc.month_label(month)} ({fmt}, {state}) ditulis ke {output}.")
