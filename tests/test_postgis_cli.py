"""The command line on PostGIS (real throwaway server): info, analyze, export, link.

Connection names resolve as a connection saved in the app (QSettings, isolated
here) or else as a pg_service entry (a pg_service.conf in the test folder).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg
import pyogrio
import pytest
import shapely
from psycopg import sql

from mgis.cli import main
from mgis.io import pg_connect as pgc
from mgis.io.pg_register import load_register
from mgis.io.pg_write import write_table

from .postgis_server import (
    DATABASE,
    PASSWORD,
    PASSWORD_ROLE,
    MemoryKeyring,
    PgServer,
    memory_keyring,
    pg_server,
)

__all__ = ["memory_keyring", "pg_server"]  # fixtures used below

ROOT = Path(__file__).resolve().parents[1]
UNIT = "301001_1"
SERVICE = "mgisdemo"


@pytest.fixture(autouse=True)
def _isolated(
    tmp_path_factory: pytest.TempPathFactory, memory_keyring: MemoryKeyring
) -> Iterator[Path]:
    """Saved connections in a temporary settings folder; an in-memory credential store."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    before = {conn.name for conn in pgc.known_connections()}
    yield folder
    for conn in pgc.known_connections():
        if conn.name not in before:
            pgc.unregister_connection(conn.name)
    pgc.set_password_prompt(None)


