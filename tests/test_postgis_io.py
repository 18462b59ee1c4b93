"""PostGIS layers against a real throwaway server: browse, read, write, select, connect."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pytest
import shapely

from mgis.analysis.selection import locate
from mgis.io import MgisIOError
from mgis.io import pg_connect as pgc
from mgis.io.pg_write import write_table
from mgis.io.postgis import (
    PgSource,
    list_schemas,
    list_tables,
    read_query,
    read_source,
    read_table,
    select_by_location,
)
from mgis.layers import VectorLayer
from mgis.project import Project

from .postgis_server import (
    NO_POSTGIS_DATABASE,
    PASSWORD,
    MemoryKeyring,
    PgServer,
    memory_keyring,
    pg_server,
)

__all__ = ["memory_keyring", "pg_server"]  # fixtures used below


def grid(n: int = 400, size: float = 10.0, seed: int = 0) -> gpd.GeoDataFrame:
    """Parcels on a grid (code-like text, numbers, a missing value), EPSG:2180."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    k = np.arange(n)
    x0 = 500_000 + (k % side) * size
    y0 = 300_000 + (k // side) * size
    frame = gpd.GeoDataFrame(
        {
            "nr": [f"{i:04d}/{i % 7}" for i in k],
            "area": rng.uniform(100, 900, n).round(2),
            "count": k.astype("int64"),
            "gmina": rng.choice([True, False], n),
        },
        geometry=shapely.box(x0, y0, x0 + size * 0.9, y0 + size * 0.9),
        crs="EPSG:2180",
    )
    if n > 5:
        frame.loc[5, "nr"] = None
    return frame


@pytest.fixture
def conn(pg_server: PgServer) -> pgc.PgConnection:
    return pg_server.connection()


def test_write_then_read_round_trip(conn: pgc.PgConnection) -> None:
    frame = grid()
    result = write_table(conn, frame, "public", "roundtrip", comment="Działki testowe")
    assert (result.rows, result.geometry_type, result.srid) == (400, "Polygon", 2180)
    back, report = read_table(conn, "public", "roundtrip")
    assert len(back) == 400
    assert report.feature_count == 400
    assert report.crs == "EPSG:2180"
    assert report.format == "PostGIS"
    assert back["nr"].iloc[0] == "0000/0"
    assert pd.isna(back["nr"].iloc[5])
    assert back["count"].dtype == "int64"
    assert back["gmina"].tolist() == frame["gmina"].tolist()
    assert np.allclose(back["area"], frame["area"])
    assert shapely.equals(back.geometry.array, frame.geometry.array).all()
    info = {t.table: t for t in list_tables(conn)}["roundtrip"]
    assert (info.geometry_type, info.srid, info.comment) == ("POLYGON", 2180, "Działki testowe")
    assert info.row_estimate == 400
    assert "public" in list_schemas(conn)
    with pgc.connect(conn) as pg:
        indexes = pg.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'roundtrip'"
        ).fetchall()
        pk = pg.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'roundtrip'::regclass "
            "AND i.indisprimary"
        ).fetchall()
    assert any("gist" in str(row[0]).lower() for row in indexes)
    assert pk == [("fid",)]


def test_mixed_single_and_multi_polygons_become_multipolygon(conn: pgc.PgConnection) -> None:
    frame = grid(4)
    frame.loc[0, "geometry"] = shapely.MultiPolygon(
        [shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)]
    )
    assert write_table(conn, frame, "public", "mixed").geometry_type == "MultiPolygon"
    back, report = read_table(conn, "public", "mixed")
    assert set(back.geom_type) == {"MultiPolygon"}
    assert report.geometry_types == ("MultiPolygon",)


def test_bounding_box_read_fetches_only_the_view(conn: pgc.PgConnection) -> None:
    frame = grid(2500)
    write_table(conn, frame, "public", "big")
    view = (500_000, 300_000, 500_095, 300_045)
    part, report = read_table(conn, "public", "big", bbox=view)
    expected = frame.cx[view[0] : view[2], view[1] : view[3]]
    assert sorted(part["count"]) == sorted(expected["count"])
    assert report.feature_count == len(part) < 100
    assert any("fetched" in w and "2500" in w for w in report.warnings)


