from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from shapely import LineString, Point, box

from mgis.analysis._checks import AnalysisError
from mgis.analysis.network import network_distance, service_areas, summarize_network
from mgis.analysis.network_graph import SourceGraph, attach, build_network, target_distances

CRS = "EPSG:2180"


def frame(geoms: list[object], **cols: object) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(dict(cols), geometry=geoms, crs=CRS)


@pytest.fixture
def cross() -> gpd.GeoDataFrame:
    """A cross of 4 streets of 1000 m meeting at (0, 0)."""
    ends = [(1000, 0), (-1000, 0), (0, 1000), (0, -1000)]
    return frame([LineString([(0, 0), e]) for e in ends])


def test_build_cross(cross: gpd.GeoDataFrame) -> None:
    net = build_network(cross)
    assert (net.n_nodes, net.n_edges, net.n_components) == (5, 4, 1)
    assert summarize_network(net).length_km == 4.0


def test_lines_split_at_shared_vertices_and_snapped() -> None:
    # one long line crossing a second line at its interior vertex (0, 0); a third
    # line starts 0.3 m off the end of the first: snapped within 0.5 m
    lines = frame(
        [
            LineString([(-100, 0), (0, 0), (100, 0)]),
            LineString([(0, -50), (0, 0), (0, 50)]),
            LineString([(100.3, 0), (200, 0)]),
        ]
    )
    net = build_network(lines, tolerance=0.5)
    assert net.n_edges == 5
    assert net.n_components == 1
    assert net.snapped == 1
    unsnapped = build_network(lines, tolerance=0)
    assert unsnapped.n_components == 2
    assert summarize_network(unsnapped).island_edges == 1


def test_bad_tolerance_and_no_lines() -> None:
    with pytest.raises(AnalysisError):
        build_network(frame([Point(0, 0)]))
    with pytest.raises(AnalysisError):
        build_network(frame([LineString([(0, 0), (1, 0)])]), tolerance=-1)


def test_cross_distances_and_facility_ids(cross: gpd.GeoDataFrame) -> None:
    schools = frame([Point(900, 10), Point(0, -1010)], nazwa=["SP1", "SP2"])
    parcels = frame(
        [
            box(-520, 5, -500, 30),  # west arm: 500 + 5 to the centre, then 900 + 10
            box(10, 600, 40, 640),  # north arm: leg 10, 600 to the centre; 900+10 east
            box(940, -40, 960, -20),  # east arm, same edge as SP1: 40 along + legs 20, 10
        ]
    )
    res = network_distance(cross, schools, parcels, facility_field="nazwa")
    assert res.frame.distance_m.tolist() == pytest.approx([1415.0, 1520.0, 70.0])
    assert res.frame.facility_id.tolist() == [0, 0, 0]
    assert res.frame.facility.tolist() == ["SP1", "SP1", "SP1"]
    assert res.summary.reached == 3
    assert "distance_m" not in parcels.columns  # input not mutated


def test_boundary_versus_centroid(cross: gpd.GeoDataFrame) -> None:
    schools = frame([Point(0, 0)])
    parcel = frame([box(100, 10, 140, 50)])
    boundary = network_distance(cross, schools, parcel).frame.distance_m[0]
    centroid = network_distance(cross, schools, parcel, measure_from="centroid")
    assert boundary == pytest.approx(110.0)
    assert centroid.frame.distance_m[0] == pytest.approx(120.0 + 30.0)


def test_parallel_frontage_takes_the_nearer_end() -> None:
    street = frame([LineString([(0, 0), (1000, 0)])])
    res = network_distance(street, frame([Point(0, 10)]), frame([box(500, 5, 520, 30)]))
    assert res.frame.distance_m[0] == pytest.approx(515.0)


def test_unreachable_targets_on_an_island() -> None:
    streets = frame([LineString([(0, 0), (100, 0)]), LineString([(500, 0), (600, 0)])])
    res = network_distance(streets, frame([Point(0, 5)]), frame([Point(550, 5), Point(50, 5)]))
    assert np.isnan(res.frame.distance_m[0])
    assert res.frame.facility_id.isna().tolist() == [True, False]
    assert res.summary.unreachable == 1
    assert res.summary.network.components == 2


def test_far_facilities_and_islands_reported(cross: gpd.GeoDataFrame) -> None:
    res = network_distance(cross, frame([Point(500, 500), Point(0, 1)]), frame([Point(1, 1)]))
    assert res.summary.facilities_far == 1
    assert res.summary.facilities_on_islands == 0


