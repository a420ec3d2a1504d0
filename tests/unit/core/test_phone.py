"""Indonesian mobile numbers: normalisation to E.164, refusals and display (DESIGN §4, "Phone")."""

from __future__ import annotations

import pickle
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harkat.core.phone import PhoneError, format_phone, normalise_phone, phone_search_key

E164 = "+6281234567890"


def reason_of(raw) -> str:
    with pytest.raises(PhoneError) as caught:
        normalise_phone(raw)
    return caught.value.reason


# --- Accepted -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "(0812) 3456 7890",
        "(0812)34567890",
        "  0812-3456-7890 ",
        "0812\u00a03456\u00a07890",  # no-break spaces from a web page
        "6281234567890",
        "62 812 3456 7890",
        "62-812-3456-7890",
        "62 0812 3456 7890",
        "620812-3456-7890",
        "+6281234567890",
        "+62 812 3456 7890",
        "+62 812-3456-7890",
        "+62 (812) 3456-7890",
        "+62 (0) 812 3456 7890",  # the "(0)" people copy from business cards
        "+62 0812 3456 7890",
        "81234567890",  # leading zero lost in a spreadsheet
        "'081234567890",  # spreadsheet text marker
        "\u2019081234567890",  # ... curled by auto-correct
        "81234567890.0",  # str() of a float, e.g. from pandas
        81234567890,
        6281234567890,
        81234567890.0,
        6281234567890.0,
        Decimal("81234567890"),
        Decimal("81234567890.00"),
    ],
)
def test_accepted_forms_normalise_to_e164(raw):
    assert normalise_phone(raw) == E164


def test_numpy_values_from_pandas_are_accepted():
    numpy = pytest.importorskip("numpy")
    assert normalise_phone(numpy.int64(81234567890)) == E164
    assert normalise_phone(numpy.float64(81234567890.0)) == E164


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0811-234-567", "+62811234567"),  # shortest Telkomsel numbers: 10 digits
        ("0811-2345-678", "+628112345678"),
        ("812345678901", "+62812345678901"),  # 12 digits without the leading 0
        ("0895-1234-56789", "+62895123456789"),  # 13 digits (Tri)
        ("0856-1234-5678", "+6285612345678"),  # Indosat
        ("0877-1234-5678", "+6287712345678"),  # XL
        ("0838-1234-5678", "+6283812345678"),  # Axis
        ("0881-1234-5678", "+6288112345678"),  # Smartfren
    ],
)
def test_operators_and_lengths(raw, e164):
    assert normalise_phone(raw) == e164


def test_62_without_plus_is_the_country_code_even_for_short_numbers():
    # As a national number, "62811000000" would be a landline in the 0628 area (Aceh).
    assert normalise_phone("62811000000") == "+62811000000"
    assert normalise_phone("62 811 000 000") == "+62811000000"
    assert normalise_phone(62811000000) == "+62811000000"


# --- Refused ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        # empty
        (None, "empty"),
        ("", "empty"),
        ("   ", "empty"),
        ("'", "empty"),
        (float("nan"), "empty"),
        (Decimal("NaN"), "empty"),
        # characters that are not part of a typed number
        ("0812-ABCD-7890", "characters"),  # must not be read as a keypad vanity number
        ("0812 3456 7890 ext 5", "characters"),
        ("0812345678901 / 0813456789012", "characters"),
        ("0812345678901, 0813456789012", "characters"),
        ("HP: 081234567890", "characters"),
        ("++6281234567890", "characters"),
        ("0812#34567890", "characters"),
        ("０８１２３４５６７８９０", "characters"),  # full-width digits
        ("tidak ada", "characters"),
        # landlines: Jambi (0741), Jakarta (021)
        ("0741-123456", "landline"),
        ("(0741) 7123456", "landline"),
        ("+62 741 712345", "landline"),
        ("021-5551234", "landline"),
        ("+62 21 5551 2345", "landline"),
        # service numbers that are not mobiles
        ("0800 1234567", "not_mobile"),  # toll-free
        ("0809 123 4567", "not_mobile"),  # premium rate
        # foreign
        ("+60 12 345 6789", "foreign"),  # Malaysia
        ("+65 8123 4567", "foreign"),  # Singapore
        ("+1 202 555 0143", "foreign"),
        ("+61 412 345 678", "foreign"),
        # too short / too long
        ("08123", "too_short"),
        ("0812 3456", "too_short"),
        ("0811-234-56", "too_short"),
        ("0812345678901234", "too_long"),
        ("08123456789012", "too_long"),
        ("+62 812 3456 7890 12", "too_long"),
        # not a number at all
        ("+", "characters"),
        ("()", "invalid"),
        ("0000000000", "invalid"),
        (-81234567890, "invalid"),
        (81234567890.5, "invalid"),
        (float("inf"), "invalid"),
        (Decimal("81234567890.5"), "invalid"),
    ],
)
def test_refused_with_reason(raw, reason):
    assert reason_of(raw) == reason


