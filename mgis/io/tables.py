"""CSV and XLSX tables, with a WKT column or X/Y columns turned into point geometries.

Every cell is read as text first.  A column becomes numeric only if all its values
are cleanly numeric (decimal comma allowed) and none has a leading zero, so TERYT
codes, parcel numbers and obręb codes keep their zeros and slashes.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mgis.io.encoding import EncodingChoice, detect
from mgis.io.errors import MgisIOError

SAMPLE_BYTES = 4 * 1024 * 1024
_NUMBER = r"[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?"
_LEADING_ZERO = r"[-+]?0\d.*"
_WKT_START = re.compile(
    r"^\s*(SRID=\d+;\s*)?(MULTI)?(POINT|LINESTRING|POLYGON)|^\s*GEOMETRYCOLLECTION", re.I
)
_XY_NAMES = (
    ("x", "y"),
    ("lon", "lat"),
    ("lng", "lat"),
    ("long", "lat"),
    ("longitude", "latitude"),
    ("dlugosc", "szerokosc"),
    ("dlugosc_geograficzna", "szerokosc_geograficzna"),
    ("easting", "northing"),
    ("wsp_x", "wsp_y"),
    ("wspx", "wspy"),
    ("xcoord", "ycoord"),
    ("x_coord", "y_coord"),
    ("coord_x", "coord_y"),
    ("e", "n"),
)
_CODE_HINTS = ("teryt", "terc", "simc", "ulic", "kod", "iddzialki", "id_dzialki", "nr_dzialki")
_CODE_HINTS_EXACT = ("obreb", "dzialka", "nr", "numer", "regon", "nip", "pesel", "id", "kw")


@dataclass
class TableResult:
    """A table read from CSV/XLSX and what was decided while reading it."""

    frame: pd.DataFrame
    format: str
    layer: str | None
    encoding: EncodingChoice | None
    geometry_note: str = ""
    warnings: list[str] = field(default_factory=list)


def _plain(name: str) -> str:
    """Lower-case a column name and strip Polish diacritics (``Długość`` → ``dlugosc``)."""
    name = name.strip().lower().replace("ł", "l")
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(" ", "_")


def is_code_column(name: str) -> bool:
    """Tell whether a column name says it holds codes (TERYT, parcel ids …) to keep as text."""
    plain = _plain(name)
    return plain in _CODE_HINTS_EXACT or any(hint in plain for hint in _CODE_HINTS)


def convert_numeric_columns(frame: pd.DataFrame, skip: set[str] | None = None) -> pd.DataFrame:
    """Convert text columns that are cleanly numeric; keep codes and zero-padded values as text.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table whose columns were read as strings.
    skip : set of str, optional
        Columns never converted.

    Returns
    -------
    pandas.DataFrame
        A new frame; numeric columns as int64/float64, everything else unchanged.
    """
    out = frame.copy()
    for name in frame.columns:
        if (skip and name in skip) or is_code_column(str(name)):
            continue
        values = frame[name]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        text = values.dropna().astype(str).str.strip()
        text = text[text != ""]
        if text.empty or not text.str.fullmatch(_NUMBER).all():
            continue
        if text.str.fullmatch(_LEADING_ZERO).any():
            continue
        has_comma = text.str.contains(",", regex=False)
        if has_comma.any() and text.str.contains(".", regex=False).any():
            continue  # mixed separators: ambiguous, leave as text
        cleaned = values.astype(str).str.strip().str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(cleaned.where(values.notna() & (cleaned != "")), errors="coerce")
        is_int = not text.str.contains(r"[.,eE]").any()
        if is_int and numbers.notna().all():
            out[name] = numbers.astype("int64")
        else:
            out[name] = numbers.astype("float64")
    return out


def _sniff_delimiter(sample: str, name: str) -> str:
    """Find the delimiter of a CSV among ``;``, ``,``, tab and ``|``."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in ";,\t|"}
        best = max(counts, key=lambda d: counts[d])
        if counts[best] == 0:
            raise MgisIOError(
                f"{name}: cannot find the column delimiter (tried ';', ',', tab and '|'). "
                "Check that the file is a CSV table with a header row."
            ) from None
        return best


def _decode(data: bytes, choice: EncodingChoice, name: str) -> str:
    """Decode CSV bytes strictly, naming the line of the first undecodable byte."""
    codec = "utf-8-sig" if choice.encoding == "UTF-8" else choice.encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MgisIOError(
            f"{name}: line {line} cannot be read as {choice.encoding} ({choice.reason}). "
            "Give the right encoding (e.g. encoding='cp1250') or save the file as UTF-8."
        ) from exc


