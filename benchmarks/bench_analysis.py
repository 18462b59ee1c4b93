"""Spatial analysis benchmark on the demo town (300 000 parcels by default).

Usage: ``python3 benchmarks/bench_analysis.py [--parcels 300000] [--runs 3] [--only TASK ...]``.
Uses ``/tmp/mgis-bench/town_<N>/demo_town.gpkg`` when present (opened with
``Project.open``), otherwise builds the demo town there (seed 1).  Prints one JSON
line per task, then a table.

Coordination: every task is a function ``task_<name>(data, runs) -> Result`` listed
in ``TASKS`` below.  Network analyses (distance, service areas, standards, costs)
add their own functions and append them to ``TASKS`` -- keep one entry per task.

The QGIS peer: when Debian's python3-qgis is installed, the same operations run
through QGIS 3.22 processing on the same GeoPackage (data on disk) in a subprocess
and their medians are printed beside ours; otherwise the issue's reference figures
(QGIS processing, data in memory) are printed and marked "qgis (issue ref.)".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd
from _common import (
    Result,
    emit,
    median_time,
    peak_rss_mb,
    print_table,
    qgis_available,
    run_qgis,
)

CACHE = Path(tempfile.gettempdir()) / "mgis-bench"
PEER = "qgis (issue ref.)"
MEASURED: dict[str, float | None] = {}  # QGIS medians by task key, when QGIS ran here
QGIS_SCRIPT = """
import sys, time
sys.path.append("/usr/share/qgis/python/plugins")
from qgis.core import QgsApplication
app = QgsApplication([], False); app.initQgis()
from processing.core.Processing import Processing
Processing.initialize()
import processing
path, task, runs = PROJECT_PATH, TASK, int(sys.argv[1])
L = lambda name: path + "|layername=" + name
def buffers():
    merged = processing.run("native:mergevectorlayers", {"LAYERS": [L("schools"),
        L("kindergartens"), L("bus_stops")], "OUTPUT": "memory:"})["OUTPUT"]
    return processing.run("native:buffer", {"INPUT": merged, "DISTANCE": 500,
        "DISSOLVE": True, "OUTPUT": "memory:"})["OUTPUT"]
zones = buffers() if task == "select" else None
steps = {
    "buffer": buffers,
    "select": lambda: processing.run("native:extractbylocation", {"INPUT": L("parcels"),
        "PREDICATE": [0], "INTERSECT": zones, "OUTPUT": "memory:"}),
    "join": lambda: processing.run("native:joinattributesbylocation", {"INPUT": L("addresses"),
        "JOIN": L("parcels"), "PREDICATE": [0], "METHOD": 0, "OUTPUT": "memory:"}),
    "dissolve": lambda: processing.run("native:dissolve", {"INPUT": L("parcels"),
        "FIELD": ["wlasnosc"], "OUTPUT": "memory:"}),
}
for _ in range(runs):
    t = time.perf_counter(); steps[task](); print(time.perf_counter() - t, flush=True)
"""


def measure_qgis(path: Path, runs: int) -> None:
    """Time the same operations with QGIS processing (when installed) into MEASURED."""
    if not qgis_available():
        return
    for key in ("buffer", "select", "join", "dissolve"):
        script = QGIS_SCRIPT.replace("PROJECT_PATH", repr(str(path))).replace("TASK", repr(key))
        MEASURED[key] = run_qgis(script, 1 if key == "dissolve" else runs)


LAYERS = ("parcels", "schools", "kindergartens", "bus_stops", "addresses", "districts")


def load_town(size: int) -> dict[str, Any]:
    """Return the demo town layers (GeoDataFrames in EPSG:2180) by name."""
    from mgis.project import Project

    folder = CACHE / f"town_{size}"
    path = folder / "demo_town.gpkg"
    if not path.exists():
        from mgis.demo import build_demo

        build_demo(folder, parcels=size, seed=1)
    project = Project.open(path)
    return {name: project.layer(name).frame for name in LAYERS}


def _result(
    task: str, size: int, median: float, target: float, peer: float | None, *, key: str = ""
) -> Result:
    """Build a result row with the peak memory so far and QGIS's figure beside it."""
    label = PEER
    if MEASURED.get(key) is not None:
        peer, label = MEASURED[key], "qgis"
    return Result(
        bench="analysis",
        task=task,
        size=size,
        median_s=round(median, 4),
        target_s=target,
        peak_mb=round(peak_rss_mb() or 0, 1) or None,
        ratio=round(median / target, 2),
        peer=label if peer is not None else None,
        peer_median_s=peer,
    )


