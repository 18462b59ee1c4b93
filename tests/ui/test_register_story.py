"""The register issue's "done when" story, driven through the real main window.

On the demo town a new user links the register in the wizard, sees the
investment areas on the map with correct areas, fixes a typo suggested by the
report, changes the spreadsheet and refreshes, and clicks through the chart
to the parcels; ``mgis link`` gives the same result headless.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely
from PySide6.QtCore import QPoint, Qt

from mgis.cli import main as cli_main
from mgis.demo import build_demo
from mgis.demo.register import COLUMNS
from mgis.project import Project
from mgis.ui import i18n
from mgis.ui.link_wizard import LinkWizard
from mgis.ui.main_window import MainWindow
from mgis.ui.register_actions import PendingRefresh, RegisterUi
from mgis.ui.register_refresh import RefreshDialog
from mgis.ui.register_state import AREAS_LAYER

PARCELS_COL = COLUMNS.index("Działki") + 1
COST_COL = COLUMNS.index("Łączne nakłady") + 1


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    return build_demo(tmp_path_factory.mktemp("demo"), parcels=1500, seed=3)


def _union_area(parcels: gpd.GeoDataFrame, ids: set[str]) -> float:
    chosen = parcels[parcels["id_dzialki"].isin(ids)]
    return float(shapely.union_all(chosen.geometry.to_numpy()).area)


def _edit_register(path: Path, new_parcels: str) -> None:
    """Give investment 5 other parcels, change the cost of 2, add investment 31."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet.cell(row=6, column=PARCELS_COL, value=new_parcels)
    sheet.cell(row=3, column=COST_COL, value=sheet.cell(row=3, column=COST_COL).value + 1000)
    row = [31, "Budowa parkingu", "Wydział Inwestycji", "planowane", 2027, 2028, 500000.0]
    sheet.append([*row, None, None, 250000.0, 250000.0, "budżet gminy", new_parcels, None])
    book.save(path)


def _refresh(qtbot, ui: RegisterUi) -> PendingRefresh:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(ui.refreshReady, timeout=20_000) as blocker:
        ui.start_refresh(confirm=False)
    pending = blocker.args[0]
    assert isinstance(pending, PendingRefresh)
    return pending


def _click_bar(qtbot, charts, rect) -> None:  # type: ignore[no-untyped-def]
    charts.canvas.draw()
    x, y = rect.get_window_extent().get_points().mean(axis=0)
    ratio = charts.canvas.device_pixel_ratio
    point = QPoint(round(x / ratio), round((charts.figure.bbox.height - y) / ratio))
    qtbot.mouseClick(charts.canvas, Qt.MouseButton.LeftButton, pos=point)


