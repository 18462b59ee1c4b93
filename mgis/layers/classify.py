"""Classify features for a style: categories of an attribute, numeric ranges, legend items.

Numeric classes come from mapclassify; colours from :mod:`mgis.layers.ramps`.
Labels are plain numbers with spaces between thousands (``1 000 - 2 500`` with an en dash).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mgis.layers.ramps import DEFAULT_PALETTE, DEFAULT_RAMP, palette_colors, ramp_colors
from mgis.layers.style import METHODS, Scalar, Style, StyleClass, category_keys, class_indices
from mgis.layers.vector import geometry_family

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mgis.layers.vector import VectorLayer

RANGE_DASH = " \u2013 "
"""Between the bounds of a range label (an en dash with spaces)."""

OTHER_COLOR = "#d9d9d9"
"""Fill of the "other values" category."""

SAMPLE_SIZE = 1_000
"""Natural breaks look at most this many values (a fixed random sample plus min and max)."""


@dataclass(frozen=True)
class LegendItem:
    """One row of a layer legend: a symbol, its text and how many features it stands for.

    Parameters
    ----------
    label : str
        Text of the row.
    fill, stroke : str
        Colours ``#rrggbb[aa]`` of the swatch.
    count : int
        Features drawn with this symbol now.
    family : str
        ``polygon``, ``line``, ``point`` or ``none``: the swatch shape.
    stroke_width : float
        Outline or line width in millimetres.
    dash : str
        ``solid``, ``dash`` or ``dot``.
    marker : str
        Marker shape of point layers.
    """

    label: str
    fill: str
    stroke: str
    count: int
    family: str
    stroke_width: float = 0.26
    dash: str = "solid"
    marker: str = "circle"


def format_number(value: float, decimals: int = 0, decimal_sep: str = ",") -> str:
    """Return ``value`` with spaces between thousands, e.g. ``1 234 567,5``.

    Parameters
    ----------
    value : float
        The number.
    decimals : int
        Digits after the decimal separator (negative counts as 0).
    decimal_sep : str
        Decimal separator; Polish usage (a comma) by default.

    Returns
    -------
    str
        The formatted number; ``-`` before negative numbers.
    """
    decimals = max(int(decimals), 0)
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", decimal_sep)
    negative = value < 0 and text.strip("0 ,.") != ""
    return ("-" if negative else "") + text


def is_numeric_field(frame: pd.DataFrame, field: str) -> bool:
    """Return True when ``field`` holds numbers (booleans do not count)."""
    if field not in frame.columns or field == "geometry":
        return False
    dtype = frame[field].dtype
    return bool(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype))


def attribute_fields(frame: pd.DataFrame) -> list[str]:
    """Return the attribute columns of ``frame`` (all but geometry columns), in order."""
    geometry = {"geometry", getattr(getattr(frame, "geometry", None), "name", "geometry")}
    return [str(c) for c in frame.columns if str(c) not in geometry]


def numeric_fields(frame: pd.DataFrame) -> list[str]:
    """Return the numeric attribute columns of ``frame``, in order."""
    return [c for c in attribute_fields(frame) if is_numeric_field(frame, c)]


def categorize(
    frame: pd.DataFrame,
    field: str,
    ramp: str = DEFAULT_PALETTE,
    max_classes: int = 20,
    *,
    base: Style | None = None,
    other_label: str = "Other values",
    empty_label: str = "No value",
) -> Style:
    """Return a categorized style with one class per value of ``field``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The features.
    field : str
        Attribute to classify by.
    ramp : str
        Palette (or sequential ramp) the class colours come from.
    max_classes : int
        At most this many values get a class of their own: the most frequent
        ones; the rest go to one "other" class (value None) together with
        empty values, and ``extra["note"]`` says so.
    base : Style, optional
        Symbol the classes share (outline, width, marker); the geometry default if omitted.
    other_label, empty_label : str
        Legend texts of the "other" class, and of the class of empty values
        when every value has a class of its own (pass translated text).

    Returns
    -------
    Style
        ``mode="categorized"``; classes sorted by value, the "other" class last.

    Raises
    ------
    ValueError
        When ``frame`` has no column ``field``.
    """
    _require_field(frame, field)
    family = geometry_family(frame)
    base = base or Style.for_geometry(family)
    keys = category_keys(frame[field])
    counts = keys.value_counts(dropna=True)
    counts = counts[counts > 0]
    kept = counts.iloc[: max(int(max_classes), 1)]
    hidden = counts.iloc[len(kept) :]
    empty = int(keys.isna().sum())
    values = _sorted_values([_plain(v) for v in kept.index])
    by_value = {_plain(v): int(n) for v, n in kept.items()}
    colours = palette_colors(ramp, len(values))
    classes = [
        _make_class(_value_label(v), colour, family, base, value=v, count=by_value[v])
        for v, colour in zip(values, colours, strict=True)
    ]
    extra: dict[str, Any] = {}
    if len(hidden) or empty:
        label = other_label if len(hidden) else empty_label
        rest = int(hidden.sum()) + empty
        classes.append(_make_class(label, OTHER_COLOR, family, base, value=None, count=rest))
    if len(hidden):
        extra = {
            "hidden_values": len(hidden),
            "note": f"{len(counts)} distinct values in {field!r}: the {len(kept)} most "
            f"frequent have their own class, {len(hidden)} others share one.",
        }
    return dataclasses.replace(
        base, mode="categorized", field=field, classes=tuple(classes), method=None,
        ramp=ramp, extra={**base.extra, **extra} if extra else _without_note(base.extra),
    )  # fmt: skip


def graduate(
    frame: pd.DataFrame,
    field: str,
    method: str = "natural_breaks",
    k: int = 5,
    ramp: str = DEFAULT_RAMP,
    *,
    base: Style | None = None,
    unit: str = "",
) -> Style:
    """Return a graduated style: ranges of the numeric ``field`` coloured along a ramp.

    Parameters
    ----------
    frame : pandas.DataFrame
        The features.
    field : str
        A numeric attribute.
    method : str
        ``equal_interval``, ``quantiles``, ``natural_breaks`` (Fisher-Jenks on a
        fixed sample of at most :data:`SAMPLE_SIZE` values) or ``std_dev``
        (mean ± 1 and 2 standard deviations; ``k`` is ignored).
    k : int
        Number of classes (fewer when the field has fewer distinct values).
    ramp : str
        Colour ramp name, see :data:`mgis.layers.ramps.RAMPS`.
    base : Style, optional
        Symbol the classes share; the geometry default if omitted.
    unit : str
        Appended to labels, e.g. ``" m²"``.

    Returns
    -------
    Style
        ``mode="graduated"``; ascending classes whose bounds are rounded to
        about a tenth of the class width, the first lower bound and the last
        upper bound rounded outwards so every value has a class.

    Raises
    ------
    ValueError
        When the field is missing or not numeric, holds no numbers, or the
        method is unknown.
    """
    _require_field(frame, field)
    if not is_numeric_field(frame, field):
        raise ValueError(
            f"Field {field!r} is not numeric (type {frame[field].dtype}); a graduated style "
            "needs numbers. Choose a numeric field or use a categorized style."
        )
    if method not in METHODS:
        raise ValueError(f"Unknown classification method {method!r}; use one of {METHODS}.")
    values = pd.to_numeric(frame[field]).to_numpy(dtype=np.float64, na_value=np.nan)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        raise ValueError(f"Field {field!r} has no numeric values to classify.")
    family = geometry_family(frame)
    base = base or Style.for_geometry(family)
    lo, hi = float(values.min()), float(values.max())
    bins = _breaks(values, method, k)
    lower, uppers, decimals = _round_bounds(lo, hi, bins)
    lowers = [lower, *uppers[:-1]]
    colours = ramp_colors(ramp, len(uppers))
    classes = tuple(
        _make_class(
            f"{format_number(a, decimals)}{RANGE_DASH}{format_number(b, decimals)}{unit}",
            colour, family, base, lower=a, upper=b,
        )
        for a, b, colour in zip(lowers, uppers, colours, strict=True)
    )  # fmt: skip
    style = dataclasses.replace(
        base, mode="graduated", field=field, classes=classes, method=method, ramp=ramp,
        extra=_without_note(base.extra),
    )  # fmt: skip
    counts = _class_counts(style, frame)
    return dataclasses.replace(
        style,
        classes=tuple(
            dataclasses.replace(c, count=int(n)) for c, n in zip(classes, counts, strict=True)
        ),
    )


def legend_items(layer: VectorLayer, *, unclassified_label: str = "Other") -> list[LegendItem]:
    """Return the legend rows of ``layer`` with the current feature counts.

    Parameters
    ----------
    layer : VectorLayer
        The layer; its style decides the rows.
    unclassified_label : str
        Text of the extra row for features in no class (shown only when there are any).

    Returns
    -------
    list of LegendItem
        One row for a single-symbol layer (labelled with the layer name), else
        one per class in style order.
    """
    style = layer.style
    base = LegendItem(
        layer.name, style.fill, style.stroke, layer.feature_count, layer.family,
        stroke_width=style.stroke_width, dash=style.dash, marker=style.marker,
    )  # fmt: skip
    if not style.classified:
        return [base]
    counts = _class_counts(style, layer.frame)
    items = [
        dataclasses.replace(base, label=c.label, fill=c.fill, stroke=c.stroke, count=int(n))
        for c, n in zip(style.classes, counts, strict=True)
    ]
    rest = layer.feature_count - int(counts.sum())
    if rest > 0:
        items.append(dataclasses.replace(base, label=unclassified_label, count=rest))
    return items


# -- helpers -------------------------------------------------------------------------------


def _require_field(frame: pd.DataFrame, field: str) -> None:
    """Raise ValueError naming ``field`` when the frame lacks it."""
    if field not in frame.columns or field == "geometry":
        raise ValueError(f"The layer has no field {field!r}.")


def _class_counts(style: Style, frame: pd.DataFrame) -> NDArray[np.int64]:
    """Features per class of ``style`` (unclassified ones not counted)."""
    idx = class_indices(style, frame)
    return np.bincount(idx + 1, minlength=len(style.classes) + 1)[1:].astype(np.int64)


def _make_class(label: str, colour: str, family: str, base: Style, **kw: Any) -> StyleClass:
    """Return a class coloured ``colour``: the fill, or the line colour of line layers."""
    stroke = colour if family == "line" else base.stroke
    fill = base.fill if family == "line" else colour
    return StyleClass(label=label, fill=fill, stroke=stroke, **kw)


def _without_note(extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` without the keys a previous classification left."""
    return {k: v for k, v in extra.items() if k not in ("note", "hidden_values")}


