"""Reading investment registers: Polish amounts, codes as text, header row, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mgis.io.errors import MgisIOError
from mgis.io.register import is_money_header, parse_amount, read_register

CSV_ROWS = [
    "Lp.;Nazwa zadania;Łączne nakłady;Limit 2025;Działki;Obręb",
    '1;Przebudowa ulicy Źródlanej;1 234 567,89;"200 000,00";"12; 0003.14";0003',
    "2;Budowa żłobka;950000;;7;0012",
    '3;Oświetlenie;12,5;-;"0002.77\n0002.78";',
]


def write_csv(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def test_cp1250_csv_with_polish_amounts_and_codes(tmp_path: Path) -> None:
    table = read_register(write_csv(tmp_path / "rejestr.csv", CSV_ROWS, "cp1250"))
    frame = table.frame
    assert table.format == "CSV"
    assert table.delimiter == ";"
    assert table.encoding is not None
    assert table.encoding.encoding == "CP1250"
    assert frame["Nazwa zadania"].tolist()[0] == "Przebudowa ulicy Źródlanej"
    assert frame["Łączne nakłady"].tolist() == [1234567.89, 950000.0, 12.5]
    assert frame["Limit 2025"].tolist()[0] == 200000.0
    assert frame["Limit 2025"].isna().tolist()[1:] == [True, True]
    assert frame["Obręb"].tolist()[:2] == ["0003", "0012"]  # leading zeros kept
    assert frame["Działki"].tolist() == ["12; 0003.14", "7", "0002.77\n0002.78"]
    assert frame["Lp."].tolist() == [1, 2, 3]
    assert set(table.money_columns) == {"Łączne nakłady", "Limit 2025"}
    assert len(table.checksum) == 64


def test_utf8_comma_delimited_csv(tmp_path: Path) -> None:
    lines = ["Lp.,Nazwa,Nr działki", '1,Droga,"12, 13 i 14"', "2,Szkoła,5/1"]
    table = read_register(write_csv(tmp_path / "r.csv", lines, "utf-8"))
    assert table.delimiter == ","
    assert table.frame["Nr działki"].tolist() == ["12, 13 i 14", "5/1"]


def test_xlsx_with_title_row_and_text_amounts(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "WPF"
    ws.append(["Wykaz przedsięwzięć 2025-2028"])
    ws.append([])
    ws.append(["Lp.", "Nazwa zadania", "Łączne nakłady", "Działki", "Obręb"])
    ws.append([1, "Droga", 1500000.5, 123, 3])
    ws.append([2, "Park", "1 234,50 zł", "12/4", "0002"])
    wb.create_sheet("Uwagi")
    path = tmp_path / "rejestr.xlsx"
    wb.save(path)
    table = read_register(path)
    assert table.header_row == 3
    assert table.sheet == "WPF"
    assert any("Uwagi" in w for w in table.warnings)
    assert table.frame["Łączne nakłady"].tolist() == [1500000.5, 1234.5]
    assert table.frame["Działki"].tolist() == ["123", "12/4"]  # parcel numbers stay text
    assert table.frame["Obręb"].tolist() == ["3", "0002"]
    assert table.row_number(1) == 5


def test_missing_sheet_names_the_sheets(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Rejestr"
    wb.active.append(["Lp.", "Działki"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    with pytest.raises(MgisIOError, match=r"no sheet 'X'.*Rejestr"):
        read_register(path, sheet="X")


def test_bad_amount_names_file_row_and_column(tmp_path: Path) -> None:
    lines = ["Lp.;Łączne nakłady;Działki", "1;100,00;1", "2;200,00;2", "3;12 abc;3"]
    with pytest.raises(MgisIOError, match=r"r\.csv: row 4, column 'Łączne nakłady'"):
        read_register(write_csv(tmp_path / "r.csv", lines, "utf-8"))


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(MgisIOError, match="not found"):
        read_register(tmp_path / "brak.xlsx")
    odt = tmp_path / "r.ods"
    odt.write_bytes(b"x")
    with pytest.raises(MgisIOError, match=r"\.xlsx or \.csv"):
        read_register(odt)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234 567,89", 1234567.89),
        ("1\u00a0234\u00a0567,89 zł", 1234567.89),
        ("1.234.567,89", 1234567.89),
        ("1,234,567.89", 1234567.89),
        ("12,5", 12.5),
        ("-1 000", -1000.0),
        ("950000", 950000.0),
        (1234.5, 1234.5),
        ("-", None),
        ("", None),
    ],
)
def test_parse_amount(text: object, value: float | None) -> None:
    assert parse_amount(text) == value


def test_money_headers() -> None:
    assert is_money_header("Limit wydatków 2026")
    assert is_money_header("2027")
    assert is_money_header("Wartość kosztorysowa [zł]")
    assert not is_money_header("Rok zakończenia")
    assert not is_money_header("Nazwa zadania")


def test_demo_csv_with_commas_in_parcel_cells_is_split_on_semicolons(tmp_path: Path) -> None:
    from mgis.demo.register import write_register_files
    from mgis.demo.town import generate_town

    town = generate_town(parcels=1500, seed=3)
    files = write_register_files(town, tmp_path)
    csv_file = next(p for p in files if p.suffix == ".csv")
    xlsx_file = next(p for p in files if p.suffix == ".xlsx")
    from_csv = read_register(csv_file)
    from_xlsx = read_register(xlsx_file)
    assert from_csv.delimiter == ";"
    assert list(from_csv.frame.columns) == list(from_xlsx.frame.columns)
    assert len(from_csv.frame) == len(from_xlsx.frame)
    assert from_csv.frame["Działki"].tolist() == from_xlsx.frame["Działki"].tolist()
