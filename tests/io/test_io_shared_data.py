"""The real files of ../shared/data with their real defects (skipped when absent)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mgis.io import MgisIOError, list_layers, read_layer, reproject


def test_gniezno_stops_utf8_without_cpg(shared: Path) -> None:
    frame, report = read_layer(shared / "gniezno_momm_kucharski" / "przystanki_gniezno_stop.SHP")
    assert "Gniezno Wąskotorowe" in set(frame["NAME"])
    assert report.encoding == "UTF-8"
    assert "valid UTF-8" in report.encoding_reason
    assert report.feature_count == 118


def test_lubelskie_utf8_declared_cp1252(shared: Path) -> None:
    frame, report = read_layer(
        shared / "gniezno_momm_kucharski" / "lubelskie_2010" / "powiaty_lubelskie.shp"
    )
    assert report.encoding == "UTF-8"
    assert "declared CP1252" in report.encoding_reason
    assert any("chełmski" in str(name) for name in frame["NAZWA"])


def test_powiaty_dbf_broken_layout_is_refused_clearly(shared: Path) -> None:
    with pytest.raises(MgisIOError) as info:
        read_layer(shared / "prg_powiaty" / "powiaty.dbf")
    message = str(info.value)
    assert "powiaty.dbf" in message
    assert "5274" in message
    assert "5294" in message


def test_stations_without_prj_guess_2178(shared: Path) -> None:
    frame, report = read_layer(shared / "warszawa_zdm_rowery" / "stacje_napraw.shp")
    assert report.crs == "EPSG:2178"
    assert report.crs_guessed
    assert frame.crs.to_epsg() == 2178


def test_parks_esri_prj_is_2180(shared: Path) -> None:
    _, report = read_layer(shared / "lublin_bdot10k_majdzel" / "parki.shp")
    assert report.crs == "EPSG:2180"
    assert not report.crs_guessed


def test_powiaty_gpkg_unnamed_tm_is_2180(shared: Path) -> None:
    frame, report = read_layer(shared / "prg_powiaty" / "powiaty.gpkg")
    assert report.crs == "EPSG:2180"
    assert frame["TERYT"].astype(str).str.fullmatch(r"\d{7}").all()
    assert "0201000" in set(frame["TERYT"])


def test_gniezno_network_lands_on_gniezno(shared: Path) -> None:
    frame, report = read_layer(
        shared / "gniezno_momm_kucharski" / "gniezno_visum_network_CONVERTED.gpkg", layer="zones"
    )
    assert report.crs is not None
    assert not report.crs_guessed
    lonlat = reproject(reproject(frame, "EPSG:2180"), "EPSG:4326")
    lon, lat = lonlat.geometry.x.median(), lonlat.geometry.y.median()
    assert 17.45 < lon < 17.75
    assert 52.45 < lat < 52.62


def test_egib_gml_layers_without_gfs(shared: Path, tmp_path: Path) -> None:
    gml = tmp_path / "cgeo_dane-EGiB.gml"
    shutil.copyfile(shared / "egib_gml_samples" / gml.name, gml)
    names = [info.name for info in list_layers(gml)]
    assert "EGB_DzialkaEwidencyjna" in names
    assert len(names) > 3
    frame, report = read_layer(gml, layer="EGB_DzialkaEwidencyjna")
    assert report.feature_count == 47
    assert report.crs == "EPSG:2179"
    assert frame["idDzialki"].astype(str).str.contains(r"\.").all()
    _, first = read_layer(gml)
    assert first.other_layers
    assert [p.name for p in tmp_path.iterdir()] == [gml.name]


def test_investment_records_keep_codes_as_text(shared: Path) -> None:
    frame, report = read_layer(
        shared / "investment_records_rwdz_wsqborg" / "inwestycje_rwdz_punkty_redacted.geojson"
    )
    assert "31.0" in set(frame["obreb"])
    assert frame["teryt"].dropna().astype(str).str.contains("_").any()
    assert report.empty_geometries == 63
    assert any("63 of 2369 features have no geometry" in w for w in report.warnings)


def test_planning_zones_land_in_poland(shared: Path, tmp_path: Path) -> None:
    gml = tmp_path / "strefy.gml"
    shutil.copyfile(
        shared / "pog_app_gml_envirosolutions" / "test1_gminaABC_StrefaPlanistyczna.gml", gml
    )
    frame, report = read_layer(gml)
    assert report.crs in {"EPSG:2176", "EPSG:2177"}
    xmin, ymin, xmax, ymax = reproject(frame, "EPSG:4326").total_bounds
    assert 14.0 < xmin < xmax < 24.2
    assert 49.0 < ymin < ymax < 55.0
    assert [p.name for p in tmp_path.iterdir()] == [gml.name]


def test_osm_layers(shared: Path) -> None:
    path = shared / "poznan_osm_xml_nowicki" / "poznan_winogrady_map.osm"
    names = [info.name for info in list_layers(path)]
    assert {"points", "lines", "multipolygons"} <= set(names)
    frame, report = read_layer(path, layer="lines")
    assert report.format == "OSM"
    assert "Aleje Solidarności" in set(frame["name"].dropna())


@pytest.mark.parametrize(
    "relative",
    [
        "lublin_bdot10k_majdzel/parki.shp",
        "gniezno_momm_kucharski/przystanki_gniezno_stop.SHP",
        "prg_obreby_gminy_dariolas/kostrzyn_obreby.geojson",
    ],
)
def test_engines_agree(shared: Path, relative: str) -> None:
    path = shared / relative
    if not path.exists():
        pytest.skip(f"{relative} not in this copy of shared data")
    fast, fast_report = read_layer(path)
    slow, slow_report = read_layer(path, engine="fiona")
    assert list(fast.columns) == list(slow.columns)
    assert fast_report.crs == slow_report.crs
    for column in fast.columns:
        if column == fast.geometry.name:
            assert fast.geometry.geom_equals_exact(slow.geometry, 1e-9).all()
        else:
            left = fast[column].astype(object).where(fast[column].notna(), None).tolist()
            right = slow[column].astype(object).where(slow[column].notna(), None).tolist()
            assert left == right, column


def test_prg_address_xml_is_gml_without_gfs(shared: Path, tmp_path: Path) -> None:
    source = next((shared / "prg_adresy_sample_prgconvert").glob("*.xml"), None)
    if source is None:
        pytest.skip("PRG address sample not present")
    xml = tmp_path / source.name
    shutil.copyfile(source, xml)
    names = [info.name for info in list_layers(xml)]
    frame, report = read_layer(xml, layer="PRG_PunktAdresowy")
    assert "PRG_PunktAdresowy" in names
    assert report.crs == "EPSG:2180"
    assert len(frame) == 2
    assert [p.name for p in tmp_path.iterdir()] == [xml.name]


def test_egib_gml_with_unclosed_rings_is_read_and_reported(shared: Path, tmp_path: Path) -> None:
    source = tmp_path / "daneXML.gml"
    shutil.copy(shared / "egib_gml_samples" / "radzikkos_daneXML.gml", source)
    frame, report = read_layer(source, "EGB_DzialkaEwidencyjna")
    assert len(frame) == 4
    assert frame.geometry.is_valid.all()
    assert any("not closed" in w for w in report.warnings)
    assert report.crs == "EPSG:2178"
    assert not list(tmp_path.glob("*.gfs"))
