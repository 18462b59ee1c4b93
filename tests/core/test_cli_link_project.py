"""``mgis link --project``: the project's register link, its corrections, its source re-read."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from mgis.cli import main
from mgis.io.register import read_register
from mgis.layers.link_store import RegisterLink
from mgis.layers.links import link_register
from mgis.layers.register import Register
from mgis.project import Project

UNIT = "301001_1"
TYPO = "0001.51"  # 0001.15 with its digits swapped
RIGHT = f"{UNIT}.0001.15"
HEADER = ["Lp.", "Nazwa zadania", "Łączne nakłady", "Działki", "Obręb"]
ROWS = [
    [1, "Przebudowa ul. Polnej", 1_200_000.0, "12; 13", "0001"],
    [2, "Budowa przedszkola", 950_000.5, f"0001.14; {TYPO}", None],
    [3, "Park kieszonkowy", 300_000.0, "10", "0001"],
]
KINDS = ("investment_areas", "links", "problems")


def parcels() -> gpd.GeoDataFrame:
    """Six 20 m squares (400 m²) with EGiB ids 301001_1.0001.10 … .15."""
    numbers = [str(k) for k in range(10, 16)]
    return gpd.GeoDataFrame(
        {
            "id_dzialki": [f"{UNIT}.0001.{n}" for n in numbers],
            "obreb": ["1"] * 6,
            "numer": numbers,
            "wlasnosc": ["Gmina"] * 6,
        },
        geometry=[shapely.box(20 * k, 0, 20 * k + 20, 20) for k in range(6)],
        crs="EPSG:2180",
    )


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "WPI"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def with_cell(rows: list[list[object]], k: int, cell: str) -> list[list[object]]:
    """The rows with the parcels cell of row ``k`` replaced."""
    return [[*r[:3], cell, r[4]] if i == k else list(r) for i, r in enumerate(rows)]


def make_project(
    folder: Path, id_field: str = "id_dzialki", *, correct: bool = True
) -> tuple[Path, Path]:
    """Link the register as the app does, add the typo's correction, save; return both paths."""
    register_path = write_xlsx(folder / "rejestr.xlsx", ROWS)
    table = read_register(register_path)
    register = Register.from_table(table)
    frame = parcels()
    result = link_register(frame, "id_dzialki", register)
    unmatched = result.problems[result.problems["kind"] == "unmatched"]
    assert unmatched[["investment_id", "value"]].values.tolist() == [["2", TYPO]]
    link = RegisterLink.create(
        table, register, parcels_layer="działki", id_field=id_field, context=result.context
    )
    if correct:  # what "Use suggestion" stores: (investment, as written, parcel id)
        link = replace(link, corrections=(("2", TYPO, RIGHT),))
    project = Project(crs="EPSG:2180", links=[link])
    project.layers.append(project.make_layer("działki", frame))
    return project.save(folder / "projekt.gpkg"), register_path


def project_args(project: Path, out: Path, *extra: str) -> list[str]:
    return ["link", "--project", str(project), "--out", str(out), *extra]


def one_line(err: str) -> str:
    text = err.strip()
    assert len(text.splitlines()) == 1, text
    assert "Traceback" not in text
    return text


def layers(path: Path) -> dict[str, pd.DataFrame]:
    return {kind: pyogrio.read_dataframe(path, layer=kind) for kind in KINDS}


def assert_same_outputs(a: Path, b: Path) -> None:
    for kind, left in layers(a).items():
        right = pyogrio.read_dataframe(b, layer=kind)
        pd.testing.assert_frame_equal(
            pd.DataFrame(left.drop(columns="geometry", errors="ignore")),
            pd.DataFrame(right.drop(columns="geometry", errors="ignore")),
        )
        if "geometry" in left:
            assert left.geometry.to_wkt().tolist() == right.geometry.to_wkt().tolist()


def areas(path: Path) -> dict[str, float]:
    frame = pyogrio.read_dataframe(path, layer="investment_areas")
    return dict(zip(frame["investment_id"], frame["area_m2"], strict=True))


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    return make_project(tmp_path)


