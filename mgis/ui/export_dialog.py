"""Export layer dialog: collects the format, encoding, CRS, features and fields of an export.

The export itself (:func:`mgis.io.export.export_layer`) runs in a worker
started by :class:`~mgis.ui.print_actions.PrintUi`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mgis.io.export import FORMATS, ExportOptions
from mgis.ui.i18n import tr

if TYPE_CHECKING:
    from mgis.project import Project

Extent = tuple[float, float, float, float]

FORMAT_NAMES = {
    "gpkg": "GeoPackage",
    "shp": "Shapefile",
    "geojson": "GeoJSON",
    "csv": "CSV",
    "xlsx": "Excel (XLSX)",
    "kml": "KML",
    "gml": "GML",
    "dxf": "DXF",
}


class ExportLayerDialog(QDialog):
    """Choose a layer, a format and the export options.

    Parameters
    ----------
    project : Project
        The project whose layers can be exported.
    active : str, optional
        The layer chosen at first (the active one).
    extent : tuple of float, optional
        The map view extent offered as "only features in the view".
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(
        self,
        project: Project,
        active: str | None = None,
        extent: Extent | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Export layer"))
        self.project = project
        self.extent = extent
        self.layer = QComboBox(self)
        self.layer.addItems(project.layer_names())
        if active in project.layer_names():
            self.layer.setCurrentText(active)
        self.format = QComboBox(self)
        for fmt in FORMATS:
            self.format.addItem(FORMAT_NAMES.get(fmt, fmt), fmt)
        self.encoding = QComboBox(self)
        self.encoding.addItem(tr("Format default"), None)
        self.encoding.addItem("UTF-8", "utf-8")
        self.encoding.addItem("Windows-1250 (cp1250)", "cp1250")
        self.crs = QLineEdit(self)
        self.crs.setPlaceholderText(tr("the layer's CRS, e.g. EPSG:2180"))
        self.selected_only = QCheckBox(tr("Only selected features"), self)
        self.extent_only = QCheckBox(tr("Only features in the map view"), self)
        self.extent_only.setEnabled(extent is not None)
        self.overwrite = QCheckBox(tr("Replace existing files"), self)
        self.fields = QListWidget(self)
        self.output = QLineEdit(self)
        browse = QPushButton(tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(tr("Layer"), self.layer)
        form.addRow(tr("Format"), self.format)
        form.addRow(tr("Encoding"), self.encoding)
        form.addRow(tr("CRS"), self.crs)
        form.addRow("", self.selected_only)
        form.addRow("", self.extent_only)
        form.addRow(tr("Fields"), self.fields)
        form.addRow(tr("Output"), out_row)
        form.addRow("", self.overwrite)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Export"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.layer.currentIndexChanged.connect(self._fill_layer)
        self.format.currentIndexChanged.connect(self._fix_suffix)
        self._fill_layer()

    def _fill_layer(self) -> None:
        """List the layer's fields; tick "selected only" when it has a selection."""
        self.fields.clear()
        name = self.layer.currentText()
        if not name:
            return
        layer = self.project.layer(name)
        for column in layer.frame.columns:
            if column == "geometry":
                continue
            item = QListWidgetItem(str(column), self.fields)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        has_selection = len(layer.selected) > 0
        self.selected_only.setEnabled(has_selection)
        self.selected_only.setChecked(has_selection)

    def _fix_suffix(self) -> None:
        """Give the output file the suffix of the chosen format."""
        text = self.output.text().strip()
        if text:
            self.output.setText(str(Path(text).with_suffix(FORMATS[self.format_name()][0])))

    def _browse(self) -> None:
        """Choose the output file."""
        fmt = self.format_name()
        pattern = " ".join(f"*{s}" for s in FORMATS[fmt])
        chosen, _ = QFileDialog.getSaveFileName(
            self, tr("Save as"), self.output.text(), f"{FORMAT_NAMES[fmt]} ({pattern})"
        )
        if chosen:
            self.output.setText(chosen)

    def _accept(self) -> None:
        """Close only with an output file chosen."""
        if not self.output.text().strip():
            self.output.setFocus()
            return
        self.accept()

    def format_name(self) -> str:
        """Return the chosen format (``gpkg``, ``shp`` ...)."""
        return str(self.format.currentData())

    def layer_name(self) -> str:
        """Return the chosen layer."""
        return self.layer.currentText()

    def output_path(self) -> Path:
        """Return the chosen output file."""
        return Path(self.output.text().strip())

    def chosen_fields(self) -> tuple[str, ...] | None:
        """Return the ticked fields; None when all are ticked."""
        items = [self.fields.item(i) for i in range(self.fields.count())]
        ticked = tuple(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)
        return None if len(ticked) == len(items) else ticked

    def options(self) -> ExportOptions:
        """Return the export options collected by the dialog."""
        layer = self.project.layer(self.layer_name())
        selected = None
        if self.selected_only.isChecked() and len(layer.selected):
            selected = np.asarray(layer.selected, dtype=np.int64)
        return ExportOptions(
            selected=selected,
            extent=self.extent if self.extent_only.isChecked() else None,
            target_crs=self.crs.text().strip() or None,
            fields=self.chosen_fields(),
            encoding=self.encoding.currentData(),
            layer_name=layer.name,
            overwrite=self.overwrite.isChecked(),
        )
