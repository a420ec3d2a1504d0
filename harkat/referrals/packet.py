"""The referral packet (PDF) the bank receives: cover letter, applicants, simulation, checklist.

Built from a :class:`PacketData` the service assembles, returned as bytes; the view sends it.
The bank's copy carries full NIKs; the city's file copy masks them (UU 27/2022 PDP).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from harkat import pdf
from harkat.core.dates import format_date, format_datetime, to_local
from harkat.core.money import format_percent, format_rupiah
from harkat.core.nik import format_nik, mask_nik
from harkat.core.phone import format_phone
from harkat.referrals.gates import DocumentKind, GateResult
from harkat.referrals.loans import Schedule, terbilang
from harkat.referrals.models import Referral, ReferralDocument, ReferralTakeOver
from harkat.registration.models import Business, Entrepreneur
from harkat.screening.engine import ILLEGAL_PAYOFF_GUIDANCE, format_rate_percent
from harkat.screening.engine import format_ratio_percent as _ratio
from harkat.screening.models import Screening
from harkat.training.models import Enrolment

LINE = pdf.LINE


@dataclass
class ApplicantInfo:
    entrepreneur: Entrepreneur
    amount: int
    purpose: str
    businesses: list[Business]
    enrolments: list[Enrolment]
    screening: Screening | None
    instalment: int | None
    is_chair: bool = False


@dataclass
class PacketData:
    referral: Referral
    applicants: list[ApplicantInfo]
    gates: list[GateResult]
    #: Whether the gates are the snapshot taken at submission (else a live check of a draft).
    gates_snapshotted: bool
    schedule: Schedule | None
    documents: list[ReferralDocument]
    take_overs: list[tuple[str, ReferralTakeOver]]
    verify_url: str
    signatory_name: str
    signatory_title: str
    #: The one DSR limit of this referral: the one its gates judged by.
    dsr_limit: Decimal
    #: Each applicant's DSR after this loan as the gates judged it (person id → percent).
    member_dsr: dict[int, Decimal]
    #: Stored files of the image documents (document id → path), printed as thumbnails.
    image_files: dict[int, Path] = field(default_factory=dict)


_styles = pdf.base_styles


_esc = pdf.escape


class QrCode(Flowable):
    """A QR code of ``value`` drawn as vectors (reportlab's own widget, no image library)."""

    def __init__(self, value: str, size: float):
        super().__init__()
        self.value, self.size = value, size
        self.width = self.height = size

    def draw(self) -> None:
        widget = QrCodeWidget(self.value, barLevel="M")
        left, bottom, right, top = widget.getBounds()
        drawing = Drawing(
            self.size,
            self.size,
            transform=[self.size / (right - left), 0, 0, self.size / (top - bottom), 0, 0],
        )
        drawing.add(widget)
        renderPDF.draw(drawing, self.canv, 0, 0)


def _known_rupiah(amount: int | None) -> str:
    """An amount, or "belum diisi" where the figure is unknown (blank is not zero)."""
    return "belum diisi" if amount is None else format_rupiah(amount)


def _pairs(rows: list[tuple[str, str]], styles, width: float) -> Table:
    data = [
        [Paragraph(_esc(k), styles["cellb"]), Paragraph(_esc(v), styles["cell"])] for k, v in rows
    ]
    table = Table(data, colWidths=[width * 0.32, width * 0.68])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, LINE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _grid(header, rows, widths, styles, right=()):
    return pdf.grid(header, rows, widths, right)


def _address(e: Entrepreneur, bank_copy: bool) -> str:
    if not bank_copy:
        return f"Kel. {e.kelurahan.name}, Kec. {e.kecamatan.name}"
    text = e.address
    if e.rt:
        text += f", RT {e.rt}"
    if e.rw:
        text += f"/RW {e.rw}"
    return f"{text}, Kel. {e.kelurahan.name}, Kec. {e.kecamatan.name}, Kota Jambi"


def _dsr_rows(data: PacketData, a: ApplicantInfo, s: Screening) -> list[tuple[str, str]]:
    """The DSR lines of one applicant: the gates' figure against the referral's one limit."""
    limit = data.dsr_limit
    judged = data.member_dsr.get(a.entrepreneur.id)
    after = (
        f"{_ratio(judged, limit)} setelah pinjaman ini (batas rujukan {format_rate_percent(limit)})"
        if judged is not None
        else "tidak terhitung"
    )
    now = s.ratio_text(s.dsr)
    taken = s.ratio_text(s.dsr_after_take_over) if s.dsr_after_take_over is not None else None
    screened = f"saat skrining {now}" + (
        f", setelah pengambilalihan {taken}" if taken is not None else ""
    )
    return [("DSR", f"{after}; {screened}")]


def _notes(s: Screening) -> str:
    """The screening's reasons, less its DSR sentences: the packet states one DSR limit."""
    return " ".join(r for r in (s.reasons or []) if not r.startswith("DSR")) or "—"


def _gate_status(result: GateResult) -> str:
    if result.passed:
        return "Terpenuhi"
    if result.ok:
        return f"Dikecualikan admin ({result.exempted_by}): {result.exemption_reason}"
    return "Belum: " + " ".join(result.problems)


THUMBNAIL = 40 * mm
THUMBNAILS_PER_ROW = 4


def _thumbnail(path: Path) -> Image | None:
    """A small JPEG of a stored photo, scaled into a square box keeping its proportions."""
    from PIL import Image as PillowImage
    from PIL import ImageOps

    try:
        with PillowImage.open(path) as picture:
            picture = ImageOps.exif_transpose(picture)
            picture.thumbnail((480, 480))
            if picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=75)
            width, height = picture.size
    except (OSError, ValueError, SyntaxError):
        return None
    buffer.seek(0)
    scale = THUMBNAIL / max(width, height)
    return Image(buffer, width=width * scale, height=height * scale)


