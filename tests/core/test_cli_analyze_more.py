"""``mgis analyze dissolve|clip|intersection|rings|investments`` against the analysis functions.

Each command runs on a tiny GeoPackage written here (EPSG:2180); its output is
re-read and compared with the function called directly on the same frames.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from mgis.analysis.accessibility import facility_rings
from mgis.analysis.geoprocessing import clip, dissolve, intersection
from mgis.analysis.investments import investment_stats
from mgis.cli import main
from mgis.cli.analyses._common import summary_rows
from mgis.io import write_layer

CRS = "EPSG:2180"


def _frames() -> dict[str, gpd.GeoDataFrame]:
    parcels = gpd.GeoDataFrame(
        {
            "id": ["a", "b", "c", "d", "e"],
            "obreb": ["01", "01", "02", "02", None],
            "wlasnosc": ["Gmina", "SP", "Gmina", "SP", "Gmina"],
        },
        geometry=[shapely.box(x, y, x + 10, y + 10) for x, y in
                  [(0, 0), (10, 0), (20, 0), (40, 0), (0, 10)]],
        crs=CRS,
    )  # fmt: skip
    mask = gpd.GeoDataFrame({"nazwa": ["M"]}, geometry=[shapely.box(5, -5, 25, 5)], crs=CRS)
    zones = gpd.GeoDataFrame(
        {"symbol": ["MN", "U"], "id": [1, 2]},
        geometry=[shapely.box(0, 0, 15, 20), shapely.box(15, 0, 50, 5)],
        crs=CRS,
    )
    facilities = gpd.GeoDataFrame(
        {"typ": ["szkoła", "szkoła", "przedszkole"]},
        geometry=[shapely.Point(0, 0), shapely.Point(700, 0), shapely.Point(300, 300)],
        crs=CRS,
    )
    addresses = gpd.GeoDataFrame(
        {"mieszkancy": [2, 3, 4, 10]},
        geometry=[shapely.Point(p) for p in [(5, 5), (6, 6), (25, 5), (300, 300)]],
        crs=CRS,
    )
    buildings = gpd.GeoDataFrame(
        geometry=[shapely.box(x, 2, x + 4, 6) for x in (2, 12, 42)], crs=CRS
    )
    areas = gpd.GeoDataFrame(
        {"nazwa": ["park", "hala"], "koszt": [1e6, 2e6], "rok": [2025, 2027]},
        geometry=[shapely.box(0, 0, 20, 10), shapely.box(20, 0, 50, 10)],
        crs=CRS,
    )
    return {
        "parcels": parcels,
        "mask": mask,
        "zones": zones,
        "facilities": facilities,
        "addresses": addresses,
        "buildings": buildings,
        "areas": areas,
    }


@pytest.fixture
def frames() -> dict[str, gpd.GeoDataFrame]:
    return _frames()


@pytest.fixture
def data(tmp_path: Path, frames: dict[str, gpd.GeoDataFrame]) -> Path:
    path = tmp_path / "town.gpkg"
    for i, (name, frame) in enumerate(frames.items()):
        write_layer(frame, path, name, mode="a" if i else "w")
    return path


def _csv(path: Path) -> dict[str, str]:
    lines = path.with_suffix(".csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    return dict(line.split(";", 1) for line in lines)


def _areas(frame: gpd.GeoDataFrame) -> list[float]:
    return [round(float(a), 6) for a in shapely.area(np.asarray(frame.geometry.array))]


def _one_line_error(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    """Return the error line: one line (after any reprojection notes), no traceback."""
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert all(line.startswith("note: ") for line in lines[:-1]), lines
    err = lines[-1]
    assert err.startswith("mgis analyze: ")
    for word in words:
        assert word in err
    return err


def test_dissolve_by_field(data: Path, tmp_path: Path, frames: dict[str, gpd.GeoDataFrame]) -> None:
    out = tmp_path / "d.gpkg"
    args = ["analyze", "dissolve", "--layer", f"{data}:parcels", "--by", "obreb"]
    assert main([*args, "--out", str(out)]) == 0
    result = pyogrio.read_dataframe(out, layer="dissolve")
    expected, summary = dissolve(frames["parcels"], "obreb")
    got_keys = result["obreb"].fillna("(none)").tolist()
    assert got_keys == expected["obreb"].fillna("(none)").tolist() == ["01", "02", "(none)"]
    assert result["count"].tolist() == expected["count"].tolist() == [2, 2, 1]
    assert result["area_m2"].tolist() == pytest.approx(expected["area_m2"].tolist())
    assert _areas(result) == _areas(expected) == [200.0, 200.0, 100.0]
    assert _csv(out) == dict(summary_rows(summary))
    # the full union gives the same pieces
    out2 = tmp_path / "d2.gpkg"
    assert main([*args, "--full-union", "--out", str(out2)]) == 0
    assert _areas(pyogrio.read_dataframe(out2)) == _areas(expected)


def test_dissolve_all(data: Path, tmp_path: Path, frames: dict[str, gpd.GeoDataFrame]) -> None:
    out = tmp_path / "d.gpkg"
    assert main(["analyze", "dissolve", "--layer", f"{data}:parcels", "--out", str(out)]) == 0
    result = pyogrio.read_dataframe(out)
    expected, summary = dissolve(frames["parcels"])
    assert len(result) == summary.groups == 1
    assert result["count"].tolist() == [5]
    assert _areas(result) == _areas(expected) == [500.0]


def test_clip_polygons_and_points(
    data: Path, tmp_path: Path, frames: dict[str, gpd.GeoDataFrame]
) -> None:
    out = tmp_path / "c.gpkg"
    code = main(["analyze", "clip", "--layer", f"{data}:parcels", "--mask", f"{data}:mask",
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    result = pyogrio.read_dataframe(out, layer="clip")
    expected, summary = clip(frames["parcels"], frames["mask"])
    assert sorted(result["id"]) == sorted(expected["id"]) == ["a", "b", "c"]
    assert "nazwa" not in result.columns  # attributes of --layer only
    assert sorted(_areas(result)) == sorted(_areas(expected)) == [25.0, 25.0, 50.0]
    assert _csv(out)["area_m2"] == "100" == f"{summary.area_m2:.6g}"
    out2 = tmp_path / "cp.gpkg"
    code = main(["analyze", "clip", "--layer", f"{data}:addresses", "--mask", f"{data}:mask",
                 "--out", str(out2)])  # fmt: skip
    assert code == 0
    points = pyogrio.read_dataframe(out2)
    expected_pts, _ = clip(frames["addresses"], frames["mask"])
    assert sorted(points["mieszkancy"]) == sorted(expected_pts["mieszkancy"]) == [2, 4]


def test_intersection(data: Path, tmp_path: Path, frames: dict[str, gpd.GeoDataFrame]) -> None:
    out = tmp_path / "i.gpkg"
    code = main(["analyze", "intersection", "--layer", f"{data}:parcels", "--overlay",
                 f"{data}:zones", "--out", str(out)])  # fmt: skip
    assert code == 0
    result = pyogrio.read_dataframe(out, layer="intersection")
    expected, summary = intersection(frames["parcels"], frames["zones"])
    assert len(result) == len(expected) == summary.features
    # attributes of both layers, clashing names suffixed
    assert {"id_1", "id_2", "symbol", "wlasnosc"} <= set(result.columns)
    key = ["id_1", "symbol"]
    got = result.assign(area=_areas(result)).sort_values(key)[[*key, "area"]]
    want = expected.assign(area=_areas(expected)).sort_values(key)[[*key, "area"]]
    assert got.values.tolist() == want.values.tolist()
    assert float(_csv(out)["area_m2"]) == pytest.approx(summary.area_m2, rel=1e-5)


def test_rings_per_type(data: Path, tmp_path: Path, frames: dict[str, gpd.GeoDataFrame]) -> None:
    out = tmp_path / "r.gpkg"
    code = main(["analyze", "rings", "--facilities", f"{data}:facilities", "--distances",
                 "300", "500", "--type-field", "typ", "--type-distance",
                 "przedszkole:200,400,600", "--out", str(out)])  # fmt: skip
    assert code == 0
    result = pyogrio.read_dataframe(out, layer="rings")
    expected, summary = facility_rings(
        frames["facilities"],
        type_column="typ",
        distances={"szkoła": [300, 500], "przedszkole": [200, 400, 600]},
    )
    columns = ["typ", "distance", "inner", "count"]
    assert result[columns].values.tolist() == expected[columns].values.tolist()
    assert result["distance"].tolist() == [200, 400, 600, 300, 500]
    assert _areas(result) == _areas(expected)
    assert _csv(out) == dict(summary_rows(summary))


def test_rings_as_the_app(data: Path, tmp_path: Path, frames: dict[str, gpd.GeoDataFrame]) -> None:
    """Without options: the dialog's defaults (300, 500, 1000 m bands, one type)."""
    out = tmp_path / "r.gpkg"
    assert main(["analyze", "rings", "--facilities", f"{data}:facilities",
                 "--out", str(out)]) == 0  # fmt: skip
    result = pyogrio.read_dataframe(out)
    expected, _ = facility_rings(frames["facilities"], distances=[300.0, 500.0, 1000.0])
    assert result["distance"].tolist() == [300, 500, 1000]
    assert _areas(result) == _areas(expected)
    # only the types given, nested discs
    out2 = tmp_path / "r2.gpkg"
    code = main(["analyze", "rings", "--facilities", f"{data}:facilities", "--type-field",
                 "typ", "--type-distance", "szkoła:100,200", "--discs",
                 "--out", str(out2)])  # fmt: skip
    assert code == 0
    discs = pyogrio.read_dataframe(out2)
    expected2, _ = facility_rings(
        frames["facilities"], type_column="typ", distances={"szkoła": [100, 200]}, rings=False
    )
    assert discs["typ"].tolist() == ["szkoła", "szkoła"]
    assert discs["inner"].tolist() == [0, 0]
    assert _areas(discs) == _areas(expected2)


