"""Exports read back with GDAL: counts, geometries, Polish text, codes with leading zeros."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from mgis.io import MgisIOError
from mgis.io.export import ExportExistsError, ExportOptions, export_layer
from mgis.io.shapefile import short_names

NAMES = ["Łódź", "Świętokrzyska", "Zażółć gęślą jaźń", "ul. Żeromskiego 7/9"]


def _square(x: float, y: float, size: float = 50.0) -> Polygon:
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])


@pytest.fixture
def parcels() -> gpd.GeoDataFrame:
    """Four parcels in PUWG 1992: one with a hole, one in two parts."""
    holed = Polygon(
        _square(500100, 600000).exterior.coords,
        [[(500110, 600010), (500120, 600010), (500120, 600020), (500110, 600020)]],
    )
    return gpd.GeoDataFrame(
        {
            "teryt": ["1061011", "0261011", "0261011", "3064011"],
            "obreb": ["0007", "0012", "0007", "0100"],
            "nazwa": NAMES,
            "pow_m2": [2500.5, 2400.25, 1250.0, 2500.0],
            "liczba": [1, 2, 3, 40],
            "powierzchnia_ewidencyjna": [0.25, 0.24, 0.125, 0.25],
            "powierzchnia_geodezyjna": [0.2501, 0.2402, 0.1251, 0.2502],
        },
        geometry=[
            _square(500000, 600000),
            holed,
            MultiPolygon([_square(500200, 600000, 20), _square(500250, 600000, 20)]),
            _square(500300, 600000),
        ],
        crs="EPSG:2180",
    )


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A folder with Polish letters and spaces, as on a Windows desktop."""
    folder = tmp_path / "Eksport działek Łódź"
    folder.mkdir()
    return folder


def _single(geoms: gpd.GeoSeries) -> np.ndarray:
    """Normalised geometries, one-part multi-polygons unwrapped (formats promote to multi)."""
    out = [
        g.geoms[0] if g.geom_type == "MultiPolygon" and len(g.geoms) == 1 else g
        for g in np.asarray(geoms.array, dtype=object)
    ]
    return shapely.normalize(np.array(out, dtype=object))


def _same_geometries(a: gpd.GeoSeries, b: gpd.GeoSeries, tolerance: float) -> bool:
    return bool(shapely.equals_exact(_single(a), _single(b), tolerance=tolerance).all())