def test_landline_message_asks_for_a_mobile_number():
    with pytest.raises(PhoneError) as caught:
        normalise_phone("0741-123456")
    assert "nomor HP" in str(caught.value)
    assert "telepon rumah/kantor" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "wajib diisi"),
        ("0812-ABCD", "hanya boleh berisi angka"),
        ("+60 12 345 6789", "nomor Indonesia (+62)"),
        ("08123", "terlalu pendek"),
        ("0812345678901234", "terlalu panjang"),
        ("0000000000", "tidak valid"),
    ],
)
def test_messages_are_indonesian_and_give_an_example(raw, fragment):
    with pytest.raises(PhoneError) as caught:
        normalise_phone(raw)
    error = caught.value
    assert fragment in error.message
    assert str(error) == error.message
    assert isinstance(error, ValueError)
    if raw:
        assert "0812-3456-7890" in error.message


def test_phone_error_survives_pickling():
    error = PhoneError("landline", "Nomor ini adalah telepon rumah/kantor.")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (copy.reason, copy.message) == (error.reason, error.message)


def test_bool_and_unknown_types_are_programming_errors():
    with pytest.raises(TypeError):
        normalise_phone(True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        normalise_phone(["081234567890"])  # type: ignore[arg-type]


# --- Display and search -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+6281234567890", "0812-3456-7890"),
        ("+62811234567", "0811-234-567"),
        ("+628112345678", "0811-2345-678"),
        ("+62895123456789", "0895-1234-56789"),
        ("+62741123456", "(0741) 123456"),  # a landline stored before validation existed
        ("+6012 345 6789", "+60 12-345 6789"),
        ("not a number", "not a number"),
        ("+62812", "+62812"),
        ("", ""),
        (None, ""),
    ],
)
def test_format_phone(e164, shown):
    assert format_phone(e164) == shown


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("0812-3456-7890", E164),
        ("+62 812 3456 7890", E164),
        (81234567890, E164),
        ("3456", None),
        ("0741-123456", None),
        ("budi", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_phone_search_key(raw, key):
    assert phone_search_key(raw) == key


# --- Properties ----------------------------------------------------------------------------------

MOBILE_PREFIXES = [
    "0811", "0812", "0813", "0821", "0822", "0823", "0851", "0852", "0853",  # Telkomsel
    "0814", "0815", "0816", "0855", "0856", "0857", "0858",  # Indosat
    "0817", "0818", "0819", "0859", "0877", "0878",  # XL
    "0831", "0832", "0833", "0838",  # Axis
    "0881", "0882", "0883", "0884", "0885", "0886", "0887", "0888", "0889",  # Smartfren
    "0895", "0896", "0897", "0898", "0899",  # Tri
]  # fmt: skip


@st.composite
def mobile_numbers(draw) -> str:
    """A national mobile number, 10 to 13 digits with the leading 0."""
    prefix = draw(st.sampled_from(MOBILE_PREFIXES))
    rest = draw(st.text(alphabet="0123456789", min_size=6, max_size=9))
    return prefix + rest


def _groups(digits: str) -> list[str]:
    return [digits[:4], digits[4:8], digits[8:]]


@given(mobile_numbers())
def test_every_style_of_a_mobile_number_gives_one_e164(national):
    e164 = "+62" + national[1:]
    styles = [
        national,
        "-".join(_groups(national)),
        f"({national[:4]}) {national[4:8]} {national[8:]}",
        "62" + national[1:],
        "+62 " + " ".join(_groups(national[1:])),
        national[1:],
        int(national[1:]),
        float(national[1:]),
    ]
    assert {normalise_phone(style) for style in styles} == {e164}


@given(mobile_numbers())
def test_format_and_normalise_round_trip(national):
    e164 = normalise_phone(national)
    shown = format_phone(e164)
    assert re.fullmatch(r"08\d{2}-\d{3,4}-\d{3,5}", shown)
    assert shown.replace("-", "") == national
    assert normalise_phone(shown) == e164
    assert phone_search_key(shown) == e164


@given(st.sampled_from(MOBILE_PREFIXES), st.text(alphabet="0123456789", max_size=5))
def test_too_short_mobile_numbers_are_refused(prefix, rest):
    assert reason_of(prefix + rest) == "too_short"


@given(st.sampled_from(MOBILE_PREFIXES), st.text(alphabet="0123456789", min_size=10, max_size=14))
def test_too_long_mobile_numbers_are_refused(prefix, rest):
    assert reason_of(prefix + rest) == "too_long"


@given(mobile_numbers(), st.integers(min_value=0, max_value=13), st.characters(categories=["L"]))
def test_a_letter_anywhere_is_refused(national, position, letter):
    assert reason_of(national[:position] + letter + national[position:]) == "characters"


@given(st.text(max_size=40))
def test_arbitrary_text_is_refused_or_gives_an_indonesian_mobile(text):
    try:
        e164 = normalise_phone(text)
    except PhoneError as error:
        assert str(error) == error.message
    else:
        assert re.fullmatch(r"\+628\d{7,10}", e164)
        assert normalise_phone(e164) == e164
