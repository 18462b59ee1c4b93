"""Printed sheets checked with poppler: page size, text, fonts, exact scale, vector, atlas."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtGui import QImage

from mgis.layers import Style, VectorLayer
from mgis.layers.classify import categorize
from mgis.project import Project
from mgis.render.atlas import parcels_table, print_atlas
from mgis.render.printing import PrintCancelled, print_pdf, print_png, sheet_image
from mgis.render.sheet import SheetSpec, TitleBlock, compute_layout

X0, Y0 = 470_000.0, 500_000.0  # centre of the test town (PUWG 1992)
MAGENTA = "#ff00ff"
TITLE = "Plan sytuacyjny — Łódź, ul. Żółkiewskiego"


@pytest.fixture(autouse=True)
def _qt_app(qapp: object) -> None:
    """A QApplication first: printing would otherwise create a bare QGuiApplication,
    which later widget tests in the same session cannot use."""


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def project() -> Project:
    cells = [
        shapely.box(X0 + i * 50, Y0 + j * 50, X0 + i * 50 + 50, Y0 + j * 50 + 50)
        for i in range(-8, 8)
        for j in range(-8, 8)
    ]
    owners = np.array(["Gmina", "Skarb Państwa", "osoba fizyczna", "spółdzielnia"])
    parcels = gpd.GeoDataFrame(
        {
            "nr": [f"{k}/1" for k in range(len(cells))],
            "wlasnosc": owners[np.arange(len(cells)) % 4],
        },
        geometry=cells,
        crs=2180,
    )
    square = gpd.GeoDataFrame(
        {"nazwa": ["kwadrat"]},
        geometry=[shapely.box(X0 + 100, Y0 + 50, X0 + 200, Y0 + 150)],
        crs=2180,
    )
    road = gpd.GeoDataFrame(
        {"nazwa": ["ul. Źródlana"]},
        geometry=[shapely.LineString([(X0 - 400, Y0), (X0 + 400, Y0)])],
        crs=2180,
    )
    boundary = gpd.GeoDataFrame(geometry=[shapely.Point(X0, Y0).buffer(450)], crs=2180)
    parcels_layer = VectorLayer("Działki", parcels)
    parcels_layer.style = categorize(parcels, "wlasnosc", base=Style(stroke="#666666"))
    return Project(
        layers=[
            VectorLayer("boundary", boundary, style=Style(fill="#00000000", stroke="#aa0000")),
            parcels_layer,
            VectorLayer(
                "Ulice", road, style=Style(stroke="#0000ff", stroke_width=0.7), opacity=0.5
            ),
            VectorLayer("Inwestycja", square, style=Style(fill=MAGENTA, stroke_width=0.0)),
        ],
        crs="EPSG:2180",
        metadata={"title": "Testowo"},
    )


def _spec(**kw: object) -> SheetSpec:
    base: dict[str, object] = {
        "paper": "A4",
        "orientation": "portrait",
        "scale": 5000,
        "center": (X0, Y0),
        "title": TITLE,
        "subtitle": "Zażółć gęślą jaźń",
        "title_block": TitleBlock(
            author="Józef Łęcki", department="Wydział Geodezji", sources="EGiB"
        ),
    }
    base.update(kw)
    return SheetSpec(**base)  # type: ignore[arg-type]


def _magenta_box(png: Path, spec: SheetSpec, px_per_mm: float) -> tuple[int, int, int, int]:
    """Pixel bounds of the magenta fill inside the map frame (the legend has a magenta swatch)."""
    image = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    px = arr[:, : image.width() * 4].reshape(image.height(), image.width(), 4)
    b, g, r = px[..., 0].astype(int), px[..., 1].astype(int), px[..., 2].astype(int)
    mask = (r > 200) & (b > 200) & (g < 60)
    frame = compute_layout(spec).map
    outside = np.ones_like(mask)
    outside[
        round(frame.y * px_per_mm) : round(frame.bottom * px_per_mm),
        round(frame.x * px_per_mm) : round(frame.right * px_per_mm),
    ] = False
    mask[outside] = False
    ys, xs = np.nonzero(mask)
    assert len(xs), "the magenta square is not on the page"
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def test_pdf_page_size_text_and_fonts(
    project: Project, tmp_path: Path, require_tool: Callable[[str], str]
) -> None:
    pdfinfo, pdftotext, pdffonts = (require_tool(t) for t in ("pdfinfo", "pdftotext", "pdffonts"))
    out = tmp_path / "a3.pdf"
    print_pdf(project, _spec(paper="A3", orientation="landscape"), out)
    info = _run(pdfinfo, str(out))
    w, h = (float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())  # type: ignore[union-attr]
    # Qt writes page sizes in whole points: A3 is 1190.55 x 841.89 pt
    assert abs(w - 420 / 25.4 * 72) <= 0.5
    assert abs(h - 297 / 25.4 * 72) <= 0.5
    assert "(A3)" in info
    assert re.search(r"Pages:\s+1\n", info)
    text = " ".join(_run(pdftotext, str(out), "-").split())
    for expected in (
        TITLE,
        "Zażółć gęślą jaźń",
        "Legenda",
        "Działki",
        "Skarb Państwa",
        "osoba fizyczna",
        "spółdzielnia",
        "Ulice",
        "Skala 1:5 000",
        "Józef Łęcki",
        "Układ współrzędnych",
        "PL-1992 (EPSG:2180)",
        "500 000",
        "470 000",
    ):
        assert expected in text, expected
    fonts = _run(pdffonts, str(out))
    assert "DejaVuSans" in fonts
    for line in fonts.splitlines()[2:]:
        assert line.split()[-5] == "yes", line  # embedded


def test_scale_is_exact_and_features_land_where_they_should(
    project: Project, tmp_path: Path, require_tool: Callable[[str], str]
) -> None:
    pdftoppm = require_tool("pdftoppm")
    spec = _spec(grid=False)
    out = tmp_path / "a4.pdf"
    print_pdf(project, spec, out)
    dpi = 254  # 10 px per mm
    subprocess.run(
        [pdftoppm, "-png", "-r", str(dpi), "-singlefile", str(out), str(tmp_path / "page")],
        check=True,
    )
    x0, y0, x1, y1 = _magenta_box(tmp_path / "page.png", spec, 10)
    # 100 m at 1:5 000 = 20 mm = 200 px at 254 dpi
    assert abs((x1 - x0) - 200) <= 1
    assert abs((y1 - y0) - 200) <= 1
    # the square's centre is 150 m east and 100 m north of the frame centre: +30 mm, -20 mm
    frame = compute_layout(spec).map
    cx, cy = (frame.x + frame.w / 2) * 10, (frame.y + frame.h / 2) * 10
    assert abs((x0 + x1) / 2 - (cx + 300)) <= 2
    assert abs((y0 + y1) / 2 - (cy - 200)) <= 2


def test_page_is_not_blank_and_stays_vector_with_opacity(
    project: Project, tmp_path: Path, require_tool: Callable[[str], str]
) -> None:
    pdftoppm, pdfimages = require_tool("pdftoppm"), require_tool("pdfimages")
    out = tmp_path / "a4.pdf"
    print_pdf(project, _spec(), out)
    assert project.layer("Ulice").opacity == 0.5
    images = _run(pdfimages, "-list", str(out)).strip().splitlines()
    assert len(images) == 2, images  # the header lines only: no raster image on the page
    subprocess.run(
        [pdftoppm, "-png", "-r", "40", "-singlefile", str(out), str(tmp_path / "low")], check=True
    )
    image = QImage(str(tmp_path / "low.png")).convertToFormat(QImage.Format.Format_Grayscale8)
    arr = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    assert (arr[:, : image.width()] < 200).mean() > 0.1


def test_png_at_a_chosen_dpi(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "sheet.png"
    spec = _spec(grid=False)
    result = print_png(project, spec, out, dpi=127)  # 5 px per mm
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1050, 1485)
    assert result.scale == 5000
    x0, _, x1, _ = _magenta_box(out, spec, 5)
    assert abs((x1 - x0) - 100) <= 1


def test_fitted_sheet_and_legend_only_in_frame(project: Project) -> None:
    spec = _spec(scale=None, center=None, extent=(X0 + 100, Y0 + 50, X0 + 200, Y0 + 150))
    image, result = sheet_image(project, spec, 40)
    assert result.scale == 750.0  # a round scale holding the 100 m square with 5 % margins
    assert not image.isNull()
    assert result.legend_hidden == 0


def test_cancel_removes_the_file(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    with pytest.raises(PrintCancelled):
        print_pdf(project, _spec(), out, cancel=lambda: True)
    assert not out.exists()


def test_parcels_table_lists_the_parcels_inside(project: Project) -> None:
    table = parcels_table(project.layer("Działki"), shapely.box(X0, Y0, X0 + 100, Y0 + 100))
    assert table.headers == ("nr", "wlasnosc", "m²")
    assert len(table.rows) == 4
    assert {r[2] for r in table.rows} == {"2 500"}


def test_atlas_one_file_and_one_file_per_sheet(
    project: Project, tmp_path: Path, require_tool: Callable[[str], str]
) -> None:
    pdfinfo, pdftotext = require_tool("pdfinfo"), require_tool("pdftotext")
    areas = gpd.GeoDataFrame(
        {"nazwa": ["Obręb Łąki", "Obręb Źródła", "Obręb Łąki"]},
        geometry=[
            shapely.box(X0 - 200, Y0 - 200, X0, Y0),
            shapely.box(X0, Y0, X0 + 150, Y0 + 100),
            shapely.box(X0 - 50, Y0, X0, Y0 + 50),
        ],
        crs=2180,
    )
    project.layers.append(VectorLayer("obreby", areas, style=Style(fill="#00000000")))
    seen: list[int] = []
    out = tmp_path / "atlas.pdf"
    result = print_atlas(
        project,
        _spec(center=None, scale=None),
        "obreby",
        out,
        name_field="nazwa",
        table_layer="Działki",
        progress=seen.append,
    )
    assert result.files == [out]
    assert seen[-1] == 100
    assert re.search(r"Pages:\s+3\n", _run(pdfinfo, str(out)))
    text = _run(pdftotext, str(out), "-")
    assert "Obręb Źródła" in text
    assert "Działki — Obręb Łąki" in text
    folder = tmp_path / "sheets"
    result = print_atlas(
        project, _spec(center=None), "obreby", folder, name_field="nazwa", one_file=False
    )
    assert sorted(p.name for p in result.files) == [
        "Obręb Łąki.pdf",
        "Obręb Łąki_2.pdf",
        "Obręb Źródła.pdf",
    ]
    with pytest.raises(PrintCancelled):
        print_atlas(project, _spec(), "obreby", tmp_path / "c.pdf", cancel=lambda: True)
    assert not (tmp_path / "c.pdf").exists()
