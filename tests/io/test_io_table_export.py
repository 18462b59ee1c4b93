from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from mgis.io.errors import MgisIOError
from mgis.io.table_export import TableExistsError, write_table


@pytest.fixture
def frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "kod": ["0001", "0002", "=1+1"],
            "wlasnosc": ["Gmina", "Skarb Państwa", None],
            "pow_m2": [1234.5, np.nan, 7.25],
            "liczba": [1, 2, 3],
        },
        geometry=[shapely.Point(1, 2), shapely.Point(3, 4), shapely.Point(5, 6)],
        crs=2180,
    )


def test_csv_utf8_without_geometry(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    path = write_table(frame, tmp_path / "out.csv")
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert "Skarb Państwa".encode() in data
    back = pd.read_csv(path, encoding="utf-8", dtype={"kod": str})
    assert list(back.columns) == ["kod", "wlasnosc", "pow_m2", "liczba"]
    assert back["kod"].tolist() == ["0001", "0002", "=1+1"]
    assert back["pow_m2"].iloc[0] == 1234.5
    assert pd.isna(back["pow_m2"].iloc[1])


def test_csv_with_wkt(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    path = write_table(frame, tmp_path / "out.csv", geometry_wkt=True)
    back = pd.read_csv(path, encoding="utf-8")
    assert back["WKT"].tolist() == ["POINT (1 2)", "POINT (3 4)", "POINT (5 6)"]


def test_csv_for_polish_excel(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    path = write_table(frame, tmp_path / "excel.csv", polish_excel=True)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "kod;wlasnosc;pow_m2;liczba"
    assert text.splitlines()[1] == "0001;Gmina;1234,5;1"
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"kod": str})
    assert back["pow_m2"].iloc[2] == 7.25
    assert back["wlasnosc"].iloc[1] == "Skarb Państwa"


def test_xlsx_keeps_codes_as_text(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    path = write_table(frame, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["kod", "wlasnosc", "pow_m2", "liczba"]
    assert rows[1] == ["0001", "Gmina", 1234.5, 1]
    assert rows[2] == ["0002", "Skarb Państwa", None, 2]
    assert sheet["A2"].data_type == "s"
    assert sheet["A4"].value == "=1+1"
    assert sheet["A4"].data_type == "s"  # text, never a formula
    back = pd.read_excel(path, dtype={"kod": str})
    assert back["kod"].tolist() == ["0001", "0002", "=1+1"]


def test_refuses_to_overwrite(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    path = tmp_path / "out.csv"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(TableExistsError, match="already exists") as info:
        write_table(frame, path)
    assert isinstance(info.value, MgisIOError)
    assert isinstance(info.value, FileExistsError)
    assert path.read_text(encoding="utf-8") == "keep me"
    write_table(frame, path, overwrite=True)
    assert path.read_text(encoding="utf-8").startswith("kod,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temp files left


def test_unknown_suffix_and_missing_folder(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    with pytest.raises(MgisIOError, match=r"\.csv or \.xlsx"):
        write_table(frame, tmp_path / "out.txt")
    with pytest.raises(MgisIOError, match="does not exist"):
        write_table(frame, tmp_path / "nowhere" / "out.csv")


def test_plain_dataframe_and_empty_table(tmp_path: Path) -> None:
    empty = pd.DataFrame({"a": pd.Series([], dtype=str)})
    path = write_table(empty, tmp_path / "empty.xlsx")
    assert pd.read_excel(path).columns.tolist() == ["a"]