def _plain(value: object) -> Scalar:
    """Return a JSON scalar of a pandas or numpy value (integral floats stay floats)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _sorted_values(values: list[Scalar]) -> list[Scalar]:
    """Values in natural order; mixed types by type name first."""
    try:
        return sorted(values)  # type: ignore[type-var]
    except TypeError:
        return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def _value_label(value: Scalar) -> str:
    """Legend text of a category value (``3`` for ``3.0``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _breaks(values: NDArray[np.float64], method: str, k: int) -> list[float]:
    """Upper bounds of the classes by ``method``, ascending, the last one the maximum."""
    import mapclassify  # type: ignore[import-untyped]

    distinct = np.unique(values)
    k = max(1, min(int(k), len(distinct)))
    hi = float(distinct[-1])
    if k == 1:
        return [hi]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed", small-sample notes
        if method == "equal_interval":
            bins = mapclassify.EqualInterval(values, k=k).bins
        elif method == "quantiles":
            bins = mapclassify.Quantiles(values, k=k).bins
        elif method == "std_dev":
            bins = mapclassify.StdMean(values, multiples=[-2, -1, 1, 2]).bins
        else:
            bins = mapclassify.FisherJenks(_sample(values), k=k).bins
    out = sorted({float(b) for b in bins if distinct[0] <= b < hi})
    return [*out, hi]


def _sample(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """At most :data:`SAMPLE_SIZE` values, always with the minimum and maximum (reproducible)."""
    if len(values) <= SAMPLE_SIZE:
        return values
    rng = np.random.default_rng(0)
    picked = rng.choice(values, SAMPLE_SIZE - 2, replace=False)
    return np.concatenate([[values.min(), values.max()], picked])


def _round_bounds(lo: float, hi: float, bins: list[float]) -> tuple[float, list[float], int]:
    """Round class bounds to about a tenth of the narrowest class, keeping them distinct.

    Returns the rounded lowest bound (rounded down), the upper bounds (the last
    rounded up) and the decimals the labels need.
    """
    widths = np.diff([lo, *bins])
    step = float(widths[widths > 0].min()) if (widths > 0).any() else 0.0
    decimals = 1 - math.floor(math.log10(step)) if step > 0 else 0
    if float(lo).is_integer() and all(float(b).is_integer() for b in bins):
        decimals = min(decimals, 0)
    for d in range(decimals, decimals + 8):
        scale = 10.0**d
        inner = [round(b * scale) / scale for b in bins[:-1]]
        bounds = [math.floor(lo * scale) / scale, *inner, math.ceil(hi * scale) / scale]
        if all(a < b for a, b in itertools.pairwise(bounds)):
            bounds = [round(b, max(d, 0)) for b in bounds]
            shown = max(d, 0)
            while shown > 0 and all(round(b, shown - 1) == b for b in bounds):
                shown -= 1
            return bounds[0], bounds[1:], shown
    return lo, list(bins), 6
