"""Styles of analysis results: pass/fail categories, distance bands, graduated values (no Qt)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mgis.layers import Style
from mgis.layers.classify import graduate
from mgis.layers.ramps import ramp_colors
from mgis.layers.style import StyleClass
from mgis.layers.vector import geometry_family
from mgis.ui.i18n import tr

if TYPE_CHECKING:
    import geopandas as gpd

PASS_COLOUR = "#1a9641"
FAIL_COLOUR = "#d7191c"


def pass_fail_style(frame: gpd.GeoDataFrame, field: str) -> Style:
    """Return a categorized style: True green (passes), False red (fails)."""
    family = geometry_family(frame)
    base = Style.for_geometry(family)
    values = frame[field].astype(bool)
    classes = []
    for value, label, colour in (
        (True, tr("Passes"), PASS_COLOUR),
        (False, tr("Fails"), FAIL_COLOUR),
    ):
        fill, stroke = (base.fill, colour) if family == "line" else (colour, base.stroke)
        count = int((values == value).sum())
        classes.append(StyleClass(label, fill, stroke, value=value, count=count))
    return dataclasses.replace(base, mode="categorized", field=field, classes=tuple(classes))


def graduated_style(frame: gpd.GeoDataFrame, field: str, *, unit: str = "", k: int = 5) -> Style:
    """Return a graduated style of ``field`` (natural breaks), or a plain one without numbers."""
    try:
        return graduate(frame, field, "natural_breaks", k, unit=unit)
    except ValueError:
        return Style.for_geometry(geometry_family(frame))


def bins_style(frame: gpd.GeoDataFrame, field: str, bins: tuple[float, ...]) -> Style:
    """Return a graduated style with the given upper class bounds (mapclassify's)."""
    values = pd.to_numeric(frame[field], errors="coerce").to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    if not bins or not len(finite):
        return graduated_style(frame, field)
    family = geometry_family(frame)
    base = Style.for_geometry(family)
    lowers = [min(float(finite.min()), bins[0]), *bins[:-1]]
    colours = ramp_colors("YlOrRd", len(bins))
    classes = []
    for lower, upper, colour in zip(lowers, bins, colours, strict=True):
        inside = (values > lower) & (values <= upper)
        if lower == lowers[0]:
            inside |= values == lower
        fill, stroke = (base.fill, colour) if family == "line" else (colour, base.stroke)
        classes.append(
            StyleClass(
                f"{lower:,.4g} \u2013 {upper:,.4g}".replace(",", " "),
                fill,
                stroke,
                lower=lower,
                upper=upper,
                count=int(inside.sum()),
            )
        )
    return dataclasses.replace(
        base,
        mode="graduated",
        field=field,
        classes=tuple(classes),
        method="quantiles",
        ramp="YlOrRd",
    )


def distance_style(frame: gpd.GeoDataFrame, field: str) -> Style:
    """Distance bands: one class per distance, dark (near) to light (far), translucent."""
    distances = sorted({float(d) for d in frame[field].dropna()})
    colours = list(reversed(ramp_colors("Blues", len(distances) + 1)[1:]))
    classes = []
    lower = 0.0
    for distance, colour in zip(distances, colours, strict=True):
        count = int((frame[field] == distance).sum())
        label = f"{lower:g} \u2013 {distance:g} m"
        classes.append(
            StyleClass(label, f"{colour}55", "#08306b", lower=lower, upper=distance, count=count)
        )
        lower = distance
    base = Style.for_geometry("polygon", stroke="#08306b")
    return dataclasses.replace(
        base,
        mode="graduated",
        field=field,
        classes=tuple(classes),
        method="equal_interval",
        ramp="Blues",
    )
