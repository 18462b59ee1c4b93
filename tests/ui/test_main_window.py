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
    assert window.layer_panel.model.layer_names() == ["Drogi", "Działki"]  # top layer first
    assert window.crs_label.text() == "EPSG:2180"
    assert window.scale_box.currentText().startswith("1:")
    assert window.render_label.text().endswith("ms")


def test_canvas_shows_polygon_and_untick_hides_it(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    x, y = parcel_pixel(window)
    assert canvas_rgb(window, x, y) == (255, 0, 0)
    model = window.layer_panel.model
    item = model.item(model.row_of("Działki"))
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
    assert window.scale_box.currentText() == f"1:{round(after):,}".replace(",", " ")


def test_typed_scale_zooms_the_canvas(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    for text, wanted in (("1:5000", 5000), ("7 500", 7500), ("1:1 000", 1000)):
        with qtbot.waitSignal(window.canvas.rendered, timeout=10_000):
            window.scale_box.setEditText(text)
            qtbot.keyClick(window.scale_box.lineEdit(), Qt.Key.Key_Return)
        assert window.canvas.scale_denominator() == pytest.approx(wanted, rel=1e-6)
        assert window.scale_box.currentText() == f"1:{wanted:,}".replace(",", " ")
    assert not window.set_scale_text("abc")
    assert window.scale_box.currentText() == "1:1 000"  # the box follows the canvas again


def test_status_bar_shows_coordinates(window: MainWindow) -> None:
    window.canvas.cursorMoved.emit(512345.678, 301234.5)
    assert window.coords_label.text() == "X 512345.68  Y 301234.50"


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
    assert str(bad) in shown[0]


def test_polish_strings(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MGIS_LANG", "pl")
    i18n._state["lang"] = ""
    try:
        assert i18n.current_language() == "pl"
        win = MainWindow()
        qtbot.addWidget(win)
        menus = [a.text() for a in win.menuBar().actions()]
        assert menus[:9] == [
            "&Projekt", "&Edycja", "&Widok", "W&arstwa", "&Analiza",
            "&Rejestr", "&Wydruk", "&Eksport", "Pomo&c",
        ]  # fmt: skip
        assert win.layer_panel.windowTitle() == "Warstwy"
        assert win.menu_actions.undo.text() == "&Cofnij"
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
