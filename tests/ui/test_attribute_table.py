from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

from mgis.layers import VectorLayer
from mgis.layers.selection import SelectMode
from mgis.project import Project
from mgis.ui.attribute_model import AttributeTableModel
from mgis.ui.attribute_table import AttributeTableDock, AttributeTableWidget, open_attribute_table
from mgis.ui.controller import ProjectController

NAME = "Działki"


def parcels() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "nr": ["10", "2", "33", "4", "5"],
            "wlasnosc": ["Gmina", "Skarb Państwa", "osoba fizyczna", "Gmina", None],
            "pow_m2": [1500.25, 800.0, np.nan, 2500.5, 120.0],
            "ulica": ["Źródlana", "Akacjowa", "Łąkowa", "Zielona", "Lipowa"],
        },
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(5)],
        crs=2180,
    )


@pytest.fixture
def controller() -> ProjectController:
    return ProjectController(Project(layers=[VectorLayer(NAME, parcels())]))


@pytest.fixture
def table(qtbot, controller: ProjectController) -> AttributeTableWidget:
    widget = AttributeTableWidget(controller, NAME)
    qtbot.addWidget(widget)
    widget.resize(800, 400)
    widget.show()
    return widget


def column(model: AttributeTableModel, name: str) -> list[str]:
    c = model.columns.index(name)
    return [model.data(model.index(r, c)) for r in range(model.rowCount())]


def test_model_rows_columns_and_cells(table: AttributeTableWidget) -> None:
    model = table.model
    assert model.rowCount() == 5
    assert model.columns == ["nr", "wlasnosc", "pow_m2", "ulica"]
    assert model.headerData(1, Qt.Orientation.Horizontal) == "wlasnosc"
    assert model.headerData(0, Qt.Orientation.Vertical) == "1"
    assert column(model, "wlasnosc") == ["Gmina", "Skarb Państwa", "osoba fizyczna", "Gmina", ""]
    assert column(model, "pow_m2") == ["1500.25", "800.00", "", "2500.50", "120.00"]
    align = model.data(model.index(0, 2), Qt.ItemDataRole.TextAlignmentRole)
    assert align & int(Qt.AlignmentFlag.AlignRight)
    assert "5 of 5 features (0 selected)" in table.count_label.text()


def test_sort_numbers_text_and_back(table: AttributeTableWidget) -> None:
    model = table.model
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert model.order.tolist() == [4, 1, 0, 3, 2]  # missing last
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert model.order.tolist() == [3, 0, 1, 4, 2]  # missing still last
    model.sort(3, Qt.SortOrder.AscendingOrder)  # Polish order: Ł after L, Ź after Z
    assert column(model, "ulica") == ["Akacjowa", "Lipowa", "Łąkowa", "Zielona", "Źródlana"]
    model.sort(1, Qt.SortOrder.AscendingOrder)  # case-insensitive, stable for equal values
    assert model.order.tolist() == [0, 3, 2, 1, 4]
    model.sort(-1)
    assert model.order.tolist() == [0, 1, 2, 3, 4]
    assert model.headerData(0, Qt.Orientation.Vertical) == "1"


def test_text_filter(table: AttributeTableWidget) -> None:
    table.filter_edit.setText("GMINA")
    table.apply_text_filter()
    assert table.model.order.tolist() == [0, 3]
    assert "2 of 5 features" in table.count_label.text()
    table.filter_edit.setText("łąk")
    table.apply_text_filter()
    assert table.model.order.tolist() == [2]
    table.filter_edit.setText("")
    table.apply_text_filter()
    assert table.model.rowCount() == 5


def test_text_filter_applies_after_typing_pause(qtbot, table: AttributeTableWidget) -> None:
    qtbot.keyClicks(table.filter_edit, "skarb")  # QTest types ASCII only
    qtbot.waitUntil(lambda: table.model.rowCount() == 1, timeout=2000)
    assert table.model.order.tolist() == [1]


def test_expression_filter_and_error_message(table: AttributeTableWidget) -> None:
    table.expression_edit.setText('wlasnosc == "Gmina" and pow_m2 > 2000')
    table.apply_button.click()
    assert table.model.order.tolist() == [3]
    assert table.message_label.isHidden()
    table.expression_edit.setText("powierzchnia > 5")
    table.apply_button.click()
    assert not table.message_label.isHidden()
    assert "unknown column 'powierzchnia'" in table.message_label.text()
    assert "Invalid expression" in table.message_label.text()
    assert table.model.order.tolist() == [3]  # the previous filter stays
    table.expression_edit.setText("wlasnosc = 'Gmina'")
    table.expression_edit.returnPressed.emit()
    assert table.message_label.isHidden()
    table.filter_edit.setText("zielona")
    table.apply_text_filter()
    assert table.model.order.tolist() == [3]  # text and expression filters combine
    table.expression_edit.setText("")
    table.apply_expression()
    assert table.model.order.tolist() == [3]


def test_selected_only(table: AttributeTableWidget, controller: ProjectController) -> None:
    controller.select(NAME, [1, 4], SelectMode.NEW)
    table.selected_only_check.setChecked(True)
    assert table.model.order.tolist() == [1, 4]
    controller.select(NAME, [2], SelectMode.ADD)
    assert table.model.order.tolist() == [1, 2, 4]
    assert "3 of 5 features (3 selected)" in table.count_label.text()
    table.selected_only_check.setChecked(False)
    assert table.model.rowCount() == 5


