"""Safe cells for CSV and XLSX files people open in Excel or LibreOffice."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from itertools import islice
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


# --------------------------------------------------------------------------- size guards

#: Rows a single import file may hold by default (⚙ ``import.max_rows``).
DEFAULT_MAX_ROWS = 20_000
#: What an XLSX may unpack to: a 20,000-row sheet is well under 20 MB of XML.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
_DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]{1,3}\d+(?::[A-Z]{1,3}(\d+))?"')


class TooLarge(ValueError):
    """A file over the row or size limits; the message is Indonesian and names the limit."""


def too_many_rows(max_rows: int) -> TooLarge:
    return TooLarge(
        f"Berkas berisi lebih dari {max_rows:,} baris data (batas satu kali impor).".replace(
            ",", "."
        )
        + " Bagi menjadi beberapa berkas lalu impor satu per satu."
    )


def check_xlsx(data: bytes, max_rows: int, allowance: int = 20) -> None:
    """Refuse a workbook before reading it when it unpacks too large or declares too many rows.

    A few kilobytes of XLSX can unpack to gigabytes ("zip bomb") or declare half a million rows;
    both are refused from the zip directory and each sheet's ``<dimension>``, without parsing.

    :param allowance: rows above the data that may hold titles and the header.
    :raise TooLarge: naming the limit.
    :raise zipfile.BadZipFile: when it is no zip at all (the caller's "unreadable" message).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > MAX_UNPACKED_BYTES:
            raise TooLarge(
                f"Berkas XLSX terlalu besar setelah dibuka ({unpacked // (1024 * 1024)} MB; "
                f"batas {MAX_UNPACKED_BYTES // (1024 * 1024)} MB). Simpan hanya lembar data "
                "yang diperlukan, atau bagi menjadi beberapa berkas."
            )
        for entry in entries:
            if not (
                entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml")
            ):
                continue
            with archive.open(entry) as sheet:
                head = sheet.read(8192)
            match = _DIMENSION.search(head)
            if match and match.group(1) and int(match.group(1)) > max_rows + allowance:
                raise too_many_rows(max_rows)


def check_text_rows(text: str, max_rows: int, allowance: int = 20) -> None:
    """Refuse a CSV with more lines than the limit before parsing it.

    :raise TooLarge: naming the limit.
    """
    if text.count("\n") > max_rows + allowance:
        raise too_many_rows(max_rows)


def capped_rows(rows: Iterable[Sequence[Any]], max_rows: int, allowance: int = 20) -> list:
    """Take rows from a stream, refusing (not truncating) a stream longer than the limit."""
    taken = list(islice(rows, max_rows + allowance + 1))
    if len(taken) > max_rows + allowance:
        raise too_many_rows(max_rows)
    return taken
