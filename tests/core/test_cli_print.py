"""``mgis print``: sheets and atlases from the command line, and its one-line errors."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from mgis.cli import COMMANDS, main
from mgis.layers import Style, VectorLayer
from mgis.project import Project

X0, Y0 = 470_000.0, 500_000.0


@pytest.fixture(autouse=True)
def _qt_app(qapp: object) -> None:
    """A QApplication first: printing would otherwise create a bare QGuiApplication,
    which later widget tests in the same session cannot use."""


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    parcels = gpd.GeoDataFrame(
        {
            "nr": ["1/1", "1/2", "2/1", "2/2"],
            "wlasnosc": ["Gmina", "Skarb Państwa", "Gmina", "inne"],
        },
        geometry=[
            shapely.box(X0 + i, Y0 + j, X0 + i + 100, Y0 + j + 100)
            for i in (0, 100)
            for j in (0, 100)
        ],
        crs=2180,
    )
    areas = gpd.GeoDataFrame(
        {"nazwa": ["Szkoła Łąkowa", "Boisko Źródlane"]},
        geometry=[
            shapely.box(X0, Y0, X0 + 100, Y0 + 200),
            shapely.box(X0 + 100, Y0, X0 + 200, Y0 + 100),
        ],
        crs=2180,
    )
    project = Project(
        layers=[
            VectorLayer("działki", parcels, style=Style(fill="#ffe0a0")),
            VectorLayer("inwestycje", areas, style=Style(fill="#ff000040", stroke="#ff0000")),
        ],
        crs="EPSG:2180",
        metadata={"title": "Miasto Żółwin"},
    )
    return project.save(tmp_path / "projekt.gpkg")


def _text(pdftotext: str, pdf: Path) -> str:
    done = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def _pdfinfo(pdfinfo: str, pdf: Path) -> str:
    return subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout


def test_print_is_a_command() -> None:
    assert "print" in COMMANDS
    done = subprocess.run(
        [sys.executable, "-m", "mgis.cli", "print", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "--atlas" in done.stdout
    assert "--feature" in done.stdout


def test_sheet_at_a_fixed_scale(
    project_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    require_tool: Callable[[str], str],
) -> None:
    pdfinfo, pdftotext = require_tool("pdfinfo"), require_tool("pdftotext")
    out = tmp_path / "plan.pdf"
    code = main(
        [
            "print",
            str(project_path),
            "--paper",
            "A3",
            "--orientation",
            "landscape",
            "--scale",
            "5000",
            "--center",
            f"{X0 + 100},{Y0 + 100}",
            "--title",
            "Plan — Łęczyca",
            "--author",
            "Ewa Kłos",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert "1:5 000" in capsys.readouterr().out
    info = _pdfinfo(pdfinfo, out)
    assert "(A3)" in info
    w, h = (float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())  # type: ignore[union-attr]
    assert w > h
    text = _text(pdftotext, out)
    for expected in ("Plan — Łęczyca", "Ewa Kłos", "Skala 1:5 000", "działki", "inwestycje"):
        assert expected in text


def test_template_feature_table_and_png(
    project_path: Path, tmp_path: Path, require_tool: Callable[[str], str]
) -> None:
    pdftotext = require_tool("pdftotext")
    out = tmp_path / "notatka.pdf"
    code = main(
        [
            "print",
            str(project_path),
            "--template",
            "a4-note",
            "--feature",
            "inwestycje:nazwa=Szkoła Łąkowa",
            "--table-layer",
            "działki",
            "--table-fields",
            "nr,wlasnosc",
            "--language",
            "en",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    text = _text(pdftotext, out)
    assert "Miasto Żółwin" in text  # the project title by default
    assert "Legend" in text
    assert "Skarb Państwa" in text  # a parcel in the table
    png = tmp_path / "plan.png"
    assert (
        main(
            [
                "print",
                str(project_path),
                "--dpi",
                "50",
                "--without",
                "grid,inset",
                "--out",
                str(png),
            ]
        )
        == 0
    )
    assert png.stat().st_size > 1000


def test_atlas(project_path: Path, tmp_path: Path, require_tool: Callable[[str], str]) -> None:
    pdfinfo = require_tool("pdfinfo")
    out = tmp_path / "atlas.pdf"
    assert (
        main(
            [
                "print",
                str(project_path),
                "--atlas",
                "inwestycje",
                "--name-field",
                "nazwa",
                "--one-file",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert re.search(r"Pages:\s+2\n", _pdfinfo(pdfinfo, out))
    folder = tmp_path / "arkusze"
    assert (
        main(
            [
                "print",
                str(project_path),
                "--atlas",
                "inwestycje",
                "--name-field",
                "nazwa",
                "--out",
                str(folder),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in folder.iterdir()) == ["Boisko Źródlane.pdf", "Szkoła Łąkowa.pdf"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--feature", "inwestycje:nazwa=Brak"], "no feature"),
        (["--feature", "nope"], "LAYER:FIELD=VALUE"),
        (["--feature", "drogi:nr=1"], "no layer 'drogi'"),
        (["--template", "a9"], "No sheet template"),
        (["--scale", "abc"], "--scale"),
        (["--extent", "1,2,3"], "--extent"),
        (["--paper", "A3", "--center", "1,2"], "--center needs --scale"),
        (["--without", "kompas"], "unknown element"),
        (["--atlas", "inwestycje", "--name-field", "brak"], "no field 'brak'"),
    ],
)
def test_errors_are_one_line(
    project_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code = main(["print", str(project_path), *args, "--out", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert message in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_bad_output_suffix(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["print", str(project_path), "--out", str(tmp_path / "x.svg")]) == 2
    assert ".pdf or .png" in capsys.readouterr().err
