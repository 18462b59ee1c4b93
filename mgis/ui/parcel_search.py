"""Parcel search box for the toolbar: type an identifier, full or short, and go there.

A match is selected and zoomed to; a typo pops up "did you mean" suggestions,
an ambiguous short form the candidates: choosing one goes there.
"""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QLineEdit, QWidget

from mgis.analysis.pick import bounds_of
from mgis.layers import SelectMode, VectorLayer
from mgis.layers.link_ids import with_parcel_ids
from mgis.layers.link_index import LayerIds
from mgis.layers.parcel_ids import ParcelContext
from mgis.layers.parcel_search import FindResult, FindStatus, ParcelIndex
from mgis.layers.register import RegisterError
from mgis.ui.canvas import MapCanvas
from mgis.ui.controller import ProjectController
from mgis.ui.i18n import tr
from mgis.ui.register_state import parcel_layer_ids

_CANONICAL = re.compile(r"^\d{6}_\d\.\d{4}\.\S+$")
_ID_NAMES = ("id_dzialki", "identyfikator", "idd", "id_dz", "teryt_dz")


def guess_id_field(layer: VectorLayer) -> str | None:
    """Return the layer's field of EGiB identifiers (by name, else by its first values)."""
    frame = layer.frame
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    for column in columns:
        if column.lower() in _ID_NAMES:
            return column
    for column in columns:
        sample = frame[column].head(20).dropna().astype(str)
        if len(sample) and sample.str.match(_CANONICAL).mean() > 0.8:
            return column
    return None


class ParcelSearchBox(QWidget):
    """Line edit with a completer that finds parcels in the parcel layer.

    The parcel layer is the one of the project's register link, else the
    first polygon layer with a field of identifiers.

    Parameters
    ----------
    controller : ProjectController
        Selections go through it.
    canvas : MapCanvas
        The map zoomed to the parcel found.
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(
        self, controller: ProjectController, canvas: MapCanvas, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.canvas = canvas
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(tr("Find parcel, e.g. 0003.123/4"))
        self.edit.setToolTip(
            tr("Type a parcel identifier, full (301001_1.0003.123/4) or short (3.123/4, "
               "obr. 3 dz. 123/4) and press Enter")
        )  # fmt: skip
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(220)
        self.edit.setMaximumWidth(360)
        self.edit.returnPressed.connect(lambda: self.search(self.edit.text()))
        self.suggestions = QStringListModel(self)
        self.completer = QCompleter(self.suggestions, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.activated.connect(self._chosen)
        self.edit.setCompleter(self.completer)
        self.message = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.last: FindResult | None = None
        self._index: tuple[tuple[int, int, str], ParcelIndex, LayerIds] | None = None

    # -- target layer ------------------------------------------------------------------

    def target(self) -> tuple[VectorLayer, str] | None:
        """Return the parcel layer and its identifier field; None when the project has none."""
        project = self.controller.project
        for link in reversed(project.links):
            if link.parcels_layer in project.layer_names() and link.id_field:
                return project.layer(link.parcels_layer), link.id_field
        for layer in project.layers:
            if layer.family == "polygon" and (field := guess_id_field(layer)) is not None:
                return layer, field
        return None

    def index(self, layer: VectorLayer, field: str) -> ParcelIndex:
        """Return the lookup index of the layer's identifiers (built once per frame)."""
        key = (id(layer), id(layer.frame), field)
        if self._index is None or self._index[0] != key:
            prepared, column = with_parcel_ids(layer.frame, field)
            values = prepared[column].tolist()
            self._index = (key, ParcelIndex(values), LayerIds(values, column))
        return self._index[1]

    def suggest(self, layer: VectorLayer, field: str, result: FindResult) -> list[str]:
        """Return "did you mean" ids: one edit away (as in the link report), then similar ones."""
        self.index(layer, field)
        assert self._index is not None
        close = self._index[2].suggest(result.candidates) if result.candidates else ()
        return list(dict.fromkeys([*close, *result.suggestions]))[:5]

    def _context(self, layer: VectorLayer, field: str) -> ParcelContext | None:
        """Return the register link's unit codes for short forms, else None."""
        for link in self.controller.project.links:
            if link.parcels_layer == layer.name and link.unit_codes:
                return link.context()
        return None

    # -- finding -----------------------------------------------------------------------

    def search(self, text: str) -> FindResult | None:
        """Find ``text``: go to the parcel, or offer suggestions or candidates.

        Parameters
        ----------
        text : str
            A parcel identifier in any form :class:`ParcelIndex` reads.

        Returns
        -------
        FindResult or None
            None when the text is empty or no parcel layer is known.
        """
        text = text.strip()
        target = self.target()
        if not text or target is None:
            self._say(tr("No parcel layer with identifiers.") if text else "")
            return None
        layer, field = target
        try:
            index = self.index(layer, field)
        except RegisterError as exc:
            self._say(str(exc), error=True)
            return None
        result = index.find(text, self._context(layer, field))
        self.last = result
        if result.status is FindStatus.FOUND:
            self._go_to(layer, result.rows)
            self._say(str(result.parcel))
            self._offer([])
        elif result.status is FindStatus.AMBIGUOUS:
            self._say(tr("Several parcels match: choose one."), error=True)
            self._offer([str(c) for c in result.candidates])
        elif result.status is FindStatus.NOT_FOUND:
            hints = self.suggest(layer, field, result)
            self._say(tr("Not found. Did you mean:") if hints else tr("Not found."), error=True)
            self._offer(hints)
        else:
            self._say(f"{tr('Not a parcel identifier')}: {result.error}", error=True)
            self._offer([])
        return result

    def _go_to(self, layer: VectorLayer, rows: tuple[int, ...]) -> None:
        """Select the parcel's features and zoom the map to them."""
        self.controller.select(layer.name, rows, SelectMode.NEW)
        self.canvas.zoom_to_extent(bounds_of(layer.frame, np.asarray(rows, dtype=np.int64)), 0.6)

    def _offer(self, items: list[str]) -> None:
        """Show ``items`` in the completer popup (hide it for none)."""
        self.suggestions.setStringList(items)
        if items:
            self.completer.setCompletionPrefix("")
            self.completer.complete()
        elif (popup := self.completer.popup()) is not None:
            popup.hide()

    def offered(self) -> list[str]:
        """Return the suggestions or candidates offered now."""
        return list(self.suggestions.stringList())

    def _chosen(self, text: str) -> None:
        """Put the chosen suggestion in the box and go there."""
        self.edit.setText(text)
        self.search(text)

    def _say(self, text: str, *, error: bool = False) -> None:
        """Show a short message beside the box."""
        self.message.setStyleSheet("color: #c62828;" if error else "")
        self.message.setText(text)

    def layer_ids(self, layer: VectorLayer, field: str) -> list[str | None]:
        """Canonical identifier of every row of ``layer`` (for tests and tools)."""
        return list(parcel_layer_ids(layer.frame, field).canon)
