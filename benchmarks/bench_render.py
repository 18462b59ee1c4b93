"""Benchmark: full redraws of a town-sized map with MapRenderer.

Run: ``PYTHONPATH=. python3 benchmarks/bench_render.py [--parcels 300000] [--points 100000]``.
Prints one JSON line per task, then a table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from dataclasses import dataclass

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import geopandas as gpd
import numpy as np
import shapely

from mgis.layers import Style, VectorLayer
from mgis.render import MapRenderer, MapView, render_image
from mgis.render.renderer import ensure_gui_app

TARGET_S = 1.2
W, H = 1600, 1000


@dataclass
class Result:
    task: str
    size: int
    median_s: float
    peak_mb: float


def town(parcels: int, points: int, seed: int = 1) -> list[VectorLayer]:
    """Return parcel polygons (jittered quads, ~30 m) and address points on a grid."""
    try:
        from mgis.demo.town import generate_town
    except ImportError:
        generate_town = None
    if generate_town is not None and os.environ.get("MGIS_BENCH_SYNTHETIC") != "1":
        demo = generate_town(parcels=parcels, seed=seed)
        return [
            VectorLayer("parcels", demo.layers["parcels"], style=Style.for_geometry("polygon")),
            VectorLayer(
                "addresses",
                demo.layers["addresses"],
                style=Style.for_geometry("point", marker_size=1.5),
            ),
        ]
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(parcels)))
    ix, iy = np.divmod(np.arange(parcels), side)
    size = 30.0
    x0, y0 = 600_000 + ix * size, 450_000 + iy * size
    jit = rng.uniform(0, 4, (parcels, 8))
    ring = np.stack(
        [
            np.column_stack([x0 + jit[:, 0], y0 + jit[:, 1]]),
            np.column_stack([x0 + size - jit[:, 2], y0 + jit[:, 3]]),
            np.column_stack([x0 + size - jit[:, 4], y0 + size - jit[:, 5]]),
            np.column_stack([x0 + jit[:, 6], y0 + size - jit[:, 7]]),
        ],
        axis=1,
    )
    polys = shapely.polygons(ring)
    frame = gpd.GeoDataFrame({"nr": np.arange(parcels).astype(str)}, geometry=polys, crs=2180)
    pidx = rng.choice(parcels, points, replace=points > parcels)
    pts = shapely.points(
        x0[pidx] + rng.uniform(5, 25, points), y0[pidx] + rng.uniform(5, 25, points)
    )
    addr = gpd.GeoDataFrame({"nr": np.arange(points)}, geometry=pts, crs=2180)
    return [
        VectorLayer("parcels", frame, style=Style.for_geometry("polygon")),
        VectorLayer("addresses", addr, style=Style.for_geometry("point", marker_size=1.5)),
    ]


def peak_mb() -> float:
    """Peak resident memory of this process in MB."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def timed(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parcels", type=int, default=300_000)
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    ensure_gui_app()
    layers = town(args.parcels, args.points)
    parcels = layers[:1]
    extent = tuple(float(v) for v in layers[0].frame.total_bounds)
    full = MapView.fit(extent, W, H)  # type: ignore[arg-type]
    zoom = full.with_scale(5000)
    results: list[Result] = []

    def run(task: str, lyrs: list[VectorLayer], view: MapView, warm: bool = True) -> None:
        renderer = MapRenderer()
        if warm:
            render_image(lyrs, view, renderer=renderer)
            fn = lambda: render_image(lyrs, view, renderer=renderer)  # noqa: E731
        else:
            fn = lambda: render_image(lyrs, view, renderer=MapRenderer())  # noqa: E731
        med = timed(fn, args.runs)
        size = sum(len(lyr.frame) for lyr in lyrs)
        results.append(Result(task, size, med, peak_mb()))
        line = {"bench": "render", "task": task, "size": size, "median_s": round(med, 4)}
        line |= {"target_s": TARGET_S, "peak_mb": round(peak_mb(), 1)}
        print(json.dumps(line), flush=True)

    run("parcels_full_extent_cold", parcels, full, warm=False)
    run("parcels_full_extent", parcels, full)
    run("parcels_1_5000", parcels, zoom)
    run("parcels+points_full_extent", layers, full)
    run("parcels+points_1_5000", layers, zoom)
    aa = MapRenderer(antialias=True)
    render_image(parcels, full, renderer=aa)
    med = timed(lambda: render_image(parcels, full, renderer=aa), args.runs)
    results.append(Result("parcels_full_extent_antialiased", len(parcels[0].frame), med, peak_mb()))
    print(
        json.dumps(
            {
                "bench": "render",
                "task": results[-1].task,
                "size": results[-1].size,
                "median_s": round(med, 4),
                "target_s": TARGET_S,
                "peak_mb": round(peak_mb(), 1),
            }
        ),
        flush=True,
    )
    print(f"\n{'task':34} {'features':>9} {'median s':>9} {'target s':>9} {'peak MB':>8}")
    for r in results:
        print(f"{r.task:34} {r.size:9d} {r.median_s:9.3f} {TARGET_S:9.1f} {r.peak_mb:8.0f}")


if __name__ == "__main__":
    main()
