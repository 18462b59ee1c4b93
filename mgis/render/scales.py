"""Scales of map sheets: round scales, the exact frame view, scale bars, grids and numbers.

Plain Python (no Qt): 1:N means N metres on the ground per metre on paper.
"""

from __future__ import annotations

import math
import re

from mgis.render.sheet import NICE_STEPS, Extent, SheetLayout, SheetSpec
from mgis.render.view import INCH_M, MapView


def nice_scale(raw: float) -> float:
    """Return the smallest round scale denominator (1, 1.5, 2, 2.5, 3, 4, 5, 7.5 x 10^k) >= raw."""
    if not (raw > 0 and math.isfinite(raw)):
        return 1000.0
    power = 10.0 ** math.floor(math.log10(raw))
    for step in (*NICE_STEPS, 10.0):
        if step * power >= raw * (1 - 1e-9):
            return step * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def fit_scale(extent: Extent, frame_mm: tuple[float, float], margin: float = 0.05) -> float:
    """Return the round scale at which ``extent`` (metres) fits a frame of ``frame_mm``.

    Parameters
    ----------
    extent : tuple of float
        ``(xmin, ymin, xmax, ymax)`` in metres.
    frame_mm : tuple of float
        Frame width and height on paper.
    margin : float
        Room around the extent, as a fraction of its size.

    Returns
    -------
    float
        A round denominator (see :func:`nice_scale`); 1:500 at least.
    """
    dx = (extent[2] - extent[0]) * (1 + margin)
    dy = (extent[3] - extent[1]) * (1 + margin)
    raw = max(dx / (frame_mm[0] / 1000.0), dy / (frame_mm[1] / 1000.0))
    return max(nice_scale(raw), 500.0) if raw > 0 else 1000.0


def sheet_scale(spec: SheetSpec, layout: SheetLayout, fallback: Extent | None) -> float:
    """Return the scale denominator of the sheet: the fixed one or the fitted one."""
    if spec.scale is not None:
        return float(spec.scale)
    extent = spec.extent or fallback
    if extent is None:
        return 1000.0
    return fit_scale(extent, (layout.map.w, layout.map.h), spec.extent_margin)


def sheet_center(spec: SheetSpec, fallback: Extent | None) -> tuple[float, float]:
    """Return the map centre: ``center``, else the middle of ``extent`` or ``fallback``."""
    if spec.center is not None:
        return (float(spec.center[0]), float(spec.center[1]))
    extent = spec.extent or fallback
    if extent is None:
        return (0.0, 0.0)
    return ((extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2)


def frame_view(
    spec: SheetSpec, layout: SheetLayout, dpi: float, fallback: Extent | None = None
) -> MapView:
    """Return the view of the map frame on a device of ``dpi``: exact scale, frame size.

    The resolution is ``scale x 0.0254 / dpi`` metres per device pixel, so 100 m
    on the ground are exactly 20 mm on paper at 1:5 000 whatever the dpi.
    """
    scale = sheet_scale(spec, layout, fallback)
    cx, cy = sheet_center(spec, fallback)
    width = max(round(layout.map.w / 25.4 * dpi), 1)
    height = max(round(layout.map.h / 25.4 * dpi), 1)
    return MapView(cx, cy, scale * INCH_M / dpi, width, height)


def frame_extent(spec: SheetSpec, layout: SheetLayout, fallback: Extent | None = None) -> Extent:
    """Return the ground extent of the exact map frame (independent of any dpi)."""
    scale = sheet_scale(spec, layout, fallback)
    cx, cy = sheet_center(spec, fallback)
    hw, hh = layout.map.w / 2000.0 * scale, layout.map.h / 2000.0 * scale
    return (cx - hw, cy - hh, cx + hw, cy + hh)


def nice_length(limit: float) -> float:
    """Return the largest 1, 2 or 5 x 10^k not above ``limit`` (> 0)."""
    if limit <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(limit))
    for step in (5.0, 2.0, 1.0):
        if step * power <= limit * (1 + 1e-9):
            return step * power
    return power  # pragma: no cover


def scale_bar_length(scale: float, max_mm: float) -> tuple[float, int]:
    """Return a round ground length (m) whose bar fits ``max_mm`` and its segment count."""
    ground = nice_length(max_mm / 1000.0 * scale)
    digit = round(ground / 10 ** math.floor(math.log10(ground)))
    return ground, {1: 5, 2: 4, 5: 5}.get(digit, 4)


def grid_interval(extent: Extent, lines: int = 5) -> float:
    """Return a round grid spacing giving about ``lines`` lines across the wider side."""
    return nice_length(max(extent[2] - extent[0], extent[3] - extent[1]) / lines)


def format_scale(denominator: float) -> str:
    """Return ``1:5 000`` (a space between thousands)."""
    return "1:" + format_int(denominator)


def parse_scale(text: str) -> float | None:
    """Return N from ``1:5000``, ``1:5 000`` or ``5000``; None for anything else (e.g. Fit)."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).removeprefix("1:")
    try:
        value = float(cleaned.replace(",", "."))
    except ValueError:
        return None
    return value if value >= 1 and math.isfinite(value) else None


def format_int(value: float) -> str:
    """Return a whole number with spaces between thousands (``485 000``)."""
    return f"{round(value):,}".replace(",", " ")


def format_length(metres: float) -> str:
    """Return ``250 m`` or ``1,5 km`` (Polish decimal comma)."""
    if metres >= 1000:
        km = metres / 1000
        text = f"{km:g}".replace(".", ",")
        return f"{text} km"
    return f"{metres:g} m".replace(".", ",")
