from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from mgis.io import MgisIOError, read_layer


def test_semicolon_csv_with_decimal_comma_and_teryt(tmp_path: Path) -> None:
    path = tmp_path / "szkoly.csv"
    text = (
        "teryt;nazwa;dlugosc;szerokosc;uczniowie;nr_dzialki\n"
        "0201011;Szkoła w Łodzi;19,4560;51,7592;420;12/3\n"
        "1465011;Żłobek Śródmieście;21,0122;52,2297;35;0045\n"
    )
    path.write_bytes(text.encode("cp1250"))
    frame, report = read_layer(path)
    assert isinstance(frame, gpd.GeoDataFrame)
    assert frame["teryt"].tolist() == ["0201011", "1465011"]
    assert frame["nr_dzialki"].tolist() == ["12/3", "0045"]
    assert frame["nazwa"].tolist()[1] == "Żłobek Śródmieście"
    assert frame["uczniowie"].tolist() == [420, 35]
    assert frame.geometry.iloc[0].x == pytest.approx(19.456)
    assert report.encoding == "CP1250"
    assert report.crs == "EPSG:4326"
    assert report.crs_guessed


def test_leading_zero_column_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "kody.csv"
    path.write_text("symbol,ilosc\n01234,5\n00950,6\n", encoding="utf-8")
    frame, _ = read_layer(path)
    assert frame["symbol"].tolist() == ["01234", "00950"]
    assert frame["ilosc"].tolist() == [5, 6]


def test_csv_with_wkt_column(tmp_path: Path) -> None:
    path = tmp_path / "obszary.csv"
    path.write_text(
        'id,nazwa,wkt\n1,Park,"POLYGON ((0 0, 1 0, 1 1, 0 0))"\n2,Skwer,"POINT (5 5)"\n',
        encoding="utf-8",
    )
    frame, report = read_layer(path)
    assert isinstance(frame, gpd.GeoDataFrame)
    assert list(frame.geometry.geom_type) == ["Polygon", "Point"]
    assert "wkt" not in frame.columns
    assert report.crs is None


def test_csv_with_bad_wkt_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "zle.csv"
    path.write_text('id;wkt\n1;"POINT (1 1)"\n2;"POINT (1 x)"\n', encoding="utf-8")
    with pytest.raises(MgisIOError, match=r"zle\.csv: row 3"):
        read_layer(path)


def test_csv_without_coordinates_is_a_table(tmp_path: Path) -> None:
    path = tmp_path / "tabela.csv"
    path.write_text("obreb\tnazwa\n0012\tCentrum\n", encoding="utf-8")
    frame, report = read_layer(path)
    assert not isinstance(frame, gpd.GeoDataFrame)
    assert frame["obreb"].tolist() == ["0012"]
    assert report.geometry_types == ()


def test_xlsx_with_geodetic_xy(tmp_path: Path) -> None:
    path = tmp_path / "punkty.xlsx"
    table = pd.DataFrame(
        {
            "nr": ["P1", "P2"],
            "X": [5790100.25, 5791200.5],  # northing, as in Polish geodesy
            "Y": [7500100.75, 7501300.0],
            "teryt": ["146501_1", "146501_1"],
        }
    )
    table.to_excel(path, index=False, sheet_name="punkty")
    frame, report = read_layer(path)
    assert report.crs == "EPSG:2178"
    assert report.axes_swapped
    assert frame.geometry.iloc[0].x == pytest.approx(7500100.75)
    assert frame["teryt"].tolist() == ["146501_1", "146501_1"]
    assert report.layer == "punkty"
