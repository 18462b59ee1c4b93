"""The investment register shared in PostGIS by several mgis instances (processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from mgis.io import MgisIOError
from mgis.io.pg_connect import PgConnection
from mgis.io.pg_register import (
    InvestmentEdit,
    RegisterConflictError,
    list_registers,
    load_register,
    publish_register,
    save_edits,
)
from mgis.layers.register import ColumnMapping, Register

from .postgis_server import PgServer, pg_server

__all__ = ["pg_server"]

ROOT = Path(__file__).resolve().parents[1]


def register() -> Register:
    frame = pd.DataFrame(
        {
            "Lp.": [1, 2, 3],
            "Nazwa zadania": ["Budowa ul. Polnej", "Przebudowa szkoły", "Park miejski"],
            "Działki": ["12/3, 12/4", "45", "7/1"],
            "Obręb": ["0001", "0001", "0002"],
            "Łączne nakłady": [1_200_000.0, 3_500_000.0, 800_000.0],
        }
    )
    return Register.from_frame(frame)


def links() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "investment_id": ["1", "1", "2", "3"],
            "parcel_id": ["0001.12/3", "0001.12/4", "0001.45", "0002.7/1"],
        }
    )


@pytest.fixture
def conn(pg_server: PgServer) -> PgConnection:
    return pg_server.connection()


def test_publish_and_load_round_trip(conn: PgConnection) -> None:
    reg = register()
    shared = publish_register(conn, "WPI round trip", reg, links(), source="wpi.xlsx", user="anna")
    assert "WPI round trip" in list_registers(conn)
    again = Register.from_records(
        shared.records, shared.columns, ColumnMapping.from_dict(shared.mapping)
    )
    assert again.ids == reg.ids == ("1", "2", "3")
    assert again.frame["Nazwa zadania"].tolist() == reg.frame["Nazwa zadania"].tolist()
    assert again.mapping == reg.mapping
    assert shared.parcels("1") == ["0001.12/3", "0001.12/4"]
    assert shared.versions["2"].version == 1
    assert shared.versions["2"].changed_by == "anna"
    with pytest.raises(MgisIOError, match="already in the database"):
        publish_register(conn, "WPI round trip", reg)
    replaced = publish_register(conn, "WPI round trip", reg, replace=True, user="jan")
    assert replaced.links.empty
    assert replaced.versions["1"].changed_by == "jan"


def test_edit_bumps_the_version_and_a_stale_edit_is_refused(conn: PgConnection) -> None:
    publish_register(conn, "WPI edits", register(), links())
    first = load_register(conn, "WPI edits")
    second = load_register(conn, "WPI edits")
    edit = InvestmentEdit(
        "2", first.version("2"), {"Łączne nakłady": 3_900_000.0}, ("0001.45", "0001.46")
    )
    assert save_edits(conn, "WPI edits", [edit], user="anna") == {"2": 2}
    stale = [
        InvestmentEdit("1", second.version("1"), {"Nazwa zadania": "Budowa ul. Polnej II"}),
        InvestmentEdit("2", second.version("2"), {"Łączne nakłady": 1.0}),
    ]
    with pytest.raises(RegisterConflictError) as caught:
        save_edits(conn, "WPI edits", stale, user="jan")
    message = str(caught.value)
    assert "Investment 2 (Przebudowa szkoły) was changed by anna at" in message
    assert "not saved" in message
    assert caught.value.changed_by == "anna"
    assert caught.value.investment_id == "2"
    now = load_register(conn, "WPI edits")
    assert now.record("1")["Nazwa zadania"] == "Budowa ul. Polnej"  # the whole save was refused
    assert now.record("2")["Łączne nakłady"] == 3_900_000.0
    assert now.parcels("2") == ["0001.45", "0001.46"]
    assert now.version("2") == 2
    assert now.version("1") == 1
    with pytest.raises(MgisIOError, match="no column"):
        save_edits(conn, "WPI edits", [InvestmentEdit("1", 1, {"Nope": 1})])


def test_add_and_remove_investments(conn: PgConnection) -> None:
    publish_register(conn, "WPI add", register())
    new = InvestmentEdit("4", 0, {"Lp.": 4, "Nazwa zadania": "Ścieżka rowerowa"}, ("0002.9",))
    save_edits(conn, "WPI add", [new], user="ewa")
    with pytest.raises(RegisterConflictError, match="was added by ewa"):
        save_edits(conn, "WPI add", [new])
    shared = load_register(conn, "WPI add")
    assert shared.ids == ("1", "2", "3", "4")
    save_edits(conn, "WPI add", [InvestmentEdit("3", shared.version("3"), delete=True)])
    with pytest.raises(RegisterConflictError, match="removed by another user"):
        save_edits(conn, "WPI add", [InvestmentEdit("3", 1, {"Lp.": 3})])
    assert load_register(conn, "WPI add").ids == ("1", "2", "4")


INSTANCE = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from mgis.io.pg_connect import PgConnection
    from mgis.io.pg_register import InvestmentEdit, RegisterConflictError, load_register, save_edits

    conn = PgConnection(**json.loads(sys.argv[1]))
    user, folder, title = sys.argv[2], Path(sys.argv[3]), sys.argv[4]
    shared = load_register(conn, "WPI shared")
    seen = shared.record("1")["Nazwa zadania"]
    (folder / f"{user}.ready").write_text(str(shared.version("1")))
    while not (folder / "go").exists():
        time.sleep(0.01)
    edit = InvestmentEdit("1", shared.version("1"), {"Nazwa zadania": title})
    try:
        result = {"saved": save_edits(conn, "WPI shared", [edit], user=user)["1"]}
    except RegisterConflictError as exc:
        result = {"refused": str(exc)}
    result["seen"] = seen
    result["after_refresh"] = load_register(conn, "WPI shared").record("1")["Nazwa zadania"]
    print(json.dumps(result))
    """
)


