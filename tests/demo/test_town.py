"""Tests of the synthetic demo town: determinism, sizes, geometry and attribute sanity."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from mgis.demo.town import LAYER_ORDER, DemoTown, generate_town

ID_RE = re.compile(r"^\d{6}_\d\.\d{4}\.[1-9]\d*(/[1-9]\d*)?$")


@pytest.fixture(scope="module")
def town() -> DemoTown:
    return generate_town(parcels=2_000, seed=7)


def _assert_frames_equal(a: DemoTown, b: DemoTown) -> None:
    for key in a.layers:
        pd.testing.assert_frame_equal(
            a.layers[key].drop(columns="geometry"), b.layers[key].drop(columns="geometry")
        )
        assert a.layers[key].geometry.geom_equals_exact(b.layers[key].geometry, 0.0).all()
    pd.testing.assert_frame_equal(a.register, b.register)


def test_same_seed_gives_identical_town(town: DemoTown) -> None:
    _assert_frames_equal(town, generate_town(parcels=2_000, seed=7))


def test_different_seed_gives_different_town(town: DemoTown) -> None:
    other = generate_town(parcels=2_000, seed=8)
    a = town.layers["parcels"].geometry
    b = other.layers["parcels"].geometry
    assert len(a) != len(b) or not a.geom_equals_exact(b, 1e-3).all()


@pytest.mark.parametrize("size", [2_000, 10_000])
def test_parcel_count_within_three_percent(size: int) -> None:
    got = len(generate_town(parcels=size, seed=3).layers["parcels"])
    assert abs(got - size) <= 0.03 * size


def test_layers_ordered_and_in_puwg1992(town: DemoTown) -> None:
    assert tuple(town.layers) == LAYER_ORDER
    for frame in town.layers.values():
        assert isinstance(frame, gpd.GeoDataFrame)
        assert frame.crs.to_epsg() == 2180
        assert len(frame) > 0
    x, y = town.layers["boundary"].geometry.iloc[0].centroid.coords[0]
    assert 150_000 < x < 850_000  # inside Poland
    assert 150_000 < y < 800_000


def test_parcels_valid_and_non_overlapping(town: DemoTown) -> None:
    geoms = town.layers["parcels"].geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert (shapely.get_type_id(geoms) == 3).all()
    total = shapely.area(geoms).sum()
    union = shapely.area(shapely.union_all(geoms))
    assert abs(total - union) <= 0.005 * union


def test_parcel_ids_unique_and_well_formed(town: DemoTown) -> None:
    p = town.layers["parcels"]
    assert p["id_dzialki"].is_unique
    assert p["id_dzialki"].map(lambda s: bool(ID_RE.match(s))).all()
    assert (p["id_dzialki"].str[:8] == town.teryt[:6] + "_" + town.teryt[6]).all()
    assert not p.duplicated(["obreb", "numer"]).any()
    assert (p["id_dzialki"] == p["id_dzialki"].str[:9] + p["obreb"] + "." + p["numer"]).all()
    share_sub = p["numer"].str.contains("/").mean()
    assert 0.2 < share_sub < 0.4
    assert 6 <= p["obreb"].nunique() <= 20
    assert p["obreb"].str.fullmatch(r"\d{4}").all()


def test_parcel_attributes(town: DemoTown) -> None:
    p = town.layers["parcels"]
    assert np.allclose(p["pow_m2"], p.geometry.area, atol=0.06)
    rel = (p["pow_ewid"] - p["pow_m2"]).abs() / p["pow_m2"]
    assert (rel <= 0.05).mean() > 0.99
    assert set(p["wlasnosc"]) <= {
        "Gmina",
        "Skarb Państwa",
        "osoba fizyczna",
        "spółdzielnia",
        "inne",
    }
    assert {"B", "R", "dr", "Ls"} <= set(p["uzytek"])
    assert p["wlasnosc"].str.contains("ń").any()
    for col in ("id_dzialki", "obreb", "numer", "wlasnosc", "uzytek"):
        assert pd.api.types.is_string_dtype(p[col])


def test_parcel_sizes_grow_outwards(town: DemoTown) -> None:
    p = town.layers["parcels"]
    centre = town.layers["boundary"].geometry.iloc[0].centroid
    dist = p.geometry.centroid.distance(centre)
    built = p[p["uzytek"] != "dr"]
    inner = built.loc[dist < dist.quantile(0.15), "pow_m2"].median()
    outer = built.loc[dist > dist.quantile(0.85), "pow_m2"].median()
    assert inner < 1_000
    assert outer > 1_500


def test_street_network_connected(town: DemoTown) -> None:
    lines = town.layers["streets"].geometry.to_numpy()
    assert (shapely.get_type_id(lines) == 1).all()
    start = shapely.get_coordinates(shapely.get_point(lines, 0))
    end = shapely.get_coordinates(shapely.get_point(lines, -1))
    ends = np.round(np.concatenate([start, end]) * 1000).astype(np.int64)
    _, node = np.unique(ends, axis=0, return_inverse=True)
    node = node.ravel()
    n = lines.size
    graph = coo_matrix((np.ones(n), (node[:n], node[n:])), shape=(node.max() + 1,) * 2)
    count, _ = connected_components(graph, directed=False)
    assert count == 1
    streets = town.layers["streets"]
    assert set(streets["klasa"]) == {"G", "Z", "L", "D"}
    assert streets["nazwa"].str.contains("ul. ").any()
    assert streets["nazwa"].str.startswith("Aleja").any()


def test_buildings_inside_parcels(town: DemoTown) -> None:
    b = town.layers["buildings"]
    p = town.layers["parcels"].set_index("id_dzialki")
    owners = p.geometry.loc[b["id_dzialki"]].to_numpy()
    assert shapely.within(b.geometry.to_numpy(), owners).all()
    assert (b.geometry.area < p.geometry.loc[b["id_dzialki"]].area.to_numpy()).all()
    built = p["uzytek"].isin(["B", "Bi", "Ba"]).sum()
    assert 0.4 < len(b) / built < 0.9
    assert {"mieszkalny jednorodzinny", "mieszkalny wielorodzinny", "usługowy"} <= set(b["funkcja"])
    assert b["kondygnacje"].dtype.kind == "i"
    assert b["kondygnacje"].between(1, 20).all()


def test_addresses(town: DemoTown) -> None:
    a = town.layers["addresses"]
    assert a["numer"].str.fullmatch(r"\d+[A-C]?").all()
    assert a["kod_pocztowy"].str.fullmatch(r"\d{2}-\d{3}").all()
    assert set(a["ulica"]) <= set(town.layers["streets"]["nazwa"])
    assert 2_000 < a["mieszkancy"].sum() == town.population < 40_000


def test_facilities_inside_town(town: DemoTown) -> None:
    boundary = town.layers["boundary"].geometry.iloc[0]
    for key in ("schools", "kindergartens", "bus_stops"):
        assert town.layers[key].within(boundary).all(), key
    schools = town.layers["schools"]
    assert schools["nazwa"].str.startswith("Szkoła Podstawowa nr").all()
    assert schools["adres"].str.len().gt(0).all()
    streets = town.layers["streets"].geometry.union_all()
    assert (town.layers["bus_stops"].distance(streets) < 15).all()


def test_green_areas_plan_zones_districts(town: DemoTown) -> None:
    green = town.layers["green_areas"]
    assert green.geometry.area.max() >= 200_000
    assert {"park", "las"} <= set(green["rodzaj"])
    plans = town.layers["plan_zones"]
    assert set(plans["przeznaczenie"]) <= {"MN", "MW", "U", "P", "ZP", "KD", "R"}
    assert (plans["symbol"].str.extract(r"\d*([A-Z]+)")[0].str[:2] == plans["przeznaczenie"]).all()
    assert 5 <= len(town.layers["districts"]) <= 12
    assert town.layers["districts"].geometry.area.sum() == pytest.approx(
        town.layers["boundary"].geometry.area.iloc[0], rel=1e-6
    )


def test_register(town: DemoTown) -> None:
    reg = town.register
    expected = ["Lp.", "Nazwa zadania", "Jednostka realizująca", "Status", "Rok rozpoczęcia",
                "Rok zakończenia", "Łączne nakłady", "Limit 2025", "Limit 2026", "Limit 2027",
                "Limit 2028", "Źródło finansowania", "Działki", "Obręb"]  # fmt: skip
    assert list(reg.columns) == expected
    assert 30 <= len(reg) <= 200
    assert (reg["Działki"] == "").sum() >= 1
    assert set(reg["Status"]) <= {"planowane", "w realizacji", "zakończone"}
    assert (reg["Łączne nakłady"] > 0).all()
    truth = town.register_truth
    assert (~truth["known"]).sum() >= 1
    known = truth[truth["known"]]
    assert known["id_dzialki"].isin(town.layers["parcels"]["id_dzialki"]).all()
    assert known.duplicated("id_dzialki").any()  # some parcels in two investments
    assert reg["Działki"].str.contains("\n").any()
