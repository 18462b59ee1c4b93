"""Identify: the features under a map click, with their attributes and planar measures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QTreeWidget, QTreeWidgetItem, QWidget

from mgis.analysis.pick import PICK_PIXELS, features_at_point, planar_measures
from mgis.layers import VectorLayer
from mgis.ui.i18n import tr

HIT_LIMIT = 100
"""Features listed per layer at most (a click on a dense point cloud)."""


@dataclass(frozen=True)
class IdentifyHit:
    """One feature found under the cursor.

    Parameters
    ----------
    layer : str
        Name of its layer.
    index : int
        Positional row index of the feature in the layer's frame.
    family : str
        ``polygon``, ``line``, ``point`` or ``none`` (of this feature's geometry).
    attributes : tuple of (str, object)
        Column names and values, in column order, without the geometry; missing values are None.
    area : float or None
        Planar area in the units of ``crs`` (m²) for polygons.
    length : float or None
        Planar perimeter of a polygon or length of a line (m).
    crs : str or None
        The CRS the measures are planar in, e.g. ``EPSG:2180``.
    """

    layer: str
    index: int
    family: str
    attributes: tuple[tuple[str, object], ...]
    area: float | None = None
    length: float | None = None
    crs: str | None = None

    def value(self, name: str) -> object:
        """Return the value of attribute ``name`` (KeyError when absent)."""
        for key, val in self.attributes:
            if key == name:
                return val
        raise KeyError(name)


def _plain(value: object) -> object:
    """Return a numpy scalar as a Python value; NaN, NaT and None as None."""
    missing = pd.api.types.is_scalar(value) and bool(pd.isna(value))  # type: ignore[call-overload]
    if value is None or missing:
        return None
    return value.item() if isinstance(value, np.generic) else value


def identify_at(
    layers: Sequence[VectorLayer],
    x: float,
    y: float,
    *,
    resolution: float,
    pixels: float = PICK_PIXELS,
    limit: int = HIT_LIMIT,
) -> list[IdentifyHit]:
    """Return the features of ``layers`` under the map point ``(x, y)``.

    Parameters
    ----------
    layers : sequence of VectorLayer
        Layers to search, in the order the hits are listed (top layer first).
    x, y : float
        Map coordinates of the click.
    resolution : float
        Map units per pixel of the view clicked.
    pixels : float
        Pick tolerance for points and lines, in pixels.
    limit : int
        Hits per layer at most.

    Returns
    -------
    list of IdentifyHit
        Polygons containing the point, lines and points within the tolerance.
    """
    hits: list[IdentifyHit] = []
    for layer in layers:
        if "geometry" not in layer.frame.columns:
            continue
        rows = features_at_point(layer.frame, x, y, resolution=resolution, pixels=pixels)
        if not len(rows):
            continue
        crs = getattr(layer.frame, "crs", None)
        geographic = bool(crs is not None and crs.is_geographic)
        columns = [c for c in layer.frame.columns if c != layer.frame.geometry.name]
        geoms = layer.frame.geometry.array
        for row in rows[:limit].tolist():
            values = layer.frame.iloc[row]
            measures = planar_measures(geoms[row])
            area = measures.area if measures.family == "polygon" else None
            length = measures.length if measures.family in ("polygon", "line") else None
            hits.append(
                IdentifyHit(
                    layer=layer.name,
                    index=int(row),
                    family=measures.family,
                    attributes=tuple((str(c), _plain(values[c])) for c in columns),
                    area=None if geographic else area,
                    length=None if geographic else length,
                    crs=layer.crs,
                )
            )
    return hits


def _text(value: object) -> str:
    """Return an attribute value as shown in the tree (NULL for a missing value)."""
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


class IdentifyPanel(QDockWidget):
    """A dock listing identified features: layer → feature → attribute and value rows.

    Polygons get ``Area (planar)`` and ``Perimeter (planar)`` rows, lines a
    ``Length (planar)`` row, each with units and the CRS they are planar in.

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget (the main window).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Identify results"), parent)
        self.setObjectName("identify")
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([tr("Feature"), tr("Value")])
        self.tree.setAlternatingRowColors(True)
        self.setWidget(self.tree)
        self.hits: list[IdentifyHit] = []

    def show_hits(self, hits: Sequence[IdentifyHit]) -> None:
        """Replace the tree with ``hits`` (grouped by layer, in order)."""
        from mgis.ui.measure import format_area, format_distance

        self.hits = list(hits)
        self.tree.clear()
        if not self.hits:
            QTreeWidgetItem(self.tree, [tr("No features here"), ""])
            return
        groups: dict[str, QTreeWidgetItem] = {}
        for hit in self.hits:
            group = groups.get(hit.layer)
            if group is None:
                group = groups[hit.layer] = QTreeWidgetItem(self.tree, [hit.layer, ""])
                group.setFirstColumnSpanned(True)
            feature = QTreeWidgetItem(
                group, [f"{tr('Feature')} {hit.index + 1}", _feature_label(hit.attributes)]
            )
            feature.setData(0, Qt.ItemDataRole.UserRole, (hit.layer, hit.index))
            for name, value in hit.attributes:
                QTreeWidgetItem(feature, [name, _text(value)])
            rows: list[tuple[str, str]] = []
            if hit.area is not None:
                rows.append((tr("Area (planar)"), format_area(hit.area)))
            if hit.length is not None:
                label = (
                    tr("Perimeter (planar)") if hit.family == "polygon" else tr("Length (planar)")
                )
                rows.append((label, format_distance(hit.length)))
            if rows:
                rows.append((tr("Measures"), tr("planar, {crs}").format(crs=hit.crs or "?")))
            for name, text in rows:
                QTreeWidgetItem(feature, [name, text])
        for group in groups.values():
            group.setText(1, str(group.childCount()))
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.tree.resizeColumnToContents(1)

    def rows(self) -> list[tuple[str, str]]:
        """Return every (name, value) row of the tree, depth first (for tests and copying)."""
        out: list[tuple[str, str]] = []

        def walk(item: QTreeWidgetItem | None) -> None:
            if item is None:
                return
            out.append((item.text(0), item.text(1)))
            for i in range(item.childCount()):
                walk(item.child(i))

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i))
        return out


def _feature_label(attributes: Sequence[tuple[str, object]]) -> str:
    """Return the first text attribute that names the feature (an id or a name), or ''."""
    for name, value in attributes:
        if isinstance(value, str) and value and not name.startswith("_"):
            return value
    return ""
