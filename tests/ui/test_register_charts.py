"""Register charts: outlays per year, total cost, cost per m²; bar clicks; export."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from matplotlib.patches import Rectangle
from PySide6.QtCore import QPoint, Qt

from mgis.demo import build_demo
from mgis.layers import SelectMode
from mgis.ui.main_window import MainWindow
from mgis.ui.register_charts import RegisterCharts
from mgis.ui.register_state import LinkParameters


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    return build_demo(tmp_path_factory.mktemp("demo"), parcels=1500, seed=3)


@pytest.fixture
def charts(qtbot, demo, tmp_path):  # type: ignore[no-untyped-def]
    register = tmp_path / "rejestr.xlsx"
    shutil.copy(demo.files[0], register)
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        assert win.open_project(demo.project_path)
    ui = win.register_ui  # type: ignore[attr-defined]
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.apply_link(LinkParameters("parcels", "id_dzialki", register))
    dock = ui.show_charts()
    yield win, dock.charts
    win.canvas.shutdown()


def _click_bar(qtbot, charts: RegisterCharts, rect: Rectangle) -> None:  # type: ignore[no-untyped-def]
    """Click the middle of a bar with the mouse, as the user would."""
    charts.canvas.draw()
    x, y = rect.get_window_extent().get_points().mean(axis=0)
    ratio = charts.canvas.device_pixel_ratio
    height = charts.figure.bbox.height
    point = QPoint(round(x / ratio), round((height - y) / ratio))
    qtbot.mouseClick(charts.canvas, Qt.MouseButton.LeftButton, pos=point)


def test_outlays_per_year_stacked_by_department_and_status(charts) -> None:  # type: ignore[no-untyped-def]
    win, chart = charts
    chart.set_kind("outlays", "department")
    areas = win.register_ui.state.result.investment_areas
    legend = [t.get_text() for t in chart.figure.legends[0].get_texts()]
    assert sorted(legend) == sorted(areas["Jednostka realizująca"].unique())
    heights: dict[float, float] = {}
    for rect, _ids in chart.bars:
        year = round(rect.get_x() + rect.get_width() / 2)
        heights[year] = heights.get(year, 0.0) + rect.get_height()
    for year in (2025, 2026, 2027, 2028):
        expected = areas[f"Limit {year}"].fillna(0).sum() / 1e6
        assert heights[year] == pytest.approx(expected)
    chart.set_kind("outlays", "status")
    legend = [t.get_text() for t in chart.figure.legends[0].get_texts()]
    assert set(legend) <= set(areas["Status"].unique())


def test_total_cost_and_cost_per_m2(charts) -> None:  # type: ignore[no-untyped-def]
    win, chart = charts
    areas = win.register_ui.state.result.investment_areas
    chart.set_kind("total_cost")
    values = {ids[0]: rect.get_width() for rect, ids in chart.bars}
    row = areas.iloc[0]
    assert values[row["investment_id"]] == pytest.approx(row["Łączne nakłady"] / 1e6)
    chart.set_kind("cost_per_m2")
    values = {ids[0]: rect.get_width() for rect, ids in chart.bars}
    with_area = areas[areas["area_m2"] > 0]
    assert len(values) == len(with_area)
    row = with_area.iloc[0]
    assert values[row["investment_id"]] == pytest.approx(row["Łączne nakłady"] / row["area_m2"])


def test_clicking_a_bar_selects_the_investment_and_its_parcels(qtbot, charts) -> None:  # type: ignore[no-untyped-def]
    win, chart = charts
    chart.set_kind("total_cost")
    rect, ids = chart.bars[-1]  # the largest, at the top
    _click_bar(qtbot, chart, rect)
    state = win.register_ui.state
    assert state.highlighted == ids
    links = state.result.links
    wanted = set(links.loc[links["investment_id"] == ids[0], "parcel_id"])
    parcels = win.project.layer("parcels")
    assert set(parcels.frame["id_dzialki"].iloc[parcels.selected]) == wanted
    assert win.register_ui.panel.selected_ids() == list(ids)
    assert chart.highlighted_bars() == [ids]


def test_clicking_a_stacked_segment_selects_its_investments(qtbot, charts) -> None:  # type: ignore[no-untyped-def]
    win, chart = charts
    chart.set_kind("outlays", "status")
    rect, ids = max(chart.bars, key=lambda bar: bar[0].get_height())
    _click_bar(qtbot, chart, rect)
    assert set(win.register_ui.state.highlighted) == set(ids)
    assert set(win.register_ui.panel.selected_ids()) == set(ids)


def test_selecting_parcels_on_the_map_highlights_bars(charts) -> None:  # type: ignore[no-untyped-def]
    win, chart = charts
    chart.set_kind("total_cost")
    links = win.register_ui.state.result.links
    parcel = links.loc[links["investment_id"] == "3", "parcel_id"].iloc[0]
    frame = win.project.layer("parcels").frame
    row = int(np.flatnonzero(frame["id_dzialki"].to_numpy() == parcel)[0])
    win.controller.select("parcels", [row], SelectMode.NEW)
    holders = set(links.loc[links["parcel_id"] == parcel, "investment_id"])
    assert {ids[0] for ids in chart.highlighted_bars()} == holders


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")]
)
def test_export(charts, tmp_path: Path, suffix: str, magic: bytes) -> None:  # type: ignore[no-untyped-def]
    _win, chart = charts
    chart.set_kind("outlays")
    written = chart.export(tmp_path / f"wykres{suffix}")
    assert written.is_file()
    assert written.stat().st_size > 1000
    assert written.read_bytes().startswith(magic)
