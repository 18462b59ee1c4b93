"""Level of detail in pixel space, vectorised: snap, drop duplicates, shrink tiny parts to dots.

Everything here works on the flat ``(K, 2)`` vertex arrays and ``(P + 1,)``
offsets of :mod:`mgis.render.paths`, without a Python loop over parts: the
whole layer (or the part of it around the view) is thinned in one pass per
scale by :func:`thin_layer`, from map coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from mgis.render.view import MapView

DOT_PX = 1.5
"""Parts whose pixel bounding box is smaller than this on both axes are drawn as one dot."""


@dataclass(frozen=True)
class Thinned:
    """The parts of one layer in view, reduced to what the pixel grid can show.

    Parameters
    ----------
    px : numpy.ndarray
        ``(K, 2)`` kept vertices of the parts drawn as paths.
    offsets : numpy.ndarray
        ``(P + 1,)`` part starts in ``px``.
    parts : numpy.ndarray of int
        ``(P,)`` position of each kept part in the input (to look up symbols).
    heads : numpy.ndarray of bool
        ``(P,)`` True where a part starts a group (an exterior ring, a line, a point):
        compound paths are only cut there, so holes stay with their polygon.
    dots : numpy.ndarray
        ``(D, 2)`` pixel positions of parts too small to draw as paths.
    dot_parts : numpy.ndarray of int
        ``(D,)`` position of each dot's part in the input.
    """

    px: NDArray[np.float64]
    offsets: NDArray[np.int64]
    parts: NDArray[np.int64]
    heads: NDArray[np.bool_]
    dots: NDArray[np.float64]
    dot_parts: NDArray[np.int64]


def thin_parts(
    px: NDArray[np.float64],
    offsets: NDArray[np.int64],
    heads: NDArray[np.bool_] | None,
    *,
    closed: bool,
    dot_px: float = DOT_PX,
    grid: float = 1.0,
    bounds_px: NDArray[np.float64] | None = None,
) -> Thinned:
    """Reduce parts to the pixel grid: the level of detail of one scale.

    A vertex is kept when its position snapped to a ``grid``-pixel raster
    differs from the snapped position of the vertex before it (consecutive
    duplicates on the raster are dropped); the first and last vertex of every
    part are always kept, so rings stay closed. Vertices keep their exact
    position: snapping only decides which ones go. Parts whose bounding box
    is under ``dot_px`` pixels become dots when they start a group (tiny
    holes simply vanish); rings left with fewer than 3 vertices, or lines
    with fewer than 2, become dots too.

    Parameters
    ----------
    px : numpy.ndarray
        ``(K, 2)`` pixel coordinates.
    offsets : numpy.ndarray
        ``(P + 1,)`` part starts, ``offsets[0] == 0``; no part is empty.
    heads : numpy.ndarray of bool or None
        Per part, True when it starts a group; None = every part does.
    closed : bool
        True for polygon rings.
    dot_px : float
        Dot threshold in pixels.
    grid : float
        Raster size in pixels used to find duplicate vertices.
    bounds_px : numpy.ndarray, optional
        ``(P, 4)`` pixel bounds ``x0, y0, x1, y1`` of every part (any corner
        order) when already known, which saves two passes over the vertices.

    Returns
    -------
    Thinned
        Kept parts and the dots.
    """
    n_parts = len(offsets) - 1
    if heads is None:
        heads = np.ones(n_parts, dtype=bool)
    if n_parts == 0 or len(px) == 0:
        return _empty(px, heads)
    if bounds_px is None:
        starts = offsets[:-1]
        bounds_px = np.hstack(
            [np.minimum.reduceat(px, starts, axis=0), np.maximum.reduceat(px, starts, axis=0)]
        )
    boxes = _Boxes.of(bounds_px)
    tiny = boxes.tiny(dot_px)
    px, offsets, parts, dropped = _thin(px, offsets, tiny, closed=closed, grid=grid)
    dot_parts = np.flatnonzero(dropped & heads).astype(np.int64)
    return Thinned(px, offsets, parts, heads[parts], boxes.centres(dot_parts), dot_parts)


def thin_layer(
    view: MapView,
    coords: NDArray[np.float64],
    offsets: NDArray[np.int64],
    *,
    bounds: NDArray[np.float64],
    heads: NDArray[np.bool_] | None,
    parts: NDArray[np.int64] | None = None,
    closed: bool,
    dot_px: float = DOT_PX,
    grid: float = 1.0,
) -> Thinned:
    """Thin parts of a layer, given in map units, for ``view``: :func:`thin_parts` in one pass.

    The result is that of :func:`thin_parts` on the pixel coordinates of the
    chosen parts, but parts that are dots by their bounding box alone are
    decided from the boxes first: their vertices are neither copied nor
    transformed (at the full extent of a town, most buildings and a third of
    the parcels' vertices).

    Parameters
    ----------
    view : MapView
        Gives the pixel coordinates (:meth:`MapView.world_to_pixel`).
    coords, offsets : numpy.ndarray
        ``(M, 2)`` map coordinates and ``(R + 1,)`` part starts of the whole layer.
    bounds : numpy.ndarray
        ``(R, 4)`` map bounds of every part.
    heads : numpy.ndarray of bool or None
        ``(R,)`` parts that start a group; None = every part does.
    parts : numpy.ndarray of int, optional
        The parts to thin, in this order; None = all.
    closed, dot_px, grid
        As for :func:`thin_parts`.

    Returns
    -------
    Thinned
        Its ``parts`` and ``dot_parts`` are positions in ``parts`` (in the layer when None).
    """
    if parts is not None:
        bounds = np.take(bounds, parts, axis=0)
        heads = heads[parts] if heads is not None else None
    n = len(bounds)
    if heads is None:
        heads = np.ones(n, dtype=bool)
    if n == 0:
        return _empty(coords, heads)
    boxes = _Boxes.of(view.world_to_pixel(bounds.reshape(-1, 2)).reshape(-1, 4))
    tiny = boxes.tiny(dot_px)
    big = np.flatnonzero(~tiny).astype(np.int64)
    as_dot = tiny & heads
    px, kept_offsets, kept = coords[:0], np.zeros(1, dtype=np.int64), big[:0]
    if len(big):
        if len(big) == n and parts is None:
            sub_coords, sub_offsets = coords, offsets
        else:
            sub_coords, sub_offsets = take_vertices(
                coords, offsets, big if parts is None else parts[big]
            )
        px, kept_offsets, kept, dropped = _thin(
            view.world_to_pixel(sub_coords),
            sub_offsets,
            np.zeros(len(big), dtype=bool),
            closed=closed,
            grid=grid,
        )
        kept = big[kept]
        as_dot[big] |= dropped & heads[big]  # parts left with too few vertices
    dot_parts = np.flatnonzero(as_dot).astype(np.int64)
    return Thinned(px, kept_offsets, kept, heads[kept], boxes.centres(dot_parts), dot_parts)


def _thin(
    px: NDArray[np.float64],
    offsets: NDArray[np.int64],
    tiny: NDArray[np.bool_],
    *,
    closed: bool,
    grid: float,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Thin vertices once the tiny parts are known.

    Returns
    -------
    px, offsets : numpy.ndarray
        Kept vertices of the kept parts, and their starts.
    parts : numpy.ndarray of int
        The kept parts.
    dropped : numpy.ndarray of bool
        Per part, True when it is not drawn (tiny, or too few vertices left).
    """
    starts, stops = offsets[:-1], offsets[1:]
    keep = _grid_changes(px, starts, stops, grid)
    counts = np.add.reduceat(keep, starts, dtype=np.int64)
    dropped = tiny | (counts < (3 if closed else 2))
    if dropped.any():  # vertices of dropped parts go too
        keep[_part_vertices(starts[dropped], stops[dropped] - starts[dropped])] = False
    parts = np.flatnonzero(~dropped).astype(np.int64)
    new_offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(counts[parts], out=new_offsets[1:])
    # np.compress: ~7x faster than px[keep] on (K, 2) arrays
    return np.compress(keep, px, axis=0), new_offsets, parts, dropped


def _empty(px: NDArray[np.float64], heads: NDArray[np.bool_]) -> Thinned:
    """Return a Thinned with no parts and no dots (``px`` and ``heads`` give the dtypes)."""
    none = np.zeros(0, dtype=np.int64)
    return Thinned(px[:0], np.zeros(1, np.int64), none, heads[:0], np.zeros((0, 2)), none)


@dataclass(frozen=True)
class _Boxes:
    """Pixel boxes of parts, as ``(2, P)`` rows of low and high x and y.

    Rows, not ``(P, 2)`` columns: numpy is ~5x slower on strided columns.
    """

    lo: NDArray[np.float64]
    hi: NDArray[np.float64]

    @classmethod
    def of(cls, bounds_px: NDArray[np.float64]) -> _Boxes:
        """Boxes of ``(P, 4)`` pixel bounds ``x0, y0, x1, y1`` in any corner order."""
        rows = np.ascontiguousarray(bounds_px.T)
        return cls(np.minimum(rows[0:2], rows[2:4]), np.maximum(rows[0:2], rows[2:4]))

    def tiny(self, dot_px: float) -> NDArray[np.bool_]:
        """Return per part whether its box is under ``dot_px`` pixels on both axes."""
        (x0, y0), (x1, y1) = self.lo, self.hi
        tiny: NDArray[np.bool_] = (x1 - x0 < dot_px) & (y1 - y0 < dot_px)
        return tiny

    def centres(self, parts: NDArray[np.int64]) -> NDArray[np.float64]:
        """Return the ``(D, 2)`` box centres of ``parts``: where their dots go."""
        centres = (np.take(self.lo, parts, axis=1) + np.take(self.hi, parts, axis=1)) / 2
        return np.ascontiguousarray(centres.T)


def _grid_changes(
    px: NDArray[np.float64], starts: NDArray[np.int64], stops: NDArray[np.int64], grid: float
) -> NDArray[np.bool_]:
    """Return per vertex whether it lies in another ``grid`` cell than the vertex before it.

    The first and last vertex of every part (``starts``, ``stops - 1``) are always True.
    """
    cell = np.floor(px) if grid == 1.0 else np.floor(px * (1.0 / grid))
    np.clip(cell, -(2.0**30), 2.0**30, out=cell)
    pairs = cell.view(np.complex128).reshape(-1)  # one compare per vertex for both axes
    keep = np.empty(len(px), dtype=bool)
    keep[0] = True
    np.not_equal(pairs[1:], pairs[:-1], out=keep[1:])
    keep[starts] = True
    keep[stops - 1] = True
    return keep


def _part_vertices(starts: NDArray[np.int64], counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return the vertex indices of parts ``starts[i]:starts[i] + counts[i]``, part after part."""
    firsts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=firsts[1:])
    total = int(firsts[-1] + counts[-1]) if len(counts) else 0
    # index of vertex j of part i = starts[i] + j, built without a loop
    idx: NDArray[np.int64] = np.repeat(starts - firsts, counts) + np.arange(total)
    return idx


def take_vertices(
    coords: NDArray[np.float64], offsets: NDArray[np.int64], parts: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Return the vertices and offsets of ``parts`` (indices, in the order given).

    Parameters
    ----------
    coords : numpy.ndarray
        ``(K, 2)`` vertices of all parts.
    offsets : numpy.ndarray
        ``(P + 1,)`` part starts in ``coords``.
    parts : numpy.ndarray of int
        Parts to keep; any order (a permutation groups parts by symbol).

    Returns
    -------
    coords : numpy.ndarray
        Vertices of the chosen parts, part after part.
    offsets : numpy.ndarray
        Start of each chosen part in the returned ``coords``.
    """
    starts = offsets[:-1][parts]
    counts = np.diff(offsets)[parts]
    new_offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=new_offsets[1:])
    # np.take: numpy's fancy indexing is ~7x slower on (K, 2) arrays
    return np.take(coords, _part_vertices(starts, counts), axis=0), new_offsets


def chunk_cuts(heads: NDArray[np.bool_], chunk: int) -> NDArray[np.int64]:
    """Return part indices where compound paths start: about every ``chunk`` parts, at heads.

    Parameters
    ----------
    heads : numpy.ndarray of bool
        ``(P,)`` True where a part may start a path (see :class:`Thinned`).
    chunk : int
        Wanted parts per path.

    Returns
    -------
    numpy.ndarray of int
        Increasing cut points ``0 = c0 < c1 < ... < P``; path ``i`` holds
        parts ``c[i]:c[i + 1]``.
    """
    n = len(heads)
    if n == 0:
        return np.zeros(1, dtype=np.int64)
    chunk = max(int(chunk), 1)
    allowed = np.flatnonzero(heads)
    if len(allowed) == 0 or allowed[0] != 0:
        allowed = np.r_[0, allowed]
    wanted = np.arange(0, n, chunk)
    at = np.searchsorted(allowed, wanted)
    cuts = np.unique(np.r_[allowed[at[at < len(allowed)]], n])
    out: NDArray[np.int64] = np.r_[0, cuts[cuts > 0]].astype(np.int64)
    return out
