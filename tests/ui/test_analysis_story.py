"""The analysis issue's "done when" story, driven through the real main window.

On the demo town a new user answers through the Analysis menu: which parcels
investment X touches and their ownership; the share of residents within 500 m
of a bus stop, per district; which housing parcels fail art. 13f and why; the
NPV of an investment. ``mgis analyze ...`` gives identical numbers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mgis.demo import build_demo
from mgis.io import read_layer, write_layer
from mgis.layers.selection import SelectMode
from mgis.ui import i18n
from mgis.ui.analysis_actions import AnalysisUi
from mgis.ui.analysis_dialogs2 import CoverageDialog, RingsDialog, StandardsDialog
from mgis.ui.analysis_dialogs3 import CostDialog, InvestmentDialog
from mgis.ui.analysis_dialogs_select import SelectExpressionDialog, SelectLocationDialog
from mgis.ui.analysis_jobs import AnalysisOutcome, summary_table
from mgis.ui.main_window import MainWindow
from mgis.ui.register_actions import RegisterUi
from mgis.ui.register_state import AREAS_LAYER, LinkParameters

ROOT = Path(__file__).resolve().parents[2]
INVESTMENT = "12"
WITH_OUTLAYS = "9"  # 12 is done: no yearly limits left


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    return build_demo(tmp_path_factory.mktemp("demo"), parcels=1500, seed=3)


@pytest.fixture
def polish():  # type: ignore[no-untyped-def]
    i18n.set_language("pl")
    yield
    i18n.set_language("en")


def cli(*args: str | Path) -> dict[str, str]:
    """Run ``mgis analyze ...`` from the repository root; return its CSV summary rows."""
    command = [sys.executable, "-m", "mgis.cli", "analyze", *map(str, args)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    out = Path(args[args.index("--out") + 1])
    lines = out.with_suffix(".csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    return dict(line.split(";", 1) for line in lines)


def rows(outcome: AnalysisOutcome) -> dict[str, str]:
    """The outcome's summary as the command line writes it."""
    table = summary_table(outcome.summary)
    return dict(zip(table["key"], table["value"], strict=True))


def accept(qtbot, ui: AnalysisUi, dialog) -> AnalysisOutcome:  # type: ignore[no-untyped-def]
    """Press OK in ``dialog`` (not exec()'d) and wait for the analysis to be applied."""
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() == 1, dialog.message.text()  # accepted
    with qtbot.waitSignal(ui.done, timeout=60_000) as blocker:
        ui.run(dialog.parameters())
    outcome = blocker.args[0]
    assert isinstance(outcome, AnalysisOutcome)
    return outcome


def choose(box, data: str | None) -> None:  # type: ignore[no-untyped-def]
    """Choose the combo item holding ``data``."""
    row = box.findData(data)
    assert row >= 0, data
    box.setCurrentIndex(row)


