import numpy as np
import pytest

from mgis.render.view import MapView


def test_fit_and_round_trip() -> None:
    v = MapView.fit((0, 0, 200, 100), 400, 100)
    assert v.resolution == pytest.approx(1.0)
    assert v.extent == pytest.approx((-100, 0, 300, 100))
    pts = np.array([[0.0, 0.0], [200.0, 100.0]])
    px = v.world_to_pixel(pts)
    assert px[0] == pytest.approx([100, 100])
    assert px[1] == pytest.approx([300, 0])
    assert v.pixel_to_world(px) == pytest.approx(pts)


def test_scale_and_zoom_keeps_anchor() -> None:
    v = MapView(500_000, 300_000, 1.0, 800, 600)
    assert v.scale_denominator(96) == pytest.approx(1 / 0.0254 * 96)
    assert v.with_scale(5000).scale_denominator() == pytest.approx(5000)
    anchor = (100.0, 50.0)
    before = v.pixel_to_world(anchor)
    z = v.zoomed(2.0, anchor)
    assert z.resolution == pytest.approx(0.5)
    assert z.pixel_to_world(anchor) == pytest.approx(before)
    p = v.panned(10, 0)
    assert p.cx == pytest.approx(v.cx - 10)


def test_invalid_view() -> None:
    with pytest.raises(ValueError, match="resolution"):
        MapView(0, 0, 0.0, 10, 10)
