"""The certificate PDF, built from records that never touch a database."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from harkat.errors import DomainError
from harkat.reference.models import Course
from harkat.registration.models import Entrepreneur
from harkat.training.certificates import certificate_pdf, format_period
from harkat.training.models import Certificate, Cohort, Enrolment

URL = "https://harkat.jambikota.go.id/verifikasi/Q2xBcmtUb2tlbkZvclRlc3RzT25seTEyMzQ1"


def _certificate(
    full_name: str = "Siti Aminah",
    title: str = "Digital Marketing untuk UMKM",
    trainer: str = "Rina Marlina, S.Kom.",
) -> Certificate:
    course = Course(code="BLK-DM", title=title, theme="Digital marketing", hours=24)
    cohort = Cohort(
        course=course,
        name="Angkatan I",
        venue="Aula Dinas Koperasi dan UMKM Kota Jambi",
        kecamatan_code="15.71.01",
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 5),
        capacity=20,
        trainer_name=trainer,
    )
    enrolment = Enrolment(cohort=cohort, entrepreneur=Entrepreneur(full_name=full_name))
    return Certificate(
        enrolment=enrolment,
        number="BALIKAT/2026/000123",
        token="Q2xBcmtUb2tlbkZvclRlc3RzT25seTEyMzQ1",
        issued_on=date(2026, 3, 6),
        signatory_name="Dr. H. Ahmad Fauzi, S.E., M.M.",
        signatory_title="Kepala Dinas Koperasi dan Usaha Mikro, Kecil dan Menengah Kota Jambi",
    )


def _text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(reader.pages[0].extract_text().split())


def test_the_pdf_is_one_a4_landscape_page_with_everything_printed():
    reader, text = _text(certificate_pdf(_certificate(), URL))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    for expected in (
        "PEMERINTAH KOTA JAMBI",
        "Nomor: BALIKAT/2026/000123",
        "diberikan kepada",
        "Siti Aminah",
        "Digital Marketing untuk UMKM",
        "24 jam pelajaran",
        "2 Maret 2026 s.d. 5 Maret 2026",
        "Aula Dinas Koperasi dan UMKM Kota Jambi",
        "Rina Marlina, S.Kom.",
        "Kota Jambi, 6 Maret 2026",
        "Dr. H. Ahmad Fauzi, S.E., M.M.",
        URL,
    ):
        assert expected in text, expected
    assert "S.Kom.." not in text
    assert reader.metadata.title == "Sertifikat BALIKAT/2026/000123"


def test_long_names_and_titles_still_fit_and_markup_is_printed_as_text():
    name = "Raden Ajeng Siti Nurhaliza Kartika Dewi Puspitasari Wulandari Binti Abdullah"
    title = "Legalitas Usaha: NIB, PIRT <dan> Sertifikat Halal & Keamanan Pangan " * 2
    _, text = _text(certificate_pdf(_certificate(name, title.strip(), trainer=""), URL))
    assert name in text
    assert "PIRT <dan> Sertifikat Halal & Keamanan" in text
    assert "dengan pelatih" not in text


def test_a_revoked_certificate_is_never_printed():
    certificate = _certificate()
    certificate.revoked_at = datetime(2026, 4, 1, tzinfo=UTC)
    with pytest.raises(DomainError):
        certificate_pdf(certificate, URL)


def test_format_period():
    assert format_period(date(2026, 3, 2), date(2026, 3, 2)) == "2 Maret 2026"
    assert format_period(date(2026, 3, 30), date(2026, 4, 2)) == "30 Maret 2026 s.d. 2 April 2026"
