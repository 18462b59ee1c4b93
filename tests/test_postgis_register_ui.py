"""The shared register in the window: publish, open in a second window, edit, refresh, conflict."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QDialog

from mgis.io.pg_connect import PgConnection
from mgis.io.pg_register import InvestmentEdit, load_register, save_edits
from mgis.layers import VectorLayer
from mgis.project import Project
from mgis.ui import i18n, register_shared
from mgis.ui.main_window import MainWindow
from mgis.ui.register_actions import RegisterUi
from mgis.ui.register_db_dialogs import InvestmentDialog, OpenChoice, PublishChoice
from mgis.ui.register_refresh import RefreshDialog
from mgis.ui.register_state import AREAS_LAYER, LinkParameters
from mgis.ui.settings import AppSettings

from .postgis_server import PgServer, pg_server

__all__ = ["pg_server"]

UNIT = "301001_1"
NAME = "WPI wspólny"


def _pid(n: int) -> str:
    return f"{UNIT}.0001.{n}"


@pytest.fixture
def settings_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QStandardPaths.setTestModeEnabled(True)
    i18n.set_language("en")
    return folder


@pytest.fixture
def conn(pg_server: PgServer) -> Iterator[PgConnection]:
    connection = pg_server.connection()
    yield connection
    import psycopg

    with psycopg.connect(**connection.params()) as pg:  # a fresh register per test
        pg.execute("DROP TABLE IF EXISTS mgis_investment_parcels, mgis_investments, mgis_registers")


def parcels() -> gpd.GeoDataFrame:
    """Eight 100 m by 100 m parcels in a row, ids 301001_1.0001.1 … .8."""
    return gpd.GeoDataFrame(
        {"id_dzialki": [_pid(k) for k in range(1, 9)], "wlasnosc": ["Gmina"] * 8},
        geometry=[
            shapely.box(500_000 + 100 * k, 300_000, 500_100 + 100 * k, 300_100) for k in range(8)
        ],
        crs="EPSG:2180",
    )


@pytest.fixture
def register_file(tmp_path: Path) -> Path:
    path = tmp_path / "rejestr inwestycji.xlsx"
    pd.DataFrame(
        {
            "Lp.": [1, 2, 3],
            "Nazwa zadania": ["Budowa ul. Polnej", "Przebudowa szkoły", "Park miejski"],
            "Działki": [f"{_pid(1)}, {_pid(2)}", _pid(3), f"{_pid(5)}; {_pid(6)}"],
            "Łączne nakłady": [1_200_000.0, 3_500_000.0, 800_000.0],
        }
    ).to_excel(path, index=False)
    return path


def _window(qtbot, settings_dir: Path, conn: PgConnection) -> MainWindow:  # type: ignore[no-untyped-def]
    store = QSettings(str(settings_dir / "mgis.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=AppSettings(store))
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.postgis.store.save(conn)  # type: ignore[attr-defined]
    win.controller.set_project(Project(layers=[VectorLayer("parcels", parcels())]))
    return win


def _ui(win: MainWindow) -> RegisterUi:
    ui = win.register_ui  # type: ignore[attr-defined]
    assert isinstance(ui, RegisterUi)
    return ui


def _areas(win: MainWindow) -> pd.DataFrame:
    return win.project.layer(AREAS_LAYER).frame.set_index("investment_id")


@pytest.fixture
def published(qtbot, settings_dir, conn, register_file, monkeypatch):  # type: ignore[no-untyped-def]
    """Window A linked the spreadsheet and published it; window B opened it from the database."""
    one = _window(qtbot, settings_dir, conn)
    ui = _ui(one)
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.apply_link(LinkParameters("parcels", "id_dzialki", register_file))
    monkeypatch.setattr(
        register_shared, "choose_publish", lambda *a: PublishChoice(conn.name, "public", NAME)
    )
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.shared.publish_action.trigger()
    two = _window(qtbot, settings_dir, conn)
    monkeypatch.setattr(
        register_shared,
        "choose_shared",
        lambda *a: OpenChoice(conn.name, "public", NAME, "parcels", "id_dzialki"),
    )
    with qtbot.waitSignal(_ui(two).linked, timeout=20_000):
        _ui(two).shared.open_action.trigger()
    yield one, two
    for win in (one, two):
        win.canvas.shutdown()


def test_publish_then_open_in_another_window(published, conn) -> None:  # type: ignore[no-untyped-def]
    one, two = published
    link = one.project.links[0]
    assert link.shared is not None
    assert link.shared.register == NAME
    assert link.shared.connection == conn.name
    stored = load_register(conn, NAME)
    assert stored.ids == ("1", "2", "3")
    assert stored.source == "rejestr inwestycji.xlsx"
    assert sorted(stored.parcels("1")) == [_pid(1), _pid(2)]
    assert two.project.links[0].shared == link.shared
    pd.testing.assert_series_equal(_areas(one)["area_m2"], _areas(two)["area_m2"])
    assert _areas(two).loc["3", "area_m2"] == pytest.approx(20_000)
    panel = _ui(two).show_panel()
    assert "Shared register: WPI wspólny" in panel.summary_label.text()
    assert not panel.edit_button.isHidden()


def test_edit_is_saved_and_the_other_window_sees_it_after_refresh(qtbot, published, conn) -> None:  # type: ignore[no-untyped-def]
    one, two = published
    ui = _ui(one)
    dialog = InvestmentDialog(one.project.links[0], "1")
    texts = dialog.texts()
    assert texts["Łączne nakłady"] == "1 200 000,00"
    texts["Nazwa zadania"] = "Budowa ul. Polnej - etap I"
    texts["Działki"] = f"{_pid(1)}, {_pid(2)}, {_pid(4)}"
    texts["Łączne nakłady"] = "1 350 000,50"
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.shared.edit("1", texts)
    stored = load_register(conn, NAME)
    assert stored.record("1")["Nazwa zadania"] == "Budowa ul. Polnej - etap I"
    assert stored.record("1")["Łączne nakłady"] == pytest.approx(1_350_000.5)
    assert sorted(stored.parcels("1")) == [_pid(1), _pid(2), _pid(4)]
    assert stored.version("1") == 2
    assert _areas(one).loc["1", "area_m2"] == pytest.approx(30_000)
    assert one.project.links[0].shared.row("1").version == 2
    # The other window still shows the old copy until it refreshes.
    assert _areas(two).loc["1", "area_m2"] == pytest.approx(20_000)
    other = _ui(two)
    with qtbot.waitSignal(other.refreshReady, timeout=20_000) as blocker:
        other.start_refresh(confirm=False)
    assert [c.investment_id for c in blocker.args[0].diff.changed] == ["1"]
    with qtbot.waitSignal(other.linked, timeout=20_000):
        other.apply_refresh()
    assert _areas(two).loc["1", "Nazwa zadania"] == "Budowa ul. Polnej - etap I"
    assert _areas(two).loc["1", "area_m2"] == pytest.approx(30_000)
    two.controller.undo()  # the project's copy goes back; the database keeps the save
    assert _areas(two).loc["1", "area_m2"] == pytest.approx(20_000)
    assert load_register(conn, NAME).version("1") == 2


def test_conflicting_edit_is_refused_and_named(qtbot, published, conn, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    one, _two = published
    ui = _ui(one)
    # Another user saves investment 2 after window A read it.
    save_edits(conn, NAME, [InvestmentEdit("2", 1, {"Nazwa zadania": "Szkoła - wersja Jana"})],
               user="jan")  # fmt: skip
    told: list[str] = []
    monkeypatch.setattr(
        register_shared, "tell_conflict", lambda _p, text: told.append(text) or True
    )
    monkeypatch.setattr(RefreshDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    texts = InvestmentDialog(one.project.links[0], "2").texts()
    texts["Nazwa zadania"] = "Szkoła - wersja Anny"
    with qtbot.waitSignal(ui.shared.conflict, timeout=20_000) as blocker:
        ui.shared.edit("2", texts)
    message = blocker.args[0]
    assert told == [message]
    # Named as the user knew it (the name in the copy), with who saved it and when.
    assert "Investment 2 (Przebudowa szkoły) was changed by jan at 20" in message
    assert "not saved" in message
    assert load_register(conn, NAME).record("2")["Nazwa zadania"] == "Szkoła - wersja Jana"
    # "Refresh now" was chosen: the window shows what changed, and on OK Jan's version.
    qtbot.waitUntil(
        lambda: _areas(one).loc["2", "Nazwa zadania"] == "Szkoła - wersja Jana", timeout=20_000
    )
    assert one.project.links[0].shared.row("2").changed_by == "jan"


def test_unreadable_amount_is_refused_before_saving(qtbot, published, conn, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    one, _two = published
    shown: list[str] = []
    monkeypatch.setattr(register_shared, "show_error", lambda _p, text: shown.append(text))
    texts = InvestmentDialog(one.project.links[0], "3").texts()
    texts["Łączne nakłady"] = "dużo"
    _ui(one).shared.edit("3", texts)
    assert len(shown) == 1
    assert "Łączne nakłady" in shown[0]
    assert "'dużo'" in shown[0]
    assert load_register(conn, NAME).version("3") == 1


def test_project_keeps_the_shared_register(qtbot, published, tmp_path, conn) -> None:  # type: ignore[no-untyped-def]
    one, _two = published
    path = one.project.save(tmp_path / "projekt wspólny.gpkg")
    reopened = Project.open(path)
    link = reopened.links[0]
    assert link.shared == one.project.links[0].shared
    assert link.source == f"postgis-register:{conn.name}/public/{NAME}"
    assert link.register().ids == ("1", "2", "3")
    raw = path.read_bytes()
    assert b"password" not in raw.lower()


OTHER_INSTANCE = """
import json, sys
from mgis.io.pg_connect import PgConnection, register_connection
from mgis.layers import shared_register

