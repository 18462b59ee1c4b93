"""Register panel: investments table, filter, status colours, linked selection, problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mgis.demo import build_demo
from mgis.layers import SelectMode
from mgis.ui.main_window import MainWindow
from mgis.ui.register_actions import RegisterUi
from mgis.ui.register_state import AREAS_LAYER, LinkOutcome, LinkParameters


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    return build_demo(tmp_path_factory.mktemp("demo"), parcels=1500, seed=3)


def _window(qtbot, demo) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        assert win.open_project(demo.project_path)
    return win


def _link(qtbot, win: MainWindow, register: Path) -> LinkOutcome:  # type: ignore[no-untyped-def]
    ui: RegisterUi = win.register_ui  # type: ignore[attr-defined]
    with qtbot.waitSignal(ui.linked, timeout=20_000) as blocker:
        ui.apply_link(LinkParameters("parcels", "id_dzialki", register))
    outcome = blocker.args[0]
    assert isinstance(outcome, LinkOutcome)
    return outcome


@pytest.fixture
def linked(qtbot, demo, tmp_path):  # type: ignore[no-untyped-def]
    register = tmp_path / "rejestr.xlsx"
    shutil.copy(demo.files[0], register)
    win = _window(qtbot, demo)
    outcome = _link(qtbot, win, register)
    yield win, outcome
    win.canvas.shutdown()


def test_link_adds_styled_areas_layer_and_link(linked) -> None:  # type: ignore[no-untyped-def]
    win, outcome = linked
    project = win.project
    assert project.links == [outcome.link]
    areas = project.layer(AREAS_LAYER)
    assert areas.style.label_field == "Nazwa zadania"
    assert areas.style.fill.endswith("55")  # semi-transparent
    names = project.layer_names()
    assert names.index(AREAS_LAYER) == names.index("parcels") + 1
    assert len(areas.frame) == outcome.result.summary.investments
    # Undo takes the layer and the link out in one step.
    win.controller.undo()
    assert AREAS_LAYER not in win.project.layer_names()
    assert win.project.links == []
    win.controller.redo()
    assert win.project.links == [outcome.link]


def test_panel_lists_investments_with_filter_and_status_colours(linked) -> None:  # type: ignore[no-untyped-def]
    win, outcome = linked
    panel = win.register_ui.panel
    assert panel is not None
    assert panel.isVisible()
    n = outcome.result.summary.investments
    assert panel.proxy.rowCount() == n
    statuses = set(panel.model.status)
    assert "w realizacji" in statuses
    panel.status_box.setCurrentIndex(panel.status_box.findData("w realizacji"))
    expected = sum(1 for s in panel.model.status if s == "w realizacji")
    assert panel.proxy.rowCount() == expected < n
    colour = panel.proxy.index(0, 1).data(Qt.ItemDataRole.BackgroundRole)
    assert colour is not None
    assert colour.color().name() == "#fde9c4"
    panel.status_box.setCurrentIndex(0)
    panel.filter_edit.setText("kanalizacji")
    shown = panel.visible_ids()
    names = dict(zip(panel.model.ids, (r[1] for r in panel.model.rows), strict=True))
    assert shown
    assert all("kanalizacji" in str(names[i]).lower() for i in shown)
    panel.filter_edit.clear()
    assert panel.proxy.rowCount() == n


def test_selecting_investment_selects_exactly_its_parcels(linked) -> None:  # type: ignore[no-untyped-def]
    win, outcome = linked
    panel = win.register_ui.panel
    parcels = win.project.layer("parcels")
    links = outcome.result.links
    inv = "5"
    panel.select_ids([inv])
    wanted = set(links.loc[links["investment_id"] == inv, "parcel_id"])
    chosen = set(parcels.frame["id_dzialki"].iloc[parcels.selected])
    assert wanted
    assert chosen == wanted
    assert panel.selected_ids() == [inv]


def test_selecting_parcels_highlights_their_investments(linked) -> None:  # type: ignore[no-untyped-def]
    win, outcome = linked
    panel = win.register_ui.panel
    parcels = win.project.layer("parcels")
    links = outcome.result.links
    shared = links[links["parcel_id"].duplicated(keep=False)]["parcel_id"].iloc[0]
    holders = set(links.loc[links["parcel_id"] == shared, "investment_id"])
    row = int(np.flatnonzero(parcels.frame["id_dzialki"].to_numpy() == shared)[0])
    win.controller.select("parcels", [row], SelectMode.NEW)
    assert set(panel.selected_ids()) == holders
    assert len(holders) > 1
    assert list(parcels.selected) == [row]  # the map selection is left alone


def test_zoom_to_investment(linked) -> None:  # type: ignore[no-untyped-def]
    win, _outcome = linked
    panel = win.register_ui.panel
    panel.select_ids(["5"])
    before = win.canvas.view
    panel.zoom_button.click()
    view = win.canvas.view
    assert view is not None
    assert before is not None
    assert view.resolution < before.resolution
    areas = win.project.layer(AREAS_LAYER).frame
    centre = areas.loc[areas["investment_id"] == "5"].geometry.iloc[0].centroid
    xmin, ymin, xmax, ymax = view.extent
    assert xmin < centre.x < xmax
    assert ymin < centre.y < ymax


def test_problems_list_suggestion_fixes_typo(qtbot, linked) -> None:  # type: ignore[no-untyped-def]
    win, outcome = linked
    panel = win.register_ui.panel
    problems = outcome.result.problems
    typo = problems[problems["kind"] == "unmatched"].iloc[0]
    assert panel.select_problem(typo["value"])
    assert panel.use_button.isEnabled()
    first = typo["suggestion"].split("; ")[0]
    assert panel.suggestion_box.currentText() == first
    with qtbot.waitSignal(win.register_ui.linked, timeout=20_000) as blocker:
        panel.use_button.click()
    fixed = blocker.args[0]
    assert fixed.link.corrections == ((typo["investment_id"], typo["value"], first),)
    assert fixed.result.summary.unmatched == outcome.result.summary.unmatched - 1
    links = fixed.result.links
    assert ((links["investment_id"] == typo["investment_id"]) & (links["parcel_id"] == first)).any()
    assert win.project.links == [fixed.link]
    assert panel.problems.rowCount() == len(fixed.result.problems)
    # The correction is kept in the project file.
    saved = win.project.save(win.project.path.with_name("with_fix.gpkg"))
    from mgis.project import Project

    assert Project.open(saved).links[0].corrections == fixed.link.corrections


def test_undo_and_reopen_show_the_projects_link(qtbot, linked, tmp_path) -> None:  # type: ignore[no-untyped-def]
    win, outcome = linked
    ui = win.register_ui
    problems = outcome.result.problems
    typo = problems[problems["kind"] == "unmatched"].iloc[0]
    first = typo["suggestion"].split("; ")[0]
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.use_suggestion(typo["investment_id"], typo["value"], first)
    assert ui.state.result.summary.unmatched == outcome.result.summary.unmatched - 1
    win.controller.undo()  # back to the link without the correction
    qtbot.waitUntil(lambda: ui.state.result is not None, timeout=20_000)
    assert ui.state.link is outcome.link
    assert ui.state.result.summary == outcome.result.summary
    saved = win.project.save(tmp_path / "projekt.gpkg")
    with qtbot.waitSignal(ui.state.resultChanged, timeout=20_000):
        assert win.open_project(saved)
    qtbot.waitUntil(lambda: ui.state.result is not None, timeout=20_000)
    assert ui.state.result.summary == outcome.result.summary
    assert ui.panel.proxy.rowCount() == outcome.result.summary.investments
    assert ui.refresh_action.isEnabled()
