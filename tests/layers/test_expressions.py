import numpy as np
import pandas as pd
import pytest

from mgis.layers.expressions import ExpressionError, filter_rows


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "wlasnosc": ["Gmina", "Skarb Państwa", None, "Gmina", "osoba fizyczna"],
            "pow_m2": [500.0, 2000.0, 3000.0, np.nan, 1500.0],
            "pow ewid": [1, 2, 3, 4, 5],
            "kod": ["0001", "0002", "0003", None, "0005"],
            "ulica": ["Łąkowa", "Źródlana", "ŻYTNIA", "Polna", "łąkowa"],
            "publiczna": [True, False, True, False, True],
        }
    )


def rows(frame: pd.DataFrame, expression: str) -> list[int]:
    mask = filter_rows(frame, expression)
    assert mask.dtype == bool
    assert mask.shape == (len(frame),)
    return np.flatnonzero(mask).tolist()


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('wlasnosc == "Gmina"', [0, 3]),
        ("wlasnosc = 'Gmina'", [0, 3]),
        ("wlasnosc != 'Gmina'", [1, 4]),
        ("wlasnosc <> 'Gmina'", [1, 4]),
        ("pow_m2 < 1500", [0]),
        ("pow_m2 <= 1500", [0, 4]),
        ("pow_m2 > 1500", [1, 2]),
        ("pow_m2 >= 1500", [1, 2, 4]),
        ("1000 < pow_m2 <= 2000", [1, 4]),
        ('wlasnosc == "Gmina" and pow_m2 > 400', [0]),
        ("wlasnosc = 'Gmina' AND pow_m2 > 400", [0]),
        ("wlasnosc = 'Gmina' OR pow_m2 > 2500", [0, 2, 3]),
        ("NOT wlasnosc = 'Gmina'", [1, 4]),
        # row 3: (unknown and False) is False, so "not" keeps it (SQL three-valued logic)
        ("not (pow_m2 > 1000 and publiczna)", [0, 1, 3]),
        ("`pow ewid` >= 4", [3, 4]),
        ("`pow ewid` * 1000 > pow_m2", [0, 4]),
        ("pow_m2 / 1000 + 1 - 0.5 > 2", [1, 2]),
        ("-pow_m2 < -2500", [2]),
        ("kod in ['0001', '0005']", [0, 4]),
        ("kod not in ['0001', '0005']", [1, 2]),
        ("kod IN ('0002')", [1]),
        ("wlasnosc == 'Skarb Państwa'", [1]),
        ("ulica == 'Łąkowa'", [0]),
        ("lower(ulica) == 'łąkowa'", [0, 4]),
        ("contains(ulica, 'ŁĄK')", [0, 4]),
        ("contains(wlasnosc, 'państ')", [1]),
        ("startswith(ulica, 'żyt')", [2]),
        ("is_null(pow_m2)", [3]),
        ("is_null(wlasnosc) or is_null(kod)", [2, 3]),
        ("wlasnosc IS NULL", [2]),
        ("wlasnosc is not None", [0, 1, 3, 4]),
        ("publiczna", [0, 2, 4]),
        ("publiczna == False", [1, 3]),
        ("TRUE", [0, 1, 2, 3, 4]),
    ],
)
def test_operators(frame: pd.DataFrame, expression: str, expected: list[int]) -> None:
    assert rows(frame, expression) == expected


def test_missing_values_never_match(frame: pd.DataFrame) -> None:
    # row 2 has no owner, row 3 no area: unknown comparisons leave the row out
    assert 2 not in rows(frame, "wlasnosc != 'Gmina'")
    assert 3 not in rows(frame, "pow_m2 != 500")
    assert 3 not in rows(frame, "not pow_m2 > 1000")


def test_polish_column_name_and_object_column() -> None:
    frame = pd.DataFrame(
        {"właściciel": ["Gmina", "Skarb Państwa"], "x": pd.Series(["a", None], dtype=object)}
    )
    assert rows(frame, "właściciel = 'Skarb Państwa'") == [1]
    assert rows(frame, "x == 'a'") == [0]


def error(frame: pd.DataFrame, expression: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        filter_rows(frame, expression)
    return info.value


def test_unknown_column_names_it_and_lists_columns(frame: pd.DataFrame) -> None:
    exc = error(frame, "pow_m2 > 1 and powierzchnia > 5")
    message = str(exc)
    assert "unknown column 'powierzchnia'" in message
    assert "character 16" in message
    assert "columns are: wlasnosc, pow_m2, pow ewid, kod, ulica, publiczna" in message
    assert exc.position == 15


def test_unknown_column_suggests_close_name(frame: pd.DataFrame) -> None:
    assert "did you mean 'pow_m2'?" in str(error(frame, "pow_m > 1"))


def test_unknown_backtick_column(frame: pd.DataFrame) -> None:
    assert "unknown column 'pow ewidencyjna'" in str(error(frame, "`pow ewidencyjna` > 1"))


def test_text_column_compared_with_number(frame: pd.DataFrame) -> None:
    message = str(error(frame, "wlasnosc == 5"))
    assert "cannot compare text column 'wlasnosc' with number 5" in message
    assert "'5'" in message  # the hint to quote the value
    assert "cannot compare text column 'kod' with number 1" in str(error(frame, "kod in [1]"))


def test_number_column_compared_with_text(frame: pd.DataFrame) -> None:
    message = str(error(frame, "pow_m2 > '1000'"))
    assert "cannot compare number column 'pow_m2' with text '1000'" in message
    assert "remove the quotes" in message


def test_syntax_error_names_character(frame: pd.DataFrame) -> None:
    exc = error(frame, 'wlasnosc == "Gmina" and (pow_m2 >')
    assert str(exc).startswith("syntax error at character 25")
    assert exc.position == 24


def test_quoted_column_name_is_explained(frame: pd.DataFrame) -> None:
    message = str(error(frame, "\"wlasnosc\" = 'Gmina'"))
    assert "text in quotes, not the column" in message


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("__import__('os').system('true')", "is not allowed"),
        ("open('x')", "unknown function 'open'"),
        ("wlasnosc.upper() == 'X'", "is not allowed"),
        ("kod[0] == '0'", "is not allowed"),
        ("pow_m2", "is a value, not a condition"),
        ("wlasnosc + 1 > 2", "arithmetic needs numbers"),
        ("1 / 0 > 1", "division by zero"),
        ("`pow ewid > 3", "not closed"),
        ("", "empty"),
        ("kod in kod", "needs a list"),
        ("pow_m2 > None", "is None"),
        ("lower(pow_m2) == 'a'", "lower() takes one text column"),
    ],
)
def test_refused_constructs(frame: pd.DataFrame, expression: str, fragment: str) -> None:
    assert fragment in str(error(frame, expression))


def test_geometry_column_is_refused() -> None:
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)])
    assert "holds geometries" in str(error(frame, "geometry == 'x'"))
    assert "geometry" not in str(error(frame, "b > 1")).split("columns are:")[1]


def test_expression_error_is_value_error() -> None:
    assert issubclass(ExpressionError, ValueError)
