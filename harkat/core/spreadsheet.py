"""Safe cells for CSV and XLSX files people open in Excel or LibreOffice."""

from __future__ import annotations

from typing import Any

#: A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Make a text cell that would start a formula harmless by prefixing an apostrophe.

    Numbers stay numbers: a negative amount is data, not a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
