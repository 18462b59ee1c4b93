"""Investment registers (WPF style) from XLSX or CSV, codes kept as text.

A register is a spreadsheet kept by hand: a title above the header row, Polish
amounts (``1 234 567,89 zł``), parcel lists in one cell, a ``Razem`` row at the
bottom. :func:`read_register` finds the header row, keeps every cell as text
except amounts (columns named like *nakłady*, *limit*, *koszt*, *wartość*,
*kwota*, *wydatki*, or a bare year) and clean integers in columns that are not
codes, and tells what it decided. Which column means what is decided later, by
:mod:`mgis.layers.register`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mgis.io.encoding import EncodingChoice, detect
from mgis.io.errors import MgisIOError
from mgis.io.tables import _decode, is_code_column, list_sheets

__all__ = ["RegisterTable", "file_checksum", "is_money_header", "parse_amount", "read_register"]

_MONEY_HINTS = ("naklad", "limit", "koszt", "wartosc", "kwota", "wydatk", "pln", "zl")
_CODE_WORDS = ("dzialk", "obreb", "obr", "teryt", "kod", "id", "nr", "numer", "kw")
_YEAR = re.compile(r"(19|20)\d\d")
_CURRENCY = re.compile(r"\s*(zł|zl|pln)\.?\s*$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_INTEGER = re.compile(r"[-+]?[1-9]\d*|0")
_NO_DATA = frozenset({"-", "\u2013", "\u2014", "b.d.", "bd", "brak", "x"})
_HEADER_SCAN_ROWS = 20


@dataclass(frozen=True, eq=False)
class RegisterTable:
    """A register sheet as read, with what was decided while reading it.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per register row; amounts as float, clean integers as int,
        everything else as text (missing cells are NA).
    path : pathlib.Path
        The file read.
    format : str
        ``"XLSX"`` or ``"CSV"``.
    checksum : str
        SHA-256 of the file bytes (to notice later changes).
    sheet : str or None
        The sheet read (XLSX).
    encoding : EncodingChoice or None
        The encoding and why (CSV).
    delimiter : str or None
        The column delimiter (CSV).
    header_row : int
        Spreadsheet row number (1-based) of the header.
    money_columns : tuple of str
        Columns read as amounts.
    warnings : tuple of str
        Things the user should know (other sheets, skipped rows ...).
    """

    frame: pd.DataFrame
    path: Path
    format: str
    checksum: str
    sheet: str | None = None
    encoding: EncodingChoice | None = None
    delimiter: str | None = None
    header_row: int = 1
    money_columns: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def row_number(self, position: int) -> int:
        """Spreadsheet row number (1-based) of the ``position``-th data row."""
        return int(self.frame.attrs.get("row_numbers", {}).get(position, position))

    def summary_lines(self) -> list[str]:
        """Describe the reading in a few lines for the user."""
        where = f"sheet {self.sheet!r}" if self.sheet else f"delimiter {self.delimiter!r}"
        lines = [
            f"{self.path.name}: {len(self.frame)} rows, {where}, header in row {self.header_row}"
        ]
        if self.encoding is not None:
            lines.append(f"encoding {self.encoding.encoding} ({self.encoding.reason})")
        lines.extend(f"warning: {w}" for w in self.warnings)
        return lines


def _plain(text: str) -> str:
    """Lower-case, strip diacritics, words joined by single spaces."""
    text = text.strip().lower().replace("ł", "l")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", text))


def is_money_header(name: str) -> bool:
    """Tell whether a header names amounts (``Łączne nakłady``, ``Limit 2025``, ``2026``).

    Examples
    --------
    >>> is_money_header("Łączne nakłady finansowe"), is_money_header("Rok rozpoczęcia")
    (True, False)
    """
    plain = _plain(name)
    words = plain.split()
    if len(words) == 1 and _YEAR.fullmatch(words[0]):
        return True
    return any(w.startswith(_MONEY_HINTS) for w in words)


def _is_code_header(name: str) -> bool:
    """Tell whether a header names codes or parcel lists (always kept as text)."""
    words = _plain(name).split()
    return is_code_column(name) or any(w.startswith(_CODE_WORDS) for w in words)


def parse_amount(value: object) -> float | None:
    """Read an amount written the Polish way; None for an empty or "no data" cell.

    Spaces (also non-breaking) and apostrophes group thousands; a lone comma
    is the decimal separator; with both ``.`` and ``,`` the last one is.

    Parameters
    ----------
    value : object
        ``"1 234 567,89"``, ``"1.234.567,89 zł"``, ``"12,5"``, ``1234.5``, ``"-"``.

    Returns
    -------
    float or None

    Raises
    ------
    ValueError
        When the text is not an amount.

    Examples
    --------
    >>> parse_amount("1 234 567,89"), parse_amount("1.234.567,89 zł"), parse_amount("-")
    (1234567.89, 1234567.89, None)
    """
    if value is None or value is pd.NA:
        return None
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    text = str(value).strip()
    if not text or text.lower() in _NO_DATA:
        return None
    text = _SPACES.sub("", _CURRENCY.sub("", text))
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif commas == 1:
        text = text.replace(",", ".")
    elif commas > 1 or dots > 1:
        text = text.replace(",", "").replace(".", "")
    if not _PLAIN_NUMBER.fullmatch(text):
        raise ValueError(f"{value!r} is not an amount (write e.g. 1 234 567,89)")
    return float(text)


def file_checksum(path: Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_register(
    path: Path | str, *, sheet: str | None = None, encoding: str | None = None
) -> RegisterTable:
    """Read an investment register from an XLSX workbook or a CSV file.

    Parameters
    ----------
    path : pathlib.Path or str
        ``.xlsx``/``.xlsm`` or ``.csv``/``.txt`` (``;``, ``,`` or tab delimited,
        UTF-8, CP1250, ISO-8859-2 or CP852: detected from the bytes).
    sheet : str, optional
        XLSX sheet; the first one by default (a warning names the others).
    encoding : str, optional
        CSV encoding, overriding the detection.

    Returns
    -------
    RegisterTable

    Raises
    ------
    MgisIOError
        Naming the file (and row and column) and what to do.
    """
    path = Path(path)
    if not path.is_file():
        raise MgisIOError(f"{path}: register file not found; check the path.")
    suffix = path.suffix.lower()
    warnings: list[str] = []
    choice: EncodingChoice | None = None
    delimiter: str | None = None
    chosen: str | None = None
    if suffix in (".xlsx", ".xlsm"):
        chosen, rows = _xlsx_rows(path, sheet, warnings)
        kind = "XLSX"
    elif suffix in (".csv", ".txt"):
        choice, delimiter, rows = _csv_rows(path, encoding)
        kind = "CSV"
    else:
        raise MgisIOError(
            f"{path.name}: a register must be an .xlsx or .csv file; save it in one of these."
        )
    header_at = _header_index(rows)
    if header_at is None:
        raise MgisIOError(f"{path.name}: no header row found; the sheet looks empty.")
    frame, money = _build_frame(path.name, rows, header_at, warnings)
    return RegisterTable(
        frame=frame,
        path=path,
        format=kind,
        checksum=file_checksum(path),
        sheet=chosen,
        encoding=choice,
        delimiter=delimiter,
        header_row=header_at + 1,
        money_columns=money,
        warnings=tuple(warnings),
    )


def _xlsx_rows(
    path: Path, sheet: str | None, warnings: list[str]
) -> tuple[str, list[list[object]]]:
    """Return the sheet name and its rows of raw cell values (formulas as cached values)."""
    import openpyxl

    sheets = list_sheets(path)
    if sheet is not None and sheet not in sheets:
        raise MgisIOError(
            f"{path.name}: there is no sheet {sheet!r}; the sheets are {', '.join(sheets)}."
        )
    chosen = sheet or sheets[0]
    if sheet is None and len(sheets) > 1:
        warnings.append(f"read the first sheet {chosen!r}; other sheets: {', '.join(sheets[1:])}")
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(r) for r in workbook[chosen].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return chosen, rows


def _csv_rows(path: Path, encoding: str | None) -> tuple[EncodingChoice, str, list[list[object]]]:
    """Decode a CSV file and split it into rows; return the encoding and delimiter too."""
    data = path.read_bytes()
    if encoding:
        choice = EncodingChoice(encoding, "given by the user")
    elif data.startswith(b"\xef\xbb\xbf"):
        choice = EncodingChoice("UTF-8", "UTF-8 byte order mark")
    else:
        choice = detect(data, None, "encoding declaration (CSV)")
    try:
        text = _decode(data, choice, path.name)
    except LookupError as exc:
        raise MgisIOError(f"{path.name}: unknown encoding {encoding!r}; try cp1250.") from exc
    if not text.strip():
        raise MgisIOError(f"{path.name}: the file is empty.")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows: list[list[object]] = [list(r) for r in reader]
    except csv.Error as exc:
        raise MgisIOError(
            f"{path.name}: line {reader.line_num} is malformed ({exc}); check the quotes."
        ) from exc
    return choice, delimiter, rows


def _delimiter(text: str) -> str:
    """Pick ``;``, tab or ``,``: the one that splits the first lines into equally many fields.

    Counting characters is not enough: parcel cells such as ``12, 15/3, 17`` hold
    commas in a ``;`` file, so the delimiter is the one whose rows agree with the
    header's width (ties go to ``;``, the Polish Excel default).
    """
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_score = ";", (-1.0, 0)
    for candidate in (";", "\t", ","):
        widths = [
            len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=candidate)
        ]
        if not widths or widths[0] < 2:
            continue
        agree = sum(1 for w in widths if w == widths[0]) / len(widths)
        score = (agree, widths[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


def _filled(row: list[object]) -> int:
    """Count the non-empty cells of a row."""
    return sum(1 for v in row if _cell(v) is not None)


def _header_index(rows: list[list[object]]) -> int | None:
    """Position of the header: the first row nearly as wide as the widest of the first rows."""
    head = rows[:_HEADER_SCAN_ROWS]
    widest = max((_filled(r) for r in head), default=0)
    if widest == 0:
        return None
    for i, row in enumerate(head):
        texts = [v for v in row if isinstance(v, str) and v.strip()]
        if _filled(row) >= max(2, 0.6 * widest) and len(texts) >= 0.6 * _filled(row):
            return i
    return 0


def _cell(value: object) -> object:  # noqa: PLR0911 - one return per cell type
    """Clean a cell value: text stripped (None when empty), dates as ISO text."""
    if value is None:
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
        return text or None
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _header_names(row: list[object]) -> list[str]:
    """Header texts with whitespace collapsed; blanks named ``Kolumna N``, repeats numbered."""
    names: list[str] = []
    for i, value in enumerate(row, start=1):
        cleaned = _cell(value)
        name = " ".join(str(cleaned).split()) if cleaned is not None else f"Kolumna {i}"
        base, n = name, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return names


def _build_frame(
    name: str, rows: list[list[object]], header_at: int, warnings: list[str]
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Turn raw rows into a typed frame; return it and the amount columns."""
    width = max(len(r) for r in rows[header_at:])
    header = _header_names(list(rows[header_at]) + [None] * (width - len(rows[header_at])))
    body: list[list[object]] = []
    numbers: dict[int, int] = {}
    for offset, raw in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = [_cell(v) for v in raw] + [None] * (width - len(raw))
        if all(v is None for v in cells):
            continue
        numbers[len(body)] = offset
        body.append(cells)
    keep = [j for j, h in enumerate(header) if not h.startswith("Kolumna ") or _any(body, j)]
    money: list[str] = []
    columns: dict[str, pd.Series] = {}
    for j in keep:
        column, values = header[j], [r[j] for r in body]
        if is_money_header(column) and not _is_code_header(column):
            amounts = _amounts(name, column, values, numbers, warnings)
            if amounts is not None:
                columns[column] = pd.Series(amounts, dtype="float64")
                money.append(column)
                continue
        columns[column] = _typed(values, code=_is_code_header(column))
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(body)))
    frame.attrs["row_numbers"] = numbers
    return frame, tuple(money)


