"""Debt screening: what each debt really costs, the household's DSR, flags, outcome, take-over.

Pure Python on dataclasses and enums (DESIGN §4 "Debt screening"): no Flask, no database. Money
comes in as whole rupiah, all arithmetic is ``Decimal``, and amounts are rounded half-up to whole
rupiah only when a result is handed back.

Choices made here, so the sheet and the rules read the same everywhere:

- **Two yearly rates per debt.** The solver finds the periodic internal rate of return ``r`` of
  the cash flows (money received now, equal instalments afterwards). The *nominal* yearly rate
  ``r × periods per year`` is the headline ("setara bunga nominal 445% per tahun"): it is what
  people and OJK's daily caps compare, it is on the same footing as BANK HARKAT's 3% a year, and
  it stays readable for daily loans. The *effective* yearly rate ``(1 + r)^periods per year − 1``
  (interest on interest) is computed too and shown second, always labelled "efektif"; for daily
  loans it is astronomically large. The high-cost threshold compares the nominal rate, so a bank
  loan at market rates (KUR 6%, or 11% flat ≈ 20% nominal) is never high-cost.
- **A year** has 365 daily, 52 weekly or 12 monthly periods; a month is a twelfth of that, so a
  daily instalment counts 365/12 ≈ 30,4 times a month and a weekly one 52/12 ≈ 4,33 times.
- **DSR** is compared with its limits unrounded (30,04% is above 30%); it is rounded only for
  display, and :func:`format_ratio_percent` shows a second decimal when one would hide which side
  of a limit it is on ("30,04%", never "30,0%" for a KUNING). Yearly rates are rounded half-up to
  one decimal when computed, so the rate shown and the rate compared are the same number.
- **Illegal online lenders** (declared, or not in a current licensed registry): a take-over
  proposes at most the principal actually received minus what was already repaid, never their
  usurious interest and penalties (OJK / Satgas PASTI guidance); an admin may override it.
- **Collectability** of a formal debt is the worse of the SLIK value entered and the one its days
  past due imply under the banks' rule (POJK 40/2019): 0 days → 1, 1–90 → 2, 91–120 → 3,
  121–180 → 4, more → 5.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from harkat.core.enums import LabelledEnum
from harkat.core.money import format_percent, format_rupiah, round_rupiah
from harkat.errors import ValidationError

#: BANK HARKAT's yearly rate, the yardstick every debt is compared with.
HARKAT_RATE_PERCENT = Decimal(3)
#: Tenor of the take-over loan when nobody says otherwise.
TAKE_OVER_TENOR_MONTHS = 12
#: More instalments than this (ten years of daily ones) cannot describe a real debt.
MAX_INSTALMENTS = 3650
#: An instalment larger than this multiple of the money received cannot be real either.
MAX_INSTALMENT_MULTIPLE = 100
#: Longest single-repayment term and longest arrears we accept, in days.
MAX_DAYS = 3650
#: Why the DSR cannot be computed when the household has nothing left each month.
DSR_UNAVAILABLE = "Pendapatan bersih nol atau negatif"
#: Where to report illegal lenders (DESIGN §4, issue 5).
REPORT_CONTACTS = "Satgas PASTI / OJK (telepon 157, WhatsApp 081-157-157-157)"
#: The word every page and PDF puts next to a debt's headline yearly rate, and the other one.
NOMINAL_LABEL = "nominal"
EFFECTIVE_LABEL = "efektif"
#: What the guidance says about paying off an illegal lender (issue 5).
ILLEGAL_PAYOFF_GUIDANCE = (
    "Sesuai arahan OJK dan Satgas PASTI, utang ke pinjol ilegal cukup diselesaikan sebesar pokok "
    "yang benar-benar diterima dikurangi yang sudah dibayar, tanpa bunga, denda dan biaya yang "
    "tidak sah; dana publik tidak dipakai untuk membayar bunga pinjol ilegal."
)

COLLECTABILITY_LABELS = {
    1: "Lancar",
    2: "Dalam Perhatian Khusus",
    3: "Kurang Lancar",
    4: "Diragukan",
    5: "Macet",
}

_ONE_DECIMAL = Decimal("0.1")
_HUNDRED = Decimal(100)
_SOLVER_PRECISION = 50
_SOLVER_MAX_ITERATIONS = 200
#: Bisection stops once the bracket is this small relative to the rate.
_SOLVER_TOLERANCE = Decimal("1e-30")
_PERIODIC_QUANTUM = Decimal("1e-24")
_MONTHS_PER_YEAR = Decimal(12)
_DAYS_PER_YEAR = Decimal(365)
_DAYS_PER_MONTH = _DAYS_PER_YEAR / _MONTHS_PER_YEAR


# --------------------------------------------------------------------------- enums


class LenderType(LabelledEnum):
    """Kinds of lender; the codes are those of ``reference.seeds.LENDER_CATEGORIES``."""

    BANK = "bank", "Bank / BPR"
    KOPERASI = "koperasi", "Koperasi / lembaga formal lain"
    PINDAR = "pindar", "Pinjaman daring berizin (pindar)"
    PINJOL_ILEGAL = "pinjol_ilegal", "Pinjaman online ilegal"
    RENTENIR = "rentenir", "Rentenir / bank keliling"
    PAYLATER = "paylater", "Paylater"
    KELUARGA = "keluarga", "Keluarga / teman"
    LAINNYA = "lainnya", "Lainnya"

    @property
    def is_formal(self) -> bool:
        """Reported to SLIK OJK, so arrears here are what banks see."""
        return self in (
            LenderType.BANK,
            LenderType.KOPERASI,
            LenderType.PINDAR,
            LenderType.PAYLATER,
        )

    @property
    def is_online(self) -> bool:
        """Lends through an app (the same set the seeded categories mark as online)."""
        return self in (LenderType.PINDAR, LenderType.PINJOL_ILEGAL, LenderType.PAYLATER)

    @property
    def is_pinjol(self) -> bool:
        """An online cash lender: counts towards OJK's limit of lenders per borrower."""
        return self in (LenderType.PINDAR, LenderType.PINJOL_ILEGAL)


class Frequency(LabelledEnum):
    """How often an instalment is paid."""

    DAILY = "daily", "Harian"
    WEEKLY = "weekly", "Mingguan"
    MONTHLY = "monthly", "Bulanan"

    @property
    def periods_per_year(self) -> int:
        return {"daily": 365, "weekly": 52, "monthly": 12}[self.value]

    @property
    def per_month(self) -> Decimal:
        """How many instalments fall in an average month (365/12, 52/12 or 1)."""
        return Decimal(self.periods_per_year) / _MONTHS_PER_YEAR


