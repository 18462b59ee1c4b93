"""Geometries to Qt paths in bulk: shapely coordinate arrays -> numpy -> QPainterPath.

No Python loop touches a vertex or a feature. A layer's coordinates are pulled
out of shapely once (:func:`prepare_geometries`); each redraw transforms them to
pixels with numpy, thins them to the pixel grid and hands whole chunks to Qt as
one compound :class:`~PySide6.QtGui.QPainterPath` each. The paths are
deserialised from one byte buffer in Qt's own ``QDataStream`` format, one C++
call per chunk: ~70 ns a vertex (the stream reads every number through
``QIODevice``), against ~5 us for ``lineTo`` calls. No faster public route to a
path with many subpaths exists in PySide6 6.11 (``addPolygon`` takes one
subpath per call, and strokes need the subpaths).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import cast

import numpy as np
import shapely
import shiboken6
from numpy.typing import NDArray
from PySide6.QtCore import QByteArray, QDataStream
from PySide6.QtGui import QPainterPath, QPolygonF

from mgis.render.index import spatial_order
from mgis.render.lod import take_vertices

_MOVE_TO, _LINE_TO = 0, 1
_ELEMENT = np.dtype([("type", "<i4"), ("x", "<f8"), ("y", "<f8")])
_PAD = 8
"""Bytes after each path record in a path stream (see :func:`_path_records`)."""


@dataclass(frozen=True)
class GeometryArrays:
    """The coordinates of a layer's features as flat numpy arrays.

    Parameters
    ----------
    family : str
        ``polygon`` (closed rings), ``line`` (open parts) or ``point``.
    coords : numpy.ndarray
        ``(M, 2)`` float64 map coordinates of all vertices (or points).
    offsets : numpy.ndarray
        ``(R + 1,)`` start of every ring or part in ``coords``; points have one per point.
    feature : numpy.ndarray
        ``(R,)`` row position in the frame of each ring, part or point.
    bounds : numpy.ndarray
        ``(R, 4)`` ``xmin, ymin, xmax, ymax`` of each ring, part or point.
    heads : numpy.ndarray of bool or None
        ``(R,)`` True where a ring starts a polygon (its exterior); the holes
        that follow belong to it. None means every part is a head.

    Rings, parts and points are stored in Z-order of their polygon or part
    centres (see :func:`~mgis.render.index.spatial_order`), not in frame
    order: ``feature`` maps them back to frame rows.
    """

    family: str
    coords: NDArray[np.float64]
    offsets: NDArray[np.int64]
    feature: NDArray[np.int64]
    bounds: NDArray[np.float64]
    heads: NDArray[np.bool_] | None = None

    @property
    def n_parts(self) -> int:
        """Number of rings, parts or points."""
        return len(self.feature)


def prepare_geometries(geoms: NDArray[np.object_], family: str) -> GeometryArrays:
    """Pull the coordinates of ``geoms`` out of shapely into flat arrays.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        One geometry (or None) per feature, in frame order.
    family : str
        ``polygon``, ``line`` or ``point``; geometries of other families are skipped.

    Returns
    -------
    GeometryArrays
        Rings for polygons, parts for lines, single points for points.
    """
    geoms = np.asarray(geoms, dtype=object)
    ragged = _ragged(geoms, family)
    if ragged is not None:
        return _arrays_in_z_order(family, *ragged)
    parts, part_feature = shapely.get_parts(geoms, return_index=True)
    types = shapely.get_type_id(parts)
    wanted = {"polygon": [3], "line": [1, 2], "point": [0]}.get(family, [])
    keep = np.isin(types, wanted) & ~shapely.is_empty(parts)
    parts, part_feature = parts[keep], part_feature[keep]
    if family == "polygon":
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        feature = part_feature[ring_part]
        group = np.asarray(ring_part, dtype=np.int64)
    else:
        rings, feature = parts, part_feature
        group = np.arange(len(parts), dtype=np.int64)
    counts = shapely.get_num_coordinates(rings).astype(np.int64)
    coords = np.ascontiguousarray(shapely.get_coordinates(rings), dtype=np.float64).reshape(-1, 2)
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return _arrays_in_z_order(family, coords, offsets, np.asarray(feature, np.int64), group)


def _ragged(
    geoms: NDArray[np.object_], family: str
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]] | None:
    """Coordinates, ring offsets, feature and polygon of every ring in one shapely call.

    ``shapely.to_ragged_array`` is about 3x faster than splitting parts and
    rings; it takes only one geometry family (single and multi mixed), so
    anything else returns None and goes the general way.
    """
    if family not in ("polygon", "line") or len(geoms) == 0:
        return None
    try:
        kind, coords, offs = shapely.to_ragged_array(geoms, include_z=False)
    except (ValueError, TypeError, NotImplementedError):
        return None
    polygonal = kind in (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
    lineal = kind in (shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING)
    if not (polygonal if family == "polygon" else lineal):
        return None
    offsets = np.asarray(offs[0], dtype=np.int64)
    # ring -> polygon (or part -> line) -> ... -> feature, innermost level first
    owner = np.arange(len(offsets) - 1, dtype=np.int64)
    group = owner
    for level, o in enumerate(offs[1:]):
        level_offsets: NDArray[np.int64] = np.asarray(o, dtype=np.int64)
        counts = level_offsets[1:] - level_offsets[:-1]
        owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)[owner]
        if level == 0 and family == "polygon":
            group = owner
    coords = np.ascontiguousarray(coords, dtype=np.float64).reshape(-1, 2)
    # empty rings or parts would make zero-length runs; drop them
    if (np.diff(offsets) == 0).any():
        keep = np.diff(offsets) > 0
        offsets = np.r_[0, np.cumsum(np.diff(offsets)[keep])].astype(np.int64)
        owner, group = owner[keep], group[keep]
    return coords, offsets, owner, group


def _arrays_in_z_order(
    family: str,
    coords: NDArray[np.float64],
    offsets: NDArray[np.int64],
    feature: NDArray[np.int64],
    group: NDArray[np.int64],
) -> GeometryArrays:
    """Sort rings or parts into Z-order (keeping each polygon's rings together)."""
    bounds = _part_bounds(coords, offsets)
    order = spatial_order(bounds, group)
    if len(order) and not (order[1:] > order[:-1]).all():
        coords, offsets = take_vertices(coords, offsets, order)
        bounds, feature, group = bounds[order], np.asarray(feature)[order], group[order]
    heads = np.r_[True, group[1:] != group[:-1]] if len(group) else np.zeros(0, dtype=bool)
    return GeometryArrays(
        family=family,
        coords=coords,
        offsets=offsets,
        feature=np.asarray(feature, dtype=np.int64),
        bounds=bounds,
        heads=np.asarray(heads, dtype=bool),
    )


def _part_bounds(coords: NDArray[np.float64], offsets: NDArray[np.int64]) -> NDArray[np.float64]:
    """Bounding box of every part, from the flat coordinate array."""
    n = len(offsets) - 1
    out = np.empty((n, 4), dtype=np.float64)
    if n == 0:
        return out
    starts = offsets[:-1]
    out[:, 0:2] = np.minimum.reduceat(coords, starts, axis=0)
    out[:, 2:4] = np.maximum.reduceat(coords, starts, axis=0)
    return out


def select_parts(
    arrays: GeometryArrays, part_mask: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Return the vertices and offsets of the parts where ``part_mask`` is True.

    Parameters
    ----------
    arrays : GeometryArrays
        The layer's prepared geometries.
    part_mask : numpy.ndarray of bool
        One flag per ring, part or point.

    Returns
    -------
    coords : numpy.ndarray
        ``(K, 2)`` vertices of the chosen parts, in order.
    offsets : numpy.ndarray
        ``(P + 1,)`` start of each chosen part in ``coords``.
    """
    if part_mask.all():
        return arrays.coords, arrays.offsets
    return take_vertices(arrays.coords, arrays.offsets, np.flatnonzero(part_mask))


def thin_to_pixels(
    px: NDArray[np.float64], offsets: NDArray[np.int64], tolerance: float = 0.5
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.bool_]]:
    """Drop vertices closer than ``tolerance`` pixels to the previous one (level of detail).

    First and last vertices of every part are kept, so rings stay closed.

    Parameters
    ----------
    px : numpy.ndarray
        ``(K, 2)`` pixel coordinates.
    offsets : numpy.ndarray
        ``(P + 1,)`` part starts.
    tolerance : float
        Pixel distance (per axis) under which a vertex is dropped.

    Returns
    -------
    px : numpy.ndarray
        The kept vertices.
    offsets : numpy.ndarray
        New part starts.
    tiny : numpy.ndarray of bool
        Per part: True when the whole part fits inside one pixel (draw it as a dot).
    """
    n = len(px)
    if n == 0:
        return px, offsets, np.zeros(0, dtype=bool)
    step = np.abs(np.diff(px, axis=0)).max(axis=1)
    keep = np.ones(n, dtype=bool)
    keep[1:] = step >= tolerance
    keep[offsets[:-1]] = True
    keep[offsets[1:] - 1] = True
    counts = np.add.reduceat(keep, offsets[:-1]).astype(np.int64)
    lo = np.minimum.reduceat(px, offsets[:-1], axis=0)
    hi = np.maximum.reduceat(px, offsets[:-1], axis=0)
    tiny: NDArray[np.bool_] = np.asarray(((hi - lo) < 1.0).all(axis=1), dtype=bool)
    new_offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=new_offsets[1:])
    return px[keep], new_offsets, tiny


def chunked_paths(
    px: NDArray[np.float64], offsets: NDArray[np.int64], chunk: int
) -> list[QPainterPath]:
    """Split parts into runs of ``chunk`` parts and build one path for each run."""
    n_parts = len(offsets) - 1
    chunk = max(int(chunk), 1)
    cuts = np.r_[np.arange(0, n_parts, chunk), n_parts].astype(np.int64)
    return build_paths(px, offsets, cuts)


def build_paths(
    px: NDArray[np.float64], offsets: NDArray[np.int64], cuts: NDArray[np.int64]
) -> list[QPainterPath]:
    """Build one compound path per run of parts ``cuts[i]:cuts[i + 1]``, all in one pass.

    The ``QDataStream`` records of all vertices are laid out by numpy in one
    buffer (see :func:`paths_from_vertices`); each path then costs one Qt call.

    Parameters
    ----------
    px : numpy.ndarray
        ``(K, 2)`` device coordinates.
    offsets : numpy.ndarray
        ``(P + 1,)`` part starts in ``px``, ``offsets[0] == 0``.
    cuts : numpy.ndarray of int
        Increasing part indices from 0 to ``P``.

    Returns
    -------
    list of QPainterPath
        Odd-even filled compound paths, empty runs skipped.
    """
    n = int(offsets[-1]) if len(offsets) else 0
    if n == 0 or len(cuts) < 2:
        return []
    moves = np.zeros(n, dtype=bool)
    moves[offsets[:-1][offsets[:-1] < n]] = True
    return paths_from_vertices(px[:n], moves, offsets[cuts])


def paths_from_vertices(
    px: NDArray[np.float64],
    moves: NDArray[np.bool_],
    bounds: NDArray[np.int64],
    *,
    keep_empty: bool = False,
) -> list[QPainterPath]:
    """Build one path per vertex range ``bounds[i]:bounds[i + 1]``, subpaths starting at ``moves``.

    All paths are read from one ``QDataStream`` buffer laid out by numpy
    (see :func:`_path_records`); Python makes a few calls per path, none per vertex.

    Parameters
    ----------
    px : numpy.ndarray
        ``(K, 2)`` device coordinates.
    moves : numpy.ndarray of bool
        ``(K,)`` True where a vertex starts a subpath (``moveTo``), else ``lineTo``.
    bounds : numpy.ndarray of int
        Non-decreasing vertex indices into ``px``.
    keep_empty : bool
        Return an empty path for an empty range (keeps paths aligned with
        another list) instead of skipping it.

    Returns
    -------
    list of QPainterPath
        Odd-even filled compound paths.
    """
    bounds = np.asarray(bounds, dtype=np.int64)
    sizes = np.diff(bounds)
    if len(sizes) == 0:
        return []
    runs = sizes[sizes > 0]
    if len(runs) == 0:
        return [QPainterPath() for _ in sizes] if keep_empty else []
    first, last = int(bounds[0]), int(bounds[-1])
    stream = QDataStream(_path_records(px[first:last], moves[first:last], runs))
    stream.setByteOrder(QDataStream.ByteOrder.LittleEndian)
    skip = stream.skipRawData
    paths = []
    for size in sizes.tolist() if keep_empty else runs.tolist():
        path = QPainterPath()
        if size > 0:
            path.reserve(size)  # one allocation of the exact size, not repeated growth
            stream >> path
            skip(_PAD)
        paths.append(path)
    return paths


def _path_records(
    px: NDArray[np.float64], moves: NDArray[np.bool_], runs: NDArray[np.int64]
) -> QByteArray:
    """Return ``QDataStream`` records (little endian) of one path per run of ``runs`` vertices.

    A path is stored as its element count (int32), one 20-byte element per
    vertex (type int32, x and y float64) and 8 bytes of tail (subpath start
    and fill rule, both 0: odd-even). Each path gets :data:`_PAD` more bytes
    (skipped when reading), so that head, tail and padding of one path take
    exactly one element: the elements of all paths then sit on one 20-byte
    grid, shifted by 4 bytes, and numpy writes them with one masked
    assignment per field.
    """
    n, n_paths = len(px), len(runs)
    ends = np.cumsum(runs)
    gaps = ends + np.arange(n_paths)  # the slot after a path: tail, padding, next count
    data = QByteArray(_ELEMENT.itemsize * (n + n_paths) + 4, 0)
    # numpy writes into Qt's own bytes (QByteArray exports them, writable, through
    # the buffer protocol; the stubs do not say so): no copy of the whole buffer
    raw = np.frombuffer(cast("bytearray", data), dtype=np.uint8)
    records = np.ndarray((n + n_paths,), dtype=_ELEMENT, buffer=raw, offset=4)
    body = np.ones(n + n_paths, dtype=bool)
    body[gaps] = False
    records["type"][body] = np.where(moves, _MOVE_TO, _LINE_TO)
    records["x"][body] = px[:, 0]
    records["y"][body] = px[:, 1]
    words = raw.view("<i4")
    words[5 * (gaps - runs)] = runs  # slot of a path's first element, in 4-byte words
    return data


def polygon_from_array(xy: NDArray[np.float64]) -> QPolygonF:
    """Return a QPolygonF holding the ``(N, 2)`` points of ``xy``, copied in one memcpy.

    The polygon is sized in Qt and its ``QPointF`` buffer (two doubles per
    point) is filled through a numpy view of its memory: ~12 ms for a million
    points, against ~1.5 s for a list of ``QPointF``.
    """
    xy = np.ascontiguousarray(xy, dtype=np.float64).reshape(-1, 2)
    poly = QPolygonF()
    n = len(xy)
    if n == 0:
        return poly
    poly.resize(n)
    address = shiboken6.getCppPointer(poly.data())[0]
    buffer = (ctypes.c_double * (2 * n)).from_address(address)
    np.ctypeslib.as_array(buffer)[:] = xy.ravel()
    return poly


def marker_template(shape: str, diameter: float) -> NDArray[np.float64]:
    """Return the closed outline of a marker centred on (0, 0), ``diameter`` pixels across."""
    r = diameter / 2
    if shape == "square":
        pts = np.array([[-r, -r], [r, -r], [r, r], [-r, r]])
    elif shape == "triangle":
        ang = np.deg2rad([-90.0, 30.0, 150.0])
        pts = np.column_stack([np.cos(ang), np.sin(ang)]) * r * 1.15
    else:
        k = int(np.clip(diameter * 1.5, 8, 48))
        ang = np.linspace(0, 2 * np.pi, k, endpoint=False)
        pts = np.column_stack([np.cos(ang), np.sin(ang)]) * r
    return np.vstack([pts, pts[:1]]).astype(np.float64)


def marker_arrays(
    centres: NDArray[np.float64], template: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Place ``template`` at every centre: vertices and offsets of one ring per marker."""
    k = len(template)
    px = (centres[:, None, :] + template[None, :, :]).reshape(-1, 2)
    offsets = np.arange(len(centres) + 1, dtype=np.int64) * k
    return px, offsets
