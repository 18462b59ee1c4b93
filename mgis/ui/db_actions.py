"""PostGIS in the main window: add, save, reload from the database, and view-following.

Reads and writes run in :class:`~mgis.ui.workers.Worker` threads; the password
is settled on the UI thread first (asked for, or taken from the session or the
credential store) so no dialog is ever needed off the UI thread. A layer added
with "Read only the current map view" (``VectorLayer.view_only``, saved in the
project) is read again for each new view through a bounding-box query (the
spatial index), so a large table is drawn without loading all of it; the
followed layers are taken from the project whenever it is replaced or changed
(open, undo, redo). The module-level dialog functions are the seams tests replace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from mgis.commands import AddLayer
from mgis.io import MgisIOError
from mgis.io.pg_connect import (
    PgConnection,
    connect,
    get_connection,
    remember_password,
    set_password_prompt,
)
from mgis.io.pg_write import write_table
from mgis.io.postgis import PgSource, TableInfo, is_postgis_source, list_tables, read_source
from mgis.layers.pg_view import read_postgis_layer
from mgis.ui.db_dialogs import (
    BrowserChoice,
    ConnectionStore,
    DatabaseBrowserDialog,
    SaveChoice,
    SaveToPostgisDialog,
)
from mgis.ui.i18n import tr
from mgis.ui.workers import Worker

if TYPE_CHECKING:
    from mgis.layers import VectorLayer
    from mgis.ui.main_window import MainWindow

Extent = tuple[float, float, float, float]


# -- dialogs (replaced in tests) ---------------------------------------------------------


def choose_table(parent: QWidget, store: ConnectionStore) -> BrowserChoice | None:
    """Show the database browser; return the chosen table or query."""
    dialog = DatabaseBrowserDialog(store, parent)
    return dialog.choice() if dialog.exec() else None


def choose_save_target(parent: QWidget, store: ConnectionStore, layer: str) -> SaveChoice | None:
    """Ask where to save layer ``layer``."""
    dialog = SaveToPostgisDialog(store, layer, parent)
    return dialog.choice() if dialog.exec() else None


def ask_password(
    parent: QWidget | None, connection: PgConnection, reason: str
) -> tuple[str, bool] | None:
    """Ask for the password of ``connection``: ``(password, remember)``, None when cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(tr("Password"))
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    remember = QCheckBox(tr("Remember the password in the system's credential store"))
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    label = QLabel(f"{reason}\n\n{tr('Password of')} {connection.user or connection.name}:")
    label.setWordWrap(True)
    for widget in (label, edit, remember, box):
        layout.addWidget(widget)
    return (edit.text(), remember.isChecked()) if dialog.exec() else None


def confirm(parent: QWidget, text: str) -> bool:
    """Ask a yes/no question."""
    answer = QMessageBox.question(parent, tr("Save layer to PostGIS"), text)
    return answer == QMessageBox.StandardButton.Yes


def show_error(parent: QWidget, text: str) -> None:
    """Tell the user what went wrong, in plain words."""
    QMessageBox.warning(parent, tr("PostGIS"), text)


# -- passwords ---------------------------------------------------------------------------


def _on_ui_thread() -> bool:
    """Return True on the application's (UI) thread."""
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


def _prompt(connection: PgConnection, reason: str) -> str | None:
    """Password prompt for :mod:`mgis.io.pg_connect`: only on the UI thread."""
    if not _on_ui_thread():
        return None
    answer = ask_password(None, connection, reason)
    if answer is None:
        return None
    with _reported(None):
        remember_password(connection, answer[0], store=answer[1])
    return answer[0]


class _reported:  # noqa: N801 - used like a function
    """Context manager that shows an MgisIOError instead of raising it."""

    def __init__(self, parent: QWidget | None) -> None:
        self.parent = parent

    def __enter__(self) -> None:
        """Enter."""

    def __exit__(self, kind: object, exc: object, tb: object) -> bool:
        """Show an MgisIOError and swallow it."""
        if isinstance(exc, MgisIOError):
            if self.parent is not None:
                show_error(self.parent, str(exc))
            return True
        return False


def ensure_connection(parent: QWidget, connection: PgConnection) -> bool:
    """Connect once on the UI thread, asking for the password when needed; False on failure."""
    try:
        connect(connection).close()
    except MgisIOError as exc:
        show_error(parent, str(exc))
        return False
    return True


