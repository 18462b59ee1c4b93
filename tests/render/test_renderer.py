from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtGui import QColor, QImage

from mgis.layers import Style, VectorLayer
from mgis.render import (
    LayerImageCache,
    LayerKey,
    MapRenderer,
    MapView,
    parse_color,
    render_image,
    render_png,
)
from mgis.render.paths import polygon_from_array, prepare_geometries

VIEW = MapView.fit((0, 0, 100, 100), 100, 100)  # 1 map unit per pixel


def poly_layer(name: str = "p", fill: str = "#ff0000", **kw: object) -> VectorLayer:
    frame = gpd.GeoDataFrame({"name": ["A"]}, geometry=[shapely.box(20, 20, 80, 80)], crs=2180)
    return VectorLayer(name, frame, style=Style(fill=fill, stroke="#000000"), **kw)  # type: ignore[arg-type]


def rgb(img: QImage, x: int, y: int) -> tuple[int, int, int]:
    c = img.pixelColor(x, y)
    return (c.red(), c.green(), c.blue())


def test_parse_color_alpha_last() -> None:
    c = parse_color("#11223380")
    assert (c.red(), c.green(), c.blue(), c.alpha()) == (0x11, 0x22, 0x33, 0x80)
    assert parse_color("#00ff00") == QColor(0, 255, 0)


def test_polygon_fill_at_known_place(qapp: object) -> None:
    img = render_image([poly_layer()], VIEW)
    assert rgb(img, 50, 50) == (255, 0, 0)  # centre of the box
    assert rgb(img, 5, 5) == (255, 255, 255)  # outside
    assert rgb(img, 50, 95) == (255, 255, 255)


def test_hole_stays_empty(qapp: object) -> None:
    donut = shapely.box(10, 10, 90, 90).difference(shapely.box(40, 40, 60, 60))
    frame = gpd.GeoDataFrame(geometry=[donut], crs=2180)
    img = render_image([VectorLayer("d", frame, style=Style(fill="#0000ff"))], VIEW)
    assert rgb(img, 50, 50) == (255, 255, 255)
    assert rgb(img, 25, 25) == (0, 0, 255)


def test_point_marker_at_world_position(qapp: object) -> None:
    frame = gpd.GeoDataFrame(geometry=[shapely.Point(30, 70)], crs=2180)
    style = Style(fill="#00ff00", stroke="#00ff00", marker="square", marker_size=3)
    img = render_image([VectorLayer("pt", frame, style=style)], VIEW)
    x, y = VIEW.world_to_pixel((30, 70)).round().astype(int)
    assert (x, y) == (30, 30)
    assert rgb(img, x, y) == (0, 255, 0)
    assert rgb(img, x + 15, y) == (255, 255, 255)


def test_line_drawn(qapp: object) -> None:
    frame = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 50.5), (100, 50.5)])], crs=2180)
    style = Style(stroke="#0000ff", stroke_width=1.0)
    img = render_image([VectorLayer("l", frame, style=style)], VIEW)
    assert rgb(img, 50, 49) == (0, 0, 255)
    assert rgb(img, 50, 20) == (255, 255, 255)


def test_invisible_layer_not_drawn(qapp: object) -> None:
    img = render_image([poly_layer(visible=False)], VIEW)
    assert rgb(img, 50, 50) == (255, 255, 255)


def test_opacity_blends(qapp: object) -> None:
    img = render_image([poly_layer(opacity=0.5)], VIEW)
    r, g, b = rgb(img, 50, 50)
    assert r == 255
    assert g == pytest.approx(128, abs=3)
    assert b == pytest.approx(128, abs=3)


def test_order_bottom_first(qapp: object) -> None:
    img = render_image([poly_layer("a", "#ff0000"), poly_layer("b", "#0000ff")], VIEW)
    assert rgb(img, 50, 50) == (0, 0, 255)


def _grid_layer() -> VectorLayer:
    rng = np.random.default_rng(3)
    x, y = np.meshgrid(np.arange(0, 100, 5.0), np.arange(0, 100, 5.0))
    x, y = x.ravel() + rng.uniform(0, 1, x.size), y.ravel() + rng.uniform(0, 1, x.size)
    frame = gpd.GeoDataFrame(geometry=shapely.box(x, y, x + 4, y + 4), crs=2180)
    return VectorLayer("grid", frame, style=Style(fill="#f2e6c9", stroke="#7a6a4f"))


@pytest.mark.parametrize("chunk", [1, 7, 50])
def test_same_picture_whatever_chunking(qapp: object, chunk: int) -> None:
    layer = _grid_layer()
    ref = render_image([layer], VIEW, renderer=MapRenderer(chunk_size=100_000))
    img = render_image([layer], VIEW, renderer=MapRenderer(chunk_size=chunk))
    assert img == ref


def test_cancel_stops(qapp: object) -> None:
    from PySide6.QtGui import QPainter

    img = QImage(100, 100, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("white"))
    painter = QPainter(img)
    stats = MapRenderer().render(painter, [poly_layer()], VIEW, cancel=lambda: True)
    painter.end()
    assert stats.cancelled
    assert rgb(img, 50, 50) == (255, 255, 255)


def test_labels_drawn(qapp: object) -> None:
    layer = poly_layer(fill="#ffffff")
    layer.style = Style(fill="#ffffff", stroke="#ffffff", label_field="name")
    img = render_image([layer], MapView.fit((0, 0, 100, 100), 200, 200))
    dark = sum(
        1 for x in range(80, 120) for y in range(85, 115) if img.pixelColor(x, y).red() < 100
    )
    assert dark > 5


def test_render_png(qapp: object, tmp_path: object) -> None:
    from pathlib import Path

    out = render_png([poly_layer()], VIEW, Path(str(tmp_path)) / "m.png", dpi=96)
    assert QImage(str(out)).pixelColor(50, 50) == QColor(255, 0, 0)


def test_prepare_multipolygon_rings() -> None:
    mp = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)])
    arrays = prepare_geometries(np.array([None, mp], dtype=object), "polygon")
    assert arrays.n_parts == 2
    assert arrays.feature.tolist() == [1, 1]
    assert arrays.bounds[1].tolist() == [2, 2, 3, 3]


def test_polygon_from_array(qapp: object) -> None:
    poly = polygon_from_array(np.array([[1.5, 2.5], [3.0, 4.0]]))
    assert poly.size() == 2
    assert (poly.at(1).x(), poly.at(1).y()) == (3.0, 4.0)


def test_layer_image_cache(qapp: object) -> None:
    layer = poly_layer()
    cache = LayerImageCache(max_entries=1)
    key = LayerKey.of(layer, VIEW)
    img, _ = MapRenderer().render_layer_image(layer, VIEW)
    cache.put(key, img)
    assert cache.get(key) is img
    layer.style = Style(fill="#00ff00")
    assert cache.get(LayerKey.of(layer, VIEW)) is None
    cache.invalidate(layer)
    assert len(cache) == 0
