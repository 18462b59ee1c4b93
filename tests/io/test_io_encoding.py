from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
import shapely

from mgis.io import read_layer
from mgis.io.encoding import detect, language_byte_encoding, parse_cpg

NAMES = ["Łódź", "Żółć", "Śródmieście", "Gniezno Wąskotorowe"]


def _write_shapefile(path: Path, encoding: str, keep_cpg: bool = False) -> None:
    frame = gpd.GeoDataFrame(
        {"nazwa": NAMES, "teryt": ["1061011", "0201011", "1465011", "3003011"]},
        geometry=[shapely.Point(19.4 + i / 10, 51.7) for i in range(len(NAMES))],
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(frame, path, encoding=encoding)
    if not keep_cpg:
        path.with_suffix(".cpg").unlink()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ANSI 1250", "CP1250"),
        ("1250", "CP1250"),
        ("CP1250", "CP1250"),
        ("UTF-8", "UTF-8"),
        ("UTF8", "UTF-8"),
        ("65001", "UTF-8"),
        ("88592", "ISO-8859-2"),
        ("ISO-8859-2", "ISO-8859-2"),
        ("852", "CP852"),
        ("nonsense", None),
    ],
)
def test_cpg_spellings(text: str, expected: str | None) -> None:
    assert parse_cpg(text) == expected


def test_language_bytes() -> None:
    assert language_byte_encoding(0xC8) == "CP1250"
    assert language_byte_encoding(0x64) == "CP852"
    assert language_byte_encoding(0x57) == "CP1252"
    assert language_byte_encoding(0) is None


@pytest.mark.parametrize("codec", ["utf-8", "cp1250", "iso-8859-2", "cp852"])
def test_detect_without_declaration(codec: str) -> None:
    data = " ".join(NAMES * 3).encode(codec)
    choice = detect(data, None, ".cpg")
    assert choice.encoding == {"utf-8": "UTF-8"}.get(codec, codec.upper())


def test_utf8_overrides_wrong_declaration() -> None:
    choice = detect(" ".join(NAMES).encode("utf-8"), "CP1252", "DBF language byte 0x57")
    assert choice.encoding == "UTF-8"
    assert "declared CP1252" in choice.reason
    assert "valid UTF-8" in choice.reason


def test_cp1250_declared_cp1252_is_corrected() -> None:
    choice = detect(" ".join(NAMES).encode("cp1250"), "CP1252", "DBF language byte 0x57")
    assert choice.encoding == "CP1250"


def test_cp1250_shapefile_without_cpg(tmp_path: Path) -> None:
    path = tmp_path / "miejscowosci.shp"
    _write_shapefile(path, "cp1250")
    frame, report = read_layer(path)
    assert frame["nazwa"].tolist() == NAMES
    assert report.encoding == "CP1250"
    assert "no .cpg" in report.encoding_reason
    assert frame["teryt"].tolist()[1] == "0201011"


def test_cp852_shapefile_without_cpg(tmp_path: Path) -> None:
    path = tmp_path / "dos.shp"
    _write_shapefile(path, "cp852")
    frame, report = read_layer(path)
    assert frame["nazwa"].tolist() == NAMES
    assert report.encoding == "CP852"


def test_cp852_lone_dbf_with_language_byte(tmp_path: Path, make_dbf: Any) -> None:
    path = tmp_path / "tabela.dbf"
    rows = [[name, str(i)] for i, name in enumerate(NAMES)]
    path.write_bytes(
        make_dbf([("NAZWA", "C", 40), ("NR", "N", 5)], rows, encoding="cp852", language_byte=0x64)
    )
    frame, report = read_layer(path)
    assert not isinstance(frame, gpd.GeoDataFrame)
    assert frame["NAZWA"].tolist() == NAMES
    assert report.encoding == "CP852"
    assert "0x64" in report.encoding_reason


def test_cpg_declaring_cp1250_is_confirmed(tmp_path: Path) -> None:
    path = tmp_path / "z_cpg.shp"
    _write_shapefile(path, "cp1250", keep_cpg=True)
    path.with_suffix(".cpg").write_text("ANSI 1250", encoding="ascii")
    frame, report = read_layer(path)
    assert frame["nazwa"].tolist() == NAMES
    assert report.encoding == "CP1250"
    assert "ANSI 1250" in report.encoding_reason


def test_encoding_override(tmp_path: Path) -> None:
    path = tmp_path / "wymuszone.shp"
    _write_shapefile(path, "cp1250")
    frame, report = read_layer(path, encoding="cp1250")
    assert frame["nazwa"].tolist() == NAMES
    assert report.encoding_reason == "given by the user"


def test_non_polish_text_is_flagged_uncertain() -> None:
    choice = detect("Москва Санкт-Петербург".encode("cp1251"), None, ".cpg")
    assert choice.uncertain
