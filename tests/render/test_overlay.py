from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtGui import QColor, QImage, QPainter

from mgis.layers import VectorLayer
from mgis.render import MapRenderer, MapView, ensure_gui_app
from mgis.render.overlay import (
    HIGHLIGHT_STROKE,
    draw_box,
    draw_label,
    draw_rubber_band,
    render_selection,
    selected_parts,
)
from mgis.render.renderer import new_image


@pytest.fixture(autouse=True)
def _app() -> None:
    ensure_gui_app()


def rgba(image: QImage, x: float, y: float) -> tuple[int, int, int, int]:
    c = image.pixelColor(round(x), round(y))
    return (c.red(), c.green(), c.blue(), c.alpha())


def squares() -> VectorLayer:
    frame = gpd.GeoDataFrame(
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)], crs=2180
    )
    return VectorLayer("sq", frame)


VIEW = MapView(15, 5, 0.1, 400, 200)  # 40 x 20 m


def test_nothing_selected_gives_none() -> None:
    layer = squares()
    assert render_selection([layer], VIEW, MapRenderer().arrays) is None


def test_highlight_only_where_selected() -> None:
    layer = squares()
    layer.selected = np.array([1], dtype=np.int64)
    image = render_selection([layer], VIEW, MapRenderer().arrays)
    assert image is not None
    inside = VIEW.world_to_pixel((25.0, 5.0))
    other = VIEW.world_to_pixel((5.0, 5.0))
    r, g, b, a = rgba(image, *inside)
    assert a > 100
    assert r > 100
    assert g > 100
    assert b == 0
    assert rgba(image, *other)[3] == 0
    edge = VIEW.world_to_pixel((30.0, 5.0))
    assert rgba(image, *edge)[:3] != (0, 0, 0)


def test_hidden_layers_not_highlighted() -> None:
    layer = squares()
    layer.selected = np.array([0, 1], dtype=np.int64)
    layer.visible = False
    assert render_selection([layer], VIEW, MapRenderer().arrays) is None


def test_points_and_lines() -> None:
    frame = gpd.GeoDataFrame(
        geometry=[shapely.Point(5, 5), shapely.LineString([(0, 8), (40, 8)])], crs=2180
    )
    points = VectorLayer("p", frame.iloc[[0]].reset_index(drop=True))
    lines = VectorLayer("l", frame.iloc[[1]].reset_index(drop=True))
    points.selected = lines.selected = np.array([0], dtype=np.int64)
    image = render_selection([points, lines], VIEW, MapRenderer().arrays)
    assert image is not None
    assert rgba(image, *VIEW.world_to_pixel((5.0, 5.0)))[3] > 0
    assert rgba(image, *VIEW.world_to_pixel((30.0, 8.0)))[3] > 0
    assert rgba(image, *VIEW.world_to_pixel((30.0, 2.0)))[3] == 0


def test_selected_parts_clips_to_view() -> None:
    layer = squares()
    layer.selected = np.array([0, 1], dtype=np.int64)
    arrays = MapRenderer().arrays(layer)
    left = MapView(5, 5, 0.1, 100, 100)  # shows only the first square
    assert selected_parts(layer, arrays, left).tolist() == [True, False]


def test_many_selected_parcels_draw_fast() -> None:
    n = 50_000
    xs = np.arange(n) % 250 * 10.0
    ys = np.arange(n) // 250 * 10.0
    frame = gpd.GeoDataFrame(geometry=shapely.box(xs, ys, xs + 8, ys + 8), crs=2180)
    layer = VectorLayer("parcels", frame, selected=np.arange(n, dtype=np.int64))
    renderer = MapRenderer()
    renderer.arrays(layer)  # extracted once per layer, as on the canvas
    view = MapView.fit((0, 0, 2500, 2000), 1000, 800)
    t0 = time.perf_counter()
    image = render_selection([layer], view, renderer.arrays)
    seconds = time.perf_counter() - t0
    assert image is not None
    assert seconds < 5.0  # generous for a shared CI machine; ~0.2 s measured


def test_rubber_bands_draw() -> None:
    image = new_image(100, 100)
    painter = QPainter(image)
    draw_rubber_band(painter, np.array([[10.0, 10.0], [90.0, 10.0], [90.0, 90.0]]), closed=True)
    draw_box(painter, 0, 0, 5, 5)
    draw_label(painter, "50.00 m\nsecond line", 95, 95)
    painter.end()
    assert rgba(image, 50, 10)[3] > 0  # band edge
    assert rgba(image, 80, 30)[3] > 0  # band fill
    assert QColor(HIGHLIGHT_STROKE).isValid()
