"""Pieces every HARKAT PDF shares (reportlab): the city letterhead, a grid table with a grey
header row, and the footer with a reference and page numbers."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

CITY = "PEMERINTAH KOTA JAMBI"
OFFICE = "DINAS KOPERASI DAN USAHA MIKRO, KECIL DAN MENENGAH"
GREEN = colors.HexColor("#0b5e3c")
GREY = colors.HexColor("#f1f3f5")
LINE = colors.HexColor("#adb5bd")


def escape(text: object) -> str:
    """Text for a reportlab Paragraph (which reads a little XML)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def base_styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of HARKAT's documents, by role (head, title, h2, body, cell …)."""
    normal = getSampleStyleSheet()["Normal"]
    return {
        "head": ParagraphStyle(
            "head", parent=normal, fontName="Helvetica-Bold", fontSize=11, alignment=1, leading=14
        ),
        "sub": ParagraphStyle("sub", parent=normal, fontSize=8.5, alignment=1, leading=11),
        "cell": ParagraphStyle("cell", parent=normal, fontSize=8.5, leading=10.5),
        "cellr": ParagraphStyle("cellr", parent=normal, fontSize=8.5, leading=10.5, alignment=2),
        "cellb": ParagraphStyle(
            "cellb", parent=normal, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5
        ),
        "title": ParagraphStyle(
            "title",
            parent=normal,
            fontName="Helvetica-Bold",
            fontSize=12,
            leading=15,
            spaceBefore=2,
            spaceAfter=4,
        ),
        "title_center": ParagraphStyle(
            "title_center",
            parent=normal,
            fontName="Helvetica-Bold",
            fontSize=13,
            leading=16,
            alignment=1,
            spaceAfter=4,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=normal,
            fontName="Helvetica-Bold",
            fontSize=10.5,
            leading=13,
            spaceBefore=7,
            spaceAfter=3,
            textColor=GREEN,
            keepWithNext=1,  # a section title never stands alone at the foot of a page
        ),
        "body": ParagraphStyle("body", parent=normal, fontSize=9.5, leading=13),
        "small": ParagraphStyle("small", parent=normal, fontSize=7.5, leading=9.5),
    }


def letterhead(width: float, subtitle: str = "Program BANK HARKAT · Kota Jambi Bahagia") -> list:
    """The city and office names, a subtitle and a rule across the page."""
    styles = base_styles()
    return [
        Paragraph(CITY, styles["head"]),
        Paragraph(OFFICE, styles["head"]),
        Paragraph(escape(subtitle), styles["sub"]),
        Spacer(1, 2 * mm),
        Table(
            [[""]],
            colWidths=[width],
            rowHeights=[1],
            style=[("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black)],
        ),
        Spacer(1, 3 * mm),
    ]


#: Left plus right padding of a grid cell (reportlab's default, 6 points each side).
CELL_PADDING = 12


def one_line(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A cell that never wraps: spaces become non-breaking and, if the text is wider than
    ``width``, the font shrinks until it fits (an amount like ``Rp1.234.567.890`` split over
    two lines reads as two numbers)."""
    size = style.fontSize
    while size > 5 and stringWidth(text, style.fontName, size) > width:
        size -= 0.25
    fitted = ParagraphStyle(
        f"{style.name}-nowrap-{size}",
        parent=style,
        fontSize=size,
        leading=max(style.leading * size / style.fontSize, size + 1),
        splitLongWords=0,
    )
    return Paragraph(escape(text).replace(" ", "&nbsp;"), fitted)


def grid(
    header: list[str],
    rows: list[list],
    widths: list,
    right: tuple[int, ...] = (),
    nowrap: tuple[int, ...] = (),
) -> Table:
    """A bordered table with a grey header row repeated on every page; ``right`` aligns columns
    (numbers) to the right, ``nowrap`` keeps each of their cells on one line (money)."""
    styles = base_styles()
    data = [[Paragraph(escape(h), styles["cellb"]) for h in header]]

    def cell(i: int, v) -> Paragraph:
        style = styles["cellr" if i in right else "cell"]
        if i in nowrap:
            return one_line(str(v), style, widths[i] - CELL_PADDING)
        return Paragraph(escape(v), style)

    data += [[cell(i, v) for i, v in enumerate(r)] for r in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), GREY),
                ("GRID", (0, 0), (-1, -1), 0.25, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def footer(reference: str, margin: float = 18 * mm):
    """An ``onPage`` callback printing ``reference`` and "Halaman N" at the foot of each page."""

    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(margin, 10 * mm, reference)
        canvas.drawRightString(A4[0] - margin, 10 * mm, f"Halaman {doc.page}")
        canvas.restoreState()

    return draw
