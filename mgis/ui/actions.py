"""Menus and toolbars of the main window, laid out as QGIS users know them.

Only menus with working actions are built: Project, Edit, View, Layer, Help.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle, QToolBar

from mgis.ui.db_actions import install_postgis_actions
from mgis.ui.i18n import tr
from mgis.ui.icons import icon as mgis_icon

if TYPE_CHECKING:
    from mgis.ui.main_window import MainWindow


@dataclass
class Actions:
    """The window's actions, for shortcuts, tests and later menus."""

    new: QAction
    open: QAction
    save: QAction
    save_as: QAction
    settings: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    zoom_full: QAction
    zoom_layer: QAction
    add_vector: QAction
    remove_layer: QAction
    layer_properties: QAction
    attribute_table: QAction
    about: QAction
    recent_menu: QMenu


def _action(window: MainWindow, text: str, shortcut: QKeySequence | str | None = None) -> QAction:
    """Return an action of ``window`` with an optional shortcut."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    return action


def build_actions(window: MainWindow) -> Actions:
    """Create the menus and toolbars of ``window`` and connect them to its slots.

    Parameters
    ----------
    window : MainWindow
        The window; its ``files``, ``loader``, ``controller``, ``canvas`` and
        ``layer_panel`` must exist.

    Returns
    -------
    Actions
        The created actions.
    """
    std = QKeySequence.StandardKey
    a = Actions(
        new=_action(window, tr("&New"), QKeySequence(std.New)),
        open=_action(window, tr("&Open…"), QKeySequence(std.Open)),
        save=_action(window, tr("&Save"), QKeySequence(std.Save)),
        save_as=_action(window, tr("Save &as…"), "Ctrl+Shift+S"),
        settings=_action(window, tr("Se&ttings…")),
        quit=_action(window, tr("&Quit"), QKeySequence(std.Quit)),
        undo=_action(window, tr("&Undo"), "Ctrl+Z"),
        redo=_action(window, tr("&Redo"), "Ctrl+Shift+Z"),
        zoom_full=_action(window, tr("Zoom &full"), "Ctrl+Shift+F"),
        zoom_layer=_action(window, tr("&Zoom to layer")),
        add_vector=_action(window, tr("Add &vector layer…"), "Ctrl+Shift+V"),
        remove_layer=_action(window, tr("&Remove layer")),
        layer_properties=_action(window, tr("&Properties…")),
        attribute_table=_action(window, tr("Open &attribute table"), "F6"),
        about=_action(window, tr("&About mgis")),
        recent_menu=QMenu(tr("Open &recent"), window),
    )
    _connect(window, a)
    _build_menus(window, a)
    return a


def _connect(window: MainWindow, a: Actions) -> None:
    """Give the actions icons and connect them to the window's slots."""
    files, controller, panel = window.files, window.controller, window.layer_panel
    icon = window.style().standardIcon
    pix = QStyle.StandardPixmap
    a.new.setIcon(icon(pix.SP_FileIcon))
    a.open.setIcon(icon(pix.SP_DialogOpenButton))
    a.save.setIcon(icon(pix.SP_DialogSaveButton))
    a.add_vector.setIcon(mgis_icon("add_layer"))
    a.undo.setIcon(mgis_icon("undo"))
    a.redo.setIcon(mgis_icon("redo"))
    a.new.triggered.connect(files.new_project)
    a.open.triggered.connect(files.open_dialog)
    a.save.triggered.connect(lambda: files.save(background=True))
    a.save_as.triggered.connect(lambda: files.save_as(background=True))
    a.settings.triggered.connect(window.edit_settings)
    a.quit.triggered.connect(window.close)
    a.undo.triggered.connect(controller.undo)
    a.redo.triggered.connect(controller.redo)
    a.zoom_full.triggered.connect(window.canvas.zoom_full)
    a.zoom_layer.triggered.connect(lambda: window.zoom_to_layer(panel.active_layer()))
    a.add_vector.triggered.connect(window.add_vector_dialog)
    a.remove_layer.triggered.connect(lambda: panel.remove_layer(panel.active_layer()))
    a.layer_properties.triggered.connect(lambda: window.edit_layer_properties(panel.active_layer()))
    a.attribute_table.triggered.connect(lambda: window.open_attribute_table(panel.active_layer()))
    a.about.triggered.connect(window.about)


def _build_menus(window: MainWindow, a: Actions) -> None:
    """Put the actions into the menu bar and the toolbars."""
    panel = window.layer_panel
    bar = window.menuBar()
    project = bar.addMenu(tr("&Project"))
    project.addActions([a.new, a.open])
    project.addMenu(a.recent_menu)
    project.addSeparator()
    project.addActions([a.save, a.save_as])
    project.addSeparator()
    project.addAction(a.settings)
    project.addSeparator()
    project.addAction(a.quit)
    edit = bar.addMenu(tr("&Edit"))
    edit.addActions([a.undo, a.redo])
    view = bar.addMenu(tr("&View"))
    view.addActions([a.zoom_full, a.zoom_layer])
    view.addSeparator()
    panels = view.addMenu(tr("&Panels"))
    panels.addAction(panel.toggleViewAction())
    layer = bar.addMenu(tr("&Layer"))
    layer.addAction(a.add_vector)
    install_postgis_actions(window, layer)
    layer.addSeparator()
    layer.addActions([a.attribute_table, a.remove_layer, a.layer_properties])
    help_menu = bar.addMenu(tr("&Help"))
    help_menu.addAction(a.about)

    project_bar = QToolBar(tr("Project toolbar"), window)
    project_bar.setObjectName("project_toolbar")
    project_bar.addActions([a.new, a.open, a.save, a.undo, a.redo])
    window.addToolBar(project_bar)
    layer_bar = QToolBar(tr("Layer toolbar"), window)
    layer_bar.setObjectName("layer_toolbar")
    layer_bar.addAction(a.add_vector)
    postgis = window.postgis  # type: ignore[attr-defined]
    postgis.add_action.setIcon(mgis_icon("add_postgis"))
    layer_bar.addAction(postgis.add_action)
    panel.add_actions = [a.add_vector, postgis.add_action]
    window.addToolBar(layer_bar)
    panels.addActions([project_bar.toggleViewAction(), layer_bar.toggleViewAction()])


def update_edit_actions(actions: Actions, undo_label: str | None, redo_label: str | None) -> None:
    """Show what Undo and Redo would do, e.g. ``Undo "Rename layer"``.

    Parameters
    ----------
    actions : Actions
        The window's actions.
    undo_label, redo_label : str or None
        English labels of the next commands (translated here), None when there is none.
    """
    actions.undo.setEnabled(undo_label is not None)
    actions.redo.setEnabled(redo_label is not None)
    actions.undo.setText(f'{tr("&Undo")} "{tr(undo_label)}"' if undo_label else tr("&Undo"))
    actions.redo.setText(f'{tr("&Redo")} "{tr(redo_label)}"' if redo_label else tr("&Redo"))


def fill_recent_menu(window: MainWindow, menu: QMenu, paths: list[Path]) -> None:
    """List ``paths`` in the recent-projects ``menu``; choosing one opens it in ``window``.

    Parameters
    ----------
    window : MainWindow
        Opens the chosen project.
    menu : QMenu
        The "Open recent" menu.
    paths : list of pathlib.Path
        Recent projects, most recent first.
    """
    menu.clear()
    for number, path in enumerate(paths, start=1):
        action = menu.addAction(f"&{number} {path.name}")
        action.setToolTip(str(path))
        action.triggered.connect(lambda _=False, p=path: window.open_recent(p))
    menu.setEnabled(bool(paths))
