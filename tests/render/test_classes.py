from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from mgis.layers import Style, VectorLayer
from mgis.layers.classify import LegendItem, categorize, graduate, legend_items
from mgis.layers.style import StyleClass
from mgis.render import MapRenderer, MapView, render_image
from mgis.render.legend import draw_swatch
from mgis.render.renderer import new_image

VIEW = MapView.fit((0, 0, 100, 100), 100, 100)  # 1 map unit per pixel, y up


def rgb(img: QImage, x: int, y: int) -> tuple[int, int, int]:
    c = img.pixelColor(x, y)
    return (c.red(), c.green(), c.blue())


def px(x: float, y: float) -> tuple[int, int]:
    return tuple(VIEW.world_to_pixel((x, y)).round().astype(int))  # type: ignore[return-value]


def quadrants() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kind": ["a", "b", "a", "c"], "v": [1.0, 5.0, 9.0, np.nan]},
        geometry=[
            shapely.box(0, 0, 50, 50),
            shapely.box(50, 0, 100, 50),
            shapely.box(0, 50, 50, 100),
            shapely.box(50, 50, 100, 100),
        ],
        crs=2180,
    )


def categorized() -> Style:
    return Style(
        fill="#0000ff",
        stroke="#00000000",
        mode="categorized",
        field="kind",
        classes=(
            StyleClass("A", "#ff0000", "#00000000", value="a"),
            StyleClass("B", "#00ff00", "#00000000", value="b"),
        ),
    )


@pytest.mark.parametrize("chunk", [1, 3, 20_000])
def test_categorized_polygons_draw_each_class_colour(qapp: object, chunk: int) -> None:
    layer = VectorLayer("p", quadrants(), style=categorized())
    img = render_image([layer], VIEW, renderer=MapRenderer(chunk_size=chunk))
    assert rgb(img, *px(25, 25)) == (255, 0, 0)  # a
    assert rgb(img, *px(25, 75)) == (255, 0, 0)  # a
    assert rgb(img, *px(75, 25)) == (0, 255, 0)  # b
    assert rgb(img, *px(75, 75)) == (0, 0, 255)  # c: no class -> base symbol


def test_categorize_output_renders(qapp: object) -> None:
    style = categorize(quadrants(), "kind")
    layer = VectorLayer("p", quadrants(), style=style)
    img = render_image([layer], VIEW)
    fills = {c.value: c.fill for c in style.classes}
    for (x, y), value in [((25, 25), "a"), ((75, 25), "b"), ((75, 75), "c")]:
        colour = img.pixelColor(*px(x, y)).name()
        assert colour == fills[value]


def test_graduated_nan_drawn_with_base(qapp: object) -> None:
    style = graduate(quadrants(), "v", "equal_interval", k=2, base=Style(fill="#0000ff"))
    layer = VectorLayer("p", quadrants(), style=style)
    img = render_image([layer], VIEW)
    assert img.pixelColor(*px(25, 25)).name() == style.classes[0].fill  # 1
    assert img.pixelColor(*px(75, 25)).name() == style.classes[0].fill  # 5 on the bound
    assert img.pixelColor(*px(25, 75)).name() == style.classes[1].fill  # 9
    assert rgb(img, *px(75, 75)) == (0, 0, 255)  # NaN


def test_outlines_drawn_after_all_fills(qapp: object) -> None:
    frame = gpd.GeoDataFrame(
        {"k": ["b", "a"]}, geometry=[shapely.box(10, 10, 50, 90), shapely.box(50, 10, 90, 90)]
    )
    style = Style(
        stroke="#000000", stroke_width=1.0, mode="categorized", field="k",
        classes=(StyleClass("a", "#ff0000", "#000000", value="a"),
                 StyleClass("b", "#00ff00", "#000000", value="b")),
    )  # fmt: skip
    img = render_image([VectorLayer("p", frame, style=style)], VIEW)
    assert rgb(img, *px(50, 50)) == (0, 0, 0)  # the shared edge keeps its outline


