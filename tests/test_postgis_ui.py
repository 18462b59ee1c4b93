"""PostGIS in the window: connection dialog, browser, view-following reads, saving, no passwords."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox

from mgis.commands import AddLayer, SetLayerProperties
from mgis.io import pg_connect as pgc
from mgis.io.pg_write import write_table
from mgis.io.postgis import read_table
from mgis.ui import db_actions, i18n
from mgis.ui.db_dialogs import (
    BrowserChoice,
    ConnectionDialog,
    ConnectionStore,
    DatabaseBrowserDialog,
    SaveChoice,
)
from mgis.ui.main_window import MainWindow
from mgis.ui.settings import AppSettings

from .postgis_server import PASSWORD, MemoryKeyring, PgServer, memory_keyring, pg_server

__all__ = ["memory_keyring", "pg_server"]

BIG = 300_000


@pytest.fixture
def settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QStandardPaths.setTestModeEnabled(True)
    i18n.set_language("en")
    return folder


@pytest.fixture(autouse=True)
def _no_prompt_left() -> object:
    yield None
    pgc.set_password_prompt(None)


@pytest.fixture
def store(settings_dir: Path) -> ConnectionStore:
    return ConnectionStore(QSettings(str(settings_dir / "mgis.ini"), QSettings.Format.IniFormat))


def parcels(n: int, size: float = 10.0) -> gpd.GeoDataFrame:
    side = int(np.ceil(np.sqrt(n)))
    k = np.arange(n)
    x0 = 500_000 + (k % side) * size
    y0 = 300_000 + (k // side) * size
    return gpd.GeoDataFrame(
        {"nr": [f"{i}/1" for i in k]},
        geometry=shapely.box(x0, y0, x0 + size * 0.9, y0 + size * 0.9),
        crs="EPSG:2180",
    )


def assert_no_password_in(folder: Path) -> list[Path]:
    """Check that no file under ``folder`` holds the test password; return the files."""
    written = [f for f in folder.rglob("*") if f.is_file()]
    for file in written:
        data = file.read_bytes()
        assert PASSWORD.encode() not in data, file
        assert PASSWORD.encode("utf-16-le") not in data, file
    return written


@pytest.fixture(scope="module")
def big_table(pg_server: PgServer) -> str:
    write_table(pg_server.connection(), parcels(BIG), "public", "ui_big", mode="replace")
    return "ui_big"


@pytest.fixture
def win(qtbot, settings_dir: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    store = QSettings(str(settings_dir / "mgis.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=AppSettings(store))
    qtbot.addWidget(win)
    win.resize(800, 600)
    win.show()
    win.files.recovery_dir = settings_dir / "recovery"
    yield win
    win.canvas.shutdown()


def test_connection_dialog_tests_and_remembers(
    qtbot,
    pg_server: PgServer,
    store: ConnectionStore,
    memory_keyring: MemoryKeyring,
    settings_dir: Path,
) -> None:  # type: ignore[no-untyped-def]
    conn = pg_server.password_connection("Urząd")
    pgc.forget_password(conn)
    dialog = ConnectionDialog(conn)
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("wrong")
    assert not dialog.test()
    assert "wrong password for user mgis_pw" in dialog.result_label.text()
    dialog.password_edit.setText(PASSWORD)
    assert dialog.test()
    assert "PostGIS" in dialog.result_label.text()
    dialog.remember_box.setChecked(True)
    store.save(dialog.connection())
    dialog.keep_password()
    assert memory_keyring.items[(pgc.KEYRING_SERVICE, conn.key())] == PASSWORD
    assert [c.name for c in store.load()] == ["Urząd"]
    assert store.load()[0] == dialog.connection()
    for file in settings_dir.rglob("*"):
        if file.is_file():
            assert PASSWORD.encode() not in file.read_bytes()
    store.remove("Urząd")
    assert store.load() == []
    assert memory_keyring.items == {}


def test_browser_lists_tables_and_proposes_view_reads(
    qtbot, pg_server: PgServer, store: ConnectionStore, big_table: str
) -> None:  # type: ignore[no-untyped-def]
    write_table(pg_server.connection(), parcels(10), "public", "ui_small", mode="replace")
    store.save(pg_server.connection("db"))
    dialog = DatabaseBrowserDialog(store)
    qtbot.addWidget(dialog)
    dialog.refresh()
    rows = {}
    for k in range(dialog.tree.topLevelItemCount()):
        branch = dialog.tree.topLevelItem(k)
        for j in range(branch.childCount()):
            item = branch.child(j)
            rows[item.text(0)] = [item.text(c) for c in range(4)]
    assert rows["ui_big"] == ["ui_big", "POLYGON", "2180", "300 000"]
    assert rows["ui_small"][1:3] == ["POLYGON", "2180"]
    branch = dialog.tree.topLevelItem(0)
    big = next(
        branch.child(j) for j in range(branch.childCount()) if branch.child(j).text(0) == "ui_big"
    )
    dialog.tree.setCurrentItem(big)
    assert dialog.view_box.isChecked()
    assert dialog.choice() == BrowserChoice("db", "public", "ui_big", "", "ui_big", True, 2180)


def test_large_table_is_drawn_through_bounding_box_reads(
    qtbot, win: MainWindow, pg_server: PgServer, big_table: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    pg_server.connection("db")
    win.postgis.store.save(pg_server.connection("db"))
    win.canvas.zoom_to_extent((500_000, 300_000, 500_500, 300_400), margin=0)
    choice = BrowserChoice("db", "public", big_table, "", "działki", True, 2180)
    monkeypatch.setattr(db_actions, "choose_table", lambda *a: choice)
    menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Layer")
    action = next(a for a in menu.actions() if a.text() == "Add &PostGIS layer…")
    action.trigger()
    qtbot.waitUntil(lambda: "działki" in win.project.layer_names(), timeout=20_000)
    layer = win.project.layer("działki")
    assert layer.source == "postgis:db/public.ui_big"
    assert not layer.embedded
    first = len(layer.frame)
    assert 0 < first < 5_000
    assert "rows fetched" in win.statusBar().currentMessage()
    old = layer.frame
    win.canvas.zoom_to_extent((502_000, 302_000, 502_400, 302_300), margin=0)
    qtbot.waitUntil(lambda: layer.frame is not old, timeout=20_000)
    assert 0 < len(layer.frame) < 5_000
    assert layer.frame.total_bounds[0] > 501_900
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        win.canvas.redraw()


def test_save_layer_and_no_password_in_any_written_file(
    qtbot, win: MainWindow, pg_server: PgServer, memory_keyring: MemoryKeyring, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    conn = pg_server.password_connection("secure")
    pgc.forget_password(conn)
    win.postgis.store.save(conn)
    asked: list[str] = []

    def ask(_parent, _conn, reason):  # type: ignore[no-untyped-def]
        asked.append(reason)
        return (PASSWORD, False)

    monkeypatch.setattr(db_actions, "ask_password", ask)
    layer = win.project.make_layer("Drogi gminne", parcels(30))
    win.controller.push(AddLayer(layer))
    win.layer_panel.set_active_layer("Drogi gminne")
    confirmations: list[str] = []
    monkeypatch.setattr(db_actions, "confirm", lambda _p, text: confirmations.append(text) or False)
    target = SaveChoice("secure", "public", "drogi gminne", "create", "Drogi z ewidencji")
    monkeypatch.setattr(db_actions, "choose_save_target", lambda *a: target)
    win.postgis.save_action.trigger()
    qtbot.waitUntil(lambda: "Saved 30" in win.statusBar().currentMessage(), timeout=20_000)
    assert len(asked) == 1
    assert len(read_table(conn, "public", "drogi gminne")[0]) == 30
    monkeypatch.setattr(
        db_actions,
        "choose_save_target",
        lambda *a: SaveChoice("secure", "public", "drogi gminne", "replace", ""),
    )
    win.postgis.save_action.trigger()
    assert confirmations
    assert "Replace the table public.drogi gminne" in confirmations[0]
    assert len(read_table(conn, "public", "drogi gminne")[0]) == 30
    choice = BrowserChoice("secure", "public", "drogi gminne", "", "z bazy", False, 2180)
    monkeypatch.setattr(db_actions, "choose_table", lambda *a: choice)
    win.postgis.add_action.trigger()
    qtbot.waitUntil(lambda: "z bazy" in win.project.layer_names(), timeout=20_000)
    view = BrowserChoice("secure", "public", "drogi gminne", "", "widok", True, 2180)
    monkeypatch.setattr(db_actions, "choose_table", lambda *a: view)
    win.postgis.add_action.trigger()
    qtbot.waitUntil(lambda: "widok" in win.project.layer_names(), timeout=20_000)
    assert win.project.layer("widok").view_only
    settings_dir = win.files.recovery_dir.parent
    project_path = settings_dir / "project" / "projekt.gpkg"
    win.project.save(project_path)
    pgc.forget_password(conn)  # opened again, the project asks for the password once
    asked.clear()
    assert win.open_project(project_path)
    assert len(asked) == 1
    assert win.project.layer("widok").view_only
    assert len(win.project.layer("z bazy").frame) == 30
    assert 0 < len(win.project.layer("widok").frame) <= 30
    win.controller.push(SetLayerProperties("widok", opacity=0.5))  # modified: autosave writes
    assert win.files.autosave() is not None
    win.settings.sync()
    written = assert_no_password_in(settings_dir)
    assert any(f.name.endswith(".recovery.gpkg") for f in written)
    assert any(f.suffix == ".ini" for f in written)
    assert memory_keyring.items == {}
    pgc.forget_password(conn)
