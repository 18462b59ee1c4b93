"""The desktop app issue's "done when" story, driven through the real main window.

A new user opens the demo town, finds a parcel by clicking, filters the attribute
table, restyles parcels by owner type and by area (natural breaks), measures a
distance, undoes it all, and switches the interface language.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from mgis.commands import SetLayerProperties
from mgis.demo import build_demo
from mgis.ui import i18n
from mgis.ui.attribute_table import open_attribute_table
from mgis.ui.main_window import MainWindow
from mgis.ui.settings import AppSettings
from mgis.ui.style_dialog import StyleDialog

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return build_demo(tmp_path_factory.mktemp("demo"), parcels=1500, seed=3).project_path


def test_new_user_story(qtbot, demo_project: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: PLR0915 - one story, step by step
    i18n.set_language("pl")
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        assert win.open_project(demo_project)
    parcels = win.project.layer("parcels")
    original_style = parcels.style

    # Find a parcel by clicking it with the identify tool.
    win.map_toolbar.identify_action.trigger()
    target = parcels.frame.geometry.iloc[len(parcels.frame) // 2].representative_point()
    view = win.canvas.view
    assert view is not None
    px, py = view.world_to_pixel((target.x, target.y))
    qtbot.mouseClick(win.canvas, LEFT, NONE, QPoint(round(px), round(py)))
    hits = win.map_toolbar.identify_panel.hits
    parcel_hits = [h for h in hits if h.layer == "parcels"]
    assert parcel_hits, [h.layer for h in hits]
    assert parcel_hits[0].area is not None
    assert parcel_hits[0].area > 0

    # Filter the attribute table with an expression.
    dock = open_attribute_table(win, win.controller, "parcels")
    table = dock.table
    table.expression_edit.setText('wlasnosc == "Gmina" and pow_m2 > 1000')
    table.apply_expression()
    expected = int(
        ((parcels.frame["wlasnosc"] == "Gmina") & (parcels.frame["pow_m2"] > 1000)).sum()
    )
    assert 0 < expected < len(parcels.frame)
    assert table.model.rowCount() == expected

    # Restyle parcels by owner type, then by area with natural breaks.
    dialog = StyleDialog(parcels, win)
    qtbot.addWidget(dialog)
    dialog.set_mode("categorized")
    dialog.cat_field.setCurrentIndex(dialog.cat_field.findData("wlasnosc"))
    dialog.cat_button.click()
    dialog.accept()
    win.controller.push(SetLayerProperties("parcels", style=dialog.result_style()))
    assert parcels.style.mode == "categorized"
    owners = {c.value for c in parcels.style.classes}
    assert {"Gmina", "Skarb Państwa", "osoba fizyczna"} <= owners
    dialog = StyleDialog(parcels, win)
    qtbot.addWidget(dialog)
    dialog.set_mode("graduated")
    dialog.grad_field.setCurrentIndex(dialog.grad_field.findData("pow_m2"))
    dialog.grad_method.setCurrentIndex(dialog.grad_method.findData("natural_breaks"))
    dialog.grad_button.click()
    dialog.accept()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        win.controller.push(SetLayerProperties("parcels", style=dialog.result_style()))
    assert parcels.style.mode == "graduated"
    assert parcels.style.method == "natural_breaks"

    # Measure a distance of 3-4-5 proportions: 500 m.
    win.map_toolbar.measure_distance_action.trigger()
    tool = win.map_toolbar.measure_distance_tool
    x0, y0 = view.world_to_pixel((target.x, target.y))
    x1, y1 = view.world_to_pixel((target.x + 300, target.y + 400))
    qtbot.mouseClick(win.canvas, LEFT, NONE, QPoint(round(x0), round(y0)))
    qtbot.mouseDClick(win.canvas, LEFT, NONE, QPoint(round(x1), round(y1)))
    assert tool.value() == pytest.approx(500, rel=0.02)  # one pixel is ~1 % here

    # Undo it all: both restyles.
    assert win.menu_actions.undo.isEnabled()
    win.menu_actions.undo.trigger()
    win.menu_actions.undo.trigger()
    assert parcels.style == original_style
    assert not win.menu_actions.undo.isEnabled()

    # Switch the interface to English in the settings (it applies on restart).
    settings = AppSettings()
    settings.language = "en"
    settings.sync()
    assert AppSettings().language == "en"
    settings.language = "pl"
    settings.sync()
    assert AppSettings().language == "pl"
    win.canvas.shutdown()
