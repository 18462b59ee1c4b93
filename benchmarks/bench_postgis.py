"""PostGIS benchmark: write and read 300k demo parcels, and a bounding-box read of a 1:5 000 view.

Usage: ``python3 benchmarks/bench_postgis.py [--size 300000] [--runs 3]``.
Targets (PostGIS issue): read the table <= 4 s, write it <= 8 s, bounding-box read of a
1:5 000 view <= 0.2 s. A throwaway cluster is started as in the tests
(``tests/postgis_server.py``). QGIS's postgres provider reads the same table as the peer
when Debian's python3-qgis is installed. Reading through GDAL's PG driver with pyogrio is
measured too when that driver is present.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _common import Result, emit, median_time, peak_rss_mb, print_table, qgis_available, run_qgis

CACHE = Path(tempfile.gettempdir()) / "mgis-bench"
VIEW_PX = (1920, 1080)
PIXEL_M = 0.28e-3  # OGC standard pixel

QGIS_READ = """
import sys, time
from qgis.core import QgsApplication, QgsFeatureRequest, QgsRectangle, QgsVectorLayer
app = QgsApplication([], False); app.initQgis()
uri, bbox, runs = URI, BBOX, int(sys.argv[1])
for _ in range(runs):
    t = time.perf_counter()
    layer = QgsVectorLayer(uri, "p", "postgres")
    assert layer.isValid()
    if bbox is None:
        n = sum(1 for _f in layer.getFeatures())
    else:
        request = QgsFeatureRequest().setFilterRect(QgsRectangle(*bbox))
        n = sum(1 for _f in layer.getFeatures(request))
    print(time.perf_counter() - t)
