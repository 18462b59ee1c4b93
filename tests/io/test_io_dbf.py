from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mgis.io import MgisIOError, read_layer

FIELDS = [("NAZWA", "C", 255), ("TERYT", "C", 255), ("LUDNOSC", "N", 10), ("OD", "D", 8)]
ROWS = [
    ["powiat łęczycki", "1004", "51000", "20120926"],
    ["powiat żniński", "0419", "70000", "20120926"],
    ["powiat średzki", "3025", "57000", "        "],
]


def test_header_with_254_byte_text_fields_is_repaired(tmp_path: Path, make_dbf: Any) -> None:
    path = tmp_path / "powiaty.dbf"
    path.write_bytes(make_dbf(FIELDS, ROWS, declared_widths=[254, 254, 10, 8]))
    original = path.read_bytes()
    frame, report = read_layer(path)
    assert frame["NAZWA"].tolist() == [row[0] for row in ROWS]
    assert frame["TERYT"].tolist() == ["1004", "0419", "3025"]
    assert frame["LUDNOSC"].tolist() == [51000, 70000, 57000]
    assert any("corrected layout" in w for w in report.warnings)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["powiaty.dbf"]


def test_unprovable_layout_is_refused(tmp_path: Path, make_dbf: Any) -> None:
    path = tmp_path / "zepsute.dbf"
    # Widths declared 250 instead of 255: no known cause, values would drift.
    path.write_bytes(make_dbf(FIELDS, ROWS, declared_widths=[250, 250, 10, 8]))
    with pytest.raises(MgisIOError, match=r"zepsute\.dbf.*widths add up to 519.*529"):
        read_layer(path)


def test_truncated_dbf_is_refused(tmp_path: Path, make_dbf: Any) -> None:
    path = tmp_path / "uciete.dbf"
    data = make_dbf(FIELDS, ROWS)
    path.write_bytes(data[: len(data) - 300])
    with pytest.raises(MgisIOError, match=r"uciete\.dbf.*truncated"):
        read_layer(path)
