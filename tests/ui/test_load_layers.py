from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from mgis.io import LoadReport
from mgis.ui import i18n, layer_loading
from mgis.ui.load_dialogs import LayerChooserDialog, LoadReportDialog, combo_crs
from mgis.ui.main_window import MainWindow


class Dialogs:
    """Stand-ins for the loader's dialogs, recording what they were shown."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reports: list[LoadReport] = []
        self.errors: list[str] = []
        self.crs_asked: list[str] = []
        self.new_crs = ""
        self.crs_answer = ""
        self.layers: list[str] | None = None
        monkeypatch.setattr(layer_loading, "show_report", self.report)
        monkeypatch.setattr(layer_loading, "show_error", lambda _p, text: self.errors.append(text))
        monkeypatch.setattr(layer_loading, "ask_crs", self.ask_crs)
        monkeypatch.setattr(layer_loading, "choose_layers", self.choose)

    def report(self, _parent: Any, _name: str, report: LoadReport) -> str:
        self.reports.append(report)
        answer, self.new_crs = self.new_crs, ""
        return answer

    def ask_crs(self, _parent: Any, name: str) -> str:
        self.crs_asked.append(name)
        return self.crs_answer

    def choose(self, _parent: Any, _path: Path, layers: list[Any]) -> list[str]:
        return self.layers if self.layers is not None else [info.name for info in layers]


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    return Dialogs(monkeypatch)


@pytest.fixture
def window(qtbot, project_file: Path):  # type: ignore[no-untyped-def]
    i18n.set_language("en")
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(800, 600)
    win.show()
    assert win.open_project(project_file)
    yield win
    win.loader.cancel()
    win.canvas.shutdown()


def shapefile(folder: Path, name: str, xy: tuple[float, float], crs: int | None) -> Path:
    frame = gpd.GeoDataFrame(
        {"nazwa": ["Łąka", "Żółw"]},
        geometry=[
            shapely.box(xy[0], xy[1], xy[0] + 50, xy[1] + 50),
            shapely.box(*xy, xy[0] + 9, xy[1] + 9),
        ],
        crs=crs,
    )
    path = folder / f"{name}.shp"
    with warnings.catch_warnings():  # "no CRS" warning of the writer
        warnings.simplefilter("ignore")
        frame.to_file(path, engine="pyogrio", encoding="cp1250")
    return path


def wait_idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not window.loader.busy(), timeout=30_000)


def test_add_shapefile_in_worker_shows_report(qtbot, window, dialogs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = shapefile(tmp_path, "szkoly", (500_000, 300_000), 2180)
    window.add_files([path])
    assert window.progress.isVisible()
    wait_idle(qtbot, window)
    assert window.project.layer_names() == ["Działki", "Drogi", "szkoly"]
    assert window.layer_panel.model.layer_names()[0] == "szkoly"
    assert len(dialogs.reports) == 1
    assert dialogs.reports[0].crs == "EPSG:2180"
    assert window.controller.stack.undo_label == "Add layer"
    assert window.project.layer("szkoly").frame["nazwa"].tolist() == ["Łąka", "Żółw"]
    assert not window.progress.isVisible()
    window.controller.undo()
    assert window.project.layer_names() == ["Działki", "Drogi"]


def test_guessed_crs_changed_reloads(qtbot, window, dialogs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = shapefile(tmp_path, "bez_prj", (500_000, 300_000), None)
    dialogs.new_crs = "EPSG:2177"  # "Change…" in the report of the first load
    window.add_files([path])
    qtbot.waitUntil(lambda: len(dialogs.reports) == 2, timeout=30_000)
    wait_idle(qtbot, window)
    first, second = dialogs.reports
    assert first.crs_guessed
    assert first.crs == "EPSG:2180"
    assert not second.crs_guessed
    assert second.crs == "EPSG:2177"
    assert window.project.layer_names() == ["Działki", "Drogi", "bez_prj"]  # replaced, not added
    bounds = window.project.layer("bez_prj").frame.total_bounds
    assert bounds[0] > 1_000_000 or bounds[0] < 0  # reprojected from PL-2000 zone 6
    assert window.controller.stack.undo_label == "Add layer"
    window.controller.undo()
    assert window.project.layer_names() == ["Działki", "Drogi"]


def test_layer_without_crs_asks_for_one(qtbot, window, dialogs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = shapefile(tmp_path, "lokalny", (10, 10), None)  # fits no Polish system
    window.add_files([path])
    wait_idle(qtbot, window)
    assert dialogs.crs_asked == ["lokalny"]
    assert window.project.layer_names() == ["Działki", "Drogi"]  # cancelled: nothing added
    dialogs.crs_answer = "EPSG:2180"
    window.add_files([path])
    qtbot.waitUntil(lambda: "lokalny" in window.project.layer_names(), timeout=30_000)
    assert dialogs.reports[-1].crs == "EPSG:2180"


def test_cancel_leaves_project_unchanged(
    qtbot, window, dialogs, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    path = shapefile(tmp_path, "wolny", (500_000, 300_000), 2180)
    real = layer_loading.read_layer

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(layer_loading, "read_layer", slow)
    window.add_files([path, path])
    assert window.loader.busy()
    window.progress.cancel_button.click()
    wait_idle(qtbot, window)
    qtbot.wait(100)
    assert window.project.layer_names() == ["Działki", "Drogi"]
    assert dialogs.reports == []
    assert dialogs.errors == []
    assert window.controller.stack.undo_label is None
    assert not window.progress.isVisible()


def test_bad_file_is_a_plain_message(qtbot, window, dialogs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "zepsuty.shp"
    bad.write_bytes(b"this is not a shapefile")
    window.add_files([bad])
    wait_idle(qtbot, window)
    assert len(dialogs.errors) == 1
    assert dialogs.errors[0].startswith("zepsuty.shp: ")
    assert "Traceback" not in dialogs.errors[0]
    assert window.project.layer_names() == ["Działki", "Drogi"]


def test_multi_layer_geopackage_uses_chooser(qtbot, window, dialogs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gpkg = tmp_path / "wiele.gpkg"
    for name, x in (("budynki", 500_000), ("drzewa", 500_100)):
        frame = gpd.GeoDataFrame(geometry=[shapely.Point(x, 300_000)], crs=2180)
        frame.to_file(gpkg, layer=name, engine="pyogrio")
    dialogs.layers = ["drzewa"]
    window.add_files([gpkg])
    wait_idle(qtbot, window)
    assert window.project.layer_names() == ["Działki", "Drogi", "drzewa"]


def test_drop_files_on_window(qtbot, window, dialogs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = [
        shapefile(tmp_path, "a", (500_000, 300_000), 2180),
        shapefile(tmp_path, "b", (500_100, 300_000), 2180),
    ]
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    qtbot.waitUntil(lambda: len(dialogs.reports) == 2, timeout=30_000)
    assert window.project.layer_names()[-2:] == ["a", "b"]


def test_dialogs_collect_answers(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from mgis.io import LayerInfo

    chooser = LayerChooserDialog(
        tmp_path / "x.gpkg", [LayerInfo("a", "Point", 1), LayerInfo("b", None, None)]
    )
    qtbot.addWidget(chooser)
    assert chooser.chosen() == ["a", "b"]
    chooser.list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert chooser.chosen() == ["b"]
    report = LoadReport(
        path="x.shp",
        format="ESRI Shapefile",
        layer=None,
        feature_count=2,
        geometry_types=("Polygon",),
        encoding="cp1250",
        encoding_reason="detected",
        crs="EPSG:2180",
        crs_guessed=True,
        crs_reason="coordinates match PUWG 1992",
        invalid_geometries=1,
        repairs=1,
        warnings=("check it",),
        extent=None,
    )
    dialog = LoadReportDialog("x", report)
    qtbot.addWidget(dialog)
    assert dialog.new_crs() == ""
    dialog.change_button.click()
    dialog.combo.setEditText("2178")
    assert combo_crs(dialog.combo) == "EPSG:2178"
    dialog.apply_button.click()
    assert dialog.new_crs() == "EPSG:2178"


def test_worker_reports_progress_result_and_readable_errors(qtbot) -> None:  # type: ignore[no-untyped-def]
    from mgis.io import MgisIOError
    from mgis.ui.workers import Worker

    def work(n: int, *, progress: Any, cancelled: Any) -> int:
        for i in range(n):
            progress(100 * (i + 1) // n)
        return n * 2

    seen: list[int] = []
    worker = Worker(work, 4, controls=True)
    worker.progressed.connect(seen.append)
    with qtbot.waitSignal(worker.succeeded, timeout=10_000) as result:
        worker.start()
    assert result.args == [8]
    qtbot.waitUntil(lambda: seen == [25, 50, 75, 100], timeout=5_000)

    def fail() -> None:
        raise MgisIOError("dzialki.shp: the .shx index is missing; copy it next to the .shp")

    worker = Worker(fail)
    with qtbot.waitSignal(worker.failed, timeout=10_000) as result:
        worker.start()
    assert result.args == ["dzialki.shp: the .shx index is missing; copy it next to the .shp"]

    worker = Worker(lambda: 1 / 0)
    with qtbot.waitSignal(worker.failed, timeout=10_000) as result:
        worker.start()
    assert result.args[0].startswith("ZeroDivisionError")


def test_cancelled_worker_never_succeeds(qtbot) -> None:  # type: ignore[no-untyped-def]
    from mgis.ui.workers import Worker

    def work(*, progress: Any, cancelled: Any) -> str:
        while not cancelled():
            time.sleep(0.01)
        return "late"

    worker = Worker(work, controls=True)
    results: list[object] = []
    worker.succeeded.connect(results.append)
    worker.start()
    with qtbot.waitSignal(worker.canceled, timeout=10_000):
        worker.cancel()
    qtbot.waitUntil(worker.is_done, timeout=5_000)
    assert results == []
