from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely import LineString, Point, box

from mgis.cli import main

CRS = "EPSG:2180"


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    path = tmp_path / "town.gpkg"
    lines = [LineString([(0, 0), (3000, 0)]), LineString([(3000, 0), (6000, 0)])]
    gpd.GeoDataFrame(geometry=lines, crs=CRS).to_file(path, layer="streets")
    schools = gpd.GeoDataFrame({"nazwa": ["SP1"]}, geometry=[box(0, 20, 40, 60)], crs=CRS)
    schools.to_crs("EPSG:4326").to_file(path, layer="schools")  # reprojected, said so
    green = [box(1000, -200, 1200, -10), box(5000, 10, 5500, 410)]
    gpd.GeoDataFrame(geometry=green, crs=CRS).to_file(path, layer="green")
    parcels = [box(x, 10, x + 20, 40) for x in (500, 1400, 2500, 4000)]
    gpd.GeoDataFrame({"uzytek": ["B", "B", "B", "R"]}, geometry=parcels, crs=CRS).to_file(
        path, layer="parcels"
    )
    gpd.GeoDataFrame(geometry=[Point(9000, 0)], crs=CRS).to_file(path, layer="far")
    return path


def test_distance(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "d.gpkg"
    code = main([
        "analyze", "distance", "--network", f"{inputs}:streets", "--facilities",
        f"{inputs}:schools", "--targets", f"{inputs}:parcels", "--facility-field", "nazwa",
        "--out", str(out),
    ])  # fmt: skip
    assert code == 0
    result = pyogrio.read_dataframe(out)
    assert result.distance_m.round(0).tolist() == [490, 1390, 2490, 3990]
    assert result.facility.tolist() == ["SP1"] * 4
    captured = capsys.readouterr()
    assert "reprojected" in captured.err
    assert "reached: 4" in captured.out
    assert "key;value" in out.with_suffix(".csv").read_text(encoding="utf-8-sig")


def test_far_facility_counted(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "d.gpkg"
    args = ["analyze", "distance", "--network", f"{inputs}:streets", "--facilities",
            f"{inputs}:far", "--targets", f"{inputs}:parcels", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    assert "facilities_far: 1" in capsys.readouterr().out


def test_service_area(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "sa.gpkg"
    code = main([
        "analyze", "service-area", "--network", f"{inputs}:streets", "--facilities",
        f"{inputs}:schools", "--distance", "500,1000", "--width", "25", "--out", str(out),
    ])  # fmt: skip
    assert code == 0
    result = pyogrio.read_dataframe(out)
    assert result.distance_m.tolist() == [500, 1000]
    assert result.street_km.tolist() == pytest.approx([0.52, 1.02])
    assert main(["analyze", "service-area", "--network", f"{inputs}:streets", "--facilities",
                 f"{inputs}:schools", "--distance", "x", "--out", str(out)]) == 2  # fmt: skip


def test_standards(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.gpkg"
    code = main([
        "analyze", "standards", "--parcels", f"{inputs}:parcels", "--network",
        f"{inputs}:streets", "--schools", f"{inputs}:schools", "--green", f"{inputs}:green",
        "--rural", "--housing-where", "uzytek in ['B']", "--out", str(out),
    ])  # fmt: skip
    assert code == 0
    result = pyogrio.read_dataframe(out, layer="standards")
    assert result.standards_ok.tolist() == [False, False, True]
    table = pyogrio.read_dataframe(out, layer="standards_summary")
    assert table.criterion.tolist() == ["school", "green_total", "large_green"]
    assert "passed_all: 1" in capsys.readouterr().out


def test_costs_explicit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c.gpkg"
    code = main([
        "analyze", "costs", "--outlays", "2025:1000000,2026:500000", "--land-m2", "20000",
        "--building-m2", "3000", "--out", str(out),
    ])  # fmt: skip
    assert code == 0
    table = pyogrio.read_dataframe(out, layer="cash_flow")
    assert table.year.iloc[0] == 2025
    assert len(table) == 27
    text = capsys.readouterr().out
    assert "npv_pln:" in text
    # 20 000 m2 x 1.45 + 3 000 m2 x 35.53 - 1 % of 1.5 M = 120 590 PLN a year from 2027;
    # at 4 % it repays the 1 480 769 PLN present value of the outlays in year 20: 2045.
    assert "payback_year: 2045" in text
    assert main(["analyze", "costs", "--outlays", "2025", "--land-m2", "1", "--out",
                 str(out), "--overwrite"]) == 2  # fmt: skip
    assert main(["analyze", "costs", "--investment", "3", "--out", str(out)]) == 2
