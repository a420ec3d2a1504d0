"""Pure rules of registration: the fixed lists, business scale, registration numbers, consent."""

from __future__ import annotations

from datetime import date

from harkat.core.enums import ConsentPurpose, LabelledEnum

MIKRO_MAX_CAPITAL = 1_000_000_000
MIKRO_MAX_ANNUAL_SALES = 2_000_000_000
KECIL_MAX_CAPITAL = 5_000_000_000
KECIL_MAX_ANNUAL_SALES = 15_000_000_000
MENENGAH_MAX_CAPITAL = 10_000_000_000
MENENGAH_MAX_ANNUAL_SALES = 50_000_000_000


class Education(LabelledEnum):
    NONE = "none", "Tidak/belum sekolah"
    SD = "sd", "SD/sederajat"
    SMP = "smp", "SMP/sederajat"
    SMA = "sma", "SMA/SMK/sederajat"
    DIPLOMA = "diploma", "Diploma (D1–D3)"
    S1 = "s1", "Sarjana (D4/S1)"
    PASCA = "pasca", "Pascasarjana (S2/S3)"


class MaritalStatus(LabelledEnum):
    SINGLE = "single", "Belum kawin"
    MARRIED = "married", "Kawin"
    DIVORCED = "divorced", "Cerai hidup"
    WIDOWED = "widowed", "Cerai mati"


class Sector(LabelledEnum):
    """Business sectors aligned with the sections of KBLI 2020."""

    A = "A", "Pertanian, kehutanan dan perikanan"
    B = "B", "Pertambangan dan penggalian"
    C = "C", "Industri pengolahan"
    D = "D", "Pengadaan listrik dan gas"
    E = "E", "Pengadaan air, pengelolaan sampah dan daur ulang"
    F = "F", "Konstruksi"
    G = "G", "Perdagangan besar dan eceran; reparasi kendaraan"
    H = "H", "Pengangkutan dan pergudangan"
    I = "I", "Penyediaan akomodasi dan makan minum"  # noqa: E741 - KBLI section letter
    J = "J", "Informasi dan komunikasi"
    K = "K", "Aktivitas keuangan dan asuransi"
    L = "L", "Real estat"
    M = "M", "Aktivitas profesional, ilmiah dan teknis"
    N = "N", "Persewaan, ketenagakerjaan, agen perjalanan dan penunjang usaha"
    P = "P", "Pendidikan"
    Q = "Q", "Kesehatan manusia dan kegiatan sosial"
    R = "R", "Kesenian, hiburan dan rekreasi"
    S = "S", "Aktivitas jasa lainnya"


class BusinessScale(LabelledEnum):
    MIKRO = "mikro", "Mikro"
    KECIL = "kecil", "Kecil"
    MENENGAH = "menengah", "Menengah"
    BESAR = "besar", "Besar (di luar UMKM)"
    #: Neither capital nor sales was filled in.
    UNKNOWN = "unknown", "Belum diketahui"

    @property
    def rank(self) -> int:
        """Order from unknown (0) through mikro (1) to besar (4), for "the largest scale"."""
        return SCALE_RANKS.index(self)


#: The scales from smallest to largest; unknown below every known scale.
SCALE_RANKS = (
    BusinessScale.UNKNOWN,
    BusinessScale.MIKRO,
    BusinessScale.KECIL,
    BusinessScale.MENENGAH,
    BusinessScale.BESAR,
)


def _scale_by(amount: int | None, limits: tuple[int, int, int]) -> BusinessScale:
    """The scale one criterion gives: the first class whose limit holds the amount."""
    if amount is None:
        return BusinessScale.UNKNOWN
    for scale, limit in zip(SCALE_RANKS[1:], limits, strict=False):
        if amount <= limit:
            return scale
    return BusinessScale.BESAR


def business_scale(capital: int | None, monthly_revenue: int | None) -> BusinessScale:
    """Classify per PP 7/2021 by capital (excluding land and buildings) and annual sales.

    A blank figure (None) is unknown, not zero: the known criterion decides alone; with both
    known the higher class wins (Rp200 juta sales a month is kecil whatever the capital); with
    neither the scale is "belum diketahui".
    """
    by_capital = _scale_by(capital, (MIKRO_MAX_CAPITAL, KECIL_MAX_CAPITAL, MENENGAH_MAX_CAPITAL))
    annual_sales = None if monthly_revenue is None else monthly_revenue * 12
    by_sales = _scale_by(
        annual_sales, (MIKRO_MAX_ANNUAL_SALES, KECIL_MAX_ANNUAL_SALES, MENENGAH_MAX_ANNUAL_SALES)
    )
    return max(by_capital, by_sales, key=SCALE_RANKS.index)


class GroupStatus(LabelledEnum):
    FORMING = "forming", "Pembentukan"
    ACTIVE = "active", "Aktif"
    INACTIVE = "inactive", "Tidak aktif"
    DISSOLVED = "dissolved", "Bubar"


#: Version of the consent wording below; a change of wording gets a new version.
CONSENT_TEXT_VERSION = "2026-01"
CONSENT_TEXTS = {
    ConsentPurpose.PROCESSING: (
        "Saya menyetujui Pemerintah Kota Jambi (Dinas Koperasi dan UMKM) mengumpulkan, menyimpan "
        "dan mengolah data pribadi dan data usaha saya, termasuk NIK dan data keuangan, untuk "
        "keperluan pendampingan, pelatihan BALIKAT, skrining utang dan rujukan pembiayaan "
        "BANK HARKAT, sesuai Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi."
    ),
    ConsentPurpose.BANK_SHARING: (
        "Saya menyetujui data pribadi, data usaha, hasil skrining utang dan dokumen saya "
        "diteruskan kepada bank mitra penyalur BANK HARKAT yang saya ajukan, hanya untuk "
        "menilai dan mengelola permohonan pembiayaan saya."
    ),
    ConsentPurpose.WHATSAPP: (
        "Saya bersedia dihubungi oleh pendamping dan petugas program melalui WhatsApp pada nomor "
        "telepon yang saya berikan."
    ),
}
CONSENT_WITHDRAWAL_NOTE = (
    "Persetujuan dapat ditarik sewaktu-waktu dengan menghubungi pendamping atau Dinas Koperasi "
    "dan UMKM Kota Jambi; penarikan tidak memengaruhi pengolahan yang sah sebelum penarikan."
)


def format_registration_number(year: int, number: int) -> str:
    """Return ``HKT-2026-000123``."""
    return f"HKT-{year}-{number:06d}"


def age_on(birth_date: date, day: date) -> int:
    """Return the age in whole years on a given day."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