class Outcome(LabelledEnum):
    """Screening outcome, from best to worst."""

    HIJAU = "hijau", "Hijau – dapat dirujuk"
    KUNING = "kuning", "Kuning – dapat dirujuk dengan syarat"
    MERAH = "merah", "Merah – belum dapat dirujuk"

    @property
    def severity(self) -> int:
        return {"hijau": 0, "kuning": 1, "merah": 2}[self.value]

    @property
    def is_referable(self) -> bool:
        return self is not Outcome.MERAH


class Flag(LabelledEnum):
    """Warning signs found in a household's debts."""

    ILLEGAL_PINJOL = "illegal_pinjol", "Pinjol ilegal"
    LOAN_SHARK = "loan_shark", "Rentenir / bank keliling"
    MANY_ONLINE_LENDERS = "many_online_lenders", "Terlalu banyak pinjol"
    INTIMIDATION = "intimidation", "Intimidasi / penyebaran data"
    FORMAL_ARREARS = "formal_arrears", "Tunggakan di lembaga formal"
    SETTLED_BAD_DEBT = "settled_bad_debt", "Kredit macet yang baru dilunasi"
    HIGH_COST = "high_cost", "Utang berbiaya tinggi"


# --------------------------------------------------------------------------- errors


class ScreeningInputError(ValidationError, ValueError):
    """A screening input the rules refuse; ``field`` names it, ``row`` the debt row (0-based)."""

    def __init__(self, field: str | None, reason: str, row: int | None = None):
        super().__init__(field, reason)
        self.row = row

    def at_row(self, row: int) -> ScreeningInputError:
        """Return the same error pointing at debt row ``row``."""
        return type(self)(self.field, self.reason, row)


class LoanShapeError(ScreeningInputError):
    """The numbers entered for a debt cannot describe a loan."""


# --------------------------------------------------------------------------- rates


@dataclass(frozen=True)
class Rate:
    """What a debt costs: the periodic IRR and two yearly readings of it.

    ``periodic`` is a fraction per instalment period (per whole term for a single repayment);
    the yearly rates are percentages rounded half-up to one decimal.
    """

    periodic: Decimal
    nominal_annual_percent: Decimal
    effective_annual_percent: Decimal

    @property
    def headline(self) -> str:
        """The words for the sheet, e.g. ``setara bunga 445% per tahun``."""
        if not self.nominal_annual_percent:
            return "tanpa bunga (0% per tahun)"
        return (
            f"setara bunga {NOMINAL_LABEL} {format_rate_percent(self.nominal_annual_percent)} "
            "per tahun"
        )


def format_rate_percent(value: Decimal | int, places: int = 1) -> str:
    """Format a yearly rate with one decimal at most and grouped thousands: ``8.232,5%``."""
    value = Decimal(value)
    with localcontext() as ctx:
        # Daily loans compound to numbers with hundreds of digits; keep every one of them.
        ctx.prec = max(28, value.adjusted() + 4 + places)
        text = format_percent(value, places)
    whole, comma, fraction = text[:-1].partition(",")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return f"{sign}{'.'.join(groups)}{comma}{fraction}%"


def format_ratio_percent(value: Decimal | int, *limits: Decimal | int) -> str:
    """Format a DSR for display: one decimal, or more when one would hide a crossed limit.

    ``format_ratio_percent(Decimal("30.04"), 30)`` gives ``30,04%`` (one decimal would say
    ``30,0%``, which reads as "within 30%" although 30,04% is above it).
    """
    value = Decimal(value)
    for places in range(1, 11):
        shown = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if all(
            (shown > Decimal(limit)) == (value > Decimal(limit))
            and (shown == Decimal(limit)) == (value == Decimal(limit))
            for limit in limits
        ):
            break
    return format_rate_percent(value, places)


def _one_decimal(value: Decimal) -> Decimal:
    """Round a percentage half-up to one decimal, however many digits it has."""
    with localcontext() as ctx:
        ctx.prec = max(28, value.adjusted() + 4)
        return value.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _grouped(number: int) -> str:
    """Group thousands the Indonesian way: ``3.650``."""
    return f"{number:,}".replace(",", ".")


def _check_loan_shape(principal: int | Decimal, instalment: int | Decimal, count: int) -> None:
    if principal <= 0:
        raise LoanShapeError("principal", "Pokok pinjaman yang diterima harus lebih dari Rp0.")
    if instalment <= 0:
        raise LoanShapeError("instalment", "Angsuran harus lebih dari Rp0.")
    if count < 1:
        raise LoanShapeError("instalments_total", "Jumlah angsuran harus paling sedikit 1 kali.")
    if count > MAX_INSTALMENTS:
        raise LoanShapeError(
            "instalments_total",
            f"Jumlah angsuran lebih dari {_grouped(MAX_INSTALMENTS)} kali tidak masuk akal; "
            "periksa kembali.",
        )
    if instalment > principal * MAX_INSTALMENT_MULTIPLE:
        raise LoanShapeError(
            "instalment",
            f"Angsuran lebih dari {MAX_INSTALMENT_MULTIPLE} kali pokok yang diterima tidak masuk "
            "akal; periksa kembali.",
        )
    if instalment * count < principal:
        raise LoanShapeError(
            "instalment",
            "Total angsuran lebih kecil dari pinjaman yang diterima; "
            "periksa jumlah angsuran atau pokok.",
        )


def present_value(rate: Decimal, instalment: Decimal | int, count: int) -> Decimal:
    """Return what ``count`` equal instalments are worth today at ``rate`` per period."""
    instalment = Decimal(instalment)
    if rate == 0:
        return instalment * count
    return instalment * (1 - (1 + rate) ** -count) / rate


def _solve_periodic_rate(principal: Decimal, instalment: Decimal, count: int) -> Decimal:
    """Bisect for the periodic rate at which the instalments are worth the principal today.

    The present value falls as the rate rises, from ``instalment × count`` at 0 to below
    ``instalment / rate``; so the root lies in ``[0, instalment / principal]``, which is at most
    100 because of the shape checks. Bisection cannot diverge, whatever the rate.
    """
    with localcontext() as ctx:
        ctx.prec = _SOLVER_PRECISION
        if instalment * count == principal:
            return Decimal(0)
        low, high = Decimal(0), instalment / principal
        for _ in range(_SOLVER_MAX_ITERATIONS):
            middle = (low + high) / 2
            if present_value(middle, instalment, count) > principal:
                low = middle
            else:
                high = middle
            if high - low <= high * _SOLVER_TOLERANCE:
                break
        return ((low + high) / 2).quantize(_PERIODIC_QUANTUM, rounding=ROUND_HALF_UP)