def test_categorized_lines_and_points(qapp: object) -> None:
    lines = gpd.GeoDataFrame(
        {"k": ["a", "b"]},
        geometry=[
            shapely.LineString([(0, 20), (100, 20)]),
            shapely.LineString([(0, 80), (100, 80)]),
        ],
    )
    style = Style(
        stroke_width=1.0, mode="categorized", field="k",
        classes=(StyleClass("a", "#00000000", "#ff0000", value="a"),
                 StyleClass("b", "#00000000", "#0000ff", value="b")),
    )  # fmt: skip
    img = render_image([VectorLayer("l", lines, style=style)], VIEW)
    assert rgb(img, *px(50, 20)) == (255, 0, 0)
    assert rgb(img, *px(50, 80)) == (0, 0, 255)

    points = gpd.GeoDataFrame(
        {"k": ["a", "b", "z"]},
        geometry=[shapely.Point(20, 50), shapely.Point(50, 50), shapely.Point(80, 50)],
    )
    style = Style(
        fill="#000000", stroke="#00000000", marker="square", marker_size=3,
        mode="categorized", field="k",
        classes=(StyleClass("a", "#ff0000", "#00000000", value="a"),
                 StyleClass("b", "#00ff00", "#00000000", value="b")),
    )  # fmt: skip
    img = render_image([VectorLayer("pt", points, style=style)], VIEW)
    assert rgb(img, *px(20, 50)) == (255, 0, 0)
    assert rgb(img, *px(50, 50)) == (0, 255, 0)
    assert rgb(img, *px(80, 50)) == (0, 0, 0)


def test_subpixel_parts_use_class_colour(qapp: object) -> None:
    frame = gpd.GeoDataFrame(
        {"k": ["a", "b"]},
        geometry=[shapely.box(20, 20, 20.1, 20.1), shapely.box(70, 70, 70.1, 70.1)],
    )
    style = Style(
        stroke="#00000000", mode="categorized", field="k",
        classes=(StyleClass("a", "#ff0000", "#00000000", value="a"),
                 StyleClass("b", "#0000ff", "#00000000", value="b")),
    )  # fmt: skip
    img = render_image([VectorLayer("tiny", frame, style=style)], VIEW)
    x, y = px(20.05, 20.05)
    near_a = {rgb(img, x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)}
    x, y = px(70.05, 70.05)
    near_b = {rgb(img, x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)}
    assert (255, 0, 0) in near_a
    assert (0, 0, 255) in near_b


def test_style_change_redraws_with_new_classes(qapp: object) -> None:
    renderer = MapRenderer()
    layer = VectorLayer("p", quadrants(), style=categorized())
    img = render_image([layer], VIEW, renderer=renderer)
    assert rgb(img, *px(75, 25)) == (0, 255, 0)
    classes = (StyleClass("B", "#ff00ff", "#00000000", value="b"),)
    layer.style = Style(fill="#0000ff", mode="categorized", field="kind", classes=classes)
    img = render_image([layer], VIEW, renderer=renderer)
    assert rgb(img, *px(75, 25)) == (255, 0, 255)
    assert rgb(img, *px(25, 25)) == (0, 0, 255)


@pytest.mark.parametrize("family", ["polygon", "line", "point"])
def test_draw_swatch_paints_the_class_colour(qapp: object, family: str) -> None:
    item = LegendItem("x", "#ff0000", "#ff0000", 3, family, stroke_width=1.0, marker="square")
    image = new_image(40, 20, "#ffffff")
    painter = QPainter(image)
    try:
        draw_swatch(painter, QRectF(0, 0, 40, 20), item)
    finally:
        painter.end()
    assert rgb(image, 20, 10) == (255, 0, 0)
    assert image.pixelColor(0, 0).green() > 240  # the corner stays (nearly) blank


def test_legend_items_of_rendered_layer() -> None:
    layer = VectorLayer("p", quadrants(), style=categorized())
    items = legend_items(layer, unclassified_label="other")
    assert [(i.label, i.count) for i in items] == [("A", 2), ("B", 1), ("other", 1)]