def service_file(path: Path, server: PgServer, **entries: dict[str, object]) -> Path:
    """Write a pg_service.conf with the test server as [mgisdemo] plus ``entries``."""
    base = {
        "host": "127.0.0.1",
        "port": server.port,
        "dbname": DATABASE,
        "user": "postgres",
        "sslmode": "disable",
    }
    sections = {SERVICE: base, **{name: {**base, **over} for name, over in entries.items()}}
    text = "".join(
        f"[{name}]\n" + "".join(f"{key}={value}\n" for key, value in values.items()) + "\n"
        for name, values in sections.items()
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def services(pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PGSERVICEFILE with [mgisdemo], [mgisdown] (nothing listens) and [mgispw] (password)."""
    with psycopg.connect(pg_server.conninfo()) as pg, pg.cursor() as cur:
        cur.execute("SELECT 1")  # the cluster is up before its port is reused below
    closed = _closed_port()
    path = service_file(
        tmp_path / "pg_service.conf",
        pg_server,
        mgisdown={"port": closed, "connect_timeout": 3},
        mgispw={"user": PASSWORD_ROLE},
    )
    monkeypatch.setenv("PGSERVICEFILE", str(path))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    return path


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def schema(pg_server: PgServer) -> Iterator[str]:
    """A fresh schema for one test (dropped afterwards)."""
    name = f"cli_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as pg:
        pg.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as pg:
        pg.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


def parcels(crs: str = "EPSG:2180") -> gpd.GeoDataFrame:
    """Twelve parcels in a row of 20 m squares with EGiB ids, in ``crs``."""
    ids = [f"{UNIT}.0001.{k + 10}" for k in range(12)]
    ids[2] = f"{UNIT}.0001.12/3"
    ids[3] = f"{UNIT}.0001.12/4"
    ids[7] = f"{UNIT}.0002.7/1"
    x0, y0 = 500_000.0, 300_000.0
    frame = gpd.GeoDataFrame(
        {
            "id_dzialki": ids,
            "wlasnosc": ["Gmina" if k % 3 else "Skarb Państwa" for k in range(12)],
            "pow_m2": [400.0 + k for k in range(12)],
        },
        geometry=[shapely.box(x0 + 20 * k, y0, x0 + 20 * k + 20, y0 + 20) for k in range(12)],
        crs="EPSG:2180",
    )
    return frame.to_crs(crs)


def schools(path: Path) -> Path:
    """Two school points (EPSG:2180) in a GeoPackage."""
    frame = gpd.GeoDataFrame(
        {"nazwa": ["SP 1", "SP 2"]},
        geometry=[shapely.Point(500_030, 300_010), shapely.Point(500_187, 300_010)],
        crs="EPSG:2180",
    )
    frame.to_file(path, layer="schools", driver="GPKG")
    return path


def register_csv(path: Path) -> Path:
    """A small register (cp1250, ``;``, decimal commas), as a town hall exports it."""
    lines = [
        "Lp.;Nazwa zadania;Łączne nakłady;Działki;Obręb",
        '1;Przebudowa ul. Polnej;1 200 000,00;"12/3; 12/4";0001',
        '2;Budowa przedszkola;950 000,50;"0001.15, 0002.7/1 i 0001.99";',
        "3;Zakup wozu strażackiego;1 000 000,00;;",
    ]
    path.write_bytes("\r\n".join(lines).encode("cp1250"))
    return path


def one_line_error(err: str) -> str:
    text = err.strip()
    assert len(text.splitlines()) == 1, text
    assert "Traceback" not in text
    return text


def ids(path: Path, layer: str = "selection") -> list[str]:
    return pyogrio.read_dataframe(path, layer=layer)["id_dzialki"].tolist()


# -- info ---------------------------------------------------------------------------------


def test_info_describes_a_table_and_lists_tables(
    services: Path, schema: str, pg_server: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_table(pg_server.connection(), parcels("EPSG:2177"), schema, "działki")
    assert main(["info", f"postgis:{SERVICE}/{schema}.działki"]) == 0
    out = capsys.readouterr().out
    assert "format: PostGIS" in out
    assert "features: 12 (Polygon)" in out
    assert "EPSG:2177" in out
    assert main(["info", f"postgis:{SERVICE}/{schema}"]) == 0
    out = capsys.readouterr().out
    assert "1 spatial table(s)" in out
    assert f"postgis:{SERVICE}/{schema}.dzia%C5%82ki" in out
    assert "SRID 2177" in out


def test_info_through_a_connection_saved_in_the_app(
    pg_server: PgServer,
    schema: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mgis.ui.db_dialogs import ConnectionStore
    from mgis.ui.settings import AppSettings

    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "none.conf"))  # no pg_service at all
    saved = pgc.PgConnection(
        name="Urząd GIS",
        host="127.0.0.1",
        port=pg_server.port,
        database=DATABASE,
        user="postgres",
        sslmode="disable",
    )
    ConnectionStore(AppSettings().store).save(saved)
    pgc.unregister_connection(saved.name)  # the command finds it in the settings by itself
    write_table(pg_server.connection(), parcels(), schema, "parcels")
    assert main(["info", f"postgis:Urząd GIS/{schema}.parcels"]) == 0
    assert "features: 12" in capsys.readouterr().out


def test_info_in_a_subprocess(services: Path, schema: str, pg_server: PgServer) -> None:
    write_table(pg_server.connection(), parcels(), schema, "parcels")
    env = {**os.environ, "PGSERVICEFILE": str(services), "XDG_CONFIG_HOME": str(services.parent)}
    done = subprocess.run(
        [sys.executable, "-m", "mgis.cli", "info", f"postgis:{SERVICE}/{schema}.parcels"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "features: 12 (Polygon)" in done.stdout
    down = subprocess.run(
        [sys.executable, "-m", "mgis.cli", "info", "postgis:mgisdown/public.parcels"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert down.returncode == 2
    assert "the server is down or cannot be reached" in one_line_error(down.stderr)


# -- errors and passwords -----------------------------------------------------------------


def test_unknown_name_and_server_down_are_one_line_errors(
    services: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["info", "postgis:nosuch/public.parcels"]) == 2
    err = one_line_error(capsys.readouterr().err)
    assert err.startswith("mgis info: ")
    assert "no pg_service entry nosuch" in err
    assert "not a connection saved in mgis" in err
    assert main(["info", "postgis:mgisdown/public.parcels"]) == 2
    err = one_line_error(capsys.readouterr().err)
    assert "server is down" in err
    assert "not a connection saved" not in err  # the service was found
    layer = tmp_path / "s.gpkg"
    out = tmp_path / "o.gpkg"
    argv = ["analyze", "select", "--layer", "postgis:mgisdown/public.p", "--by", str(layer)]
    assert main([*argv, "--out", str(out)]) == 2
    one_line_error(capsys.readouterr().err)
    assert main(["info", f"postgis:{SERVICE}/public.nosuch"]) == 2
    assert "no spatial table public.nosuch" in one_line_error(capsys.readouterr().err)


def test_password_from_pgpassword_or_the_terminal_prompt(
    services: Path,
    pg_server: PgServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = "postgis:mgispw"  # lists the tables: connecting is what is tested
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert main(["info", source]) == 2
    assert "asks for a password" in one_line_error(capsys.readouterr().err)
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert main(["info", source]) == 0
    capsys.readouterr()
    monkeypatch.delenv("PGPASSWORD")
    asked: list[str] = []

    def typed(prompt: str = "") -> str:
        asked.append(prompt)
        return PASSWORD

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", typed)
    assert main(["info", source]) == 0
    assert len(asked) == 1
    assert "service 'mgispw'" in asked[0]
    assert "spatial table(s)" in capsys.readouterr().out
    pgc.forget_password(pgc.get_connection("mgispw"))


# -- analyze ------------------------------------------------------------------------------


@pytest.mark.usefixtures("services")
@pytest.mark.parametrize(
    "case",
    [("EPSG:2177", "intersects", None), ("EPSG:2180", "dwithin", 45.0)],
    ids=["intersects-table-in-2177", "dwithin-45m"],
)
def test_select_on_the_server_equals_the_in_memory_select(
    schema: str,
    pg_server: PgServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: tuple[str, str, float | None],
) -> None:
    crs, predicate, distance = case
    frame = parcels(crs)
    write_table(pg_server.connection(), frame, schema, "parcels")
    file = tmp_path / "parcels.gpkg"
    frame.to_file(file, layer="parcels", driver="GPKG")
    by = schools(tmp_path / "schools.gpkg")
    if predicate == "intersects":  # school zones: polygons meeting a few parcels
        zones = gpd.read_file(by).buffer(25.0)
        gpd.GeoDataFrame(geometry=zones, crs="EPSG:2180").to_file(by, layer="schools")
    options = ["--by", f"{by}:schools", "--predicate", predicate]
    options += ["--distance", str(distance)] if distance is not None else []
    server_out, memory_out = tmp_path / "server.gpkg", tmp_path / "memory.gpkg"
    source = f"postgis:{SERVICE}/{schema}.parcels"
    assert main(["analyze", "select", "--layer", source, *options, "--out", str(server_out)]) == 0
    out = capsys.readouterr().out
    assert "engine: on the server" in out
    assert f"EPSG:{crs.split(':')[1]}" in out
    assert (
        main(
            ["analyze", "select", "--layer", f"{file}:parcels", *options, "--out", str(memory_out)]
        )
        == 0
    )
    memory_text = capsys.readouterr().out
    expected = ids(memory_out)
    assert 0 < len(expected) < 12
    assert ids(server_out) == expected
    assert f"fetched {len(expected)} rows" in out
    assert f"selected: {len(expected)}" in memory_text
    server = pyogrio.read_dataframe(server_out, layer="selection")
    memory = pyogrio.read_dataframe(memory_out, layer="selection")
    assert server.crs == memory.crs
    assert shapely.equals_exact(server.geometry.values, memory.geometry.values, 1e-6).all()
    summary = pd.read_csv(server_out.with_suffix(".csv"), sep=";", encoding="utf-8-sig")
    values = dict(zip(summary["key"], summary["value"], strict=True))
    assert values["engine"] == "server"
    assert int(values["fetched"]) == len(expected)


def test_select_falls_back_to_memory_and_says_so(
    services: Path,
    schema: str,
    pg_server: PgServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_table(pg_server.connection(), parcels(), schema, "parcels")
    by = schools(tmp_path / "schools.gpkg")
    source = f"postgis:{SERVICE}/{schema}.parcels"
    out = tmp_path / "w.gpkg"
    argv = ["analyze", "select", "--layer", source, "--by", f"{by}:schools", "--out", str(out)]
    assert (
        main([*argv, "--predicate", "dwithin", "--distance", "45", "--where", "pow_m2 > 405"]) == 0
    )
    text = capsys.readouterr().out
    assert "engine: in memory (--where" in text
    # within 45 m of a school: parcels 0-3 and 7-11; more than 405 m2: parcels 6-11
    assert ids(out) == parcels()["id_dzialki"].tolist()[7:]
    assert main([*argv, "--predicate", "touches", "--overwrite"]) == 0
    assert "engine: in memory (the database selects only with intersects" in capsys.readouterr().out


def test_analyze_buffer_and_export_read_postgis(
    services: Path,
    schema: str,
    pg_server: PgServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_table(pg_server.connection(), parcels("EPSG:2177"), schema, "parcels")
    source = f"postgis:{SERVICE}/{schema}.parcels"
    out = tmp_path / "buffer.gpkg"
    assert main(["analyze", "buffer", "--layer", source, "--distance", "5", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "fetched 12 rows" in err
    assert "reprojected from EPSG:2177 to EPSG:2180" in err
    assert len(pyogrio.read_dataframe(out)) == 12
    shp = tmp_path / "dzialki.shp"
    table = parcels("EPSG:2177")
    xmin, ymin, xmax, ymax = table.geometry.iloc[:3].total_bounds
    extent = f"{xmin + 1},{ymin + 1},{xmax - 25},{ymax - 1}"  # meets the first two parcels
    argv = ["export", source, "--format", "shp", "--extent", extent, "--out", str(shp)]
    assert main(argv) == 0
    assert "fetched" in capsys.readouterr().err
    written = pyogrio.read_dataframe(shp)
    assert written["id_dzialki"].tolist() == [f"{UNIT}.0001.10", f"{UNIT}.0001.11"]


# -- link ---------------------------------------------------------------------------------


def link_args(parcels_file: Path, out: Path, *extra: str) -> list[str]:
    return [
        "link",
        "--parcels",
        f"{parcels_file}:parcels",
        "--id-field",
        "id_dzialki",
        "--out",
        str(out),
        *extra,
    ]


def test_link_publish_then_from_db_gives_the_same_outputs(
    services: Path,
    schema: str,
    pg_server: PgServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    layer = tmp_path / "działki.gpkg"
    parcels().to_file(layer, layer="parcels", driver="GPKG")
    register = register_csv(tmp_path / "rejestr.csv")
    name = "WPI 2025-2030"
    db = ["--register-name", name, "--db-schema", schema]
    from_file, from_db = tmp_path / "plik.gpkg", tmp_path / "baza.gpkg"
    argv = link_args(layer, from_file, "--register", str(register), "--publish", SERVICE, *db)
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"stored register {name!r}" in out
    assert "3 investments, 4 parcel links, source rejestr.csv" in out
    shared = load_register(pg_server.connection(), name, schema=schema)
    assert shared.ids == ("1", "2", "3")
    assert shared.parcels("1") == [f"{UNIT}.0001.12/3", f"{UNIT}.0001.12/4"]
    assert shared.source == "rejestr.csv"

    assert main(link_args(layer, from_db, "--from-db", SERVICE, *db)) == 0
    out = capsys.readouterr().out
    assert f"register {name!r} read from the database" in out
    assert "matched: 4 (4 parcels, 4 links)" in out
    for kind in ("investment_areas", "links", "problems"):
        a = pyogrio.read_dataframe(from_file, layer=kind)
        b = pyogrio.read_dataframe(from_db, layer=kind)
        pd.testing.assert_frame_equal(
            pd.DataFrame(a.drop(columns="geometry", errors="ignore")),
            pd.DataFrame(b.drop(columns="geometry", errors="ignore")),
        )
        if "geometry" in a:
            assert a.geometry.to_wkt().tolist() == b.geometry.to_wkt().tolist()
    areas = pyogrio.read_dataframe(from_db, layer="investment_areas")
    assert areas["investment_id"].tolist() == ["1", "2", "3"]
    assert areas["area_m2"].tolist() == [800.0, 800.0, 0.0]
    info = subprocess.run(
        ["ogrinfo", "-ro", "-so", str(from_db), "investment_areas"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Feature Count: 3" in info.stdout


def test_publishing_twice_needs_replace(
    services: Path,
    schema: str,
    tmp_path: Path,
    pg_server: PgServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    layer = tmp_path / "działki.gpkg"
    parcels().to_file(layer, layer="parcels", driver="GPKG")
    register = register_csv(tmp_path / "rejestr.csv")
    publish = ["--register", str(register), "--publish", SERVICE, "--register-name", "WPI"]
    publish += ["--db-schema", schema]
    assert main(link_args(layer, tmp_path / "a.gpkg", *publish)) == 0
    capsys.readouterr()
    second = tmp_path / "b.gpkg"
    assert main(link_args(layer, second, *publish)) == 2
    err = one_line_error(capsys.readouterr().err)
    assert "already in the database" in err
    assert "add --replace" in err
    assert not second.exists()  # refused before anything was linked or written
    assert main(link_args(layer, second, *publish, "--replace")) == 0
    assert "stored register 'WPI'" in capsys.readouterr().out
    assert load_register(pg_server.connection(), "WPI", schema=schema).ids == ("1", "2", "3")


def test_link_option_errors_are_one_line(
    services: Path, schema: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layer = tmp_path / "działki.gpkg"
    parcels().to_file(layer, layer="parcels", driver="GPKG")
    register = register_csv(tmp_path / "rejestr.csv")
    out = tmp_path / "w.gpkg"
    assert main(link_args(layer, out, "--register", str(register), "--publish", SERVICE)) == 2
    assert "--register-name" in one_line_error(capsys.readouterr().err)
    from_db = ["--from-db", SERVICE, "--register-name", "Brak", "--db-schema", schema]
    assert main(link_args(layer, out, *from_db)) == 2
    assert "no register named 'Brak'" in one_line_error(capsys.readouterr().err)
    publish = ["--register", str(register), "--publish", SERVICE, "--register-name", "X"]
    assert main(link_args(layer, out, *publish, "--db-schema", "brak_schematu")) == 2
    assert "no schema 'brak_schematu'" in one_line_error(capsys.readouterr().err)
    assert main(link_args(layer, out, "--register", str(register), "--replace")) == 2
    assert "--replace" in one_line_error(capsys.readouterr().err)
    with pytest.raises(SystemExit) as exc:  # argparse: exactly one of --register, --from-db
        main(link_args(layer, out))
    assert exc.value.code == 2
    assert "--register" in capsys.readouterr().err
    assert not out.exists()