def _annualise(periodic: Decimal, periods_per_year: Decimal) -> Rate:
    with localcontext() as ctx:
        ctx.prec = _SOLVER_PRECISION
        nominal = periodic * periods_per_year * _HUNDRED
        if periods_per_year == periods_per_year.to_integral_value():
            growth = (1 + periodic) ** int(periods_per_year)
        else:
            growth = (1 + periodic) ** periods_per_year
        effective = (growth - 1) * _HUNDRED
    return Rate(periodic, _one_decimal(nominal), _one_decimal(effective))


def effective_annual_rate(
    principal: int | Decimal, instalment: int | Decimal, count: int, frequency: Frequency
) -> Rate:
    """Solve the rate of a loan repaid in ``count`` equal instalments at ``frequency``.

    :param principal: the money actually received (after any deductions), in rupiah.
    :raise LoanShapeError: when the numbers cannot describe a loan; ``field`` names the culprit.
    """
    _check_loan_shape(principal, instalment, count)
    periodic = _solve_periodic_rate(Decimal(principal), Decimal(instalment), count)
    return _annualise(periodic, Decimal(frequency.periods_per_year))


def bullet_rate(principal: int | Decimal, repayment: int | Decimal, days: int) -> Rate:
    """Return the rate of a loan repaid in one payment ``days`` days after it was received.

    The yearly rates use 365/``days`` terms a year, so a pinjol charging 0,3% a day for 30 days
    reads 109,5% nominal, the way OJK's daily cap is quoted.

    :raise LoanShapeError: as :func:`effective_annual_rate`; ``term_days`` when the term is wrong.
    """
    if days < 1 or days > MAX_DAYS:
        raise LoanShapeError(
            "term_days",
            f"Jangka waktu pelunasan harus 1 sampai {_grouped(MAX_DAYS)} hari.",
        )
    _check_loan_shape(principal, repayment, 1)
    with localcontext() as ctx:
        ctx.prec = _SOLVER_PRECISION
        periodic = (Decimal(repayment) / Decimal(principal) - 1).quantize(
            _PERIODIC_QUANTUM, rounding=ROUND_HALF_UP
        )
        return _annualise(periodic, _DAYS_PER_YEAR / days)


def monthly_annuity(
    amount: int | Decimal, annual_rate_percent: Decimal | int, months: int
) -> Decimal:
    """Return the exact (unrounded) monthly instalment of an annuity loan; zero rate is valid."""
    amount = Decimal(amount)
    if months < 1:
        raise ValueError("months must be at least 1")
    monthly = Decimal(annual_rate_percent) / _HUNDRED / _MONTHS_PER_YEAR
    if monthly == 0:
        return amount / months
    with localcontext() as ctx:
        ctx.prec = _SOLVER_PRECISION
        return amount * monthly / (1 - (1 + monthly) ** -months)