def read_csv(path: Path, encoding: str | None = None) -> TableResult:
    """Read a CSV file with sniffed delimiter and verified encoding, all cells as text first.

    Parameters
    ----------
    path : Path
        The CSV file.
    encoding : str, optional
        Encoding given by the user; detected from the bytes otherwise.

    Returns
    -------
    TableResult
        The table (a GeoDataFrame when it has WKT or X/Y columns).
    """
    data = path.read_bytes()
    if encoding:
        choice = EncodingChoice(encoding, "given by the user")
    elif data.startswith(b"\xef\xbb\xbf"):
        choice = EncodingChoice("UTF-8", "UTF-8 byte order mark")
    else:
        sample = (
            data[:SAMPLE_BYTES] + data[-SAMPLE_BYTES:] if len(data) > 2 * SAMPLE_BYTES else data
        )
        choice = detect(sample, None, "encoding declaration (CSV)")
    text = _decode(data, choice, path.name)
    if not text.strip():
        raise MgisIOError(f"{path.name}: the file is empty.")
    delimiter = _sniff_delimiter(text[:65536], path.name)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_values=[""]
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise MgisIOError(
            f"{path.name}: the table is malformed ({exc}). Check the delimiter "
            f"{delimiter!r} and quoting around that line."
        ) from exc
    result = TableResult(frame, "CSV", None, choice)
    result.warnings.append(f"CSV delimiter {delimiter!r}")
    return _add_geometry(result, path.name)


def list_sheets(path: Path) -> list[str]:
    """Return the sheet names of an XLSX workbook."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a bad file
        raise MgisIOError(
            f"{path.name}: cannot open the workbook ({exc}). Save it again as .xlsx."
        ) from exc
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def read_xlsx(path: Path, sheet: str | None = None) -> TableResult:
    """Read one sheet of an XLSX workbook, all cells as text first.

    Parameters
    ----------
    path : Path
        The workbook.
    sheet : str, optional
        Sheet name; the first sheet by default (a warning lists the others).

    Returns
    -------
    TableResult
        The table (a GeoDataFrame when it has WKT or X/Y columns).
    """
    sheets = list_sheets(path)
    if sheet is not None and sheet not in sheets:
        raise MgisIOError(
            f"{path.name}: there is no sheet {sheet!r}; the sheets are {', '.join(sheets)}."
        )
    chosen = sheet or sheets[0]
    frame = pd.read_excel(path, sheet_name=chosen, dtype=str, engine="openpyxl")
    result = TableResult(frame, "XLSX", chosen, None)
    if sheet is None and len(sheets) > 1:
        others = ", ".join(sheets[1:])
        result.warnings.append(f"read the first sheet {chosen!r}; other sheets: {others}")
    return _add_geometry(result, path.name)


def _find_wkt(frame: pd.DataFrame) -> str | None:
    """Return the column holding WKT geometries, if any."""
    for name in frame.columns:
        values = frame[name].dropna()
        if values.empty or not pd.api.types.is_string_dtype(values):
            continue
        if values.astype(str).head(20).str.match(_WKT_START).all():
            return str(name)
    return None


def _find_xy(frame: pd.DataFrame) -> tuple[str, str] | None:
    """Return the (x, y) column pair by name, if both are present."""
    plain = {_plain(str(c)): str(c) for c in frame.columns}
    for x, y in _XY_NAMES:
        if x in plain and y in plain:
            return plain[x], plain[y]
    return None


def _add_geometry(result: TableResult, name: str) -> TableResult:
    """Turn a WKT column or X/Y columns into geometries and convert numeric columns."""
    frame = result.frame
    wkt = _find_wkt(frame)
    if wkt is not None:
        values = frame[wkt]
        try:
            raw = np.array([v if isinstance(v, str) else None for v in values], dtype=object)
            geoms = shapely.from_wkt(raw)
        except shapely.errors.GEOSException:
            bad = _first_bad_wkt(values)
            raise MgisIOError(
                f"{name}: row {bad + 2} has an invalid WKT geometry in column {wkt!r}: "
                f"{str(values.iloc[bad])[:60]!r}. Correct or remove that row."
            ) from None
        table = convert_numeric_columns(frame.drop(columns=[wkt]))
        result.frame = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geoms, index=frame.index))
        result.geometry_note = f"geometry from WKT column {wkt!r}"
        return result
    table = convert_numeric_columns(frame)
    pair = _find_xy(table)
    if pair is None:
        result.frame = table
        result.geometry_note = "no WKT or X/Y columns: read as a table without geometry"
        return result
    x, y = pair
    for col in pair:
        if not pd.api.types.is_numeric_dtype(table[col]):
            parsed = pd.to_numeric(
                table[col].astype(str).str.replace(",", ".", regex=False), errors="coerce"
            )
            rows = np.flatnonzero((parsed.isna() & table[col].notna()).to_numpy())
            row = int(rows[0]) if rows.size else 0
            raise MgisIOError(
                f"{name}: column {col!r} should hold coordinates, but row {row + 2} holds "
                f"{table[col].iloc[row]!r}. Correct the value or remove the row."
            )
    absent = (table[x].isna() | table[y].isna()).to_numpy()
    geoms = np.asarray(
        shapely.points(table[x].to_numpy(float), table[y].to_numpy(float)), dtype=object
    )
    geoms[absent] = None
    result.frame = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geoms, index=table.index))
    missing = int(absent.sum())
    if missing:
        result.warnings.append(f"{missing} rows have no coordinates (no geometry)")
    result.geometry_note = f"points from columns {x!r} (X) and {y!r} (Y)"
    return result


def _first_bad_wkt(values: pd.Series) -> int:
    """Return the position of the first value that is not valid WKT."""
    for i, value in enumerate(values):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        try:
            shapely.from_wkt(str(value))
        except shapely.errors.GEOSException:
            return i
    return 0
