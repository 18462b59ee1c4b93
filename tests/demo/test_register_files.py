"""Tests of the register and legacy shapefile exports (encodings, folders with Polish names)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from mgis.demo.register import write_legacy_shapefiles, write_register_files
from mgis.demo.town import DemoTown, generate_town


@pytest.fixture(scope="module")
def town() -> DemoTown:
    return generate_town(parcels=1_000, seed=11)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "Wydział Geodezji i Kartografii" / "dane źródłowe"


def test_register_files(town: DemoTown, out_dir: Path) -> None:
    paths = write_register_files(town, out_dir)
    assert [p.name for p in paths] == ["rejestr_inwestycji.xlsx", "rejestr_inwestycji.csv"]
    raw = paths[1].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1250")
    assert "Łączne nakłady" in text
    assert "Jednostka realizująca" in text
    assert "\r\n" in text
    with paths[1].open(encoding="cp1250", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == list(town.register.columns)
    assert len(rows) == len(town.register) + 1
    assert any("\n" in cell for row in rows for cell in row)  # multi-line parcel lists survive
    back = pd.read_csv(paths[1], sep=";", encoding="cp1250", decimal=",", dtype={"Obręb": str})
    assert back["Łączne nakłady"].dtype.kind == "f"
    assert back["Łączne nakłady"].round(2).tolist() == town.register["Łączne nakłady"].tolist()
    xl = pd.read_excel(paths[0])
    assert list(xl.columns) == list(town.register.columns)
    assert xl["Łączne nakłady"].dtype.kind == "f"
    assert xl["Działki"].fillna("").tolist() == town.register["Działki"].tolist()


def test_legacy_shapefiles_have_no_cpg(town: DemoTown, out_dir: Path) -> None:
    paths = write_legacy_shapefiles(town, out_dir)
    assert len(paths) == 3
    folder = out_dir / "shp"
    assert not list(folder.glob("*.cpg"))
    for path in paths:
        assert path.parent == folder
        dbf = path.with_suffix(".dbf").read_bytes()
        assert dbf[29] == 0
        frame = pyogrio.read_dataframe(path, encoding="cp1250")
        key = path.stem
        assert len(frame) == len(town.layers[key])
        assert frame["nazwa"].tolist() == town.layers[key]["nazwa"].tolist()
        assert all(len(col) <= 10 for col in frame.columns)
    schools = (folder / "schools.dbf").read_bytes()
    assert "Szkoła".encode("cp1250") in schools
