"""Background rendering of layer pictures for the map canvas (one worker thread)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QImage

from mgis.layers import VectorLayer
from mgis.render import LayerKey, MapRenderer, MapView


@dataclass
class RenderJob:
    """Layers a background render must draw for one view."""

    generation: int
    view: MapView
    todo: list[tuple[LayerKey, VectorLayer]]


class LayerRenderWorker(QObject):
    """Renders the layers of a :class:`RenderJob` off the UI thread.

    A job whose generation is no longer current is abandoned between layers
    and inside the renderer; finished pictures arrive on the UI thread through
    the ``done`` signal.

    Signals
    -------
    done(int, dict, float)
        Generation, ``{LayerKey: QImage}`` and the drawing time in seconds.
    """

    done = Signal(int, object, float)

    def __init__(
        self, renderer: MapRenderer, current: Callable[[], int], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._renderer = renderer
        self._current = current
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    def start(self, job: RenderJob) -> None:
        """Queue ``job`` on the worker thread."""
        self._pool.start(lambda: self._work(job))

    def wait(self, msecs: int = 5000) -> None:
        """Wait for the running job to end."""
        self._pool.waitForDone(msecs)

    def _work(self, job: RenderJob) -> None:
        """Render the job's layers (worker thread); drop the result when stale."""
        images: dict[LayerKey, QImage] = {}
        seconds = 0.0

        def stale() -> bool:
            return job.generation != self._current()

        for key, layer in job.todo:
            if stale():
                return
            image, stats = self._renderer.render_layer_image(layer, job.view, cancel=stale)
            if stats.cancelled:
                return
            images[key] = image
            seconds += stats.seconds or 0.0
        self.done.emit(job.generation, images, seconds)