def _instance(conn: PgConnection, user: str, folder: Path, title: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", INSTANCE, json.dumps(conn.to_dict()), user, str(folder), title],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _run_pair(
    conn: PgConnection, folder: Path, titles: dict[str, str]
) -> dict[str, dict[str, object]]:
    folder.mkdir()
    procs = {user: _instance(conn, user, folder, title) for user, title in titles.items()}
    deadline = time.monotonic() + 60
    while not all((folder / f"{u}.ready").exists() for u in procs):
        assert time.monotonic() < deadline, "the mgis instances did not start"
        assert all(p.poll() is None for p in procs.values()), [
            p.communicate() for p in procs.values()
        ]
        time.sleep(0.02)
    (folder / "go").write_text("")
    out = {}
    for user, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 0, stderr
        out[user] = json.loads(stdout.strip().splitlines()[-1])
    return out


def test_two_instances_share_the_register(conn: PgConnection, tmp_path: Path) -> None:
    publish_register(conn, "WPI shared", register(), links(), user="setup")
    # One instance edits; the other sees the edit after a refresh.
    one = _run_pair(conn, tmp_path / "one", {"anna": "Budowa ul. Polnej - etap I"})
    assert one["anna"]["saved"] == 2
    two = _run_pair(conn, tmp_path / "two", {"jan": "Budowa ul. Polnej - etap II"})
    assert two["jan"]["seen"] == "Budowa ul. Polnej - etap I"
    # Both instances edit the same investment at the same moment: one is refused, clearly.
    both = _run_pair(conn, tmp_path / "both", {"ewa": "Wersja Ewy", "piotr": "Wersja Piotra"})
    saved = [u for u, r in both.items() if "saved" in r]
    refused = [u for u, r in both.items() if "refused" in r]
    assert len(saved) == 1
    assert len(refused) == 1
    message = str(both[refused[0]]["refused"])
    winner = "Wersja Ewy" if saved[0] == "ewa" else "Wersja Piotra"
    assert f"Investment 1 ({winner}) was changed by {saved[0]} at" in message
    assert "not saved" in message
    assert both[refused[0]]["after_refresh"] == winner
    final = load_register(conn, "WPI shared")
    assert final.record("1")["Nazwa zadania"] == winner
    assert final.version("1") == 4
    assert final.versions["1"].changed_by == saved[0]