@pytest.mark.usefixtures("polish")
def test_done_when_story(qtbot, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: PLR0915 - one story
    project_file = demo.project_path
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    assert win.open_project(project_file)
    ui: AnalysisUi = win.analysis_ui  # type: ignore[attr-defined]
    assert ui.menu.title() == "&Analiza"
    titles = [a.text() for a in win.menuBar().actions()]
    assert titles.index("&Analiza") == titles.index(i18n.tr("&Layer")) + 1
    register: RegisterUi = win.register_ui  # type: ignore[attr-defined]
    with qtbot.waitSignal(register.linked, timeout=30_000):
        register.apply_link(LinkParameters("parcels", "id_dzialki", demo.files[0]))
    parcels = win.project.layer("parcels")

    # 1. Which parcels does investment X touch, and who owns them?
    areas = win.project.layer(AREAS_LAYER)
    row = int((areas.frame["investment_id"] == INVESTMENT).to_numpy().nonzero()[0][0])
    win.controller.select(AREAS_LAYER, [row], SelectMode.NEW)  # the user clicks the area
    dialog = SelectLocationDialog(win.project, win)
    choose(dialog.layer, "parcels")
    choose(dialog.predicate, "within")
    choose(dialog.by, AREAS_LAYER)
    dialog.by_selected.setChecked(True)
    choose(dialog.summary_field, "wlasnosc")
    outcome = accept(qtbot, ui, dialog)
    touched = set(parcels.frame["id_dzialki"].iloc[parcels.selected])
    linked = register.state.parcels_of([INVESTMENT])
    assert touched == set(linked)
    assert len(touched) == 8
    owners = outcome.tables[0][1].set_index("wlasnosc")["count"].to_dict()
    assert ui.summary is not None
    assert ui.summary.isVisible()
    assert ui.summary.view.tabs.tabText(0) == "Wybrane obiekty według wartości"
    area_file = tmp_path / "investment.gpkg"
    write_layer(areas.frame.iloc[[row]], area_file, "area")
    out = tmp_path / "select.gpkg"
    got = cli("select", "--layer", f"{project_file}:parcels", "--by", area_file,
              "--predicate", "within", "--out", out)  # fmt: skip
    assert got == rows(outcome)
    selected, _ = read_layer(out, "selection")
    assert set(selected["id_dzialki"]) == touched
    assert selected["wlasnosc"].value_counts().to_dict() == owners
    # ... and by area: the investment statistics of the selected area.
    dialog = InvestmentDialog(win.project, win)
    choose(dialog.areas, AREAS_LAYER)
    dialog.areas_selected.setChecked(True)
    choose(dialog.parcels, "parcels")
    stats = accept(qtbot, ui, dialog)
    comparison = stats.tables[0][1]
    assert len(comparison) == 1
    assert comparison["parcels"].iloc[0] == 8
    area_by_owner = selected.assign(a=selected.area).groupby("wlasnosc")["a"].sum()
    for owner, m2 in area_by_owner.items():
        assert comparison[f"own_{owner}_m2"].iloc[0] == pytest.approx(m2, rel=1e-6)
    assert f"{AREAS_LAYER}_selected_stats" in win.project.layer_names()

    # 2. The share of residents within 500 m of a bus stop, per district.
    dialog = RingsDialog(win.project, win)
    choose(dialog.facilities, "bus_stops")
    dialog.distances.setText("500")
    rings = accept(qtbot, ui, dialog)
    assert rings.layer_name == "bus_stops_rings"
    assert win.project.layer("bus_stops_rings").style.mode == "graduated"
    dialog = CoverageDialog(win.project, win)
    assert dialog.zones.currentData() == "bus_stops_rings"
    assert dialog.points.currentData() == "addresses"
    assert dialog.weight.currentData() == "mieszkancy"
    assert dialog.districts.currentData() == "districts"
    covered = accept(qtbot, ui, dialog)
    shares = covered.summary.by_district
    assert set(shares) == set(win.project.layer("districts").frame["nazwa"])
    assert 0 < covered.summary.weight_share < 1
    assert ui.summary.view.tabs.tabText(0) == "Udział objętych w dzielnicach"
    coverage_layer = win.project.layer("addresses_coverage")
    assert coverage_layer.style.mode == "categorized"
    assert [c.label for c in coverage_layer.style.classes] == ["Spełnia", "Nie spełnia"]
    zones = tmp_path / "stops500.gpkg"
    cli("buffer", "--layer", f"{project_file}:bus_stops", "--distance", "500", "--dissolve",
        "--out", zones)  # fmt: skip
    got = cli("coverage", "--zones", zones, "--points", f"{project_file}:addresses",
              "--weight", "mieszkancy", "--districts", f"{project_file}:districts",
              "--out", tmp_path / "coverage.gpkg")  # fmt: skip
    assert got == rows(covered)
    assert {k: float(got[f"by_district.{k}"]) for k in shares} == shares

    # 3. Which housing parcels fail art. 13f, and why?
    dialog = SelectExpressionDialog(win.project, win)
    choose(dialog.layer, "parcels")
    dialog.expression.setText('uzytek == "B"')
    housing = accept(qtbot, ui, dialog)
    assert len(parcels.selected) == housing.summary.selected == 656
    got = cli("select", "--layer", f"{project_file}:parcels", "--where", 'uzytek == "B"',
              "--out", tmp_path / "housing.gpkg")  # fmt: skip
    assert got == rows(housing)
    dialog = StandardsDialog(win.project, win)
    dialog.housing_where.setText('uzytek == "B"')
    choose(dialog.zones, None)
    standards = accept(qtbot, ui, dialog)
    result = win.project.layer("parcels_art13f")
    failing = result.frame[~result.frame["standards_ok"]]
    assert len(failing) == standards.summary.parcels - standards.summary.passed_all > 0
    assert (~failing["school_ok"] & (failing["school_m"] > 1500)).all()  # why: no school nearby
    criteria = ui.summary.view.tables[0]
    assert criteria.set_index("criterion").loc["Szkoła podstawowa", "failed"] == len(failing)
    assert result.style.classes[1].label == "Nie spełnia"
    assert result.style.classes[1].count == len(failing)
    got = cli("standards", "--network", f"{project_file}:streets", "--parcels",
              f"{project_file}:parcels", "--schools", f"{project_file}:schools", "--green",
              f"{project_file}:green_areas", "--housing-where", 'uzytek == "B"',
              "--out", tmp_path / "standards.gpkg")  # fmt: skip
    assert got == rows(standards)

    # 4. The NPV of an investment.
    dialog = CostDialog(win.project, ui.investment_choices(), win)
    assert dialog.choose(INVESTMENT)
    dialog.accept()  # refused: investment 12 has no outlays left in the register
    assert not dialog.result()
    assert "nakładów" in dialog.message.text()
    assert dialog.choose(WITH_OUTLAYS)
    assert dialog.outlays.text().count(":") == 3
    costs = accept(qtbot, ui, dialog)
    assert ui.summary.view.tabs.tabText(ui.summary.view.tabs.count() - 1) == "Wykres"
    saved = win.project.save(tmp_path / "projekt.gpkg")
    got = cli("costs", "--investment", WITH_OUTLAYS, "--project", saved,
              "--out", tmp_path / "costs.gpkg")  # fmt: skip
    assert got == rows(costs)
    assert got["npv_pln"] == f"{costs.summary.npv_pln:.6g}"  # the CSV's 6 digits
    flows, _ = read_layer(tmp_path / "costs.gpkg", "cash_flow")  # the exact yearly table
    assert flows[list(costs.chart.columns)].equals(costs.chart)
    assert round(float(flows["discounted"].sum()), 2) == costs.summary.npv_pln
    win.canvas.shutdown()