def test_refresh_shows_the_diff_and_applying_relinks(qtbot, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    register = tmp_path / "rejestr.xlsx"
    shutil.copy(demo.files[0], register)
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_project(demo.project_path)
    ui: RegisterUi = win.register_ui  # type: ignore[attr-defined]
    from mgis.ui.register_state import LinkParameters

    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.apply_link(LinkParameters("parcels", "id_dzialki", register))
    assert _refresh(qtbot, ui).diff.empty
    parcels = win.project.layer("parcels").frame
    new = {parcels["id_dzialki"].iloc[10], parcels["id_dzialki"].iloc[11]}
    _edit_register(register, "; ".join(sorted(new)))
    old_link = win.project.links[0]
    assert old_link.source_changed()
    pending = _refresh(qtbot, ui)
    diff = pending.diff
    assert diff.added == ("31",)
    assert [c.investment_id for c in diff.changed] == ["2", "5"]
    assert {p for i, p in diff.parcels_added if i == "5"} == new
    old5 = set(ui.state.result.links.query("investment_id == '5'")["parcel_id"])
    assert {p for i, p in diff.parcels_removed if i == "5"} >= old5
    lines = RefreshDialog(diff, ui.investment_names()).lines()
    assert any(line.startswith("Investments added (1)") for line in lines)
    assert any(line.startswith("5 — ") for line in lines)
    assert any(line.startswith("Działki: ") for line in lines)
    assert f"Parcels added ({len(diff.parcels_added)})" in lines
    with qtbot.waitSignal(ui.linked, timeout=20_000) as blocker:
        ui.apply_refresh()
    outcome = blocker.args[0]
    assert win.project.links == [outcome.link]
    assert not outcome.link.source_changed()
    areas = win.project.layer(AREAS_LAYER).frame.set_index("investment_id")
    assert areas.loc["5", "area_m2"] == pytest.approx(_union_area(parcels, new), abs=0.1)
    assert areas.loc["31", "parcel_count"] == 2
    win.controller.undo()  # back to the old register and areas
    assert win.project.links == [old_link]
    assert "31" not in set(win.project.layer(AREAS_LAYER).frame["investment_id"])
    win.canvas.shutdown()


@pytest.fixture
def polish():  # type: ignore[no-untyped-def]
    i18n.set_language("pl")
    yield
    i18n.set_language("en")


@pytest.mark.usefixtures("polish")
def test_done_when_story(qtbot, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: PLR0915 - one story
    register = tmp_path / "rejestr.xlsx"
    shutil.copy(demo.files[0], register)
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        assert win.open_project(demo.project_path)
    ui: RegisterUi = win.register_ui  # type: ignore[attr-defined]
    assert ui.menu.title() == "&Rejestr"

    # Link the register in the wizard (pages driven directly, no exec()).
    wizard = LinkWizard(win.project, win)
    qtbot.addWidget(wizard)
    with qtbot.waitSignal(wizard.register_page.readDone, timeout=20_000):
        wizard.register_page.read(register)
    with qtbot.waitSignal(wizard.preview_page.previewDone, timeout=20_000) as preview:
        wizard.preview_page.run()
    with qtbot.waitSignal(ui.linked, timeout=20_000) as blocker:
        ui.apply_link(wizard.parameters())
    outcome = blocker.args[0]
    assert outcome.result.summary == preview.args[0].result.summary

    # The investment areas are on the map, with correct areas.
    assert AREAS_LAYER in [layer.name for layer in win.canvas.layers]
    parcels = win.project.layer("parcels").frame
    areas = win.project.layer(AREAS_LAYER).frame
    links = outcome.result.links
    for inv in ("1", "5", "12"):
        ids = set(links.loc[links["investment_id"] == inv, "parcel_id"])
        area = areas.loc[areas["investment_id"] == inv, "area_m2"].iloc[0]
        assert area == pytest.approx(_union_area(parcels, ids), abs=0.1)

    # Fix a typo suggested by the report.
    panel = ui.panel
    assert panel is not None
    assert panel.isVisible()
    problems = outcome.result.problems
    typo = problems[problems["kind"] == "unmatched"].iloc[0]
    assert panel.select_problem(typo["value"])
    with qtbot.waitSignal(ui.linked, timeout=20_000) as blocker:
        panel.use_button.click()
    fixed = blocker.args[0]
    assert fixed.result.summary.unmatched == outcome.result.summary.unmatched - 1

    # Change the spreadsheet and refresh: the correction survives.
    _edit_register(register, f"{parcels['id_dzialki'].iloc[10]}; {parcels['id_dzialki'].iloc[11]}")
    pending = _refresh(qtbot, ui)
    assert not pending.diff.empty
    with qtbot.waitSignal(ui.linked, timeout=20_000) as blocker:
        ui.apply_refresh()
    refreshed = blocker.args[0]
    assert refreshed.link.corrections == fixed.link.corrections
    assert refreshed.result.summary.unmatched == fixed.result.summary.unmatched
    assert refreshed.result.summary.investments == outcome.result.summary.investments + 1

    # Click through the chart to the parcels.
    charts = ui.show_charts().charts
    charts.set_kind("total_cost")
    rect, ids = charts.bars[-1]
    _click_bar(qtbot, charts, rect)
    chosen = set(refreshed.result.links.query("investment_id == @ids[0]")["parcel_id"])
    layer = win.project.layer("parcels")
    assert set(layer.frame["id_dzialki"].iloc[layer.selected]) == chosen
    assert panel.selected_ids() == list(ids)

    # Saved and reopened, the link is still there.
    saved = win.project.save(tmp_path / "projekt.gpkg")
    reopened = Project.open(saved).links[0]
    assert reopened.checksum == refreshed.link.checksum
    assert reopened.corrections == fixed.link.corrections

    # `mgis link` headless gives the same result (the UI's correction aside).
    out = tmp_path / "cli.gpkg"
    code = cli_main(["link", "--parcels", f"{demo.project_path}:parcels", "--id-field",
                     "id_dzialki", "--register", str(register), "--out", str(out)])  # fmt: skip
    assert code == 0
    cli_areas = gpd.read_file(out, layer="investment_areas").set_index("investment_id")
    ui_areas = win.project.layer(AREAS_LAYER).frame.set_index("investment_id")
    assert list(cli_areas.index) == list(ui_areas.index)
    same = ui_areas.index != typo["investment_id"]
    assert cli_areas.loc[same, "area_m2"].tolist() == pytest.approx(
        ui_areas.loc[same, "area_m2"].tolist(), abs=0.1
    )
    corrected = typo["investment_id"]
    assert ui_areas.loc[corrected, "parcel_count"] == cli_areas.loc[corrected, "parcel_count"] + 1

    # `mgis link --project` applies the project's correction: exactly the app's areas.
    out = tmp_path / "cli_project.gpkg"
    assert cli_main(["link", "--project", str(saved), "--out", str(out)]) == 0
    same_as_ui = gpd.read_file(out, layer="investment_areas").set_index("investment_id")
    assert list(same_as_ui.index) == list(ui_areas.index)
    assert same_as_ui["area_m2"].tolist() == pytest.approx(ui_areas["area_m2"].tolist(), abs=0.1)
    assert same_as_ui["parcel_count"].tolist() == ui_areas["parcel_count"].tolist()
    win.canvas.shutdown()
