"""Render benchmark on the demo town: the headless MapRenderer against QGIS's parallel renderer.

Usage: ``python3 benchmarks/bench_render.py [--sizes 300000] [--runs 5]``.

Layers parcels, buildings, streets and addresses with the demo styles, on a
1600 x 1000 image. Tasks (medians of ``--runs`` runs):

* full extent, cold: a new renderer on the loaded project (coordinates pulled
  out of shapely, spatial index, Qt paths: everything built), and warm;
* full extent with the Qt paths rebuilt (coordinates cached, path cache emptied),
  and the building of those paths alone (level of detail and Qt paths, no drawing);
* a 1:5 000 and a 1:1 000 view at the town centre, warm and with the paths
  rebuilt (the first frame after a zoom);
* a pan step: the cached layer pictures composed 50 px aside (what the canvas
  shows while dragging), and the re-render after a 50 px pan at 1:5 000;
* a style change of one layer: parcels re-rendered with a new fill at full
  extent, and the four layer pictures composed.

Targets (issue): full extent <= 0.3 s, 1:5 000 <= 35 ms, pan frame <= 16 ms.
QGIS 3.22 draws the same GeoPackage layers with simple symbols of the same
colours and widths (``QgsMapRendererParallelJob``) when Debian's python3-qgis is
installed; its figures are printed beside ours.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import Result, emit, median_time, peak_rss_mb, print_table, qgis_available, run_qgis

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from mgis.layers import VectorLayer
    from mgis.render import MapView

CACHE = Path(tempfile.gettempdir()) / "mgis-bench"
W, H = 1600, 1000
LAYERS = ("parcels", "buildings", "streets", "addresses")
TARGETS = {"full": 0.3, "5000": 0.035, "pan": 0.016}

QGIS_RENDER = """
import sys, time
from qgis.core import (QgsApplication, QgsFillSymbol, QgsLineSymbol, QgsMapRendererParallelJob,
    QgsMapSettings, QgsMarkerSymbol, QgsRectangle, QgsSingleSymbolRenderer, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
app = QgsApplication([], False); app.initQgis()
path, runs = PROJECT_PATH, int(sys.argv[1])
specs = SPECS
layers = []
for name, family, props in specs:
    layer = QgsVectorLayer(path + "|layername=" + name, name, "ogr")
    make = {"polygon": QgsFillSymbol, "line": QgsLineSymbol, "point": QgsMarkerSymbol}[family]
    layer.setRenderer(QgsSingleSymbolRenderer(make.createSimple(props)))
    layers.append(layer)
settings = QgsMapSettings()
settings.setLayers(layers[::-1])  # QGIS lists the top layer first
settings.setOutputSize(QSize(WIDTH, HEIGHT))
settings.setOutputDpi(96)
settings.setBackgroundColor(QColor(255, 255, 255))
settings.setExtent(QgsRectangle(*EXTENT))
def render():
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
render()  # warm the provider caches, as our warm figures are
for _ in range(runs):
    t = time.perf_counter()
    render()
    print(time.perf_counter() - t)
"""


def _demo(size: int) -> Path:
    from mgis.demo import build_demo

    return build_demo(CACHE / f"town_{size}", parcels=size, seed=1).project_path


def _qgis_specs(layers: Sequence[VectorLayer]) -> list[tuple[str, str, dict[str, str]]]:
    """Simple QGIS symbol properties matching our demo styles (colours, widths in mm)."""
    specs = []
    for layer in layers:
        style, family = layer.style, layer.family
        fill, stroke = _qcolour(style.fill), _qcolour(style.stroke)
        width = str(style.stroke_width)
        if family == "polygon":
            props = {"color": fill, "outline_color": stroke, "outline_width": width}
        elif family == "line":
            props = {"line_color": stroke, "line_width": width}
        else:
            props = {
                "name": style.marker,
                "color": fill,
                "outline_color": stroke,
                "outline_width": width,
                "size": str(style.marker_size),
            }
        specs.append((layer.name, family, props))
    return specs


def _qcolour(text: str) -> str:
    """``#rrggbb[aa]`` to QGIS's ``r,g,b,a``."""
    from mgis.render import parse_color

    c = parse_color(text)
    return f"{c.red()},{c.green()},{c.blue()},{c.alpha()}"


def _peer(
    path: Path, layers: Sequence[VectorLayer], extent: tuple[float, ...], runs: int
) -> float | None:
    script = (
        QGIS_RENDER.replace("PROJECT_PATH", repr(str(path)))
        .replace("SPECS", repr(_qgis_specs(layers)))
        .replace("WIDTH", str(W))
        .replace("HEIGHT", str(H))
        .replace("EXTENT", repr(tuple(extent)))
    )
    return run_qgis(script, runs)


class _Bench:
    """The loaded town, one warm renderer and the figures so far."""

    def __init__(self, size: int, runs: int, results: list[Result], peer: bool) -> None:
        from mgis.project import Project
        from mgis.render import MapRenderer, MapView
        from mgis.render.renderer import ensure_gui_app

        ensure_gui_app()
        self.path = _demo(size)
        project = Project.open(self.path)
        self.layers = [lyr for lyr in project.layers if lyr.name in LAYERS]
        for lyr in self.layers:
            lyr.visible = True
        extent = project.full_extent()
        assert extent is not None
        self.full = MapView.fit(extent, W, H)
        self.views = {
            "full": self.full,
            "5000": self.full.with_scale(5000),
            "1000": self.full.with_scale(1000),
        }
        self.runs, self.results = runs, results
        self.size = len(self.layers[0].frame)
        self.renderer = MapRenderer()
        self.peers: dict[str, float | None] = {}
        if peer:
            for key, view in self.views.items():
                self.peers[key] = _peer(self.path, self.layers, view.extent, runs)

    def emit(self, task: str, seconds: float, target: float | None, key: str | None = None) -> None:
        """Print one figure, with QGIS's beside it when there is one for ``key``."""
        other = self.peers.get(key) if key else None
        ratio = seconds / other if other else None
        peer = "qgis" if other else None
        result = Result(
            "render", task, self.size, seconds, target, peak_rss_mb(), ratio, peer, other
        )
        emit(result, self.results)

    def time(self, func: Callable[[], object]) -> float:
        """Median seconds of ``runs`` calls."""
        return median_time(func, self.runs)

    def compose(self, pictures: list[QImage], dx: int = 0) -> QImage:
        """Stack layer pictures on white, shifted ``dx`` pixels (the canvas's compose)."""
        from PySide6.QtGui import QColor, QPainter

        from mgis.render.renderer import new_image

        image = new_image(W, H)
        painter = QPainter(image)
        painter.fillRect(0, 0, W, H, QColor(255, 255, 255))
        for picture in pictures:
            painter.drawImage(dx, 0, picture)
        painter.end()
        return image

    def views_tasks(self) -> None:
        """Full extent cold, warm and with paths rebuilt; 1:5 000 and 1:1 000."""
        from mgis.render import MapRenderer, render_image

        layers, full, renderer = self.layers, self.full, self.renderer
        cold = self.time(lambda: render_image(layers, full, renderer=MapRenderer()))
        self.emit("full extent, cold (first render)", cold, None, "full")
        render_image(layers, full, renderer=renderer)
        warm = self.time(lambda: render_image(layers, full, renderer=renderer))
        self.emit("full extent, warm", warm, TARGETS["full"], "full")

        def rebuilt() -> None:
            renderer.path_cache.invalidate()
            render_image(layers, full, renderer=renderer)

        self.emit("full extent, paths rebuilt", self.time(rebuilt), TARGETS["full"], "full")

        def built() -> None:
            renderer.path_cache.invalidate()
            for layer in layers:
                if renderer.arrays(layer).family != "point":  # (layer.family costs 20 ms)
                    renderer.prepared_paths(layer, full)

        self.emit("full extent, paths built (not drawn)", self.time(built), None)
        for key, label in (("5000", "1:5 000 view"), ("1000", "1:1 000 view")):
            view = self.views[key]
            render_image(layers, view, renderer=renderer)
            seconds = self.time(partial(render_image, layers, view, renderer=renderer))
            self.emit(label, seconds, TARGETS.get(key), key)

            def zoomed(v: MapView = view) -> None:
                renderer.path_cache.invalidate()  # first frame at a new scale
                render_image(layers, v, renderer=renderer)

            self.emit(f"{label}, paths rebuilt", self.time(zoomed), None, key)

    def pan_tasks(self) -> None:
        """The pan frame (cached pictures moved) and the re-render after a pan at 1:5 000."""
        layers, renderer, zoom = self.layers, self.renderer, self.views["5000"]
        pictures = [renderer.render_layer_image(lyr, zoom)[0] for lyr in layers]
        frame = self.time(lambda: self.compose(pictures, 50))
        self.emit("pan frame (cached, moved 50 px)", frame, TARGETS["pan"])
        steps = iter(range(1, 10**6))

        def pan_render() -> None:
            view = zoom.panned(50 * next(steps), 0)
            self.compose([renderer.render_layer_image(lyr, view)[0] for lyr in layers])

        self.emit("re-render after 50 px pan", self.time(pan_render), TARGETS["5000"])

    def restyle_task(self) -> None:
        """Parcels restyled at full extent: only they re-render, then all are composed."""
        from mgis.layers import Style

        layers, renderer, full = self.layers, self.renderer, self.full
        parcels, base = layers[0], layers[0].style
        styles = [
            Style(fill=fill, stroke=base.stroke, stroke_width=base.stroke_width)
            for fill in ("#e5f5e0", "#fee6ce")
        ]
        pictures = [renderer.render_layer_image(lyr, full)[0] for lyr in layers]
        flips = iter(range(10**6))

        def restyle() -> None:
            parcels.style = styles[next(flips) % 2]
            pictures[0] = renderer.render_layer_image(parcels, full)[0]
            self.compose(pictures)

        self.emit("restyle parcels (full extent)", self.time(restyle), None)
        parcels.style = base


def bench_size(size: int, runs: int, results: list[Result], peer: bool) -> None:
    """Run every task on the town of ``size`` parcels."""
    bench = _Bench(size, runs, results, peer)
    bench.views_tasks()
    bench.pan_tasks()
    bench.restyle_task()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="300000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-peer", action="store_true", help="skip QGIS even when installed")
    args = parser.parse_args()
    peer = not args.no_peer and qgis_available()
    results: list[Result] = []
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(size, args.runs, results, peer)
    print_table(results)


if __name__ == "__main__":
    main()