def _any(body: list[list[object]], j: int) -> bool:
    """Whether column ``j`` has any value."""
    return any(r[j] is not None for r in body)


def _amounts(
    name: str, column: str, values: list[object], rows: dict[int, int], warnings: list[str]
) -> list[float] | None:
    """Parse a money column; None (kept as text) when most cells are not amounts."""
    out: list[float] = []
    bad: list[int] = []
    for i, value in enumerate(values):
        try:
            amount = parse_amount(value)
        except ValueError:
            bad.append(i)
            amount = None
        out.append(math.nan if amount is None else amount)
    filled = sum(1 for v in values if v is not None)
    if bad and len(bad) * 2 >= filled:
        warnings.append(f"column {column!r} looks like amounts but holds text: kept as text")
        return None
    if bad:
        i = bad[0]
        raise MgisIOError(
            f"{name}: row {rows[i]}, column {column!r}: {values[i]!r} is not an amount "
            "(write e.g. 1 234 567,89 or leave the cell empty)."
        )
    return out


def _typed(values: list[object], *, code: bool) -> pd.Series:
    """Text column, or int/float when every value is a clean number and not a code."""
    present = [v for v in values if v is not None]
    if not code and present and all(_is_integer(v) for v in present):
        ints = [None if v is None else int(float(str(v))) for v in values]
        return pd.Series(ints, dtype="int64" if len(present) == len(values) else "Int64")
    return pd.Series([None if v is None else _text(v) for v in values], dtype="str")


def _is_integer(value: object) -> bool:
    """Whether a value is an integer number (``2025``, ``2025.0``, ``"2025"``)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and _INTEGER.fullmatch(value) is not None


def _text(value: object) -> str:
    """Text of a cell; integer-valued floats lose ``.0`` (parcel 125.0 is ``125``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
