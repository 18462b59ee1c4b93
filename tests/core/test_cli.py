"""The command line as a user runs it: subprocesses, exit codes, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

from mgis.project import Project


def _mgis(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mgis.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        timeout=600,
        check=False,
    )


def test_cli_module_imports_no_heavy_libraries() -> None:
    code = (
        "import sys, mgis, mgis.cli; mgis.cli._build_parser(); "
        "heavy = {'geopandas', 'PySide6', 'matplotlib', 'pandas'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_lists_commands() -> None:
    done = _mgis("--help")
    assert done.returncode == 0
    for command in ("gui", "demo", "info"):
        assert command in done.stdout


def test_info_on_missing_file_is_one_line_error(tmp_path: Path) -> None:
    done = _mgis("info", str(tmp_path / "brak pliku.shp"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "brak pliku.shp" in done.stderr
    assert "Traceback" not in done.stderr


def test_info_on_garbage_file_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "działki.shp"
    bad.write_bytes(b"this is not a shapefile")
    done = _mgis("info", str(bad))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "działki.shp" in done.stderr


def test_info_describes_each_layer(tmp_path: Path) -> None:
    path = tmp_path / "dane.gpkg"
    frame = gpd.GeoDataFrame({"nazwa": ["Żółć"]}, geometry=[Point(500000, 500000)], crs=2180)
    frame.to_file(path, layer="przystanki")
    frame.to_file(path, layer="szkoly")
    done = _mgis("info", str(path))
    assert done.returncode == 0, done.stderr
    assert "2 layer(s)" in done.stdout
    assert "przystanki" in done.stdout
    assert "szkoly" in done.stdout
    assert "EPSG:2180" in done.stdout


def test_gui_without_display_says_so(tmp_path: Path) -> None:
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}
    done = _mgis("gui", env=env)
    assert done.returncode == 2
    assert "no display" in done.stderr


def test_demo_without_display_writes_project_and_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "Demo miasto"
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}
    done = _mgis("demo", "--out", str(out), "--parcels", "1500", "--seed", "3", env=env)
    assert done.returncode == 0, done.stderr
    assert "No display available" in done.stdout
    project = Project.open(out / "demo_town.gpkg")
    names = project.layer_names()
    for layer in ("parcels", "buildings", "addresses", "streets", "schools", "boundary"):
        assert layer in names
    assert 1400 <= len(project.layer("parcels").frame) <= 1600
    assert (out / "rejestr_inwestycji.xlsx").is_file()
    assert (out / "rejestr_inwestycji.csv").is_file()
    assert not list((out / "shp").glob("*.cpg"))
    again = _mgis("demo", "--out", str(out), "--parcels", "1500", "--seed", "3", "--no-gui")
    assert again.returncode == 0
    assert "Reused demo town project" in again.stdout