def collectability_from_days_past_due(days: int) -> int:
    """Return the SLIK collectability banks give a debt this many days late (POJK 40/2019)."""
    if days <= 0:
        return 1
    if days <= 90:
        return 2
    if days <= 120:
        return 3
    if days <= 180:
        return 4
    return 5


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Debt:
    """One debt as the entrepreneur describes it. Amounts in whole rupiah."""

    lender_name: str
    lender_type: LenderType
    #: Money actually received (after deductions such as "biaya admin").
    principal: int
    #: What is still owed today (what a take-over would have to pay off).
    outstanding: int
    instalment: int
    frequency: Frequency
    #: Number of instalments of the whole loan.
    instalments_total: int
    instalments_paid: int = 0
    days_past_due: int = 0
    #: SLIK collectability 1-5 where known.
    collectability: int | None = None
    #: The lender or its collectors threaten or spread the borrower's data.
    intimidation: bool = False
    #: Online lenders: whether the name matched the licensed registry (None: not checked).
    is_licensed: bool | None = None
    #: A formal debt that went bad and was settled: how many months ago it was settled.
    settled_bad_debt_months_ago: int | None = None
    #: A single repayment (``instalments_total == 1``): days from receipt to repayment.
    term_days: int | None = None
    #: Total already paid to this lender, when the entrepreneur knows it (None: not given, then
    #: instalment × instalments paid is used).
    amount_repaid: int | None = None
    #: An admin's decision on how much a take-over pays this lender (None: the rule decides).
    take_over_override: int | None = None

    @property
    def name(self) -> str:
        """The lender's name for sentences, or its kind when the name was left empty."""
        return " ".join(self.lender_name.split()) or self.lender_type.label

    @property
    def is_active(self) -> bool:
        """Something is still owed."""
        return self.outstanding > 0

    @property
    def is_running(self) -> bool:
        """Still being paid off by instalments, so it weighs on every month."""
        return self.outstanding > 0 and self.instalments_paid < self.instalments_total

    @property
    def remaining_instalments(self) -> int:
        return max(self.instalments_total - self.instalments_paid, 0)

    @property
    def is_illegal_pinjol(self) -> bool:
        """Declared illegal, or an online cash lender whose name is not in the licensed registry."""
        if self.lender_type is LenderType.PINJOL_ILEGAL:
            return True
        return self.lender_type.is_pinjol and self.is_licensed is False

    @property
    def is_illegal_lender(self) -> bool:
        """Lends without an OJK licence: an illegal pinjol or a loan shark."""
        return self.is_illegal_pinjol or self.lender_type is LenderType.RENTENIR

    @property
    def repaid(self) -> int:
        """What was already paid to this lender: the total given, or instalment × paid."""
        if self.amount_repaid is not None:
            return self.amount_repaid
        return self.instalment * self.instalments_paid

    @property
    def repaid_is_known(self) -> bool:
        """Whether anything tells how much was paid (a total, or instalments counted as paid)."""
        return self.amount_repaid is not None or self.instalments_paid > 0

    @property
    def fair_payoff(self) -> int:
        """What a take-over proposes to pay: the outstanding, capped for illegal online lenders
        at the principal received minus what was repaid; an admin's override wins."""
        if self.take_over_override is not None:
            return max(0, min(self.take_over_override, self.outstanding))
        if not self.is_illegal_pinjol:
            return self.outstanding
        return max(0, min(self.outstanding, self.principal - self.repaid))

    @property
    def payoff_is_capped(self) -> bool:
        """The rule for illegal online lenders proposes less than the outstanding balance."""
        return (
            self.take_over_override is None
            and self.is_illegal_pinjol
            and self.fair_payoff < self.outstanding
        )

    @property
    def worst_collectability(self) -> int:
        """The worse of the SLIK collectability entered and the one the days past due imply."""
        implied = collectability_from_days_past_due(self.days_past_due)
        return max(self.collectability or 1, implied)

    def problems(self) -> list[ScreeningInputError]:
        """Return every reason these numbers cannot be screened, each naming its field."""
        found: list[ScreeningInputError] = []

        def bad(field_name: str, reason: str) -> None:
            found.append(ScreeningInputError(field_name, reason))

        if self.outstanding < 0:
            bad("outstanding", "Sisa utang tidak boleh negatif.")
        elif self.principal > 0 and self.outstanding > self.principal * MAX_INSTALMENT_MULTIPLE:
            bad("outstanding", "Sisa utang lebih dari 100 kali pokok tidak masuk akal; periksa.")
        if self.instalments_paid < 0:
            bad("instalments_paid", "Jumlah angsuran yang sudah dibayar tidak boleh negatif.")
        elif self.instalments_paid > self.instalments_total >= 1:
            bad(
                "instalments_paid",
                "Angsuran yang sudah dibayar melebihi jumlah angsuran seluruhnya.",
            )
        if not 0 <= self.days_past_due <= MAX_DAYS:
            bad("days_past_due", f"Hari tunggakan harus 0 sampai {_grouped(MAX_DAYS)}.")
        if self.collectability is not None and not 1 <= self.collectability <= 5:
            bad("collectability", "Kolektibilitas SLIK harus 1 sampai 5.")
        if self.settled_bad_debt_months_ago is not None:
            if self.settled_bad_debt_months_ago < 0:
                bad("settled_bad_debt_months_ago", "Jumlah bulan tidak boleh negatif.")
            elif self.outstanding > 0:
                bad(
                    "settled_bad_debt_months_ago",
                    "Utang ini masih bersisa, jadi belum lunas; isi sisa utang Rp0 bila kredit "
                    "macet ini sudah dilunasi.",
                )
        if self.amount_repaid is not None and self.amount_repaid < 0:
            bad("amount_repaid", "Total yang sudah dibayar tidak boleh negatif.")
        if self.term_days is not None and self.instalments_total != 1:
            bad("term_days", "Jangka hari hanya diisi untuk pinjaman yang dilunasi sekali bayar.")
        try:
            self.rate()
        except LoanShapeError as error:
            found.append(error)
        return found

    def rate(self) -> Rate:
        """Return what this debt costs.

        :raise LoanShapeError: when the numbers cannot describe a loan.
        """
        if self.term_days is not None and self.instalments_total == 1:
            return bullet_rate(self.principal, self.instalment, self.term_days)
        return effective_annual_rate(
            self.principal, self.instalment, self.instalments_total, self.frequency
        )

    def monthly_service(self) -> Decimal:
        """Return what this debt takes from an average month, unrounded; 0 once it has ended.

        A single repayment due within a month counts in full; a longer one is spread over its term.
        """
        if not self.is_running:
            return Decimal(0)
        if self.term_days is not None and self.instalments_total == 1:
            share = min(Decimal(1), _DAYS_PER_MONTH / self.term_days)
            return self.instalment * share
        return self.instalment * self.frequency.per_month

    def remaining_payments(self) -> int:
        """Return what the borrower would still pay by carrying on: the instalments left, or the
        outstanding balance when that is more (arrears, penalties)."""
        if not self.is_active:
            return 0
        return max(self.instalment * self.remaining_instalments, self.outstanding)


@dataclass(frozen=True)
class Household:
    """The household's money per month, in whole rupiah."""

    #: Income from work other than the business.
    household_income: int = 0
    #: The business's net income (revenue less business costs); may be negative.
    business_income: int = 0
    #: Essential household spending: food, school, rent, utilities.
    household_expenses: int = 0

    @property
    def net_income(self) -> int:
        """What is left each month to pay debts with."""
        return self.household_income + self.business_income - self.household_expenses

    def problems(self) -> list[ScreeningInputError]:
        found = []
        if self.household_income < 0:
            found.append(
                ScreeningInputError("household_income", "Penghasilan tidak boleh negatif.")
            )
        if self.household_expenses < 0:
            found.append(
                ScreeningInputError("household_expenses", "Pengeluaran tidak boleh negatif.")
            )
        return found


def debt_service_ratio(monthly_service: Decimal | int, household: Household) -> Decimal | None:
    """Return monthly debt service over net monthly income in percent, unrounded.

    Limits are compared with this exact value; round it only to show it
    (:func:`format_ratio_percent`).

    :return: None when net income is zero or negative: the ratio is infinite
        (see :data:`DSR_UNAVAILABLE`).
    """
    net = household.net_income
    if net <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = _SOLVER_PRECISION
        return Decimal(monthly_service) * _HUNDRED / net


@dataclass(frozen=True)
class Thresholds:
    """The configurable limits of the outcome (DESIGN §4 ⚙), in percent, count and months."""

    #: A debt whose nominal yearly rate is above this is high-cost.
    high_cost_rate_percent: Decimal = Decimal(50)
    dsr_green_max: Decimal = Decimal(30)
    #: Also the limit for the DSR after a take-over.
    dsr_yellow_max: Decimal = Decimal(40)
    #: More online cash lenders than this is flagged (OJK allows 3 per borrower).
    max_online_lenders: int = 3
    #: A bad debt settled fewer months ago than this is still visible to banks in SLIK.
    settled_bad_debt_window_months: int = 24

    def __post_init__(self) -> None:
        for name in ("high_cost_rate_percent", "dsr_green_max", "dsr_yellow_max"):
            object.__setattr__(self, name, Decimal(str(getattr(self, name))))
        for name in ("max_online_lenders", "settled_bad_debt_window_months"):
            object.__setattr__(self, name, int(Decimal(str(getattr(self, name)))))

    @classmethod
    def defaults(cls) -> Thresholds:
        return cls()

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Thresholds:
        """Build from settings, keyed ``dsr_green_max`` or ``screening.dsr_green_max``."""
        names = {f.name for f in dataclasses.fields(cls)}
        chosen = {}
        for key, value in values.items():
            name = key.removeprefix("screening.")
            if name in names and value is not None:
                chosen[name] = value
        return cls(**chosen)

    def as_dict(self) -> dict[str, str]:
        """Return the values as strings of decimals, to snapshot on a screening."""
        return {f.name: str(getattr(self, f.name)) for f in dataclasses.fields(self)}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Reason:
    """One sentence explaining the outcome, and the outcome it pulls towards."""

    outcome: Outcome
    text: str
    flag: Flag | None = None


