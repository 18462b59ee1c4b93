"""The linked register as the UI sees it: parameters, the link result and linked selection.

:func:`link_from_parameters` and :func:`relink` are the work done off the UI
thread (in a :class:`~mgis.ui.workers.Worker`); :class:`RegisterState` keeps
the current :class:`~mgis.layers.links.LinkResult` and turns a choice of
investments into a selection of parcels and back, for the register panel and
the charts alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from mgis.layers.link_ids import with_parcel_ids
from mgis.layers.link_index import LayerIds
from mgis.layers.link_store import RegisterLink
from mgis.layers.links import LinkResult, link_register
from mgis.layers.register import ColumnMapping, Register
from mgis.layers.selection import SelectMode

if TYPE_CHECKING:
    import geopandas as gpd

    from mgis.layers import VectorLayer
    from mgis.ui.controller import ProjectController

AREAS_LAYER = "investment_areas"
PROBLEM_NAMES = {
    "unmatched": "not found",
    "ambiguous": "ambiguous",
    "invalid": "unreadable",
    "duplicate_id": "duplicate id",
    "multi_investment": "in several investments",
    "no_parcels": "no parcels",
}
"""English names of the problem kinds shown to the user (translated with ``tr``)."""


@dataclass(frozen=True)
class LinkParameters:
    """What the link wizard collects.

    Attributes
    ----------
    layer : str
        Name of the parcel layer.
    id_field : str
        Its identifier field, or ``build:UNIT|OBREB|NUMBER`` (see :func:`build_spec`).
    register_path : pathlib.Path
        The register spreadsheet.
    sheet : str or None
        XLSX sheet (None: the first).
    mapping : ColumnMapping or None
        Column roles (None: detected).
    """

    layer: str
    id_field: str
    register_path: Path
    sheet: str | None = None
    mapping: ColumnMapping | None = None


@dataclass(frozen=True, eq=False)
class LinkOutcome:
    """A link made in the background: what to store and what it gave."""

    link: RegisterLink
    result: LinkResult


def link_from_parameters(params: LinkParameters, frame: gpd.GeoDataFrame) -> LinkOutcome:
    """Read the register and link it to ``frame`` (runs in a worker thread).

    Parameters
    ----------
    params : LinkParameters
        What the wizard collected.
    frame : geopandas.GeoDataFrame
        The parcel layer's features (not modified).

    Returns
    -------
    LinkOutcome
    """
    from mgis.io.register import read_register

    table = read_register(params.register_path, sheet=params.sheet)
    register = Register.from_table(table, params.mapping)
    prepared, field = with_parcel_ids(frame, params.id_field)
    result = link_register(prepared, field, register)
    link = RegisterLink.create(
        table, register, parcels_layer=params.layer, id_field=params.id_field,
        context=result.context,
    )  # fmt: skip
    return LinkOutcome(link, result)


def relink(link: RegisterLink, frame: gpd.GeoDataFrame) -> LinkOutcome:
    """Link the saved register copy again, with the link's corrections (worker thread)."""
    prepared, field = with_parcel_ids(frame, link.id_field or "")
    context = link.context() if link.unit_codes else None
    result = link_register(prepared, field, link.corrected(), context=context)
    return LinkOutcome(link, result)


def parcel_layer_ids(frame: gpd.GeoDataFrame, id_field: str) -> LayerIds:
    """Canonical identifiers of a parcel layer by row."""
    prepared, field = with_parcel_ids(frame, id_field)
    return LayerIds(prepared[field].tolist(), field)


