"""BALIKAT certificates: issuing, revoking, the printable PDF and the public verification.

Services take a session and an explicit actor, flush, and never commit. Nothing here imports
Flask: the views build the verification address and send the bytes.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph
from sqlalchemy.orm import Session, joinedload

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.cases.services import add_event
from harkat.core.dates import JAKARTA, format_date, to_local
from harkat.database import utcnow
from harkat.errors import DomainError, StopValidation
from harkat.pdf import escape as pdf_escape
from harkat.training.domain import TrainingResult, format_certificate_number
from harkat.training.models import Certificate, CertificateCounter, Cohort, Enrolment

#: Bytes of randomness in a verification token; ``token_urlsafe`` turns 24 into 32 characters.
TOKEN_BYTES = 24
#: Longest revocation reason the column holds.
MAX_REASON = 300


@dataclass(frozen=True)
class Signatory:
    """Who signs a certificate, as printed under the signature."""

    name: str
    title: str

    @classmethod
    def from_config(cls, config: Mapping) -> Signatory:
        """Read ``CERTIFICATE_SIGNATORY_NAME`` and ``_TITLE`` from an app's configuration."""
        return cls(config["CERTIFICATE_SIGNATORY_NAME"], config["CERTIFICATE_SIGNATORY_TITLE"])


# --------------------------------------------------------------------------- issuing


def _today() -> date:
    return datetime.now(JAKARTA).date()


def next_certificate_number(session: Session, year: int) -> str:
    """Reserve the next certificate number of a year, safely beside other workers."""
    updated = session.execute(
        sa.update(CertificateCounter)
        .where(CertificateCounter.year == year)
        .values(last_number=CertificateCounter.last_number + 1)
    )
    if updated.rowcount == 0:
        try:
            with session.begin_nested():
                session.add(CertificateCounter(year=year, last_number=1))
        except sa.exc.IntegrityError:
            # Another worker created the year's counter first; take a number after theirs.
            return next_certificate_number(session, year)
    last = session.scalar(
        sa.select(CertificateCounter.last_number).where(CertificateCounter.year == year)
    )
    return format_certificate_number(year, last)


