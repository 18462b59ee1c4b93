"""Project file: one GeoPackage, atomic save, exact round trip."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon

from mgis.layers import Style, VectorLayer
from mgis.project import SETTINGS_TABLE, Project, ProjectError


def _parcels() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id_dzialki": ["021001_1.0001.12/3", "021001_1.0001.0014"],
            "wlasnosc": ["Gmina", "Skarb Państwa"],
            "pow_m2": [100.0, 50.5],
        },
        geometry=[
            Polygon([(0, 0), (10, 0), (10, 10), (0, 10)]),
            Polygon([(10, 0), (15, 0), (15, 10), (10, 10)]),
        ],
        crs="EPSG:2180",
    )


def _project() -> Project:
    parcels = VectorLayer("Działki ewidencyjne", _parcels(), source="C:/dane/działki.shp")
    parcels.style = Style(fill="#ff000080", stroke="#000000", label_field="id_dzialki")
    parcels.opacity = 0.7
    stops = VectorLayer(
        "przystanki",
        gpd.GeoDataFrame({"nazwa": ["Gniezno Wąskotorowe"]}, geometry=[Point(5, 5)], crs=2180),
        visible=False,
    )
    streets = VectorLayer(
        "ulice",
        gpd.GeoDataFrame(
            {"nazwa": ["ul. Źródlana"]}, geometry=[LineString([(0, 0), (9, 9)])]
        ).set_crs(2180),
    )
    project = Project(layers=[parcels, stops, streets], metadata={"title": "Łęczyca"})
    project.extent = (0.0, 0.0, 15.0, 10.0)
    return project


def test_round_trip_restores_everything(tmp_path: Path) -> None:
    path = tmp_path / "Projekt gminy Łęczyca" / "plan zagospodarowania.gpkg"
    original = _project()
    original.save(path)
    opened = Project.open(path)
    assert opened.layer_names() == ["Działki ewidencyjne", "przystanki", "ulice"]
    assert opened.crs == "EPSG:2180"
    assert opened.extent == (0.0, 0.0, 15.0, 10.0)
    assert opened.metadata == {"title": "Łęczyca"}
    for before, after in zip(original.layers, opened.layers, strict=True):
        assert after.style == before.style
        assert after.visible == before.visible
        assert after.opacity == before.opacity
        assert after.source == before.source
        assert after.crs == "EPSG:2180"
        assert list(after.frame.columns) == list(before.frame.columns)
        assert after.frame.geometry.geom_equals(before.frame.geometry).all()
    ids = opened.layer("Działki ewidencyjne").frame["id_dzialki"].tolist()
    assert ids == ["021001_1.0001.12/3", "021001_1.0001.0014"]  # text, leading zeros kept
    assert opened.layer("przystanki").frame["nazwa"].iloc[0] == "Gniezno Wąskotorowe"


def test_save_is_atomic_and_keeps_backup(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    project = _project()
    project.save(path)
    project.layers.pop()
    project.save()
    assert Project.open(path).layer_names() == ["Działki ewidencyjne", "przystanki"]
    assert Project.open(tmp_path / "p.backup.gpkg").layer_names()[-1] == "ulice"
    assert not (tmp_path / "p.saving.gpkg").exists()


def test_file_uses_rollback_journal(tmp_path: Path) -> None:
    path = _project().save(tmp_path / "p.gpkg")
    with sqlite3.connect(path) as con:
        mode = con.execute("PRAGMA journal_mode").fetchone()[0]
        kinds = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    con.close()
    assert mode == "delete"
    assert kinds[SETTINGS_TABLE] == "attributes"
    assert kinds["działki_ewidencyjne"] == "features"


def test_project_is_an_ordinary_geopackage(
    tmp_path: Path, require_tool: Callable[[str], str]
) -> None:
    ogrinfo = require_tool("ogrinfo")
    path = _project().save(tmp_path / "p.gpkg")
    out = subprocess.run(
        [ogrinfo, "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Feature Count: 2" in out
    assert "działki_ewidencyjne" in out
    assert "Projected CRS" in out or "PROJCRS" in out


def test_referenced_layer_is_read_from_its_source(tmp_path: Path) -> None:
    source = tmp_path / "dane" / "budynki.gpkg"
    source.parent.mkdir()
    _parcels().to_file(source, layer="budynki")
    project = Project()
    layer = VectorLayer("budynki", _parcels(), source=str(source), embedded=False)
    project.layers.append(layer)
    project.save(tmp_path / "proj" / "p.gpkg")
    opened = Project.open(tmp_path / "proj" / "p.gpkg")
    assert opened.layers[0].source == "../dane/budynki.gpkg"
    assert len(opened.layers[0].frame) == 2
    source.unlink()
    with pytest.raises(ProjectError, match="no longer exists"):
        Project.open(tmp_path / "proj" / "p.gpkg")


def test_open_refuses_a_plain_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "plain.gpkg"
    _parcels().to_file(path, layer="dzialki")
    with pytest.raises(ProjectError, match="not an mgis project"):
        Project.open(path)


def test_make_layer_reprojects_and_names_uniquely() -> None:
    project = _project()
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(17.6, 52.53)], crs="EPSG:4326")
    layer = project.make_layer("ulice", frame)
    assert layer.name == "ulice (2)"
    assert layer.crs == "EPSG:2180"
    x, y = layer.frame.geometry.iloc[0].coords[0]
    assert 300_000 < x < 500_000
    assert 450_000 < y < 550_000
    with pytest.raises(ProjectError, match="no coordinate reference system"):
        project.make_layer("x", gpd.GeoDataFrame(geometry=[Point(0, 0)]))
