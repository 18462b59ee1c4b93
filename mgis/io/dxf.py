"""DXF for CAD: closed polylines, points, labels as TEXT and attributes as XDATA.

The document skeleton (header, layer and application tables, objects) is made by
``ezdxf``; the entities are formatted here in bulk, because building 300 000
ezdxf entity objects takes close to a minute.  The result is an ordinary DXF
that ezdxf, GDAL's DXF driver, QGIS and AutoCAD open.

* Every map layer, or every value of a chosen field, becomes a DXF layer.
* Polygon rings (outer and holes) become closed ``LWPOLYLINE`` entities, lines
  open ones, points ``POINT`` entities; multi-part features give one entity per part.
* Every entity carries the feature's attributes as XDATA of the application
  ``MGIS``: for each field a ``1000`` group with its name followed by its value
  (``1000`` text, ``1040`` real or ``1071`` integer; a missing value is empty text).
* Labels are centred ``TEXT`` entities on the layer ``<layer>_labels``.
* UTF-8 gives DXF R2010 (text in UTF-8); cp1250 gives DXF R2000 encoded in
  Windows-1250.  Both declare the Polish code page ``ANSI_1250``.  CAD programs
  and ezdxf read R2010 text as UTF-8, but GDAL (and so QGIS) decode every DXF by
  ``$DWGCODEPAGE`` unless opened with the option ``DXF_ENCODING=UTF-8``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    import geopandas as gpd

APPID = "MGIS"
"""Application name under which the attributes are stored as XDATA."""
LABEL_SUFFIX = "_labels"
_MAX_STRING = 255
_INT32 = 2**31 - 1
_CHUNK = 20_000
_BAD_NAME = re.compile(r'[<>/\\":;?*|,=`\x00-\x1f]')
_LINE_BREAKS = re.compile(r"[\r\n\t]+")
_POINT = "  0\nPOINT\n  5\n%X\n330\n%s\n100\nAcDbEntity\n  8\n%s\n100\nAcDbPoint\n"
_POLYLINE = (
    "  0\nLWPOLYLINE\n  5\n%X\n330\n%s\n100\nAcDbEntity\n  8\n%s\n100\nAcDbPolyline\n"
    " 90\n%d\n 70\n%d\n"
)
_TEXT = (
    "  0\nTEXT\n  5\n%X\n330\n%s\n100\nAcDbEntity\n  8\n%s\n100\nAcDbText\n"
    " 10\n%s\n 20\n%s\n 30\n0.0\n 40\n%s\n  1\n%s\n 72\n1\n 11\n%s\n 21\n%s\n 31\n0.0\n"
    "100\nAcDbText\n 73\n2\n"
)


@dataclass
class DxfResult:
    """What :func:`write_dxf` wrote: entity count, DXF layers and remarks for the report."""

    entities: int = 0
    labels: int = 0
    layers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def write_dxf(
    frame: gpd.GeoDataFrame,
    path: Path,
    *,
    layer_name: str,
    attributes: pd.DataFrame | None = None,
    layer_values: pd.Series | None = None,
    labels: pd.Series | None = None,
    encoding: Literal["utf-8", "cp1250"] = "utf-8",
    text_height: float | None = None,
) -> DxfResult:
    """Write a layer as a DXF drawing in the frame's own coordinates.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Features to draw (rows with empty or missing geometry are skipped).
    path : pathlib.Path
        The ``.dxf`` file to write (the caller makes it atomic).
    layer_name : str
        DXF layer of all features, or of features whose ``layer_values`` is missing.
    attributes : pandas.DataFrame, optional
        Attributes stored as XDATA, one row per feature; none when omitted.
    layer_values : pandas.Series, optional
        One DXF layer per distinct value of this series.
    labels : pandas.Series, optional
        Label text per feature, written as TEXT at a point inside the feature.
    encoding : {"utf-8", "cp1250"}
        UTF-8 writes DXF R2010, cp1250 writes DXF R2000 in Windows-1250.
    text_height : float, optional
        Label height in map units; 2.0 (metres) or 0.00002 (degrees) by default.

    Returns
    -------
    DxfResult
        Entity and label counts, the DXF layers and warnings.
    """
    result = DxfResult()
    n = len(frame)
    base = _layer_name(layer_name) or "mgis"
    names = _feature_layers(layer_values, base, n)
    geographic = bool(frame.crs is not None and frame.crs.is_geographic)
    fmt = f"%.{9 if geographic else 4}f"
    height = text_height if text_height is not None else (0.00002 if geographic else 2.0)
    geoms = np.asarray(frame.geometry.array, dtype=object)
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if (skipped := int((~valid).sum())) > 0:
        result.warnings.append(f"{skipped} features without geometry were not drawn")
    text_labels = _label_texts(labels, n)
    result.layers = list(dict.fromkeys(names.tolist()))
    label_layer = _layer_name(base + LABEL_SUFFIX)
    if text_labels is not None:
        result.layers.append(label_layer)
    bounds = shapely.total_bounds(geoms[valid]) if valid.any() else None
    skeleton = _skeleton(result.layers, text_labels is not None, encoding, geographic, bounds)

    pieces = _Pieces.of(geoms)
    xdata, long_values = _xdata(attributes, n)
    if long_values:
        result.warnings.append(
            f"{long_values} attribute values longer than {_MAX_STRING} characters were "
            "shortened in the DXF XDATA"
        )
    label_rows = np.flatnonzero(valid & (text_labels != "")) if text_labels is not None else None
    result.labels = len(label_rows) if label_rows is not None else 0
    result.entities = pieces.count + result.labels
    head, tail, first = _split_skeleton(skeleton.text, result.entities)
    with path.open("w", encoding=encoding, newline="\n") as out:
        out.write(head)
        handle = pieces.write(out, first, skeleton.owner, layers=names, xdata=xdata, fmt=fmt)
        if label_rows is not None and text_labels is not None:
            points = shapely.get_coordinates(shapely.point_on_surface(geoms[label_rows]))
            labels_text = text_labels[label_rows]
            _write_labels(
                out, handle, skeleton.owner, label_layer, points,
                texts=labels_text, fmt=fmt, height=fmt % height,
            )  # fmt: skip
        out.write(tail)
    return result


@dataclass
class _Skeleton:
    """The DXF text ezdxf wrote without entities, and the model space handle."""

    text: str
    owner: str


def _skeleton(
    layers: list[str],
    labels: bool,
    encoding: str,
    geographic: bool,
    bounds: np.ndarray[Any, Any] | None,
) -> _Skeleton:
    """Let ezdxf write header, tables (layers, the MGIS application) and objects."""
    from ezdxf.filemanagement import new

    doc = new("R2000" if encoding == "cp1250" else "R2010", setup=False)
    doc.encoding = "cp1250"  # written as $DWGCODEPAGE ANSI_1250
    if not geographic:
        doc.header["$INSUNITS"] = 6  # metres
    if bounds is not None:
        doc.header["$EXTMIN"] = (float(bounds[0]), float(bounds[1]), 0.0)
        doc.header["$EXTMAX"] = (float(bounds[2]), float(bounds[3]), 0.0)
    doc.appids.add(APPID)
    drawn = layers[:-1] if labels else layers
    for i, name in enumerate(drawn):
        if name not in doc.layers:  # "0" and "Defpoints" exist already
            doc.layers.add(name, color=7 if len(drawn) == 1 else 1 + (i * 37) % 254)
    if labels and layers[-1] not in doc.layers:
        doc.layers.add(layers[-1], color=7)
    stream = io.StringIO()
    doc.write(stream)
    return _Skeleton(stream.getvalue(), str(doc.modelspace().block_record_handle))


def _split_skeleton(text: str, count: int) -> tuple[str, str, int]:
    """Split around the empty ENTITIES section; reserve ``count`` handles in $HANDSEED."""
    marker = "  2\nENTITIES\n"
    cut = text.index(marker) + len(marker)
    seed = re.search(r"  9\n\$HANDSEED\n  5\n([0-9A-Fa-f]+)\n", text)
    if seed is None:  # pragma: no cover - ezdxf always writes $HANDSEED
        raise RuntimeError("ezdxf wrote no $HANDSEED")
    first = int(seed.group(1), 16)
    head = text[: seed.start(1)] + f"{first + count + 1:X}" + text[seed.end(1) : cut]
    return head, text[cut:], first


def _layer_name(text: str) -> str:
    """Make a valid DXF layer name: no characters CAD forbids in names, no control codes."""
    return _BAD_NAME.sub("_", text).strip()[:_MAX_STRING]


def _feature_layers(values: pd.Series | None, base: str, n: int) -> np.ndarray[Any, Any]:
    """Return the DXF layer name of every feature (names equal but for case are merged)."""
    if values is None:
        return np.full(n, base, dtype=object)
    seen: dict[str, str] = {}
    out = np.empty(n, dtype=object)
    for i, value in enumerate(values.tolist()):
        name = _layer_name(clean_text(value))
        name = name or base
        out[i] = seen.setdefault(name.casefold(), name)
    return out


def _missing(value: object) -> bool:
    """Tell whether a cell value is missing (None, NA or NaN)."""
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def clean_text(value: object) -> str:
    """Return one line of DXF text: line breaks and tabs become spaces, missing is empty."""
    if _missing(value):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return _LINE_BREAKS.sub(" ", str(value))


def _label_texts(labels: pd.Series | None, n: int) -> np.ndarray[Any, Any] | None:
    """Return the label text of every feature ('' for none), or None without labels."""
    if labels is None:
        return None
    texts = np.array([clean_text(v)[:_MAX_STRING] for v in labels.tolist()], dtype=object)
    if len(texts) != n:  # pragma: no cover - the caller passes aligned series
        raise ValueError("labels must have one value per feature")
    return texts


def _xdata(attributes: pd.DataFrame | None, n: int) -> tuple[list[str], int]:
    """Return the XDATA text of every feature and how many values had to be shortened."""
    head = f"1001\n{APPID}\n"
    if attributes is None or attributes.shape[1] == 0:
        return [head] * n, 0
    columns: list[list[str]] = []
    shortened = 0
    for name in attributes.columns:
        key = f"1000\n{clean_text(name)[:_MAX_STRING]}\n"
        series = attributes[name]
        missing = series.isna().to_numpy()
        dtype = series.dtype
        values = series.tolist()
        if pd.api.types.is_bool_dtype(dtype):
            cells = [
                f"{key}1071\n{0 if m else int(v)}\n" for v, m in zip(values, missing, strict=True)
            ]
        elif pd.api.types.is_integer_dtype(dtype):
            cells = [
                f"{key}1071\n{v}\n" if abs(v) <= _INT32 else f"{key}1040\n{float(v)!r}\n"
                for v in (0 if m else v for v, m in zip(values, missing, strict=True))
            ]
        elif pd.api.types.is_float_dtype(dtype):
            cells = [f"{key}1040\n{float(v)!r}\n" for v in values]
        else:
            texts = [clean_text(v) for v in values]
            shortened += sum(len(t) > _MAX_STRING for t in texts)
            cells = [f"{key}1000\n{t[:_MAX_STRING]}\n" for t in texts]
        if missing.any():
            for i in np.flatnonzero(missing):
                cells[i] = f"{key}1000\n\n"
        columns.append(cells)
    return [head + "".join(row) for row in zip(*columns, strict=True)], shortened


@dataclass
class _Pieces:
    """Drawable parts in feature order: points, open and closed polylines."""

    feature: np.ndarray[Any, Any]
    kind: np.ndarray[Any, Any]  # 0 point, 1 open polyline, 2 closed polyline
    start: np.ndarray[Any, Any]
    stop: np.ndarray[Any, Any]
    coords: list[float]

    @property
    def count(self) -> int:
        """Number of entities."""
        return len(self.feature)

    @classmethod
    def of(cls, geoms: np.ndarray[Any, Any]) -> _Pieces:
        """Split geometries into single points, lines and polygon rings, vectorised."""
        parts, owner = shapely.get_parts(geoms, return_index=True)
        types = shapely.get_type_id(parts)
        while (nested := types >= 4).any():  # collections inside collections
            sub, sub_owner = shapely.get_parts(parts[nested], return_index=True)
            parts = np.concatenate([parts[~nested], sub])
            owner = np.concatenate([owner[~nested], owner[nested][sub_owner]])
            order = np.argsort(owner, kind="stable")
            parts, owner = parts[order], owner[order]
            types = shapely.get_type_id(parts)
        keep = ~shapely.is_empty(parts)
        parts, owner, types = parts[keep], owner[keep], types[keep]
        polygons = types == 3
        rings, ring_owner = shapely.get_rings(parts[polygons], return_index=True)
        curves = np.concatenate([parts[~polygons], rings])
        curve_owner = np.concatenate([owner[~polygons], owner[polygons][ring_owner]])
        kinds = np.concatenate(
            [np.where(types[~polygons] == 0, 0, np.where(types[~polygons] == 2, 2, 1)),
             np.full(len(rings), 2)]
        )  # fmt: skip
        order = np.argsort(curve_owner, kind="stable")
        curves, curve_owner, kinds = curves[order], curve_owner[order], kinds[order]
        xy, index = shapely.get_coordinates(curves, return_index=True)
        positions = np.arange(len(curves))
        start = np.searchsorted(index, positions, side="left")
        stop = np.searchsorted(index, positions, side="right")
        closed = (kinds == 2) & (stop - start > 1)
        same = np.zeros(len(curves), dtype=bool)
        if closed.any():
            first, last = xy[start[closed]], xy[stop[closed] - 1]
            same[closed] = (first == last).all(axis=1)
        stop = stop - same  # a closed polyline does not repeat its first vertex
        return cls(curve_owner, kinds, start, stop, xy.ravel().tolist())

    def write(
        self,
        out: Any,
        handle: int,
        owner: str,
        *,
        layers: np.ndarray[Any, Any],
        xdata: list[str],
        fmt: str,
    ) -> int:
        """Write the entities from ``handle`` on and return the next free handle."""
        vertex = f" 10\n{fmt}\n 20\n{fmt}\n"
        point = f" 10\n{fmt}\n 20\n{fmt}\n 30\n0.0\n"
        coords = self.coords
        buffer: list[str] = []
        for feature, kind, start, stop in zip(
            self.feature.tolist(), self.kind.tolist(), self.start.tolist(), self.stop.tolist(),
            strict=True,
        ):  # fmt: skip
            layer = layers[feature]
            if kind == 0:
                buffer.append(_POINT % (handle, owner, layer))
                buffer.append(point % (coords[2 * start], coords[2 * start + 1]))
            else:
                count = stop - start
                buffer.append(_POLYLINE % (handle, owner, layer, count, kind == 2))
                buffer.append((vertex * count) % tuple(coords[2 * start : 2 * stop]))
            buffer.append(xdata[feature])
            handle += 1
            if len(buffer) >= _CHUNK:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))
        return handle


def _write_labels(
    out: Any,
    handle: int,
    owner: str,
    layer: str,
    points: np.ndarray[Any, Any],
    *,
    texts: np.ndarray[Any, Any],
    fmt: str,
    height: str,
) -> None:
    """Write centred TEXT entities at ``points``."""
    buffer: list[str] = []
    for (x, y), text in zip(points.tolist(), texts.tolist(), strict=True):
        sx, sy = fmt % x, fmt % y
        buffer.append(_TEXT % (handle, owner, layer, sx, sy, height, text, sx, sy))
        handle += 1
        if len(buffer) >= _CHUNK:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
