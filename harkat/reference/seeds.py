"""The reference rows HARKAT starts with. Banks, schemes and courses are only inserted when
missing, so an admin's later edits survive re-seeding; the region and lender kinds are kept in
step with this file."""

from __future__ import annotations

from decimal import Decimal

from harkat.core.enums import ApplicantType, LoanMethod

#: Sharia banks among BANKS: their approvals speak of margin, not bunga.
SHARIA_BANKS = {"BSI"}

BANKS = [
    ("BANK9JAMBI", "Bank 9 Jambi (Bank Jambi)"),
    ("BRI", "Bank Rakyat Indonesia (BRI)"),
    ("BNI", "Bank Negara Indonesia (BNI)"),
    ("MANDIRI", "Bank Mandiri"),
    ("BSI", "Bank Syariah Indonesia (BSI)"),
]

SCHEMES = [
    {
        "code": "HARKAT-KLP",
        "name": "BANK HARKAT Kelompok",
        "annual_rate_percent": Decimal("3.000"),
        "method": LoanMethod.ANUITAS,
        "applicant_type": ApplicantType.GROUP,
        "min_amount_per_member": 1_000_000,
        "max_amount_per_member": 5_000_000,
        "max_amount_per_group": 20_000_000,
        "min_tenor_months": 6,
        "max_tenor_months": 36,
    },
    {
        "code": "HARKAT-PRG",
        "name": "BANK HARKAT Perorangan",
        "annual_rate_percent": Decimal("3.000"),
        "method": LoanMethod.ANUITAS,
        "applicant_type": ApplicantType.INDIVIDUAL,
        "min_amount_per_member": 1_000_000,
        "max_amount_per_member": 10_000_000,
        "max_amount_per_group": None,
        "min_tenor_months": 6,
        "max_tenor_months": 24,
    },
]

COURSES = [
    ("BLK-DM", "Digital Marketing untuk UMKM", "Digital marketing", 24),
    ("BLK-EXP", "Bisnis Digital Ekspor", "Bisnis digital ekspor", 24),
    ("BLK-MSD", "Media Sosial & Desain Konten", "Media sosial & desain", 20),
    ("BLK-KUL", "Kuliner: Produksi, Kemasan dan Keamanan Pangan", "Kuliner", 32),
    ("BLK-FES", "Fesyen: Menjahit dan Merancang Produk", "Fesyen", 40),
    (
        "BLK-LKP",
        "Literasi Keuangan & Bahaya Pinjol Ilegal",
        "Literasi keuangan & bahaya pinjol",
        12,
    ),
    ("BLK-PBK", "Pembukuan Sederhana Usaha Mikro", "Pembukuan sederhana", 16),
    ("BLK-LGL", "Legalitas Usaha: NIB, PIRT dan Sertifikat Halal", "Legalitas usaha", 12),
]

#: code, label, is_formal, is_online, is_high_cost
LENDER_CATEGORIES = [
    ("bank", "Bank / BPR", True, False, False),
    ("koperasi", "Koperasi atau lembaga keuangan formal lain", True, False, False),
    ("pindar", "Pinjaman daring berizin OJK (pindar)", True, True, False),
    ("pinjol_ilegal", "Pinjaman online ilegal", False, True, True),
    ("rentenir", "Rentenir / bank keliling", False, False, True),
    ("paylater", "Paylater", True, True, False),
    ("keluarga", "Keluarga / teman", False, False, False),
    ("lainnya", "Lainnya", False, False, False),
]

#: Reason codes a bank gives when it rejects a referral; admins may add more.
REJECTION_REASONS = [
    ("slik", "SLIK bermasalah"),
    ("kapasitas", "Kapasitas bayar tidak cukup"),
    ("dokumen", "Dokumen tidak valid"),
    ("usaha", "Usaha tidak layak"),
    ("domisili", "Domisili di luar wilayah layanan"),
    ("lainnya", "Lainnya"),
]