class RegisterState(QObject):
    """The current link result and the investments highlighted, synchronised with the map.

    Choosing investments (:meth:`select_investments`) selects their parcels
    on the parcel layer through the controller; a selection of parcels made
    elsewhere highlights the investments holding them.

    Parameters
    ----------
    controller : ProjectController
        Selections go through it.
    parent : QObject, optional
        Qt parent.

    Signals
    -------
    resultChanged()
        Another link result is shown (or none).
    highlightChanged(object)
        The tuple of highlighted investment ids changed.
    """

    resultChanged = Signal()  # noqa: N815 - Qt naming
    highlightChanged = Signal(object)  # noqa: N815

    def __init__(self, controller: ProjectController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.link: RegisterLink | None = None
        self.result: LinkResult | None = None
        self.highlighted: tuple[str, ...] = ()
        self._ids: tuple[int, LayerIds] | None = None
        self._by_parcel: dict[str, list[str]] = {}
        self._by_investment: dict[str, list[str]] = {}
        self._selecting = False
        controller.selectionChanged.connect(self._on_selection)

    def set_result(self, link: RegisterLink | None, result: LinkResult | None) -> None:
        """Show ``result`` (made from ``link``); None clears it."""
        self.link, self.result = link, result
        self._ids = None
        self._by_parcel, self._by_investment = {}, {}
        if result is not None:
            links = result.links
            for inv, key in zip(links["investment_id"], links["parcel_id"], strict=True):
                self._by_parcel.setdefault(str(key), []).append(str(inv))
                self._by_investment.setdefault(str(inv), []).append(str(key))
        self.highlighted = ()
        self.resultChanged.emit()
        self.highlightChanged.emit(self.highlighted)

    @property
    def investment_ids(self) -> list[str]:
        """Investment ids in register order (empty without a result)."""
        if self.result is None:
            return []
        return [str(v) for v in self.result.investment_areas["investment_id"]]

    def parcel_layer(self) -> VectorLayer | None:
        """Return the linked parcel layer of the project, or None when it is gone."""
        name = self.link.parcels_layer if self.link is not None else None
        if name is None or name not in self.controller.project.layer_names():
            return None
        return self.controller.project.layer(name)

    def _layer_ids(self, layer: VectorLayer) -> LayerIds:
        """Return the identifiers of the parcel layer, computed once per frame."""
        if self._ids is None or self._ids[0] != id(layer.frame):
            assert self.link is not None
            self._ids = (id(layer.frame), parcel_layer_ids(layer.frame, self.link.id_field or ""))
        return self._ids[1]

    def parcels_of(self, investments: Iterable[str]) -> list[str]:
        """Canonical ids of the parcels linked to ``investments``."""
        keys: dict[str, None] = {}
        for inv in investments:
            keys.update(dict.fromkeys(self._by_investment.get(inv, [])))
        return list(keys)

    def parcel_rows(self, investments: Iterable[str]) -> np.ndarray:
        """Rows of the parcel layer linked to ``investments``, sorted."""
        layer = self.parcel_layer()
        if layer is None:
            return np.empty(0, dtype=np.int64)
        ids = self._layer_ids(layer)
        rows = {r for key in self.parcels_of(investments) if key in ids.row for r in ids.rows(key)}
        return np.array(sorted(rows), dtype=np.int64)

    def investments_of_rows(self, rows: Sequence[int] | np.ndarray) -> tuple[str, ...]:
        """Investments (register order) holding any of the parcel layer ``rows``."""
        layer = self.parcel_layer()
        if layer is None or not len(rows):
            return ()
        canon = self._layer_ids(layer).canon
        found: set[str] = set()
        for row in np.asarray(rows, dtype=np.int64).tolist():
            key = canon[row] if 0 <= row < len(canon) else None
            if key is not None:
                found.update(self._by_parcel.get(key, []))
        return tuple(i for i in self.investment_ids if i in found)

    def select_investments(self, investments: Iterable[str]) -> None:
        """Highlight ``investments`` and select their parcels on the parcel layer."""
        chosen = tuple(dict.fromkeys(investments))
        layer = self.parcel_layer()
        if layer is not None:
            self._selecting = True
            try:
                self.controller.select(layer.name, self.parcel_rows(chosen), SelectMode.NEW)
            finally:
                self._selecting = False
        self._highlight(chosen)

    def _highlight(self, chosen: tuple[str, ...]) -> None:
        """Set the highlighted investments and tell the views when they changed."""
        if chosen != self.highlighted:
            self.highlighted = chosen
            self.highlightChanged.emit(chosen)

    def _on_selection(self, name: str) -> None:
        """Parcels selected elsewhere (map, attribute table): highlight their investments."""
        layer = self.parcel_layer()
        if self._selecting or layer is None or name != layer.name:
            return
        self._highlight(self.investments_of_rows(layer.selected))
