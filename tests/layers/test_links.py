"""Linking a register to parcels: links, areas, problems, refresh diff, project storage."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from mgis.layers.link_store import RegisterLink, refresh_diff
from mgis.layers.links import link_register
from mgis.layers.parcel_columns import build_parcel_ids, normalise_parcel_ids
from mgis.layers.parcel_ids import ParcelContext
from mgis.layers.register import Register, RegisterError

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
UNIT = "302101_1"


def squares(ids: list[str], owners: list[str] | None = None) -> gpd.GeoDataFrame:
    """A row of 10 m x 10 m parcels, side by side."""
    geoms = [shapely.box(10 * k, 0, 10 * k + 10, 10) for k in range(len(ids))]
    data = {"id_dzialki": ids, "wlasnosc": owners or ["Gmina"] * len(ids)}
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:2180")


@pytest.fixture
def parcels() -> gpd.GeoDataFrame:
    ids = [f"{UNIT}.0003.1", f"{UNIT}.0003.2", f"{UNIT}.0003.3/1", f"{UNIT}.0002.77"]
    return squares(ids, ["Gmina Żelazów", "osoba fizyczna", "Gmina Żelazów", "Skarb Państwa"])


def register(cells: list[str], obreby: list[str | None] | None = None) -> Register:
    n = len(cells)
    frame = pd.DataFrame(
        {
            "Lp.": list(range(1, n + 1)),
            "Nazwa zadania": [f"Zadanie {k}" for k in range(1, n + 1)],
            "Działki": cells,
            "Obręb": obreby or [None] * n,
        }
    )
    return Register.from_frame(frame)


def test_three_row_register(parcels: gpd.GeoDataFrame) -> None:
    reg = register(["1; 2", "0003.2, 0002.77 i 0003.3/7", ""], ["3", None, None])
    before = parcels.copy()
    result = link_register(parcels, "id_dzialki", reg)
    pd.testing.assert_frame_equal(parcels, before)  # the input is left alone
    assert result.links.values.tolist() == [
        ["1", f"{UNIT}.0003.1"],
        ["1", f"{UNIT}.0003.2"],
        ["2", f"{UNIT}.0003.2"],
        ["2", f"{UNIT}.0002.77"],
    ]
    areas = result.investment_areas.set_index("investment_id")
    assert areas.loc["1", "area_m2"] == 200.0  # two adjacent squares, one polygon
    assert areas.loc["1", "geometry"].geom_type == "Polygon"
    assert areas.loc["1", "area_ha"] == 0.02
    assert areas.loc["1", "parcel_count"] == 2
    assert areas.loc["1", "gmina_share"] == 0.5
    assert areas.loc["1", "ownership"] == "Gmina Żelazów 50%; osoba fizyczna 50%"
    assert areas.loc["2", "area_m2"] == 200.0
    assert areas.loc["3", "parcel_count"] == 0
    assert areas.loc["3", "geometry"] is None
    assert areas.loc["2", "Nazwa zadania"] == "Zadanie 2"  # register columns carried over
    problems = result.problems
    assert problems["kind"].tolist() == ["unmatched", "multi_investment", "no_parcels"]
    unmatched = problems.iloc[0]
    assert (unmatched["investment_id"], unmatched["value"]) == ("2", "0003.3/7")
    assert unmatched["parcel_id"] == f"{UNIT}.0003.3/7"
    assert unmatched["suggestion"].split("; ")[0] == f"{UNIT}.0003.3/1"
    assert problems.iloc[1][["investment_id", "value"]].tolist() == ["1, 2", f"{UNIT}.0003.2"]
    s = result.summary
    assert (s.investments, s.investments_linked, s.no_parcels) == (3, 2, 1)
    assert (s.identifiers, s.matched, s.unmatched, s.parcels, s.links) == (5, 4, 1, 3, 4)
    assert s.multi_investment == 1


def test_duplicate_ids_in_the_layer_are_reported_and_both_features_used() -> None:
    layer = squares([f"{UNIT}.0001.5", f"{UNIT}.0001.5", f"{UNIT}.0001.6", "bad id"])
    result = link_register(layer, "id_dzialki", register(["0001.5"]))
    kinds = result.problems.set_index("kind")
    assert kinds.loc["duplicate_id", "value"] == f"{UNIT}.0001.5"
    assert kinds.loc["duplicate_id", "investment_id"] == "1"
    assert kinds.loc["invalid", "value"] == "bad id"
    assert result.investment_areas["area_m2"].tolist() == [200.0]
    assert result.summary.duplicates == 1


def test_urban_rural_gmina_short_forms() -> None:
    town, rural = "302101_4", "302101_5"
    layer = squares([f"{town}.0001.7", f"{rural}.0001.7", f"{rural}.0001.8"])
    result = link_register(layer, "id_dzialki", register(["0001.7; 0001.8; 0001.abc"]))
    kinds = result.problems.set_index("kind")
    assert kinds.loc["ambiguous", "parcel_id"] == f"{town}.0001.7 or {rural}.0001.7"
    assert kinds.loc["invalid", "value"] == "0001.abc"
    assert result.links["parcel_id"].tolist() == [f"{rural}.0001.8"]  # only one unit has it
    assert (result.summary.ambiguous, result.summary.invalid) == (1, 1)


def test_explicit_context_and_bad_fields(parcels: gpd.GeoDataFrame) -> None:
    other = ParcelContext(("302102_2",), None)
    result = link_register(parcels, "id_dzialki", register(["0003.1"]), context=other)
    assert result.summary.unmatched == 1
    with pytest.raises(RegisterError, match=r"no field 'id'.*id_dzialki"):
        link_register(parcels, "id", register(["1"]))
    with pytest.raises(RegisterError, match="holds no parcel identifiers"):
        link_register(parcels, "wlasnosc", register(["1"]))


def test_demo_town_finds_exactly_the_planted_typos_and_unknown_parcels() -> None:
    from mgis.demo.town import generate_town

    town = generate_town(parcels=3000, seed=5)
    result = link_register(town.layers["parcels"], "id_dzialki", Register.from_frame(town.register))
    truth = town.register_truth
    context = ParcelContext.for_gmina(town.teryt)
    truth_ids = normalise_parcel_ids(truth["id_dzialki"].tolist(), context)
    expected_links = {
        (str(lp), pid)
        for lp, pid, known in zip(truth["Lp."], truth_ids, truth["known"], strict=True)
        if known
    }
    expected_missing = {
        (str(lp), pid)
        for lp, pid, known in zip(truth["Lp."], truth_ids, truth["known"], strict=True)
        if not known
    }
    assert expected_missing  # the demo plants typos
    unmatched = result.problems[result.problems["kind"] == "unmatched"]
    found_missing = set(zip(unmatched["investment_id"], unmatched["parcel_id"], strict=True))
    assert found_missing == expected_missing
    assert set(zip(result.links["investment_id"], result.links["parcel_id"], strict=True)) == (
        expected_links
    )
    assert result.summary.invalid == 0
    assert result.summary.ambiguous == 0
    assert (unmatched["suggestion"] != "").all()  # every typo gets a "did you mean"


def test_real_identifiers_from_shared_data() -> None:
    path = SHARED / "investment_records_rwdz_wsqborg" / "inwestycje_rwdz_punkty_redacted.geojson"
    if not path.is_file():
        pytest.skip("../shared/data is not present beside the repository")
    records = gpd.read_file(path)
    records = records[records["teryt"] == records["teryt"].mode()[0]].reset_index(drop=True)
    unit = str(records["teryt"].iloc[0])
    records["id_dzialki"] = build_parcel_ids(unit, records["obreb"], records["dzialka"])
    valid = records[records["id_dzialki"].notna()].reset_index(drop=True)
    # A register row per three records: numbers in the cell, the Excel-float obręb beside it.
    reg = Register.from_frame(
        pd.DataFrame(
            {
                "Lp.": range(1, len(valid) + 1),
                "Działki": valid["dzialka"].tolist(),
                "Obręb": valid["obreb"].tolist(),
            }
        )
    )
    result = link_register(valid, "id_dzialki", reg, context=ParcelContext((unit,)))
    assert result.summary.unmatched == 0
    assert result.summary.invalid == 0
    assert result.summary.matched == len(valid)
    assert result.summary.investments_linked == len(valid)
    assert result.investment_areas.crs == valid.crs  # points in degrees: area measured in metres


def link_record(tmp_path: Path, cells: list[str]) -> tuple[RegisterLink, Register]:
    from mgis.io.register import read_register

    lines = ["Lp.;Nazwa zadania;Łączne nakłady;Działki;Obręb"]
    lines += [f'{k};Zadanie {k};{k}000,00;"{c}";3' for k, c in enumerate(cells, start=1)]
    path = tmp_path / "rejestr.csv"
    path.write_text("\n".join(lines), encoding="cp1250")
    table = read_register(path)
    reg = Register.from_table(table)
    context = ParcelContext((UNIT,))
    return RegisterLink.create(table, reg, parcels_layer="działki", context=context), reg


def test_refresh_diff_shows_added_removed_and_changed(tmp_path: Path) -> None:
    link, _ = link_record(tmp_path, ["1; 2", "3/1", "5"])
    new = Register.from_frame(
        pd.DataFrame(
            {
                "Lp.": [1, 2, 4],
                "Nazwa zadania": ["Zadanie 1", "Zadanie 2 (etap II)", "Nowe"],
                "Łączne nakłady": [1000.0, 2000.0, 9.0],
                "Działki": ["0003.1, 0003.2, 0003.9", "3/1", "7"],
                "Obręb": ["3", "3", "3"],
            }
        )
    )
    diff = refresh_diff(link, new)
    assert diff.added == ("4",)
    assert diff.removed == ("3",)
    changed = {c.investment_id: c.fields for c in diff.changed}
    assert set(changed) == {"1", "2"}
    assert [(f.column, f.old, f.new) for f in changed["2"]] == [
        ("Nazwa zadania", "Zadanie 2", "Zadanie 2 (etap II)")
    ]
    assert diff.parcels_added == (("1", f"{UNIT}.0003.9"), ("4", f"{UNIT}.0003.7"))
    assert diff.parcels_removed == (("3", f"{UNIT}.0003.5"),)  # "1; 2" = "0003.1, 0003.2"
    assert not diff.empty
    assert "investment added: 4" in diff.lines()
    assert refresh_diff(link, link.register()).empty


def test_link_survives_project_save_and_open(tmp_path: Path) -> None:
    from mgis.project import Project

    link, reg = link_record(tmp_path, ["1; 2", "3/1"])
    assert link.source_changed() is False
    project = Project(links=[link])
    saved = project.save(tmp_path / "projekt.gpkg")
    opened = Project.open(saved)
    assert opened.links == [link]
    assert opened.links[0].register().records() == reg.records()
    (tmp_path / "rejestr.csv").write_text("Lp.;Działki\n1;1\n", encoding="utf-8")
    assert opened.links[0].source_changed() is True