def test_corrections_are_applied_as_in_the_app(
    project: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = project
    out = tmp_path / "wynik.gpkg"
    assert main(project_args(path, out)) == 0
    text = capsys.readouterr().out
    assert "project projekt.gpkg: register linked to layer 'działki' (field id_dzialki)" in text
    assert "corrections applied: 1 of 1" in text
    assert "unmatched: 0; ambiguous: 0; invalid: 0" in text
    assert "warning" not in text
    assert f"wrote {out}" in text
    assert areas(out) == {"1": 800.0, "2": 800.0, "3": 400.0}  # 2: parcels 14 and 15
    links = pyogrio.read_dataframe(out, layer="links")
    assert links.loc[links["investment_id"] == "2", "parcel_id"].tolist() == [
        f"{UNIT}.0001.14",
        RIGHT,
    ]
    problems = pd.read_csv(tmp_path / "wynik_problems.csv", sep=";", encoding="utf-8-sig")
    assert TYPO not in problems["value"].astype(str).tolist()
    assert "unmatched" not in problems["kind"].tolist()
    # The same as linking the register with the typo fixed in the spreadsheet itself.
    fixed = write_xlsx(tmp_path / "poprawiony.xlsx", with_cell(ROWS, 1, f"0001.14; {RIGHT}"))
    direct = tmp_path / "wprost.gpkg"
    argv = ["link", "--parcels", f"{path}:działki", "--id-field", "id_dzialki"]
    assert main([*argv, "--register", str(fixed), "--out", str(direct)]) == 0
    assert_same_outputs(out, direct)


def test_without_the_corrections_the_typo_stays_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = make_project(tmp_path, correct=False)
    out = tmp_path / "wynik.gpkg"
    assert main(project_args(path, out)) == 0
    assert "corrections applied: 0 of 0" in capsys.readouterr().out
    assert areas(out)["2"] == 400.0
    problems = pyogrio.read_dataframe(out, layer="problems")
    assert problems.loc[problems["kind"] == "unmatched", "value"].tolist() == [TYPO]


def test_ids_built_from_columns_are_linked_as_in_the_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = make_project(tmp_path, id_field=f"build:{UNIT}|obreb|numer")
    out = tmp_path / "wynik.gpkg"
    assert main(project_args(path, out)) == 0
    assert "corrections applied: 1 of 1" in capsys.readouterr().out
    assert areas(out) == {"1": 800.0, "2": 800.0, "3": 400.0}


def test_a_project_without_a_register_link_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(crs="EPSG:2180")
    project.layers.append(project.make_layer("działki", parcels()))
    path = project.save(tmp_path / "pusty.gpkg")
    out = tmp_path / "wynik.gpkg"
    assert main(project_args(path, out)) == 2
    err = one_line(capsys.readouterr().err)
    assert "pusty.gpkg has no linked investment register" in err
    assert not out.exists()
    assert main(project_args(tmp_path / "brak.gpkg", out)) == 2
    assert "project not found" in one_line(capsys.readouterr().err)


def test_a_spreadsheet_edited_after_saving_is_used_with_a_warning(
    project: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, register = project
    write_xlsx(register, with_cell(ROWS, 2, "10; 11"))  # investment 3 gets parcel 11
    out = tmp_path / "wynik.gpkg"
    assert main(project_args(path, out)) == 0
    text = capsys.readouterr().out
    warnings = [line for line in text.splitlines() if "changed since the project" in line]
    assert warnings == [
        "warning: rejestr.xlsx changed since the project was saved (investments: 1 changed); "
        "its current content is linked"
    ]
    assert "corrections applied: 1 of 1" in text
    assert areas(out) == {"1": 800.0, "2": 800.0, "3": 800.0}


def test_a_correction_the_spreadsheet_no_longer_needs_is_reported(
    project: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, register = project
    write_xlsx(register, with_cell(ROWS, 1, "0001.14; 0001.15"))  # fixed in the file
    out = tmp_path / "wynik.gpkg"
    assert main(project_args(path, out)) == 0
    text = capsys.readouterr().out
    assert (
        "corrections applied: 0 of 1; not applied (the text is no longer in the register): "
        f"investment 2: '{TYPO}' -> {RIGHT}"
    ) in text
    assert areas(out)["2"] == 800.0


def test_a_deleted_spreadsheet_gives_the_saved_copy(
    project: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, register = project
    before = tmp_path / "przed.gpkg"
    assert main(project_args(path, before)) == 0
    capsys.readouterr()
    register.unlink()
    out = tmp_path / "wynik.gpkg"
    assert main(project_args(path, out)) == 0
    text = capsys.readouterr().out
    assert (
        f"warning: the register file {register} is gone; "
        "linking the copy saved in the project (3 rows)"
    ) in text
    assert "corrections applied: 1 of 1" in text
    assert_same_outputs(before, out)


def test_options_the_project_decides_are_refused(
    project: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, register = project
    out = tmp_path / "wynik.gpkg"
    for extra in (
        ["--parcels", f"{path}:działki"],
        ["--id-field", "id_dzialki"],
        ["--teryt", UNIT],
        ["--sheet", "WPI"],
    ):
        assert main(project_args(path, out, *extra)) == 2
        err = one_line(capsys.readouterr().err)
        assert f"{extra[0]} does not go with --project" in err
    assert main(project_args(path, out, "--publish", "urzad", "--register-name", "WPI")) == 2
    assert "--publish does not go with --project" in one_line(capsys.readouterr().err)
    with pytest.raises(SystemExit) as exc:  # argparse: one of --register, --from-db, --project
        main(project_args(path, out, "--register", str(register)))
    assert exc.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    # The command-line form still needs its parcel layer and field.
    assert main(["link", "--register", str(register), "--out", str(out)]) == 2
    assert "give --parcels and --id-field" in one_line(capsys.readouterr().err)
    assert not out.exists()


def test_a_shared_register_is_read_again_from_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mgis.io.pg_register import SharedRegister, Version
    from mgis.layers import shared_register

    def stored(rows: list[list[object]]) -> SharedRegister:
        table = Register.from_frame(pd.DataFrame(rows, columns=HEADER))
        when = datetime(2025, 3, 1, tzinfo=UTC)
        return SharedRegister(
            name="WPI",
            columns=tuple(str(c) for c in table.frame.columns),
            mapping=table.mapping.to_dict(),
            ids=table.ids,
            records=tuple(table.records()),
            versions={i: Version(1, "anna", when) for i in table.ids},
            links=pd.DataFrame(columns=["investment_id", "parcel_id"], dtype=object),
        )

    link = shared_register.link_from_shared(
        stored(ROWS), "urzad", parcels_layer="działki", id_field="id_dzialki"
    )
    project = Project(crs="EPSG:2180", links=[replace(link, corrections=(("2", TYPO, RIGHT),))])
    project.layers.append(project.make_layer("działki", parcels()))
    path = project.save(tmp_path / "projekt.gpkg")
    asked: list[tuple[object, str, str]] = []

    def load(target: object, name: str, *, schema: str = "public") -> SharedRegister:
        asked.append((target, name, schema))
        return stored(with_cell(ROWS, 2, "10; 11"))  # another desk added parcel 11 to 3

    monkeypatch.setattr("mgis.cli._db.load_saved_connections", list)  # no app settings
    monkeypatch.setattr(shared_register, "load_register", load)
    out = tmp_path / "wynik.gpkg"
    assert main(project_args(path, out)) == 0
    text = capsys.readouterr().out
    assert asked == [("urzad", "WPI", "public")]
    assert "register 'WPI' read from the database 'urzad' (schema public): 3 rows" in text
    assert "corrections applied: 1 of 1" in text
    assert areas(out) == {"1": 800.0, "2": 800.0, "3": 800.0}
