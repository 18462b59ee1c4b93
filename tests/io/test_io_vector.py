from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from mgis.io import MgisIOError, list_layers, read_layer, write_layer

NAMES = ["Łęczyca", "Żółkiewka", "Ściegny"]


def _parcels(crs: str | None = "EPSG:2180") -> gpd.GeoDataFrame:
    boxes = [shapely.box(500000 + i * 100, 400000, 500050 + i * 100, 400050) for i in range(3)]
    return gpd.GeoDataFrame(
        {"idDzialki": ["101001_1.0001.12/3", "101001_1.0001.045", "101001_1.0002.7"],
         "nazwa": NAMES, "pow": [2500.0, 2500.0, 2500.0]},
        geometry=boxes,
        crs=crs,
    )  # fmt: skip


def _shapefile(path: Path, encoding: str = "UTF-8", crs: str | None = "EPSG:2180") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pyogrio.write_dataframe(_parcels(crs), path, encoding=encoding)
    return path


def test_polish_path_with_spaces(tmp_path: Path) -> None:
    path = _shapefile(tmp_path / "Dane gminy Łęczyca" / "działki.shp")
    frame, report = read_layer(path)
    assert frame["nazwa"].tolist() == NAMES
    assert report.crs == "EPSG:2180"
    assert not report.crs_guessed
    assert report.feature_count == 3
    assert report.geometry_types == ("Polygon",)


def test_zipped_shapefile(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "src" / "dzialki.shp", encoding="cp1250")
    archive = tmp_path / "dzialki.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.parent.iterdir():
            zf.write(part, f"dane/{part.name}")
    frame, report = read_layer(archive)
    assert frame["nazwa"].tolist() == NAMES
    assert report.encoding == "CP1250"
    assert report.crs == "EPSG:2180"
    assert [info.name for info in list_layers(archive)] == ["dzialki"]


def test_upper_case_extensions(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "budynki.shp")
    for part in list(tmp_path.iterdir()):
        part.rename(part.with_suffix(part.suffix.upper()))
    frame, report = read_layer(tmp_path / "budynki.SHP")
    assert frame["nazwa"].tolist() == NAMES
    assert report.crs == "EPSG:2180"
    assert not shp.exists()


def test_missing_dbf_reads_geometry_with_warning(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "bez_dbf.shp")
    shp.with_suffix(".dbf").unlink()
    frame, report = read_layer(shp)
    assert len(frame) == 3
    assert any(".dbf is missing" in w for w in report.warnings)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_missing_prj_guesses_crs(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "bez_prj.shp", crs=None)
    frame, report = read_layer(shp)
    assert report.crs == "EPSG:2180"
    assert report.crs_guessed
    assert frame.crs.to_epsg() == 2180
    assert any("guessed" in w for w in report.warnings)


def test_crs_override_assigns(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "nadpisany.shp")
    frame, report = read_layer(shp, crs="EPSG:2177")
    assert frame.crs.to_epsg() == 2177
    assert report.crs_reason == "given by the user"
    assert frame.geometry.iloc[0].bounds[0] == 500000


