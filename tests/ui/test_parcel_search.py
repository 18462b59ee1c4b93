"""Parcel search box: full and short identifiers, typos with suggestions, ambiguous forms."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from mgis.demo import build_demo
from mgis.layers import VectorLayer
from mgis.layers.parcel_search import FindStatus
from mgis.project import Project
from mgis.ui.main_window import MainWindow
from mgis.ui.parcel_search import ParcelSearchBox


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    return build_demo(tmp_path_factory.mktemp("demo"), parcels=1500, seed=3)


@pytest.fixture
def window(qtbot, demo):  # type: ignore[no-untyped-def]
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        assert win.open_project(demo.project_path)
    yield win
    win.canvas.shutdown()


def _search(win: MainWindow) -> ParcelSearchBox:
    box = win.register_ui.search  # type: ignore[attr-defined]
    assert isinstance(box, ParcelSearchBox)
    return box


def _row(win: MainWindow, parcel: str) -> int:
    frame = win.project.layer("parcels").frame
    return int(np.flatnonzero(frame["id_dzialki"].to_numpy() == parcel)[0])


def _assert_shown(win: MainWindow, row: int) -> None:
    parcels = win.project.layer("parcels")
    assert list(parcels.selected) == [row]
    view = win.canvas.view
    assert view is not None
    xmin, ymin, xmax, ymax = view.extent
    bx0, by0, bx1, by1 = parcels.frame.geometry.iloc[row].bounds
    assert xmin <= bx0
    assert bx1 <= xmax
    assert ymin <= by0
    assert by1 <= ymax
    assert (xmax - xmin) < 2_000  # zoomed in, not the whole town


def test_search_box_is_in_a_toolbar(window) -> None:  # type: ignore[no-untyped-def]
    box = _search(window)
    assert box.isVisible()
    assert box.target() is not None
    assert box.target()[1] == "id_dzialki"  # found by the field's name


def test_full_identifier_zooms_and_selects(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    box = _search(window)
    parcel = window.project.layer("parcels").frame["id_dzialki"].iloc[700]
    box.edit.setText(f"  {parcel.replace('.', '-')} ")
    qtbot.keyClick(box.edit, "\r")
    assert box.last is not None
    assert box.last.status is FindStatus.FOUND
    _assert_shown(window, 700)
    assert box.message.text() == parcel


@pytest.mark.parametrize("form", ["{o}.{n}", "obr. {o} dz. {n}", "{o}-{n}"])
def test_short_forms(window, form: str) -> None:  # type: ignore[no-untyped-def]
    box = _search(window)
    parcel = window.project.layer("parcels").frame["id_dzialki"].iloc[321]
    obreb, number = parcel.split(".")[1:]
    result = box.search(form.format(o=int(obreb), n=number))
    assert result is not None
    assert result.found, result
    assert str(result.parcel) == parcel
    _assert_shown(window, 321)


def test_typo_offers_did_you_mean_and_choosing_goes_there(window) -> None:  # type: ignore[no-untyped-def]
    box = _search(window)
    parcel = window.project.layer("parcels").frame["id_dzialki"].iloc[450]
    obreb, number = parcel.split(".")[1:]
    result = box.search(f"{obreb}.9{number}")  # a stray digit
    assert result is not None
    assert result.status is FindStatus.NOT_FOUND
    assert parcel in box.offered()
    assert box.completer.popup().isVisible()
    assert "?" in box.message.text() or ":" in box.message.text()
    box.completer.activated.emit(parcel)
    assert box.edit.text() == parcel
    _assert_shown(window, 450)


def test_swapped_digits_suggest_the_parcel(window) -> None:  # type: ignore[no-untyped-def]
    box = _search(window)
    result = box.search("4.917")  # 197 with two digits swapped (no parcel 917 in obręb 4)
    assert result is not None
    assert result.status is FindStatus.NOT_FOUND
    assert "301001_1.0004.197" in box.offered()


def test_ambiguous_short_form_lists_candidates(qtbot) -> None:  # type: ignore[no-untyped-def]
    ids = ["302101_4.0002.15", "302101_5.0002.15", "302101_5.0002.16"]
    frame = gpd.GeoDataFrame(
        {"id_dzialki": ids},
        geometry=[shapely.box(k * 100, 0, k * 100 + 90, 90) for k in range(3)],
        crs=2180,
    )
    win = MainWindow(Project(layers=[VectorLayer("dzialki", frame)]))
    qtbot.addWidget(win)
    box = _search(win)
    result = box.search("2.15")
    assert result is not None
    assert result.status is FindStatus.AMBIGUOUS
    assert sorted(box.offered()) == ids[:2]
    assert len(win.project.layer("dzialki").selected) == 0
    result = box.search("2.16")  # only the rural unit has it
    assert result is not None
    assert result.found
    assert list(win.project.layer("dzialki").selected) == [2]
    win.canvas.shutdown()


def test_not_an_identifier(window) -> None:  # type: ignore[no-untyped-def]
    box = _search(window)
    result = box.search("ulica Długa")
    assert result is not None
    assert result.status is FindStatus.INVALID
    assert box.offered() == []
    assert box.message.text()
