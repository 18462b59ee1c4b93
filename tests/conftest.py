"""Fixtures shared by all tests: the real-data folder and external tools."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

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
