"""Level of detail in pixel space, vectorised: snap, drop duplicates, shrink tiny parts to dots.

Everything here works on the flat ``(K, 2)`` pixel arrays and ``(P + 1,)``
offsets of :mod:`mgis.render.paths`, without a Python loop over parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

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
        ``(P + 1,)`` part starts, ``offsets[0] == 0``.
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
    empty_i = np.zeros(0, dtype=np.int64)
    if n_parts == 0 or len(px) == 0:
        return Thinned(px[:0], np.zeros(1, np.int64), empty_i, heads[:0], px[:0], empty_i)
    starts = offsets[:-1]
    if bounds_px is None:
        lo = np.minimum.reduceat(px, starts, axis=0)
        hi = np.maximum.reduceat(px, starts, axis=0)
    else:
        lo = np.minimum(bounds_px[:, 0:2], bounds_px[:, 2:4])
        hi = np.maximum(bounds_px[:, 0:2], bounds_px[:, 2:4])
    size = hi - lo
    tiny = (size[:, 0] < dot_px) & (size[:, 1] < dot_px)
    # one int64 key per raster cell: compare keys instead of coordinate pairs
    cell = np.clip(np.floor(px * (1.0 / grid)), -(2.0**30), 2.0**30).astype(np.int64)
    key = (cell[:, 0] << 32) ^ cell[:, 1]
    keep = np.empty(len(px), dtype=bool)
    keep[0] = True
    np.not_equal(key[1:], key[:-1], out=keep[1:])
    keep[starts] = True
    keep[offsets[1:] - 1] = True
    total = np.cumsum(keep, dtype=np.int64)
    counts = total[offsets[1:] - 1] - total[starts] + 1
    small = counts < (3 if closed else 2)
    as_dot = (tiny | small) & heads
    drawn = ~(tiny | small)
    # vertices of dropped parts go too
    keep &= np.repeat(drawn, np.diff(offsets))
    new_offsets = np.zeros(int(drawn.sum()) + 1, dtype=np.int64)
    np.cumsum(counts[drawn], out=new_offsets[1:])
    dot_parts = np.flatnonzero(as_dot).astype(np.int64)
    dots = (lo[dot_parts] + hi[dot_parts]) / 2
    parts = np.flatnonzero(drawn).astype(np.int64)
    return Thinned(px[keep], new_offsets, parts, heads[parts], dots, dot_parts)


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
