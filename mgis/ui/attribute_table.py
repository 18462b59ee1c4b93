"""Attribute table: filter, sort, select (synchronised with the map), copy and export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mgis.io.errors import MgisIOError
from mgis.io.table_export import write_table
from mgis.layers.expressions import ExpressionError
from mgis.layers.selection import Indices, SelectMode
from mgis.ui.attribute_model import AttributeTableModel
from mgis.ui.controller import ProjectController
from mgis.ui.i18n import tr

FILTER_DELAY_MS = 250
_ERROR_STYLE = "color: #c62828;"


class _TableView(QTableView):
    """A table view whose Ctrl+C copies whole selected rows instead of the current cell."""

    copyRequested = Signal()  # noqa: N815 - Qt naming

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Turn the Copy key into :attr:`copyRequested`."""
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copyRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class AttributeTableWidget(QWidget):
    """The attribute table of one layer, with filters, selection sync, copy and export.

    Parameters
    ----------
    controller : ProjectController
        The project controller; selections go through it both ways.
    layer_name : str
        The layer shown.
    parent : QWidget, optional
        Qt parent.

    Signals
    -------
    zoomToSelection(str)
        The user asked to zoom the map to the selected features of the layer.
    layerRemoved(str)
        The layer is no longer in the project (the table should close).
    """

    zoomToSelection = Signal(str)  # noqa: N815 - Qt naming
    layerRemoved = Signal(str)  # noqa: N815

    def __init__(
        self, controller: ProjectController, layer_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.layer_name = layer_name
        self._syncing = False
        self.model = AttributeTableModel(controller.project.layer(layer_name), self)
        self._build()
        self.model.modelAboutToBeReset.connect(self._begin_sync)
        self.model.modelReset.connect(self._after_reset)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        controller.selectionChanged.connect(self._on_controller_selection)
        controller.projectModified.connect(self._on_project_changed)
        controller.projectReplaced.connect(self._on_project_changed)
        self._apply_layer_selection()
        self._update_counts()

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        """Build the filters, the expression line, the buttons and the table."""
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(tr("Filter: text in any column…"))
        self.filter_edit.setClearButtonEnabled(True)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_text_filter)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.selected_only_check = QCheckBox(tr("Selected only"))
        self.selected_only_check.toggled.connect(self.model.set_selected_only)
        self.expression_edit = QLineEdit()
        self.expression_edit.setPlaceholderText(
            tr('Expression, e.g. wlasnosc == "Gmina" and pow_m2 > 1000')
        )
        self.expression_edit.returnPressed.connect(self.apply_expression)
        self.apply_button = QPushButton(tr("Apply"))
        self.apply_button.clicked.connect(self.apply_expression)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()
        self.copy_button = QPushButton(tr("Copy selected rows"))
        self.copy_button.setToolTip(tr("Copy the selected rows as tab-separated text (Ctrl+C)"))
        self.copy_button.clicked.connect(self.copy_selected)
        self.export_button = QPushButton(tr("Export selected…"))
        self.export_button.clicked.connect(self._ask_export)
        self.zoom_button = QPushButton(tr("Zoom to selection"))
        self.zoom_button.clicked.connect(lambda: self.zoomToSelection.emit(self.layer_name))
        self.count_label = QLabel()
        self._build_view()
        self._layout()

    def _build_view(self) -> None:
        """Build the table view: whole-row selection, header sorting, fixed row height."""
        self.view = _TableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setWordWrap(False)
        self.view.copyRequested.connect(self.copy_selected)
        header = self.view.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSectionsMovable(True)
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.setSortingEnabled(True)
        self._fit_columns()

    def _layout(self) -> None:
        """Place the controls above the table."""
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 2)
        top.addWidget(self.selected_only_check)
        expression = QHBoxLayout()
        expression.addWidget(self.expression_edit, 1)
        expression.addWidget(self.apply_button)
        buttons = QHBoxLayout()
        for button in (self.copy_button, self.export_button, self.zoom_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(expression)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)

    def _fit_columns(self) -> None:
        """Size columns to the header and the first rows (never to all rows)."""
        metrics = self.view.fontMetrics()
        sample = self.model.order[:50].tolist()
        for column, name in enumerate(self.model.columns):
            texts = [name] + [self.model.cell_text(p, column) for p in sample]
            width = max(metrics.horizontalAdvance(t) for t in texts) + 24
            self.view.setColumnWidth(column, min(width, 320))

    # -- filters -----------------------------------------------------------------------

    def apply_text_filter(self) -> None:
        """Filter by the text typed in the filter box."""
        self._filter_timer.stop()
        self.model.set_text_filter(self.filter_edit.text())
        self._update_counts()

    def apply_expression(self) -> None:
        """Filter by the expression; show an invalid expression's message in red."""
        try:
            self.model.set_expression(self.expression_edit.text())
        except ExpressionError as exc:
            self._show_message(f"{tr('Invalid expression')}: {exc}", error=True)
            return
        self._show_message("")
        self._update_counts()

    def _show_message(self, text: str, *, error: bool = False) -> None:
        """Show (or hide, for '') the message line under the expression."""
        self.message_label.setStyleSheet(_ERROR_STYLE if error else "")
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    # -- selection sync ------------------------------------------------------------------

    def _begin_sync(self) -> None:
        """Ignore view selection signals while the model resets."""
        self._syncing = True

    def _after_reset(self) -> None:
        """Select the layer's selected features again after the rows changed."""
        self._syncing = False
        self._apply_layer_selection()
        self._update_counts()

    def _on_view_selection(self) -> None:
        """Send the rows selected in the view to the controller as the new selection."""
        if self._syncing:
            return
        order = self.model.order
        selection = self.view.selectionModel().selection()
        ranges = (selection.at(i) for i in range(selection.count()))
        parts = [order[r.top() : r.bottom() + 1] for r in ranges]
        positions = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
        self._syncing = True
        try:
            self.controller.select(self.layer_name, positions, SelectMode.NEW)
        finally:
            self._syncing = False
        self._update_counts()

    def _on_controller_selection(self, name: str) -> None:
        """Follow a selection made elsewhere (map, another tool)."""
        if name != self.layer_name or self._syncing:
            return
        if self.model.selected_only:
            self.model.selection_changed()  # resets, then re-applies the selection
        else:
            self._apply_layer_selection()
            self._update_counts()

    def _apply_layer_selection(self) -> None:
        """Select the view rows of the layer's selected features, one range per run of rows."""
        rows = self.model.rows_of(self.model.layer.selected)
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        if rows.size and last >= 0:
            breaks = np.flatnonzero(np.diff(rows) != 1) + 1
            starts = rows[np.r_[0, breaks]].tolist()
            ends = rows[np.r_[breaks - 1, rows.size - 1]].tolist()
            cell = self.model.cell_index
            for start, end in zip(starts, ends, strict=True):
                selection.select(cell(start, 0), cell(end, last))
        self._syncing = True
        try:
            self.view.selectionModel().select(
                selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        finally:
            self._syncing = False

    def _on_project_changed(self) -> None:
        """Re-read the layer after an edit; report when it is gone."""
        try:
            layer = self.controller.project.layer(self.layer_name)
        except KeyError:
            self.layerRemoved.emit(self.layer_name)
            return
        if layer is not self.model.layer or layer.frame is not self.model.frame:
            self.model.layer = layer
            self.model.reload()
            self.expression_edit.setText(self.model.expression)
            self._fit_columns()

    def _update_counts(self) -> None:
        """Show 'N of M features (K selected)' and enable the selection buttons."""
        selected = int(self.model.layer.selected.size)
        self.count_label.setText(
            tr("{shown} of {total} features ({selected} selected)").format(
                shown=self.model.rowCount(), total=self.model.total_count, selected=selected
            )
        )
        for button in (self.copy_button, self.export_button, self.zoom_button):
            button.setEnabled(selected > 0)

    # -- copy and export -----------------------------------------------------------------

    def selected_positions(self) -> Indices:
        """Return the selected features' positions in the table's sort order."""
        return self.model.positions_in_order(self.model.layer.selected)

    def copy_selected(self) -> None:
        """Put the selected rows on the clipboard as tab-separated text with a header line."""
        positions = self.selected_positions()
        if positions.size:
            QGuiApplication.clipboard().setText(self.model.rows_as_tsv(positions))

    def export_selected(self, path: Path, *, polish_excel: bool = False) -> Path:
        """Write the selected features' attributes to ``path`` (CSV or XLSX), replacing it.

        Parameters
        ----------
        path : Path
            Output file; the suffix chooses the format.
        polish_excel : bool
            CSV with ``;``, decimal comma and BOM for Excel in Polish.

        Returns
        -------
        Path
            The written file.
        """
        frame = self.model.layer.frame.iloc[self.selected_positions()]
        return write_table(frame, path, polish_excel=polish_excel, overwrite=True)

    def _ask_export(self) -> None:
        """Ask for a file and a format, then export the selected features."""
        filters = {
            tr("CSV (*.csv)"): (".csv", False),
            tr("CSV for Polish Excel (*.csv)"): (".csv", True),
            tr("Excel workbook (*.xlsx)"): (".xlsx", False),
        }
        name, chosen = QFileDialog.getSaveFileName(
            self, tr("Export selected features"), f"{self.layer_name}.csv", ";;".join(filters)
        )
        if not name:
            return
        suffix, polish = filters.get(chosen, (".csv", False))
        path = Path(name)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            path = path.with_name(path.name + suffix)
        try:
            written = self.export_selected(path, polish_excel=polish)
        except MgisIOError as exc:
            self._show_message(f"{tr('Export failed')}: {exc}", error=True)
            return
        self._show_message(tr("Exported to {path}").format(path=written))


class AttributeTableDock(QDockWidget):
    """A dock holding the attribute table of one layer, titled "Attribute table — <layer>".

    Parameters
    ----------
    controller : ProjectController
        The project controller.
    layer_name : str
        The layer shown.
    parent : QWidget, optional
        Usually the main window.
    """

    def __init__(
        self, controller: ProjectController, layer_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"{tr('Attribute table')} — {layer_name}", parent)
        self.layer_name = layer_name
        self.setObjectName(f"attribute_table:{layer_name}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.closed = False
        self.table = AttributeTableWidget(controller, layer_name, self)
        self.table.layerRemoved.connect(lambda _name: self.close())
        self.setWidget(self.table)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        """Remember that the dock was closed (it is deleted soon after)."""
        self.closed = True
        super().closeEvent(event)


def open_attribute_table(
    main_window: QMainWindow, controller: ProjectController, layer_name: str
) -> AttributeTableDock:
    """Show the attribute table of a layer docked at the bottom of ``main_window``.

    An attribute table already open for the layer is raised instead of opening a
    second one; a new one is tabbed with other open attribute tables.

    Parameters
    ----------
    main_window : QMainWindow
        The window to dock into.
    controller : ProjectController
        The project controller (selection sync).
    layer_name : str
        The layer to show.

    Returns
    -------
    AttributeTableDock
        The dock; connect ``dock.table.zoomToSelection`` to the map.
    """
    docks = [d for d in main_window.findChildren(AttributeTableDock) if not d.closed]
    for dock in docks:
        if dock.layer_name == layer_name:
            dock.show()
            dock.raise_()
            return dock
    dock = AttributeTableDock(controller, layer_name, main_window)
    main_window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    if docks:
        main_window.tabifyDockWidget(docks[-1], dock)
    dock.show()
    dock.raise_()
    return dock
