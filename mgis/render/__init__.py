"""Map rendering with QtGui only (no widgets), so printing and PNG export work headless."""

from mgis.render.cache import LayerImageCache, LayerKey
from mgis.render.export import render_image, render_png
from mgis.render.renderer import MapRenderer, RenderStats, ensure_gui_app
from mgis.render.symbols import parse_color
from mgis.render.view import MapView

__all__ = [
    "LayerImageCache",
    "LayerKey",
    "MapRenderer",
    "MapView",
    "RenderStats",
    "ensure_gui_app",
    "parse_color",
    "render_image",
    "render_png",
]
