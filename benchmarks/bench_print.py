"""Print benchmark on the demo town: map sheets to vector PDF, an atlas, and QGIS's layout export.

Usage: ``python3 benchmarks/bench_print.py [--parcels 300000] [--runs 3] [--no-peer]``.

The project is the demo town (``/tmp/mgis-bench/town_N/demo_town.gpkg``, built
when missing) with its visible layers; parcels are styled by owner
(categorized on ``wlasnosc``). Tasks (medians of ``--runs`` runs, a new
renderer every run, so coordinates and paths are built each time):

* A3 landscape PDF at 300 dpi of the whole town (fitted scale), with legend,
  scale bar, grid, overview map and title block: <= 4 s and <= 15 MB;
* an A4 portrait sheet at 1:2 000 in the town centre: <= 1 s;
* an atlas of 50 investment sheets (A4, fitted scale, each with the table of
  its parcels) into one PDF: <= 30 s. The investments are 50 synthetic
  250 x 200 m areas spread over the town (the demo has no investment layer
  until a register is linked).

QGIS 3.22 (Debian's python3-qgis, when installed) exports the same layers with
simple symbols in a ``QgsPrintLayout`` (A3 landscape, one ``QgsLayoutItemMap``
at the same extent, a legend and a scale bar) with ``QgsLayoutExporter.exportToPdf``
at 300 dpi; its time is printed beside ours. The issue's reference: 8.1 s, 27 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import (
    Result,
    median_time,
    peak_rss_mb,
    print_table,
    qgis_available,
    run_qgis,
)

CACHE = Path(tempfile.gettempdir()) / "mgis-bench"
TARGETS = {"a3": 4.0, "a4": 1.0, "atlas": 30.0}
TARGET_MB = 15.0
BLOCK_TEXT = {"author": "Jan Kowalski", "department": "Wydział Geodezji", "sources": "EGiB"}

QGIS_LAYOUT = """
import sys, time, os
from qgis.core import (QgsApplication, QgsFillSymbol, QgsLineSymbol, QgsMarkerSymbol, QgsProject,
    QgsRectangle, QgsSingleSymbolRenderer, QgsVectorLayer, QgsPrintLayout, QgsLayoutItemMap,
    QgsLayoutItemLegend, QgsLayoutItemScaleBar, QgsLayoutPoint, QgsLayoutSize, QgsUnitTypes,
    QgsLayoutExporter, QgsLayoutItemPage)
app = QgsApplication([], False); app.initQgis()
path, runs = PROJECT_PATH, int(sys.argv[1])
project = QgsProject.instance()
for name, family, props in SPECS:
    layer = QgsVectorLayer(path + "|layername=" + name, name, "ogr")
    make = {"polygon": QgsFillSymbol, "line": QgsLineSymbol, "point": QgsMarkerSymbol}[family]
    layer.setRenderer(QgsSingleSymbolRenderer(make.createSimple(props)))
    project.addMapLayer(layer)
layout = QgsPrintLayout(project)
layout.initializeDefaults()
layout.pageCollection().page(0).setPageSize("A3", QgsLayoutItemPage.Landscape)
mm = QgsUnitTypes.LayoutMillimeters
item = QgsLayoutItemMap(layout)
item.attemptMove(QgsLayoutPoint(14, 28, mm)); item.attemptResize(QgsLayoutSize(300, 255, mm))
item.setExtent(QgsRectangle(*EXTENT))
layout.addLayoutItem(item)
legend = QgsLayoutItemLegend(layout); legend.setLinkedMap(item)
legend.attemptMove(QgsLayoutPoint(330, 90, mm)); layout.addLayoutItem(legend)
bar = QgsLayoutItemScaleBar(layout); bar.setLinkedMap(item); bar.applyDefaultSize()
bar.attemptMove(QgsLayoutPoint(20, 270, mm)); layout.addLayoutItem(bar)
settings = QgsLayoutExporter.PdfExportSettings(); settings.dpi = 300
out = OUT_PATH
for _ in range(runs):
    t = time.perf_counter()
    QgsLayoutExporter(layout).exportToPdf(out, settings)
    print(time.perf_counter() - t)
print("size", os.path.getsize(out), file=sys.stderr)
"""


def _block():  # type: ignore[no-untyped-def]
    from mgis.render.sheet import TitleBlock

    return TitleBlock(**BLOCK_TEXT)


def load_project(parcels: int):  # type: ignore[no-untyped-def]
    """The demo town project with parcels styled by owner."""
    from mgis.layers.classify import categorize
    from mgis.project import Project

    folder = CACHE / f"town_{parcels}"
    path = folder / "demo_town.gpkg"
    if not path.exists():
        from mgis.demo import build_demo

        build_demo(folder, parcels=parcels, seed=1)
    project = Project.open(path)
    layer = project.layer("parcels")
    layer.style = categorize(layer.frame, "wlasnosc", base=layer.style)
    return project, path


def investments(project, count: int = 50):  # type: ignore[no-untyped-def]
    """Add ``count`` synthetic investment areas (250 x 200 m) spread over the town."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from mgis.layers import Style, VectorLayer

    parcels = project.layer("parcels").frame
    rng = np.random.default_rng(1)
    picks = rng.choice(len(parcels), size=count, replace=False)
    centres = shapely.centroid(parcels.geometry.values[picks])
    x, y = shapely.get_x(centres), shapely.get_y(centres)
    frame = gpd.GeoDataFrame(
        {"nazwa": [f"Inwestycja {i + 1:02d} — ul. Łąkowa" for i in range(count)]},
        geometry=shapely.box(x - 125, y - 100, x + 125, y + 100),
        crs=parcels.crs,
    )
    project.layers.append(
        VectorLayer("inwestycje", frame, style=Style(fill="#f28e2b40", stroke="#b3400a"))
    )


