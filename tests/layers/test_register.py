"""Register model: Polish headers recognised, investment ids, summary rows, mapping JSON."""

from __future__ import annotations

import pandas as pd
import pytest

from mgis.demo.register import COLUMNS
from mgis.layers.register import ColumnMapping, Register, RegisterError, detect_columns


def test_demo_register_headers_are_all_recognised() -> None:
    m = detect_columns(COLUMNS)
    assert m.id == "Lp."
    assert m.name == "Nazwa zadania"
    assert m.department == "Jednostka realizująca"
    assert m.status == "Status"
    assert (m.start_year, m.end_year) == ("Rok rozpoczęcia", "Rok zakończenia")
    assert m.total_cost == "Łączne nakłady"
    assert m.limits == tuple((y, f"Limit {y}") for y in (2025, 2026, 2027, 2028))
    assert m.funding == "Źródło finansowania"
    assert (m.parcels, m.obreb) == ("Działki", "Obręb")


def test_other_usual_headers_any_case_and_diacritics() -> None:
    m = detect_columns(
        [
            "L.p.",
            "NAZWA INWESTYCJI",
            "Jednostka odpowiedzialna",
            "Okres realizacji",
            "Wartosc kosztorysowa [zł]",
            "Limity wydatków 2026",
            "2027",
            "Źródła finansowania",
            "Nr działki",
            "Obręb ewidencyjny",
            "Uwagi",
        ]
    )
    assert m.id == "L.p."
    assert m.name == "NAZWA INWESTYCJI"
    assert m.department == "Jednostka odpowiedzialna"
    assert m.period == "Okres realizacji"
    assert m.total_cost == "Wartosc kosztorysowa [zł]"
    assert m.limits == ((2026, "Limity wydatków 2026"), (2027, "2027"))
    assert m.funding == "Źródła finansowania"
    assert m.parcels == "Nr działki"
    assert m.obreb == "Obręb ewidencyjny"
    assert "Uwagi" not in m.roles().values()


def frame(**extra: list[object]) -> pd.DataFrame:
    data: dict[str, list[object]] = {
        "Lp.": [1, 2, 3],
        "Nazwa zadania": ["Droga", "Szkoła", "Park"],
        "Okres realizacji": ["2024\u20132026", "2025", "2026-2027"],
        "Lokalizacja": ["12; 13", "0002.7", ""],
    }
    data.update(extra)
    return pd.DataFrame(data)


def test_user_maps_the_parcels_column_when_not_recognised() -> None:
    with pytest.raises(RegisterError, match=r"no column of parcels.*--parcels-column"):
        Register.from_frame(frame())
    register = Register.from_frame(frame(), parcels="Lokalizacja")
    assert register.ids == ("1", "2", "3")
    assert register.cells()[0] == ("1", "12; 13", None)
    assert register.years() == [(2024, 2026), (2025, 2025), (2026, 2027)]


def test_abbreviated_parcel_header_is_recognised() -> None:
    assert detect_columns(["Lp.", "Dz. ewid.", "Obr."]).parcels == "Dz. ewid."
    assert detect_columns(["Lp.", "Dz. ewid.", "Obr."]).obreb == "Obr."


def test_mapping_a_missing_column_names_the_columns() -> None:
    with pytest.raises(RegisterError, match=r"no column 'Działki'.*Lp\."):
        Register.from_frame(frame(), parcels="Działki")


def test_repeated_lp_falls_back_to_row_numbers() -> None:
    register = Register.from_frame(frame(**{"Lp.": [1, 1, 2]}), parcels="Lokalizacja")
    assert register.ids == ("1", "2", "3")
    assert any("numbered by data row" in w for w in register.warnings)


def test_summary_row_is_left_out() -> None:
    data = frame()
    total = pd.DataFrame({"Lp.": [None], "Nazwa zadania": ["Razem"], "Lokalizacja": [None]})
    register = Register.from_frame(pd.concat([data, total]), parcels="Lokalizacja")
    assert len(register) == 3
    assert any("summary" in w for w in register.warnings)


def test_text_amounts_in_a_user_mapped_column_are_parsed() -> None:
    data = frame(Koszt=["1 000,50", "2 000", None])
    register = Register.from_frame(data, parcels="Lokalizacja")
    assert register.mapping.total_cost == "Koszt"
    assert register.frame["Koszt"].tolist()[:2] == [1000.5, 2000.0]


def test_mapping_and_records_round_trip() -> None:
    register = Register.from_frame(frame(Koszt=[1.5, None, 3.0]), parcels="Lokalizacja")
    saved = register.mapping.to_dict()
    assert ColumnMapping.from_dict(saved) == register.mapping
    again = Register.from_records(
        register.records(), list(register.frame.columns), register.mapping
    )
    assert again.ids == register.ids
    assert again.records() == register.records()
    assert register.records()[1]["Koszt"] is None


def test_unknown_role_is_refused() -> None:
    with pytest.raises(RegisterError, match="unknown column role"):
        ColumnMapping().with_roles(parcel="x")
