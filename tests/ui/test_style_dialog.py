from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from PySide6.QtWidgets import QDialog

from mgis.layers import Style, VectorLayer
from mgis.layers.style import StyleClass
from mgis.ui import i18n
from mgis.ui.style_dialog import StyleDialog


def parcels() -> VectorLayer:
    frame = gpd.GeoDataFrame(
        {
            "wlasnosc": ["Gmina", "Osoba", "Gmina", "Skarb", None],
            "pow_m2": [100.0, 200.0, 300.0, 5000.0, np.nan],
        },
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(5)],
        crs=2180,
    )
    style = Style(fill="#abcdef", stroke="#123456", label_field=None)
    return VectorLayer("Działki", frame, style=style)


def test_categorized_classify_and_accept(qtbot) -> None:  # type: ignore[no-untyped-def]
    layer = parcels()
    before = layer.style
    dialog = StyleDialog(layer)
    qtbot.addWidget(dialog)
    dialog.set_mode("categorized")
    dialog.cat_field.setCurrentIndex(dialog.cat_field.findData("wlasnosc"))
    dialog.cat_button.click()
    assert dialog.cat_table.rowCount() == 4
    assert dialog.cat_table.item(0, 1).text() == "Gmina"
    assert dialog.cat_table.item(0, 3).text() == "2"
    assert dialog.preview.count() == 4
    dialog.set_class_color(1, "#ff0000")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    style = dialog.result_style()
    assert style.mode == "categorized"
    assert style.field == "wlasnosc"
    assert [(c.value, c.count) for c in style.classes] == [
        ("Gmina", 2), ("Osoba", 1), ("Skarb", 1), (None, 1)
    ]  # fmt: skip
    assert style.classes[1].fill == "#ff0000"
    assert all(c.stroke == "#123456" for c in style.classes)  # outline is shared
    assert layer.style is before  # the dialog never changes the layer


def test_graduated_and_labels(qtbot) -> None:  # type: ignore[no-untyped-def]
    layer = parcels()
    dialog = StyleDialog(layer)
    qtbot.addWidget(dialog)
    dialog.set_mode("graduated")
    assert [dialog.grad_field.itemData(i) for i in range(dialog.grad_field.count())] == ["pow_m2"]
    dialog.grad_method.setCurrentIndex(dialog.grad_method.findData("quantiles"))
    dialog.grad_classes.setValue(2)
    dialog.grad_ramp.setCurrentIndex(dialog.grad_ramp.findData("Greens"))
    dialog.grad_button.click()
    dialog.label_combo.setCurrentIndex(dialog.label_combo.findData("wlasnosc"))
    dialog.accept()
    style = dialog.result_style()
    assert style.mode == "graduated"
    assert style.method == "quantiles"
    assert style.ramp == "Greens"
    assert len(style.classes) == 2
    assert sum(c.count for c in style.classes) == 4
    assert style.label_field == "wlasnosc"
    # NaN has no class: the preview shows a row for it
    assert dialog.preview.count() == 3


def test_accept_without_classify_classifies(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = StyleDialog(parcels())
    qtbot.addWidget(dialog)
    dialog.set_mode("categorized")
    dialog.accept()
    style = dialog.result_style()
    assert style.mode == "categorized"
    assert style.classes


def test_single_symbol_settings(qtbot) -> None:  # type: ignore[no-untyped-def]
    layer = parcels()
    dialog = StyleDialog(layer)
    qtbot.addWidget(dialog)
    assert dialog.mode() == "single"
    dialog.fill_button.set_color("#00ff00")
    dialog.width_spin.setValue(0.5)
    dialog.dash_combo.setCurrentIndex(dialog.dash_combo.findData("dash"))
    dialog.accept()
    style = dialog.result_style()
    assert (style.mode, style.fill, style.stroke, style.stroke_width, style.dash) == (
        "single", "#00ff00", "#123456", 0.5, "dash"
    )  # fmt: skip
    assert style.classes == ()


def test_existing_classes_are_shown_and_kept(qtbot) -> None:  # type: ignore[no-untyped-def]
    layer = parcels()
    layer.style = Style(
        mode="categorized",
        field="wlasnosc",
        ramp="Qualitative",
        classes=(StyleClass("Gmina", "#ff0000", "#000000", value="Gmina", count=2),),
    )
    dialog = StyleDialog(layer)
    qtbot.addWidget(dialog)
    assert dialog.mode() == "categorized"
    assert dialog.cat_table.rowCount() == 1
    dialog.cat_table.item(0, 2).setText("Gminne")  # edit the label in place
    dialog.accept()
    style = dialog.result_style()
    assert style.classes[0].label == "Gminne"
    assert style.classes[0].fill == "#ff0000"


def test_graduated_text_only_layer_says_so(qtbot) -> None:  # type: ignore[no-untyped-def]
    frame = gpd.GeoDataFrame({"a": ["x"]}, geometry=[shapely.box(0, 0, 1, 1)])
    dialog = StyleDialog(VectorLayer("t", frame))
    qtbot.addWidget(dialog)
    dialog.set_mode("graduated")
    assert not dialog.grad_button.isEnabled()
    dialog.classify_ranges()
    assert dialog.message.text()
    assert dialog.current_style().mode == "single"


def test_polish_labels(qtbot) -> None:  # type: ignore[no-untyped-def]
    try:
        i18n.set_language("pl")
        dialog = StyleDialog(parcels())
        qtbot.addWidget(dialog)
        assert dialog.mode_combo.itemText(1) == "Kategoryzowany"
        assert dialog.cat_button.text() == "Klasyfikuj"
    finally:
        i18n.set_language("en")


def test_changing_the_field_drops_stale_classes(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = StyleDialog(parcels())
    qtbot.addWidget(dialog)
    dialog.set_mode("categorized")
    dialog.cat_field.setCurrentIndex(dialog.cat_field.findData("wlasnosc"))
    dialog.cat_button.click()
    assert dialog.cat_table.rowCount() == 4
    dialog.cat_field.setCurrentIndex(dialog.cat_field.findData("pow_m2"))
    assert dialog.cat_table.rowCount() == 0
    dialog.accept()
    assert dialog.result_style().field == "pow_m2"
