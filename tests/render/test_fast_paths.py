"""Spatial index, level of detail, path cache and small-pen rules of the renderer."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtGui import QImage

from mgis.layers import Style, VectorLayer
from mgis.render import MapRenderer, MapView, render_image
from mgis.render.index import PartIndex, morton_keys
from mgis.render.lod import chunk_cuts, thin_parts
from mgis.render.paths import build_paths, prepare_geometries

VIEW = MapView.fit((0, 0, 100, 100), 100, 100)  # 1 map unit per pixel, y up


def rgb(img: QImage, x: int, y: int) -> tuple[int, int, int]:
    c = img.pixelColor(x, y)
    return (c.red(), c.green(), c.blue())


def layer_of(geoms: Sequence[shapely.Geometry], style: Style, **cols: object) -> VectorLayer:
    frame = gpd.GeoDataFrame(dict(cols), geometry=geoms, crs=2180)
    return VectorLayer("t", frame, style=style)


def grid_layer(n: int = 30, size: float = 3.0) -> VectorLayer:
    x, y = np.meshgrid(np.arange(n) * size, np.arange(n) * size)
    boxes = shapely.box(x.ravel(), y.ravel(), x.ravel() + size * 0.8, y.ravel() + size * 0.8)
    return layer_of(list(boxes), Style(fill="#f2e6c9", stroke="#7a6a4f"))


# -- spatial index ----------------------------------------------------------------------


def test_index_returns_only_parts_touching_the_extent() -> None:
    bounds = np.array([[0, 0, 1, 1], [5, 5, 6, 6], [10, 10, 12, 12], [0, 9, 20, 9]], float)
    index = PartIndex(bounds)
    assert index.query((-1, -1, 30, 30)) is None  # everything: no copy

    def hits(extent: tuple[float, float, float, float]) -> list[int]:
        found = index.query(extent)
        assert found is not None
        return [int(i) for i in found]

    assert hits((4, 4, 7, 7)) == [1]
    assert hits((11, 9, 11.5, 10.5)) == [2, 3]  # zero-height line found
    assert hits((100, 100, 101, 101)) == []


def test_arrays_in_z_order_keep_features_and_holes() -> None:
    donut = shapely.box(50, 50, 60, 60).difference(shapely.box(52, 52, 58, 58))
    geoms = np.array([donut, shapely.box(0, 0, 1, 1), shapely.box(90, 0, 91, 1)], dtype=object)
    arrays = prepare_geometries(geoms, "polygon")
    assert arrays.heads is not None
    # the hole follows its exterior ring and belongs to the same feature
    ext = int(np.flatnonzero(arrays.feature == 0)[0])
    assert arrays.heads[ext]
    assert not arrays.heads[ext + 1]
    assert arrays.feature[ext + 1] == 0
    assert sorted(arrays.feature.tolist()) == [0, 0, 1, 2]


def test_morton_keys_group_neighbours() -> None:
    pts = np.array([[0, 0], [100, 100], [1, 1], [99, 99]], float)
    order = np.argsort(morton_keys(pts))
    assert {int(order[0]), int(order[1])} == {0, 2}


# -- level of detail -------------------------------------------------------------------


def test_thin_drops_duplicates_on_the_pixel_grid_and_makes_dots() -> None:
    # ring 1: 6 px square with a vertex in the same pixel as the one before it
    ring = np.array([[0, 0], [0.2, 0.1], [6, 0], [6, 6], [0, 6], [0, 0]], float)
    speck = np.array([[20.1, 20.1], [20.3, 20.1], [20.3, 20.3], [20.1, 20.1]])
    px = np.vstack([ring, speck])
    offsets = np.array([0, 6, 10])
    th = thin_parts(px, offsets, None, closed=True)
    assert th.parts.tolist() == [0]
    assert np.diff(th.offsets).tolist() == [5]
    assert th.dot_parts.tolist() == [1]
    np.testing.assert_allclose(th.dots[0], [20.2, 20.2])


def test_tiny_hole_vanishes_instead_of_becoming_a_dot() -> None:
    ring = np.array([[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], float)
    hole = np.array([[5, 5], [5.2, 5], [5.2, 5.2], [5, 5]])
    th = thin_parts(
        np.vstack([ring, hole]), np.array([0, 5, 9]), np.array([True, False]), closed=True
    )
    assert th.parts.tolist() == [0]
    assert len(th.dots) == 0


def test_chunks_cut_only_at_polygon_starts() -> None:
    heads = np.array([True, False, False, True, True, False, True])
    cuts = chunk_cuts(heads, 2)
    assert cuts[0] == 0
    assert cuts[-1] == len(heads)
    assert all(heads[c] for c in cuts[:-1])


def test_build_paths_one_path_per_chunk() -> None:
    px = np.array([[0, 0], [1, 0], [1, 1], [5, 5], [6, 5], [6, 6]], float)
    paths = build_paths(px, np.array([0, 3, 6]), np.array([0, 1, 2]))
    assert [p.elementCount() for p in paths] == [3, 3]


def test_lod_dot_drawn_at_its_pixel(qapp: object) -> None:
    speck = shapely.box(30.2, 69.2, 30.6, 69.6)  # well under a pixel, pixel (30, 30)
    style = Style(fill="#ff0000", stroke="#0000ff", stroke_width=0.1)
    img = render_image([layer_of([speck], style)], VIEW)
    assert rgb(img, 30, 30) == (0, 0, 255)
    assert rgb(img, 33, 30) == (255, 255, 255)


def test_hole_survives_chunking_in_z_order(qapp: object) -> None:
    donut = shapely.box(10, 10, 90, 90).difference(shapely.box(40, 40, 60, 60))
    others = [shapely.box(x, 0, x + 1, 1) for x in range(0, 100, 3)]
    style = Style(fill="#0000ff", stroke="#00000000")
    img = render_image(
        [layer_of([*others, donut], style)], VIEW, renderer=MapRenderer(chunk_size=1)
    )
    assert rgb(img, 50, 50) == (255, 255, 255)
    assert rgb(img, 25, 25) == (0, 0, 255)


# -- what is in view -------------------------------------------------------------------


def test_feature_outside_the_view_is_not_drawn(qapp: object) -> None:
    inside, outside = shapely.box(40, 40, 60, 60), shapely.box(500, 500, 600, 600)
    layer = layer_of([inside, outside], Style(fill="#ff0000", stroke="#00000000"))
    renderer = MapRenderer()
    image, stats = renderer.render_layer_image(layer, VIEW)
    assert rgb(image, 50, 50) == (255, 0, 0)
    assert stats.features == 1


def test_zoomed_view_draws_same_pixels_as_full_picture(qapp: object) -> None:
    layer = grid_layer()
    big = MapView.fit((0, 0, 90, 90), 180, 180)
    zoomed = MapView(45, 45, big.resolution, 60, 60)  # centre crop of the same scale
    full_img = render_image([layer], big, renderer=MapRenderer(antialias=False))
    crop = full_img.copy(60, 60, 60, 60)
    img = render_image([layer], zoomed, renderer=MapRenderer(antialias=False))
    assert img.convertToFormat(crop.format()) == crop


def test_pan_reuses_cached_paths_and_matches_fresh_render(qapp: object) -> None:
    layer = grid_layer()
    view = MapView(40, 40, 0.5, 80, 80)
    panned = view.panned(10, 6)
    renderer = MapRenderer(antialias=False)
    render_image([layer], view, renderer=renderer)
    cached = renderer.path_cache.find(id(layer), layer.frame, panned, None)
    assert cached is not None  # the pan is inside the margin of the first build
    again = render_image([layer], panned, renderer=renderer)
    fresh = render_image([layer], panned, renderer=MapRenderer(antialias=False))
    assert again == fresh


def test_restyle_reuses_paths_with_new_colours(qapp: object) -> None:
    layer = grid_layer()
    renderer = MapRenderer()
    render_image([layer], VIEW, renderer=renderer)
    layer.style = Style(fill="#00ff00", stroke="#00000000")
    img = render_image([layer], VIEW, renderer=renderer)
    x, y = VIEW.world_to_pixel((1.2, 1.2)).astype(int)
    assert rgb(img, int(x), int(y)) == (0, 255, 0)


def test_layer_outside_its_scale_range_skipped(qapp: object) -> None:
    layer = layer_of([shapely.box(20, 20, 80, 80)], Style(fill="#ff0000"))
    layer.max_scale = 1.0  # hidden when zoomed in beyond 1:1
    denominator = VIEW.scale_denominator()
    layer.min_scale = denominator / 2  # hidden when zoomed out beyond half this scale
    img = render_image([layer], VIEW)
    assert rgb(img, 50, 50) == (255, 255, 255)
    layer.min_scale = None
    assert rgb(render_image([layer], VIEW), 50, 50) == (255, 0, 0)


# -- pens and markers ------------------------------------------------------------------


def test_thin_lines_square_caps_wide_lines_round(qapp: object) -> None:
    from PySide6.QtCore import Qt

    from mgis.render.symbols import make_pen, parse_color

    thin = make_pen(parse_color("#000000"), Style(stroke_width=0.4), 96, "line")
    wide = make_pen(parse_color("#000000"), Style(stroke_width=1.0), 96, "line")
    assert thin.capStyle() == Qt.PenCapStyle.SquareCap
    assert wide.capStyle() == Qt.PenCapStyle.RoundCap


def test_tiny_markers_drawn_as_dots_at_their_pixel(qapp: object) -> None:
    pts = [shapely.Point(30.5, 69.5), shapely.Point(70.5, 29.5)]
    style = Style(fill="#00ff00", stroke="#ff0000", stroke_width=0.26, marker_size=0.8)
    img = render_image([layer_of(pts, style)], VIEW)
    assert rgb(img, 30, 30) != (255, 255, 255)
    assert rgb(img, 70, 70) != (255, 255, 255)
    assert rgb(img, 50, 50) == (255, 255, 255)


def test_one_call_extraction_matches_general_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from mgis.render import paths

    rng = np.random.default_rng(0)
    ring = shapely.box(0, 0, 10, 10).difference(shapely.box(2, 2, 4, 4))
    polys: list[shapely.Geometry | None] = [
        shapely.box(x, y, x + 1, y + 1) for x, y in rng.uniform(0, 100, (20, 2))
    ]
    polys[3] = ring
    polys[7] = shapely.MultiPolygon([shapely.box(50, 50, 51, 51), ring])  # type: ignore[list-item]
    polys[9] = None
    polys[11] = shapely.Polygon()
    lines: list[shapely.Geometry] = [
        shapely.LineString(rng.uniform(0, 100, (3, 2))) for _ in range(10)
    ]
    lines[4] = shapely.MultiLineString([rng.uniform(0, 100, (3, 2)), rng.uniform(0, 100, (2, 2))])
    for geoms, family in ((polys, "polygon"), (lines, "line")):
        data = np.array(geoms, dtype=object)
        assert paths._ragged(data, family) is not None
        fast = paths.prepare_geometries(data, family)
        monkeypatch.setattr(paths, "_ragged", lambda g, f: None)
        slow = paths.prepare_geometries(data, family)
        monkeypatch.undo()
        for name in ("coords", "offsets", "feature", "bounds", "heads"):
            np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name))


def test_shared_edge_stroked_once() -> None:
    from mgis.render.edges import shared_once

    left = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    right = [[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]  # shares 1,0 - 1,1 (other direction)
    px = np.array(left + right, dtype=float)
    offsets = np.array([0, 5, 10])
    keep, moves = shared_once(px, offsets)
    segments = int(np.sum(keep[1:] & ~moves[1:]))
    assert segments == 7  # 8 ring segments, the shared one once
    assert moves[0]
    assert moves[5]
    keep2, moves2 = shared_once(px, offsets, np.array([0, 1]))  # other symbol: both kept
    assert int(np.sum(keep2[1:] & ~moves2[1:])) == 8


def test_outline_between_neighbours_still_drawn(qapp: object) -> None:
    a, b = shapely.box(10, 10, 50, 90), shapely.box(50, 10, 90, 90)
    style = Style(fill="#ffffff", stroke="#000000", stroke_width=0.3)
    img = render_image([layer_of([a, b], style)], VIEW, renderer=MapRenderer(antialias=False))
    x, y = VIEW.world_to_pixel((50, 50)).astype(int)
    column = {rgb(img, int(x) + dx, int(y)) for dx in (-1, 0)}
    assert (0, 0, 0) in column
    assert rgb(img, 30, 50) == (255, 255, 255)
