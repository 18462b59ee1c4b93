"""Shapefile details: 10-byte DBF field names, ``.cpg``, sidecars, text the encoding holds."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from mgis.io.errors import MgisIOError

MAX_NAME_BYTES = 10
"""A DBF field name holds at most 10 bytes (in the file's encoding)."""
PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
"""Files of a shapefile as mgis writes it."""
STALE = (".qix", ".sbn", ".sbx", ".fix", ".shp.xml")
"""Sidecars of an older shapefile that would no longer match a replaced one."""
MAPPING_SUFFIX = ".fields.csv"
"""Suffix of the file listing shortened field names beside the shapefile."""
CPG = {"utf-8": "UTF-8", "cp1250": "1250"}
"""Content of the ``.cpg`` file for each encoding (as ArcGIS and QGIS write it)."""
MAX_SHOWN = 5
"""How many offending values an error message lists."""


def _fit(name: str, limit: int, encoding: str) -> str:
    """Cut ``name`` to at most ``limit`` bytes without splitting a character."""
    out = ""
    for char in name:
        if len((out + char).encode(encoding, errors="replace")) > limit:
            break
        out += char
    return out


def short_names(names: Iterable[str], encoding: str = "utf-8") -> dict[str, str]:
    """Map field names to unique DBF names of at most 10 bytes.

    Names that fit are kept; longer ones are cut, and a cut name that is taken
    (DBF names compare without case) gets ``_1``, ``_2`` ... in its last bytes.

    Parameters
    ----------
    names : iterable of str
        Field names in their order.
    encoding : str
        Encoding of the DBF, which decides how many bytes a Polish letter takes.

    Returns
    -------
    dict[str, str]
        Every name mapped to its DBF name (equal to itself when it fits).

    Examples
    --------
    >>> short_names(["numer", "powierzchnia_ewid", "powierzchnia_geom"])
    {'numer': 'numer', 'powierzchnia_ewid': 'powierzchn', 'powierzchnia_geom': 'powierzc_1'}
    >>> short_names(["Jednostka realizująca"])
    {'Jednostka realizująca': 'Jednostka'}
    """
    ordered = list(dict.fromkeys(names))
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for name in ordered:
        fits = len(name.encode(encoding, errors="replace")) <= MAX_NAME_BYTES and name
        if fits and name.casefold() not in taken:
            mapping[name] = name
            taken.add(name.casefold())
    for name in ordered:
        if name in mapping:
            continue
        # GDAL strips trailing spaces from DBF names: a cut must not end in one.
        candidate = _fit(name, MAX_NAME_BYTES, encoding).rstrip() or "field"
        number = 1
        while candidate.casefold() in taken:
            suffix = f"_{number}"
            candidate = (
                _fit(name, MAX_NAME_BYTES - len(suffix), encoding).rstrip() or "f"
            ) + suffix
            number += 1
        mapping[name] = candidate
        taken.add(candidate.casefold())
    return mapping


def write_mapping(path: Path, mapping: dict[str, str]) -> None:
    """Write the renamed fields as CSV (``short_name,original_name``, UTF-8 with BOM)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["short_name", "original_name"])
        writer.writerows((short, name) for name, short in mapping.items() if short != name)


def write_cpg(path: Path, encoding: str) -> None:
    """Write the ``.cpg`` file declaring the DBF encoding."""
    path.write_text(CPG.get(encoding, encoding.upper()), encoding="ascii")


def check_encodable(target: Path, frames: list[Any], encoding: str) -> None:
    """Raise :class:`MgisIOError` when text or field names cannot be written in ``encoding``.

    Parameters
    ----------
    target : pathlib.Path
        The output file, named in the message.
    frames : list of DataFrame or Series
        Tables (their field names and text values) and single series to check.
    encoding : str
        The encoding of the output, e.g. ``"cp1250"``.

    Raises
    ------
    MgisIOError
        Naming the first few values that cannot be written and suggesting UTF-8.
    """
    bad: list[str] = []
    columns: list[tuple[str, pd.Series]] = []
    for item in frames:
        if isinstance(item, pd.Series):
            columns.append((str(item.name), item))
        else:
            columns.extend((str(c), item[c]) for c in item.columns)
    for name, series in columns:
        if not _encodes(name, encoding):
            bad.append(f"field name {name!r}")
        if str(series.dtype) == "geometry" or pd.api.types.is_numeric_dtype(series.dtype):
            continue
        texts = [v for v in series.dropna().unique().tolist() if isinstance(v, str)]
        if _encodes("\0".join(texts), encoding):
            continue
        bad.extend(f"{name}: {t!r}" for t in texts if not _encodes(t, encoding))
        if len(bad) >= MAX_SHOWN:
            break
    if bad:
        raise MgisIOError(
            f"{target.name}: some text cannot be written in {encoding} (Windows-1250), e.g. "
            f"{'; '.join(bad[:MAX_SHOWN])}. Export in UTF-8 (--encoding utf-8) instead, "
            "or correct these values."
        )


def _encodes(text: str, encoding: str) -> bool:
    """Tell whether ``text`` can be encoded in ``encoding``."""
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
