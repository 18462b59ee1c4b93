"""Dialogs of the selection analyses (by location, by expression); they only collect parameters.

The location dialog offers to run on the database server when the layer to
select in is a PostGIS table (see :mod:`mgis.ui.analysis_server`). See
:mod:`mgis.ui.analysis_dialogs` for the base class.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from mgis.project import Project
from mgis.ui.analysis_dialogs import AnalysisDialog, mode_names, predicate_names
from mgis.ui.analysis_params import SelectExpressionParams, SelectLocationParams
from mgis.ui.analysis_server import SERVER_PREDICATES, server_hint, server_source
from mgis.ui.i18n import tr


class SelectLocationDialog(AnalysisDialog):
    """Select the features of a layer by where they are relative to another layer.

    For a layer read from a PostGIS table, "Run on the database server (whole
    table)" is offered and checked (intersect and within-a-distance only):
    the database tests the whole table and the matching rows become a new layer.
    """

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Select by location"),
            tr("Select the features of a layer that meet the features of another layer."),
            parent,
        )
        self.layer = self.layer_combo(prefer=("parcels",))
        self.predicate = QComboBox()
        for key, text in predicate_names():
            self.predicate.addItem(text, key)
        self.distance = self.metres(100.0)
        self.by = self.layer_combo(prefer=("investment_areas",))
        self.by_selected = self.selected_only(self.by)
        self.on_server = QCheckBox(tr("Run on the database server (whole table)"))
        self._server_wanted = False
        self.mode = QComboBox()
        for key, text in mode_names():
            self.mode.addItem(text, key)
        self.summary_field = self.field_combo(self.layer, prefer=("wlasnosc",))
        self.predicate.currentIndexChanged.connect(self._update)
        self.layer.currentIndexChanged.connect(self._layer_changed)
        self.on_server.clicked.connect(self._server_clicked)
        self.form.addRow(tr("Select features of"), self.layer)
        self.form.addRow(tr("that"), self.predicate)
        self.form.addRow(tr("Distance"), self.distance)
        self.form.addRow(tr("features of"), self.by)
        self.form.addRow("", self.by_selected)
        self.form.addRow("", self.on_server)
        self.form.addRow(tr("Selection"), self.mode)
        self.form.addRow(tr("Count selected by field"), self.summary_field)
        self._layer_changed()

    def server_capable(self) -> bool:
        """Return True when the layer to select in is a PostGIS table."""
        name = self.layer.currentData()
        if not name or name not in self.project.layer_names():
            return False
        return server_source(self.project.layer(str(name))) is not None

    def _layer_changed(self) -> None:
        """Propose the server for a PostGIS table layer, not for others."""
        self._server_wanted = self.server_capable()
        self._update()

    def _server_clicked(self, checked: bool) -> None:
        """Remember the user's choice (kept while the predicate changes)."""
        self._server_wanted = checked
        self._update()

    def _update(self) -> None:
        """Enable the distance for "within a distance", the server where it can run."""
        predicate = self.predicate.currentData()
        self.distance.setEnabled(predicate == "dwithin")
        layer_ok = self.server_capable()
        predicate_ok = predicate in SERVER_PREDICATES
        usable = layer_ok and predicate_ok
        self.on_server.setEnabled(usable)
        self.on_server.setChecked(usable and self._server_wanted)
        self.on_server.setToolTip(server_hint(layer_ok=layer_ok, predicate_ok=predicate_ok))
        self.mode.setEnabled(not self.on_server.isChecked())  # a new layer, not a selection

    def parameters(self) -> SelectLocationParams:
        """Return the parameters."""
        predicate = str(self.predicate.currentData())
        return SelectLocationParams(
            layer=self.need(self.layer, tr("layer to select in")),
            by=self.need(self.by, tr("selecting layer")),
            predicate=predicate,
            distance=self.distance.value() if predicate == "dwithin" else None,
            by_selected_only=self.by_selected.isChecked(),
            mode=str(self.mode.currentData()),
            summary_field=self.data(self.summary_field),
            on_server=self.on_server.isEnabled() and self.on_server.isChecked(),
        )


class SelectExpressionDialog(AnalysisDialog):
    """Select features by an attribute expression, e.g. ``uzytek == "B"``."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Select by expression"),
            tr('Select the features where a condition holds, e.g. wlasnosc == "Gmina".'),
            parent,
        )
        self.layer = self.layer_combo(prefer=("parcels",))
        self.expression = QLineEdit()
        self.expression.setPlaceholderText('uzytek == "B" and pow_m2 > 1000')
        self.mode = QComboBox()
        for key, text in mode_names():
            self.mode.addItem(text, key)
        self.summary_field = self.field_combo(self.layer)
        self.form.addRow(tr("Layer"), self.layer)
        self.form.addRow(tr("Expression"), self.expression)
        self.form.addRow(tr("Selection"), self.mode)
        self.form.addRow(tr("Count selected by field"), self.summary_field)

    def parameters(self) -> SelectExpressionParams:
        """Return the parameters."""
        text = self.expression.text().strip()
        if not text:
            raise ValueError(tr("Write an expression."))
        return SelectExpressionParams(
            layer=self.need(self.layer, tr("layer")),
            expression=text,
            mode=str(self.mode.currentData()),
            summary_field=self.data(self.summary_field),
        )
