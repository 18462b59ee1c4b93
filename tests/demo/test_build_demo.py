"""The demo town is written wherever it is asked to, also to a relative folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from mgis.cli import main
from mgis.demo import PROJECT_NAME


def test_demo_into_a_relative_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--out", ".", "--parcels", "500", "--no-gui"]) == 0
    assert (tmp_path / PROJECT_NAME).is_file()
    assert "rejestr_inwestycji.xlsx" in capsys.readouterr().out
    assert main(["demo", "--out", ".", "--parcels", "500", "--no-gui"]) == 0  # reused
