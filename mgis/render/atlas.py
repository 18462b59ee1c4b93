"""Atlases: one sheet per feature of a coverage layer, with the parcels of each in a table."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from PySide6.QtGui import QPainter, QPdfWriter

from mgis.render.printing import (
    PrintCancelled,
    new_pdf_writer,
    print_pdf,
    print_png,
    render_sheet,
)
from mgis.render.renderer import Cancel, MapRenderer
from mgis.render.sheet import SheetSpec, TableSpec

if TYPE_CHECKING:
    from mgis.layers import VectorLayer
    from mgis.project import Project

Progress = Callable[[int], None]


def feature_rows(layer: VectorLayer, field: str, value: str) -> np.ndarray[Any, np.dtype[Any]]:
    """Return the positions of the features whose ``field`` reads ``value`` (as text)."""
    if field not in layer.frame.columns:
        raise KeyError(f"Layer {layer.name!r} has no field {field!r}.")
    return np.flatnonzero(layer.frame[field].astype(str).to_numpy() == str(value))


def parcels_table(
    parcels: VectorLayer, geometry: Any, fields: Sequence[str] | None = None, title: str = ""
) -> TableSpec:
    """Return the table of the features of ``parcels`` inside ``geometry`` with their areas.

    Parameters
    ----------
    parcels : VectorLayer
        The parcel layer.
    geometry : shapely geometry
        The investment, obręb or district.
    fields : sequence of str, optional
        Columns to list; the first four attribute fields when None.
    title : str
        Table title; the layer name by default.

    Returns
    -------
    TableSpec
        One row per parcel touching the geometry's interior, plus an area column in m².
    """
    frame = parcels.frame
    rows = frame.sindex.query(geometry, predicate="intersects")
    rows = rows[shapely.area(shapely.intersection(frame.geometry.values[rows], geometry)) > 0.01]
    rows = np.sort(rows)
    names = list(fields) if fields else [c for c in frame.columns if c != "geometry"][:4]
    sub = frame.iloc[rows]
    area = shapely.area(sub.geometry.values)
    body = [
        (*(_cell(v) for v in values), f"{a:,.0f}".replace(",", " "))
        for values, a in zip(sub[names].itertuples(index=False), area, strict=True)
    ]
    return TableSpec(title or parcels.name, (*names, "m²"), tuple(body))


def _cell(value: Any) -> str:
    """Text of a table cell (empty for missing values)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def safe_file_name(text: str) -> str:
    """Return ``text`` usable as a file name (Polish letters kept)."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "_", str(text)).strip(" .")
    return cleaned[:120] or "sheet"


@dataclass
class AtlasResult:
    """What :func:`print_atlas` wrote: the files and the sheet names in order."""

    files: list[Path]
    names: list[str]


def print_atlas(
    project: Project,
    spec: SheetSpec,
    coverage: str,
    out: Path | str,
    *,
    name_field: str | None = None,
    one_file: bool = True,
    fmt: str = "pdf",
    table_layer: str | None = None,
    table_fields: Sequence[str] | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> AtlasResult:
    """Print one sheet per feature of the ``coverage`` layer.

    Parameters
    ----------
    project : Project
        The project.
    spec : SheetSpec
        The sheet of every page; its extent is replaced by each feature's, and
        its scale is kept when fixed (else fitted to each feature).
    coverage : str
        Layer with one feature per sheet (investments, obręby, districts).
    out : pathlib.Path or str
        The PDF file (``one_file``) or the folder of the sheets.
    name_field : str, optional
        Field naming the sheets (titles and file names); the feature number when None.
    one_file : bool
        One multi-page PDF instead of one file per sheet.
    fmt : {"pdf", "png"}
        Format of the separate files.
    table_layer : str, optional
        Layer listed in a table on each sheet (the parcels of the feature).
    table_fields : sequence of str, optional
        Columns of that table.
    progress : callable, optional
        Called with the percent done.
    cancel : callable, optional
        Returning True stops; a partial single PDF is removed.

    Returns
    -------
    AtlasResult
        Files written and sheet names.
    """
    layer = project.layer(coverage)
    frame = layer.frame
    names = [str(v) for v in (frame[name_field] if name_field else range(1, len(frame) + 1))]
    table_src = project.layer(table_layer) if table_layer else None
    renderer = MapRenderer()
    target = Path(out)
    files: list[Path] = []
    writer: QPdfWriter | None = None
    painter = QPainter()
    if one_file:
        writer = new_pdf_writer(target, spec)
        if not painter.begin(writer):
            raise OSError(f"Cannot write {target}; check the folder exists and is writable.")
        files.append(target)
    else:
        target.mkdir(parents=True, exist_ok=True)
    try:
        for i, (geom, name) in enumerate(zip(frame.geometry.values, names, strict=True)):
            if cancel is not None and cancel():
                raise PrintCancelled("Printing was cancelled.")
            page = _atlas_page(spec, geom, name, coverage, table=(table_src, table_fields))
            if writer is not None:
                if i:
                    writer.newPage()
                render_sheet(
                    painter, project, page, spec.dpi, renderer=renderer, highlight=geom, vector=True
                )
            else:
                path = _unique(target / f"{safe_file_name(name)}.{fmt}")
                printer = print_png if fmt == "png" else print_pdf
                printer(project, page, path, renderer=renderer, highlight=geom)
                files.append(path)
            if progress is not None:
                progress(round(100 * (i + 1) / max(len(frame), 1)))
    except BaseException:
        if writer is not None:
            painter.end()
            target.unlink(missing_ok=True)
        raise
    if writer is not None:
        painter.end()
    return AtlasResult(files, names)


def _atlas_page(
    spec: SheetSpec,
    geom: Any,
    name: str,
    coverage: str,
    *,
    table: tuple[VectorLayer | None, Sequence[str] | None],
) -> SheetSpec:
    """Return the spec of one atlas sheet: the feature's extent, title and parcel table."""
    xmin, ymin, xmax, ymax = (float(v) for v in shapely.bounds(geom))
    title = spec.title or f"{coverage}: {name}"
    subtitle = name if spec.title else spec.subtitle
    source, fields = table
    rows = spec.table
    if source is not None:
        rows = parcels_table(source, geom, fields, f"{source.name} — {name}")
    return dataclasses.replace(
        spec, extent=(xmin, ymin, xmax, ymax), center=None, title=title, subtitle=subtitle,
        table=rows,
    )  # fmt: skip


def _unique(path: Path) -> Path:
    """Return ``path``, or ``stem_2.ext`` ... when it is already taken."""
    candidate, n = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}_{n}{path.suffix}")
        n += 1
    return candidate