#: Documents that show the NIK itself: printed only on the bank's copy (the city's is masked).
IDENTITY_DOCUMENTS = frozenset({DocumentKind.KTP, DocumentKind.KK})


def _thumbnails(data: PacketData, styles, width: float, bank_copy: bool) -> Table | None:
    cells = []
    for document in data.documents:
        if document.kind in IDENTITY_DOCUMENTS and not bank_copy:
            continue
        path = data.image_files.get(document.id)
        image = _thumbnail(path) if path is not None else None
        if image is None:
            continue
        owner = document.entrepreneur.full_name if document.entrepreneur else "Kelompok"
        caption = Paragraph(f"{_esc(document.kind.label)} · {_esc(owner)}", styles["cell"])
        cells.append([image, caption])
    if not cells:
        return None
    column = width / THUMBNAILS_PER_ROW
    rows = [
        cells[i : i + THUMBNAILS_PER_ROW]
        + [""] * (THUMBNAILS_PER_ROW - len(cells[i : i + THUMBNAILS_PER_ROW]))
        for i in range(0, len(cells), THUMBNAILS_PER_ROW)
    ]
    table = Table(rows, colWidths=[column] * THUMBNAILS_PER_ROW)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("GRID", (0, 0), (-1, -1), 0.25, LINE),
            ]
        )
    )
    return table


