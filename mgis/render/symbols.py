"""Colours, pens and per-class symbols of a style, in QtGui terms."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from mgis.layers.style import Style

_DASHES = {"dash": Qt.PenStyle.DashLine, "dot": Qt.PenStyle.DotLine}

ROUND_JOIN_PX = 3.0
"""Lines at least this wide get round caps and joins; thinner ones keep Qt's square
caps and bevel joins, which look the same at that size and stroke 4-6x faster."""


def parse_color(text: str) -> QColor:
    """Return the QColor of ``#rrggbb`` or ``#rrggbbaa`` (alpha last, unlike Qt's ``#aarrggbb``).

    Anything else goes to Qt's own parser (named colours); invalid text gives opaque black.
    """
    s = text.strip()
    if s.startswith("#") and len(s) in (7, 9):
        try:
            r, g, b = int(s[1:3], 16), int(s[3:5], 16), int(s[5:7], 16)
            a = int(s[7:9], 16) if len(s) == 9 else 255
        except ValueError:
            return QColor(0, 0, 0)
        return QColor(r, g, b, a)
    color = QColor(s)
    return color if color.isValid() else QColor(0, 0, 0)


def mm_to_px(mm: float, dpi: float) -> float:
    """Convert millimetres on paper or screen to device pixels at ``dpi``."""
    return mm * dpi / 25.4


def make_pen(colour: QColor, style: Style, dpi: float, family: str) -> QPen:
    """Return the outline or line pen of a style (cosmetic: widths are device pixels).

    Parameters
    ----------
    colour : QColor
        Pen colour.
    style : Style
        Gives the width in millimetres and the dash pattern.
    dpi : float
        Device resolution.
    family : str
        ``line`` gets round caps and joins when at least :data:`ROUND_JOIN_PX` wide.

    Returns
    -------
    QPen
        The pen.
    """
    pen = QPen(colour)
    width = max(mm_to_px(style.stroke_width, dpi), 0.0)
    pen.setWidthF(width)
    pen.setCosmetic(True)
    pen.setStyle(_DASHES.get(style.dash, Qt.PenStyle.SolidLine))
    if family == "line" and width >= ROUND_JOIN_PX:
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def dot_pen(colour: QColor, width: float, *, round_cap: bool = False) -> QPen:
    """Return a cosmetic pen for ``drawPoints``: square dots, or round ones when asked.

    Parameters
    ----------
    colour : QColor
        Dot colour.
    width : float
        Dot size in device pixels (at least 1).
    round_cap : bool
        Round dots (slower; worth it with antialiasing for few dots).

    Returns
    -------
    QPen
        The pen.
    """
    pen = QPen(colour)
    pen.setWidthF(max(float(width), 1.0))
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap if round_cap else Qt.PenCapStyle.SquareCap)
    return pen


@dataclass(frozen=True)
class Symbol:
    """The colours one group of features is drawn with.

    Parameters
    ----------
    fill : QColor
        Polygon and marker fill.
    stroke : QColor
        Outline, or line colour.
    """

    fill: QColor
    stroke: QColor


def style_symbols(style: Style) -> list[Symbol]:
    """Return one symbol per class of ``style``, then the base symbol (for features in no class).

    A single-symbol style gives just the base symbol, so symbol ``-1`` is always the base one.
    """
    classes = style.classes if style.classified else ()
    symbols = [Symbol(parse_color(c.fill), parse_color(c.stroke)) for c in classes]
    symbols.append(Symbol(parse_color(style.fill), parse_color(style.stroke)))
    return symbols


def symbol_runs(keys: NDArray[np.int64]) -> tuple[NDArray[np.int64], list[tuple[int, int, int]]]:
    """Group items by symbol without a Python loop over items.

    Parameters
    ----------
    keys : numpy.ndarray of int
        Symbol index of every item.

    Returns
    -------
    order : numpy.ndarray
        Stable permutation putting items of one symbol next to each other.
    runs : list of (start, stop, symbol)
        Slices of the permuted items drawn with one symbol, in symbol order.
    """
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), []
    order = np.argsort(keys, kind="stable").astype(np.int64)
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    stops = np.r_[starts[1:], len(ordered)]
    return order, [(int(a), int(b), int(ordered[a])) for a, b in zip(starts, stops, strict=True)]