def list_tables_with_password(parent: QWidget, connection: PgConnection) -> list[TableInfo] | None:
    """List the spatial tables of ``connection`` (asking for a password); None on failure."""
    if not ensure_connection(parent, connection):
        return None
    try:
        return list_tables(connection)
    except MgisIOError as exc:
        show_error(parent, str(exc))
        return None


# -- the actions -------------------------------------------------------------------------


class PostgisActions(QObject):
    """The PostGIS actions of a main window and the layers that follow the view.

    Parameters
    ----------
    window : MainWindow
        The window (its settings store keeps the connections).
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.store = ConnectionStore(window.settings.store)
        self.store.load()
        set_password_prompt(_prompt)
        self.add_action = QAction(tr("Add &PostGIS layer…"), window)
        self.save_action = QAction(tr("Save layer to Post&GIS…"), window)
        self.add_action.triggered.connect(self.add_layer)
        self.save_action.triggered.connect(
            lambda: self.save_layer(window.layer_panel.active_layer())
        )
        self.following: dict[int, VectorLayer] = {}  # by id(layer); the layer keeps its id
        self._reads: dict[int, int] = {}  # id(layer) -> number of its latest read
        self._count = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh_views)
        window.canvas.viewChanged.connect(lambda _view: self._timer.start())
        window.controller.projectReplaced.connect(self.follow_project)
        window.controller.projectModified.connect(self.follow_project)
        self.workers: list[Worker] = []

    def _start(self, worker: Worker, text: str) -> Worker:
        """Start a worker, shown in the progress panel."""
        self.workers.append(worker)
        worker.finished.connect(lambda: self.workers.remove(worker))
        self.window.progress.track(worker, text)
        return worker.start()

    def view_extent(self) -> Extent | None:
        """Return the map view's extent in the project CRS, None without a view."""
        view = self.window.canvas.view
        if view is None:
            return None
        x0, y0, x1, y1 = (float(v) for v in view.extent)
        return (x0, y0, x1, y1)

    def add_layer(self) -> None:
        """Browse a database and add the chosen table or query as a layer."""
        choice = choose_table(self.window, self.store)
        if choice is None:
            return
        source = PgSource(choice.connection, choice.schema, choice.table, choice.sql).to_source()
        extent = self.view_extent() if choice.view_only else None
        if extent is None:
            worker = Worker(read_source, source, parent=self)
        else:
            crs = self.window.project.crs
            worker = Worker(read_postgis_layer, source, crs, extent, parent=self)
        worker.succeeded.connect(lambda result: self._on_read(choice, source, result))
        worker.failed.connect(lambda text: show_error(self.window, text))
        self._start(worker, f"{tr('Loading')} {choice.name}…")

    def _on_read(self, choice: BrowserChoice, source: str, result: Any) -> None:
        """Add the read layer (referenced by its source, not embedded)."""
        frame, report = result
        if frame.crs is None:
            show_error(self.window, f"{choice.name}: {tr('the table declares no SRID.')}")
            return
        layer = self.window.project.make_layer(choice.name, frame, source=source)
        layer.embedded = False
        layer.view_only = choice.view_only
        if layer.view_only:  # already read for this view: following must not read it again
            self.following[id(layer)] = layer
        self.window.controller.push(AddLayer(layer))
        self._tell(layer.name, report.feature_count)

    def _tell(self, name: str, rows: int) -> None:
        """Say in the status bar how many rows were fetched."""
        self.window.statusBar().showMessage(f"{name}: {tr('rows fetched')} {rows}", 8000)

    # -- following the view and reloading ----------------------------------------------------

    def follow_project(self) -> None:
        """Follow exactly the view-only database layers of the project (after open, undo …)."""
        wanted = {
            id(layer): layer
            for layer in self.window.project.layers
            if layer.view_only and not layer.embedded and is_postgis_source(layer.source)
        }
        new = wanted.keys() - self.following.keys()
        self.following = wanted
        if new:  # re-added by undo or redo, or a new project: read them for this view
            self._timer.start()

    def refresh_views(self) -> None:
        """Read the view-following layers again for the current view."""
        extent = self.view_extent()
        if extent is None:
            return
        status = self.window.statusBar()
        for layer in list(self.following.values()):
            self._read(layer, extent, lambda text: status.showMessage(text, 8000))

    def reload_layer(self, name: str) -> None:
        """Read the database layer ``name`` again (only the map view when it is view-only)."""
        project = self.window.project
        if name not in project.layer_names():
            return
        layer = project.layer(name)
        if layer.embedded or not is_postgis_source(layer.source):
            show_error(self.window, f"{name}: {tr('the layer is not read from a database.')}")
            return
        connection = get_connection(PgSource.parse(str(layer.source)).connection)
        if not ensure_connection(self.window, connection):  # asks for the password if needed
            return
        extent = self.view_extent() if layer.view_only else None
        self._read(layer, extent, lambda text: show_error(self.window, text))

    def _read(
        self, layer: VectorLayer, extent: Extent | None, failed: Callable[[str], None]
    ) -> None:
        """Read ``layer`` from its source in a worker; only its latest read is shown."""
        self._count += 1
        number = self._reads[id(layer)] = self._count
        crs = self.window.project.crs
        worker = Worker(read_postgis_layer, str(layer.source), crs, extent, parent=self)
        worker.succeeded.connect(lambda result: self._on_layer_read(layer, result, number))
        worker.failed.connect(failed)
        self._start(worker, f"{tr('Loading')} {layer.name}…")

    def _on_layer_read(self, layer: VectorLayer, result: Any, number: int) -> None:
        """Show the features read for ``layer`` unless a later read was started or it is gone."""
        if self._reads.get(id(layer)) != number:
            return
        del self._reads[id(layer)]
        if not any(lyr is layer for lyr in self.window.project.layers):
            return
        frame, report = result
        family = layer.family
        layer.frame = frame
        layer.selected = np.empty(0, dtype=np.int64)
        self.window.canvas.restyled()
        if layer.family != family:  # e.g. empty before: the legend swatch changes
            self.window.layer_panel.refresh()
        self._tell(layer.name, report.feature_count)

    def extend_layer_menu(self, menu: QMenu, name: str) -> None:
        """Add the PostGIS actions to the layer panel's context menu of layer ``name``."""
        if name not in self.window.project.layer_names():
            return
        layer = self.window.project.layer(name)
        menu.addSeparator()
        menu.addAction(tr("Save layer to Post&GIS…"), lambda: self.save_layer(name))
        if not layer.embedded and is_postgis_source(layer.source):
            menu.addAction(tr("Re&load from database"), lambda: self.reload_layer(name))

    def save_layer(self, name: str) -> None:
        """Save layer ``name`` as a PostGIS table (asking before replacing or appending)."""
        if name not in self.window.project.layer_names():
            show_error(self.window, tr("Choose a layer in the layer panel first."))
            return
        choice = choose_save_target(self.window, self.store, name)
        if choice is None:
            return
        target = f"{choice.schema}.{choice.table}"
        if choice.mode == "replace" and not confirm(
            self.window, f"{tr('Replace the table')} {target}? {tr('Its rows will be deleted.')}"
        ):
            return
        if choice.mode == "append" and not confirm(
            self.window, f"{tr('Append the features to')} {target}?"
        ):
            return
        conn = next((c for c in self.store.load() if c.name == choice.connection), None)
        if conn is None or not ensure_connection(self.window, conn):
            return
        frame = self.window.project.layer(name).frame
        worker = Worker(
            write_table, conn, frame, choice.schema, choice.table, mode=choice.mode,
            comment=choice.comment, parent=self,
        )  # fmt: skip
        worker.succeeded.connect(
            lambda result: self.window.statusBar().showMessage(
                f"{tr('Saved')} {result.rows} {tr('features to')} {target}", 8000
            )
        )
        worker.failed.connect(lambda text: show_error(self.window, text))
        self._start(worker, f"{tr('Saving')} {name}…")


def install_postgis_actions(window: MainWindow, menu: QMenu) -> PostgisActions:
    """Create the PostGIS actions of ``window`` and put them into the Layer ``menu``."""
    actions = PostgisActions(window)
    menu.addAction(actions.add_action)
    menu.addAction(actions.save_action)
    window.layer_panel.menu_extensions.append(actions.extend_layer_menu)
    window.postgis = actions  # type: ignore[attr-defined]
    return actions
