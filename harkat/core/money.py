"""Rupiah amounts: integers in storage, ``Decimal`` in arithmetic, half-up rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from harkat.core.text import clean_text


def round_rupiah(amount: Decimal | int) -> int:
    """Round to whole rupiah, halves away from zero."""
    return int(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_rupiah(amount: Decimal | int | None) -> str:
    """Format as ``Rp1.234.567`` (``-Rp5.000`` for negatives, ``—`` for None)."""
    if amount is None:
        return "—"
    value = round_rupiah(amount)
    sign = "-" if value < 0 else ""
    grouped = f"{abs(value):,}".replace(",", ".")
    return f"{sign}Rp{grouped}"


def format_decimal(value: Decimal | int | None, places: int = 2) -> str:
    """Format a number the Indonesian way without needless zeros: ``80``, ``72,5``."""
    return format_percent(value, places)[:-1] if value is not None else "—"


def format_percent(value: Decimal | int | None, places: int = 2) -> str:
    """Format a percentage the Indonesian way: ``3%``, ``12,5%``."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


#: Largest amount HARKAT accepts anywhere (Rp1 triliun): beyond any micro-enterprise figure,
#: well inside a BIGINT column.
MAX_RUPIAH = 1_000_000_000_000


def check_rupiah(amount: int) -> int:
    """Refuse amounts no micro-enterprise record can hold; return the amount unchanged.

    :raise ValueError: with an Indonesian message.
    """
    if abs(amount) > MAX_RUPIAH:
        raise ValueError(f"Jumlah terlalu besar (maksimal {format_rupiah(MAX_RUPIAH)}).")
    return amount


_UNITS = {
    "rb": 1_000,
    "ribu": 1_000,
    "k": 1_000,
    "jt": 1_000_000,
    "juta": 1_000_000,
    "m": 1_000_000_000,
    "miliar": 1_000_000_000,
    "milyar": 1_000_000_000,
}


def parse_rupiah(text: str | int | Decimal) -> int:
    """Read an amount as people write it: ``Rp 5.000.000``, ``5.000.000,00``, ``5jt``, ``2,5 juta``.

    Dots group thousands and a comma marks decimals, the Indonesian way.

    :raise ValueError: with an Indonesian message when the text is not an amount.
    """
    if isinstance(text, int | Decimal):
        return check_rupiah(round_rupiah(text))
    # Spaces of every kind and invisible characters pasted along mean nothing inside an amount.
    cleaned = "".join(clean_text(str(text)).split()).lower().replace("rp", "")
    if not cleaned:
        raise ValueError("Jumlah uang kosong.")
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("-")
    multiplier = 1
    for unit in sorted(_UNITS, key=len, reverse=True):
        if cleaned.endswith(unit) and cleaned[: -len(unit)]:
            multiplier = _UNITS[unit]
            cleaned = cleaned[: -len(unit)].rstrip(".")
            break
    if cleaned.count(",") > 1:
        raise ValueError(f"'{text}' bukan jumlah uang yang valid.")
    whole, _, fraction = cleaned.partition(",")
    groups = whole.split(".")
    if len(groups) > 1 and multiplier == 1 and any(len(g) != 3 for g in groups[1:]):
        raise ValueError(f"'{text}' bukan jumlah uang yang valid (titik memisahkan ribuan).")
    if len(groups) == 2 and multiplier > 1 and len(groups[1]) != 3:
        # "2.5jt": a decimal point written the English way before a unit.
        whole, fraction = groups[0], groups[1]
        groups = [whole]
    digits = "".join(groups)
    if not digits.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(f"'{text}' bukan jumlah uang yang valid.")
    value = Decimal(f"{digits}.{fraction or 0}") * multiplier
    return check_rupiah(-round_rupiah(value) if negative else round_rupiah(value))


_DIGITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
#: Names of the groups of three digits, from the units upwards.
_GROUP_NAMES = ("", "ribu", "juta", "miliar", "triliun")


def _below_thousand(number: int) -> list[str]:
    """Words for 1–999: ``seratus``, ``sebelas``, ``dua belas``, ``dua puluh satu``."""
    hundreds, rest = divmod(number, 100)
    words = []
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_DIGITS[hundreds], "ratus"]
    tens, units = divmod(rest, 10)
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif tens == 1:
        words += [_DIGITS[units], "belas"]
    else:
        if tens:
            words += [_DIGITS[tens], "puluh"]
        if units:
            words.append(_DIGITS[units])
    return words


def number_in_words(number: int) -> str:
    """Write a whole number below 1.000 triliun in Indonesian words.

    ``1.000`` is ``seribu`` wherever it stands (``satu juta seribu``); every larger group keeps
    ``satu`` (``satu juta``, ``satu miliar``).

    :raise ValueError: for numbers of 1.000 triliun and more.
    """
    if number < 0:
        return "minus " + number_in_words(-number)
    if number >= 1000 ** len(_GROUP_NAMES):
        raise ValueError("Angka terlalu besar untuk ditulis dengan huruf.")
    if number == 0:
        return "nol"
    words: list[str] = []
    for power in range(len(_GROUP_NAMES) - 1, -1, -1):
        group = number // 1000**power % 1000
        if not group:
            continue
        if power == 1 and group == 1:
            words.append("seribu")
        else:
            words += _below_thousand(group)
            if power:
                words.append(_GROUP_NAMES[power])
    return " ".join(words)


def terbilang(amount: int) -> str:
    """The amount in Indonesian words, as on letters: ``satu juta seribu rupiah``."""
    return f"{number_in_words(int(amount))} rupiah"
