"""MainWindow: layer panel, map canvas, menus and status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from mgis import __version__
from mgis.project import Project
from mgis.render import MapView
from mgis.ui.canvas import MapCanvas
from mgis.ui.i18n import tr

_LAYER_ROLE = Qt.ItemDataRole.UserRole


class MainWindow(QMainWindow):
    """The mgis main window.

    Parameters
    ----------
    project : Project, optional
        Project shown at start.
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, project: Project | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.resize(1200, 800)
        self.canvas = MapCanvas(self)
        self.setCentralWidget(self.canvas)
        self.layer_list = QListWidget()
        self.layer_list.itemChanged.connect(self._on_layer_item_changed)
        self.layer_dock = QDockWidget(tr("Layers"), self)
        self.layer_dock.setObjectName("layers")
        self.layer_dock.setWidget(self.layer_list)
        self.layer_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.layer_dock)
        self.resizeDocks([self.layer_dock], [240], Qt.Orientation.Horizontal)
        self._build_menus()
        self._build_status_bar()
        self.canvas.viewChanged.connect(self._on_view_changed)
        self.canvas.cursorMoved.connect(self._on_cursor)
        self.canvas.rendered.connect(self._on_rendered)
        self.set_project(project)

    # -- building ---------------------------------------------------------------------

    def _build_menus(self) -> None:
        """Project, View and Help menus."""
        bar = self.menuBar()
        project_menu = bar.addMenu(tr("&Project"))
        self.open_action = QAction(tr("&Open…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._ask_open)
        project_menu.addAction(self.open_action)
        project_menu.addSeparator()
        self.quit_action = QAction(tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        project_menu.addAction(self.quit_action)
        view_menu = bar.addMenu(tr("&View"))
        self.zoom_full_action = QAction(tr("Zoom &full"), self)
        self.zoom_full_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.zoom_full_action.triggered.connect(self.canvas.zoom_full)
        view_menu.addAction(self.zoom_full_action)
        help_menu = bar.addMenu(tr("&Help"))
        self.about_action = QAction(tr("&About mgis"), self)
        self.about_action.triggered.connect(self._about)
        help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        """Coordinates, scale, CRS and render time."""
        status = self.statusBar()
        self.coords_label = QLabel()
        self.scale_label = QLabel()
        self.crs_label = QLabel()
        self.render_label = QLabel()
        for label in (self.coords_label, self.scale_label, self.crs_label, self.render_label):
            label.setMinimumWidth(120)
            status.addPermanentWidget(label)

    # -- project ----------------------------------------------------------------------

    def set_project(self, project: Project | None) -> None:
        """Show ``project`` (None shows an empty map)."""
        self.project = project
        self.layer_list.blockSignals(True)
        self.layer_list.clear()
        layers = project.layers if project else []
        for index in reversed(range(len(layers))):  # top layer first, as on the map
            layer = layers[index]
            item = QListWidgetItem(layer.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            item.setData(_LAYER_ROLE, index)
            item.setToolTip(f"{layer.family} · {layer.feature_count}")
            self.layer_list.addItem(item)
        self.layer_list.blockSignals(False)
        self.canvas.set_layers(layers, project.extent if project else None)
        self.crs_label.setText(project.crs if project else "")
        self._update_title()

    def open_project(self, path: Path) -> bool:
        """Open the project file ``path``; on failure tell the user why and return False."""
        try:
            project = Project.open(path)
        except Exception as exc:  # the user gets a message, never a traceback
            QMessageBox.critical(
                self, tr("Cannot open the project"), f"{tr('Cannot open')} {path}:\n{exc}"
            )
            return False
        self.set_project(project)
        return True

    def project_name(self) -> str:
        """Title of the project: its metadata title, else its file name."""
        if self.project is None:
            return ""
        title = self.project.metadata.get("title")
        if title:
            return title
        return self.project.path.stem if self.project.path else tr("Untitled")

    def _update_title(self) -> None:
        """Window title ``mgis — <project name>``."""
        name = self.project_name()
        self.setWindowTitle(f"mgis — {name}" if name else "mgis")

    # -- slots ------------------------------------------------------------------------

    def _ask_open(self) -> None:
        """Ask for a project file and open it."""
        name, _ = QFileDialog.getOpenFileName(
            self, tr("Open project"), "", tr("mgis projects (*.gpkg)")
        )
        if name:
            self.open_project(Path(name))

    def _about(self) -> None:
        """Show the About box."""
        QMessageBox.about(
            self,
            tr("About mgis"),
            f"mgis {__version__}\n{tr('A lightweight desktop GIS for Polish towns.')}",
        )

    def _on_layer_item_changed(self, item: QListWidgetItem) -> None:
        """Show or hide the layer whose box was ticked or unticked."""
        if self.project is None:
            return
        layer = self.project.layers[int(item.data(_LAYER_ROLE))]
        layer.visible = item.checkState() == Qt.CheckState.Checked
        self.canvas.redraw()

    def _on_view_changed(self, view: MapView | None) -> None:
        """Show the scale."""
        scale = self.canvas.scale_denominator()
        text = f"{tr('Scale')} 1:{round(scale):,}".replace(",", " ") if scale else ""
        self.scale_label.setText(text)

    def _on_cursor(self, x: float, y: float) -> None:
        """Show the map coordinates under the cursor."""
        self.coords_label.setText(f"X {x:.2f}  Y {y:.2f}")

    def _on_rendered(self, seconds: float) -> None:
        """Show the last render time."""
        self.render_label.setText(f"{tr('Render')} {seconds * 1000:.0f} ms")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Stop the render worker before closing."""
        self.canvas.shutdown()
        super().closeEvent(event)