@dataclass(frozen=True)
class DebtAssessment:
    """One debt with what the engine found in it."""

    debt: Debt
    rate: Rate
    #: Unrounded share of an average month; :attr:`monthly_service` rounds it.
    monthly_service_exact: Decimal
    #: Illegal pinjol, loan shark, or nominal yearly rate above the threshold.
    is_high_cost: bool
    flags: tuple[Flag, ...]
    #: Part of the recommended take-over by a BANK HARKAT loan.
    taken_over: bool = False

    @property
    def monthly_service(self) -> int:
        return round_rupiah(self.monthly_service_exact)

    @property
    def remaining_payments(self) -> int:
        return self.debt.remaining_payments()

    @property
    def take_over_amount(self) -> int:
        """What a take-over pays this lender (see :attr:`Debt.fair_payoff`)."""
        return self.debt.fair_payoff

    def comparison(self, harkat_rate_percent: Decimal = HARKAT_RATE_PERCENT) -> str:
        """The sentence for the entrepreneur: this debt's yearly cost next to BANK HARKAT's."""
        return (
            f"Utang ke {self.debt.name} {self.rate.headline}; "
            f"BANK HARKAT {format_rate_percent(harkat_rate_percent)} per tahun."
        )


def assess_debt(debt: Debt, thresholds: Thresholds | None = None) -> DebtAssessment:
    """Compute one debt's rate, monthly service, cost class and flags.

    :raise LoanShapeError: when the numbers cannot describe a loan.
    """
    thresholds = thresholds or Thresholds()
    rate = debt.rate()
    is_high_cost = (
        debt.is_illegal_pinjol
        or debt.lender_type is LenderType.RENTENIR
        or rate.nominal_annual_percent > thresholds.high_cost_rate_percent
    )
    flags = []
    if debt.is_active and debt.is_illegal_pinjol:
        flags.append(Flag.ILLEGAL_PINJOL)
    if debt.is_active and debt.lender_type is LenderType.RENTENIR:
        flags.append(Flag.LOAN_SHARK)
    if debt.intimidation:
        flags.append(Flag.INTIMIDATION)
    if debt.lender_type.is_formal and debt.is_active and debt.worst_collectability >= 2:
        flags.append(Flag.FORMAL_ARREARS)
    if _settled_bad_debt_in_window(debt, thresholds):
        flags.append(Flag.SETTLED_BAD_DEBT)
    if debt.is_active and is_high_cost:
        flags.append(Flag.HIGH_COST)
    return DebtAssessment(debt, rate, debt.monthly_service(), is_high_cost, tuple(flags))


def _settled_bad_debt_in_window(debt: Debt, thresholds: Thresholds) -> bool:
    """A formal bad debt, paid off, recently enough (or at an unknown time) to show in SLIK."""
    if not debt.lender_type.is_formal or debt.is_active:
        return False
    if debt.settled_bad_debt_months_ago is not None:
        return debt.settled_bad_debt_months_ago < thresholds.settled_bad_debt_window_months
    return debt.worst_collectability >= 3


@dataclass(frozen=True)
class TakeOver:
    """A BANK HARKAT loan that pays off the debts worth paying off, and what it changes."""

    #: The debts to pay off, most expensive first.
    debts: tuple[DebtAssessment, ...]
    #: Worthwhile debts dropped (cheapest first) to stay within ``max_amount``.
    left_out: tuple[DebtAssessment, ...]
    amount: int
    harkat_rate_percent: Decimal
    tenor_months: int
    instalment: int
    total_repaid: int
    #: What the borrower would still pay on the taken-over debts by carrying on.
    remaining_payments: int
    #: ``remaining_payments - total_repaid``; negative when the take-over costs more.
    money_saved: int
    #: Running debts' monthly service, before and after (the latter with the new instalment and
    #: the proposed BANK HARKAT instalment, when one was given).
    monthly_service_before: int
    monthly_service_after: int
    #: What the taken-over debts take from a month today, replaced by :attr:`instalment`.
    replaced_monthly_service: int
    dsr_after: Decimal | None
    #: The high-cost debts alone cost more than ``max_amount``.
    exceeds_max_amount: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.debts


def take_over(
    debts: Sequence[Debt],
    household: Household,
    thresholds: Thresholds | None = None,
    harkat_rate_percent: Decimal = HARKAT_RATE_PERCENT,
    tenor_months: int = TAKE_OVER_TENOR_MONTHS,
    *,
    proposed_instalment: int = 0,
    max_amount: int | None = None,
) -> TakeOver:
    """Plan which debts a BANK HARKAT loan should pay off, and what that saves.

    The rule:

    1. every high-cost debt still owed (illegal pinjol, loan shark, rate above the threshold);
    2. then every formal debt still owed that costs more than BANK HARKAT, is not in serious
       arrears (collectability 1–2) and whose monthly instalment is at least what the BANK HARKAT
       loan would charge for its balance, so the take-over never raises the monthly burden;
    3. with ``max_amount``, the debts of step 2 are dropped cheapest first until the amount fits;
       the debts of step 1 always stay (``exceeds_max_amount`` tells when they alone do not fit).

    Family, "other" and cheap debts are left alone. The new loan is an annuity at
    ``harkat_rate_percent`` a year over ``tenor_months``. ``proposed_instalment`` (the BANK HARKAT
    business loan being considered) is added to the DSR after take-over.

    :raise ScreeningInputError: for impossible inputs, naming the field.
    """
    thresholds = thresholds or Thresholds()
    assessed = _assess_all(debts, household, proposed_instalment, thresholds)
    return _plan_take_over(
        assessed,
        household,
        harkat_rate_percent=Decimal(harkat_rate_percent),
        tenor_months=tenor_months,
        proposed_instalment=proposed_instalment,
        max_amount=max_amount,
    )