def _ogrinfo(tool: str, path: Path, *extra: str) -> str:
    done = subprocess.run(
        [tool, "-ro", "-al", *extra, str(path)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return done.stdout.decode("utf-8")


def _no_leftovers(folder: Path) -> None:
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("encoding", ["cp1250", "utf-8"])
def test_shapefile_round_trip(
    parcels: gpd.GeoDataFrame,
    out_dir: Path,
    encoding: str,
    require_tool: Callable[[str], str],
) -> None:
    ogrinfo = require_tool("ogrinfo")
    target = out_dir / "działki gminy.shp"
    opts = ExportOptions(encoding=encoding)  # type: ignore[arg-type]
    report = export_layer(parcels, target, "shp", options=opts)

    cpg = target.with_suffix(".cpg")
    assert cpg.read_text(encoding="ascii") == ("1250" if encoding == "cp1250" else "UTF-8")
    assert report.feature_count == 4
    assert report.field_names == {
        "powierzchnia_ewidencyjna": "powierzchn",
        "powierzchnia_geodezyjna": "powierzc_1",
    }
    mapping = target.with_name("działki gminy.fields.csv")
    assert str(mapping) in report.files
    assert mapping.read_text(encoding="utf-8-sig").splitlines()[1:] == [
        "powierzchn,powierzchnia_ewidencyjna",
        "powierzc_1,powierzchnia_geodezyjna",
    ]
    text = _ogrinfo(ogrinfo, target)
    assert "Feature Count: 4" in text
    for name in NAMES:
        assert name in text
    assert "obreb (String) = 0007" in text
    assert "teryt (String) = 0261011" in text

    back = pyogrio.read_dataframe(target)
    assert back["nazwa"].tolist() == NAMES
    assert back["teryt"].tolist() == parcels["teryt"].tolist()
    assert back["obreb"].tolist() == parcels["obreb"].tolist()
    assert back["liczba"].tolist() == [1, 2, 3, 40]
    assert back["powierzchn"].tolist() == parcels["powierzchnia_ewidencyjna"].tolist()
    assert back.crs.to_epsg() == 2180
    assert _same_geometries(back.geometry, parcels.geometry, 1e-6)
    _no_leftovers(out_dir)
    assert any("powierzchnia_ewidencyjna -> powierzchn" in line for line in report.summary_lines())


def test_short_names_are_unique_and_fit_ten_bytes() -> None:
    names = ["numer", "powierzchnia_ewid", "powierzchnia_geom", "POWIERZCHN", "właściciel_1"]
    mapping = short_names(names, "utf-8")
    assert mapping["numer"] == "numer"
    assert mapping["POWIERZCHN"] == "POWIERZCHN"  # fits: kept; the cut names avoid it
    shorts = list(mapping.values())
    assert len({s.casefold() for s in shorts}) == len(shorts)
    assert all(len(s.encode("utf-8")) <= 10 for s in shorts)
    assert short_names(["właściciel"], "cp1250") == {"właściciel": "właściciel"}


def test_cp1250_refuses_text_it_cannot_hold(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    parcels.loc[1, "nazwa"] = "Київ"
    with pytest.raises(MgisIOError, match="Київ") as info:
        export_layer(parcels, out_dir / "d.shp", "shp", options=ExportOptions(encoding="cp1250"))
    assert "UTF-8" in str(info.value)
    assert "d.shp" in str(info.value)
    assert not list(out_dir.iterdir())
    export_layer(parcels, out_dir / "d.shp", "shp", options=ExportOptions(encoding="utf-8"))
    assert pyogrio.read_dataframe(out_dir / "d.shp")["nazwa"][1] == "Київ"


def test_never_overwrites_without_leave(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    target = out_dir / "warstwa.geojson"
    export_layer(parcels, target, "geojson")
    before = target.read_bytes()
    with pytest.raises(ExportExistsError, match="overwrit"):
        export_layer(parcels.iloc[:1], target, "geojson")
    assert target.read_bytes() == before
    (out_dir / "inna.dbf").write_bytes(b"a lone table of another shapefile")
    with pytest.raises(FileExistsError, match=r"inna\.dbf"):
        export_layer(parcels, out_dir / "inna.shp", "shp")
    assert (out_dir / "inna.dbf").read_bytes() == b"a lone table of another shapefile"
    report = export_layer(
        parcels.iloc[:1], target, "geojson", options=ExportOptions(overwrite=True)
    )
    assert report.feature_count == 1
    assert len(pyogrio.read_dataframe(target)) == 1
    _no_leftovers(out_dir)


def test_shapefile_overwrite_removes_stale_sidecars(
    parcels: gpd.GeoDataFrame, out_dir: Path
) -> None:
    target = out_dir / "d.shp"
    export_layer(parcels, target, "shp")
    target.with_suffix(".qix").write_bytes(b"old index")
    export_layer(
        parcels[["nazwa", "geometry"]], target, "shp", options=ExportOptions(overwrite=True)
    )
    assert not target.with_suffix(".qix").exists()
    assert not (out_dir / "d.fields.csv").exists()


def test_geojson_is_rfc7946_wgs84_by_default(
    parcels: gpd.GeoDataFrame, out_dir: Path, require_tool: Callable[[str], str]
) -> None:
    ogrinfo = require_tool("ogrinfo")
    target = out_dir / "działki.geojson"
    report = export_layer(parcels, target, "geojson")
    assert report.crs == "EPSG:4326"
    text = _ogrinfo(ogrinfo, target, "-so")
    assert "Feature Count: 4" in text
    assert "WGS 84" in text
    back = pyogrio.read_dataframe(target)
    assert back["nazwa"].tolist() == NAMES
    assert back["obreb"].tolist() == ["0007", "0012", "0007", "0100"]
    assert _same_geometries(back.geometry, parcels.to_crs(4326).geometry, 1e-6)


def test_geojson_can_keep_the_crs(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    target = out_dir / "d.geojson"
    report = export_layer(parcels, target, "geojson", options=ExportOptions(geojson_keep_crs=True))
    assert report.crs == "EPSG:2180"
    back = pyogrio.read_dataframe(target)
    assert back.crs.to_epsg() == 2180
    assert _same_geometries(back.geometry, parcels.geometry, 1e-6)


def test_geopackage_round_trip(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    target = out_dir / "eksport"
    report = export_layer(
        parcels, target, "gpkg", options=ExportOptions(layer_name="działki ewidencyjne")
    )
    assert report.path.endswith("eksport.gpkg")
    assert pyogrio.list_layers(report.path)[0][0] == "działki ewidencyjne"
    back = pyogrio.read_dataframe(report.path)
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")),
        pd.DataFrame(parcels.drop(columns="geometry")),
        check_dtype=False,
    )
    assert _same_geometries(back.geometry, parcels.geometry, 0)


def test_options_selection_extent_fields_and_crs(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    opts = ExportOptions(
        selected=np.array([0, 1, 3]),
        extent=(500090.0, 599990.0, 500400.0, 600100.0),
        fields=("nazwa", "teryt"),
        target_crs="EPSG:2178",
    )
    report = export_layer(parcels, out_dir / "wybrane.gpkg", "gpkg", options=opts)
    back = pyogrio.read_dataframe(report.path)
    assert report.feature_count == 2
    assert back.columns.tolist() == ["nazwa", "teryt", "geometry"]
    assert back["nazwa"].tolist() == [NAMES[1], NAMES[3]]
    assert back.crs.to_epsg() == 2178
    expected = parcels.iloc[[1, 3]].to_crs(2178).geometry
    assert _same_geometries(back.geometry, expected, 1e-6)


def test_csv_for_polish_excel_with_xy(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    target = out_dir / "działki.csv"
    opts = ExportOptions(polish_excel=True, csv_geometry="xy", fields=("teryt", "nazwa", "pow_m2"))
    report = export_layer(parcels, target, "csv", options=opts)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "teryt;nazwa;pow_m2;X;Y"
    assert lines[1].startswith("1061011;Łódź;2500,5;")
    assert lines[2].startswith("0261011;Świętokrzyska;2400,25;")
    assert any("point inside" in w for w in report.warnings)
    back = pd.read_csv(target, sep=";", decimal=",", encoding="utf-8-sig", dtype={"teryt": str})
    assert back["teryt"].tolist() == parcels["teryt"].tolist()
    inside = shapely.contains_xy(np.asarray(parcels.geometry.array), back["X"], back["Y"])
    assert inside.all()


def test_csv_with_wkt_reads_back(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    target = out_dir / "d.csv"
    export_layer(parcels, target, "csv")
    back = pd.read_csv(target, dtype=str)
    assert back["nazwa"].tolist() == NAMES
    assert back["obreb"].tolist() == ["0007", "0012", "0007", "0100"]
    geoms = gpd.GeoSeries.from_wkt(back["WKT"], crs=2180)
    assert _same_geometries(geoms, parcels.geometry, 1e-6)


def test_xlsx_keeps_codes_as_text(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    target = out_dir / "d.xlsx"
    export_layer(parcels, target, "xlsx")
    sheet = openpyxl.load_workbook(target, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("teryt", "obreb", "nazwa")
    assert [r[0] for r in rows[1:]] == parcels["teryt"].tolist()
    assert [r[2] for r in rows[1:]] == NAMES
    assert len(rows) == 5


def test_kml_in_wgs84_with_names(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    target = out_dir / "d.kml"
    report = export_layer(parcels, target, "kml", options=ExportOptions(label_field="nazwa"))
    assert report.crs == "EPSG:4326"
    back = pyogrio.read_dataframe(target)
    assert len(back) == 4
    assert back["Name"].tolist() == NAMES
    assert back["obreb"].tolist() == ["0007", "0012", "0007", "0100"]
    assert _same_geometries(back.geometry.force_2d(), parcels.to_crs(4326).geometry, 1e-6)


def test_gml_round_trip(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    target = out_dir / "działki.gml"
    report = export_layer(parcels, target, "gml")
    assert str(target.with_suffix(".xsd")) in report.files
    back = pyogrio.read_dataframe(target, WRITE_GFS="NO")
    assert back["nazwa"].tolist() == NAMES
    assert back["teryt"].tolist() == parcels["teryt"].tolist()
    assert back.crs.to_epsg() == 2180
    assert _same_geometries(back.geometry, parcels.geometry, 1e-6)


def test_clear_errors(
    parcels: gpd.GeoDataFrame, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(MgisIOError, match=r"no field 'brak'.*nazwa"):
        export_layer(parcels, out_dir / "a.shp", "shp", options=ExportOptions(fields=("brak",)))
    with pytest.raises(MgisIOError, match=r"a\.geojson"):
        export_layer(parcels, out_dir / "a.shp", "geojson")
    with pytest.raises(MgisIOError, match="Unknown export format"):
        export_layer(parcels, out_dir / "a.tab", "mapinfo")
    with pytest.raises(MgisIOError, match="does not exist"):
        export_layer(parcels, out_dir / "brak" / "a.shp", "shp")
    monkeypatch.setattr("mgis.io.export.os.access", lambda *_a: False)
    with pytest.raises(MgisIOError, match="not writable"):
        export_layer(parcels, out_dir / "a.shp", "shp")
    assert not list(out_dir.iterdir())


def test_write_failure_leaves_nothing_behind(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    mixed = parcels.copy()
    mixed.loc[0, "geometry"] = shapely.Point(500000, 600000)
    with pytest.raises(MgisIOError, match=r"d\.shp"):
        export_layer(mixed, out_dir / "d.shp", "shp")
    assert not list(out_dir.iterdir())


def test_extra_geometry_columns_are_left_out(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    parcels["srodek"] = parcels.geometry.centroid
    report = export_layer(parcels, out_dir / "d.shp", "shp")
    assert any("srodek" in w for w in report.warnings)
    assert "srodek" not in pyogrio.read_dataframe(out_dir / "d.shp").columns


def test_shapefile_short_names_match_what_gdal_writes(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"Jednostka realizująca": ["Wydział Inwestycji"], "Rok rozpoczęcia": [2025]},
        geometry=[shapely.Point(500000, 500000)],
        crs=2180,
    )
    target = tmp_path / "rejestr.shp"
    report = export_layer(frame, target, "shp", options=ExportOptions(encoding="cp1250"))
    written = pyogrio.read_info(target)["fields"].tolist()
    assert written == [report.field_names["Jednostka realizująca"], "Rok rozpoc"]
    assert written[0] == "Jednostka"