def test_crs_mismatch_is_an_error(cross: gpd.GeoDataFrame) -> None:
    other = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:2177")
    with pytest.raises(AnalysisError, match="differs"):
        network_distance(cross, other, frame([Point(1, 1)]))
    with pytest.raises(AnalysisError, match="no column"):
        network_distance(cross, frame([Point(0, 0)]), frame([Point(1, 1)]), facility_field="x")


def _random_grid(rng: np.random.Generator, n: int = 6) -> gpd.GeoDataFrame:
    """A jittered grid with some streets removed (lines split at crossings)."""
    xy = np.stack(np.meshgrid(np.arange(n), np.arange(n)), -1).reshape(-1, 2) * 100.0
    xy += rng.uniform(-20, 20, xy.shape)
    lines = []
    for i in range(n):
        for j in range(n):
            k = i * n + j
            if j + 1 < n and rng.random() > 0.15:
                lines.append(LineString([xy[k], xy[k + 1]]))
            if i + 1 < n and rng.random() > 0.15:
                lines.append(LineString([xy[k], xy[k + n]]))
    return frame(lines)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_distances_match_networkx(seed: int) -> None:
    rng = np.random.default_rng(seed)
    streets = _random_grid(rng)
    net = build_network(streets)
    fac = rng.uniform(-20, 520, (4, 2))
    tgt = rng.uniform(-20, 520, (40, 2))
    sources = attach(net, shapely.points(fac))
    targets = attach(net, shapely.points(tgt))
    graph = SourceGraph(net, sources)
    nd, origin = graph.node_distances()
    dist, item = target_distances(graph, nd, origin, targets)

    g = nx.Graph()
    for k in range(net.n_edges):
        u, v, w = int(net.u[k]), int(net.v[k]), float(net.length[k])
        if not g.has_edge(u, v) or g[u][v]["weight"] > w:
            g.add_edge(u, v, weight=w)

    def split(att: object, r: int, name: str) -> None:
        e = int(att.edge[r])  # type: ignore[attr-defined]
        off, leg = float(att.offset[r]), float(att.leg[r])  # type: ignore[attr-defined]
        g.add_edge(name, f"{name}p", weight=leg)
        g.add_edge(f"{name}p", int(net.u[e]), weight=off)
        g.add_edge(f"{name}p", int(net.v[e]), weight=float(net.length[e]) - off)

    for r in range(sources.item.size):
        split(sources, r, f"f{r}")
    for r in range(targets.item.size):
        split(targets, r, f"t{r}")
    # same-edge pairs: direct along the edge
    for s in range(sources.item.size):
        for t in range(targets.item.size):
            if sources.edge[s] == targets.edge[t]:
                w = abs(float(sources.offset[s] - targets.offset[t]))
                g.add_edge(f"f{s}p", f"t{t}p", weight=max(w, 1e-9))
    for t in range(targets.item.size):
        lengths = nx.single_source_dijkstra_path_length(g, f"t{t}", weight="weight")
        best = [lengths.get(f"f{s}", np.inf) for s in range(sources.item.size)]
        expected = min(best)
        if np.isfinite(expected):
            assert dist[t] == pytest.approx(expected, abs=1e-6)
            assert best[item[t]] == pytest.approx(expected, abs=1e-6)
        else:
            assert not np.isfinite(dist[t])


def test_service_areas_grow_and_cut_partial_edges(cross: gpd.GeoDataFrame) -> None:
    res = service_areas(cross, frame([Point(0, 0)]), [1500, 300], width=10)
    assert res.frame.distance_m.tolist() == [300.0, 1500.0]
    assert res.frame.street_km.tolist() == pytest.approx([1.2, 4.0])
    small = res.frame.geometry[0]
    assert small.contains(Point(290, 0))
    assert not small.contains(Point(320, 0))
    assert res.summary.width_m == 10
    with pytest.raises(AnalysisError):
        service_areas(cross, frame([Point(0, 0)]), [0])


def test_service_area_from_a_facility_mid_edge() -> None:
    street = frame([LineString([(0, 0), (1000, 0)])])
    res = service_areas(street, frame([Point(500, 0)]), [100], width=5)
    assert res.frame.street_km[0] == pytest.approx(0.2)