def _by_cost(assessment: DebtAssessment) -> Decimal:
    return assessment.rate.nominal_annual_percent


def _plan_take_over(
    assessed: Sequence[DebtAssessment],
    household: Household,
    *,
    harkat_rate_percent: Decimal,
    tenor_months: int,
    proposed_instalment: int,
    max_amount: int | None,
) -> TakeOver:
    if not 1 <= tenor_months <= 360:
        raise ScreeningInputError("tenor_months", "Tenor harus 1 sampai 360 bulan.")
    if not 0 <= harkat_rate_percent <= 100:
        raise ScreeningInputError("harkat_rate_percent", "Bunga BANK HARKAT harus 0–100%.")
    if max_amount is not None and max_amount < 0:
        raise ScreeningInputError("max_amount", "Plafon pengambilalihan tidak boleh negatif.")

    active = [a for a in assessed if a.debt.is_active]
    required = sorted((a for a in active if a.is_high_cost), key=_by_cost, reverse=True)
    worthwhile = sorted(
        (
            a
            for a in active
            if not a.is_high_cost
            and a.debt.lender_type.is_formal
            and a.debt.worst_collectability <= 2
            and a.rate.nominal_annual_percent > harkat_rate_percent
            and a.monthly_service_exact
            >= monthly_annuity(a.debt.outstanding, harkat_rate_percent, tenor_months)
        ),
        key=_by_cost,
        reverse=True,
    )
    left_out: list[DebtAssessment] = []
    required_amount = sum(a.take_over_amount for a in required)
    if max_amount is not None:
        while worthwhile and required_amount + sum(a.take_over_amount for a in worthwhile) > (
            max_amount
        ):
            left_out.insert(0, worthwhile.pop())
    chosen = required + worthwhile
    amount = sum(a.take_over_amount for a in chosen)

    instalment_exact = (
        monthly_annuity(amount, harkat_rate_percent, tenor_months) if amount else Decimal(0)
    )
    total_repaid = round_rupiah(instalment_exact * tenor_months)
    remaining = sum(a.remaining_payments for a in chosen)
    chosen_ids = {id(a) for a in chosen}
    service_before = sum((a.monthly_service_exact for a in assessed), Decimal(0))
    service_after = (
        sum((a.monthly_service_exact for a in assessed if id(a) not in chosen_ids), Decimal(0))
        + instalment_exact
        + proposed_instalment
    )
    return TakeOver(
        debts=tuple(chosen),
        left_out=tuple(left_out),
        amount=amount,
        harkat_rate_percent=harkat_rate_percent,
        tenor_months=tenor_months,
        instalment=round_rupiah(instalment_exact),
        total_repaid=total_repaid,
        remaining_payments=remaining,
        money_saved=remaining - total_repaid,
        monthly_service_before=round_rupiah(service_before),
        monthly_service_after=round_rupiah(service_after),
        replaced_monthly_service=round_rupiah(
            sum((a.monthly_service_exact for a in chosen), Decimal(0))
        ),
        dsr_after=debt_service_ratio(service_after, household),
        exceeds_max_amount=max_amount is not None and required_amount > max_amount,
    )


@dataclass(frozen=True)
class Result:
    """The outcome of a screening, with every number the result page and the sheet show."""

    outcome: Outcome
    #: Every reason, worst first, in plain Indonesian.
    reasons: tuple[Reason, ...]
    debts: tuple[DebtAssessment, ...]
    #: The household's flags, in :class:`Flag` order, each once.
    flags: tuple[Flag, ...]
    household: Household
    proposed_instalment: int
    total_outstanding: int
    #: Outstanding balance of high-cost debts still owed.
    high_cost_outstanding: int
    monthly_service: int
    net_income: int
    #: DSR of the current debts, and with the proposed BANK HARKAT instalment; None: infinite.
    dsr: Decimal | None
    dsr_with_proposed: Decimal | None
    #: Why the DSR is missing (:data:`DSR_UNAVAILABLE`), or None.
    dsr_note: str | None
    #: The recommended take-over, or None when no debt is worth taking over.
    take_over: TakeOver | None
    #: The outcome counts on the take-over (high-cost debts, or a DSR only it brings within the
    #: limit): a referral must carry the plan. Otherwise any plan is only a suggestion.
    take_over_required: bool
    #: Distinct online cash lenders still owed.
    online_lender_count: int
    thresholds: Thresholds = field(default_factory=Thresholds)
    harkat_rate_percent: Decimal = HARKAT_RATE_PERCENT

    @property
    def is_referable(self) -> bool:
        return self.outcome.is_referable

    @property
    def dsr_after_take_over(self) -> Decimal | None:
        return self.take_over.dsr_after if self.take_over else None

    @property
    def reason_texts(self) -> list[str]:
        return [reason.text for reason in self.reasons]


def validate(
    debts: Sequence[Debt],
    household: Household,
    proposed_instalment: int = 0,
    slik_worst_collectability: int | None = None,
) -> list[ScreeningInputError]:
    """Return every input problem of a screening; debt problems carry their row."""
    found = list(household.problems())
    if proposed_instalment < 0:
        found.append(
            ScreeningInputError(
                "proposed_instalment", "Angsuran BANK HARKAT yang direncanakan tidak boleh negatif."
            )
        )
    if slik_worst_collectability is not None and not 1 <= slik_worst_collectability <= 5:
        found.append(
            ScreeningInputError(
                "slik_worst_collectability", "Kolektibilitas SLIK harus 1 sampai 5."
            )
        )
    for row, debt in enumerate(debts):
        found.extend(problem.at_row(row) for problem in debt.problems())
    return found


def _assess_all(
    debts: Sequence[Debt],
    household: Household,
    proposed_instalment: int,
    thresholds: Thresholds,
    slik_worst_collectability: int | None = None,
) -> list[DebtAssessment]:
    problems = validate(debts, household, proposed_instalment, slik_worst_collectability)
    if problems:
        raise problems[0]
    return [assess_debt(debt, thresholds) for debt in debts]


def _online_lender_count(debts: Iterable[Debt]) -> int:
    names = set()
    for row, debt in enumerate(debts):
        if debt.is_active and debt.lender_type.is_pinjol:
            # An unnamed row is a lender of its own.
            names.add(" ".join(debt.lender_name.casefold().split()) or f"#{row}")
    return len(names)