def new_token() -> str:
    """Return an unguessable verification token (random, never derived from id or number)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def _course_title(enrolment: Enrolment) -> str:
    return enrolment.cohort.course.title


def issue_certificate(
    session: Session,
    enrolment: Enrolment,
    signatory: Signatory,
    actor: User | None,
    today: date | None = None,
) -> Certificate:
    """Issue the certificate of a graduate, or return the one already issued.

    A revoked certificate is not brought back: issuing again after a revocation gives the same
    row a new number, token and date (the old QR code stays "dicabut" for good).

    :raise StopValidation: when the enrolee did not pass.
    """
    if enrolment.result != TrainingResult.PASSED:
        raise StopValidation({None: ["Sertifikat hanya untuk peserta yang lulus."]})
    today = today or _today()
    certificate = session.scalar(
        sa.select(Certificate).where(Certificate.enrolment_id == enrolment.id)
    )
    if certificate is not None and certificate.is_valid:
        return certificate
    number = next_certificate_number(session, today.year)
    values = {
        "number": number,
        "token": new_token(),
        "issued_on": today,
        "signatory_name": signatory.name,
        "signatory_title": signatory.title,
    }
    if certificate is not None:
        old_number = certificate.number
        for key, value in values.items():
            setattr(certificate, key, value)
        certificate.revoked_at = None
        certificate.revoked_reason = None
        certificate.revoked_by_id = None
        session.flush()
        summary = (
            f"Sertifikat BALIKAT {number} diterbitkan ulang (menggantikan {old_number} yang "
            f"dicabut): {_course_title(enrolment)}."
        )
    else:
        certificate = Certificate(enrolment_id=enrolment.id, **values)
        try:
            with session.begin_nested():
                session.add(certificate)
        except sa.exc.IntegrityError:
            # Someone issued this enrolee's certificate at the same moment; theirs stands.
            existing = session.scalar(
                sa.select(Certificate).where(Certificate.enrolment_id == enrolment.id)
            )
            if existing is None:
                raise
            return existing
        finally:
            # The relationship was loaded (empty) before; let it find the row now stored.
            session.expire(enrolment, ["certificate"])
        summary = f"Sertifikat BALIKAT {number} diterbitkan: {_course_title(enrolment)}."
    add_event(
        session,
        enrolment.entrepreneur_id,
        "certificate",
        summary,
        actor,
        data={"certificate_id": certificate.id, "number": number},
    )
    return certificate


def issue_for_cohort(
    session: Session,
    cohort: Cohort,
    signatory: Signatory,
    actor: User | None,
    today: date | None = None,
) -> list[Certificate]:
    """Issue (or return) the certificate of every graduate of a cohort, in enrolment order."""
    return [
        issue_certificate(session, enrolment, signatory, actor, today)
        for enrolment in cohort.enrolments
        if enrolment.result == TrainingResult.PASSED
    ]


def revoke_certificate(
    session: Session, certificate: Certificate, reason: str, actor: User
) -> Certificate:
    """Revoke a certificate for a stated reason; its public page then says "DICABUT".

    :raise StopValidation: without a reason, for a non-admin, or when already revoked.
    """
    reason = " ".join((reason or "").split())
    if actor.role != Role.ADMIN:
        raise StopValidation({None: ["Hanya admin Dinas yang dapat mencabut sertifikat."]})
    # Two admins revoking at once: the second waits here, then sees the first one's revocation.
    session.refresh(certificate, with_for_update=True)
    if not certificate.is_valid:
        raise StopValidation({None: [f"Sertifikat {certificate.number} sudah dicabut."]})
    if not reason:
        raise StopValidation({"reason": ["Tuliskan alasan pencabutan sertifikat."]})
    if len(reason) > MAX_REASON:
        raise StopValidation({"reason": [f"Alasan pencabutan maksimal {MAX_REASON} karakter."]})
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = actor.id
    session.flush()
    add_event(
        session,
        certificate.enrolment.entrepreneur_id,
        "certificate",
        f"Sertifikat BALIKAT {certificate.number} dicabut: {reason}",
        actor,
        data={"certificate_id": certificate.id, "number": certificate.number},
    )
    return certificate


# --------------------------------------------------------------------------- verification


def _mask_word(word: str) -> str:
    letters = sum(char.isalnum() for char in word)
    keep = 2 if letters > 2 else 1
    masked = []
    for char in word:
        if char.isalnum():
            masked.append(char if keep > 0 else "*")
            keep -= 1
        else:
            masked.append(char)  # punctuation (``M.``, ``Nur'aini``) tells nothing
    return "".join(masked)


def mask_name(full_name: str) -> str:
    """Show a holder's name partly: the first two letters of each word (``Si** Am****``).

    Words of one or two letters keep only their first letter, so no word shows whole;
    punctuation stays as it is.
    """
    return " ".join(_mask_word(word) for word in (full_name or "").split())


@dataclass(frozen=True)
class VerificationResult:
    """What the public verification page may show about a certificate, and nothing more."""

    masked_name: str
    course_title: str
    starts_on: date
    ends_on: date
    number: str
    issued_on: date
    is_valid: bool
    revoked_on: date | None


def verification(session: Session, token: str) -> VerificationResult | None:
    """Look a certificate up by the token its QR code carries; None when the token is unknown."""
    if not token or len(token) > Certificate.token.type.length:
        return None
    certificate = session.scalar(
        sa.select(Certificate)
        .where(Certificate.token == token)
        .options(
            joinedload(Certificate.enrolment).joinedload(Enrolment.entrepreneur),
            joinedload(Certificate.enrolment)
            .joinedload(Enrolment.cohort)
            .joinedload(Cohort.course),
        )
    )
    if certificate is None:
        return None
    cohort = certificate.enrolment.cohort
    return VerificationResult(
        masked_name=mask_name(certificate.enrolment.entrepreneur.full_name),
        course_title=cohort.course.title,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        number=certificate.number,
        issued_on=certificate.issued_on,
        is_valid=certificate.is_valid,
        revoked_on=to_local(certificate.revoked_at).date() if certificate.revoked_at else None,
    )


def format_period(starts_on: date, ends_on: date) -> str:
    """Format the dates of a cohort: ``2 Maret 2026 s.d. 5 Maret 2026`` or one day."""
    if starts_on == ends_on:
        return format_date(starts_on)
    return f"{format_date(starts_on)} s.d. {format_date(ends_on)}"


# --------------------------------------------------------------------------- the PDF

GREEN = colors.HexColor("#0b5d3b")
GOLD = colors.HexColor("#b08d2b")
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b76")

CITY = "PEMERINTAH KOTA JAMBI"
OFFICE = "DINAS KOPERASI DAN USAHA MIKRO, KECIL DAN MENENGAH"
PROGRAMME = "Balai Latihan Kerja Tematik (BALIKAT) · Program Kota Jambi Bahagia"


def _fitted_size(text: str, font: str, size: float, width: float, smallest: float) -> float:
    """Shrink a font size until one line of text fits the width (down to ``smallest``)."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