def _facilities(data: dict[str, Any]) -> Any:
    """Schools, kindergartens and bus stops in one frame with a ``typ`` column."""
    import geopandas as gpd

    parts = [data[n][["geometry"]].assign(typ=n) for n in ("schools", "kindergartens", "bus_stops")]
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=data["parcels"].crs)


def task_buffers_dissolved(data: dict[str, Any], runs: int) -> Result:
    """500 m buffers of all schools, kindergartens and bus stops, dissolved."""
    from mgis.analysis.geoprocessing import buffer

    facilities = _facilities(data)
    data["_zones"] = buffer(facilities, 500, dissolve=True)[0]
    median = median_time(lambda: buffer(facilities, 500, dissolve=True), runs)
    return _result("buffer 500 m dissolved", len(facilities), median, 0.15, 0.13, key="buffer")


def task_select_parcels(data: dict[str, Any], runs: int) -> Result:
    """Parcels intersecting the dissolved buffers (spatial index built on first use)."""
    from mgis.analysis.geoprocessing import buffer
    from mgis.analysis.selection import select_by_location

    parcels = data["parcels"]
    zones = data.get("_zones")
    if zones is None:
        zones = buffer(_facilities(data), 500, dissolve=True)[0]
    start = time.perf_counter()
    selected, _ = select_by_location(parcels, zones, predicate="intersects")
    cold = time.perf_counter() - start
    print(f"(select: {len(selected)} parcels; first run with index build {cold:.3f} s)")
    median = median_time(lambda: select_by_location(parcels, zones), runs)
    return _result("select parcels ∩ buffers", len(parcels), median, 0.8, 1.3, key="select")


def task_join_addresses(data: dict[str, Any], runs: int) -> Result:
    """Addresses -> parcels spatial join (each address gets its parcel's attributes)."""
    from mgis.analysis.joins import spatial_join

    addresses, parcels = data["addresses"], data["parcels"]
    median = median_time(lambda: spatial_join(addresses, parcels), runs)
    return _result("join addresses → parcels", len(addresses), median, 0.5, 2.8, key="join")


def task_dissolve_owner(data: dict[str, Any], runs: int) -> Result:
    """Dissolve parcels by owner type (``wlasnosc``)."""
    from mgis.analysis.geoprocessing import dissolve

    parcels = data["parcels"]
    holder: dict[str, Any] = {}

    def run() -> None:
        holder["summary"] = dissolve(parcels, "wlasnosc")[1]

    median = median_time(run, max(1, min(runs, 1)))
    print(f"(dissolve: {holder['summary']})")
    return _result("dissolve parcels by owner", len(parcels), median, 7.0, 32.2, key="dissolve")


def task_grid_indicators(data: dict[str, Any], runs: int) -> Result:
    """Parcel count, density and per 1000 residents on a 250 m grid, classified."""
    from mgis.analysis.indicators import grid_indicators

    parcels, addresses = data["parcels"], data["addresses"]

    def run() -> None:
        grid_indicators(parcels, cell=250, residents=addresses, scheme="quantiles")

    median = median_time(run, runs)
    return _result("indicators 250 m grid", len(parcels), median, 2.0, None)


# Tasks in run order.  Network engineer: append your task functions here.
TASKS: list[Callable[[dict[str, Any], int], Result]] = [
    task_buffers_dissolved,
    task_select_parcels,
    task_join_addresses,
    task_dissolve_owner,
    task_grid_indicators,
]


def main() -> int:
    """Run the benchmark and print JSON lines and the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="task function names without 'task_'")
    args = parser.parse_args()
    start = time.perf_counter()
    data = load_town(args.parcels)
    print(f"(town loaded in {time.perf_counter() - start:.1f} s)")
    measure_qgis(CACHE / f"town_{args.parcels}" / "demo_town.gpkg", args.runs)
    results: list[Result] = []
    for task in TASKS:
        if args.only and task.__name__.removeprefix("task_") not in args.only:
            continue
        emit(task(data, args.runs), results)
    print_table(results)
    if MEASURED:
        print("QGIS s = QGIS 3.22 processing run here on the same GeoPackage (data on disk).")
    else:
        print("QGIS s = QGIS 3.22 processing, data in memory: the issue's reference figures.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
