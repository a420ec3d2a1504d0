"""NIK parsing, normalisation, warnings and formatting (DESIGN §4, "NIK")."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harkat.core import nik as nik_module
from harkat.core.dates import JAKARTA
from harkat.core.nik import (
    PROVINCE_CODES,
    Gender,
    NikError,
    NikInfo,
    format_nik,
    make_nik,
    nik_warnings,
    normalise_nik,
    parse_nik,
)
from harkat.core.text import is_invisible

# A fixed "today" keeps the century rule deterministic in example tests.
TODAY = date(2026, 3, 15)
# Property tests also run against the real clock, as production does.
REAL_TODAY = datetime.now(JAKARTA).date()

FEMALE_NIK = "1571014708850001"  # Kota Jambi, Danau Teluk; 7 Aug 1985, woman, serial 0001
MALE_NIK = "1571020712900042"  # Kota Jambi, Pasar Jambi; 7 Dec 1990, man, serial 0042

ROUNDED_REASON = "length"


def reason_of(raw, today: date = TODAY) -> str:
    with pytest.raises(NikError) as caught:
        parse_nik(raw, today=today)
    return caught.value.reason


# --- The province list ------------------------------------------------------------------------


def test_province_codes_are_the_38_kemendagri_provinces():
    expected = {
        *(f"{code}" for code in range(11, 20)),
        "21",
        *(f"{code}" for code in range(31, 37)),
        *(f"{code}" for code in range(51, 54)),
        *(f"{code}" for code in range(61, 66)),
        *(f"{code}" for code in range(71, 77)),
        "81",
        "82",
        *(f"{code}" for code in range(91, 97)),
    }
    assert expected == PROVINCE_CODES
    assert len(PROVINCE_CODES) == 38
    assert isinstance(PROVINCE_CODES, frozenset)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("15", "Jambi"),
        ("93", "Papua Selatan"),
        ("94", "Papua Tengah"),
        ("95", "Papua Pegunungan"),
        ("96", "Papua Barat Daya"),
    ],
)
def test_new_papua_provinces_are_known(code, name):
    assert nik_module.PROVINCE_NAMES[code] == name


# --- Valid NIKs ---------------------------------------------------------------------------------


def test_female_nik_parts_are_derived():
    info = parse_nik(FEMALE_NIK, today=TODAY)
    assert info == NikInfo(
        nik=FEMALE_NIK,
        province_code="15",
        regency_code="71",
        district_code="01",
        birth_date=date(1985, 8, 7),
        gender=Gender.FEMALE,
        serial="0001",
    )
    assert info.region_code == "15.71.01"


def test_male_nik_parts_are_derived():
    info = parse_nik(MALE_NIK, today=TODAY)
    assert info.gender is Gender.MALE
    assert info.birth_date == date(1990, 12, 7)
    assert info.region_code == "15.71.02"
    assert info.serial == "0042"


@pytest.mark.parametrize(
    ("day_digits", "gender", "day"),
    [
        ("01", Gender.MALE, 1),
        ("31", Gender.MALE, 31),
        ("41", Gender.FEMALE, 1),
        ("71", Gender.FEMALE, 31),
    ],
)
def test_day_bounds_for_men_and_women(day_digits, gender, day):
    info = parse_nik(f"157101{day_digits}0190" + "0001", today=TODAY)
    assert info.gender is gender
    assert info.birth_date == date(1990, 1, day)


@pytest.mark.parametrize(
    "nik",
    [
        "3171014708850001",  # DKI Jakarta
        "1101014708850001",  # Aceh
        "1505014708850001",  # elsewhere in Jambi province
        "9171014708850001",  # Papua
        "9301014708850001",  # Papua Selatan (2022)
        "9601014708850001",  # Papua Barat Daya (2022)
    ],
)
def test_nik_first_registered_outside_kota_jambi_is_valid(nik):
    assert parse_nik(nik, today=TODAY).nik == nik


def test_nik_info_is_frozen():
    info = parse_nik(FEMALE_NIK, today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.serial = "0002"  # type: ignore[misc]


def test_nik_info_repr_does_not_leak_the_nik():
    text = repr(parse_nik(FEMALE_NIK, today=TODAY))
    assert FEMALE_NIK not in text
    assert "1571********0001" in text
    assert "1985" not in text


def test_gender_values_and_labels():
    assert Gender.MALE == "L"
    assert Gender.FEMALE == "P"
    assert Gender("P") is Gender.FEMALE
    assert Gender.MALE.label == "Laki-laki"
    assert Gender.FEMALE.label == "Perempuan"
    assert f"{Gender.FEMALE}" == "P"


# --- Normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "1571014708850001",
        "  1571014708850001  ",
        "1571 0147 0885 0001",
        "1571\u00a00147\u00a00885\u00a00001",  # no-break spaces from a web page
        "1571\t0147\n0885 0001",
        "1571.0147.0885.0001",
        "15.71.01.470885.0001",
        "1571-0147-0885-0001",
        "1571–0147–0885–0001",  # en dashes from a word processor
        "1.571.014.708.850.001",  # Indonesian thousands grouping
        "1,571,014,708,850,001",  # English thousands grouping
        "'1571014708850001",  # spreadsheet text marker
        "\u20181571014708850001",  # ... curled by auto-correct
        " '1571 0147 0885 0001 ",
        1571014708850001,
        1571014708850001.0,
        Decimal("1571014708850001"),
        Decimal("1571014708850001.000"),
        "1571014708850001.0",  # str() of a float, e.g. from pandas
        "1.571014708850001e+15",
        "1.571014708850001E+15",
        "1,571014708850001E+15",  # decimal comma, Indonesian-locale spreadsheet
        "1.571014708850001e15",
        "1.5710147088500010E+15",  # more digits than needed is fine if they are zeros
        Decimal("1.571014708850001E+15"),
    ],
)
def test_normalise_accepts_what_people_and_spreadsheets_produce(raw):
    assert normalise_nik(raw) == FEMALE_NIK
    assert parse_nik(raw, today=TODAY).nik == FEMALE_NIK


def test_normalise_accepts_numpy_integers_from_pandas():
    numpy = pytest.importorskip("numpy")
    assert normalise_nik(numpy.int64(1571014708850001)) == FEMALE_NIK
    assert normalise_nik(numpy.float64(1571014708850001.0)) == FEMALE_NIK


def test_normalise_returns_digits_without_validating():
    assert normalise_nik("12 34") == "1234"
    assert normalise_nik("0000000000000000") == "0000000000000000"


@pytest.mark.parametrize(
    "raw",
    [
        "1,57101E+15",  # what Excel shows for a NIK typed into a number cell
        "1.57101E+15",
        "1.57101470885E+15",
        "1.57101470885000E+15",  # 15 significant digits: Excel's precision
        "2E+15",
        Decimal("1.57101E+15"),
        Decimal("1.57101470885000E+15"),
        9601014708850001.0,  # above 2**53: a float cannot hold every such integer
        float(2**53),
        "9601014708850001.0",
    ],
)
def test_rounded_spreadsheet_numbers_are_refused_with_advice(raw):
    with pytest.raises(NikError) as caught:
        normalise_nik(raw)
    error = caught.value
    assert error.reason == ROUNDED_REASON
    assert "dibulatkan" in error.message
    assert "teks" in error.message


def test_float_just_below_2_pow_53_is_still_exact():
    assert normalise_nik(float(2**53 - 1)) == str(2**53 - 1)


def test_normalise_refuses_bool_and_other_types():
    with pytest.raises(TypeError):
        normalise_nik(True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        normalise_nik([1571014708850001])  # type: ignore[arg-type]


# --- Every reason code --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        # empty
        (None, "empty"),
        ("", "empty"),
        ("   ", "empty"),
        ("'", "empty"),
        ("-", "empty"),
        (" . - . ", "empty"),
        (float("nan"), "empty"),
        (Decimal("NaN"), "empty"),
        # not_digits
        ("1571O14708850001", "not_digits"),  # letter O for zero
        ("1571014708850OO1", "not_digits"),
        ("NIK 1571014708850001", "not_digits"),
        ("1571014708850001#", "not_digits"),
        ("１５７１０１４７０８８５０００１", "not_digits"),  # full-width digits
        ("١٥٧١٠١٤٧٠٨٨٥٠٠٠١", "not_digits"),  # Arabic-Indic digits
        ("157101470885000²", "not_digits"),  # isdigit() is True for superscripts
        ("1571014708850001/1571014708850002", "not_digits"),
        (-1571014708850001, "not_digits"),
        (-1571014708850001.0, "not_digits"),
        (1571014708850001.5, "not_digits"),
        (float("inf"), "not_digits"),
        (Decimal("1571014708850001.5"), "not_digits"),
        (Decimal("-1571014708850001"), "not_digits"),
        (Decimal("Infinity"), "not_digits"),
        # length
        ("157101470885001", "length"),
        ("15710147088500011", "length"),
        ("1571 0147 0885 0001 1571 0147 0885 0002", "length"),
        ("1234", "length"),
        (157101470885001, "length"),
        # province
        ("0071014708850001", "province"),
        ("1071014708850001", "province"),
        ("2071014708850001", "province"),
        ("2271014708850001", "province"),
        ("3771014708850001", "province"),
        ("5471014708850001", "province"),  # former Timor Timur
        ("9071014708850001", "province"),
        ("9771014708850001", "province"),
        ("9971014708850001", "province"),
        # regency, district
        ("1500014708850001", "regency"),
        ("1571004708850001", "district"),
        # day
        ("1571010008850001", "day"),
        ("1571013208850001", "day"),
        ("1571014008850001", "day"),
        ("1571017208850001", "day"),
        ("1571019908850001", "day"),
        # month
        ("1571014700850001", "month"),
        ("1571014713850001", "month"),
        ("1571014799850001", "month"),
        # date: no such calendar date
        ("1571013104850001", "date"),  # 31 April
        ("1571017106850001", "date"),  # 31 June, woman
        ("1571013002880001", "date"),  # 30 February
        ("1571012902870001", "date"),  # 29 February in a non-leap year
        ("1571016902230001", "date"),  # 29 February 2023, woman
        # serial
        ("1571014708850000", "serial"),
    ],
)
def test_every_reason_code(raw, reason):
    assert reason_of(raw) == reason


def test_future_is_raised_only_when_today_precedes_the_19yy_date():
    # 1 June 1960 cannot be 2060 (future) and is still in the future on 1 Jan 1950.
    assert reason_of("1571010106600001", today=date(1950, 1, 1)) == "future"
    assert parse_nik("1571010106600001", today=date(1960, 6, 1)).birth_date == date(1960, 6, 1)


def test_today_in_2026_before_a_2026_birthday_gives_1926_not_future():
    info = parse_nik("1571010106260001", today=date(2026, 1, 1))
    assert info.birth_date == date(1926, 6, 1)


def test_checks_run_in_digit_order():
    # Bad province and bad serial: the first problem in the NIK is reported.
    assert reason_of("9971014708850000") == "province"
    assert reason_of("1571003213850000") == "district"
    assert reason_of("1571013213850000") == "day"
    assert reason_of("1571013113850000") == "month"
    assert reason_of("1571013104850000") == "date"


@pytest.mark.parametrize(
    ("raw", "expected_fragment"),
    [
        ("", "wajib diisi"),
        ("1571O14708850001", "hanya boleh berisi angka"),
        ("157101470885001", "16 digit, yang diisi 15 digit"),
        ("9971014708850001", "Kode provinsi pada NIK (99) tidak dikenal"),
        ("1500014708850001", "kabupaten/kota"),
        ("1571004708850001", "kecamatan"),
        ("1571017208850001", "41-71 untuk perempuan"),
        ("1571014713850001", "harus 01-12"),
        ("1571013104850001", "(31-04-85) tidak ada di kalender"),
        ("1571014708850000", "tidak boleh 0000"),
    ],
)
def test_messages_are_indonesian_and_specific(raw, expected_fragment):
    with pytest.raises(NikError) as caught:
        parse_nik(raw, today=TODAY)
    error = caught.value
    assert expected_fragment in error.message
    assert str(error) == error.message
    assert isinstance(error, ValueError)


def test_future_message_shows_the_date():
    with pytest.raises(NikError) as caught:
        parse_nik("1571010106600001", today=date(1950, 1, 1))
    assert str(caught.value) == "Tanggal lahir pada NIK (01-06-1960) belum terjadi."


def test_not_digits_message_names_the_character():
    with pytest.raises(NikError, match="“O”"):
        parse_nik("1571O14708850001", today=TODAY)


def test_nik_error_survives_pickling():
    error = NikError("serial", "Nomor urut pada NIK tidak boleh 0000.")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (copy.reason, copy.message, str(copy)) == (error.reason, error.message, str(error))


# --- 29 February and the century rule -----------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "birth_date"),
    [
        ("1571012902880001", date(1988, 2, 29)),
        ("1571016902880001", date(1988, 2, 29)),  # woman
        ("1571012902240001", date(2024, 2, 29)),
        ("1571012902000001", date(2000, 2, 29)),  # 2000 is a leap year
        ("1571012902960001", date(1996, 2, 29)),
    ],
)
def test_29_february_in_leap_years(nik, birth_date):
    assert parse_nik(nik, today=TODAY).birth_date == birth_date


def test_29_february_00_before_it_happened_is_1900_which_was_not_leap():
    assert reason_of("1571012902000001", today=date(2000, 2, 28)) == "date"
    info = parse_nik("1571012902000001", today=date(2000, 2, 29))
    assert info.birth_date == date(2000, 2, 29)


@pytest.mark.parametrize(
    ("date_digits", "birth_date"),
    [
        ("150326", date(2026, 3, 15)),  # today itself is not in the future
        ("160326", date(1926, 3, 16)),  # tomorrow's date in 2026 must be 1926
        ("311225", date(2025, 12, 31)),
        ("010126", date(2026, 1, 1)),
        ("010100", date(2000, 1, 1)),
        ("311299", date(1999, 12, 31)),
        ("010127", date(1927, 1, 1)),
        ("070885", date(1985, 8, 7)),
        ("010140", date(1940, 1, 1)),
    ],
)
def test_century_is_the_latest_that_is_not_in_the_future(date_digits, birth_date):
    info = parse_nik(f"157101{date_digits}0001", today=TODAY)
    assert info.birth_date == birth_date


def test_today_may_be_a_datetime():
    moment = datetime(2026, 3, 15, 12, 0, tzinfo=JAKARTA)
    assert parse_nik("1571011503260001", today=moment).birth_date == date(2026, 3, 15)


def test_default_today_is_the_date_in_jakarta(monkeypatch):
    class FrozenClock(datetime):
        @classmethod
        def now(cls, tz=None):
            # 31 Dec 2025 18:00 UTC is already 1 Jan 2026 01:00 in Jakarta.
            return datetime(2025, 12, 31, 18, 0, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(nik_module, "datetime", FrozenClock)
    assert parse_nik("1571010101260001").birth_date == date(2026, 1, 1)


# --- Warnings -----------------------------------------------------------------------------------


def test_no_warnings_when_consistent_or_not_given():
    info = parse_nik(FEMALE_NIK, today=TODAY)
    assert nik_warnings(info) == []
    assert nik_warnings(info, gender=Gender.FEMALE, birth_date=date(1985, 8, 7)) == []


def test_gender_mismatch_is_a_warning():
    info = parse_nik(FEMALE_NIK, today=TODAY)
    assert nik_warnings(info, gender=Gender.MALE) == [
        "Jenis kelamin pada NIK adalah Perempuan, sedangkan yang diisi Laki-laki."
    ]
    male = parse_nik(MALE_NIK, today=TODAY)
    assert nik_warnings(male, gender=Gender.FEMALE) == [
        "Jenis kelamin pada NIK adalah Laki-laki, sedangkan yang diisi Perempuan."
    ]


def test_gender_may_be_given_as_its_code():
    info = parse_nik(FEMALE_NIK, today=TODAY)
    assert nik_warnings(info, gender="P") == []  # type: ignore[arg-type]
    assert len(nik_warnings(info, gender="L")) == 1  # type: ignore[arg-type]


def test_birth_date_mismatch_shows_both_dates():
    info = parse_nik(FEMALE_NIK, today=TODAY)
    assert nik_warnings(info, birth_date=date(1985, 7, 8)) == [
        "Tanggal lahir pada NIK adalah 07-08-1985, sedangkan yang diisi 08-07-1985."
    ]


def test_both_mismatches_give_two_warnings():
    info = parse_nik(FEMALE_NIK, today=TODAY)
    warnings = nik_warnings(info, gender=Gender.MALE, birth_date=date(1986, 8, 7))
    assert len(warnings) == 2
    assert warnings[0].startswith("Jenis kelamin")
    assert warnings[1] == (
        "Tanggal lahir pada NIK adalah 07-08-1985, sedangkan yang diisi 07-08-1986."
    )


def test_typed_date_a_century_before_the_nik_reading_is_not_a_mismatch():
    # The NIK only holds 01-06-25; a person born in 1925 is read as born in 2025.
    info = parse_nik("1571010106250001", today=TODAY)
    assert info.birth_date == date(2025, 6, 1)
    assert nik_warnings(info, birth_date=date(1925, 6, 1)) == []


def test_typed_birth_datetime_is_compared_by_date():
    info = parse_nik(FEMALE_NIK, today=TODAY)
    assert nik_warnings(info, birth_date=datetime(1985, 8, 7, 9, 30, tzinfo=JAKARTA)) == []


# --- Formatting and building ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (FEMALE_NIK, "1571 0147 0885 0001"),
        ("1571.0147.0885.0001", "1571 0147 0885 0001"),
        (1571014708850001, "1571 0147 0885 0001"),
        ("12345", "12345"),
        ("not a nik", "not a nik"),
        ("", ""),
        (None, ""),
    ],
)
def test_format_nik_groups_in_fours(raw, shown):
    assert format_nik(raw) == shown


@pytest.mark.parametrize(
    ("region", "birth_date", "gender", "serial", "nik"),
    [
        ("15.71.01", date(1985, 8, 7), Gender.FEMALE, 1, "1571014708850001"),
        ("157102", date(1990, 12, 7), Gender.MALE, 42, "1571020712900042"),
        ("96.01.01", date(2001, 1, 31), Gender.FEMALE, 9999, "9601017101019999"),
        ("15.71.01", date(2000, 2, 29), Gender.MALE, 10, "1571012902000010"),
    ],
)
def test_make_nik_builds_the_expected_digits(region, birth_date, gender, serial, nik):
    assert make_nik(region, birth_date, gender, serial) == nik
    info = parse_nik(nik, today=TODAY)
    assert (info.region_code.replace(".", ""), info.birth_date, info.gender) == (
        region.replace(".", ""),
        birth_date,
        gender,
    )


@pytest.mark.parametrize(
    ("region", "serial"),
    [
        ("15.71", 1),
        ("15.71.0A", 1),
        ("99.71.01", 1),
        ("15.00.01", 1),
        ("15.71.00", 1),
        ("15.71.01", 0),
        ("15.71.01", 10000),
        ("15.71.01", True),
    ],
)
def test_make_nik_refuses_impossible_parts(region, serial):
    with pytest.raises(ValueError):
        make_nik(region, date(1985, 8, 7), Gender.MALE, serial)


# --- Properties ----------------------------------------------------------------------------------


def _hundred_years_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 100)
    except ValueError:  # 29 February 2000 -> 1900 is not a leap year
        return day.replace(year=day.year - 100, day=28)


def _earliest_readable_birth_date(today: date, floor: date = date(1900, 1, 1)) -> date:
    """The earliest birth date the century rule still reads correctly on ``today``."""
    return max(floor, _hundred_years_before(today) + timedelta(days=1))


provinces = st.sampled_from(sorted(PROVINCE_CODES))
unknown_provinces = st.sampled_from(sorted({f"{i:02d}" for i in range(100)} - PROVINCE_CODES))
area_codes = st.integers(min_value=1, max_value=99).map(lambda n: f"{n:02d}")
genders = st.sampled_from(Gender)
serials = st.integers(min_value=1, max_value=9999)


@st.composite
def nik_parts(draw, today: date = REAL_TODAY):
    region = f"{draw(provinces)}.{draw(area_codes)}.{draw(area_codes)}"
    floor = _earliest_readable_birth_date(today, floor=date(1940, 1, 1))
    birth_date = draw(st.dates(min_value=floor, max_value=today))
    return region, birth_date, draw(genders), draw(serials)


@st.composite
def valid_niks(draw):
    return make_nik(*draw(nik_parts(today=TODAY)))


@given(nik_parts())
def test_generated_niks_parse_back_to_their_parts(parts):
    region, birth_date, gender, serial = parts
    nik = make_nik(region, birth_date, gender, serial)
    info = parse_nik(nik, today=REAL_TODAY)
    assert info.nik == nik
    assert info.region_code == region
    assert info.birth_date == birth_date
    assert info.gender is gender
    assert int(info.serial) == serial
    assert nik_warnings(info, gender=gender, birth_date=birth_date) == []


@given(st.data(), st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_round_trip_holds_for_any_today_within_a_hundred_years(data, today):
    birth_date = data.draw(st.dates(_earliest_readable_birth_date(today), today))
    gender = data.draw(genders)
    nik = make_nik("15.71.01", birth_date, gender, 1)
    info = parse_nik(nik, today=today)
    assert (info.birth_date, info.gender) == (birth_date, gender)


@given(valid_niks())
def test_every_written_form_of_a_nik_parses_the_same(nik):
    expected = parse_nik(nik, today=TODAY)
    grouped = format_nik(nik)
    assert grouped.replace(" ", "") == nik
    # Decimal keeps every digit when formatting; an int formatted with "e" goes through float.
    for form in (grouped, f"'{nik}", ".".join(grouped.split()), f"{nik}\u200b", f"\ufeff{nik}"):
        assert parse_nik(form, today=TODAY) == expected
    numbers = (
        int(nik),
        Decimal(nik),
        f"{Decimal(nik):.15e}",
        f"{Decimal(nik):.15E}".replace(".", ","),
    )
    for form in numbers:
        if nik.endswith("0"):
            # As a number it may be a spreadsheet's rounding of a NIK ending in another digit.
            assert reason_of(form) == ROUNDED_REASON
        else:
            assert parse_nik(form, today=TODAY) == expected


@given(valid_niks())
def test_float_niks_are_accepted_only_while_exact(nik):
    if int(nik) < 2**53 and not nik.endswith("0"):
        assert parse_nik(float(nik), today=TODAY).nik == nik
    else:
        assert reason_of(float(nik)) == ROUNDED_REASON


@given(valid_niks(), st.integers(min_value=1, max_value=14))
def test_scientific_notation_with_missing_digits_is_refused(nik, kept_decimals):
    assert reason_of(f"{Decimal(nik):.{kept_decimals}E}".replace(".", ",")) == ROUNDED_REASON


def _replace(nik: str, start: int, digits: str) -> str:
    return nik[:start] + digits + nik[start + len(digits) :]


@given(valid_niks(), unknown_provinces)
def test_unknown_province_is_refused(nik, province):
    assert reason_of(_replace(nik, 0, province)) == "province"


@given(valid_niks())
def test_regency_00_is_refused(nik):
    assert reason_of(_replace(nik, 2, "00")) == "regency"


@given(valid_niks())
def test_district_00_is_refused(nik):
    assert reason_of(_replace(nik, 4, "00")) == "district"


@given(valid_niks(), st.sampled_from([0, *range(32, 41), *range(72, 100)]))
def test_impossible_day_is_refused(nik, day):
    assert reason_of(_replace(nik, 6, f"{day:02d}")) == "day"


@given(valid_niks(), st.sampled_from([0, *range(13, 100)]))
def test_impossible_month_is_refused(nik, month):
    assert reason_of(_replace(nik, 8, f"{month:02d}")) == "month"


@given(
    valid_niks(),
    st.sampled_from([(31, 4), (31, 6), (31, 9), (31, 11), (30, 2), (31, 2)]),
    genders,
)
def test_day_missing_from_the_month_is_refused(nik, day_month, gender):
    day, month = day_month
    encoded_day = day + (40 if gender is Gender.FEMALE else 0)
    assert reason_of(_replace(nik, 6, f"{encoded_day:02d}{month:02d}")) == "date"


@given(valid_niks(), st.sampled_from([y for y in range(100) if y % 4]), genders)
def test_29_february_of_a_non_leap_year_is_refused(nik, year2, gender):
    encoded_day = 29 + (40 if gender is Gender.FEMALE else 0)
    assert reason_of(_replace(nik, 6, f"{encoded_day:02d}02{year2:02d}")) == "date"


@given(valid_niks())
def test_serial_0000_is_refused(nik):
    assert reason_of(_replace(nik, 12, "0000")) == "serial"


@given(valid_niks(), st.integers(min_value=0, max_value=15))
def test_dropping_a_digit_is_refused(nik, position):
    assert reason_of(nik[:position] + nik[position + 1 :]) == "length"


@given(valid_niks(), st.integers(min_value=0, max_value=16), st.sampled_from("0123456789"))
def test_adding_a_digit_is_refused(nik, position, digit):
    assert reason_of(nik[:position] + digit + nik[position:]) == "length"


#: Letters that show nothing (Hangul fillers): removed like other invisible characters, so a
#: NIK pasted with one is still read (tests/unit/core/test_text.py covers the removal).
VISIBLE_LETTERS = st.characters(categories=["L"]).filter(lambda char: not is_invisible(char))


@given(valid_niks(), st.integers(min_value=0, max_value=16), VISIBLE_LETTERS)
def test_a_letter_anywhere_is_refused(nik, position, letter):
    assert reason_of(nik[:position] + letter + nik[position:]) == "not_digits"


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(1998, 12, 30)),
    st.data(),
    genders,
)
def test_future_needs_a_today_before_the_19yy_date(today, data, gender):
    birth_date = data.draw(
        st.dates(min_value=today + timedelta(days=1), max_value=date(1999, 12, 31))
    )
    assert reason_of(make_nik("15.71.01", birth_date, gender, 1), today=today) == "future"


@given(
    st.integers(min_value=1, max_value=31),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=99),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_future_is_unreachable_once_today_is_2000_or_later(day, month, year2, today):
    nik = f"157101{day:02d}{month:02d}{year2:02d}0001"
    try:
        info = parse_nik(nik, today=today)
    except NikError as error:
        assert error.reason == "date"
    else:
        assert info.birth_date <= today
        assert info.birth_date > _hundred_years_before(today) - timedelta(days=1)


@given(st.one_of(st.text(), st.text(alphabet="0123456789 .-'eE+,")))
def test_normalise_never_fails_unexpectedly(text):
    try:
        digits = normalise_nik(text)
    except NikError as error:
        assert error.reason in {"empty", "not_digits", "length"}
        assert str(error) == error.message
    else:
        assert digits
        assert digits.isascii()
        assert digits.isdigit()


@given(valid_niks(), genders, st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_warnings_appear_exactly_when_typed_data_disagrees(nik, gender, typed_date):
    info = parse_nik(nik, today=TODAY)
    warnings = nik_warnings(info, gender=gender, birth_date=typed_date)
    same_date = (typed_date.day, typed_date.month, typed_date.year % 100) == (
        info.birth_date.day,
        info.birth_date.month,
        info.birth_date.year % 100,
    )
    assert len(warnings) == (gender is not info.gender) + (not same_date)
