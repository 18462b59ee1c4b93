"""Paths rebuilt at a new scale: the same pictures and paths as before, built faster."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtGui import QPainterPath

from mgis.layers import Style, VectorLayer
from mgis.layers.style import StyleClass
from mgis.render import MapRenderer, MapView, render_image
from mgis.render.lod import Thinned, take_vertices, thin_layer, thin_parts
from mgis.render.paths import paths_from_vertices, prepare_geometries


def town(seed: int = 0, n: int = 40) -> list[VectorLayer]:
    """Parcels (some with holes, classified), specks smaller than a pixel and streets."""
    rng = np.random.default_rng(seed)
    x, y = np.meshgrid(np.arange(n) * 10.0, np.arange(n) * 10.0)
    x, y = x.ravel() + rng.uniform(0, 2, n * n), y.ravel() + rng.uniform(0, 2, n * n)
    parcels = []
    for i, (px, py) in enumerate(zip(x, y, strict=True)):
        k = int(rng.integers(4, 12))
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        ring = np.column_stack([px + 4 + 4 * np.cos(ang), py + 4 + 4 * np.sin(ang)])
        poly = shapely.Polygon(ring)
        if i % 7 == 0:
            poly = poly.difference(shapely.box(px + 3, py + 3, px + 5, py + 5))
        parcels.append(poly)
    kind = rng.choice(["a", "b", "c"], n * n)
    classes = (
        StyleClass("a", "#e5f5e0", "#31a354", value="a"),
        StyleClass("b", "#fee6ce", "#e6550d", value="b"),
    )
    parcel_style = Style(
        fill="#f7f4ea",
        stroke="#9e9178",
        stroke_width=0.1,
        mode="categorized",
        field="kind",
        classes=classes,
    )
    specks = shapely.box(x + 1, y + 1, x + 1.05, y + 1.05)
    streets = [
        shapely.LineString(np.column_stack([np.linspace(0, 10 * n, 50), np.full(50, v)]))
        for v in np.arange(0, 10 * n, 35.0)
    ]
    frames = [
        ("parcels", gpd.GeoDataFrame({"kind": kind}, geometry=parcels, crs=2180), parcel_style),
        ("specks", gpd.GeoDataFrame(geometry=list(specks), crs=2180), Style(fill="#bdb1a6")),
        (
            "streets",
            gpd.GeoDataFrame(geometry=streets, crs=2180),
            Style(fill="#00000000", stroke="#6f6f6f", stroke_width=0.4),
        ),
    ]
    return [VectorLayer(name, frame, style=style) for name, frame, style in frames]


SCALES = (2.5, 1.0, 0.35, 0.12, 0.02)  # map units per pixel: the whole town to a few parcels


@pytest.mark.parametrize("resolution", SCALES)
def test_frame_rebuilt_at_new_scale_equals_warm_frame(qapp: object, resolution: float) -> None:
    layers = town()
    renderer = MapRenderer()
    start = MapView(200, 200, 2.0, 320, 200)
    render_image(layers, start, renderer=renderer)
    view = MapView(187.3, 211.9, resolution, 320, 200)
    rebuilt = render_image(layers, view, renderer=renderer)  # first frame at the new scale
    for lyr in layers:  # the next frame is drawn from the paths just built
        keys = renderer.part_symbols(lyr, renderer.arrays(lyr))
        assert renderer.path_cache.find(id(lyr), lyr.frame, view, keys) is not None
    warm = render_image(layers, view, renderer=renderer)
    fresh = render_image(layers, view, renderer=MapRenderer())
    assert rebuilt == warm
    assert rebuilt == fresh
    assert rebuilt != render_image([], view)  # something was drawn


def test_rebuild_after_path_cache_emptied_equals_warm_frame(qapp: object) -> None:
    layers = town(1)
    renderer = MapRenderer()
    view = MapView.fit((0, 0, 400, 400), 300, 300)
    warm_before = render_image(layers, view, renderer=renderer)
    renderer.path_cache.invalidate()
    assert render_image(layers, view, renderer=renderer) == warm_before


def _old_thin(
    px: np.ndarray, offsets: np.ndarray, heads: np.ndarray, bounds_px: np.ndarray, closed: bool
) -> Thinned:
    """The level of detail before the rework (integer cell keys), as the reference."""
    starts = offsets[:-1]
    lo = np.minimum(bounds_px[:, 0:2], bounds_px[:, 2:4])
    hi = np.maximum(bounds_px[:, 0:2], bounds_px[:, 2:4])
    size = hi - lo
    tiny = (size[:, 0] < 1.5) & (size[:, 1] < 1.5)
    cell = np.clip(np.floor(px), -(2.0**30), 2.0**30).astype(np.int64)
    key = (cell[:, 0] << 32) ^ cell[:, 1]
    keep = np.empty(len(px), dtype=bool)
    keep[0] = True
    np.not_equal(key[1:], key[:-1], out=keep[1:])
    keep[starts] = True
    keep[offsets[1:] - 1] = True
    total = np.cumsum(keep, dtype=np.int64)
    counts = total[offsets[1:] - 1] - total[starts] + 1
    small = counts < (3 if closed else 2)
    drawn = ~(tiny | small)
    keep &= np.repeat(drawn, np.diff(offsets))
    new_offsets = np.r_[0, np.cumsum(counts[drawn])].astype(np.int64)
    dot_parts = np.flatnonzero((tiny | small) & heads)
    parts = np.flatnonzero(drawn)
    dots = (lo[dot_parts] + hi[dot_parts]) / 2
    return Thinned(px[keep], new_offsets, parts, heads[parts], dots, dot_parts)


def _assert_same(a: Thinned, b: Thinned) -> None:
    for name in ("px", "offsets", "parts", "heads", "dots", "dot_parts"):
        x, y = np.asarray(getattr(a, name)), np.asarray(getattr(b, name))
        assert x.shape == y.shape, name
        np.testing.assert_array_equal(x, y, err_msg=name)


@pytest.mark.parametrize("family", ["polygon", "line"])
@pytest.mark.parametrize("resolution", [1e4, 3.0, 0.7, 0.02, 1e-7])
def test_thin_layer_matches_thin_parts_on_all_pixels(family: str, resolution: float) -> None:
    rng = np.random.default_rng(int(resolution * 1000) + len(family))
    geoms: list[shapely.Geometry] = []
    for _ in range(300):
        cx, cy = rng.uniform(-500, 500, 2)
        r = rng.choice([0.05, 0.5, 2.0, 20.0])
        k = int(rng.integers(3, 30))
        pts = np.column_stack([cx + r * rng.standard_normal(k), cy + r * rng.standard_normal(k)])
        if family == "polygon":
            poly = shapely.Polygon(pts).convex_hull
            if r > 1 and rng.random() < 0.3:  # a hole, sometimes tiny
                poly = poly.difference(shapely.Point(cx, cy).buffer(r * rng.uniform(0.01, 0.3)))
            geoms.append(poly)
        else:
            geoms.append(shapely.LineString(pts))
    arrays = prepare_geometries(np.array(geoms, dtype=object), family)
    assert arrays.heads is not None
    view = MapView(13.7, -21.1, resolution, 400, 300)
    closed = family == "polygon"
    n = arrays.n_parts
    for parts in (None, np.arange(0, n, 3), np.sort(rng.choice(n, n // 2, replace=False))):
        idx = np.arange(n) if parts is None else parts
        coords, offsets = take_vertices(arrays.coords, arrays.offsets, idx)
        px = view.world_to_pixel(coords)
        bounds_px = view.world_to_pixel(arrays.bounds[idx].reshape(-1, 2)).reshape(-1, 4)
        heads = arrays.heads[idx]
        fast = thin_layer(
            view,
            arrays.coords,
            arrays.offsets,
            bounds=arrays.bounds,
            heads=arrays.heads,
            parts=parts,
            closed=closed,
        )
        _assert_same(fast, _old_thin(px, offsets, heads, bounds_px, closed))
        _assert_same(thin_parts(px, offsets, heads, closed=closed, bounds_px=bounds_px), fast)


def test_thin_parts_grid_keys_far_out_and_negative() -> None:
    # vertices beyond 2**30 px share one clipped cell; negative cells compare like positive
    px = np.array(
        [[-0.5, -0.5], [-0.2, -0.9], [-1.2, -0.9], [3e9, 5], [4e9, 5], [4e9, 6], [-0.5, -0.5]]
    )
    offsets = np.array([0, 7])
    bounds_px = np.array([[-1.2, -0.9, 4e9, 6]])
    heads = np.array([True])
    _assert_same(
        thin_parts(px, offsets, heads, closed=True, bounds_px=bounds_px),
        _old_thin(px, offsets, heads, bounds_px, True),
    )


@pytest.mark.parametrize("keep_empty", [False, True])
def test_paths_from_one_stream_hold_exactly_the_vertices(keep_empty: bool) -> None:
    from PySide6.QtCore import Qt

    rng = np.random.default_rng(5)
    px = rng.uniform(-1e4, 1e4, (500, 2))
    moves = rng.random(500) < 0.2
    bounds = [3, 7, 7, 41, 42, 42, 200, 499]  # empty runs, first run not at 0
    moves[bounds] = True
    built = paths_from_vertices(px, moves, np.array(bounds), keep_empty=keep_empty)
    runs = [(a, b) for a, b in itertools.pairwise(bounds) if b > a or keep_empty]
    assert len(built) == len(runs)
    move, line = QPainterPath.ElementType.MoveToElement, QPainterPath.ElementType.LineToElement
    for path, (a, b) in zip(built, runs, strict=True):
        assert path.elementCount() == b - a
        assert path.fillRule() == Qt.FillRule.OddEvenFill
        for i in range(a, b):
            element = path.elementAt(i - a)
            expected = (move if moves[i] else line, px[i, 0], px[i, 1])
            assert (element.type, element.x, element.y) == expected


def test_cancel_during_a_rebuild_still_stops(qapp: object) -> None:
    from PySide6.QtGui import QPainter

    from mgis.render.renderer import new_image

    layers = town(2)
    image = new_image(200, 200)
    painter = QPainter(image)
    calls = iter(range(10**6))
    try:
        stats = MapRenderer(chunk_size=4).render(
            painter, layers, MapView(200, 200, 0.5, 200, 200), cancel=lambda: next(calls) > 3
        )
    finally:
        painter.end()
    assert stats.cancelled
