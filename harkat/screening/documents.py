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
from harkat.core.money import format_rupiah
from harkat.pdf import escape as _esc
from harkat.screening.engine import (
    HARKAT_RATE_PERCENT,
    ILLEGAL_PAYOFF_GUIDANCE,
    NOMINAL_LABEL,
    Outcome,
    format_rate_percent,
)
from harkat.screening.models import Screening, rate_text

__all__ = ["counseling_pdf", "high_cost_rule", "pathway", "rate_text", "savings_text"]

HARKAT_RATE = format_rate_percent(HARKAT_RATE_PERCENT)
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


def high_cost_rule(screening: Screening) -> str:
    """Which debts this screening called high-cost, and which rate it compared."""
    limit = format_rate_percent(screening.rules.high_cost_rate_percent)
    return (
        "Utang berbiaya tinggi: pinjol ilegal, rentenir / bank keliling, atau utang dengan bunga "
        f"{NOMINAL_LABEL} di atas {limit} per tahun (batas yang diatur admin). Pinjaman bank "
        "dengan bunga pasar, misalnya KUR 6% atau kredit 11% flat (setara bunga nominal sekitar "
        "20% per tahun), tidak termasuk."
    )


def savings_text(screening: Screening) -> tuple[str, str]:
    """The take-over's total effect in words: a saving, no difference, or what it costs more."""
    saved = screening.take_over_savings
    if saved > 0:
        return "Uang yang dihemat selama sisa masa utang", format_rupiah(saved)
    if saved == 0:
        return "Total yang dibayar", "sama dengan melanjutkan utang lama"
    return (
        "Total yang dibayar",
        f"{format_rupiah(-saved)} lebih mahal daripada melanjutkan utang lama; manfaatnya "
        "angsuran per bulan lebih ringan",
    )


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
    right = ParagraphStyle("right", parent=body, fontSize=9, leading=11, alignment=2)
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
            f"{_esc(e.full_name)} · {e.registration_number} · diskrining "
            f"{format_date(screening.screened_on)} oleh {_esc(facilitator)} · "
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
    story += [Paragraph(f"• {_esc(reason)}", body) for reason in screening.reasons]

    story.append(Paragraph("Utang Anda dan biaya sebenarnya per tahun", head))
    rows = [["Pemberi pinjaman", "Angsuran", "Sisa utang", "Setara bunga per tahun"]]
    for debt in screening.debts:
        marker = " · biaya tinggi" if debt.is_high_cost else ""
        licence = ""
        if debt.is_online and debt.is_licensed is None:
            licence = "<br/><font size=7>status izin OJK belum diketahui</font>"
        elif debt.is_online and debt.is_licensed is False:
            licence = "<br/><font size=7>tidak berizin OJK</font>"
        rows.append(
            [
                Paragraph(
                    f"{_esc(debt.lender_name)}<br/><font size=7>{debt.lender_type.label}</font>"
                    f"{licence}",
                    body,
                ),
                Paragraph(f"{format_rupiah(debt.instalment)} {debt.frequency.label.lower()}", body),
                format_rupiah(debt.outstanding),
                Paragraph(f"<b>{_esc(debt.rate_phrase)}</b>{marker}", body),
            ]
        )
    table = Table(
        rows,
        colWidths=[doc.width * 0.3, doc.width * 0.2, doc.width * 0.16, doc.width * 0.34],
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
        Paragraph(
            f"Bunga {NOMINAL_LABEL} = bunga per angsuran × jumlah angsuran setahun, sebanding "
            f"dengan BANK HARKAT {HARKAT_RATE} per tahun; bunga efektif menghitung bunga-berbunga. "
            + _esc(high_cost_rule(screening)),
            small,
        ),
        Paragraph(f"Daftar pinjaman daring berizin OJK terakhir diperiksa: {checked}.", small),
        Spacer(1, 2 * mm),
    ]
    for debt in screening.debts:
        if debt.is_high_cost and debt.nominal_rate_percent is not None:
            story.append(
                Paragraph(
                    f"Utang ke <b>{_esc(debt.lender_name)}</b> setara bunga "
                    f"<b>{_esc(debt.rate_phrase)}</b>; BANK HARKAT {HARKAT_RATE} per tahun.",
                    body,
                )
            )

    story.append(Paragraph("Kemampuan bayar", head))
    summary = [
        ["Total sisa utang", format_rupiah(screening.total_outstanding)],
        ["Angsuran semua utang per bulan", format_rupiah(screening.monthly_debt_service)],
        [
            "Rasio angsuran terhadap pendapatan bersih (DSR)",
            screening.ratio_text(screening.dsr),
        ],
    ]
    if screening.take_over_amount or any(d.taken_over for d in screening.debts):
        label, value = savings_text(screening)
        summary += [
            [
                "Utang yang sebaiknya dilunasi BANK HARKAT",
                format_rupiah(screening.take_over_amount),
            ],
            [
                "Angsuran BANK HARKAT pengganti per bulan",
                format_rupiah(screening.take_over_instalment),
            ],
            ["DSR setelah pengambilalihan", screening.ratio_text(screening.dsr_after_take_over)],
            [label, Paragraph(value, right) if screening.take_over_savings < 0 else value],
        ]
    story.append(
        Table(
            summary,
            colWidths=[doc.width * 0.55, doc.width * 0.45],
            style=[
                ("GRID", (0, 0), (-1, -1), 0.4, colors.lightgrey),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ],
        )
    )
    capped = [d for d in screening.debts if d.taken_over and d.payoff < d.outstanding]
    if capped:
        story.append(Paragraph("Pelunasan pinjol ilegal", head))
        for debt in capped:
            decided = (
                f"ditetapkan admin ({_esc(debt.take_over_override_by or '')}): "
                f"{_esc(debt.take_over_override_reason or '')}"
                if debt.take_over_override_at
                else "pokok yang diterima dikurangi yang sudah dibayar"
            )
            story.append(
                Paragraph(
                    f"<b>{_esc(debt.lender_name)}</b>: dilunasi paling banyak "
                    f"<b>{format_rupiah(debt.payoff)}</b> ({decided}), bukan tagihan "
                    f"{format_rupiah(debt.outstanding)}.",
                    body,
                )
            )
        if not any(ILLEGAL_PAYOFF_GUIDANCE in reason for reason in screening.reasons):
            story.append(Paragraph(ILLEGAL_PAYOFF_GUIDANCE, body))

    pathway_title, steps = pathway(screening)
    story.append(Paragraph(f"Jalan keluar yang disarankan: {pathway_title}", head))
    story += [Paragraph(f"{n}. {_esc(step)}", body) for n, step in enumerate(steps, start=1)]
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
