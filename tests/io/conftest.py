"""Shared helpers for the mgis.io tests: the shared real-data folder and tiny DBF files."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture
def shared() -> Path:
    """Return ../shared/data, skipping the test when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not available")
    return SHARED


@pytest.fixture
def make_dbf() -> object:
    """Return the :func:`build_dbf` helper."""
    return build_dbf


def build_dbf(
    fields: list[tuple[str, str, int]],
    rows: list[list[str]],
    *,
    declared_widths: list[int] | None = None,
    encoding: str = "cp1250",
    language_byte: int = 0,
) -> bytes:
    """Build a dBase III file; ``declared_widths`` writes other widths into the header."""
    record_length = 1 + sum(width for _, _, width in fields)
    header_length = 32 + 32 * len(fields) + 1
    out = bytearray(struct.pack("<BBBBIHH", 3, 124, 1, 1, len(rows), header_length, record_length))
    out += bytes(17) + bytes([language_byte]) + bytes(2)
    widths = declared_widths or [width for _, _, width in fields]
    for (name, kind, _), width in zip(fields, widths, strict=True):
        out += name.encode("ascii").ljust(11, b"\0") + kind.encode("ascii") + bytes(4)
        out += bytes([width, 0]) + bytes(14)
    out += b"\r"
    for row in rows:
        out += b" "
        for (_, kind, width), value in zip(fields, row, strict=True):
            raw = value.encode(encoding)
            out += raw.rjust(width) if kind == "N" else raw.ljust(width)
    out += b"\x1a"
    return bytes(out)