register_connection(PgConnection(**json.loads(sys.argv[1])))
link = shared_register.open_shared(sys.argv[2], sys.argv[3], parcels_layer="parcels",
                                   id_field="id_dzialki")
fresh = shared_register.save_investment(
    link, "3", shared_register.cell_values(link, "3", {"Nazwa zadania": "Park - etap II"}),
    user="ewa",
)
print(fresh.shared.row("3").version)
"""


def test_another_process_edits_and_the_window_sees_it(qtbot, published, conn) -> None:  # type: ignore[no-untyped-def]
    one, _two = published
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", OTHER_INSTANCE, json.dumps(conn.to_dict()), conn.name, NAME],
        check=False, capture_output=True, text=True, timeout=120, cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "2"
    ui = _ui(one)
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.start_refresh(confirm=False)
        qtbot.waitUntil(lambda: ui.pending is not None, timeout=20_000)
        ui.apply_refresh()
    assert _areas(one).loc["3", "Nazwa zadania"] == "Park - etap II"
    assert one.project.links[0].shared.row("3").changed_by == "ewa"


def test_add_and_remove_investments(qtbot, published, conn, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    one, two = published
    ui = _ui(one)
    assert ui.shared.new_action.isEnabled()
    form = InvestmentDialog(one.project.links[0], "4")
    texts = form.texts()
    assert texts["Lp."] == "4"  # the next id is proposed
    texts.update({"Nazwa zadania": "Parking", "Działki": _pid(8), "Łączne nakłady": "250 000"})
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.shared.add(texts)
    stored = load_register(conn, NAME)
    assert stored.ids == ("1", "2", "3", "4")
    assert stored.record("4")["Lp."] == 4  # typed like the column: a whole number
    assert stored.record("4")["Łączne nakłady"] == pytest.approx(250_000)
    assert stored.parcels("4") == [_pid(8)]
    assert _areas(one).loc["4", "area_m2"] == pytest.approx(10_000)
    # The same id again is refused before anything is saved.
    shown: list[str] = []
    monkeypatch.setattr(register_shared, "show_error", lambda _p, text: shown.append(text))
    ui.shared.add(texts)
    assert shown == ["Investment 4 is already in the register."]
    # Window B removes investment 2; A refreshes and no longer has it.
    monkeypatch.setattr(register_shared, "confirm_remove", lambda *_a: True)
    other = _ui(two)
    with qtbot.waitSignal(other.linked, timeout=20_000):
        other.shared.remove("2")
    assert load_register(conn, NAME).ids == ("1", "3", "4")
    with qtbot.waitSignal(ui.refreshReady, timeout=20_000) as blocker:
        ui.start_refresh(confirm=False)
    assert blocker.args[0].diff.removed == ("2",)
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.apply_refresh()
    assert list(_areas(one).index) == ["1", "3", "4"]


def test_use_suggestion_corrects_the_shared_register_for_everyone(
    qtbot, settings_dir, conn, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rejestr z literówką.xlsx"
    pd.DataFrame(
        {"Lp.": [1], "Nazwa zadania": ["Skwer"], "Działki": [f"{_pid(2)}, {UNIT}.0001.77"]}
    ).to_excel(path, index=False)
    win = _window(qtbot, settings_dir, conn)
    ui = _ui(win)
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.apply_link(LinkParameters("parcels", "id_dzialki", path))
    monkeypatch.setattr(
        register_shared, "choose_publish", lambda *a: PublishChoice(conn.name, "public", NAME)
    )
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.shared.publish_action.trigger()
    assert load_register(conn, NAME).parcels("1") == [_pid(2)]
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        ui.use_suggestion("1", f"{UNIT}.0001.77", _pid(7))
    stored = load_register(conn, NAME)
    assert stored.record("1")["Działki"] == f"{_pid(2)}, {_pid(7)}"
    assert sorted(stored.parcels("1")) == [_pid(2), _pid(7)]
    assert win.project.links[0].corrections == ()
    assert _areas(win).loc["1", "area_m2"] == pytest.approx(20_000)
    win.canvas.shutdown()


def test_opening_a_project_shows_what_others_changed(
    qtbot, published, conn, settings_dir, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from mgis.project import database_connections

    one, _two = published
    path = one.project.save(settings_dir.parent / "projekt.gpkg")
    assert database_connections(path) == [conn.name]  # asked for before opening
    save_edits(conn, NAME, [InvestmentEdit("3", 1, {"Nazwa zadania": "Park - zmiana Ewy"})],
               user="ewa")  # fmt: skip
    shown: list[list[str]] = []

    def accept(dialog: RefreshDialog) -> QDialog.DialogCode:
        shown.append(dialog.lines())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RefreshDialog, "exec", accept)
    three = _window(qtbot, settings_dir, conn)
    ui = _ui(three)
    with qtbot.waitSignal(ui.linked, timeout=20_000):
        assert three.open_project(path)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert any("Park - zmiana Ewy" in line for line in shown[0])
    qtbot.waitUntil(
        lambda: (
            AREAS_LAYER in three.project.layer_names()
            and _areas(three).loc["3", "Nazwa zadania"] == "Park - zmiana Ewy"
        ),
        timeout=20_000,
    )
    three.canvas.shutdown()
