from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from mgis.project import Project
from mgis.ui import i18n
from mgis.ui.layer_properties import LayerPropertiesDialog
from mgis.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, project_file: Path):  # type: ignore[no-untyped-def]
    i18n.set_language("en")
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(800, 600)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=10_000):
        assert win.open_project(project_file)
    yield win
    win.canvas.shutdown()


def shown(win: MainWindow) -> list[str]:
    return win.layer_panel.model.layer_names()


def test_panel_lists_top_layer_first_with_ticks(window: MainWindow) -> None:
    model = window.layer_panel.model
    assert shown(window) == ["Drogi", "Działki"]
    assert all(model.item(r).checkState() == Qt.CheckState.Checked for r in range(2))
    assert window.layer_panel.active_layer() == "Drogi"
    assert window.canvas.active_layer_name == "Drogi"
    assert not model.item(0).icon().isNull()  # legend swatch
    assert not window.menu_actions.undo.isEnabled()
    assert window.menu_actions.undo.text() == "&Undo"


def test_untick_is_undoable(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    model = window.layer_panel.model
    model.item(model.row_of("Działki")).setCheckState(Qt.CheckState.Unchecked)
    assert not window.project.layer("Działki").visible
    assert window.controller.stack.undo_label == "Change layer"
    assert window.menu_actions.undo.text() == '&Undo "Change layer"'
    assert window.windowTitle().endswith("*")
    window.menu_actions.undo.trigger()
    assert window.project.layer("Działki").visible
    assert model.item(model.row_of("Działki")).checkState() == Qt.CheckState.Checked
    assert window.menu_actions.redo.text() == '&Redo "Change layer"'
    assert not window.windowTitle().endswith("*")


def test_move_rows_pushes_move_layer(window: MainWindow) -> None:
    model = window.layer_panel.model
    assert model.moveRows(QModelIndex(), 1, 1, QModelIndex(), 0)
    assert shown(window) == ["Działki", "Drogi"]
    assert window.project.layer_names() == ["Drogi", "Działki"]  # bottom first
    assert window.controller.stack.undo_label == "Move layer"
    window.controller.undo()
    assert shown(window) == ["Drogi", "Działki"]


def test_drop_mime_data_moves_layer(window: MainWindow) -> None:
    model = window.layer_panel.model
    data = model.mimeData([model.index(0, 0)])  # drag "Drogi" ...
    model.dropMimeData(data, Qt.DropAction.MoveAction, 2, 0, QModelIndex())  # ... to the bottom
    assert shown(window) == ["Działki", "Drogi"]
    assert window.controller.stack.undo_label == "Move layer"
    data = model.mimeData([model.index(1, 0)])  # dropped onto the first item
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, model.index(0, 0))
    assert shown(window) == ["Drogi", "Działki"]


def test_inline_rename_and_taken_name(window: MainWindow) -> None:
    model = window.layer_panel.model
    model.item(model.row_of("Drogi")).setText("Ulice")
    assert window.project.layer_names() == ["Działki", "Ulice"]
    assert window.controller.stack.undo_label == "Rename layer"
    model.item(model.row_of("Ulice")).setText("Działki")  # taken: refused
    assert shown(window) == ["Ulice", "Działki"]
    window.controller.undo()
    assert shown(window) == ["Drogi", "Działki"]


def test_remove_and_undo(window: MainWindow) -> None:
    window.layer_panel.set_active_layer("Działki")
    assert window.canvas.active_layer_name == "Działki"
    window.menu_actions.remove_layer.trigger()
    assert window.project.layer_names() == ["Drogi"]
    assert shown(window) == ["Drogi"]
    assert window.canvas.active_layer_name == "Drogi"
    window.controller.undo()
    assert window.project.layer_names() == ["Działki", "Drogi"]


def test_context_menu_lists_layer_actions(window: MainWindow) -> None:
    menu = window.layer_panel.build_context_menu("Drogi")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == [
        "&Zoom to layer",
        "Open &attribute table",
        "Re&name",
        "&Remove layer",
        "Save layer to Post&GIS…",
        "&Properties…",
    ]


def test_zoom_to_layer(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.project.layer("Drogi")
    with qtbot.waitSignal(window.canvas.rendered, timeout=10_000):
        window.zoom_to_layer("Drogi")
    view = window.canvas.view
    assert view is not None
    assert view.extent[0] <= 0
    assert view.extent[2] >= 200


def test_properties_dialog_pushes_one_undoable_change(window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def fake_exec(dialog: LayerPropertiesDialog) -> int:
        assert dialog.opacity() == 1.0
        dialog.opacity_slider.setValue(40)
        dialog.scale_check.setChecked(True)
        dialog.min_scale_box.setValue(10_000)
        dialog.max_scale_box.setValue(500)
        dialog.name_edit.setText("Parcele")
        return 1

    monkeypatch.setattr(LayerPropertiesDialog, "exec", fake_exec)
    window.edit_layer_properties("Działki")
    layer = window.project.layer("Parcele")
    assert layer.opacity == pytest.approx(0.4)
    assert (layer.min_scale, layer.max_scale) == (10_000, 500)
    assert layer.visible_at_scale(5_000)
    assert not layer.visible_at_scale(20_000)
    assert not layer.visible_at_scale(200)
    window.controller.undo()
    assert layer.opacity == 1.0
    assert (layer.min_scale, layer.max_scale) == (None, None)
    window.controller.undo()
    assert window.project.layer_names() == ["Działki", "Drogi"]


def test_scale_range_is_saved_in_the_project(tmp_path: Path, window: MainWindow) -> None:
    layer = window.project.layer("Drogi")
    layer.min_scale, layer.max_scale = 25_000.0, None
    saved = window.project.save(tmp_path / "scales.gpkg")
    again = Project.open(saved).layer("Drogi")
    assert (again.min_scale, again.max_scale) == (25_000.0, None)


def test_edit_menu_label_is_translated(window: MainWindow) -> None:
    model = window.layer_panel.model
    model.item(0).setCheckState(Qt.CheckState.Unchecked)
    try:
        i18n.set_language("pl")
        window._on_project_modified()
        assert window.menu_actions.undo.text() == '&Cofnij "Zmiana warstwy"'
    finally:
        i18n.set_language("en")


def test_empty_space_offers_adding_a_file_or_a_database_layer(window: MainWindow) -> None:
    from PySide6.QtWidgets import QToolBar

    panel = window.layer_panel
    below = panel.view.viewport().rect().bottomLeft()
    assert not panel.view.indexAt(below).isValid()  # no layer there
    menu = panel.build_add_menu()
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Add &vector layer…", "Add &PostGIS layer…"]
    bar = window.findChild(QToolBar, "layer_toolbar")
    assert window.postgis.add_action in bar.actions()  # type: ignore[attr-defined]
