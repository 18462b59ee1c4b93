"""DXF export read back with ezdxf and with GDAL's DXF driver."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import ezdxf
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from mgis.io.export import ExportOptions, export_layer

NAMES = ["Łódź", "Świętokrzyska", "Zażółć gęślą jaźń"]


def _square(x: float, y: float, size: float = 50.0) -> Polygon:
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])


@pytest.fixture
def parcels() -> gpd.GeoDataFrame:
    """Three parcels: a plain one, one with a hole and one in two parts."""
    holed = Polygon(
        _square(500100.123456, 600000.5).exterior.coords,
        [[(500110, 600010), (500120, 600010), (500120, 600020), (500110, 600020)]],
    )
    return gpd.GeoDataFrame(
        {
            "obreb": ["0007", "0012", "0007"],
            "nazwa": NAMES,
            "wlasnosc": ["Gmina", "Skarb Państwa", "Gmina"],
            "pow_m2": [2500.5, np.nan, 800.0],
            "liczba": [1, 2, 3_000_000_000],
        },
        geometry=[
            _square(500000, 600000),
            holed,
            MultiPolygon([_square(500200, 600000, 20), _square(500250, 600000, 20)]),
        ],
        crs="EPSG:2180",
    )


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "CAD dla Pani Żanety"
    folder.mkdir()
    return folder


def _xdata(entity: object) -> dict[str, object]:
    tags = entity.get_xdata("MGIS")  # type: ignore[attr-defined]
    values = [t.value for t in tags]
    return dict(zip(values[0::2], values[1::2], strict=True))


def test_dxf_read_back_with_ezdxf(parcels: gpd.GeoDataFrame, out_dir: Path) -> None:
    target = out_dir / "działki.dxf"
    opts = ExportOptions(
        label_field="nazwa", dxf_layer_field="wlasnosc", layer_name="działki", encoding="utf-8"
    )
    report = export_layer(parcels, target, "dxf", options=opts)
    assert report.layers == ("Gmina", "Skarb Państwa", "działki_labels")
    assert report.crs == "EPSG:2180"

    doc = ezdxf.readfile(target)
    assert doc.dxfversion == "AC1024"
    assert doc.header["$DWGCODEPAGE"] == "ANSI_1250"
    auditor = doc.audit()
    assert not auditor.has_errors
    msp = doc.modelspace()
    polylines = msp.query("LWPOLYLINE")
    assert len(polylines) == 5  # 1 + (outer + hole) + 2 parts
    assert all(p.closed for p in polylines)
    first = polylines[0]
    assert first.dxf.layer == "Gmina"
    expected = np.asarray(parcels.geometry[0].exterior.coords)[:-1]
    assert np.allclose(np.array(list(first.get_points("xy"))), expected, atol=1e-4)
    holed = [p for p in polylines if p.dxf.layer == "Skarb Państwa"]
    assert len(holed) == 2
    assert np.allclose(
        np.array(list(holed[0].get_points("xy"))),
        np.asarray(parcels.geometry[1].exterior.coords)[:-1],
        atol=1e-4,
    )
    assert _xdata(first) == {
        "obreb": "0007",
        "nazwa": "Łódź",
        "wlasnosc": "Gmina",
        "pow_m2": 2500.5,
        "liczba": 1,
    }
    second = _xdata(holed[1])
    assert second["nazwa"] == "Świętokrzyska"
    assert second["pow_m2"] == ""  # missing value
    assert _xdata(polylines[4])["liczba"] == 3e9  # beyond 32 bits: a real
    texts = msp.query("TEXT")
    assert [t.dxf.text for t in texts] == NAMES
    assert {t.dxf.layer for t in texts} == {"działki_labels"}
    for text, geom in zip(texts, parcels.geometry, strict=True):
        assert geom.contains(Point(text.dxf.insert.x, text.dxf.insert.y))


def test_dxf_read_back_with_gdal(
    parcels: gpd.GeoDataFrame, out_dir: Path, require_tool: Callable[[str], str]
) -> None:
    ogrinfo = require_tool("ogrinfo")
    target = out_dir / "działki.dxf"
    utf8 = ExportOptions(label_field="nazwa", encoding="utf-8")
    report = export_layer(parcels, target, "dxf", options=utf8)
    assert any("DXF_ENCODING=UTF-8" in w for w in report.warnings)
    done = subprocess.run(
        [ogrinfo, "-ro", "-al", "--config", "DXF_ENCODING", "UTF-8", str(target)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    text = done.stdout.decode("utf-8")
    assert "Feature Count: 8" in text  # 5 polylines + 3 labels
    for name in NAMES:
        assert f"Text (String) = {name}" in text
    options = {"DXF_CLOSED_LINE_AS_POLYGON": "TRUE", "DXF_ENCODING": "UTF-8"}
    pyogrio.set_gdal_config_options(options)
    try:
        back = pyogrio.read_dataframe(target)
    finally:
        pyogrio.set_gdal_config_options(dict.fromkeys(options))
    assert set(back["Layer"]) == {"działki", "działki_labels"}
    shapes = back[back["Layer"] == "działki"].geometry
    assert len(shapes) == 5
    exterior = shapely.polygons(shapely.get_exterior_ring(parcels.geometry[0]))
    assert shapely.equals_exact(
        shapely.normalize(shapes.iloc[0]), shapely.normalize(exterior), tolerance=1e-4
    )


def test_dxf_in_cp1250_is_r2000(
    parcels: gpd.GeoDataFrame, out_dir: Path, require_tool: Callable[[str], str]
) -> None:
    ogrinfo = require_tool("ogrinfo")
    target = out_dir / "działki.dxf"
    export_layer(
        parcels,
        target,
        "dxf",
        options=ExportOptions(encoding="cp1250", label_field="nazwa", dxf_layer_field="wlasnosc"),
    )
    raw = target.read_bytes()
    assert "Łódź".encode("cp1250") in raw
    assert "Łódź".encode() not in raw
    doc = ezdxf.readfile(target)
    assert doc.dxfversion == "AC1015"
    assert doc.header["$DWGCODEPAGE"] == "ANSI_1250"
    assert [t.dxf.text for t in doc.modelspace().query("TEXT")] == NAMES
    assert "Skarb Państwa" in doc.layers
    text = subprocess.run(
        [ogrinfo, "-ro", "-al", str(target)], capture_output=True, check=True, timeout=120
    ).stdout.decode("utf-8")
    assert "Text (String) = Zażółć gęślą jaźń" in text
    assert "Layer (String) = Skarb Państwa" in text


def test_dxf_points_lines_and_odd_values(out_dir: Path) -> None:
    frame = gpd.GeoDataFrame(
        {
            "opis": ["przystanek\nnr 1", None, "0", "x"],
            "kod": ["0001", "0002", "0003", "0004"],
            "czynny": pd.array([True, None, False, True], dtype="boolean"),
            "od": pd.to_datetime(["2024-05-01", None, "2024-06-30", "2025-01-01"]),
        },
        geometry=[Point(1, 2), LineString([(0, 0), (10, 0), (10, 5)]), Point(3, 4), None],
        crs="EPSG:2180",
    )
    target = out_dir / "obiekty.dxf"
    opts = ExportOptions(label_field="opis", dxf_layer_field="opis")
    report = export_layer(frame, target, "dxf", options=opts)
    assert any("without geometry" in w for w in report.warnings)
    msp = ezdxf.readfile(target).modelspace()
    points = msp.query("POINT")
    assert [(p.dxf.location.x, p.dxf.location.y) for p in points] == [(1, 2), (3, 4)]
    assert points[0].dxf.layer == "przystanek nr 1"
    assert points[1].dxf.layer == "0"
    (line,) = msp.query("LWPOLYLINE")
    assert not line.closed
    assert line.dxf.layer == "obiekty"  # missing value: the layer name
    assert [t.dxf.text for t in msp.query("TEXT")] == ["przystanek nr 1", "0"]
    assert _xdata(line) == {"opis": "", "kod": "0002", "czynny": "", "od": ""}
    assert _xdata(points[0])["czynny"] == 1
    assert str(_xdata(points[0])["od"]).startswith("2024-05-01")


def test_dxf_large_layer_is_valid(out_dir: Path) -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 10_000, size=(2000, 2)) + np.array([500_000, 600_000])
    frame = gpd.GeoDataFrame(
        {"id": [f"{i:06d}" for i in range(2000)]},
        geometry=shapely.buffer(shapely.points(xy), 5, quad_segs=2),
        crs="EPSG:2180",
    )
    target = out_dir / "dużo.dxf"
    report = export_layer(frame, target, "dxf", options=ExportOptions(label_field="id"))
    assert report.feature_count == 2000
    doc = ezdxf.readfile(target)
    assert not doc.audit().has_errors
    handles = [e.dxf.handle for e in doc.modelspace()]
    assert len(set(handles)) == 4000
    assert int(doc.header["$HANDSEED"], 16) > max(int(h, 16) for h in handles)


def test_default_dxf_is_cp1250_and_gdal_reads_polish_letters(
    parcels: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    target = tmp_path / "Dla projektanta" / "działki.dxf"
    target.parent.mkdir()
    opts = ExportOptions(dxf_layer_field="wlasnosc")
    report = export_layer(parcels, target, "dxf", options=opts)
    assert report.encoding == "cp1250"
    layers = set(pyogrio.read_dataframe(target, columns=["Layer"])["Layer"])
    assert "Skarb Państwa" in layers
