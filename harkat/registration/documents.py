"""Files built for entrepreneurs: the consent form (PDF) and list exports (XLSX, CSV)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime

import pandas as pd
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from harkat.core.dates import format_date, format_datetime
from harkat.core.enums import ConsentPurpose
from harkat.core.nik import format_nik, mask_nik
from harkat.core.phone import format_phone
from harkat.core.spreadsheet import neutralise
from harkat.pdf import escape
from harkat.registration.domain import CONSENT_TEXT_VERSION, CONSENT_TEXTS, CONSENT_WITHDRAWAL_NOTE
from harkat.registration.models import Entrepreneur

CITY = "PEMERINTAH KOTA JAMBI"
OFFICE = "DINAS KOPERASI DAN USAHA MIKRO, KECIL DAN MENENGAH"


def _styles():
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle(
            "title", parent=sheet["Title"], fontSize=13, leading=16, spaceAfter=2
        ),
        "head": ParagraphStyle(
            "head",
            parent=sheet["Normal"],
            fontName="Helvetica-Bold",
            fontSize=11,
            alignment=1,
            leading=14,
        ),
        "small": ParagraphStyle("small", parent=sheet["Normal"], fontSize=8, leading=10),
        "body": ParagraphStyle("body", parent=sheet["Normal"], fontSize=9.5, leading=13),
        "bold": ParagraphStyle(
            "bold", parent=sheet["Normal"], fontName="Helvetica-Bold", fontSize=9.5, leading=13
        ),
    }


def _footer(canvas, doc, reference: str) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7.5)
    canvas.setFillColor(colors.grey)
    canvas.drawString(18 * mm, 10 * mm, reference)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Halaman {doc.page}")
    canvas.restoreState()


def consent_form_pdf(entrepreneur: Entrepreneur, printed_at: datetime) -> bytes:
    """Build the consent form the entrepreneur signs, one box to tick per purpose."""
    styles = _styles()
    buffer = io.BytesIO()
    reference = (
        f"HARKAT · {entrepreneur.registration_number} · naskah persetujuan versi "
        f"{CONSENT_TEXT_VERSION} · dicetak {format_datetime(printed_at)}"
    )
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"Formulir persetujuan {entrepreneur.registration_number}",
        author="HARKAT",
    )
    story = [
        Paragraph(CITY, styles["head"]),
        Paragraph(OFFICE, styles["head"]),
        Spacer(1, 2 * mm),
        Table(
            [[""]],
            colWidths=[doc.width],
            rowHeights=[1],
            style=[("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black)],
        ),
        Spacer(1, 3 * mm),
        Paragraph("FORMULIR PERSETUJUAN PEMROSESAN DATA PRIBADI", styles["title"]),
        Paragraph("Program BANK HARKAT dan BALIKAT Kota Jambi", styles["head"]),
        Spacer(1, 5 * mm),
        Paragraph("Yang bertanda tangan di bawah ini:", styles["body"]),
        Spacer(1, 2 * mm),
    ]
    address = entrepreneur.address
    if entrepreneur.rt:
        address += f", RT {entrepreneur.rt}"
    if entrepreneur.rw:
        address += f"/RW {entrepreneur.rw}"
    identity = [
        ("Nomor registrasi", entrepreneur.registration_number),
        ("Nama lengkap", entrepreneur.full_name),
        ("NIK", format_nik(entrepreneur.nik)),
        (
            "Tempat, tanggal lahir",
            f"{entrepreneur.birth_place}, {format_date(entrepreneur.birth_date)}",
        ),
        (
            "Alamat",
            f"{address}, Kel. {entrepreneur.kelurahan.name}, "
            f"Kec. {entrepreneur.kecamatan.name}, Kota Jambi",
        ),
        ("Nomor HP", format_phone(entrepreneur.phone) if entrepreneur.phone else "—"),
    ]
    story.append(
        Table(
            [
                [Paragraph(k, styles["body"]), Paragraph(f": {escape(v)}", styles["body"])]
                for k, v in identity
            ],
            colWidths=[45 * mm, doc.width - 45 * mm],
            style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)],
        )
    )
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            "setelah membaca atau dibacakan penjelasan berikut, menyatakan pilihan saya dengan "
            "memberi tanda centang (✓) pada kotak <b>SETUJU</b> atau <b>TIDAK SETUJU</b>:",
            styles["body"],
        ),
        Spacer(1, 3 * mm),
    ]
    for number, purpose in enumerate(ConsentPurpose, start=1):
        rows = [
            [Paragraph(f"{number}. {purpose.label}", styles["bold"]), ""],
            [Paragraph(CONSENT_TEXTS[purpose], styles["body"]), ""],
            [
                Paragraph(
                    "[&nbsp;&nbsp;&nbsp;] SETUJU &nbsp;&nbsp;&nbsp;&nbsp; "
                    "[&nbsp;&nbsp;&nbsp;] TIDAK SETUJU",
                    styles["bold"],
                ),
                "",
            ],
        ]
        table = Table(rows, colWidths=[doc.width, 0])
        table.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (0, -1), 0.6, colors.grey),
                    ("BACKGROUND", (0, 0), (0, 0), colors.whitesmoke),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 2), (0, 2), 6),
                    ("BOTTOMPADDING", (0, 2), (0, 2), 6),
                ]
            )
        )
        story += [KeepTogether([table]), Spacer(1, 3 * mm)]
    story += [
        Paragraph(CONSENT_WITHDRAWAL_NOTE, styles["small"]),
        Spacer(1, 8 * mm),
    ]
    facilitator = entrepreneur.facilitator.full_name if entrepreneur.facilitator else ""
    signatures = Table(
        [
            [
                Paragraph("Pendamping lapangan,", styles["body"]),
                Paragraph(
                    f"Kota Jambi, ....................... {printed_at.year}<br/>Pelaku usaha,",
                    styles["body"],
                ),
            ],
            ["", ""],
            [
                Paragraph(
                    f"( {escape(facilitator) or '................................'} )",
                    styles["body"],
                ),
                Paragraph(f"( {escape(entrepreneur.full_name)} )", styles["body"]),
            ],
        ],
        colWidths=[doc.width / 2, doc.width / 2],
        rowHeights=[None, 22 * mm, None],
    )
    story.append(KeepTogether([signatures]))
    doc.build(
        story,
        onFirstPage=lambda c, d: _footer(c, d, reference),
        onLaterPages=lambda c, d: _footer(c, d, reference),
    )
    return buffer.getvalue()


EXPORT_COLUMNS = [
    "No. Registrasi",
    "NIK",
    "Nama Lengkap",
    "Jenis Kelamin",
    "Tempat Lahir",
    "Tanggal Lahir",
    "No HP",
    "Alamat",
    "RT",
    "RW",
    "Kelurahan",
    "Kecamatan",
    "Pendidikan",
    "Status Perkawinan",
    "Jumlah Tanggungan",
    "Status",
    "Tahap",
    "Kelompok",
    "Jumlah Usaha",
    "Skala Usaha Terbesar",
    "Terdaftar",
]


def export_frame(
    rows: Iterable[tuple[Entrepreneur, str | None, int, str | None]], *, mask: bool
) -> pd.DataFrame:
    """One row per entrepreneur; ``rows`` give (entrepreneur, group name, businesses, scale)."""
    records = []
    for e, group_name, business_count, scale in rows:
        records.append(
            [
                e.registration_number,
                mask_nik(e.nik) if mask else e.nik,
                e.full_name,
                e.gender.label,
                e.birth_place,
                e.birth_date.strftime("%d/%m/%Y"),
                format_phone(e.phone) if e.phone else "",
                e.address,
                e.rt or "",
                e.rw or "",
                e.kelurahan.name,
                e.kecamatan.name,
                e.education.label if e.education else "",
                e.marital_status.label if e.marital_status else "",
                e.dependants,
                e.status.label,
                e.stage.label,
                group_name or "",
                business_count,
                scale or "",
                format_date(e.created_at),
            ]
        )
    frame = pd.DataFrame(records, columns=EXPORT_COLUMNS)
    return frame.map(neutralise)


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """CSV with a BOM so Excel opens Indonesian text correctly; separator ';' as Excel-ID."""
    return frame.to_csv(index=False, sep=";").encode("utf-8-sig")


def frame_to_xlsx(frame: pd.DataFrame, sheet: str = "Pelaku usaha") -> bytes:
    """XLSX with a frozen, bold header, text NIKs, and columns sized to their contents."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet)
        worksheet = writer.sheets[sheet]
        worksheet.freeze_panes = "A2"
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(frame.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(500)])
            worksheet.column_dimensions[worksheet.cell(1, index).column_letter].width = min(
                width + 2, 50
            )
    return buffer.getvalue()
