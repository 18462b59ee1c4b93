"""PostGIS layers in projects: view-only reads saved and reopened, passwords, dead servers, menu."""

from __future__ import annotations

import socket
from pathlib import Path

import psycopg
import pytest
import shapely
from PySide6.QtWidgets import QMessageBox

from mgis.commands import RemoveLayer, SetLayerProperties
from mgis.io import pg_connect as pgc
from mgis.io.pg_write import write_table
from mgis.io.postgis import PgSource
from mgis.layers import VectorLayer
from mgis.layers.pg_view import moved_extent, read_postgis_layer
from mgis.project import Project, database_connections
from mgis.ui import db_actions
from mgis.ui.main_window import MainWindow

from .postgis_server import PASSWORD, PASSWORD_ROLE, MemoryKeyring, PgServer
from .test_postgis_ui import (
    _no_prompt_left,
    assert_no_password_in,
    memory_keyring,
    parcels,
    pg_server,
    settings_dir,
    win,
)

__all__ = ["_no_prompt_left", "memory_keyring", "pg_server", "settings_dir", "win"]

BOXES = 50_000  # 224 x 224 boxes of 9 m every 10 m from (500 000, 300 000) in EPSG:2180
PUWG = "EPSG:2180"
ZONE6 = "EPSG:2177"  # another project CRS, so the saved extent must be moved into the table's
SOUTH_WEST = (500_000.0, 300_000.0, 500_300.0, 300_200.0)  # in EPSG:2180
NORTH_EAST = (501_500.0, 301_500.0, 501_900.0, 301_800.0)


@pytest.fixture(scope="module")
def boxes(pg_server: PgServer) -> str:
    write_table(pg_server.connection(), parcels(BOXES), "public", "prj_boxes", mode="replace")
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as pg:
        pg.execute(f"GRANT SELECT ON public.prj_boxes TO {PASSWORD_ROLE}")
    return "prj_boxes"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def view_only_project(source: str, crs: str, extent: tuple[float, ...], path: Path) -> Path:
    """Save a project with one view-only layer of ``source`` showing ``extent`` (EPSG:2180)."""
    box = moved_extent(extent, PUWG, crs)
    frame, _ = read_postgis_layer(source, crs, box)
    layer = VectorLayer("działki", frame, source=source, embedded=False, view_only=True)
    return Project(layers=[layer], crs=crs, extent=box).save(path)


def within(layer: VectorLayer, extent: tuple[float, ...], margin: float = 20.0) -> bool:
    """True when every feature of ``layer`` meets ``extent`` (EPSG:2180) grown by ``margin``."""
    box = shapely.box(*moved_extent(extent, PUWG, layer.crs)).buffer(margin)
    return bool(layer.frame.geometry.intersects(box).all())


def in_view(win: MainWindow, layer: VectorLayer) -> bool:
    """True when ``layer`` holds features, each meeting the window's map view (20 m tolerance)."""
    view = win.canvas.view
    assert view is not None
    box = shapely.box(*view.extent).buffer(20.0)  # the box of a view turned by 0.8°
    return layer.feature_count > 0 and bool(layer.frame.geometry.intersects(box).all())


def test_view_only_layer_reopens_with_the_saved_extent_only(
    tmp_path: Path, pg_server: PgServer, boxes: str
) -> None:
    pg_server.connection("db")
    table = PgSource("db", "public", boxes).to_source()
    query = PgSource("db", sql=f"SELECT nr, geom FROM public.{boxes}").to_source()
    for source in (table, query):
        path = view_only_project(source, ZONE6, SOUTH_WEST, tmp_path / "widok.gpkg")
        assert database_connections(path) == ["db"]
        opened = Project.open(path)
        layer = opened.layer("działki")
        assert layer.view_only
        assert not layer.embedded
        assert layer.source == source
        assert layer.crs == ZONE6
        assert 100 < layer.feature_count < 2_000  # of 50 000: only the saved view was read
        assert within(layer, SOUTH_WEST)
        assert opened.load_warnings == []


def test_reopened_view_only_layer_follows_the_view_and_undo(
    qtbot, win: MainWindow, tmp_path: Path, pg_server: PgServer, boxes: str
) -> None:  # type: ignore[no-untyped-def]
    win.postgis.store.save(pg_server.connection("db"))
    source = PgSource("db", "public", boxes).to_source()
    path = view_only_project(source, ZONE6, SOUTH_WEST, tmp_path / "widok.gpkg")
    assert win.open_project(path)
    layer = win.project.layer("działki")
    assert layer.view_only
    assert list(win.postgis.following.values()) == [layer]
    assert 0 < layer.feature_count < 2_000
    win.canvas.zoom_to_extent(moved_extent(NORTH_EAST, PUWG, ZONE6), margin=0)
    qtbot.waitUntil(lambda: in_view(win, layer) and within(layer, NORTH_EAST, 100), timeout=20_000)
    assert layer.feature_count < 3_000
    assert "rows fetched" in win.statusBar().currentMessage()

    win.controller.push(RemoveLayer("działki"))
    assert win.postgis.following == {}
    win.canvas.zoom_to_extent(moved_extent(SOUTH_WEST, PUWG, ZONE6), margin=0)
    qtbot.wait(600)
    assert within(layer, NORTH_EAST, 100)  # a removed layer is not read again
    win.controller.undo()
    assert list(win.postgis.following.values()) == [layer]
    qtbot.waitUntil(lambda: in_view(win, layer) and within(layer, SOUTH_WEST, 100), timeout=20_000)