def _dsr_sentence(label: str, dsr: Decimal, thresholds: Thresholds) -> tuple[Outcome, str]:
    shown = format_ratio_percent(dsr, thresholds.dsr_green_max, thresholds.dsr_yellow_max)
    green = format_rate_percent(thresholds.dsr_green_max)
    yellow = format_rate_percent(thresholds.dsr_yellow_max)
    if dsr > thresholds.dsr_yellow_max:
        return Outcome.MERAH, f"{label} {shown} melebihi batas {yellow}."
    if dsr > thresholds.dsr_green_max:
        return Outcome.KUNING, f"{label} {shown} (di atas {green}, batas {yellow})."
    return Outcome.HIJAU, f"{label} {shown} (batas {green})."


def _payoff_sentence(debt: Debt) -> str:
    """Say how much a take-over pays an illegal online lender, and why not the whole bill."""
    payoff = format_rupiah(debt.fair_payoff)
    if debt.take_over_override is not None:
        return (
            f"Admin menetapkan pengambilalihan utang ke {debt.name} sebesar {payoff} "
            "(alasan tercatat di log audit)."
        )
    if debt.repaid_is_known:
        basis = (
            f"pokok yang diterima {format_rupiah(debt.principal)} dikurangi yang sudah dibayar "
            f"{format_rupiah(debt.repaid)}"
        )
    else:
        basis = (
            f"pokok yang diterima {format_rupiah(debt.principal)}; belum tercatat berapa yang "
            "sudah dibayar, jadi diusulkan sebesar pokok (isi 'Total yang sudah dibayar' bila "
            "sudah pernah membayar)"
        )
    return (
        f"Pengambilalihan utang ke {debt.name} diusulkan paling banyak {payoff}: {basis}, "
        f"bukan tagihan {format_rupiah(debt.outstanding)}. {ILLEGAL_PAYOFF_GUIDANCE}"
    )