def packet_pdf(data: PacketData, *, bank_copy: bool, printed_at: datetime) -> bytes:
    """Build the packet; ``bank_copy`` prints full NIKs and street addresses."""
    r = data.referral
    word = r.bank.rate_word  # "margin" at a sharia bank, "bunga" elsewhere
    styles = _styles()
    buffer = io.BytesIO()
    copy_label = "SALINAN UNTUK BANK" if bank_copy else "SALINAN ARSIP DINAS (NIK disamarkan)"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=14 * mm,
        bottomMargin=18 * mm,
        title=f"Paket rujukan {r.number}",
        author="HARKAT",
    )
    width = doc.width
    sent_on = to_local(r.submitted_at).date() if r.submitted_at else to_local(printed_at).date()
    total = r.requested_amount
    kind = "kelompok " + r.group.name if r.group else "perorangan"
    story: list = pdf.letterhead(width)
    story += [
        _pairs(
            [
                ("Nomor", f"{r.number}/DKUMKM/{sent_on.year}"),
                ("Tanggal", format_date(sent_on)),
                ("Perihal", "Rujukan calon debitur BANK HARKAT"),
                (
                    "Lampiran",
                    f"{len(data.applicants)} berkas pemohon, simulasi angsuran, daftar periksa",
                ),
            ],
            styles,
            width * 0.7,
        ),
        Spacer(1, 5 * mm),
        Paragraph(f"Kepada Yth.<br/>Pimpinan {_esc(r.bank.name)}<br/>di Jambi", styles["body"]),
        Spacer(1, 4 * mm),
        Paragraph(
            "Dalam rangka program BANK HARKAT (Bantuan Kelompok Usaha Masyarakat) Pemerintah Kota "
            f"Jambi, bersama ini kami merujuk pemohon {_esc(kind)} dari Kecamatan "
            f"{_esc(r.kecamatan.name)} yang telah mengikuti pendampingan, pelatihan BALIKAT dan "
            "skrining utang, untuk dapat dipertimbangkan memperoleh pembiayaan dengan skema "
            f"<b>{_esc(r.scheme.name)}</b>:",
            styles["body"],
        ),
        Spacer(1, 2 * mm),
        _pairs(
            [
                ("Jumlah diajukan", f"{format_rupiah(total)} ({terbilang(total)})"),
                ("Tenor", f"{r.tenor_months} bulan"),
                (
                    word.capitalize(),
                    f"{format_percent(r.annual_rate_percent, 2)} per tahun, metode "
                    f"{r.method.label.lower()}",
                ),
                ("Tujuan", f"{r.purpose.label}{' — ' + r.purpose_note if r.purpose_note else ''}"),
                ("Pendamping", r.facilitator.full_name if r.facilitator else "—"),
            ],
            styles,
            width,
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            "Data pribadi pemohon dibagikan atas persetujuan tertulis pemohon dan hanya untuk "
            "keperluan penilaian kredit (UU 27/2022 tentang Pelindungan Data Pribadi). Keputusan "
            "kredit sepenuhnya berada pada bank. Mohon keputusan dicatat pada aplikasi HARKAT.",
            styles["body"],
        ),
        Spacer(1, 8 * mm),
    ]
    signature = Table(
        [
            [
                QrCode(data.verify_url, 28 * mm),
                Paragraph(
                    f"Jambi, {format_date(sent_on)}<br/>{_esc(data.signatory_title)}<br/><br/>"
                    f"<br/><br/><b>{_esc(data.signatory_name)}</b>",
                    styles["body"],
                ),
            ],
            [
                Paragraph(
                    "Pindai untuk memeriksa keaslian dan status rujukan:<br/>"
                    f"{_esc(data.verify_url)}",
                    styles["small"],
                ),
                "",
            ],
        ],
        colWidths=[width * 0.55, width * 0.45],
    )
    signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [signature, PageBreak()]

    story.append(Paragraph(f"A. Pemohon ({copy_label})", styles["title"]))
    if r.group:
        g = r.group
        story.append(
            _pairs(
                [
                    ("Kelompok", g.name),
                    ("Ketua", r.entrepreneur.full_name),
                    ("SK pembentukan", g.decree_number or "—"),
                    ("Dibentuk", format_date(g.formed_on) if g.formed_on else "—"),
                    ("Wilayah", f"Kel. {g.kelurahan.name}, Kec. {g.kecamatan.name}"),
                    ("Anggota dirujuk", str(len(data.applicants))),
                ],
                styles,
                width,
            )
        )
        story.append(
            _grid(
                ["No", "Nama", "NIK", "Pinjaman", "Angsuran/bln", "Tujuan"],
                [
                    [
                        str(i + 1),
                        a.entrepreneur.full_name + (" (ketua)" if a.is_chair else ""),
                        format_nik(a.entrepreneur.nik)
                        if bank_copy
                        else mask_nik(a.entrepreneur.nik),
                        format_rupiah(a.amount),
                        format_rupiah(a.instalment) if a.instalment else "—",
                        a.purpose or "—",
                    ]
                    for i, a in enumerate(data.applicants)
                ],
                [8 * mm, width * 0.27, width * 0.2, width * 0.14, width * 0.14, None],
                styles,
                right=(3, 4),
            )
        )
    for index, a in enumerate(data.applicants, start=1):
        e = a.entrepreneur
        block = [Paragraph(f"A.{index} {_esc(e.full_name)}", styles["h2"])]
        rows = [
            ("Nomor registrasi", e.registration_number),
            ("NIK", format_nik(e.nik) if bank_copy else mask_nik(e.nik)),
            ("Jenis kelamin", e.gender.label if hasattr(e.gender, "label") else str(e.gender)),
            ("Tempat, tanggal lahir", f"{e.birth_place}, {format_date(e.birth_date)}"),
            ("Alamat", _address(e, bank_copy)),
            ("Telepon", format_phone(e.phone) if e.phone and bank_copy else "—"),
            ("Pinjaman diajukan", f"{format_rupiah(a.amount)} · {a.purpose or r.purpose.label}"),
        ]
        block.append(_pairs(rows, styles, width))
        for b in a.businesses:
            block.append(Spacer(1, 2 * mm))
            block.append(
                _pairs(
                    [
                        ("Usaha", f"{b.name} · {b.sector.label}"),
                        ("Skala", b.scale.label),
                        (
                            "Legalitas",
                            ", ".join(
                                x
                                for x in (
                                    f"NIB {b.nib}" if b.nib else "",
                                    f"SKU {b.sku_number}" if b.sku_number else "",
                                    f"PIRT {b.pirt_number}" if b.pirt_number else "",
                                    f"Halal {b.halal_certificate}" if b.halal_certificate else "",
                                )
                                if x
                            )
                            or "—",
                        ),
                        (
                            "Omzet / biaya per bulan",
                            f"{_known_rupiah(b.monthly_revenue)} / "
                            f"{format_rupiah(b.monthly_costs)}",
                        ),
                        ("Mulai usaha", str(b.start_year or "—")),
                    ],
                    styles,
                    width,
                )
            )
        training = [
            [
                en.cohort.course.title,
                f"{en.cohort.name}, {format_date(en.cohort.starts_on)}",
                en.result.label if en.result else en.status.label,
                en.certificate.number if getattr(en, "certificate", None) else "—",
            ]
            for en in a.enrolments
        ]
        block.append(Spacer(1, 2 * mm))
        block.append(
            _grid(
                ["Pelatihan BALIKAT", "Angkatan", "Hasil", "Sertifikat"],
                training or [["Belum pernah ikut pelatihan", "", "", ""]],
                [width * 0.32, width * 0.28, width * 0.12, width * 0.28],
                styles,
            )
        )
        s = a.screening
        block.append(Spacer(1, 2 * mm))
        if s is None:
            block.append(Paragraph("Skrining utang: tidak ada yang berlaku.", styles["cell"]))
        else:
            block.append(
                _pairs(
                    [
                        (
                            "Skrining utang",
                            f"{format_date(s.screened_on)} · hasil "
                            f"{s.outcome.value.upper()} · berlaku s.d. "
                            f"{format_date(s.valid_until)}",
                        ),
                        (
                            "Utang berjalan",
                            f"{format_rupiah(s.total_outstanding)}, angsuran "
                            f"{format_rupiah(s.monthly_debt_service)}/bulan",
                        ),
                        *_dsr_rows(data, a, s),
                        (
                            "SLIK (cek mandiri)",
                            f"kolektibilitas terburuk {s.slik_worst_collectability}"
                            if s.slik_worst_collectability
                            else "tidak dilampirkan",
                        ),
                        ("Catatan", _notes(s)),
                    ],
                    styles,
                    width,
                )
            )
            debts = [
                [
                    d.lender_name,
                    d.lender_type.label,
                    format_rupiah(d.outstanding),
                    d.rate_phrase,
                    "ya" if d.taken_over else "",
                ]
                for d in s.debts
            ]
            if debts:
                block.append(Spacer(1, 1 * mm))
                block.append(
                    _grid(
                        [
                            "Pemberi pinjaman",
                            "Jenis",
                            "Sisa",
                            "Setara bunga per tahun",
                            "Saran ambil alih",
                        ],
                        debts,
                        [width * 0.22, width * 0.2, width * 0.14, width * 0.3, None],
                        styles,
                        right=(2, 3),
                    )
                )
        story.append(KeepTogether(block[:2]))
        story += block[2:]

    story.append(Paragraph("B. Pengambilalihan utang", styles["title"]))
    if data.take_overs:
        rows = []
        for name, t in data.take_overs:
            planned = format_rupiah(t.amount)
            if t.amount != t.debt.outstanding:
                planned += f" (tagihan {format_rupiah(t.debt.outstanding)})"
            paid = (
                f"{format_rupiah(t.paid_amount)} ke {t.paid_to}, {format_date(t.paid_on)}; "
                f"surat lunas SHA-256 {(t.proof_sha256 or '')[:12]}"
                if t.is_paid
                else "belum dicatat"
            )
            rows.append([name, t.debt.lender_name, planned, paid])
        story.append(
            _grid(
                ["Pemohon", "Pemberi pinjaman", "Dilunasi", "Pelunasan tercatat"],
                rows,
                [width * 0.22, width * 0.22, width * 0.24, None],
                styles,
            )
        )
        story.append(
            Paragraph(
                "Pelunasan dilakukan langsung ke pemberi pinjaman; pemohon menyerahkan surat "
                "keterangan lunas.",
                styles["cell"],
            )
        )
        if any(t.amount < t.debt.outstanding for _, t in data.take_overs):
            story.append(Paragraph(_esc(ILLEGAL_PAYOFF_GUIDANCE), styles["cell"]))
    else:
        story.append(Paragraph("Tidak ada utang yang diambil alih.", styles["cell"]))

    story.append(Paragraph("C. Simulasi angsuran", styles["title"]))
    sched = data.schedule
    if sched is not None:
        story.append(
            _pairs(
                [
                    ("Pokok", f"{format_rupiah(sched.principal)} ({terbilang(sched.principal)})"),
                    ("Angsuran per bulan", format_rupiah(sched.instalment)),
                    (
                        f"Total dibayar / {word}",
                        f"{format_rupiah(sched.total_paid)} / "
                        f"{format_rupiah(sched.total_interest)}",
                    ),
                    (
                        f"{word.capitalize()} efektif setara",
                        f"{format_percent(sched.effective_annual_rate_percent, 2)} per tahun",
                    ),
                ],
                styles,
                width,
            )
        )
        story.append(Spacer(1, 2 * mm))
        story.append(
            _grid(
                ["Ke", "Jatuh tempo", "Angsuran", word.capitalize(), "Pokok", "Sisa pokok"],
                [
                    [
                        str(row.number),
                        format_date(row.due_on) if row.due_on else f"bulan {row.number}",
                        format_rupiah(row.instalment),
                        format_rupiah(row.interest),
                        format_rupiah(row.principal),
                        format_rupiah(row.remaining),
                    ]
                    for row in sched.rows
                ],
                [10 * mm, width * 0.2, None, None, None, None],
                styles,
                right=(2, 3, 4, 5),
            )
        )

    story.append(Paragraph("D. Daftar periksa rujukan", styles["title"]))
    when = (
        f"dibekukan saat diajukan {format_datetime(r.submitted_at)}"
        if data.gates_snapshotted
        else f"diperiksa {format_datetime(printed_at)} (draf)"
    )
    story.append(Paragraph(f"Syarat rujukan, {when}:", styles["cell"]))
    story.append(
        Paragraph(
            f"Batas DSR rujukan ini: <b>{format_rate_percent(data.dsr_limit)}</b> (angsuran semua "
            "utang setelah pinjaman ini dibagi penghasilan bersih per bulan, dibandingkan tanpa "
            "pembulatan).",
            styles["cell"],
        )
    )
    story.append(
        _grid(
            ["Syarat", "Status"],
            [[g.gate.label, _gate_status(g)] for g in data.gates],
            [width * 0.42, None],
            styles,
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(
        _grid(
            ["Dokumen", "Milik", "Berkas", "SHA-256 (awal)"],
            [
                [
                    d.kind.label,
                    d.entrepreneur.full_name if d.entrepreneur else "Kelompok",
                    d.original_name,
                    d.sha256[:16],
                ]
                for d in data.documents
            ]
            or [["Belum ada dokumen", "", "", ""]],
            [width * 0.25, width * 0.25, width * 0.3, None],
            styles,
        )
    )
    thumbnails = _thumbnails(data, styles, width, bank_copy)
    if thumbnails is not None:
        story.append(Spacer(1, 3 * mm))
        note = "" if bank_copy else "; foto KTP dan KK hanya pada salinan bank"
        story.append(
            Paragraph(
                f"Foto dokumen (diperkecil; berkas PDF tercantum di atas{note})", styles["cell"]
            )
        )
        story.append(thumbnails)
    reference = f"HARKAT · {r.number} · {copy_label} · dicetak {format_datetime(printed_at)}"
    doc.build(story, onFirstPage=pdf.footer(reference), onLaterPages=pdf.footer(reference))
    return buffer.getvalue()
