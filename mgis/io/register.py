"""Investment registers (WPF style) from XLSX or CSV, codes kept as text.

A register is a spreadsheet kept by hand: a title above the header row, Polish
amounts (``1 234 567,89 zł``), parcel lists in one cell, a ``Razem`` row at the
bottom. :func:`read_register` finds the header row, keeps every cell as text
except amounts (columns named like *nakłady*, *limit*, *koszt*, *wartość*,
*kwota*, *wydatki*, or a bare year) and clean integers in columns that are not
codes, and tells what it decided. Which column means what is decided later, by
:mod:`mgis.layers.register`.

This module reads the file (the XLSX sheet, or the CSV encoding and delimiter)
and finds the header row; amounts and the typing of cells are in
:mod:`mgis.io.register_cells` (:func:`parse_amount` and :func:`is_money_header`
are re-exported here).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mgis.io.encoding import EncodingChoice, detect
from mgis.io.errors import MgisIOError
from mgis.io.register_cells import _build_frame, _cell, is_money_header, parse_amount
from mgis.io.tables import _decode, list_sheets

__all__ = ["RegisterTable", "file_checksum", "is_money_header", "parse_amount", "read_register"]

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