def screen(
    debts: Sequence[Debt],
    household: Household,
    proposed_instalment: int = 0,
    thresholds: Thresholds | None = None,
    *,
    harkat_rate_percent: Decimal = HARKAT_RATE_PERCENT,
    tenor_months: int = TAKE_OVER_TENOR_MONTHS,
    slik_worst_collectability: int | None = None,
    licence_unknown_reason: str | None = None,
) -> Result:
    """Screen a household's debts: HIJAU, KUNING or MERAH, with every reason (DESIGN §4).

    :param proposed_instalment: monthly instalment of the BANK HARKAT loan considered (may be 0).
    :param slik_worst_collectability: the entrepreneur's own SLIK check (iDebku), worst
        collectability in the last 24 months; 3–5 there is a condition (KUNING) because banks
        will see it.
    :param licence_unknown_reason: why an online lender's licence could not be checked (the
        registry is empty or out of date); said for every online lender whose status is unknown.
    :raise ScreeningInputError: (a :class:`LoanShapeError` for impossible debts) for the first bad
        input, with its field and, for a debt, its row; :func:`validate` lists them all.
    """
    thresholds = thresholds or Thresholds()
    harkat_rate_percent = Decimal(harkat_rate_percent)
    assessed = _assess_all(
        debts, household, proposed_instalment, thresholds, slik_worst_collectability
    )
    plan = _plan_take_over(
        assessed,
        household,
        harkat_rate_percent=harkat_rate_percent,
        tenor_months=tenor_months,
        proposed_instalment=proposed_instalment,
        max_amount=None,
    )
    service = sum((a.monthly_service_exact for a in assessed), Decimal(0))
    dsr = debt_service_ratio(service, household)
    dsr_with_proposed = debt_service_ratio(service + proposed_instalment, household)
    online_lenders = _online_lender_count(debts)
    harkat = format_rate_percent(harkat_rate_percent)
    reasons: list[Reason] = []

    def add(outcome: Outcome, text: str, flag: Flag | None = None) -> None:
        reasons.append(Reason(outcome, text, flag))

    high_cost = [a for a in assessed if a.is_high_cost and a.debt.is_active]
    for a in high_cost:
        debt = a.debt
        if debt.is_illegal_pinjol:
            if debt.lender_type is LenderType.PINJOL_ILEGAL:
                add(
                    Outcome.KUNING,
                    f"{debt.name} adalah pinjaman online ilegal.",
                    Flag.ILLEGAL_PINJOL,
                )
            else:
                add(
                    Outcome.KUNING,
                    f"{debt.name} tidak ditemukan dalam daftar pinjaman daring berizin OJK; "
                    "kemungkinan ilegal.",
                    Flag.ILLEGAL_PINJOL,
                )
        elif debt.lender_type is LenderType.RENTENIR:
            add(
                Outcome.KUNING,
                f"Utang ke {debt.name} berasal dari rentenir / bank keliling.",
                Flag.LOAN_SHARK,
            )
        add(Outcome.KUNING, a.comparison(harkat_rate_percent), Flag.HIGH_COST)
        if debt.is_illegal_pinjol:
            add(Outcome.KUNING, _payoff_sentence(debt))

    for a in assessed:
        debt = a.debt
        if (
            debt.is_active
            and debt.lender_type in (LenderType.PINDAR, LenderType.PAYLATER)
            and debt.is_licensed is None
        ):
            why = f": {licence_unknown_reason}" if licence_unknown_reason else ""
            add(
                Outcome.HIJAU,
                f"Status izin OJK {debt.name} belum diketahui{why}. Pastikan di situs OJK atau "
                "Kontak OJK 157 sebelum dirujuk.",
            )

    for a in assessed:
        debt = a.debt
        if debt.intimidation:
            if debt.is_illegal_lender:
                add(
                    Outcome.MERAH,
                    f"{debt.name} mengancam atau menyebarkan data; laporkan ke {REPORT_CONTACTS}.",
                    Flag.INTIMIDATION,
                )
            else:
                add(
                    Outcome.KUNING,
                    f"{debt.name} menagih dengan ancaman atau menyebarkan data; adukan ke OJK "
                    "(telepon 157).",
                    Flag.INTIMIDATION,
                )
        if Flag.FORMAL_ARREARS in a.flags:
            grade = debt.worst_collectability
            label = f"kolektibilitas {grade} – {COLLECTABILITY_LABELS[grade]}"
            late = f" menunggak {debt.days_past_due} hari" if debt.days_past_due else ""
            if grade >= 3:
                add(
                    Outcome.MERAH,
                    f"Utang ke {debt.name}{late} ({label}) dan belum lunas; selesaikan atau "
                    "ajukan restrukturisasi ke pemberi pinjaman terlebih dahulu.",
                    Flag.FORMAL_ARREARS,
                )
            else:
                add(
                    Outcome.KUNING,
                    f"Utang ke {debt.name}{late or ' menunggak'} ({label}); lunasi tunggakan "
                    "sebelum dirujuk.",
                    Flag.FORMAL_ARREARS,
                )
        if Flag.SETTLED_BAD_DEBT in a.flags:
            window = thresholds.settled_bad_debt_window_months
            if debt.settled_bad_debt_months_ago is not None:
                text = (
                    f"Kredit macet di {debt.name} lunas {debt.settled_bad_debt_months_ago} bulan "
                    f"lalu (kurang dari {window} bulan); bank masih dapat melihatnya di SLIK OJK."
                )
            else:
                text = (
                    f"Kredit bermasalah di {debt.name} sudah lunas, tetapi kapan lunasnya belum "
                    "diisi; bank mungkin masih melihatnya di SLIK OJK."
                )
            add(Outcome.KUNING, text, Flag.SETTLED_BAD_DEBT)

    household_flags: list[Flag] = []
    if online_lenders > thresholds.max_online_lenders:
        household_flags.append(Flag.MANY_ONLINE_LENDERS)
        add(
            Outcome.KUNING,
            f"Meminjam di {online_lenders} pinjaman online, lebih dari batas "
            f"{thresholds.max_online_lenders}; kurangi sebelum menambah pinjaman.",
            Flag.MANY_ONLINE_LENDERS,
        )
    if slik_worst_collectability is not None and slik_worst_collectability >= 3:
        household_flags.append(Flag.SETTLED_BAD_DEBT)
        add(
            Outcome.KUNING,
            f"Hasil SLIK (iDebku) menunjukkan kolektibilitas {slik_worst_collectability} – "
            f"{COLLECTABILITY_LABELS[slik_worst_collectability]} dalam 24 bulan terakhir; "
            "pastikan utang itu sudah lunas dan tercatat di daftar utang.",
            Flag.SETTLED_BAD_DEBT,
        )

    # Which DSR decides: after the take-over when high-cost debts must go (the take-over is the
    # condition), or when only paying off formal debts brings an over-limit DSR back within it;
    # otherwise the DSR including the proposed instalment.
    proposed_label = "DSR termasuk angsuran BANK HARKAT" if proposed_instalment else "DSR"
    use_take_over = bool(high_cost) or (
        not plan.is_empty
        and dsr_with_proposed is not None
        and dsr_with_proposed > thresholds.dsr_yellow_max
        and plan.dsr_after is not None
        and plan.dsr_after <= thresholds.dsr_yellow_max
    )
    deciding = plan.dsr_after if use_take_over else dsr_with_proposed
    if deciding is None:
        add(
            Outcome.MERAH,
            f"{DSR_UNAVAILABLE}, sehingga DSR tidak terhingga: belum ada sisa penghasilan untuk "
            "membayar angsuran.",
        )
    elif use_take_over:
        yellow = format_rate_percent(thresholds.dsr_yellow_max)
        shown = format_ratio_percent(deciding, thresholds.dsr_yellow_max)
        if deciding > thresholds.dsr_yellow_max:
            add(Outcome.MERAH, f"DSR setelah pengambilalihan {shown} melebihi batas {yellow}.")
        else:
            if plan.money_saved > 0:
                saving = (
                    f", lebih hemat {format_rupiah(plan.money_saved)} dibanding melanjutkan utang "
                    "lama"
                )
            elif plan.money_saved < 0:
                saving = (
                    f"; total bayarnya {format_rupiah(-plan.money_saved)} lebih mahal daripada "
                    "melanjutkan utang lama, tetapi angsuran per bulannya lebih ringan"
                )
            else:
                saving = ""
            add(
                Outcome.KUNING,
                f"Pinjaman BANK HARKAT {format_rupiah(plan.amount)} ({harkat} per tahun) melunasi "
                f"{len(plan.debts)} utang: angsuran {format_rupiah(plan.replaced_monthly_service)} "
                f"per bulan berganti menjadi {format_rupiah(plan.instalment)} per bulan selama "
                f"{plan.tenor_months} bulan{saving}.",
            )
            add(Outcome.KUNING, f"DSR setelah pengambilalihan {shown} (batas {yellow}).")
    else:
        add(*_dsr_sentence(proposed_label, deciding, thresholds))

    outcome = max((r.outcome for r in reasons), key=lambda o: o.severity, default=Outcome.HIJAU)
    if outcome is Outcome.HIJAU:
        reasons.insert(
            0,
            Reason(
                Outcome.HIJAU,
                "Tidak ada utang berbiaya tinggi, tunggakan di lembaga formal, maupun intimidasi.",
            ),
        )
    # Worst first; the sort is stable, so each level keeps the order of the debts.
    reasons.sort(key=lambda r: -r.outcome.severity)

    taken = {id(a) for a in plan.debts}
    final_debts = tuple(dataclasses.replace(a, taken_over=id(a) in taken) for a in assessed)
    # Point the plan at the final assessments, the ones marked ``taken_over``.
    row_of = {id(a): row for row, a in enumerate(assessed)}
    plan = dataclasses.replace(
        plan,
        debts=tuple(final_debts[row_of[id(a)]] for a in plan.debts),
        left_out=tuple(final_debts[row_of[id(a)]] for a in plan.left_out),
    )
    flag_set = {f for a in assessed for f in a.flags} | set(household_flags)
    return Result(
        outcome=outcome,
        reasons=tuple(reasons),
        debts=final_debts,
        flags=tuple(f for f in Flag if f in flag_set),
        household=household,
        proposed_instalment=proposed_instalment,
        total_outstanding=sum(d.outstanding for d in debts),
        high_cost_outstanding=sum(a.debt.outstanding for a in high_cost),
        monthly_service=round_rupiah(service),
        net_income=household.net_income,
        dsr=dsr,
        dsr_with_proposed=dsr_with_proposed,
        dsr_note=DSR_UNAVAILABLE if household.net_income <= 0 else None,
        take_over=None if plan.is_empty else plan,
        take_over_required=use_take_over and not plan.is_empty,
        online_lender_count=online_lenders,
        thresholds=thresholds,
        harkat_rate_percent=harkat_rate_percent,
    )
