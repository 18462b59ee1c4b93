"""Fixtures shared by all tests: the real-data folder and external tools."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# Tests never need a screen: Qt draws offscreen (the Xvfb test starts its own display).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real files with real defects in ``../shared/data``; skip when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present beside the repository")
    return SHARED_DATA


def _find_tool(name: str) -> str:
    """Return the path of an external program, skipping (or failing in CI) when missing."""
    found = shutil.which(name)
    if found:
        return found
    message = f"'{name}' is not installed (Debian package: see .ci/run)"
    if os.environ.get("MGIS_REQUIRE_TOOLS"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def require_tool() -> Callable[[str], str]:
    """Look up an external program such as ``ogrinfo``; see ``_find_tool``."""
    return _find_tool


@pytest.fixture(autouse=True)
def _no_blocking_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answer modal dialogs at once: one left open would hang the whole run.

    Message boxes answer Discard/Ok, other dialogs are rejected and file dialogs
    cancelled. Tests that check a dialog patch it themselves; their patch,
    applied later or on the subclass, wins.
    """
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([], ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    button = QMessageBox.StandardButton
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: button.Discard)
    for name in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: button.Ok)
