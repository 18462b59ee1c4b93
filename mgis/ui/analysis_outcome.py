"""What an analysis gives the window: :class:`AnalysisOutcome` and its summary tables.

The ``run_*`` jobs of :mod:`mgis.ui.analysis_jobs_geo`,
:mod:`mgis.ui.analysis_jobs_access`, :mod:`mgis.ui.analysis_jobs_plan` and
:mod:`mgis.ui.analysis_server` build their outcomes with the helpers here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mgis.ui.i18n import tr

if TYPE_CHECKING:
    import geopandas as gpd

    from mgis.layers import Style

Frames = Mapping[str, "gpd.GeoDataFrame"]
"""The input layers of an analysis by name."""


@dataclass(frozen=True, eq=False)
class AnalysisOutcome:
    """What an analysis gave, ready for the window.

    Attributes
    ----------
    title : str
        Translated name of the analysis.
    summary : object
        The analysis summary dataclass (as the command line writes it).
    tables : tuple of (caption, DataFrame)
        Tables for the summary view, the key/value summary last.
    layer_name : str or None
        Name of the result layer (None: no layer).
    frame : geopandas.GeoDataFrame or None
        Result features.
    style : Style or None
        Their style.
    select_layer : str or None
        Layer whose selection changes (select analyses).
    select_rows : numpy.ndarray or None
        Positional rows to select.
    select_mode : str
        How ``select_rows`` combine with the current selection.
    chart : pandas.DataFrame or None
        The yearly cash flow to chart (costs).
    """

    title: str
    summary: Any
    tables: tuple[tuple[str, pd.DataFrame], ...] = ()
    layer_name: str | None = None
    frame: gpd.GeoDataFrame | None = None
    style: Style | None = None
    select_layer: str | None = None
    select_rows: np.ndarray | None = None
    select_mode: str = "new"
    chart: pd.DataFrame | None = None


@dataclass(frozen=True)
class AnalysisFailure:
    """An analysis refused its inputs: the message for the user."""

    text: str


def summary_table(summary: Any) -> pd.DataFrame:
    """Return a summary dataclass as ``key``/``value`` rows (nested ones flattened).

    Parameters
    ----------
    summary : dataclass instance
        Any analysis summary.

    Returns
    -------
    pandas.DataFrame
        Two text columns, the same rows ``mgis analyze`` writes to its CSV.
    """
    return pd.DataFrame(_rows(summary), columns=["key", "value"])


def _rows(summary: Any) -> list[tuple[str, str]]:
    """Return ``(field, value)`` text rows of a dataclass, as the command line prints them."""
    rows: list[tuple[str, str]] = []
    for item in dataclasses.fields(summary):
        value = getattr(summary, item.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            rows += [(f"{item.name}.{k}", v) for k, v in _rows(value)]
        elif isinstance(value, dict):
            rows += [(f"{item.name}.{k}", str(v)) for k, v in value.items()]
        else:
            rows.append((item.name, f"{value:.6g}" if isinstance(value, float) else str(value)))
    return rows


def summary_entry(summary: Any) -> tuple[str, pd.DataFrame]:
    """Return the key/value table with its caption."""
    return tr("Summary"), summary_table(summary)


def attribute_table(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the attribute table of ``frame`` (no geometry)."""
    return pd.DataFrame(frame.drop(columns=frame.geometry.name))


def counts_by(frame: gpd.GeoDataFrame, rows: np.ndarray, field: str | None) -> pd.DataFrame | None:
    """Count the features at ``rows`` per value of ``field`` (None without a field)."""
    if not field or field not in frame.columns:
        return None
    values = frame[field].iloc[rows].astype(str)
    counts = values.value_counts().rename_axis(field).reset_index(name="count")
    ordered: pd.DataFrame = counts.sort_values(
        ["count", field], ascending=[False, True], ignore_index=True
    )
    return ordered
