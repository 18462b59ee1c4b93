"""Print and Export menus: the dialogs collect settings, the work runs in workers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from mgis.layers import Style, VectorLayer
from mgis.project import Project
from mgis.render.templates import METADATA_KEY, user_templates
from mgis.render.view import MapView
from mgis.ui import i18n
from mgis.ui.export_dialog import ExportLayerDialog
from mgis.ui.main_window import MainWindow
from mgis.ui.print_actions import PrintUi
from mgis.ui.print_dialog import AtlasDialog, PrintDialog

X0, Y0 = 470_000.0, 500_000.0


@pytest.fixture
def project() -> Project:
    parcels = gpd.GeoDataFrame(
        {"nr": ["1", "2", "3"], "wlasnosc": ["Gmina", "Skarb Państwa", "inne"]},
        geometry=[shapely.box(X0 + i * 100, Y0, X0 + i * 100 + 100, Y0 + 100) for i in range(3)],
        crs=2180,
    )
    areas = gpd.GeoDataFrame(
        {"nazwa": ["Łąka", "Żwirownia"]},
        geometry=[
            shapely.box(X0, Y0, X0 + 150, Y0 + 100),
            shapely.box(X0 + 150, Y0, X0 + 300, Y0 + 100),
        ],
        crs=2180,
    )
    return Project(
        layers=[
            VectorLayer("działki", parcels, style=Style(fill="#ffe0a0")),
            VectorLayer("inwestycje", areas, style=Style(fill="#00000000", stroke="#ff0000")),
        ],
        crs="EPSG:2180",
        metadata={"title": "Żółwin"},
    )


def test_print_dialog_collects_a_sheet_and_previews_it(qtbot, project: Project) -> None:  # type: ignore[no-untyped-def]
    view = MapView(X0 + 150, Y0 + 50, 1.0, 800, 600)
    dialog = PrintDialog(project, view, (X0, Y0, X0 + 150, Y0 + 100))
    qtbot.addWidget(dialog)
    dialog.update_preview()
    pixmap = dialog.preview.pixmap()
    assert not pixmap.isNull()
    assert pixmap.width() <= 520
    form = dialog.form
    form.paper.setCurrentText("A3")
    form.orientation.setCurrentIndex(form.orientation.findData("landscape"))
    form.scale.setCurrentText("1:2 500")
    form.subtitle.setText("Zażółć")
    form.author.setText("Jan Kowalski")
    form.checks["grid"].setChecked(False)
    form.checks["title_block"].setChecked(False)
    spec = dialog.spec()
    assert (spec.paper, spec.orientation, spec.scale) == ("A3", "landscape", 2500)
    assert spec.center == (X0 + 150, Y0 + 50)
    assert spec.title == "Żółwin"
    assert spec.subtitle == "Zażółć"
    assert not spec.grid
    assert spec.title_block is None
    dialog.place.setCurrentIndex(dialog.place.findData("selection"))
    assert dialog.spec().extent == (X0, Y0, X0 + 150, Y0 + 100)
    assert dialog.output_path() is None
    dialog.output.setText("/tmp/arkusz")
    assert dialog.output_path() == Path("/tmp/arkusz.pdf")
    form.template.setCurrentIndex(form.template.findData("a1-wall"))
    assert dialog.form.paper.currentText() == "A1"
    dialog.update_preview()
    assert not dialog.preview.pixmap().isNull()


def test_atlas_dialog_collects_the_parameters(qtbot, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = AtlasDialog(project)
    qtbot.addWidget(dialog)
    dialog.coverage.setCurrentText("inwestycje")
    dialog.name_field.setCurrentIndex(dialog.name_field.findData("nazwa"))
    dialog.table_layer.setCurrentIndex(dialog.table_layer.findData("działki"))
    dialog.table_fields.setText("nr, wlasnosc")
    dialog.output.setText(str(tmp_path / "atlas.pdf"))
    params = dialog.parameters()
    assert params["coverage"] == "inwestycje"
    assert params["name_field"] == "nazwa"
    assert params["table_layer"] == "działki"
    assert params["table_fields"] == ["nr", "wlasnosc"]
    assert params["one_file"] is True


def test_export_dialog_collects_the_options(qtbot, project: Project) -> None:  # type: ignore[no-untyped-def]
    project.layer("działki").selected = np.array([0, 2])
    dialog = ExportLayerDialog(project, "działki", (X0, Y0, X0 + 50, Y0 + 50))
    qtbot.addWidget(dialog)
    assert dialog.selected_only.isChecked()
    dialog.format.setCurrentIndex(dialog.format.findData("shp"))
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("cp1250"))
    dialog.crs.setText("EPSG:2177")
    dialog.extent_only.setChecked(True)
    dialog.fields.item(1).setCheckState(dialog.fields.item(1).checkState().Unchecked)
    dialog.output.setText("/tmp/dzialki.gpkg")
    dialog.format.setCurrentIndex(dialog.format.findData("shp"))
    opts = dialog.options()
    assert list(opts.selected) == [0, 2]  # type: ignore[arg-type]
    assert opts.encoding == "cp1250"
    assert opts.target_crs == "EPSG:2177"
    assert opts.extent == (X0, Y0, X0 + 50, Y0 + 50)
    assert opts.fields == ("nr",)
    assert dialog.format_name() == "shp"
    dialog.format.setCurrentIndex(dialog.format.findData("geojson"))
    assert dialog.output_path().suffix == ".geojson"


@pytest.fixture
def window(qtbot, project: Project):  # type: ignore[no-untyped-def]
    win = MainWindow(project)
    qtbot.addWidget(win)
    yield win
    win.canvas.shutdown()


def test_menus_are_installed_in_polish(qtbot, project: Project) -> None:  # type: ignore[no-untyped-def]
    try:
        i18n.set_language("pl")
        win = MainWindow(project)
        qtbot.addWidget(win)
        titles = [a.text() for a in win.menuBar().actions()]
        assert "&Wydruk" in titles
        assert "&Eksport" in titles
        ui: PrintUi = win.print_ui  # type: ignore[attr-defined]
        assert ui.sheet_action.text() == "Drukuj &arkusz mapy…"
        win.canvas.shutdown()
    finally:
        i18n.set_language("en")


def test_print_export_and_templates_run_in_workers(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from mgis.io.export import ExportOptions
    from mgis.render.sheet import SheetSpec

    ui: PrintUi = window.print_ui  # type: ignore[attr-defined]
    pdf = tmp_path / "arkusz.pdf"
    with qtbot.waitSignal(ui.done, timeout=30_000) as blocker:
        worker = ui.print_sheet(SheetSpec(paper="A4", scale=2000, title="Łąki"), pdf)
    assert blocker.args == [str(pdf)]
    assert worker.is_done()
    assert pdf.stat().st_size > 1000
    folder = tmp_path / "atlas"
    with qtbot.waitSignal(ui.done, timeout=30_000):
        ui.print_atlas(
            spec=SheetSpec(), coverage="inwestycje", out=folder, name_field="nazwa", one_file=False
        )
    assert sorted(p.name for p in folder.iterdir()) == ["Łąka.pdf", "Żwirownia.pdf"]
    gpkg = tmp_path / "działki.gpkg"
    with qtbot.waitSignal(ui.done, timeout=30_000):
        ui.export_layer("działki", gpkg, "gpkg", ExportOptions(fields=("nr",)))
    assert gpd.read_file(gpkg).columns.tolist() == ["nr", "geometry"]
    ui.save_template("Mój A2", SheetSpec(paper="A2", orientation="landscape"))
    assert user_templates(window.project)["Mój A2"].spec().paper == "A2"
    window.controller.undo()
    assert METADATA_KEY not in window.project.metadata


def test_cancelled_print_writes_nothing(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from mgis.render.printing import PrintCancelled
    from mgis.render.sheet import SheetSpec
    from mgis.ui.print_actions import print_sheet_job

    pdf = tmp_path / "x.pdf"
    with pytest.raises(PrintCancelled):
        print_sheet_job(
            window.project, SheetSpec(), pdf, progress=lambda _p: None, cancelled=lambda: True
        )
    assert not pdf.exists()
    ui: PrintUi = window.print_ui  # type: ignore[attr-defined]
    done: list[str] = []
    ui.done.connect(done.append)
    worker = ui.print_sheet(SheetSpec(), tmp_path / "y.pdf")
    worker.cancel()
    assert worker.wait(30)
    qtbot.waitUntil(lambda: window.progress.worker is None, timeout=10_000)
    assert done == []
