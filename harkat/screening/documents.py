"""The counseling sheet (PDF) the facilitator gives the entrepreneur after a screening."""

from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from harkat.core.dates import format_date, format_datetime
from harkat.core.money import format_percent, format_rupiah
from harkat.screening.engine import Outcome, format_rate_percent
from harkat.screening.models import RATE_CAP, Screening

HARKAT_RATE = "3%"
OUTCOME_COLOURS = {
    Outcome.HIJAU: colors.HexColor("#198754"),
    Outcome.KUNING: colors.HexColor("#b88a00"),
    Outcome.MERAH: colors.HexColor("#b02a37"),
}
HELP_LINES = [
    "Kontak OJK 157 (telepon) · WhatsApp 081-157-157-157 · konsumen@ojk.go.id",
    "Satgas PASTI (Pemberantasan Aktivitas Keuangan Ilegal): laporkan pinjol ilegal dan "
    "penagihan dengan ancaman melalui Kontak OJK 157 atau https://pasti.ojk.go.id",
    "Jangan meminjam ke pinjol baru untuk menutup utang lama; simpan semua bukti ancaman.",
]


def rate_text(value) -> str:
    """A yearly rate as people read it: ``445%``, ``8.232,5%``, or a floor for capped ones."""
    if value is None:
        return "—"
    if value >= RATE_CAP:
        return f"lebih dari {format_rate_percent(RATE_CAP.to_integral_value())}"
    return format_rate_percent(value)


def pathway(screening: Screening) -> tuple[str, list[str]]:
    """The recommended way forward and its next steps, in plain Indonesian."""
    flags = set(screening.flags or [])
    steps = []
    if "illegal_pinjol" in flags or "intimidation" in flags:
        steps.append(
            "Laporkan pemberi pinjaman ilegal dan setiap ancaman ke Kontak OJK 157 / Satgas PASTI; "
            "utang ke pinjol ilegal tidak perlu dilunasi dengan bunga yang tidak sah."
        )
    if screening.outcome == Outcome.HIJAU:
        title = "Dapat dirujuk ke bank mitra BANK HARKAT"
        steps += [
            "Lengkapi dokumen: KTP, KK, NIB atau SKU, dan foto usaha.",
            "Pendamping menyiapkan rujukan ke bank mitra.",
        ]
    elif screening.outcome == Outcome.KUNING:
        if screening.take_over_required:
            title = "Dapat dirujuk dengan pengambilalihan utang berbiaya tinggi"
            steps += [
                f"Pinjaman BANK HARKAT sebesar {format_rupiah(screening.take_over_amount)} "
                "dipakai untuk melunasi utang yang ditandai, langsung ke pemberi pinjamannya.",
                "Mintalah surat keterangan lunas dari setiap pemberi pinjaman yang dilunasi.",
            ]
        else:
            title = "Dapat dirujuk dengan syarat"
            steps.append("Pendamping menjelaskan syarat tambahan kepada bank mitra.")
        steps.append("Lengkapi dokumen: KTP, KK, NIB atau SKU, dan foto usaha.")
    else:
        title = "Belum dapat dirujuk: konseling dan penyelesaian tunggakan lebih dulu"
        steps += [
            "Ikuti konseling keuangan bersama pendamping dan susun rencana pelunasan.",
            "Hubungi bank/koperasi untuk restrukturisasi atau pelunasan tunggakan.",
            "Skrining ulang setelah tunggakan selesai atau angsuran turun.",
        ]
    return title, steps


