"""``mgis export`` as a user runs it: a project or a file in, files out, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import ezdxf
import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Polygon

from mgis.project import Project


def _mgis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mgis.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=600,
        check=False,
    )


def _parcels() -> gpd.GeoDataFrame:
    squares = [
        Polygon([(x, 600000), (x + 40, 600000), (x + 40, 600040), (x, 600040)])
        for x in range(500000, 500400, 50)
    ]
    return gpd.GeoDataFrame(
        {
            "obreb": ["0007", "0012"] * 4,
            "numer": [f"{i}/1" for i in range(8)],
            "wlasnosc": ["Gmina", "Skarb Państwa", "Gmina", "osoba fizyczna"] * 2,
            "ulica": ["Łódzka", "Świętokrzyska"] * 4,
            "pow_m2": [1600.0] * 8,
        },
        geometry=squares,
        crs="EPSG:2180",
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "Projekt gminy Żółkiewka"
    folder.mkdir()
    proj = Project(crs="EPSG:2180")
    proj.layers.append(proj.make_layer("działki", _parcels()))
    return proj.save(folder / "projekt.gpkg")


def test_help_lists_export() -> None:
    done = _mgis("--help")
    assert "export" in done.stdout
    done = _mgis("export", "--help")
    assert done.returncode == 0
    assert "--overwrite" in done.stdout


def test_export_project_layer_to_shapefile_cp1250(
    project: Path, tmp_path: Path, require_tool: Callable[[str], str]
) -> None:
    ogrinfo = require_tool("ogrinfo")
    out = tmp_path / "wyniki Łódź" / "działki gminy.shp"
    out.parent.mkdir()
    args = [
        "export", str(project), "--layer", "działki", "--format", "shp",
        "--encoding", "cp1250", "--where", "wlasnosc = 'Gmina'",
        "--fields", "ulica,obreb,numer", "--out", str(out),
    ]  # fmt: skip
    done = _mgis(*args)
    assert done.returncode == 0, done.stderr
    assert "Exported 4 features" in done.stdout
    assert "działki gminy.cpg" in done.stdout
    assert out.with_suffix(".cpg").read_text(encoding="ascii") == "1250"
    info = subprocess.run(
        [ogrinfo, "-ro", "-so", "-al", str(out)], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "Feature Count: 4" in info
    back = pyogrio.read_dataframe(out)
    assert back.columns.tolist() == ["ulica", "obreb", "numer", "geometry"]
    assert back["ulica"].tolist() == ["Łódzka"] * 4
    assert back["obreb"].tolist() == ["0007"] * 4

    again = _mgis(*args)
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1
    assert "--overwrite" in again.stderr
    assert _mgis(*args, "--overwrite").returncode == 0


def test_export_file_to_dxf_with_labels_and_extent(tmp_path: Path) -> None:
    source = tmp_path / "działki.geojson"
    _parcels().to_file(source, driver="GeoJSON")
    out = tmp_path / "działki.dxf"
    done = _mgis(
        "export", str(source), "--out", str(out), "--label-field", "numer",
        "--dxf-layer-field", "wlasnosc", "--extent", "500000,600000,500120,600040",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Exported 3 features" in done.stdout
    assert "(DXF, cp1250)" in done.stdout  # what Polish CAD and GDAL read by default
    msp = ezdxf.readfile(out).modelspace()
    assert [t.dxf.text for t in msp.query("TEXT")] == ["0/1", "1/1", "2/1"]
    assert {p.dxf.layer for p in msp.query("LWPOLYLINE")} == {"Gmina", "Skarb Państwa"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--extent", "1,2,3"], "--extent"),
        (["--where", "brak_pola = 1"], "--where"),
        (["--layer", "drogi"], "no layer 'drogi'"),
        (["--fields", "numer,brak"], "no field 'brak'"),
    ],
)
def test_bad_options_are_one_line_errors(
    project: Path, tmp_path: Path, extra: list[str], message: str
) -> None:
    done = _mgis("export", str(project), "--out", str(tmp_path / "a.geojson"), *extra)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "a.geojson").exists()


def test_refuses_to_export_over_its_source(project: Path) -> None:
    done = _mgis("export", str(project), "--out", str(project), "--overwrite")
    assert done.returncode == 2
    assert "being exported from" in done.stderr
    assert Project.open(project).layer_names() == ["działki"]
