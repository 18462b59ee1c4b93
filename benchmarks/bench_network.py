"""Walking-network benchmark on the demo town: distances from every parcel, art. 13f check.

Usage: ``python3 benchmarks/bench_network.py [--parcels 300000] [--runs 3]``.
Uses ``/tmp/mgis-bench/town_<N>/demo_town.gpkg`` when present, else builds it with
``mgis.demo.build_demo``. Targets (issue): network distances from all 300k parcels
to the nearest school, kindergarten and bus stop <= 15 s (network built, parcels
attached once from their boundary, three multi-source runs); the art. 13f check
for all housing parcels (``uzytek == "B"``) <= 30 s. Layers are loaded once, outside
the timings. Prints JSON lines, then a table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from _common import Result, emit, median_time, peak_rss_mb, print_table

from mgis.analysis.network import build_network, facility_distances
from mgis.analysis.network_graph import attach
from mgis.analysis.standards import check_standards

CACHE = Path(tempfile.gettempdir()) / "mgis-bench"
DISTANCE_TARGET_S = 15.0
STANDARDS_TARGET_S = 30.0
LAYERS = ("streets", "parcels", "schools", "kindergartens", "bus_stops", "green_areas")


def load(size: int) -> dict[str, object]:
    """Return the demo town layers needed (GeoDataFrames)."""
    from mgis.demo import build_demo
    from mgis.project import Project

    folder = CACHE / f"town_{size}"
    path = folder / "demo_town.gpkg"
    if not path.exists():
        build_demo(folder, parcels=size, seed=1)
    project = Project.open(path)
    return {name: project.layer(name).frame for name in LAYERS}


def distances(layers: dict[str, object]) -> None:
    """Network distances from every parcel to the nearest school, kindergarten and stop."""
    net = build_network(layers["streets"])
    targets = attach(net, np.asarray(layers["parcels"].geometry.array))  # type: ignore[attr-defined]
    for name in ("schools", "kindergartens", "bus_stops"):
        geoms = np.asarray(layers[name].geometry.array)  # type: ignore[attr-defined]
        facility_distances(net, targets, geoms)


def standards(layers: dict[str, object]) -> None:
    """The art. 13f check for all housing parcels."""
    parcels = layers["parcels"]
    housing = (parcels.uzytek == "B").to_numpy()  # type: ignore[attr-defined]
    check_standards(
        parcels, layers["streets"], layers["schools"], layers["green_areas"], housing=housing
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    layers = load(args.parcels)
    n = len(layers["parcels"])  # type: ignore[arg-type]
    housing = int((layers["parcels"].uzytek == "B").sum())  # type: ignore[attr-defined]
    results: list[Result] = []
    t = median_time(lambda: distances(layers), args.runs)
    emit(Result("network", "distances parcels->3 facility types", n, t, DISTANCE_TARGET_S,
                peak_rss_mb()), results)  # fmt: skip
    t = median_time(lambda: standards(layers), args.runs)
    emit(Result("network", "art. 13f check (housing parcels)", housing, t, STANDARDS_TARGET_S,
                peak_rss_mb()), results)  # fmt: skip
    print_table(results)


if __name__ == "__main__":
    main()