def test_truncated_shp_names_the_file(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "uciety.shp")
    data = shp.read_bytes()
    shp.write_bytes(data[: len(data) // 2])
    with pytest.raises(MgisIOError, match=r"uciety\.shp.*truncated"):
        read_layer(shp)


def test_missing_file() -> None:
    with pytest.raises(MgisIOError, match="not found"):
        read_layer("nie_ma_takiego_pliku.shp")


def test_garbage_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "smieci.geojson"
    path.write_text("to nie jest GeoJSON", encoding="utf-8")
    with pytest.raises(MgisIOError, match=r"smieci\.geojson"):
        read_layer(path)


def test_geojson_bowtie_counted_and_repaired(tmp_path: Path) -> None:
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    frame = gpd.GeoDataFrame(
        {"kod": ["007", "008"]}, geometry=[bowtie, shapely.box(20, 20, 30, 30)], crs=4326
    )
    path = tmp_path / "obszary.geojson"
    pyogrio.write_dataframe(frame, path)
    read, report = read_layer(path, crs="EPSG:2180")
    assert report.invalid_geometries == 1
    assert any("repair=True" in w for w in report.warnings)
    assert read["kod"].tolist() == ["007", "008"]
    fixed, report = read_layer(path, crs="EPSG:2180", repair=True)
    assert report.repairs == 1
    assert report.invalid_geometries == 0
    assert fixed.geometry.is_valid.all()
    assert set(fixed.geom_type) <= {"Polygon", "MultiPolygon"}
    assert fixed.geometry.iloc[0].area == pytest.approx(50.0)


def test_geopackage_write_read_and_layers(tmp_path: Path) -> None:
    path = tmp_path / "projekt.gpkg"
    parcels = _parcels()
    write_layer(parcels, path, "dzialki")
    write_layer(parcels.iloc[:1], path, "obreby")
    write_layer(parcels.iloc[:2], path, "dzialki")  # replaces, keeps "obreby"
    write_layer(parcels.iloc[:1], path, "obreby", mode="a")
    infos = {info.name: info for info in list_layers(path)}
    assert infos["dzialki"].feature_count == 2
    assert infos["obreby"].feature_count == 2
    assert infos["dzialki"].geometry_type == "Polygon"
    frame, report = read_layer(path)
    assert report.layer in infos
    assert any("other layers" in w for w in report.warnings)
    frame, _ = read_layer(path, layer="dzialki")
    assert frame["idDzialki"].tolist() == parcels["idDzialki"].tolist()[:2]


def test_unknown_layer_lists_the_layers(tmp_path: Path) -> None:
    path = tmp_path / "projekt.gpkg"
    write_layer(_parcels(), path, "dzialki")
    with pytest.raises(MgisIOError, match="dzialki"):
        read_layer(path, layer="budynki")


def test_write_keeps_codes_as_text(tmp_path: Path) -> None:
    path = tmp_path / "kody.gpkg"
    frame = gpd.GeoDataFrame(
        {"teryt": ["0201011", "0000001"]}, geometry=[shapely.Point(1, 2)] * 2, crs=2180
    )
    write_layer(frame, path, "kody")
    back, _ = read_layer(path)
    assert back["teryt"].tolist() == ["0201011", "0000001"]


def test_write_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(MgisIOError, match="GeoPackage"):
        write_layer(_parcels(), tmp_path / "x.shp", "x")


def test_fiona_engine_equals_pyogrio(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "silniki.shp", encoding="cp1250")
    fast, _ = read_layer(shp)
    slow, report = read_layer(shp, engine="fiona")
    assert list(fast.columns) == list(slow.columns)
    assert fast["nazwa"].tolist() == slow["nazwa"].tolist() == NAMES
    assert fast.geometry.geom_equals_exact(slow.geometry, 0).all()
    assert report.encoding == "CP1250"


def test_kml_point(tmp_path: Path) -> None:
    path = tmp_path / "rynek.kml"
    frame = gpd.GeoDataFrame(
        {"Name": ["Rynek Łódź"]}, geometry=[shapely.Point(19.45, 51.77)], crs=4326
    )
    pyogrio.write_dataframe(frame, path, driver="KML")
    read, report = read_layer(path)
    assert "Rynek Łódź" in set(read["Name"])
    assert report.crs == "EPSG:4326"
    assert report.geometry_types == ("Point",)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_dxf_lines_get_guessed_crs(tmp_path: Path) -> None:
    path = tmp_path / "mapa.dxf"
    line = shapely.LineString([(500000, 400000), (500100, 400100)])
    pyogrio.write_dataframe(gpd.GeoDataFrame({"Layer": ["0"]}, geometry=[line]), path, driver="DXF")
    [info] = list_layers(path)
    assert info.name == "entities"
    read, report = read_layer(path)
    assert len(read) == 1
    assert report.format == "DXF"
    assert report.crs == "EPSG:2180"
    assert report.crs_guessed


def test_summary_lines_mention_the_decisions(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "raport.shp", encoding="cp1250")
    shp.with_suffix(".cpg").unlink()
    _, report = read_layer(shp)
    text = "\n".join(report.summary_lines())
    assert "raport.shp" in text
    assert "CP1250" in text
    assert "EPSG:2180" in text
    assert "3 (Polygon)" in text


def test_zip_with_two_shapefiles(tmp_path: Path) -> None:
    first = _shapefile(tmp_path / "src" / "dzialki.shp")
    second = _shapefile(tmp_path / "src" / "budynki.shp", encoding="cp1250")
    archive = tmp_path / "paczka.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in sorted(first.parent.iterdir()):
            zf.write(part, part.name)
    assert sorted(info.name for info in list_layers(archive)) == ["budynki", "dzialki"]
    frame, report = read_layer(archive, layer=second.stem)
    assert frame["nazwa"].tolist() == NAMES
    assert report.encoding == "CP1250"
    _, first_report = read_layer(archive)
    assert first_report.other_layers


def test_attribute_table_roundtrip(tmp_path: Path) -> None:
    path = tmp_path / "projekt.gpkg"
    table = pd.DataFrame({"obreb": ["0012", "0031"], "liczba": [3, 4]})
    write_layer(table, path, "tabela")
    back, report = read_layer(path, layer="tabela")
    assert not isinstance(back, gpd.GeoDataFrame)
    assert back["obreb"].tolist() == ["0012", "0031"]
    assert report.geometry_types == ()