def _qgis_peer(path: Path, project, extent, runs: int) -> tuple[float | None, float | None]:  # type: ignore[no-untyped-def]
    from bench_render import _qgis_specs

    layers = [lyr for lyr in project.layers if lyr.visible and lyr.name != "inwestycje"]
    out = Path(tempfile.mkdtemp(prefix="mgis-qgis-print-")) / "a3.pdf"
    script = (
        QGIS_LAYOUT.replace("PROJECT_PATH", repr(str(path)))
        .replace("SPECS", repr(_qgis_specs(layers)))
        .replace("EXTENT", repr(tuple(extent)))
        .replace("OUT_PATH", repr(str(out)))
    )
    seconds = run_qgis(script, runs)
    size = out.stat().st_size / 1e6 if out.exists() else None
    return seconds, size


def emit(
    results: list[Result],
    task: str,
    seconds: float,
    *,
    size: int,
    target: float,
    file_mb: float | None = None,
    peer: float | None = None,
    peer_mb: float | None = None,
) -> None:
    """Print one JSON line (with the PDF size) and keep the figure for the table."""
    result = Result(
        "print", task, size, round(seconds, 3), target, round(peak_rss_mb() or 0, 1), None,
        "qgis" if peer is not None else None, round(peer, 3) if peer is not None else None,
    )  # fmt: skip
    line = json.loads(result.to_json())
    if file_mb is not None:
        line["file_mb"] = round(file_mb, 2)
        line["target_mb"] = TARGET_MB
    if peer_mb is not None:
        line["peer_file_mb"] = round(peer_mb, 2)
    print(json.dumps(line, ensure_ascii=False), flush=True)
    results.append(result)


def bench_sheets(project, path: Path, args: argparse.Namespace, results: list[Result]) -> Path:  # type: ignore[no-untyped-def]
    """The A3 whole-town sheet (with the QGIS peer) and the A4 1:2 000 sheet."""
    from mgis.render.printing import print_pdf
    from mgis.render.sheet import SheetSpec

    out_dir = Path(tempfile.mkdtemp(prefix="mgis-print-"))
    a3 = SheetSpec(
        paper="A3", orientation="landscape", title=project.metadata.get("title", ""),
        subtitle="Działki według własności", title_block=_block(),
    )  # fmt: skip
    a3_pdf = out_dir / "a3.pdf"
    seconds = median_time(lambda: print_pdf(project, a3, a3_pdf), args.runs)
    peer = peer_mb = None
    if not args.no_peer and qgis_available():
        extent = project.full_extent()
        peer, peer_mb = _qgis_peer(path, project, extent, max(1, min(args.runs, 2)))
    emit(
        results, "A3 landscape PDF 300 dpi, town", seconds, size=args.parcels,
        target=TARGETS["a3"], file_mb=a3_pdf.stat().st_size / 1e6, peer=peer, peer_mb=peer_mb,
    )  # fmt: skip
    xmin, ymin, xmax, ymax = project.full_extent()
    a4 = SheetSpec(
        paper="A4", scale=2000, center=((xmin + xmax) / 2, (ymin + ymax) / 2),
        title="Notatka — centrum", title_block=_block(),
    )  # fmt: skip
    a4_pdf = out_dir / "a4.pdf"
    seconds = median_time(lambda: print_pdf(project, a4, a4_pdf), args.runs)
    emit(
        results, "A4 1:2 000 PDF", seconds, size=args.parcels, target=TARGETS["a4"],
        file_mb=a4_pdf.stat().st_size / 1e6,
    )  # fmt: skip
    return out_dir


def bench_atlas(project, out_dir: Path, args: argparse.Namespace, results: list[Result]) -> None:  # type: ignore[no-untyped-def]
    """An atlas of 50 investments, one PDF, each sheet with the table of its parcels."""
    from mgis.render.atlas import print_atlas
    from mgis.render.sheet import SheetSpec

    investments(project)
    spec = SheetSpec(paper="A4", title_block=_block())
    pdf = out_dir / "atlas.pdf"

    def atlas() -> None:
        print_atlas(
            project, spec, "inwestycje", pdf, name_field="nazwa", table_layer="parcels",
            table_fields=["id_dzialki", "wlasnosc", "uzytek"],
        )  # fmt: skip

    seconds = median_time(atlas, args.atlas_runs)
    emit(
        results, "atlas 50 sheets (one PDF)", seconds, size=args.parcels,
        target=TARGETS["atlas"], file_mb=pdf.stat().st_size / 1e6,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--atlas-runs", type=int, default=1)
    parser.add_argument("--no-peer", action="store_true", help="skip QGIS")
    args = parser.parse_args()

    from mgis.render.renderer import ensure_gui_app

    ensure_gui_app()
    project, path = load_project(args.parcels)
    results: list[Result] = []
    out_dir = bench_sheets(project, path, args, results)
    bench_atlas(project, out_dir, args, results)
    print_table(results)
    print(f"Output in {out_dir}")
    if args.no_peer or not qgis_available():
        print("QGIS not run; the issue's reference: QGIS 3.22 A3 at 300 dpi to PDF 8.1 s, 27 MB.")


if __name__ == "__main__":
    main()
