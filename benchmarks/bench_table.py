"""Attribute table benchmark: open, sort, filter, scroll and sync 300 000 parcels (offscreen).

Usage: ``python3 benchmarks/bench_table.py [--parcels 300000] [--runs 5]``.
Uses ``/tmp/mgis-bench/town_<N>/demo_town.gpkg`` (layer ``parcels``) when present,
otherwise generates the demo town.  Target (issue): the table of 300k rows opens
(model + view shown and painted) in <= 1 s.  Prints JSON lines, then a table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from _common import Result, emit, median_time, peak_rss_mb, print_table
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mgis.layers import VectorLayer
from mgis.layers.selection import SelectMode
from mgis.project import Project
from mgis.ui.attribute_table import AttributeTableWidget
from mgis.ui.controller import ProjectController

CACHE = Path(tempfile.gettempdir()) / "mgis-bench"
EXPRESSION = 'wlasnosc == "Gmina" and pow_m2 > 1000'
OPEN_TARGET_S = 1.0


def load_parcels(size: int):  # type: ignore[no-untyped-def]
    """Return the parcels of the demo town (from the cached GeoPackage when present)."""
    path = CACHE / f"town_{size}" / "demo_town.gpkg"
    if path.exists():
        import pyogrio

        return pyogrio.read_dataframe(path, layer="parcels")
    from mgis.demo.town import generate_town

    return generate_town(parcels=size, seed=1).layers["parcels"]


def painted(widget: AttributeTableWidget, app: QApplication) -> None:
    """Process pending events and paint the visible rows now."""
    app.processEvents()
    widget.view.viewport().repaint()


def bench_open(controller: ProjectController, app: QApplication, n: int, runs: int) -> Result:
    """Time creating, showing and painting the table, then closing it."""

    def open_and_close() -> None:
        widget = open_table(controller, app)
        widget.close()
        widget.deleteLater()
        app.processEvents()

    open_and_close()  # warm-up: imports, fonts
    seconds = median_time(open_and_close, runs)
    return Result("table", "open table (model + view)", n, seconds, OPEN_TARGET_S, peak_rss_mb())


def open_table(controller: ProjectController, app: QApplication) -> AttributeTableWidget:
    """Open the parcels' table, shown and painted."""
    widget = AttributeTableWidget(controller, "parcels")
    widget.resize(1400, 700)
    widget.show()
    painted(widget, app)
    return widget


def bench_sort(widget: AttributeTableWidget, app: QApplication, name: str, runs: int) -> float:
    """Median time of sorting by ``name`` from feature order, painted."""
    model = widget.model
    column = model.columns.index(name)
    times = []
    for _ in range(runs):
        model.sort(-1)
        start = time.perf_counter()
        model.sort(column, Qt.SortOrder.AscendingOrder)
        painted(widget, app)
        times.append(time.perf_counter() - start)
    model.sort(-1)
    return float(np.median(times))


def bench_filters(
    widget: AttributeTableWidget, app: QApplication, runs: int
) -> tuple[float, float]:
    """Median times of an expression filter and a text filter (each applied and cleared)."""

    def expression() -> None:
        widget.expression_edit.setText(EXPRESSION)
        widget.apply_expression()
        painted(widget, app)
        widget.expression_edit.setText("")
        widget.apply_expression()

    def text_filter() -> None:
        widget.filter_edit.setText("gmina")
        widget.apply_text_filter()
        painted(widget, app)
        widget.filter_edit.setText("")
        widget.apply_text_filter()

    return median_time(expression, runs), median_time(text_filter, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    frame = load_parcels(args.parcels)
    n = len(frame)
    controller = ProjectController(Project(layers=[VectorLayer("parcels", frame)]))
    results: list[Result] = []
    emit(bench_open(controller, app, n, args.runs), results)
    widget = open_table(controller, app)
    for name in ("wlasnosc", "id_dzialki", "pow_m2"):
        seconds = bench_sort(widget, app, name, args.runs)
        emit(Result("table", f"sort by {name}", n, seconds, None), results)
    expression, text = bench_filters(widget, app, args.runs)
    emit(Result("table", "filter by expression (+ clear)", n, expression, None), results)
    emit(Result("table", "filter by text (+ clear)", n, text, None), results)
    bar = widget.view.verticalScrollBar()

    def scroll() -> None:
        for step in range(100):
            bar.setValue(bar.maximum() * step // 99)
            app.processEvents()  # paints the newly shown rows

    emit(Result("table", "scroll: 100 jumps, each painted", n, median_time(scroll, args.runs),
                None), results)  # fmt: skip
    rng = np.random.default_rng(1)
    picked = np.sort(rng.choice(n, n // 10, replace=False))
    widget.model.sort(widget.model.columns.index("id_dzialki"), Qt.SortOrder.AscendingOrder)

    def sync() -> None:
        controller.select("parcels", picked, SelectMode.NEW)
        painted(widget, app)
        controller.clear_selection()

    emit(Result("table", f"map selects {n // 10} -> table rows", n, median_time(sync, args.runs),
                None, peak_rss_mb()), results)  # fmt: skip
    print_table(results)


if __name__ == "__main__":
    main()
