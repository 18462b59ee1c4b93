from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from mgis.ui import i18n
from mgis.ui.app import display_available
from mgis.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, project_file: Path):  # type: ignore[no-untyped-def]
    i18n.set_language("en")
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(800, 600)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=10_000):
        assert win.open_project(project_file)
    yield win
    win.canvas.shutdown()


def canvas_rgb(win: MainWindow, x: int, y: int) -> tuple[int, int, int]:
    img = win.canvas.grab().toImage()
    c = img.pixelColor(x, y)
    return (c.red(), c.green(), c.blue())


def parcel_pixel(win: MainWindow) -> tuple[int, int]:
    view = win.canvas.view
    assert view is not None
    x, y = view.world_to_pixel((50.0, 20.0))
    return round(x), round(y)


def test_opens_project(window: MainWindow) -> None:
    assert window.windowTitle() == "mgis — Testowo"
    names = [window.layer_list.item(i).text() for i in range(window.layer_list.count())]
    assert names == ["Drogi", "Działki"]  # top layer first
    assert window.crs_label.text() == "EPSG:2180"
    assert window.scale_label.text().startswith("Scale 1:")
    assert window.render_label.text().endswith("ms")


def test_canvas_shows_polygon_and_untick_hides_it(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    x, y = parcel_pixel(window)
    assert canvas_rgb(window, x, y) == (255, 0, 0)
    item = window.layer_list.findItems("Działki", Qt.MatchFlag.MatchExactly)[0]
    with qtbot.waitSignal(window.canvas.rendered, timeout=10_000):
        item.setCheckState(Qt.CheckState.Unchecked)
    assert canvas_rgb(window, x, y) == (255, 255, 255)
    assert window.project is not None
    assert not window.project.layer("Działki").visible


def test_wheel_zoom_changes_scale(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    before = window.canvas.scale_denominator()
    pos = QPointF(200, 200)
    event = QWheelEvent(
        pos,
        window.canvas.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    with qtbot.waitSignal(window.canvas.rendered, timeout=10_000):
        QApplication.sendEvent(window.canvas, event)
    after = window.canvas.scale_denominator()
    assert before is not None
    assert after is not None
    assert after == pytest.approx(before / 1.25**2)
    assert window.scale_label.text() == f"Scale 1:{round(after):,}".replace(",", " ")


def test_drag_pans(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = window.canvas.view
    assert view is not None
    with qtbot.waitSignal(window.canvas.rendered, timeout=10_000):
        qtbot.mousePress(window.canvas, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
        qtbot.mouseMove(window.canvas, QPoint(150, 100))
        qtbot.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, pos=QPoint(150, 100))
    new = window.canvas.view
    assert new is not None
    assert new.cx == pytest.approx(view.cx - 50 * view.resolution)


def test_bad_project_shows_message(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    win = MainWindow()
    qtbot.addWidget(win)
    bad = tmp_path / "bad.gpkg"
    bad.write_text("not a geopackage")
    assert not win.open_project(bad)
    assert shown
    assert "Traceback" not in shown[0]


def test_polish_strings(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MGIS_LANG", "pl")
    i18n._state["lang"] = ""
    try:
        assert i18n.current_language() == "pl"
        win = MainWindow()
        qtbot.addWidget(win)
        menus = [a.text() for a in win.menuBar().actions()]
        assert menus == ["&Projekt", "&Widok", "Pomo&c"]
        assert win.layer_dock.windowTitle() == "Warstwy"
    finally:
        i18n.set_language("en")


def test_display_available(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("Linux rules")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert not display_available()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display_available()
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":0")
    assert display_available()
