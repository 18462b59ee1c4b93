"""I/O benchmark on the demo town: read_layer vs raw pyogrio, project save and open.

Usage: ``python3 benchmarks/bench_io.py [--sizes 100000,300000] [--runs 5]``.
Targets (issue 2): read_layer within 1.2x of raw pyogrio with Arrow; project save and
open of the whole town each <= 5 s. QGIS's load-and-iterate time is printed as the peer
when Debian's python3-qgis is installed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import Result, emit, median_time, peak_rss_mb, print_table, qgis_available, run_qgis

CACHE = Path(tempfile.gettempdir()) / "mgis-bench"

QGIS_READ = """
import sys, time
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False); app.initQgis()
path, runs = PROJECT_PATH, int(sys.argv[1])
for _ in range(runs):
    t = time.perf_counter()
    layer = QgsVectorLayer(path + "|layername=parcels", "parcels", "ogr")
    n = sum(1 for _f in layer.getFeatures())
    print(time.perf_counter() - t)
"""


def _demo(size: int) -> Path:
    from mgis.demo import build_demo

    return build_demo(CACHE / f"town_{size}", parcels=size, seed=1).project_path


def bench_size(size: int, runs: int, results: list[Result]) -> None:
    import pyogrio

    from mgis.io import read_layer
    from mgis.project import Project

    path = _demo(size)
    raw = median_time(lambda: pyogrio.read_dataframe(path, layer="parcels", use_arrow=True), runs)
    emit(Result("io", "raw pyogrio read parcels", size, raw, None), results)
    peer = None
    if qgis_available():
        peer = run_qgis(QGIS_READ.replace("PROJECT_PATH", repr(str(path))), runs)
    ours = median_time(lambda: read_layer(path, "parcels"), runs)
    emit(
        Result(
            "io",
            "read_layer parcels",
            size,
            ours,
            raw * 1.2,
            peak_rss_mb(),
            ours / raw,
            "qgis" if peer else None,
            peer,
        ),
        results,
    )
    project = Project.open(path)
    out = CACHE / f"save_{size}.gpkg"
    save = median_time(lambda: project.save(out), runs)
    emit(Result("io", "project save (all layers)", size, save, 5.0, peak_rss_mb()), results)
    opened = median_time(lambda: Project.open(out), runs)
    emit(Result("io", "project open (all layers)", size, opened, 5.0, peak_rss_mb()), results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,300000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results: list[Result] = []
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(size, args.runs, results)
    print_table(results)


if __name__ == "__main__":
    main()
