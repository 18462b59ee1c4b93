from __future__ import annotations

from collections.abc import Iterator

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMainWindow

from mgis.layers import Style, VectorLayer
from mgis.project import Project
from mgis.render import MapView
from mgis.ui import i18n
from mgis.ui.canvas import MapCanvas
from mgis.ui.controller import ProjectController
from mgis.ui.identify_panel import IdentifyHit, IdentifyPanel
from mgis.ui.map_toolbar import MapToolBar, build_map_toolbar
from mgis.ui.measure import MeasureAreaTool, MeasureDistanceTool, format_area, format_distance
from mgis.ui.select_tool import SelectShape, SelectTool, select_mode
from mgis.ui.tools import IdentifyTool, PanTool, ZoomBoxTool

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def make_project() -> Project:
    parcels = gpd.GeoDataFrame(
        {"nr": ["1", "2", "3"], "area_ha": [1.0, 1.0, 1.0]},
        geometry=[
            shapely.box(0, 0, 100, 100),
            shapely.box(100, 0, 200, 100),
            shapely.box(0, 100, 100, 200),
        ],
        crs=2180,
    )
    sheds = gpd.GeoDataFrame({"kind": ["shed"]}, geometry=[shapely.box(5, 5, 15, 15)], crs=2180)
    roads = gpd.GeoDataFrame(
        {"name": ["Polna"]}, geometry=[shapely.LineString([(-50, 250), (250, 250)])], crs=2180
    )
    return Project(
        layers=[
            VectorLayer("parcels", parcels, style=Style(fill="#ff0000", stroke="#ff0000")),
            VectorLayer("sheds", sheds, style=Style(fill="#00ff00", stroke="#00ff00")),
            VectorLayer("roads", roads, style=Style(stroke="#0000ff", stroke_width=0.3)),
        ],
        crs="EPSG:2180",
    )


VIEW = MapView(100, 100, 1.0, 400, 400)  # shows -100..300 at 1 m per pixel


@pytest.fixture
def canvas(qtbot) -> Iterator[MapCanvas]:  # type: ignore[no-untyped-def]
    i18n.set_language("en")
    project = make_project()
    controller = ProjectController(project)
    widget = MapCanvas()
    qtbot.addWidget(widget)
    widget.resize(400, 400)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_layers(project.layers)
    widget.set_controller(controller)
    with qtbot.waitSignal(widget.rendered, timeout=10_000):
        widget.set_view(VIEW, record=False)
    yield widget
    widget.shutdown()


def pt(canvas: MapCanvas, x: float, y: float) -> QPoint:
    view = canvas.view
    assert view is not None
    px, py = view.world_to_pixel((x, y))
    return QPoint(round(px), round(py))


def layer(canvas: MapCanvas, name: str) -> VectorLayer:
    return next(lyr for lyr in canvas.layers if lyr.name == name)


def click(qtbot, canvas: MapCanvas, x: float, y: float, mod=NONE) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(canvas, LEFT, mod, pt(canvas, x, y))