def test_create_refuses_existing_table_replace_and_append(conn: pgc.PgConnection) -> None:
    frame = grid(10)
    write_table(conn, frame, "public", "modes")
    with pytest.raises(MgisIOError, match="already exists"):
        write_table(conn, frame, "public", "modes")
    write_table(conn, frame.iloc[:3], "public", "modes", mode="replace")
    assert len(read_table(conn, "public", "modes")[0]) == 3
    write_table(conn, frame.iloc[3:5].to_crs(4326), "public", "modes", mode="append")
    back = read_table(conn, "public", "modes")[0]
    assert len(back) == 5
    assert back.geometry.iloc[4].equals_exact(frame.geometry.iloc[4], 1e-3)


def test_failed_write_leaves_the_table_as_it_was(conn: pgc.PgConnection) -> None:
    frame = grid(10)
    write_table(conn, frame, "public", "atomic")
    bad = frame.iloc[:4].copy()
    bad["count"] = ["1", "2", "not a number", "4"]
    with pytest.raises(MgisIOError, match="unchanged"):
        write_table(conn, bad, "public", "atomic", mode="append")
    with pytest.raises(MgisIOError, match="no column"):
        write_table(conn, frame.assign(extra=1), "public", "atomic", mode="append")
    assert len(read_table(conn, "public", "atomic")[0]) == 10
    lines = frame.iloc[:2].copy()
    lines["geometry"] = shapely.LineString([(0, 0), (1, 1)])
    with pytest.raises(MgisIOError, match="cancelled; nothing was changed"):
        write_table(conn, lines, "public", "atomic", mode="replace", cancelled=lambda: True)
    assert len(read_table(conn, "public", "atomic")[0]) == 10


def test_hostile_table_and_field_names(conn: pgc.PgConnection) -> None:
    write_table(conn, grid(5), "public", "victim")
    table = 'x"; DROP TABLE victim; --'
    field = "a'); DELETE FROM victim; --"
    frame = grid(5).rename(columns={"nr": field, "area": 'Pow. "m2"', "count": "łąka.ść/1"})
    write_table(conn, frame, "public", table, comment='it\'s "quoted"; DROP TABLE victim')
    back, _ = read_table(conn, "public", table)
    assert field in back.columns
    assert 'Pow. "m2"' in back.columns
    assert back[field].iloc[0] == "0000/0"
    write_table(conn, frame, "public", table, mode="append")
    assert len(read_table(conn, "public", "victim")[0]) == 5
    source = PgSource("my conn/1.x", "public", table).to_source()
    assert PgSource.parse(source) == PgSource("my conn/1.x", "public", table)
    with pytest.raises(MgisIOError, match="no spatial table"):
        read_table(conn, "public", "victim'; DROP TABLE victim; --")
    assert len(read_table(conn, "public", "victim")[0]) == 5


def test_saved_query_as_layer(conn: pgc.PgConnection) -> None:
    write_table(conn, grid(50), "public", "forquery")
    frame, report = read_query(
        conn, 'SELECT nr, ST_Centroid(geom) AS geom FROM public.forquery WHERE "count" < 10;'
    )
    assert len(frame) == 10
    assert set(frame.geom_type) == {"Point"}
    assert report.crs == "EPSG:2180"
    with pytest.raises(MgisIOError, match="no geometry"):
        read_query(conn, "SELECT 1 AS x")
    with pytest.raises(MgisIOError, match="query fails"):
        read_query(conn, "DELETE FROM public.forquery RETURNING *")
    assert len(read_table(conn, "public", "forquery")[0]) == 50