def test_investments(
    data: Path,
    tmp_path: Path,
    frames: dict[str, gpd.GeoDataFrame],
    require_tool: Callable[[str], str],
) -> None:
    out = tmp_path / "inv.gpkg"
    code = main(["analyze", "investments", "--areas", f"{data}:areas", "--parcels",
                 f"{data}:parcels", "--plan-zones", f"{data}:zones", "--buildings",
                 f"{data}:buildings", "--addresses", f"{data}:addresses", "--cost-field",
                 "koszt", "--out", str(out)])  # fmt: skip
    assert code == 0
    result = pyogrio.read_dataframe(out, layer="investments")
    expected, summary = investment_stats(
        frames["areas"],
        parcels=frames["parcels"],
        plan_zones=frames["zones"],
        buildings=frames["buildings"],
        addresses=frames["addresses"],
        cost_column="koszt",
    )
    stats = [c for c in expected.columns if c not in frames["areas"].columns]
    assert {"own_Gmina_m2", "zone_MN_m2", "buildings", "residents", "cost_per_m2"} <= set(stats)
    pd.testing.assert_frame_equal(
        pd.DataFrame(result[["nazwa", *stats]]),
        pd.DataFrame(expected[["nazwa", *stats]]),
        check_dtype=False,
    )
    assert result["residents"].tolist() == [5, 4]
    assert _csv(out) == dict(summary_rows(summary))
    text = subprocess.run(
        [require_tool("ogrinfo"), "-ro", "-so", str(out), "investments"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout.decode("utf-8")
    assert "Feature Count: 2" in text
    assert "own_Gmina_pct: Real" in text


def test_investments_where(data: Path, tmp_path: Path, frames: dict[str, gpd.GeoDataFrame]) -> None:
    out = tmp_path / "inv.gpkg"
    code = main(["analyze", "investments", "--areas", f"{data}:areas", "--parcels",
                 f"{data}:parcels", "--where", "rok >= 2026", "--out", str(out)])  # fmt: skip
    assert code == 0
    result = pyogrio.read_dataframe(out)
    areas = frames["areas"]
    expected, _ = investment_stats(areas[areas["rok"] >= 2026], parcels=frames["parcels"])
    assert result["nazwa"].tolist() == ["hala"]
    assert result["parcels"].tolist() == expected["parcels"].tolist() == [2]
    assert result["own_SP_m2"].tolist() == expected["own_SP_m2"].tolist() == [100.0]
    assert main(["analyze", "investments", "--areas", f"{data}:areas", "--parcels",
                 f"{data}:parcels", "--where", "rok > 3000", "--out",
                 str(tmp_path / "x.gpkg")]) == 2  # fmt: skip


def test_geoprocessing_errors(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "x.gpkg")
    dissolve_args = ["analyze", "dissolve", "--layer", f"{data}:parcels", "--out", out]
    assert main([*dissolve_args, "--by", "nope"]) == 2
    _one_line_error(capsys, "no column 'nope'", "obreb")
    assert main([*dissolve_args, "--crs", "EPSG:4326"]) == 2
    _one_line_error(capsys, "geographic")
    assert main(["analyze", "dissolve", "--layer", f"{data}:addresses", "--out", out]) == 2
    _one_line_error(capsys, "point", "polygon")
    clip_args = ["analyze", "clip", "--layer", f"{data}:parcels", "--out", out]
    assert main([*clip_args, "--mask", f"{data}:mask", "--crs", "EPSG:4326"]) == 2
    _one_line_error(capsys, "geographic")
    assert main([*clip_args, "--mask", f"{data}:addresses"]) == 2
    _one_line_error(capsys, "mask")
    assert main(["analyze", "intersection", "--layer", f"{data}:parcels", "--overlay",
                 f"{data}:zones", "--crs", "EPSG:4326", "--out", out]) == 2  # fmt: skip
    _one_line_error(capsys, "geographic")
    assert not Path(out).exists()


def test_rings_errors(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["analyze", "rings", "--facilities", f"{data}:facilities", "--out",
            str(tmp_path / "x.gpkg")]  # fmt: skip
    assert main([*args, "--type-field", "rodzaj"]) == 2
    _one_line_error(capsys, "no column 'rodzaj'", "typ")
    assert main([*args, "--type-field", "rodzaj", "--type-distance", "szkoła:300"]) == 2
    _one_line_error(capsys, "no column 'rodzaj'")
    assert main([*args, "--type-field", "typ", "--type-distance", "żłobek:300"]) == 2
    _one_line_error(capsys, "'żłobek'", "przedszkole, szkoła")
    assert main([*args, "--type-distance", "szkoła:300"]) == 2
    _one_line_error(capsys, "--type-field")
    assert main([*args, "--type-field", "typ", "--type-distance", "szkoła:x"]) == 2
    _one_line_error(capsys, "TYPE:M,M")
    assert main([*args, "--distances", "-5"]) == 2
    _one_line_error(capsys, "positive")
    assert main([*args, "--crs", "EPSG:4326"]) == 2
    _one_line_error(capsys, "facilities", "geographic")


def test_investments_errors(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["analyze", "investments", "--areas", f"{data}:areas", "--parcels",
            f"{data}:parcels", "--out", str(tmp_path / "x.gpkg")]  # fmt: skip
    assert main([*args, "--ownership-field", "wlasciciel"]) == 2
    _one_line_error(capsys, "parcels: no column 'wlasciciel'")
    assert main([*args, "--cost-field", "cena"]) == 2
    _one_line_error(capsys, "investments: no column 'cena'", "koszt")
    assert main([*args, "--plan-zones", f"{data}:zones", "--zone-field", "przeznaczenie"]) == 2
    _one_line_error(capsys, "plan zones: no column 'przeznaczenie'")
    assert main([*args, "--crs", "EPSG:4326"]) == 2
    _one_line_error(capsys, "geographic")
    assert main([*args, "--where", "nope == 1"]) == 2
    _one_line_error(capsys, "nope")


def test_help_and_readme_list_every_analysis(capsys: pytest.CaptureFixture[str]) -> None:
    from mgis.cli.analyze import ANALYSES

    names = [module.replace("_", "-") for module in ANALYSES]
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    text = capsys.readouterr().out
    for name in ("dissolve", "clip", "intersection", "rings", "investments"):
        assert name in names
        assert f"    {name}" in text
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    listed = readme.split("`mgis analyze --help` lists them all (", 1)[1].split(")", 1)[0]
    assert [n.strip() for n in listed.split(",")] == names
