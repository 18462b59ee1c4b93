"""Analysis dialogs collect parameters; the window runs them, styles results, reports problems."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mgis.analysis.costs import CostRates
from mgis.demo import build_demo
from mgis.project import Project
from mgis.ui import i18n
from mgis.ui.analysis_actions import AnalysisUi, menu_items
from mgis.ui.analysis_dialogs import parse_distances
from mgis.ui.analysis_dialogs2 import IndicatorsDialog, ServiceAreaDialog, StandardsDialog
from mgis.ui.analysis_dialogs3 import CostDialog, parse_outlays
from mgis.ui.analysis_dialogs_geo import BufferDialog
from mgis.ui.analysis_dialogs_select import SelectExpressionDialog, SelectLocationDialog
from mgis.ui.analysis_jobs import AnalysisOutcome
from mgis.ui.analysis_params import (
    BufferParams,
    CostParams,
    CoverageParams,
    RingsParams,
    SelectExpressionParams,
    StandardsParams,
)
from mgis.ui.main_window import MainWindow
from mgis.ui.summary_view import SummaryView
from mgis.ui.workers import Worker


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return build_demo(tmp_path_factory.mktemp("demo"), parcels=1500, seed=3).project_path


@pytest.fixture
def project(demo_path: Path) -> Project:
    return Project.open(demo_path)


@pytest.fixture
def window(qtbot, demo_path: Path):  # type: ignore[no-untyped-def]
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_project(demo_path)
    yield win
    win.canvas.shutdown()


def _run(qtbot, ui: AnalysisUi, params) -> AnalysisOutcome:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(ui.done, timeout=60_000) as blocker:
        ui.run(params)
    return blocker.args[0]  # type: ignore[no-any-return]


def test_parsing_distances_and_outlays() -> None:
    assert parse_distances("1000, 300;500 300") == (300.0, 500.0, 1000.0)
    for bad in ("", "abc", "-5", "0"):
        with pytest.raises(ValueError, match="metres"):
            parse_distances(bad)
    assert parse_outlays("2026: 500 000, 2025:1000000; 2025: 1") == (
        (2025, 1000001.0),
        (2026, 500000.0),
    )
    with pytest.raises(ValueError, match="YEAR"):
        parse_outlays("2025 1000")


def test_dialogs_prefill_the_demo_layers(qtbot, project: Project) -> None:  # type: ignore[no-untyped-def]
    dialog = StandardsDialog(project)
    qtbot.addWidget(dialog)
    params = dialog.parameters()
    assert isinstance(params, StandardsParams)
    assert (params.parcels, params.network, params.schools, params.green) == (
        "parcels", "streets", "schools", "green_areas",
    )  # fmt: skip
    assert params.zones == "plan_zones"
    assert params.zone_values == ("MN", "MW")
    assert params.thresholds.school_m == 1500.0
    dialog.rural.setChecked(True)
    assert dialog.parameters().thresholds.school_m == 3000.0
    # only line layers are offered as the street network
    networks = [dialog.network.itemData(i) for i in range(dialog.network.count())]
    assert networks == ["streets"]
    buffer = BufferDialog(project)
    qtbot.addWidget(buffer)
    buffer.distances.setText("500, 300")
    buffer.rings.setChecked(True)
    assert buffer.parameters() == BufferParams("bus_stops", (300.0, 500.0), rings=True)
    service = ServiceAreaDialog(project)
    qtbot.addWidget(service)
    service.width_box.setValue(0)
    service.accept()
    assert not service.result()
    assert service.message.isVisibleTo(service)


def test_ok_is_refused_until_complete(qtbot, project: Project) -> None:  # type: ignore[no-untyped-def]
    dialog = SelectExpressionDialog(project)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert not dialog.result()
    assert dialog.message.text() == "Write an expression."
    dialog.expression.setText('wlasnosc == "Gmina"')
    dialog.accept()
    assert dialog.result()
    assert dialog.parameters() == SelectExpressionParams("parcels", 'wlasnosc == "Gmina"')
    indicators = IndicatorsDialog(project)
    qtbot.addWidget(indicators)
    indicators.stat.setCurrentIndex(indicators.stat.findData("sum"))
    with pytest.raises(ValueError, match="field to sum"):
        indicators.parameters()


def test_cost_dialog_uses_the_registers_exact_values(qtbot, project: Project) -> None:  # type: ignore[no-untyped-def]
    choices = {"7": ("7 — Park", {2025: 1234.567, 2026: 10.0}, 4010.97671)}
    dialog = CostDialog(project, choices)
    qtbot.addWidget(dialog)
    assert dialog.choose("7")
    assert dialog.outlays.text() == "2025: 1234.57, 2026: 10.00"
    params = dialog.parameters()
    assert params == CostParams(((2025, 1234.567), (2026, 10.0)), 4010.97671, investment="7")
    assert params.rates == CostRates()
    dialog.land.setValue(5000)  # the user's own figures win
    dialog.outlays.setText("2025: 1")
    assert dialog.parameters().land_m2 == 5000
    assert dialog.parameters().outlays == ((2025, 1.0),)


def test_menu_sits_after_layer_in_polish(qtbot) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language("pl")
    try:
        win = MainWindow()
        qtbot.addWidget(win)
        titles = [a.text() for a in win.menuBar().actions()]
        assert titles.index("&Analiza") == titles.index(i18n.tr("&Layer")) + 1
        ui: AnalysisUi = win.analysis_ui  # type: ignore[attr-defined]
        texts = [a.text() for a in ui.menu.actions() if not a.isSeparator()]
        assert len(texts) == 15 == len([k for k, _ in menu_items() if k])
        assert "Standardy z art. 13f…" in [t.replace("&", "") for t in texts]
        win.canvas.shutdown()
    finally:
        i18n.set_language("en")


def test_every_dialog_runs_and_adds_a_styled_layer(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ui: AnalysisUi = window.analysis_ui
    modes = {}
    for kind, _ in menu_items():
        if not kind or kind.startswith("select") or kind == "costs":
            continue
        dialog = ui.dialog(kind)
        qtbot.addWidget(dialog)
        if kind == "investments":  # the demo has no investment areas until linked
            dialog.areas.setCurrentIndex(dialog.areas.findData("districts"))
        outcome = _run(qtbot, ui, dialog.parameters())
        layer = window.project.layer(window.project.layer_names()[-1])
        assert layer.frame is not None
        assert len(layer.frame)
        modes[kind] = layer.style.mode
        assert outcome.tables
        assert ui.summary is not None
    assert modes["rings"] == modes["service_area"] == modes["distance"] == "graduated"
    assert modes["indicators"] == "graduated"
    assert modes["coverage"] == modes["standards"] == "categorized"
    standards = window.project.layer("parcels_art13f").style
    assert [c.fill for c in standards.classes] == ["#1a9641", "#d7191c"]
    window.controller.undo()
    assert "districts_stats" not in window.project.layer_names()


def test_select_by_location_changes_the_selection_not_the_layers(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ui: AnalysisUi = window.analysis_ui
    dialog = SelectLocationDialog(window.project)
    qtbot.addWidget(dialog)
    dialog.by.setCurrentIndex(dialog.by.findData("schools"))
    dialog.predicate.setCurrentIndex(dialog.predicate.findData("dwithin"))
    dialog.distance.setValue(300)
    names = window.project.layer_names()
    outcome = _run(qtbot, ui, dialog.parameters())
    parcels = window.project.layer("parcels")
    first = parcels.selected.copy()
    assert len(first) == outcome.summary.selected > 0
    assert window.project.layer_names() == names
    dialog.mode.setCurrentIndex(dialog.mode.findData("remove"))
    dialog.distance.setValue(100)
    _run(qtbot, ui, dialog.parameters())
    assert 0 < len(parcels.selected) < len(first)
    assert set(parcels.selected) <= set(first)


def test_input_problems_are_told_in_plain_words(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ui: AnalysisUi = window.analysis_ui
    names = window.project.layer_names()
    with qtbot.waitSignal(ui.failed, timeout=30_000) as blocker:
        ui.run(CoverageParams(zones="schools", points="addresses"))  # points are no zones
    text = blocker.args[0]
    assert "zones" in text
    assert "polygon" in text
    assert "Traceback" not in text
    assert "AnalysisError" not in text
    assert ui.error_box is not None
    assert text in ui.error_box.text()
    ui.error_box.close()
    with qtbot.waitSignal(ui.failed, timeout=30_000) as blocker:
        ui.run(SelectExpressionParams("parcels", "no_such_field > 3"))
    assert "no_such_field" in blocker.args[0]
    ui.error_box.close()
    with qtbot.waitSignal(ui.failed, timeout=30_000):
        assert ui.run(BufferParams("gone")) is None
    assert window.project.layer_names() == names


def test_cancel_leaves_the_project_unchanged(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import mgis.ui.analysis_actions as actions

    release = __import__("threading").Event()
    real = actions.run_analysis

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(actions, "run_analysis", slow)
    ui: AnalysisUi = window.analysis_ui
    names = window.project.layer_names()
    undo = window.controller.stack.undo_label
    worker = ui.run(RingsParams("bus_stops"))
    assert isinstance(worker, Worker)
    assert window.progress.worker is worker
    window.progress.cancel()  # the Cancel button of the status bar
    with qtbot.waitSignal(worker.canceled, timeout=20_000):
        release.set()
    qtbot.waitUntil(worker.is_done)
    assert window.project.layer_names() == names
    assert window.controller.stack.undo_label == undo
    assert ui.last is None


def test_summary_view_copies_and_exports(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = SummaryView()
    qtbot.addWidget(view)
    assert not view.copy_button.isEnabled()
    table = pd.DataFrame({"district": ["Zatorze", "Podgórze"], "share": [0.5, 0.25]})
    flows = pd.DataFrame({
        "year": [2025, 2026], "net": [-1000.0, 250.5], "cumulative_discounted": [-1000.0, -760.0]
    })  # fmt: skip
    view.show_outcome(AnalysisOutcome("Coverage", None, (("Per district", table),), chart=flows))
    assert view.tabs.count() == 2
    assert view.tabs.tabText(1) == "Chart"
    assert view.table_text() == "District\tShare\nZatorze\t0.5\nPodgórze\t0.25"
    view.copy()
    from PySide6.QtWidgets import QApplication

    assert QApplication.clipboard().text().startswith("District\tShare")
    path = view.export_csv(tmp_path / "share")
    assert path.suffix == ".csv"
    assert path.read_text(encoding="utf-8-sig").splitlines() == [
        "district;share", "Zatorze;0,5", "Podgórze;0,25",
    ]  # fmt: skip
    assert len(view.figure.axes[0].patches) == 2
    assert np.allclose([p.get_height() for p in view.figure.axes[0].patches], [-1.0, 0.2505])