@pytest.mark.parametrize(("predicate", "distance"), [("intersects", None), ("dwithin", 7.5)])
def test_selection_on_the_server_equals_the_in_memory_engine(
    conn: pgc.PgConnection, predicate: str, distance: float | None
) -> None:
    parcels = grid(900, seed=3)
    table = f"sel_{predicate}"
    write_table(conn, parcels, "public", table)
    rng = np.random.default_rng(7)
    pts = shapely.points(rng.uniform(500_000, 500_300, 25), rng.uniform(300_000, 300_300, 25))
    line = shapely.LineString([(500_010, 300_010), (500_250, 300_120)])
    area = shapely.box(500_100, 300_200, 500_140, 300_260)
    shapes = gpd.GeoDataFrame(geometry=[*pts, line, area], crs="EPSG:2180")
    selected, report = select_by_location(
        conn,
        "public",
        table,
        shapes.geometry,
        predicate=predicate,
        distance=distance,  # type: ignore[arg-type]
    )
    kwargs = {"distance": distance} if distance else {}
    joined = gpd.sjoin(parcels, shapes, predicate=predicate, **kwargs)
    expected = sorted(parcels.loc[joined.index.unique(), "count"])
    assert sorted(selected["count"]) == expected
    engine = locate(parcels, shapes, predicate=predicate, distance=distance)  # type: ignore[arg-type]
    assert sorted(parcels["count"].iloc[engine]) == expected
    assert report.feature_count == len(expected) > 0


def test_project_keeps_the_connection_name_only(
    pg_server: PgServer, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    pw = pg_server.password_connection("Urząd GIS")
    pgc.remember_password(pw, PASSWORD, store=True)
    write_table(pw, grid(20), "public", "in_project")
    source = PgSource("Urząd GIS", "public", "in_project").to_source()
    frame, _ = read_source(source)
    layer = VectorLayer("działki", frame, source=source, embedded=False)
    path = Project(layers=[layer]).save(tmp_path / "p.gpkg")
    reopened = Project.open(path)
    assert reopened.layers[0].source == source
    assert len(reopened.layers[0].frame) == 20
    for file in tmp_path.rglob("*"):
        data = file.read_bytes()
        assert PASSWORD.encode() not in data
        assert PASSWORD.encode("utf-16-le") not in data
    assert memory_keyring.items == {(pgc.KEYRING_SERVICE, pw.key()): PASSWORD}
    pgc.forget_password(pw)
    assert pgc.stored_password(pw) is None


def test_connection_errors_in_plain_words(
    pg_server: PgServer, memory_keyring: MemoryKeyring
) -> None:
    pw = pg_server.password_connection("pw")
    pgc.forget_password(pw)
    with pytest.raises(MgisIOError, match="wrong password for user mgis_pw"):
        pgc.check_connection(pw, "wrong")
    with pytest.raises(MgisIOError, match="asks for a password"):
        pgc.check_connection(pw)
    assert "PostGIS 3" in pgc.check_connection(pw, PASSWORD)
    down = pgc.PgConnection(
        "down",
        host="127.0.0.1",
        port=pg_server.port + 1 if pg_server.port < 65535 else 1,
        database="x",
        user="x",
        sslmode="disable",
    )
    with pytest.raises(MgisIOError, match="server is down"):
        pgc.check_connection(down)
    plain = pg_server.connection("plain", database=NO_POSTGIS_DATABASE)
    with pytest.raises(MgisIOError, match="no PostGIS extension"):
        pgc.check_connection(plain)
    missing = pg_server.connection("missing", database="nope")
    with pytest.raises(MgisIOError, match="there is no database nope"):
        pgc.check_connection(missing)


def test_password_prompt_is_asked_once_per_session(
    pg_server: PgServer, memory_keyring: MemoryKeyring
) -> None:
    pw = pg_server.password_connection("prompted")
    pgc.forget_password(pw)
    asked: list[str] = []

    def prompt(connection: pgc.PgConnection, reason: str) -> str | None:
        asked.append(reason)
        pgc.remember_password(connection, PASSWORD, store=False)
        return PASSWORD

    pgc.set_password_prompt(prompt)
    try:
        with pgc.connect("prompted") as pg:
            assert pg.execute("SELECT current_user").fetchone() == ("mgis_pw",)
        with pgc.connect("prompted") as pg:
            assert pg.info.status == psycopg.pq.ConnStatus.OK
    finally:
        pgc.set_password_prompt(None)
    assert len(asked) == 1
    assert "password" in asked[0]
    assert memory_keyring.items == {}
    pgc.forget_password(pw)
