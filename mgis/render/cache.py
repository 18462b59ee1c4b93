"""LayerImageCache: one rendered picture per layer, so a pan or a style change redraws little."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mgis.render.renderer import style_key

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from mgis.layers import VectorLayer
    from mgis.render.view import MapView


@dataclass(frozen=True)
class LayerKey:
    """What a layer picture depends on: the layer, its data, its style, the view and dpi.

    Visibility and opacity are not part of the key: they are applied when the
    pictures are composed, so toggling a layer redraws nothing.
    """

    layer_id: int
    frame_id: int
    style: str
    view: MapView
    dpi: float

    @classmethod
    def of(cls, layer: VectorLayer, view: MapView, dpi: float = 96) -> LayerKey:
        """Return the key of ``layer`` drawn in ``view`` at ``dpi``."""
        return cls(id(layer), id(layer.frame), style_key(layer.style), view, float(dpi))


class LayerImageCache:
    """A small least-recently-used store of per-layer pictures.

    Parameters
    ----------
    max_entries : int
        Pictures kept; older ones are dropped first.
    """

    def __init__(self, max_entries: int = 32) -> None:
        self.max_entries = max_entries
        self._images: OrderedDict[LayerKey, QImage] = OrderedDict()

    def __len__(self) -> int:
        """Return the number of pictures held."""
        return len(self._images)

    def get(self, key: LayerKey) -> QImage | None:
        """Return the picture for ``key`` or None."""
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
        return image

    def put(self, key: LayerKey, image: QImage) -> None:
        """Store a picture, dropping the oldest beyond ``max_entries``."""
        self._images[key] = image
        self._images.move_to_end(key)
        while len(self._images) > self.max_entries:
            self._images.popitem(last=False)

    def invalidate(self, layer: VectorLayer | None = None) -> None:
        """Drop the pictures of ``layer``, or all of them."""
        if layer is None:
            self._images.clear()
            return
        for key in [k for k in self._images if k.layer_id == id(layer)]:
            del self._images[key]
