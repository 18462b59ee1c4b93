"""MainWindow: layer panel (left), map canvas (centre), menus, toolbars and status bar.

The window owns one :class:`~mgis.ui.controller.ProjectController`; every change
of the project goes through ``controller.push(command)`` and is undoable.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from mgis import __version__
from mgis.commands import RenameLayer, SetLayerProperties
from mgis.project import Project
from mgis.render import MapView
from mgis.ui.actions import build_actions, fill_recent_menu, update_edit_actions
from mgis.ui.analysis_actions import install_analysis_ui
from mgis.ui.canvas import MapCanvas
from mgis.ui.controller import ProjectController
from mgis.ui.i18n import tr
from mgis.ui.layer_loading import LayerLoader, file_filters
from mgis.ui.layer_panel import LayerPanel
from mgis.ui.map_toolbar import build_map_toolbar
from mgis.ui.print_actions import install_print_ui
from mgis.ui.project_files import ProjectFiles
from mgis.ui.register_actions import install_register_ui
from mgis.ui.settings import AppSettings, SettingsDialog
from mgis.ui.workers import ProgressPanel

STANDARD_SCALES = (500, 1_000, 2_000, 5_000, 10_000, 25_000, 50_000)


def format_scale(denominator: float) -> str:
    """Return ``1:N`` with a space between thousands (``1:10 000``)."""
    return f"1:{round(denominator):,}".replace(",", " ")


def parse_scale(text: str) -> float | None:
    """Return N from ``"1:7500"``, ``"1:7 500"`` or ``"7500"``; None when it is no scale."""
    cleaned = re.sub(r"[\s\u00a0\u202f.,]", "", text)
    match = re.fullmatch(r"(?:1:)?(\d+(?:\.\d+)?)", cleaned)
    if match is None:
        return None
    value = float(match.group(1))
    return value if value >= 1 else None


class MainWindow(QMainWindow):
    """The mgis main window.

    Parameters
    ----------
    project : Project, optional
        Project shown at start.
    parent : QWidget, optional
        Parent widget.
    settings : AppSettings, optional
        Stored settings (the user's by default).
    """

    def __init__(
        self,
        project: Project | None = None,
        parent: QWidget | None = None,
        settings: AppSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.resize(1200, 800)
        self.setAcceptDrops(True)
        self.settings = settings or AppSettings()
        self.controller = ProjectController(parent=self)
        self.canvas = MapCanvas(self)
        self.setCentralWidget(self.canvas)
        self.layer_panel = LayerPanel(self.controller, self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.layer_panel)
        self.resizeDocks([self.layer_panel], [240], Qt.Orientation.Horizontal)
        self.progress = ProgressPanel(self)
        self.files = ProjectFiles(self.controller, self.settings, self.progress, self)
        self.loader = LayerLoader(self.controller, self.progress, self)
        self.menu_actions = build_actions(self)
        self.map_toolbar = build_map_toolbar(self, self.canvas, self.controller)
        self._build_status_bar()
        install_register_ui(self)
        install_print_ui(self)
        install_analysis_ui(self)
        self._shown_layers: list[int] = []
        self.controller.projectReplaced.connect(self._on_project_replaced)
        self.controller.projectModified.connect(self._on_project_modified)
        self.files.stateChanged.connect(self._update_title)
        self.files.recentChanged.connect(self._fill_recent)
        self.layer_panel.activeLayerChanged.connect(self._on_active_layer)
        self.layer_panel.zoomToLayerRequested.connect(self.zoom_to_layer)
        self.layer_panel.attributeTableRequested.connect(self.open_attribute_table)
        self.layer_panel.propertiesRequested.connect(self.edit_layer_properties)
        self.canvas.viewChanged.connect(self._on_view_changed)
        self.canvas.cursorMoved.connect(self._on_cursor)
        self.canvas.rendered.connect(self._on_rendered)
        self._fill_recent()
        self.set_project(project or Project())

    # -- building ---------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        """Progress, coordinates, editable scale, CRS and render time."""
        status = self.statusBar()
        status.addWidget(self.progress)
        self.coords_label = QLabel()
        self.coords_label.setMinimumWidth(190)
        self.coords_label.setToolTip(tr("Cursor coordinates in the project CRS"))
        self.scale_box = QComboBox()
        self.scale_box.setEditable(True)
        line = QLineEdit()
        self.scale_box.setLineEdit(line)
        self.scale_box.setMinimumWidth(110)
        self.scale_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.scale_box.setToolTip(tr("Map scale: choose one or type e.g. 1:7500"))
        self.scale_box.addItems([format_scale(s) for s in STANDARD_SCALES])
        self.scale_box.setCurrentIndex(-1)
        self.scale_box.textActivated.connect(self.set_scale_text)
        line.returnPressed.connect(lambda: self.set_scale_text(line.text()))
        self.crs_label = QLabel()
        self.crs_label.setToolTip(tr("Project coordinate reference system"))
        self.render_label = QLabel()
        self.render_label.setToolTip(tr("Time of the last map render"))
        status.addPermanentWidget(QLabel(tr("Coordinate")))
        status.addPermanentWidget(self.coords_label)
        status.addPermanentWidget(QLabel(tr("Scale")))
        status.addPermanentWidget(self.scale_box)
        status.addPermanentWidget(self.crs_label)
        status.addPermanentWidget(self.render_label)

    # -- project ----------------------------------------------------------------------

    @property
    def project(self) -> Project:
        """The open project."""
        return self.controller.project

    def set_project(self, project: Project) -> None:
        """Show ``project`` with a fresh undo history."""
        self.controller.set_project(project)

    def open_project(self, path: Path) -> bool:
        """Open the project file ``path`` now; on failure tell the user why and return False."""
        return self.files.open_path(Path(path), background=False, ask=False)

    def open_recent(self, path: Path) -> None:
        """Open a recent project (forgetting it when the file is gone)."""
        if not path.is_file():
            QMessageBox.warning(self, tr("Open recent"), f"{tr('File not found')}: {path}")
            self.settings.remove_recent(path)
            self._fill_recent()
            return
        self.files.open_path(path, background=True)

    def project_name(self) -> str:
        """Title of the project: its metadata title, else its file name."""
        title = self.project.metadata.get("title")
        if title:
            return title
        return self.project.path.stem if self.project.path else tr("Untitled")

    def _update_title(self) -> None:
        """Window title ``mgis — <project name>``, with ``*`` when modified."""
        star = "*" if self.files.modified else ""
        self.setWindowTitle(f"mgis — {self.project_name()}{star}")

    def _fill_recent(self) -> None:
        """Refill the recent-projects menu."""
        fill_recent_menu(self, self.menu_actions.recent_menu, self.settings.recent_projects())

    def _on_project_replaced(self) -> None:
        """Show a newly opened or created project."""
        project = self.project
        self._shown_layers = [id(layer) for layer in project.layers]
        self.canvas.set_layers(project.layers, project.extent)
        self.canvas.history.clear()
        self.crs_label.setText(project.crs)
        self._on_project_modified()

    def _on_project_modified(self) -> None:
        """Redraw after a command; only changed layers are rendered again."""
        project = self.project
        shown = [id(layer) for layer in project.layers]
        if shown != self._shown_layers:
            self._shown_layers = shown
            self.canvas.update_layers(project.layers)
        else:
            self.canvas.redraw()
        stack = self.controller.stack
        update_edit_actions(self.menu_actions, stack.undo_label, stack.redo_label)
        has_layer = bool(project.layers)
        for action in (
            self.menu_actions.zoom_layer,
            self.menu_actions.remove_layer,
            self.menu_actions.layer_properties,
            self.menu_actions.attribute_table,
        ):
            action.setEnabled(has_layer)
        self._update_title()

    # -- layers -----------------------------------------------------------------------

    def add_vector_dialog(self) -> None:
        """Ask for vector files and add them as layers."""
        names, _ = QFileDialog.getOpenFileNames(
            self, tr("Add vector layer"), self._data_folder(), file_filters()
        )
        if names:
            self.add_files([Path(name) for name in names])

    def add_files(self, paths: list[Path]) -> None:
        """Add the layers of ``paths`` (read in the background)."""
        if paths:
            self.settings.store.setValue("layers/last_folder", str(paths[0].parent))
            self.loader.add_files(paths)

    def zoom_to_layer(self, name: str) -> None:
        """Show the whole layer ``name``."""
        if name in self.project.layer_names():
            self.canvas.zoom_to_layer(self.project.layer(name))

    def open_attribute_table(self, name: str) -> None:
        """Open the attribute table of layer ``name`` in the bottom dock."""
        from mgis.ui.attribute_table import open_attribute_table

        if name in self.project.layer_names():
            dock = open_attribute_table(self, self.controller, name)
            if not dock.property("mgis_linked"):
                dock.setProperty("mgis_linked", True)
                dock.table.zoomToSelection.connect(lambda _name: self.canvas.zoom_to_selection())

    def edit_layer_properties(self, name: str) -> None:
        """Show the properties dialog of layer ``name`` and apply its changes as commands."""
        from mgis.ui.layer_properties import LayerPropertiesDialog

        if name not in self.project.layer_names():
            return
        layer = self.project.layer(name)
        dialog = LayerPropertiesDialog(layer, self)
        if not dialog.exec():
            return
        new_name = dialog.new_name()
        if new_name and new_name != name:
            if new_name in self.project.layer_names():
                QMessageBox.warning(
                    self, tr("Layer properties"), f"{tr('Name already used')}: {new_name}"
                )
            else:
                self.controller.push(RenameLayer(name, new_name))
                name = new_name
        scales = dialog.scale_range()
        style = dialog.new_style()
        opacity = dialog.opacity()
        changed_scale = scales != (layer.min_scale, layer.max_scale)
        if style is not None or changed_scale or abs(opacity - layer.opacity) > 1e-9:
            self.controller.push(
                SetLayerProperties(
                    name,
                    style=style,
                    opacity=opacity,
                    scale_range=scales if changed_scale else None,
                )
            )

    def _on_active_layer(self, name: str) -> None:
        """Tell the map tools which layer is active."""
        self.canvas.active_layer_name = name or None

    def _data_folder(self) -> str:
        """Return the folder the last layer was added from."""
        return str(self.settings.store.value("layers/last_folder", "") or "")

    # -- scale and status -------------------------------------------------------------

    def set_scale_text(self, text: str) -> bool:
        """Zoom to a typed or chosen scale (``1:5000``, ``5000``); False when not a scale."""
        wanted = parse_scale(text)
        current = self.canvas.scale_denominator()
        if wanted is None or current is None:
            self._show_scale()
            return False
        if abs(current / wanted - 1) > 1e-9:
            self.canvas.zoom_by(current / wanted)
        return True

    def _show_scale(self) -> None:
        """Show the canvas scale in the scale box."""
        scale = self.canvas.scale_denominator()
        self.scale_box.blockSignals(True)
        self.scale_box.setEditText(format_scale(scale) if scale else "")
        self.scale_box.blockSignals(False)

    def _on_view_changed(self, view: MapView | None) -> None:
        """Follow the canvas: scale box and the view stored in the project."""
        self._show_scale()
        if view is not None:
            self.project.extent = view.extent

    def _on_cursor(self, x: float, y: float) -> None:
        """Show the map coordinates under the cursor."""
        digits = 6 if abs(x) <= 360 and abs(y) <= 360 else 2
        self.coords_label.setText(f"X {x:.{digits}f}  Y {y:.{digits}f}")

    def _on_rendered(self, seconds: float) -> None:
        """Show the last render time."""
        self.render_label.setText(f"{tr('Render')} {seconds * 1000:.0f} ms")

    # -- dialogs ----------------------------------------------------------------------

    def edit_settings(self) -> None:
        """Show the settings dialog and store its values."""
        dialog = SettingsDialog(self.settings.language, self.settings.autosave_minutes, self)
        if dialog.exec():
            self.settings.language = dialog.language()
            self.settings.autosave_minutes = dialog.autosave_minutes()
            self.settings.sync()
            self.files.set_autosave_minutes(dialog.autosave_minutes())

    def about(self) -> None:
        """Show the About box."""
        QMessageBox.about(
            self,
            tr("About mgis"),
            f"mgis {__version__}\n{tr('A lightweight desktop GIS for Polish towns.')}",
        )

    # -- Qt events --------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        """Accept files dragged from the file manager."""
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Add the dropped files as layers."""
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Ask about unsaved changes, then stop the background work."""
        if not self.files.maybe_save():
            event.ignore()
            return
        self.files.discard_recovery()
        self.loader.cancel()
        self.settings.sync()
        self.canvas.shutdown()
        super().closeEvent(event)