def counseling_pdf(screening: Screening, printed_at: datetime) -> bytes:
    """Build the sheet: each debt's real yearly cost, the 3% comparison, pathway, next steps."""
    sheet = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=sheet["Normal"], fontSize=9.5, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.grey)
    head = ParagraphStyle(
        "head", parent=sheet["Heading2"], fontSize=12, leading=15, spaceBefore=6, spaceAfter=3
    )
    title = ParagraphStyle("title", parent=sheet["Title"], fontSize=14, leading=18)
    white = ParagraphStyle("white", parent=body, textColor=colors.white)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=f"Lembar konseling {screening.entrepreneur.registration_number}",
        author="HARKAT",
    )
    e = screening.entrepreneur
    facilitator = screening.facilitator.full_name if screening.facilitator else "—"
    outcome_colour = OUTCOME_COLOURS[screening.outcome]
    story = [
        Paragraph("PEMERINTAH KOTA JAMBI · DINAS KOPERASI DAN UMKM", small),
        Paragraph("LEMBAR KONSELING UTANG", title),
        Paragraph(
            f"{e.full_name} · {e.registration_number} · diskrining "
            f"{format_date(screening.screened_on)} oleh {facilitator} · "
            f"berlaku sampai {format_date(screening.valid_until)}",
            body,
        ),
        Spacer(1, 3 * mm),
        Table(
            [[Paragraph(f"<b>HASIL: {screening.outcome.label.upper()}</b>", white)]],
            colWidths=[doc.width],
            style=[
                ("BACKGROUND", (0, 0), (-1, -1), outcome_colour),
                ("TEXTCOLOR", (0, 0), (-1, -1), colors.white),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ],
        ),
        Spacer(1, 2 * mm),
    ]
    story += [Paragraph(f"• {reason}", body) for reason in screening.reasons]

    story.append(Paragraph("Utang Anda dan biaya sebenarnya per tahun", head))
    rows = [["Pemberi pinjaman", "Angsuran", "Sisa utang", "Setara bunga per tahun"]]
    for debt in screening.debts:
        rate = rate_text(debt.nominal_rate_percent)
        marker = " (mahal)" if debt.is_high_cost else ""
        rows.append(
            [
                Paragraph(
                    f"{debt.lender_name}<br/><font size=7>{debt.lender_type.label}</font>", body
                ),
                Paragraph(f"{format_rupiah(debt.instalment)} {debt.frequency.label.lower()}", body),
                format_rupiah(debt.outstanding),
                Paragraph(f"<b>{rate}</b>{marker}", body),
            ]
        )
    table = Table(
        rows,
        colWidths=[doc.width * 0.36, doc.width * 0.24, doc.width * 0.18, doc.width * 0.22],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 1), (2, -1), "RIGHT"),
            ]
        )
    )
    checked = (
        format_date(screening.registry_checked_on)
        if screening.registry_checked_on
        else "belum pernah (daftar kosong)"
    )
    story += [
        table,
        Paragraph(f"Daftar pinjaman daring berizin OJK terakhir diperiksa: {checked}.", small),
        Spacer(1, 2 * mm),
    ]
    for debt in screening.debts:
        if debt.is_high_cost and debt.nominal_rate_percent is not None:
            story.append(
                Paragraph(
                    f"Utang ke <b>{debt.lender_name}</b> setara bunga "
                    f"<b>{rate_text(debt.nominal_rate_percent)} per tahun</b>; "
                    f"BANK HARKAT {HARKAT_RATE} per tahun.",
                    body,
                )
            )

    story.append(Paragraph("Kemampuan bayar", head))
    dsr = format_percent(screening.dsr, 1) if screening.dsr is not None else "tidak terhitung"
    summary = [
        ["Total sisa utang", format_rupiah(screening.total_outstanding)],
        ["Angsuran semua utang per bulan", format_rupiah(screening.monthly_debt_service)],
        ["Rasio angsuran terhadap pendapatan bersih (DSR)", dsr],
    ]
    if screening.take_over_amount:
        summary += [
            [
                "Utang yang sebaiknya diambil alih BANK HARKAT",
                format_rupiah(screening.take_over_amount),
            ],
            [
                "Angsuran BANK HARKAT pengganti per bulan",
                format_rupiah(screening.take_over_instalment),
            ],
            [
                "DSR setelah pengambilalihan",
                format_percent(screening.dsr_after_take_over, 1)
                if screening.dsr_after_take_over is not None
                else "tidak terhitung",
            ],
            [
                "Uang yang dihemat selama sisa masa utang",
                format_rupiah(screening.take_over_savings),
            ],
        ]
    story.append(
        Table(
            summary,
            colWidths=[doc.width * 0.65, doc.width * 0.35],
            style=[
                ("GRID", (0, 0), (-1, -1), 0.4, colors.lightgrey),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
            ],
        )
    )

    pathway_title, steps = pathway(screening)
    story.append(Paragraph(f"Jalan keluar yang disarankan: {pathway_title}", head))
    story += [Paragraph(f"{n}. {step}", body) for n, step in enumerate(steps, start=1)]
    story.append(Paragraph("Bantuan dan pengaduan", head))
    story += [Paragraph(line, body) for line in HELP_LINES]
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            f"Dicetak {format_datetime(printed_at)} dari HARKAT. Angka dihitung dari keterangan "
            "pelaku usaha; periksa kembali dengan bukti pinjaman.",
            small,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