def drag(qtbot, canvas: MapCanvas, a: tuple[float, float], b: tuple[float, float]) -> None:  # type: ignore[no-untyped-def]
    qtbot.mousePress(canvas, LEFT, NONE, pt(canvas, *a))
    qtbot.mouseMove(canvas, pt(canvas, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
    qtbot.mouseMove(canvas, pt(canvas, *b))
    qtbot.mouseRelease(canvas, LEFT, NONE, pt(canvas, *b))


# -- selection ---------------------------------------------------------------------------


def test_select_mode_from_modifiers() -> None:
    assert select_mode(NONE).value == "new"
    assert select_mode(SHIFT).value == "add"
    assert select_mode(CTRL).value == "toggle"
    assert select_mode(SHIFT | CTRL).value == "remove"


def test_click_select_shift_adds_ctrl_toggles(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    canvas.set_tool(SelectTool(canvas, SelectShape.CLICK))
    canvas.active_layer_name = "parcels"
    parcels = layer(canvas, "parcels")
    assert canvas.controller is not None
    with qtbot.waitSignal(canvas.controller.selectionChanged) as blocker:
        click(qtbot, canvas, 50, 50)
    assert blocker.args == ["parcels"]
    assert parcels.selected.tolist() == [0]
    click(qtbot, canvas, 150, 50, SHIFT)
    assert parcels.selected.tolist() == [0, 1]
    click(qtbot, canvas, 50, 50, CTRL)
    assert parcels.selected.tolist() == [1]
    click(qtbot, canvas, 50, 50, CTRL)
    assert parcels.selected.tolist() == [0, 1]
    click(qtbot, canvas, 50, 150)
    assert parcels.selected.tolist() == [2]
    click(qtbot, canvas, 250, 150)  # nothing there: a new empty selection
    assert parcels.selected.tolist() == []


def test_without_active_layer_the_topmost_visible_is_used(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    canvas.set_tool(SelectTool(canvas))
    click(qtbot, canvas, 10, 10)
    assert layer(canvas, "roads").selected.tolist() == []  # the top layer has nothing there
    layer(canvas, "roads").visible = False
    canvas.active_layer_name = None
    click(qtbot, canvas, 10, 10)
    assert layer(canvas, "sheds").selected.tolist() == [0]
    assert layer(canvas, "parcels").selected.tolist() == []


def test_rectangle_select(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    canvas.set_tool(SelectTool(canvas, SelectShape.RECTANGLE))
    canvas.active_layer_name = "parcels"
    drag(qtbot, canvas, (50, 20), (150, 80))
    assert layer(canvas, "parcels").selected.tolist() == [0, 1]
    drag(qtbot, canvas, (-50, 150), (-20, 180))  # empty rectangle: new empty selection
    assert layer(canvas, "parcels").selected.tolist() == []


def test_polygon_select_double_click_closes(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    tool = SelectTool(canvas, SelectShape.POLYGON)
    canvas.set_tool(tool)
    canvas.active_layer_name = "parcels"
    click(qtbot, canvas, 20, 20)
    click(qtbot, canvas, 180, 20)
    qtbot.mouseMove(canvas, pt(canvas, 170, 70))
    canvas.grab()  # paints the rubber band
    click(qtbot, canvas, 180, 80)
    qtbot.mouseDClick(canvas, LEFT, NONE, pt(canvas, 180, 80))
    assert layer(canvas, "parcels").selected.tolist() == [0, 1]
    assert tool.vertices == []


def test_polygon_select_enter_closes_esc_cancels(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    canvas.set_tool(SelectTool(canvas, SelectShape.POLYGON))
    canvas.active_layer_name = "parcels"
    for x, y in [(50, 150), (60, 150), (60, 160)]:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert layer(canvas, "parcels").selected.tolist() == []
    for x, y in [(50, 150), (60, 150), (60, 160)]:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key.Key_Return, SHIFT)
    assert layer(canvas, "parcels").selected.tolist() == [2]


def test_clear_and_zoom_to_selection(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    assert canvas.controller is not None
    canvas.controller.select("parcels", [1], select_mode(NONE))
    canvas.controller.select("sheds", [0], select_mode(NONE))
    canvas.zoom_to_selection()
    view = canvas.view
    assert view is not None
    xmin, ymin, xmax, ymax = view.extent
    assert xmin <= 5
    assert xmax >= 200
    assert ymin <= 0
    assert ymax >= 100
    assert xmax - xmin < 260  # zoomed in from the 400 m wide view
    canvas.clear_selection()
    assert all(lyr.selected.size == 0 for lyr in canvas.layers)


def test_highlight_where_selected_only(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    def rgb(x: float, y: float) -> tuple[int, int, int]:
        p = pt(canvas, x, y)
        c = canvas.grab().toImage().pixelColor(p.x(), p.y())
        return (c.red(), c.green(), c.blue())

    assert rgb(150, 50) == (255, 0, 0)
    assert canvas.controller is not None
    canvas.controller.select("parcels", [1], select_mode(NONE))
    r, g, b = rgb(150, 50)
    assert r > 200
    assert g > 100
    assert b < 60
    assert rgb(50, 150) == (255, 0, 0)  # unselected parcel unchanged
    assert rgb(250, 150) == (255, 255, 255)  # empty map unchanged
    canvas.controller.clear_selection()
    assert rgb(150, 50) == (255, 0, 0)


# -- identify ----------------------------------------------------------------------------


def test_identify_reports_attributes_and_planar_area(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    tool = IdentifyTool(canvas)
    canvas.set_tool(tool)
    with qtbot.waitSignal(tool.identified) as blocker:
        click(qtbot, canvas, 10, 10)
    hits: list[IdentifyHit] = blocker.args[0]
    assert [(h.layer, h.index) for h in hits] == [("sheds", 0), ("parcels", 0)]
    shed = hits[0]
    assert shed.value("kind") == "shed"
    assert shed.area == pytest.approx(100.0)
    assert shed.length == pytest.approx(40.0)
    assert shed.crs == "EPSG:2180"
    assert hits[1].value("nr") == "1"
    assert hits[1].value("area_ha") == 1.0
    panel = IdentifyPanel()
    qtbot.addWidget(panel)
    panel.show_hits(hits)
    assert [r[0] for r in panel.rows()].count("Area (planar)") == 2
    panel.show_hits(hits[:1])
    rows = dict(panel.rows())
    assert rows["Area (planar)"] == "100.00 m² (0.0100 ha)"
    assert rows["Perimeter (planar)"] == "40.00 m"
    assert rows["Measures"] == "planar, EPSG:2180"
    assert rows["kind"] == "shed"


def test_identify_line_within_tolerance(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    tool = IdentifyTool(canvas)
    canvas.set_tool(tool)
    with qtbot.waitSignal(tool.identified) as blocker:
        click(qtbot, canvas, 30, 252)  # 2 px from the road
    hits: list[IdentifyHit] = blocker.args[0]
    assert [(h.layer, h.family, h.length) for h in hits] == [("roads", "line", 300.0)]
    with qtbot.waitSignal(tool.identified) as blocker:
        click(qtbot, canvas, 30, 270)
    assert blocker.args[0] == []


# -- measuring -------------------------------------------------------------------------


def test_measure_distance(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    tool = MeasureDistanceTool(canvas)
    canvas.set_tool(tool)
    click(qtbot, canvas, 0, 0)
    qtbot.mouseMove(canvas, pt(canvas, 0, 40))
    assert tool.value() == pytest.approx(40.0)  # running total follows the cursor
    with qtbot.waitSignal(tool.measured) as blocker:
        click(qtbot, canvas, 30, 40)
    qtbot.mouseDClick(canvas, LEFT, NONE, pt(canvas, 30, 40))
    assert blocker.args[0] == pytest.approx(50.0)
    assert tool.finished
    assert tool.value() == pytest.approx(50.0)
    assert tool.text() == "Distance: 50.00 m"
    canvas.grab()  # paints the band and the label
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert tool.value() == 0.0


def test_measure_area(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    tool = MeasureAreaTool(canvas)
    canvas.set_tool(tool)
    for x, y in [(0, 0), (100, 0), (100, 100)]:
        click(qtbot, canvas, x, y)
    click(qtbot, canvas, 0, 100)
    qtbot.mouseDClick(canvas, LEFT, NONE, pt(canvas, 0, 100))
    assert tool.value() == pytest.approx(10_000.0)
    assert tool.perimeter() == pytest.approx(400.0)
    assert "10 000.00 m² (1.0000 ha)" in tool.text()


def test_formats() -> None:
    assert format_distance(50) == "50.00 m"
    assert format_distance(10_000) == "10 000.00 m"
    assert format_distance(12_345.6) == "12.346 km"
    assert format_area(10_000) == "10 000.00 m² (1.0000 ha)"
    try:
        i18n.set_language("pl")
        assert format_area(12_500.5) == "12 500,50 m² (1,2501 ha)"
    finally:
        i18n.set_language("en")


# -- navigation -------------------------------------------------------------------------


def test_previous_and_next_view(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    start = canvas.view
    assert not canvas.history.can_back
    with qtbot.waitSignal(canvas.historyChanged) as blocker:
        canvas.zoom_to_extent((0, 0, 100, 100))
    assert blocker.args == [True, False]
    zoomed = canvas.view
    assert zoomed is not None
    assert zoomed.resolution < 0.5
    canvas.zoom_previous()
    assert canvas.view == start
    assert canvas.history.can_forward
    canvas.zoom_next()
    assert canvas.view == zoomed
    assert not canvas.history.can_forward
    canvas.zoom_by(2.0)
    canvas.zoom_previous()
    canvas.zoom_previous()
    assert canvas.view == start


def test_arrow_keys_pan_by_a_quarter(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert canvas.view is not None
    assert (canvas.view.cx, canvas.view.cy) == (0.0, 100.0)
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    assert (canvas.view.cx, canvas.view.cy) == (0.0, 200.0)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    assert (canvas.view.cx, canvas.view.cy) == (100.0, 100.0)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.view.resolution == 0.5
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.view.resolution == 1.0
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    xmin, ymin, xmax, ymax = canvas.view.extent
    assert xmin <= -50
    assert xmax >= 250
    assert ymin <= 0
    assert ymax >= 250


def test_zoom_box(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    canvas.set_tool(ZoomBoxTool(canvas))
    drag(qtbot, canvas, (0, 0), (100, 50))
    view = canvas.view
    assert view is not None
    assert view.cx == pytest.approx(50)
    assert view.cy == pytest.approx(25)
    assert view.resolution == pytest.approx(0.25)  # 100 m across 400 px
    click(qtbot, canvas, 50, 25)
    assert canvas.view is not None
    assert canvas.view.resolution == pytest.approx(0.125)


def test_pan_tool_and_middle_button(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(canvas.tool, PanTool)
    drag(qtbot, canvas, (100, 100), (150, 100))
    assert canvas.view is not None
    assert canvas.view.cx == pytest.approx(50)
    canvas.set_tool(SelectTool(canvas))
    middle = Qt.MouseButton.MiddleButton
    qtbot.mousePress(canvas, middle, NONE, QPoint(200, 200))
    qtbot.mouseMove(canvas, QPoint(200, 240))
    qtbot.mouseRelease(canvas, middle, NONE, QPoint(200, 240))
    assert canvas.view.cy == pytest.approx(140)
    assert all(lyr.selected.size == 0 for lyr in canvas.layers)


def test_drag_moves_the_picture_without_a_new_view(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    views: list[object] = []
    canvas.viewChanged.connect(views.append)
    qtbot.mousePress(canvas, LEFT, NONE, QPoint(100, 100))
    for x in range(105, 200, 5):
        qtbot.mouseMove(canvas, QPoint(x, 120))
        canvas.repaint()
    assert views == []  # no new view, so no render, while dragging
    qtbot.mouseRelease(canvas, LEFT, NONE, QPoint(195, 120))
    assert len(views) == 1


# -- toolbar ----------------------------------------------------------------------------


def test_map_toolbar(qtbot) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language("en")
    project = make_project()
    controller = ProjectController(project)
    window = QMainWindow()
    qtbot.addWidget(window)
    canvas = MapCanvas(window)
    window.setCentralWidget(canvas)
    window.resize(700, 500)
    window.show()
    canvas.set_layers(project.layers)
    try:
        bar = build_map_toolbar(window, canvas, controller)
        assert isinstance(bar, MapToolBar)
        assert canvas.controller is controller
        assert window.toolBarArea(bar) == Qt.ToolBarArea.TopToolBarArea
        assert bar.pan_action.isChecked()
        assert not bar.previous_action.isEnabled()
        bar.zoom_box_action.trigger()
        assert canvas.tool is bar.zoom_box_tool
        bar.select_rect_action.trigger()
        assert canvas.tool is bar.select_tools[SelectShape.RECTANGLE]
        assert bar.select_button.defaultAction() is bar.select_rect_action
        assert not bar.zoom_box_action.isChecked()
        bar.measure_area_action.trigger()
        assert isinstance(canvas.tool, MeasureAreaTool)
        bar.identify_action.trigger()
        assert canvas.tool is bar.identify_tool
        assert bar.identify_panel.isVisible()
        assert window.dockWidgetArea(bar.identify_panel) == Qt.DockWidgetArea.RightDockWidgetArea
        with qtbot.waitSignal(bar.identify_tool.identified):
            click(qtbot, canvas, 10, 10)
        assert ("kind", "shed") in bar.identify_panel.rows()
        canvas.set_tool(None)
        assert bar.pan_action.isChecked()
        controller.select("parcels", [0, 2], select_mode(NONE))
        bar.zoom_selection_action.trigger()
        assert bar.previous_action.isEnabled()
        bar.previous_action.trigger()
        assert bar.next_action.isEnabled()
        bar.clear_selection_action.trigger()
        assert project.layer("parcels").selected.size == 0
        tips = [a.toolTip() for a in bar.actions() if a.toolTip()]
        assert "Zoom to selection: Show the selected features" in tips
    finally:
        canvas.shutdown()


def test_identify_panel_empty(qtbot) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language("en")
    panel = IdentifyPanel()
    qtbot.addWidget(panel)
    panel.show_hits([])
    assert panel.rows() == [("No features here", "")]
    line = IdentifyHit("roads", 3, "line", (("name", None),), None, 12.5, "EPSG:2180")
    panel.show_hits([line])
    rows = dict(panel.rows())
    assert rows["name"] == "NULL"
    assert rows["Length (planar)"] == "12.50 m"
    assert rows["roads"] == "1"
    assert np.isclose(line.length or 0, 12.5)


def test_every_toolbar_action_has_an_icon(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    window = QMainWindow()
    qtbot.addWidget(window)
    bar = build_map_toolbar(window, canvas, None)
    actions = [a for a in bar.actions() if not a.isSeparator() and a.text()]
    actions += bar.select_button.menu().actions()
    assert actions
    for action in actions:
        assert not action.icon().isNull(), action.text()
        assert not action.icon().pixmap(24, 24).isNull(), action.text()
