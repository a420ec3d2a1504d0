"""Amounts in words (terbilang) as they appear on the calculator, packets and letters."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from harkat.core.money import number_in_words, terbilang
from harkat.referrals.loans import terbilang as terbilang_for_letters

MAX_WORDED = 999_999_999_999_999  # 999 triliun and the rest

DIGIT_WORDS = [
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
]
SCALE_WORDS = ["triliun", "miliar", "juta", "ribu", ""]


def _reference_group(text: str) -> str:
    """Words for a group of three digit characters, read left to right as a person would."""
    hundreds, tens, units = text
    said = []
    if hundreds == "1":
        said.append("seratus")
    elif hundreds != "0":
        said.append(DIGIT_WORDS[int(hundreds)] + " ratus")
    teens = {"10": "sepuluh", "11": "sebelas"}
    if tens + units in teens:
        said.append(teens[tens + units])
    elif tens == "1":
        said.append(DIGIT_WORDS[int(units)] + " belas")
    else:
        if tens != "0":
            said.append(DIGIT_WORDS[int(tens)] + " puluh")
        if units != "0":
            said.append(DIGIT_WORDS[int(units)])
    return " ".join(said)


def reference_terbilang(amount: int) -> str:
    """An independent reading: pad to 15 digits and speak each string group of three."""
    if amount == 0:
        return "nol rupiah"
    padded = str(amount).zfill(15)
    parts = []
    for index, scale in enumerate(SCALE_WORDS):
        group = padded[index * 3 : index * 3 + 3]
        if group == "000":
            continue
        if scale == "ribu" and group == "001":
            parts.append("seribu")
        else:
            parts.append(f"{_reference_group(group)} {scale}".strip())
    return " ".join(parts) + " rupiah"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "nol rupiah"),
        (1, "satu rupiah"),
        (10, "sepuluh rupiah"),
        (11, "sebelas rupiah"),
        (12, "dua belas rupiah"),
        (19, "sembilan belas rupiah"),
        (20, "dua puluh rupiah"),
        (100, "seratus rupiah"),
        (111, "seratus sebelas rupiah"),
        (1_000, "seribu rupiah"),
        (1_001, "seribu satu rupiah"),
        (11_000, "sebelas ribu rupiah"),
        (101_000, "seratus satu ribu rupiah"),
        (1_000_000, "satu juta rupiah"),
        (1_001_000, "satu juta seribu rupiah"),
        (1_250_000, "satu juta dua ratus lima puluh ribu rupiah"),
        (1_000_001_000, "satu miliar seribu rupiah"),
        (110_000_000_000, "seratus sepuluh miliar rupiah"),
        (1_000_000_000_000, "satu triliun rupiah"),
        (1_000_000_001_000, "satu triliun seribu rupiah"),
    ],
)
def test_terbilang_says_what_an_indonesian_letter_says(amount, words):
    assert terbilang(amount) == words


@given(st.integers(min_value=0, max_value=MAX_WORDED))
@example(1_001_000)
@example(1_000_001_000)
@example(MAX_WORDED)
def test_terbilang_agrees_with_an_independent_reading(amount):
    assert terbilang(amount) == reference_terbilang(amount)


@given(
    st.lists(
        st.sampled_from(["000", "001", "010", "011", "019", "100", "101", "999"]),
        min_size=5,
        max_size=5,
    )
)
def test_terbilang_agrees_on_the_tricky_groups(groups):
    """Random amounts rarely hit zeros and ones; build them from the groups that trip writers."""
    amount = int("".join(groups))
    assert terbilang(amount) == reference_terbilang(amount)


def test_letters_keep_their_import_and_refuse_what_they_cannot_write():
    assert terbilang_for_letters(1_001_000) == "satu juta seribu rupiah"
    assert terbilang(-1_000) == "minus seribu rupiah"
    with pytest.raises(ValueError, match="terlalu besar"):
        number_in_words(MAX_WORDED + 1)
