"""Select by location on the PostGIS server from the Analysis menu, against the in-memory engine.

A large table is added "view only" (the layer holds the rows of the map view);
Analysis > Select by location, run on the server, must find the same rows of
the whole table as :func:`mgis.analysis.selection.locate` on all of it, and
add them as a new layer in the project CRS (the project here is not in the
table's SRID, so the selecting features must be reprojected explicitly).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox

from mgis.analysis.selection import locate
from mgis.commands import AddLayer
from mgis.io import pg_connect as pgc
from mgis.io.pg_write import write_table
from mgis.io.postgis import read_table
from mgis.layers.selection import SelectMode
from mgis.ui import db_actions, i18n
from mgis.ui.analysis_actions import AnalysisUi
from mgis.ui.analysis_dialogs_select import SelectLocationDialog
from mgis.ui.analysis_jobs import AnalysisOutcome
from mgis.ui.analysis_server import ServerSelectionSummary
from mgis.ui.db_dialogs import BrowserChoice
from mgis.ui.main_window import MainWindow
from mgis.ui.settings import AppSettings

from .postgis_server import PgServer, pg_server

__all__ = ["pg_server"]

TABLE = "analysis_parcels"
SIDE = 50  # 2 500 parcels of 10 m
PROJECT_CRS = "EPSG:2178"  # not the table's SRID (2180)
RESULT = "działki \N{EN DASH} selection"
"""The layer the server selection adds."""
VIEW_2180 = (500_000.0, 300_000.0, 500_150.0, 300_120.0)


def parcels() -> gpd.GeoDataFrame:
    """A grid of parcels in EPSG:2180 with a unique number and a kind."""
    k = np.arange(SIDE * SIDE)
    x0 = 500_000 + (k % SIDE) * 10.0
    y0 = 300_000 + (k // SIDE) * 10.0
    return gpd.GeoDataFrame(
        {"nr": [f"{i}/1" for i in k], "kind": np.where(k % 3 == 0, "B", "R")},
        geometry=shapely.box(x0, y0, x0 + 9.0, y0 + 9.0),
        crs="EPSG:2180",
    )


def selecting() -> gpd.GeoDataFrame:
    """Lines, polygons and points over the whole table (most of them outside the view)."""
    rng = np.random.default_rng(11)
    points = shapely.points(rng.uniform(500_000, 500_500, 12), rng.uniform(300_000, 300_500, 12))
    shapes = [
        shapely.LineString([(500_013.3, 300_407.7), (500_377.1, 300_052.9)]),
        shapely.box(500_301.5, 300_303.2, 500_352.7, 300_371.9),
        shapely.box(500_020.5, 300_020.5, 500_044.5, 300_031.5),
        *points,
    ]
    return gpd.GeoDataFrame({"id": range(len(shapes))}, geometry=shapes, crs="EPSG:2180")


@pytest.fixture(scope="module")
def table(pg_server: PgServer) -> str:
    write_table(pg_server.connection(), parcels(), "public", TABLE, mode="replace")
    return TABLE


@pytest.fixture
def settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QStandardPaths.setTestModeEnabled(True)
    i18n.set_language("en")
    return folder


@pytest.fixture(autouse=True)
def _no_prompt_left() -> Iterator[None]:
    yield None
    pgc.set_password_prompt(None)


@pytest.fixture
def win(qtbot, settings_dir: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    store = QSettings(str(settings_dir / "mgis.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=AppSettings(store))
    qtbot.addWidget(win)
    win.resize(800, 600)
    win.show()
    win.files.recovery_dir = settings_dir / "recovery"
    win.project.crs = PROJECT_CRS
    areas = win.project.make_layer("obszary", selecting())
    win.controller.push(AddLayer(areas))
    yield win
    win.canvas.shutdown()


def add_view_layer(qtbot, win: MainWindow, monkeypatch, table: str, name: str = "działki"):  # type: ignore[no-untyped-def]
    """Add ``table`` through Layer > Add PostGIS layer…, reading only the map view."""
    move = Transformer.from_crs("EPSG:2180", PROJECT_CRS, always_xy=True)
    win.canvas.zoom_to_extent(tuple(move.transform_bounds(*VIEW_2180)), margin=0)
    choice = BrowserChoice("test", "public", table, "", name, True, 2180)
    monkeypatch.setattr(db_actions, "choose_table", lambda *a: choice)
    win.postgis.add_action.trigger()
    qtbot.waitUntil(lambda: name in win.project.layer_names(), timeout=20_000)
    return win.project.layer(name)


def run_dialog(qtbot, ui: AnalysisUi, answer: Callable[[SelectLocationDialog], None]):  # type: ignore[no-untyped-def]
    """Analysis > Select by location…, answered by ``answer`` then OK; wait for the result."""
    real = ui.dialog

    def dialog(kind: str):  # type: ignore[no-untyped-def]
        shown = real(kind)
        qtbot.addWidget(shown)
        answer(shown)

        def press_ok() -> int:
            shown.accept()
            return shown.result()

        shown.exec = press_ok
        return shown

    ui.dialog = dialog  # type: ignore[method-assign]
    try:
        with qtbot.waitSignal(ui.done, timeout=60_000) as blocker:
            ui.actions["select_location"].trigger()
    finally:
        del ui.dialog
    outcome = blocker.args[0]
    assert isinstance(outcome, AnalysisOutcome)
    return outcome


def choose(box, data: str | None) -> None:  # type: ignore[no-untyped-def]
    row = box.findData(data)
    assert row >= 0, data
    box.setCurrentIndex(row)


def expected_numbers(
    pg_server: PgServer, by: gpd.GeoDataFrame, predicate: str, distance: float | None
) -> set[str]:
    """The in-memory engine on the whole table (in its SRID, as the server tests it)."""
    full, _ = read_table(pg_server.connection(), "public", TABLE)
    rows = locate(full, by.to_crs(2180), predicate=predicate, distance=distance)  # type: ignore[arg-type]
    return set(full["nr"].iloc[rows])


@pytest.mark.parametrize(("predicate", "distance"), [("intersects", None), ("dwithin", 25.0)])
def test_server_selection_equals_the_in_memory_engine_on_the_whole_table(
    qtbot, win: MainWindow, pg_server: PgServer, table: str, *, monkeypatch, predicate, distance
) -> None:  # type: ignore[no-untyped-def]
    layer = add_view_layer(qtbot, win, monkeypatch, table)
    held = set(layer.frame["nr"])
    assert 0 < len(held) < SIDE * SIDE  # only the rows of the view
    ui: AnalysisUi = win.analysis_ui  # type: ignore[attr-defined]
    names = win.project.layer_names()

    def answer(dialog: SelectLocationDialog) -> None:
        choose(dialog.layer, "działki")
        choose(dialog.by, "obszary")
        assert dialog.on_server.isEnabled()
        assert dialog.on_server.isChecked()  # proposed for a PostGIS table
        choose(dialog.predicate, predicate)
        if distance is not None:
            dialog.distance.setValue(distance)
        choose(dialog.summary_field, "kind")
        assert dialog.on_server.isChecked()
        assert not dialog.mode.isEnabled()  # a new layer, not a selection

    outcome = run_dialog(qtbot, ui, answer)
    expected = expected_numbers(pg_server, win.project.layer("obszary").frame, predicate, distance)
    assert not expected <= held  # the server found rows the view-only layer does not hold
    assert win.project.layer_names() == [*names, RESULT]
    result = win.project.layer(RESULT)
    assert result.embedded
    assert result.frame.crs.equals(PROJECT_CRS)
    assert set(result.frame["nr"]) == expected
    assert len(result.frame) == len(expected)
    assert len(layer.selected) == 0  # the loaded layer's selection is left alone
    summary = outcome.summary
    assert isinstance(summary, ServerSelectionSummary)
    assert summary.rows_returned == len(expected)
    assert summary.loaded_features == len(held)
    assert summary.srid == 2180
    # the summary view says how many rows the server returned
    assert ui.summary is not None
    assert ui.summary.isVisible()
    view = ui.summary.view
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "Selected features by value",
        "Summary",
    ]
    view.tabs.setCurrentIndex(1)
    assert f"Rows returned by the server\t{len(expected)}" in view.table_text()
    counts = outcome.tables[0][1].set_index("kind")["count"].to_dict()
    assert sum(counts.values()) == len(expected)
    # undoable like every analysis result
    win.controller.undo()
    assert win.project.layer_names() == names


def test_selected_features_only_are_sent(
    qtbot, win: MainWindow, pg_server: PgServer, table: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    add_view_layer(qtbot, win, monkeypatch, table)
    win.controller.select("obszary", [0, 1], SelectMode.NEW)  # the line and the far polygon
    ui: AnalysisUi = win.analysis_ui  # type: ignore[attr-defined]

    def answer(dialog: SelectLocationDialog) -> None:
        choose(dialog.layer, "działki")
        choose(dialog.by, "obszary")
        dialog.by_selected.setChecked(True)
        assert dialog.parameters().on_server

    outcome = run_dialog(qtbot, ui, answer)
    by = win.project.layer("obszary").frame.iloc[[0, 1]]
    expected = expected_numbers(pg_server, by, "intersects", None)
    assert set(win.project.layer(RESULT).frame["nr"]) == expected
    assert outcome.summary.by_features == 2


def test_the_checkbox_is_offered_only_for_postgis_tables(
    qtbot, win: MainWindow, table: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    add_view_layer(qtbot, win, monkeypatch, table)
    query = win.project.make_layer(
        "zapytanie", parcels().iloc[:5], source="postgis:test/?sql=SELECT%20%2A%20FROM%20x"
    )
    win.controller.push(AddLayer(query))
    dialog = SelectLocationDialog(win.project, win)
    qtbot.addWidget(dialog)
    choose(dialog.layer, "obszary")  # an ordinary (embedded) layer
    assert not dialog.on_server.isEnabled()
    assert not dialog.on_server.isChecked()
    assert "PostGIS table" in dialog.on_server.toolTip()
    assert dialog.mode.isEnabled()
    assert not dialog.parameters().on_server
    choose(dialog.layer, "zapytanie")  # a saved query is no table
    assert not dialog.on_server.isEnabled()
    choose(dialog.layer, "działki")
    assert dialog.on_server.isEnabled()
    assert dialog.on_server.isChecked()
    assert dialog.parameters().on_server
    choose(dialog.predicate, "within")  # the server does intersects and dwithin only
    assert not dialog.on_server.isEnabled()
    assert "intersect" in dialog.on_server.toolTip()
    assert not dialog.parameters().on_server
    choose(dialog.predicate, "dwithin")
    assert dialog.parameters().on_server
    dialog.on_server.click()  # the user prefers memory: kept while the predicate changes
    assert not dialog.parameters().on_server
    choose(dialog.predicate, "intersects")
    assert not dialog.on_server.isChecked()
    assert dialog.mode.isEnabled()


def test_in_polish(qtbot, win: MainWindow, table: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    add_view_layer(qtbot, win, monkeypatch, table)
    i18n.set_language("pl")
    try:
        dialog = SelectLocationDialog(win.project, win)
        qtbot.addWidget(dialog)
        choose(dialog.layer, "działki")
        assert dialog.on_server.text() == "Wykonaj na serwerze bazy danych (cała tabela)"
    finally:
        i18n.set_language("en")


def test_problems_are_told_in_plain_words(
    qtbot, win: MainWindow, pg_server: PgServer, table: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    ui: AnalysisUi = win.analysis_ui  # type: ignore[attr-defined]
    names = win.project.layer_names()
    # the table is gone from the database; the other server does not answer
    gone = win.project.make_layer(
        "stara", parcels().iloc[:5], source="postgis:test/public.no_such_table"
    )
    win.controller.push(AddLayer(gone))
    down_conn = pgc.PgConnection(
        "down", host="127.0.0.1", port=closed_port(), user="postgres", sslmode="disable"
    )
    pgc.register_connection(down_conn)
    down = win.project.make_layer("offline", parcels().iloc[:5], source="postgis:down/public.x")
    win.controller.push(AddLayer(down))
    dialog = SelectLocationDialog(win.project, win)
    qtbot.addWidget(dialog)
    choose(dialog.layer, "stara")
    choose(dialog.by, "obszary")
    with qtbot.waitSignal(ui.failed, timeout=30_000) as blocker:
        ui.run(dialog.parameters())
    text = blocker.args[0]
    assert "no spatial table public.no_such_table" in text
    assert "Traceback" not in text
    assert "Error" not in text
    assert ui.error_box is not None
    assert text in ui.error_box.text()
    ui.error_box.close()
    # told once, before any worker starts
    shown: list[str] = []
    monkeypatch.setattr(db_actions, "show_error", lambda _parent, message: shown.append(message))
    choose(dialog.layer, "offline")
    with qtbot.waitSignal(ui.failed, timeout=30_000):
        assert ui.run(dialog.parameters()) is None
    assert len(shown) == 1
    assert "Traceback" not in shown[0]
    assert "127.0.0.1" in shown[0] or "server" in shown[0].lower()
    assert not any("selection" in n for n in win.project.layer_names())
    assert [n for n in win.project.layer_names() if n not in names] == ["stara", "offline"]
    pgc.unregister_connection("down")


def closed_port() -> int:
    """Return a local TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
