"""``mgis link``: three layers and a problems CSV, a summary, one-line errors, no overwrite."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from mgis.cli import main
from mgis.cli.link import split_source

UNIT = "302101_1"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    ids = [f"{UNIT}.0003.1", f"{UNIT}.0003.2", f"{UNIT}.0003.3/1", f"{UNIT}.0002.77"]
    geoms = [shapely.box(10 * k, 0, 10 * k + 10, 10) for k in range(4)]
    layer = gpd.GeoDataFrame(
        {"id_dzialki": ids, "wlasnosc": ["Gmina", "inne", "Gmina", "Gmina"]},
        geometry=geoms,
        crs="EPSG:2180",
    )
    parcels = tmp_path / "działki.gpkg"
    layer.to_file(parcels, layer="parcels", driver="GPKG")
    lines = [
        "Lp.;Nazwa zadania;Łączne nakłady;Działki;Obręb",
        '1;Przebudowa ul. Polnej;1 200 000,00;"1; 2";3',
        '2;Budowa przedszkola;950 000,50;"0003.2, 0002.77 i 0003.3/7";',
        "3;Zakup wozu strażackiego;1 000 000,00;;",
    ]
    register = tmp_path / "rejestr.csv"
    register.write_bytes("\r\n".join(lines).encode("cp1250"))
    return parcels, register


def args(parcels: Path, register: Path, out: Path, *extra: str) -> list[str]:
    return [
        "link",
        "--parcels",
        f"{parcels}:parcels",
        "--id-field",
        "id_dzialki",
        "--register",
        str(register),
        "--out",
        str(out),
        *extra,
    ]


def test_link_writes_three_layers_csv_and_summary(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parcels, register = files
    out = tmp_path / "wynik.gpkg"
    assert main(args(parcels, register, out)) == 0
    text = capsys.readouterr().out
    assert "investments: 3 (2 with parcels, 1 without)" in text
    assert "matched: 4 (3 parcels, 4 links)" in text
    assert "unmatched: 1; ambiguous: 0" in text
    assert "duplicate ids in the parcel layer: 0" in text
    names = {row[0] for row in pyogrio.list_layers(out)}
    assert names == {"investment_areas", "links", "problems"}
    areas = pyogrio.read_dataframe(out, layer="investment_areas")
    assert list(areas.columns[:4]) == ["investment_id", "area_m2", "area_ha", "parcel_count"]
    assert areas["area_m2"].tolist() == [200.0, 200.0, 0.0]
    assert areas["Łączne nakłady"].tolist() == [1200000.0, 950000.5, 1000000.0]
    links = pyogrio.read_dataframe(out, layer="links")
    assert links["parcel_id"].tolist()[:2] == [f"{UNIT}.0003.1", f"{UNIT}.0003.2"]
    problems = pd.read_csv(tmp_path / "wynik_problems.csv", sep=";", encoding="utf-8-sig")
    assert problems.columns.tolist()[:4] == ["kind", "investment_id", "value", "parcel_id"]
    assert problems["kind"].tolist() == ["unmatched", "multi_investment", "no_parcels"]


def test_existing_output_is_not_overwritten(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parcels, register = files
    out = tmp_path / "wynik.gpkg"
    assert main(args(parcels, register, out)) == 0
    capsys.readouterr()
    assert main(args(parcels, register, out)) == 2
    err = capsys.readouterr().err.strip()
    assert "already exist" in err
    assert "--overwrite" in err
    assert len(err.splitlines()) == 1
    assert main(args(parcels, register, out, "--overwrite")) == 0


def test_errors_are_one_line_naming_what_to_fix(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parcels, register = files
    out = tmp_path / "w.gpkg"
    bad_field = args(parcels, register, out)
    bad_field[bad_field.index("id_dzialki")] = "nr"
    assert main(bad_field) == 2
    err = capsys.readouterr().err
    assert "no field 'nr'" in err
    assert "id_dzialki" in err
    assert main(args(parcels, tmp_path / "brak.xlsx", out)) == 2
    assert "register file not found" in capsys.readouterr().err
    assert main(args(parcels, register, out, "--parcels-column", "Parcele")) == 2
    assert "no column 'Parcele'" in capsys.readouterr().err
    assert main(args(parcels, register, out, "--teryt", "12")) == 2
    assert "--teryt" in capsys.readouterr().err
    assert not out.exists()


def test_unrecognised_parcels_column_is_named_by_the_user(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parcels, register = files
    text = register.read_bytes().decode("cp1250").replace(";Działki;", ";Teren;")
    register.write_bytes(text.encode("cp1250"))
    out = tmp_path / "w.gpkg"
    assert main(args(parcels, register, out)) == 2
    assert "--parcels-column" in capsys.readouterr().err
    assert main(args(parcels, register, out, "--parcels-column", "Teren", "--teryt", UNIT)) == 0
    assert "matched: 4" in capsys.readouterr().out


def test_split_source(tmp_path: Path) -> None:
    assert split_source("data.gpkg:parcels") == (Path("data.gpkg"), "parcels")
    assert split_source("data.gpkg") == (Path("data.gpkg"), None)
    existing = tmp_path / "a.gpkg"
    existing.touch()
    assert split_source(str(existing)) == (existing, None)
