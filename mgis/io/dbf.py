"""dBase (.dbf) header checks: truncation, broken field layouts and their proven repair.

GDAL trusts the field widths of a DBF header.  When a tool rewrote the header
with widths that no longer add up to the record length, every value after the
first wrong field drifts into its neighbour.  This module detects that before
GDAL reads the file, and repairs the header only when the repaired layout can
be proven against the record bytes (numbers parse, dates are dates).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, replace
from typing import IO

import numpy as np

from mgis.io.errors import MgisIOError

_DESCRIPTOR = 32
_TERMINATOR = 0x0D
_NUMERIC = re.compile(rb"^ *[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)? *$|^[ *]*$")
_DATE = re.compile(rb"^(\d{8}| {8}|0{8})$")
_LOGICAL = frozenset(b"YyNnTtFf? ")
MAX_SAMPLE = 4 * 1024 * 1024
"""Bytes of records sampled for checks and encoding detection (head and tail)."""


@dataclass(frozen=True)
class DbfField:
    """One field descriptor of a DBF header."""

    name: str
    type: str
    length: int
    decimals: int


@dataclass(frozen=True)
class DbfHeader:
    """The parts of a DBF header that matter for reading it."""

    version: int
    record_count: int
    header_length: int
    record_length: int
    language_byte: int
    fields: tuple[DbfField, ...]

    @property
    def fields_length(self) -> int:
        """Record length implied by the field widths (deletion flag included)."""
        return 1 + sum(f.length for f in self.fields)

    def char_byte_positions(self) -> np.ndarray:
        """Byte offsets within a record of all character-field bytes."""
        positions: list[np.ndarray] = []
        offset = 1
        for f in self.fields:
            if f.type in "CV":
                positions.append(np.arange(offset, offset + f.length))
            offset += f.length
        if not positions:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(positions)


def parse_header(data: bytes, name: str) -> DbfHeader:
    """Parse the DBF header at the start of ``data``.

    Parameters
    ----------
    data : bytes
        The first bytes of the file (at least the whole header).
    name : str
        File name used in error messages.

    Returns
    -------
    DbfHeader
        The parsed header.

    Raises
    ------
    MgisIOError
        If the bytes are not a dBase header.
    """
    if len(data) < _DESCRIPTOR:
        raise MgisIOError(
            f"{name}: the attribute table (.dbf) is empty or truncated ({len(data)} bytes). "
            "Copy or export the file again."
        )
    count, header_length, record_length = struct.unpack("<IHH", data[4:12])
    fields: list[DbfField] = []
    pos = _DESCRIPTOR
    while pos + _DESCRIPTOR <= min(len(data), header_length) and data[pos] != _TERMINATOR:
        raw = data[pos : pos + _DESCRIPTOR]
        field_name = raw[:11].split(b"\0", 1)[0].decode("latin-1").strip()
        fields.append(DbfField(field_name, chr(raw[11]), raw[16], raw[17]))
        pos += _DESCRIPTOR
    if header_length < _DESCRIPTOR or record_length < 1 or len(data) < min(header_length, pos):
        raise MgisIOError(
            f"{name}: the .dbf header is damaged (header length {header_length}, "
            f"record length {record_length}). Export the layer again from the source program."
        )
    return DbfHeader(data[0], count, header_length, record_length, data[29], tuple(fields))


def read_header(fh: IO[bytes], name: str) -> tuple[DbfHeader, bytes]:
    """Read a DBF header from an open binary file positioned at its start.

    Parameters
    ----------
    fh : IO[bytes]
        The open .dbf file (a plain file or a member of a zip archive).
    name : str
        File name used in error messages.

    Returns
    -------
    tuple[DbfHeader, bytes]
        The header and the raw header bytes.
    """
    head = fh.read(65536)
    header = parse_header(head, name)
    if len(head) < header.header_length:
        head += fh.read(header.header_length - len(head))
    return header, head[: header.header_length]


def sample_records(fh: IO[bytes], header: DbfHeader, size: int) -> np.ndarray:
    """Return up to :data:`MAX_SAMPLE` bytes of whole records (head and tail) as a 2-D array."""
    rl = header.record_length
    available = max(0, min(header.record_count, (size - header.header_length) // rl))
    per_part = max(1, MAX_SAMPLE // 2 // rl)
    chunks: list[bytes] = []
    fh.seek(header.header_length)
    head_n = min(available, per_part)
    chunks.append(fh.read(head_n * rl))
    tail_n = min(available - head_n, per_part)
    if tail_n > 0:
        fh.seek(header.header_length + (available - tail_n) * rl)
        chunks.append(fh.read(tail_n * rl))
    data = b"".join(chunks)
    usable = len(data) // rl * rl
    return np.frombuffer(data[:usable], dtype=np.uint8).reshape(-1, rl)


def check_truncated(header: DbfHeader, size: int, name: str) -> None:
    """Raise a clear error when the file holds fewer records than its header announces."""
    expected = header.header_length + header.record_count * header.record_length
    if size < expected:
        complete = max(0, (size - header.header_length) // header.record_length)
        raise MgisIOError(
            f"{name}: the attribute table is truncated: its header announces "
            f"{header.record_count} records of {header.record_length} bytes "
            f"({expected} bytes), but the file has only {size} bytes "
            f"({complete} complete records). The file was cut off while copying or "
            "downloading; copy or export it again."
        )


def propose_repair(header: DbfHeader, records: np.ndarray) -> tuple[DbfHeader | None, str]:
    """Return a header whose field widths add up to the record length, if one can be proven.

    The one known cause is a tool that rewrote 255-byte text fields as 254 bytes:
    the missing bytes then equal the number of 254-byte text fields.  The repaired
    layout is accepted only if every numeric, date and logical value in the sampled
    records parses and every record starts with a valid deletion flag.  The second
    item of the result explains a refusal.
    """
    missing = header.record_length - header.fields_length
    short = [i for i, f in enumerate(header.fields) if f.type == "C" and f.length == 254]
    if missing <= 0 or missing != len(short):
        return None, "no consistent field layout fits the record length"
    fields = list(header.fields)
    for i in short:
        fields[i] = replace(fields[i], length=255)
    candidate = replace(header, fields=tuple(fields))
    misfits = misfit_records(candidate, records)
    if misfits or len(records) == 0:
        return None, (
            f"even with 255-byte text fields, {misfits} of {len(records)} checked records "
            "hold numbers or dates that do not parse"
        )
    return candidate, ""


def misfit_records(header: DbfHeader, records: np.ndarray) -> int:
    """Count records whose numeric, date and logical fields do not parse under ``header``."""
    bad = ~np.isin(records[:, 0], (0x20, 0x2A))
    offset = 1
    for f in header.fields:
        column = records[:, offset : offset + f.length]
        offset += f.length
        if f.type not in "NFDL":
            continue
        values, inverse = np.unique(column, axis=0, return_inverse=True)
        ok = np.array([_value_parses(f.type, bytes(v)) for v in values], dtype=bool)
        bad |= ~ok[inverse.ravel()]
    return int(bad.sum())


def _value_parses(kind: str, value: bytes) -> bool:
    """Tell whether a raw numeric, date or logical DBF value is well formed."""
    if kind in "NF":
        return _NUMERIC.match(value) is not None
    if kind == "D":
        return _DATE.match(value) is not None
    return set(value) <= _LOGICAL


def repaired_header_bytes(raw_header: bytes, header: DbfHeader) -> bytes:
    """Write the field widths of ``header`` into a copy of the raw header bytes."""
    out = bytearray(raw_header)
    offset = 1
    for i, f in enumerate(header.fields):
        pos = _DESCRIPTOR + i * _DESCRIPTOR
        out[pos + 16] = f.length
        out[pos + 12 : pos + 16] = struct.pack("<I", offset)
        offset += f.length
    return bytes(out)


def mismatch_message(header: DbfHeader, name: str, detail: str) -> str:
    """Describe a header whose field widths do not match its record length."""
    return (
        f"{name}: the attribute table (.dbf) is damaged: its {len(header.fields)} field "
        f"widths add up to {header.fields_length} bytes per record, but the header says "
        f"each record has {header.record_length} bytes, so values would land in the wrong "
        f"columns. mgis could not prove a safe repair ({detail}); export the layer again from the "
        "source program (or open it in QGIS and save it as GeoPackage)."
    )
