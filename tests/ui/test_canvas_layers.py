"""Canvas: layer list changes keep the view and history; scale ranges hide layers."""

from __future__ import annotations

from collections.abc import Iterator

import geopandas as gpd
import pytest
import shapely
from PySide6.QtGui import QColor

from mgis.layers import Style, VectorLayer
from mgis.render import LayerKey, MapView
from mgis.ui.canvas import MapCanvas

VIEW = MapView(100, 100, 1.0, 400, 400)  # -100..300 at 1 m per pixel


def _square(name: str, colour: str, box: tuple[float, float, float, float]) -> VectorLayer:
    frame = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.box(*box)], crs=2180)
    return VectorLayer(name, frame, style=Style(fill=colour, stroke=colour))


@pytest.fixture
def canvas(qtbot) -> Iterator[MapCanvas]:  # type: ignore[no-untyped-def]
    widget = MapCanvas()
    qtbot.addWidget(widget)
    widget.resize(400, 400)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_layers([_square("red", "#ff0000", (0, 0, 100, 100))])
    with qtbot.waitSignal(widget.rendered, timeout=10_000):
        widget.set_view(VIEW, record=False)
    yield widget
    widget.shutdown()


def _pixel(canvas: MapCanvas, x: float, y: float) -> QColor:
    picture = canvas.picture()
    assert picture is not None
    view = canvas.view
    assert view is not None
    px, py = view.world_to_pixel((x, y))
    return picture.pixelColor(round(px), round(py))


def test_adding_a_layer_keeps_view_history_and_cached_pictures(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    red = canvas.layers[0]
    with qtbot.waitSignal(canvas.rendered, timeout=10_000):
        canvas.zoom_by(2.0)
    zoomed = canvas.view
    cached = canvas.cache.get(LayerKey.of(red, zoomed))  # type: ignore[arg-type]
    assert cached is not None
    blue = _square("blue", "#0000ff", (20, 20, 40, 40))
    with qtbot.waitSignal(canvas.rendered, timeout=10_000):
        canvas.update_layers([red, blue])
    assert canvas.view == zoomed
    assert canvas.cache.get(LayerKey.of(red, zoomed)) is cached  # not rendered again
    assert _pixel(canvas, 30, 30).name() == "#0000ff"
    assert _pixel(canvas, 80, 80).name() == "#ff0000"
    canvas.zoom_previous()
    assert canvas.view == VIEW.resized(400, 400)


def test_layer_outside_its_scale_range_is_not_drawn(qtbot, canvas: MapCanvas) -> None:  # type: ignore[no-untyped-def]
    red = canvas.layers[0]
    scale = canvas.scale_denominator()
    assert scale is not None
    red.min_scale = scale / 2  # visible only when zoomed in further than this
    with qtbot.waitSignal(canvas.rendered, timeout=10_000):
        canvas.redraw()
    assert _pixel(canvas, 80, 80).name() == "#ffffff"
    with qtbot.waitSignal(canvas.rendered, timeout=10_000):
        canvas.zoom_by(4.0)
    assert _pixel(canvas, 80, 80).name() == "#ff0000"
