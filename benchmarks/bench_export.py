"""Export benchmark on the demo town: export_layer vs raw pyogrio, DXF, and QGIS as the peer.

Usage: ``python3 benchmarks/bench_export.py [--size 300000] [--runs 3]``.
Targets (issue: map sheets and exports): export of the parcels to GeoPackage,
Shapefile and GeoJSON each within 1.3x of raw ``pyogrio.write_dataframe`` of the
same frame; DXF (labels and one DXF layer per owner type) <= 15 s. QGIS's
``QgsVectorFileWriter`` times for Shapefile and GeoJSON are printed as the peer
when Debian's python3-qgis is installed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import Result, emit, median_time, peak_rss_mb, print_table, qgis_available, run_qgis

CACHE = Path(tempfile.gettempdir()) / "mgis-bench"

QGIS_WRITE = """
import sys, time, tempfile, os
from qgis.core import (QgsApplication, QgsVectorLayer, QgsVectorFileWriter,
                       QgsCoordinateTransformContext)
app = QgsApplication([], False); app.initQgis()
path, driver, suffix, runs = PROJECT_PATH, DRIVER, SUFFIX, int(sys.argv[1])
layer = QgsVectorLayer(path + "|layername=parcels", "parcels", "ogr")
out_dir = tempfile.mkdtemp(prefix="mgis-qgis-export-")
for i in range(runs):
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = driver
    options.fileEncoding = "UTF-8"
    target = os.path.join(out_dir, f"parcels_{i}{suffix}")
    t = time.perf_counter()
    QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, target, QgsCoordinateTransformContext(), options)
    print(time.perf_counter() - t)
"""


def _parcels(size: int) -> tuple[Path, object]:
    from mgis.project import Project

    path = CACHE / f"town_{size}" / "demo_town.gpkg"
    if not path.exists():
        from mgis.demo import build_demo

        path = build_demo(path.parent, parcels=size, seed=1).project_path
    return path, Project.open(path).layer("parcels").frame


def _fresh(folder: Path) -> Path:
    """Empty ``folder`` and return it."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _qgis(path: Path, driver: str, suffix: str, runs: int) -> float | None:
    if not qgis_available():
        return None
    script = (
        QGIS_WRITE.replace("PROJECT_PATH", repr(str(path)))
        .replace("DRIVER", repr(driver))
        .replace("SUFFIX", repr(suffix))
    )
    return run_qgis(script, runs)


def _paired(
    first: Callable[[], object], second: Callable[[], object], runs: int
) -> tuple[float, float]:
    """Medians of ``runs`` alternating calls, so both see the same load on a shared machine."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a.append(median_time(first, 1))
        b.append(median_time(second, 1))
    return statistics.median(a), statistics.median(b)


def bench(size: int, runs: int, formats: list[str], results: list[Result]) -> None:
    import pyogrio

    from mgis.io.export import ExportOptions, export_layer

    path, frame = _parcels(size)
    n = len(frame)  # type: ignore[arg-type]
    work = CACHE / "export"
    cases = [
        ("gpkg", "GPKG", ".gpkg", "GeoPackage"),
        ("shp", "ESRI Shapefile", ".shp", "Shapefile"),
        ("geojson", "GeoJSON", ".geojson", "GeoJSON RFC 7946"),
    ]
    for fmt, driver, suffix, label in cases:
        if fmt not in formats:
            continue
        raw_dir = work / f"raw_{fmt}"

        def raw(d: str = driver, s: str = suffix, folder: Path = raw_dir) -> None:
            pyogrio.write_dataframe(frame, _fresh(folder) / f"parcels{s}", driver=d)

        ours_dir = work / f"ours_{fmt}"

        def ours(f: str = fmt, s: str = suffix, folder: Path = ours_dir) -> None:
            export_layer(
                frame,  # type: ignore[arg-type]
                _fresh(folder) / f"parcels{s}",
                f,
                options=ExportOptions(overwrite=True),
            )

        raw_s, ours_s = _paired(raw, ours, runs)
        emit(Result("export", f"raw pyogrio {driver}", n, raw_s, None), results)
        peer = _qgis(path, driver, suffix, runs) if fmt in ("shp", "geojson") else None
        emit(
            Result(
                "export",
                f"export_layer {label}",
                n,
                ours_s,
                raw_s * 1.3,
                peak_rss_mb(),
                ours_s / raw_s,
                "qgis" if peer is not None else None,
                peer,
            ),
            results,
        )
    if "dxf" not in formats:
        return
    dxf_dir = work / "ours_dxf"
    options = ExportOptions(label_field="numer", dxf_layer_field="wlasnosc", overwrite=True)
    dxf_s = median_time(
        lambda: export_layer(frame, _fresh(dxf_dir) / "parcels.dxf", "dxf", options=options),  # type: ignore[arg-type]
        runs,
    )
    emit(
        Result("export", "export_layer DXF (labels, layers)", n, dxf_s, 15.0, peak_rss_mb()),
        results,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="gpkg,shp,geojson,dxf")
    args = parser.parse_args()
    results: list[Result] = []
    try:
        bench(args.size, args.runs, args.formats.split(","), results)
    finally:
        shutil.rmtree(CACHE / "export", ignore_errors=True)
    print_table(results)


if __name__ == "__main__":
    main()