#: The lowest the course details may reach, clear of the QR code and the signature block.
BODY_FLOOR = 72 * mm


def _body_styles(scale: float) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body",
        fontName="Times-Roman",
        fontSize=13 * scale,
        leading=17 * scale,
        alignment=TA_CENTER,
        textColor=INK,
    )
    course = ParagraphStyle(
        "course",
        parent=body,
        fontName="Times-Bold",
        fontSize=18 * scale,
        leading=22 * scale,
        textColor=GREEN,
    )
    return {"body": body, "course": course}


def _paragraph(
    canvas: Canvas, text: str, style: ParagraphStyle, x: float, top: float, width: float
) -> float:
    """Draw a wrapped paragraph whose top edge is at ``top``; return where its bottom lies."""
    paragraph = Paragraph(text, style)
    _, height = paragraph.wrapOn(canvas, width, 200 * mm)
    paragraph.drawOn(canvas, x, top - height)
    return top - height


_escape = pdf_escape


def _draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(value, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size,
        size,
        transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0],
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def _frame(canvas: Canvas, width: float, height: float) -> None:
    canvas.setStrokeColor(GREEN)
    canvas.setLineWidth(3)
    canvas.rect(9 * mm, 9 * mm, width - 18 * mm, height - 18 * mm)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    # Small gold corner marks inside the inner frame.
    canvas.setLineWidth(1.6)
    inset, arm = 15 * mm, 9 * mm
    for cx, cy, dx, dy in (
        (inset, inset, 1, 1),
        (width - inset, inset, -1, 1),
        (inset, height - inset, 1, -1),
        (width - inset, height - inset, -1, -1),
    ):
        canvas.line(cx, cy, cx + dx * arm, cy)
        canvas.line(cx, cy, cx, cy + dy * arm)


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """Build the A4 landscape certificate, with a QR code that opens ``verify_url``.

    :raise DomainError: for a revoked certificate, which is never printed again.
    """
    if not certificate.is_valid:
        raise DomainError("Sertifikat ini sudah dicabut dan tidak dapat dicetak.")
    enrolment = certificate.enrolment
    cohort = enrolment.cohort
    course = cohort.course
    holder = enrolment.entrepreneur.full_name

    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    canvas.setTitle(f"Sertifikat {certificate.number}")
    canvas.setAuthor("HARKAT · Dinas Koperasi dan UMKM Kota Jambi")
    canvas.setSubject(f"Sertifikat BALIKAT: {course.title}")
    _frame(canvas, width, height)
    centre = width / 2
    text_width = width - 70 * mm

    # Header: the city and the office, a rule, the programme.
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica-Bold", 13)
    canvas.drawCentredString(centre, height - 27 * mm, CITY)
    canvas.setFont("Helvetica-Bold", 11.5)
    canvas.drawCentredString(centre, height - 33 * mm, OFFICE)
    canvas.setStrokeColor(GREEN)
    canvas.setLineWidth(1.2)
    canvas.line(centre - 75 * mm, height - 36.5 * mm, centre + 75 * mm, height - 36.5 * mm)
    canvas.setFont("Helvetica", 9.5)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(centre, height - 41.5 * mm, PROGRAMME)

    # Title and number.
    canvas.setFillColor(GREEN)
    canvas.setFont("Times-Bold", 40)
    canvas.drawCentredString(centre, height - 60 * mm, "S E R T I F I K A T")
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica", 11)
    canvas.drawCentredString(centre, height - 68 * mm, f"Nomor: {certificate.number}")

    # The holder, on one line (long names shrink), over a rule as wide as the name needs.
    canvas.setFont("Times-Italic", 14)
    canvas.drawCentredString(centre, height - 80 * mm, "diberikan kepada")
    size = _fitted_size(holder, "Times-Bold", 30, text_width, 16)
    canvas.setFont("Times-Bold", size)
    canvas.drawCentredString(centre, height - 93 * mm, holder)
    rule = min(max(170 * mm, stringWidth(holder, "Times-Bold", size) + 16 * mm), text_width)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    canvas.line(centre - rule / 2, height - 96 * mm, centre + rule / 2, height - 96 * mm)

    # What was completed: course, hours, dates, venue, trainer; smaller type if it runs long,
    # so it never reaches the QR code and the signature below.
    period = format_period(cohort.starts_on, cohort.ends_on)
    details = f"sebanyak {course.hours} jam pelajaran, pada {period}<br/>di {_escape(cohort.venue)}"
    if cohort.trainer_name:
        details += f", dengan pelatih {_escape(cohort.trainer_name)}"
    if not details.endswith("."):
        details += "."
    texts = [
        ("body", "atas keberhasilannya menyelesaikan dan dinyatakan <b>LULUS</b> pelatihan"),
        ("course", _escape(course.title)),
        ("body", details),
    ]
    top, floor, gap = height - 101 * mm, BODY_FLOOR, 2 * mm
    for scale in (1, 0.92, 0.85, 0.78, 0.7, 0.62):
        styles = _body_styles(scale)
        blocks = [Paragraph(text, styles[kind]) for kind, text in texts]
        heights = [block.wrap(text_width, height)[1] for block in blocks]
        if top - sum(heights) - gap * (len(blocks) - 1) >= floor:
            break
    left = (width - text_width) / 2
    for block, block_height in zip(blocks, heights, strict=True):
        block.drawOn(canvas, left, top - block_height)
        top -= block_height + gap

    # Verification: the QR code bottom left (with its quiet zone), its address printed beneath.
    qr_size = 34 * mm
    qr_x, qr_y = 20 * mm, 30 * mm
    _draw_qr(canvas, verify_url, qr_x, qr_y, qr_size)
    text_x = qr_x + 3 * mm  # the quiet zone is four modules wide; align text with the code
    canvas.setFillColor(MUTED)
    canvas.setFont("Helvetica", 7.5)
    canvas.drawString(text_x, qr_y - 1 * mm, "Pindai kode QR untuk memeriksa keaslian sertifikat:")
    url_size = _fitted_size(verify_url, "Helvetica", 6.5, width / 2 - 30 * mm, 4.5)
    canvas.setFont("Helvetica", url_size)
    canvas.drawString(text_x, qr_y - 4.5 * mm, verify_url)

    # Signature block bottom right.
    sign_width = 95 * mm
    sign_left = width - 24 * mm - sign_width
    sign_style = ParagraphStyle(
        "sign", fontName="Helvetica", fontSize=10, leading=13, alignment=TA_CENTER, textColor=INK
    )
    top = _paragraph(
        canvas,
        f"Kota Jambi, {format_date(certificate.issued_on)}<br/>"
        f"{_escape(certificate.signatory_title)},",
        sign_style,
        sign_left,
        66 * mm,
        sign_width,
    )
    name_style = ParagraphStyle(
        "signame", parent=sign_style, fontName="Helvetica-Bold", fontSize=10.5, leading=13
    )
    name_top = min(top - 18 * mm, 36 * mm)
    after = _paragraph(
        canvas, _escape(certificate.signatory_name), name_style, sign_left, name_top, sign_width
    )
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    canvas.line(
        sign_left + 12 * mm, after - 1 * mm, sign_left + sign_width - 12 * mm, after - 1 * mm
    )

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