def test_project_with_a_password_connection_asks_once_and_writes_no_password(
    qtbot,
    win: MainWindow,
    *,
    settings_dir: Path,
    pg_server: PgServer,
    memory_keyring: MemoryKeyring,
    boxes: str,
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    conn = pg_server.password_connection("Urząd GIS")
    pgc.forget_password(conn)
    source = PgSource(conn.name, "public", boxes).to_source()
    pgc.remember_password(conn, PASSWORD, store=False)
    folder = settings_dir / "projekty"
    path = view_only_project(source, PUWG, SOUTH_WEST, folder / "hasło.gpkg")
    pgc.forget_password(conn)
    win.postgis.store.save(conn)
    asked: list[str] = []

    def ask(_parent, _conn, reason):  # type: ignore[no-untyped-def]
        asked.append(reason)
        return (PASSWORD, False)

    monkeypatch.setattr(db_actions, "ask_password", ask)
    assert win.open_project(path)
    assert len(asked) == 1
    assert "password" in asked[0]
    layer = win.project.layer("działki")
    assert layer.view_only
    assert 0 < layer.feature_count < 2_000
    assert win.project.load_warnings == []

    pgc.forget_password(conn)
    win.files.open_path(path, background=True, ask=False)
    qtbot.waitUntil(lambda: win.project.layer_names() == ["działki"], timeout=20_000)
    qtbot.waitUntil(lambda: not win.files.busy(), timeout=20_000)
    assert len(asked) == 2  # once per open, never from the worker thread
    assert win.project.layer("działki").feature_count > 0

    win.controller.push(SetLayerProperties("działki", opacity=0.5))  # the autosave writes
    win.settings.sync()
    assert win.files.autosave() is not None
    written = assert_no_password_in(settings_dir)
    assert any(f.suffix == ".ini" for f in written)
    assert any(f.name == "hasło.recovery.gpkg" for f in written)
    assert win.files.save()
    assert any(f.name == "hasło.gpkg" for f in assert_no_password_in(settings_dir))
    assert memory_keyring.items == {}
    pgc.forget_password(conn)


def test_unreachable_database_opens_the_project_with_an_empty_layer(
    qtbot, win: MainWindow, tmp_path: Path, pg_server: PgServer, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    down = pg_server.connection("Wyłączony", port=free_port())
    source = PgSource(down.name, "public", "ewidencja").to_source()
    offline = VectorLayer("Ewidencja", parcels(3), source=source, embedded=False)
    offline.view_only = True
    kept = VectorLayer("Drogi", parcels(4))
    path = Project(layers=[kept, offline], crs=PUWG, extent=SOUTH_WEST).save(tmp_path / "p.gpkg")

    opened = Project.open(path)
    layer = opened.layer("Ewidencja")
    assert layer.feature_count == 0
    assert layer.crs == PUWG
    assert layer.source == source
    assert layer.view_only
    assert opened.layer("Drogi").feature_count == 4
    assert len(opened.load_warnings) == 1
    warning = opened.load_warnings[0]
    assert "'Ewidencja'" in warning
    assert "cannot be reached" in warning
    assert "reload the layer" in warning

    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text: shown.append(f"{title}\n{text}")
    )
    win.postgis.store.save(down)
    assert win.open_project(path)
    assert win.project.layer_names() == ["Drogi", "Ewidencja"]
    assert len(shown) == 1
    assert "Some layers could not be read" in shown[0]
    assert "'Ewidencja'" in shown[0]
    qtbot.wait(800)  # the view-following read fails quietly, in the status bar
    assert len(shown) == 1
    assert win.project.layer("Ewidencja").feature_count == 0

    assert win.files.save()
    again = Project.open(path)
    assert again.layer("Ewidencja").source == source
    assert again.layer("Ewidencja").view_only
    assert database_connections(path) == ["Wyłączony"]


def test_layer_menu_saves_to_postgis_and_reloads_from_the_database(
    qtbot, win: MainWindow, tmp_path: Path, pg_server: PgServer, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    conn = pg_server.connection("db")
    win.postgis.store.save(conn)
    write_table(conn, parcels(200), "public", "prj_small", mode="replace")
    source = PgSource("db", "public", "prj_small").to_source()
    layer = VectorLayer("małe", read_postgis_layer(source, PUWG)[0], source=source, embedded=False)
    path = Project(layers=[VectorLayer("plik", parcels(5)), layer]).save(tmp_path / "m.gpkg")
    assert win.open_project(path)
    layer = win.project.layer("małe")
    assert layer.feature_count == 200

    def texts(name: str) -> list[str]:
        menu = win.layer_panel.build_context_menu(name)
        return [a.text() for a in menu.actions() if not a.isSeparator()]

    assert texts("małe") == [
        "&Zoom to layer",
        "Open &attribute table",
        "Re&name",
        "&Remove layer",
        "Save layer to Post&GIS…",
        "Re&load from database",
        "&Properties…",
    ]
    assert "Re&load from database" not in texts("plik")
    assert "Save layer to Post&GIS…" in texts("plik")

    asked: list[str] = []
    monkeypatch.setattr(db_actions, "choose_save_target", lambda _p, _s, name: asked.append(name))
    menu = win.layer_panel.build_context_menu("plik")
    next(a for a in menu.actions() if a.text() == "Save layer to Post&GIS…").trigger()
    assert asked == ["plik"]

    write_table(conn, parcels(10), "public", "prj_small", mode="append")
    old = layer.frame
    menu = win.layer_panel.build_context_menu("małe")
    next(a for a in menu.actions() if a.text() == "Re&load from database").trigger()
    qtbot.waitUntil(lambda: layer.frame is not old, timeout=20_000)
    assert layer.feature_count == 210
    assert "małe: rows fetched 210" in win.statusBar().currentMessage()