"""


def _parcels(size: int) -> object:
    """Return the demo parcels of ``size`` (built once, cached in the temp folder)."""
    from mgis.project import Project

    path = CACHE / f"town_{size}" / "demo_town.gpkg"
    if not path.exists():
        from mgis.demo import build_demo

        path = build_demo(path.parent, parcels=size, seed=1).project_path
    return Project.open(path).layer("parcels").frame


def _copy_csv_read(conninfo: str) -> object:
    """The alternative read: COPY ... TO STDOUT as CSV with hex WKB, parsed by pandas."""
    import geopandas as gpd
    import pandas as pd
    import psycopg
    import shapely

    with psycopg.connect(conninfo) as pg, pg.cursor() as cur:
        buffer = io.BytesIO()
        query = (
            "COPY (SELECT fid, id_dzialki, obreb, numer, pow_m2, "
            "encode(ST_AsBinary(geom), 'hex') AS wkb FROM parcels) "
            "TO STDOUT (FORMAT csv, HEADER)"
        )
        with cur.copy(query) as copy:
            for block in copy:
                buffer.write(block)
    buffer.seek(0)
    frame = pd.read_csv(buffer, dtype={"id_dzialki": str, "obreb": str, "numer": str})
    geoms = shapely.from_wkb(frame.pop("wkb").to_numpy())
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=2180)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import postgis_server
    import pyogrio

    from mgis.io.pg_write import write_table
    from mgis.io.postgis import read_table

    results: list[Result] = []
    frame = _parcels(args.size)
    server = postgis_server.start_server()
    try:
        conn = server.connection("bench")
        write = median_time(
            lambda: write_table(conn, frame, "public", "parcels", mode="replace"), args.runs
        )
        emit(
            Result("postgis", "write parcels (COPY, index)", args.size, write, 8.0, peak_rss_mb()),
            results,
        )

        uri = f'{server.conninfo()} table="public"."parcels" (geom)'
        peer = None
        if qgis_available():
            peer = run_qgis(QGIS_READ.replace("URI", repr(uri)).replace("BBOX", "None"), args.runs)
        read = median_time(lambda: read_table(conn, "public", "parcels"), args.runs)
        emit(
            Result(
                "postgis", "read parcels (binary cursor)", args.size, read, 4.0, peak_rss_mb(),
                None, "qgis" if peer else None, peer,
            ),
            results,
        )  # fmt: skip
        alt = median_time(lambda: _copy_csv_read(server.conninfo()), args.runs)
        emit(Result("postgis", "read parcels (COPY csv, compare)", args.size, alt, 4.0), results)
        if "PostgreSQL" in pyogrio.list_drivers():
            gdal = median_time(
                lambda: pyogrio.read_dataframe(
                    f"PG:{server.conninfo()}", layer="parcels", use_arrow=True
                ),
                args.runs,
            )
            emit(
                Result("postgis", "read parcels (GDAL PG, compare)", args.size, gdal, 4.0), results
            )
        else:
            print("(pyogrio's GDAL has no PostgreSQL driver: the GDAL route is not measured)")

        xmin, ymin, xmax, ymax = (float(v) for v in frame.total_bounds)
        cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
        w, h = VIEW_PX[0] * PIXEL_M * 5000, VIEW_PX[1] * PIXEL_M * 5000
        view = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        part, report = read_table(conn, "public", "parcels", bbox=view)
        print(f"(1:5 000 view {w:.0f} x {h:.0f} m: {report.warnings[0]})")
        peer = None
        if qgis_available():
            peer = run_qgis(
                QGIS_READ.replace("URI", repr(uri)).replace("BBOX", repr(view)), args.runs * 3
            )
        bbox = median_time(lambda: read_table(conn, "public", "parcels", bbox=view), args.runs * 3)
        emit(
            Result(
                "postgis", "bbox read 1:5 000 view", len(part), bbox, 0.2, peak_rss_mb(),
                None, "qgis" if peer else None, peer,
            ),
            results,
        )  # fmt: skip
        _bench_select(conn, frame, args, results)
        _bench_register(conn, frame, args, results)
    finally:
        server.stop()
    print_table(results)


def _bench_select(conn: object, frame: object, args: argparse.Namespace, results: list) -> None:  # type: ignore[type-arg]
    """Parcels within 500 m of the schools, selected on the server (only matches travel)."""
    from mgis.io.postgis import select_by_location
    from mgis.project import Project

    schools = Project.open(CACHE / f"town_{args.size}" / "demo_town.gpkg").layer("schools").frame
    selected, _report = select_by_location(
        conn, "public", "parcels", schools.geometry, predicate="dwithin", distance=500.0
    )
    print(f"(server selection: {len(selected)} parcels within 500 m of {len(schools)} schools)")
    seconds = median_time(
        lambda: select_by_location(
            conn, "public", "parcels", schools.geometry, predicate="dwithin", distance=500.0
        ),
        args.runs,
    )
    emit(
        Result("postgis", "select dwithin 500 m of schools on the server", args.size, seconds,
               1.0, peak_rss_mb()),
        results,
    )  # fmt: skip
    from mgis.analysis.selection import select_by_location as select_in_memory
    from mgis.io.postgis import read_table

    def read_and_select() -> None:
        table, _ = read_table(conn, "public", "parcels")
        select_in_memory(table, schools, predicate="dwithin", distance=500.0)

    whole = median_time(read_and_select, args.runs)
    emit(
        Result("postgis", "same: read the table, select in memory (compare)", args.size, whole,
               1.0),
        results,
    )  # fmt: skip


def _bench_register(conn: object, frame: object, args: argparse.Namespace, results: list) -> None:  # type: ignore[type-arg]
    """The shared register: publish 2 000 investments with their links, open it, save an edit."""
    import numpy as np
    from bench_link import make_register

    from mgis.io.pg_register import InvestmentEdit, load_register, publish_register, save_edits
    from mgis.layers.links import link_register

    register, _typos = make_register(frame, np.random.default_rng(1))
    links = link_register(frame, "id_dzialki", register).links
    name = "WPI bench"
    publish = median_time(
        lambda: publish_register(conn, name, register, links, replace=True), args.runs
    )
    emit(
        Result("postgis", f"register publish ({len(links)} links)", len(register), publish, 3.0,
               peak_rss_mb()),
        results,
    )  # fmt: skip
    read = median_time(lambda: load_register(conn, name), args.runs)
    emit(Result("postgis", "register open", len(register), read, 1.0, peak_rss_mb()), results)
    edits = iter(range(1_000))

    def save_one() -> None:
        edit = InvestmentEdit("1", _version(conn, name), {"Nazwa zadania": f"v{next(edits)}"})
        save_edits(conn, name, [edit])

    save = median_time(save_one, args.runs * 3)
    emit(Result("postgis", "register save one edit", len(register), save, 0.3), results)


def _version(conn: object, name: str) -> int:
    """Return the row version of investment 1 (one indexed query, not the whole register)."""
    from mgis.io.postgis import session

    with session(conn) as pg:  # type: ignore[arg-type]
        row = pg.execute(
            "SELECT row_version FROM mgis_investments WHERE register = %s AND investment_id = '1'",
            [name],
        ).fetchone()
        pg.rollback()
    return int(row[0])


if __name__ == "__main__":
    main()
