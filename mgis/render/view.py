"""MapView: what part of the map is shown on a device of a given pixel size (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

Extent = tuple[float, float, float, float]

INCH_M = 0.0254
"""One inch in metres: converts pixels at a dpi to metres on paper or screen."""


@dataclass(frozen=True)
class MapView:
    """A map window: its centre, its resolution and the device size in pixels.

    Pixel coordinates grow right and down with (0, 0) at the top-left corner
    of the device; world coordinates grow right and up.

    Parameters
    ----------
    cx, cy : float
        Map coordinates of the device centre.
    resolution : float
        Map units per pixel (> 0).
    width, height : int
        Device size in pixels.
    """

    cx: float
    cy: float
    resolution: float
    width: int
    height: int

    def __post_init__(self) -> None:
        """Refuse sizes and resolutions that cannot be drawn."""
        if not (self.resolution > 0 and np.isfinite(self.resolution)):
            raise ValueError(f"resolution must be a positive number, not {self.resolution}")
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"view size must be positive, not {self.width}x{self.height}")

    @classmethod
    def fit(cls, extent: Extent, width: int, height: int, margin: float = 0.0) -> MapView:
        """Return the view showing all of ``extent`` on a ``width`` x ``height`` device.

        Parameters
        ----------
        extent : tuple of float
            ``(xmin, ymin, xmax, ymax)`` in map units.
        width, height : int
            Device size in pixels.
        margin : float
            Extra room around the extent, as a fraction of its size (0.05 = 5 %).

        Returns
        -------
        MapView
            The centred view; a degenerate extent (a single point) gets 1 unit per pixel.
        """
        xmin, ymin, xmax, ymax = extent
        w, h = max(int(width), 1), max(int(height), 1)
        dx, dy = (xmax - xmin) * (1 + margin), (ymax - ymin) * (1 + margin)
        res = max(dx / w, dy / h)
        if not (res > 0 and np.isfinite(res)):
            res = 1.0
        return cls((xmin + xmax) / 2, (ymin + ymax) / 2, float(res), w, h)

    @property
    def extent(self) -> Extent:
        """The ``(xmin, ymin, xmax, ymax)`` map extent covered by the device."""
        hw, hh = self.width * self.resolution / 2, self.height * self.resolution / 2
        return (self.cx - hw, self.cy - hh, self.cx + hw, self.cy + hh)

    def world_to_pixel(self, xy: ArrayLike) -> NDArray[np.float64]:
        """Transform an ``(N, 2)`` array of map coordinates to device pixels.

        Parameters
        ----------
        xy : array_like
            Map coordinates, shape ``(N, 2)`` or ``(2,)``.

        Returns
        -------
        numpy.ndarray
            Pixel coordinates of the same shape.
        """
        a = np.asarray(xy, dtype=np.float64)
        out = np.empty_like(a)
        out[..., 0] = (a[..., 0] - self.cx) / self.resolution + self.width / 2
        out[..., 1] = (self.cy - a[..., 1]) / self.resolution + self.height / 2
        return out

    def pixel_to_world(self, xy: ArrayLike) -> NDArray[np.float64]:
        """Transform device pixels (``(N, 2)`` or ``(2,)``) to map coordinates."""
        a = np.asarray(xy, dtype=np.float64)
        out = np.empty_like(a)
        out[..., 0] = (a[..., 0] - self.width / 2) * self.resolution + self.cx
        out[..., 1] = self.cy - (a[..., 1] - self.height / 2) * self.resolution
        return out

    def scale_denominator(self, dpi: float = 96.0) -> float:
        """Return N of the scale 1:N for map units in metres on a device of ``dpi``."""
        return self.resolution * dpi / INCH_M

    def with_scale(self, denominator: float, dpi: float = 96.0) -> MapView:
        """Return this view at scale 1:``denominator`` keeping its centre."""
        return replace(self, resolution=denominator * INCH_M / dpi)

    def zoomed(self, factor: float, anchor: tuple[float, float] | None = None) -> MapView:
        """Return the view zoomed in by ``factor`` (>1 zooms in) about a pixel ``anchor``.

        The map point under ``anchor`` stays under it; without an anchor the
        centre stays put.
        """
        res = self.resolution / factor
        if anchor is None:
            return replace(self, resolution=res)
        ax, ay = anchor
        wx, wy = self.pixel_to_world((ax, ay))
        cx = wx - (ax - self.width / 2) * res
        cy = wy + (ay - self.height / 2) * res
        return replace(self, cx=float(cx), cy=float(cy), resolution=res)

    def panned(self, dx: float, dy: float) -> MapView:
        """Return the view after dragging the map by ``(dx, dy)`` pixels."""
        return replace(self, cx=self.cx - dx * self.resolution, cy=self.cy + dy * self.resolution)

    def resized(self, width: int, height: int) -> MapView:
        """Return the view with a new device size, same centre and resolution."""
        return replace(self, width=max(int(width), 1), height=max(int(height), 1))

    def scaled_device(self, factor: float) -> MapView:
        """Return the same map extent on a device ``factor`` times larger (e.g. for dpi)."""
        return replace(
            self,
            resolution=self.resolution / factor,
            width=max(round(self.width * factor), 1),
            height=max(round(self.height * factor), 1),
        )
