"""Whole pictures of a map: an image in memory or a PNG file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage, QPainter

from mgis.render.renderer import MapRenderer, ensure_gui_app, new_image

if TYPE_CHECKING:
    from mgis.layers import VectorLayer
    from mgis.render.view import MapView


def render_image(
    layers: Sequence[VectorLayer],
    view: MapView,
    dpi: float = 96,
    *,
    background: str = "#ffffff",
    renderer: MapRenderer | None = None,
) -> QImage:
    """Render ``layers`` into a new image of the view's size.

    Parameters
    ----------
    layers : sequence of VectorLayer
        Bottom first.
    view : MapView
        Extent and pixel size.
    dpi : float
        Resolution stored in the image and used for widths in millimetres.
    background : str
        Background colour, ``#rrggbb[aa]``.
    renderer : MapRenderer, optional
        Reuse a renderer (and its coordinate cache).

    Returns
    -------
    QImage
        The picture.
    """
    ensure_gui_app()
    image = new_image(view.width, view.height, background)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    try:
        (renderer or MapRenderer()).render(painter, layers, view, dpi=dpi)
    finally:
        painter.end()
    return image


def render_png(
    layers: Sequence[VectorLayer], view: MapView, path: Path | str, dpi: float = 96
) -> Path:
    """Render ``layers`` and save the picture as a PNG file; return its path.

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    target = Path(path)
    if not render_image(layers, view, dpi).save(str(target), "PNG"):  # type: ignore[call-overload]
        raise OSError(f"Cannot write the image {target}; check the folder exists and is writable.")
    return target
