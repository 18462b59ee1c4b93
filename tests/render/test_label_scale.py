"""Labels are drawn only within their scale range."""

from __future__ import annotations

import geopandas as gpd
import shapely

from mgis.layers import Style, VectorLayer
from mgis.render import MapRenderer, MapView
from mgis.render.renderer import new_image


def _labels_drawn(style: Style, resolution: float) -> int:
    frame = gpd.GeoDataFrame(
        {"nr": ["12/3", "14"]},
        geometry=[shapely.box(0, 0, 40, 40), shapely.box(50, 0, 90, 40)],
        crs=2180,
    )
    layer = VectorLayer("działki", frame, style=style)
    view = MapView(45, 20, resolution, 400, 300)
    image = new_image(view.width, view.height)
    from PySide6.QtGui import QPainter

    painter = QPainter(image)
    try:
        stats = MapRenderer().render(painter, [layer], view)
    finally:
        painter.end()
    return stats.labels


def test_labels_follow_their_scale_range(qapp: object) -> None:  # text needs an app
    style = Style(label_field="nr", label_min_scale=2000)
    zoomed_in = MapView(0, 0, 0.5, 10, 10).scale_denominator(96)  # about 1:1 900
    assert zoomed_in < 2000
    assert _labels_drawn(style, 0.5) == 2
    assert _labels_drawn(style, 2.0) == 0  # about 1:7 600: beyond the range
    assert _labels_drawn(Style(label_field="nr"), 2.0) == 2
    assert not Style(label_field="nr", label_max_scale=5000).labels_at_scale(1000)
