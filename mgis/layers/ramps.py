"""Named colour ramps and the qualitative palette, as hex lists (no matplotlib)."""

from __future__ import annotations

import colorsys

import numpy as np

RAMPS: dict[str, tuple[str, ...]] = {
    # ColorBrewer sequential schemes (9 classes) and viridis sampled at 9 stops
    "YlOrRd": (
        "#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c",
        "#fc4e2a", "#e31a1c", "#bd0026", "#800026",
    ),
    "Blues": (
        "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6",
        "#4292c6", "#2171b5", "#08519c", "#08306b",
    ),
    "Greens": (
        "#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476",
        "#41ab5d", "#238b45", "#006d2c", "#00441b",
    ),
    "Viridis": (
        "#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c",
        "#28ae80", "#5ec962", "#addc30", "#fde725",
    ),
    "Greys": (
        "#ffffff", "#f0f0f0", "#d9d9d9", "#bdbdbd", "#969696",
        "#737373", "#525252", "#252525", "#000000",
    ),
}  # fmt: skip
"""Sequential ramps, light to dark (Viridis dark to light)."""

PALETTES: dict[str, tuple[str, ...]] = {
    # ColorBrewer "Set3" and "Paired" reordered so neighbours differ
    "Qualitative": (
        "#8dd3c7", "#fdb462", "#bebada", "#fb8072", "#80b1d3", "#b3de69",
        "#fccde5", "#ffffb3", "#bc80bd", "#ccebc5", "#ffed6f", "#d9d9d9",
        "#1f78b4", "#33a02c", "#e31a1c", "#ff7f00", "#6a3d9a", "#b15928",
    ),
}  # fmt: skip
"""Qualitative palettes for categories."""

DEFAULT_RAMP = "YlOrRd"
DEFAULT_PALETTE = "Qualitative"


def ramp_colors(name: str, n: int) -> list[str]:
    """Return ``n`` colours spread evenly along the ramp ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`RAMPS` (a palette name gives its first ``n`` colours).
    n : int
        Number of colours; 1 gives the middle of the ramp.

    Returns
    -------
    list of str
        ``#rrggbb`` colours, from the start to the end of the ramp.

    Raises
    ------
    ValueError
        For an unknown ramp name.
    """
    if name in PALETTES:
        return palette_colors(name, n)
    if name not in RAMPS:
        raise ValueError(f"Unknown colour ramp {name!r}; choose one of {', '.join(RAMPS)}.")
    if n <= 0:
        return []
    stops = np.array([_rgb(c) for c in RAMPS[name]], dtype=np.float64)
    at = np.array([0.5]) if n == 1 else np.linspace(0.0, 1.0, n)
    grid = np.linspace(0.0, 1.0, len(stops))
    rgb = np.column_stack([np.interp(at, grid, stops[:, i]) for i in range(3)])
    return [_hex(row) for row in rgb]


def palette_colors(name: str, n: int) -> list[str]:
    """Return ``n`` distinct colours: the palette ``name``, then generated hues.

    Raises
    ------
    ValueError
        For an unknown palette name.
    """
    if name in RAMPS:
        return ramp_colors(name, n)
    if name not in PALETTES:
        raise ValueError(f"Unknown colour palette {name!r}; choose one of {', '.join(PALETTES)}.")
    base = list(PALETTES[name][:n])
    golden = 0.618033988749895
    for i in range(n - len(base)):
        r, g, b = colorsys.hsv_to_rgb((0.13 + i * golden) % 1.0, 0.45, 0.9)
        base.append(_hex(np.array([r, g, b]) * 255))
    return base


def _rgb(text: str) -> tuple[int, int, int]:
    """Red, green and blue of ``#rrggbb``."""
    return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)


def _hex(rgb: np.ndarray) -> str:
    """``#rrggbb`` of three 0-255 floats."""
    r, g, b = (round(float(v)) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"
