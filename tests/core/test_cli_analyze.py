"""``mgis analyze ...`` on tiny hand-made GeoPackages: outputs, CSV summaries, errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from mgis.cli import main
from mgis.io import write_layer


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "town.gpkg"
    parcels = gpd.GeoDataFrame(
        {"id": ["a", "b", "c", "d"], "wlasnosc": ["Gmina", "SP", "Gmina", "SP"]},
        geometry=[shapely.box(x, 0, x + 10, 10) for x in (0, 10, 20, 40)],
        crs=2180,
    )
    schools = gpd.GeoDataFrame({"nazwa": ["SP1"]}, geometry=[shapely.Point(-5, 5)], crs=2180)
    homes = gpd.GeoDataFrame(
        {"mieszkancy": [2, 3, 4, 10]},
        geometry=[shapely.Point(p) for p in [(5, 5), (6, 6), (25, 5), (300, 300)]],
        crs=2180,
    )
    write_layer(parcels, path, "parcels")
    write_layer(schools, path, "schools", mode="a")
    write_layer(homes, path, "addresses", mode="a")
    write_layer(schools.to_crs(2177), path, "schools_2177", mode="a")
    return path


def _read_csv(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    return dict(line.split(";", 1) for line in lines)


def test_select_dwithin(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sel.gpkg"
    code = main(
        ["analyze", "select", "--layer", f"{data}:parcels", "--by", f"{data}:schools",
         "--predicate", "dwithin", "--distance", "16", "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    assert gpd.read_file(out)["id"].tolist() == ["a", "b"]
    summary = _read_csv(out.with_suffix(".csv"))
    assert summary["selected"] == "2"
    assert "selected: 2" in capsys.readouterr().out


def test_select_where_and_reprojected_input(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sel.gpkg"
    code = main(
        ["analyze", "select", "--layer", f"{data}:parcels", "--by", f"{data}:schools_2177",
         "--predicate", "dwithin", "--distance", "16", "--where", 'wlasnosc == "Gmina"',
         "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    assert gpd.read_file(out)["id"].tolist() == ["a"]
    assert "reprojected from EPSG:2177 to EPSG:2180" in capsys.readouterr().err


def test_select_errors(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "x.gpkg")
    assert main(["analyze", "select", "--layer", f"{data}:parcels", "--out", out]) == 2
    assert "--by" in capsys.readouterr().err
    args = ["analyze", "select", "--layer", f"{data}:parcels", "--by", f"{data}:schools"]
    assert main([*args, "--predicate", "dwithin", "--out", out]) == 2
    assert "--distance" in capsys.readouterr().err
    assert main([*args, "--where", "nope == 1", "--out", out]) == 2
    assert "nope" in capsys.readouterr().err


def test_join_and_summary(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "join.gpkg"
    args = ["analyze", "join", "--target", f"{data}:addresses", "--source", f"{data}:parcels"]
    assert main([*args, "--out", str(out)]) == 0
    assert gpd.read_file(out)["id"].tolist()[:3] == ["a", "a", "c"]
    out2 = tmp_path / "sum.gpkg"
    code = main(
        ["analyze", "join", "--target", f"{data}:parcels", "--source", f"{data}:addresses",
         "--summary", "mieszkancy:sum", "--out", str(out2)]
    )  # fmt: skip
    assert code == 0
    assert gpd.read_file(out2)["mieszkancy_sum"].tolist() == [5, 0, 4, 0]
    assert main([*args, "--summary", "mieszkancy:median", "--out", str(out2)]) == 2


def test_buffer_then_coverage(data: Path, tmp_path: Path) -> None:
    zones = tmp_path / "buf.gpkg"
    code = main(
        ["analyze", "buffer", "--layer", f"{data}:schools", "--distance", "12", "40",
         "--dissolve", "--rings", "--out", str(zones)]
    )  # fmt: skip
    assert code == 0
    assert gpd.read_file(zones)["distance"].tolist() == [12, 40]
    out = tmp_path / "cov.gpkg"
    code = main(
        ["analyze", "coverage", "--zones", str(zones), "--points", f"{data}:addresses",
         "--weight", "mieszkancy", "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    summary = _read_csv(out.with_suffix(".csv"))
    assert summary["covered"] == "3"
    assert summary["weight_covered"] == "9"
    assert summary["by_distance.12"] == "5.0"
    assert gpd.read_file(out)["covered"].tolist() == [True, True, True, False]


def test_indicators_grid_and_zones(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "grid.gpkg"
    code = main(
        ["analyze", "indicators", "--layer", f"{data}:addresses", "--grid", "250",
         "--stat", "sum:mieszkancy", "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    assert sorted(gpd.read_file(out)["value"]) == [9, 10]
    out2 = tmp_path / "zones.gpkg"
    code = main(
        ["analyze", "indicators", "--layer", f"{data}:addresses", "--zones", f"{data}:parcels",
         "--stat", "count", "--classes", "quantiles", "-k", "2", "--out", str(out2)]
    )  # fmt: skip
    assert code == 0
    assert gpd.read_file(out2)["value"].tolist() == [2, 0, 1, 0]
    assert main(["analyze", "indicators", "--layer", f"{data}:addresses", "--grid", "250",
                 "--stat", "sum", "--out", str(out2), "--overwrite"]) == 2  # fmt: skip


def test_existing_output_needs_overwrite(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.gpkg"
    args = ["analyze", "buffer", "--layer", f"{data}:schools", "--distance", "5", "--out", str(out)]
    assert main(args) == 0
    assert main(args) == 2
    assert main([*args, "--overwrite"]) == 0


def test_subprocess_help_lists_analyses() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mgis.cli", "analyze", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        check=False,
    )
    assert done.returncode == 0
    for name in ("select", "join", "buffer", "coverage", "indicators"):
        assert name in done.stdout
