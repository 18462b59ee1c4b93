"""Writing attribute tables to CSV (plain or for Polish Excel) and XLSX, atomically.

Text stays text: codes such as ``0001`` keep their zeros, and in XLSX a value
starting with ``=`` is written as text, never as a formula.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from mgis.io.errors import MgisIOError

FORMATS = {".csv": "CSV", ".xlsx": "XLSX"}
WKT_COLUMN = "WKT"


class TableExistsError(MgisIOError, FileExistsError):
    """The output file exists and overwriting was not allowed."""


def write_table(
    frame: pd.DataFrame,
    path: Path | str,
    *,
    polish_excel: bool = False,
    geometry_wkt: bool = False,
    overwrite: bool = False,
    sheet_name: str = "dane",
) -> Path:
    """Write the attributes of ``frame`` to a CSV or XLSX file chosen by the suffix.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; geometry columns are left out unless ``geometry_wkt``.
    path : Path or str
        Output file ending in ``.csv`` or ``.xlsx``.
    polish_excel : bool
        For CSV: ``;`` between columns, a decimal comma and UTF-8 with a byte
        order mark, which Excel in Polish opens correctly by double-click.
        Plain CSV is UTF-8 without BOM, ``,`` between columns and a decimal point.
    geometry_wkt : bool
        Write the active geometry as a ``WKT`` column (other geometry columns
        are always left out).
    overwrite : bool
        Replace an existing file; without it an existing file is an error.
    sheet_name : str
        Sheet name for XLSX.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    TableExistsError
        When ``path`` exists and ``overwrite`` is False (also a FileExistsError).
    MgisIOError
        For an unknown suffix or when the file cannot be written.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise MgisIOError(
            f"{path.name}: cannot write tables as '{path.suffix or '(no suffix)'}'; "
            "name the file .csv or .xlsx."
        )
    if path.exists() and not overwrite:
        raise TableExistsError(
            f"{path.name} already exists in {path.parent}; choose another name or allow "
            "overwriting."
        )
    if not path.parent.is_dir():
        raise MgisIOError(f"{path.name}: the folder {path.parent} does not exist.")
    table = attribute_table(frame, geometry_wkt=geometry_wkt)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        if fmt == "CSV":
            _write_csv(table, temp, polish_excel=polish_excel)
        else:
            _write_xlsx(table, temp, sheet_name)
        temp.replace(path)
    except OSError as exc:
        raise MgisIOError(f"{path.name}: cannot write the file ({exc}).") from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    return path


def attribute_table(frame: pd.DataFrame, *, geometry_wkt: bool = False) -> pd.DataFrame:
    """Return ``frame`` without geometry columns, optionally with the geometry as WKT text.

    Parameters
    ----------
    frame : pandas.DataFrame
        A DataFrame or GeoDataFrame.
    geometry_wkt : bool
        Add the active geometry as a ``WKT`` column at the end.

    Returns
    -------
    pandas.DataFrame
        A plain DataFrame with a fresh 0..n-1 index.
    """
    geometry_columns = [c for c in frame.columns if str(frame[c].dtype) == "geometry"]
    table = pd.DataFrame(frame.drop(columns=geometry_columns)).reset_index(drop=True)
    if geometry_wkt and geometry_columns:
        geometry = getattr(frame, "geometry", frame[geometry_columns[0]])
        table[WKT_COLUMN] = pd.Series(np.asarray(geometry.to_wkt(), dtype=object), dtype=object)
    return table


def _write_csv(table: pd.DataFrame, path: Path, *, polish_excel: bool) -> None:
    """Write CSV with explicit encoding, delimiter and decimal mark."""
    if polish_excel:
        table.to_csv(
            path,
            sep=";",
            decimal=",",
            index=False,
            encoding="utf-8-sig",
            lineterminator="\r\n",
        )
    else:
        table.to_csv(path, sep=",", index=False, encoding="utf-8", lineterminator="\n")


def _xlsx_columns(table: pd.DataFrame) -> list[list[object]]:
    """Return each column as a list of Python values openpyxl can store (None for missing)."""
    columns: list[list[object]] = []
    for name in table.columns:
        series = table[name]
        if pd.api.types.is_datetime64_any_dtype(series.dtype) and series.dt.tz is not None:
            series = series.dt.tz_localize(None)
        columns.append(series.astype(object).where(series.notna(), None).tolist())
    return columns


def _write_xlsx(table: pd.DataFrame, path: Path, sheet_name: str) -> None:
    """Write one sheet; text cells are forced to text so ``=...`` never becomes a formula."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in table.columns:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(name)))
        cell.font = bold
        cell.data_type = "s"
        header.append(cell)
    sheet.append(header)
    columns = _xlsx_columns(table)
    for row in zip(*columns, strict=True):
        cells: list[object] = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    workbook.save(path)