def selected_rows(table: AttributeTableWidget) -> list[int]:
    return sorted(i.row() for i in table.view.selectionModel().selectedRows())


def test_selection_from_view_goes_to_controller(
    table: AttributeTableWidget, controller: ProjectController
) -> None:
    table.model.sort(3, Qt.SortOrder.AscendingOrder)  # rows: 1, 4, 2, 3, 0
    seen: list[str] = []
    controller.selectionChanged.connect(seen.append)
    table.view.selectRow(0)
    assert controller.project.layer(NAME).selected.tolist() == [1]
    model = table.model
    selection = QItemSelection(model.index(2, 0), model.index(4, 3))
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    table.view.selectionModel().select(selection, flags)
    assert controller.project.layer(NAME).selected.tolist() == [0, 2, 3]
    assert seen == [NAME, NAME]
    assert selected_rows(table) == [2, 3, 4]  # no feedback loop changed the view
    assert "(3 selected)" in table.count_label.text()


def test_selection_from_controller_goes_to_view(
    table: AttributeTableWidget, controller: ProjectController
) -> None:
    controller.select(NAME, [0, 1, 3], SelectMode.NEW)
    assert selected_rows(table) == [0, 1, 3]
    assert table.view.selectionModel().selection().count() == 2  # ranges, not one per row
    table.model.sort(2, Qt.SortOrder.DescendingOrder)  # rows: 3, 0, 1, 4, 2
    assert selected_rows(table) == [0, 1, 2]  # the selection follows the sort
    controller.clear_selection()
    assert selected_rows(table) == []
    assert controller.project.layer(NAME).selected.size == 0
    assert not table.copy_button.isEnabled()


def test_selection_of_another_layer_is_ignored(qtbot) -> None:
    other = VectorLayer("Drogi", parcels())
    controller = ProjectController(Project(layers=[VectorLayer(NAME, parcels()), other]))
    widget = AttributeTableWidget(controller, NAME)
    qtbot.addWidget(widget)
    controller.select("Drogi", [1], SelectMode.NEW)
    assert selected_rows(widget) == []


def test_copy_selected_rows_as_tsv(
    table: AttributeTableWidget, controller: ProjectController
) -> None:
    table.model.sort(3, Qt.SortOrder.AscendingOrder)
    controller.select(NAME, [0, 2], SelectMode.NEW)
    table.copy_button.click()
    assert QGuiApplication.clipboard().text() == (
        "nr\twlasnosc\tpow_m2\tulica\n33\tosoba fizyczna\t\tŁąkowa\n10\tGmina\t1500.25\tŹródlana\n"
    )


def test_ctrl_c_in_the_view_copies_rows(
    qtbot,
    table: AttributeTableWidget,
    controller: ProjectController,
) -> None:
    controller.select(NAME, [3], SelectMode.NEW)
    QGuiApplication.clipboard().clear()
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text().splitlines() == [
        "nr\twlasnosc\tpow_m2\tulica",
        "4\tGmina\t2500.50\tZielona",
    ]


def test_export_selected(
    tmp_path: Path, table: AttributeTableWidget, controller: ProjectController
) -> None:
    controller.select(NAME, [1, 3], SelectMode.NEW)
    path = table.export_selected(tmp_path / "wybrane.csv", polish_excel=True)
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"nr": str})
    assert back["nr"].tolist() == ["2", "4"]
    assert back["pow_m2"].tolist() == [800.0, 2500.5]
    assert "geometry" not in back.columns


def test_zoom_to_selection_signal(
    qtbot, table: AttributeTableWidget, controller: ProjectController
) -> None:
    assert not table.zoom_button.isEnabled()
    controller.select(NAME, [2], SelectMode.NEW)
    with qtbot.waitSignal(table.zoomToSelection) as blocker:
        table.zoom_button.click()
    assert blocker.args == [NAME]


def test_open_attribute_table_docks_at_bottom(qtbot, controller: ProjectController) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    dock = open_attribute_table(window, controller, NAME)
    assert isinstance(dock, AttributeTableDock)
    assert dock.windowTitle() == f"Attribute table — {NAME}"
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert dock.table.model.rowCount() == 5
    assert open_attribute_table(window, controller, NAME) is dock  # raised, not duplicated


def test_table_follows_replaced_frame_and_closes_with_layer(
    qtbot,
    controller: ProjectController,
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    dock = open_attribute_table(window, controller, NAME)
    layer = controller.project.layer(NAME)
    layer.frame = parcels().iloc[:2]
    controller.projectModified.emit()
    assert dock.table.model.rowCount() == 2
    controller.project.layers.clear()
    controller.projectModified.emit()
    assert dock.closed


def test_sort_text_with_few_distinct_values(qtbot) -> None:
    values = ["Zielona", None, "Łąkowa", "lipowa", "Łąkowa"] * 40
    frame = gpd.GeoDataFrame({"ulica": values}, geometry=[shapely.Point(0, 0)] * 200)
    model = AttributeTableModel(VectorLayer("u", frame))
    model.sort(0, Qt.SortOrder.AscendingOrder)
    shown = column(model, "ulica")
    assert shown[:40] == ["lipowa"] * 40
    assert shown[40:120] == ["Łąkowa"] * 80
    assert shown[160:] == [""] * 40  # missing last
    assert model.order[:3].tolist() == [3, 8, 13]  # stable
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert column(model, "ulica")[:40] == ["Zielona"] * 40
    assert column(model, "ulica")[160:] == [""] * 40
