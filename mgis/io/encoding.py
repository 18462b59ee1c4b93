"""Text encoding of DBF and CSV files: what the file declares, checked against its bytes.

Polish data arrive in UTF-8, Windows-1250, ISO-8859-2 and the DOS code page 852,
and the declaration (a ``.cpg`` file, the DBF language byte) is often missing or
wrong.  The declared encoding is therefore verified against the bytes: valid UTF-8
with multibyte sequences wins, otherwise the single-byte code page that yields the
most Polish letters and the least garbage.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import numpy as np

UTF8 = "UTF-8"
CANDIDATES = ("CP1250", "ISO-8859-2", "CP852", "CP1252")
"""Single-byte code pages tried, in order of preference on a tie."""
POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
_NAMES = {
    "utf_8": UTF8,
    "cp1250": "CP1250",
    "iso8859_2": "ISO-8859-2",
    "cp852": "CP852",
    "cp1252": "CP1252",
    "latin_1": "ISO-8859-1",
    "ascii": "ASCII",
}
# DBF language driver ids (header byte 29) after the ESRI / GDAL table.
_LDID = {
    0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x08: "cp865", 0x09: "cp437",
    0x0A: "cp850", 0x0B: "cp437", 0x0D: "cp437", 0x0E: "cp850", 0x0F: "cp437",
    0x10: "cp850", 0x11: "cp437", 0x12: "cp850", 0x13: "cp932", 0x14: "cp850",
    0x15: "cp437", 0x16: "cp850", 0x17: "cp865", 0x18: "cp437", 0x19: "cp437",
    0x1A: "cp850", 0x1B: "cp437", 0x1C: "cp863", 0x1D: "cp850", 0x1F: "cp852",
    0x22: "cp852", 0x23: "cp852", 0x24: "cp860", 0x25: "cp850", 0x26: "cp866",
    0x37: "cp850", 0x40: "cp852", 0x4D: "cp936", 0x4E: "cp949", 0x4F: "cp950",
    0x50: "cp874", 0x57: "cp1252", 0x58: "cp1252", 0x59: "cp1252", 0x64: "cp852",
    0x65: "cp866", 0x66: "cp865", 0x67: "cp861", 0x6A: "cp737", 0x6B: "cp857",
    0x6C: "cp863", 0x78: "cp950", 0x79: "cp949", 0x7A: "cp936", 0x7B: "cp932",
    0x7C: "cp874", 0x86: "cp737", 0x87: "cp852", 0x88: "cp857", 0xC8: "cp1250",
    0xC9: "cp1251", 0xCA: "cp1254", 0xCB: "cp1253", 0xCC: "cp1257",
}  # fmt: skip
_CPG_ALIASES = {
    "UTF8": "utf-8", "65001": "utf-8", "88592": "iso8859-2", "88591": "latin-1",
    "LATIN2": "iso8859-2", "LATIN1": "latin-1", "ANSI": "cp1252", "OEM": "cp852",
    "MAZOVIA": "cp852",
}  # fmt: skip


@dataclass(frozen=True)
class EncodingChoice:
    """The encoding chosen for a file and the reason given to the user."""

    encoding: str
    reason: str
    uncertain: bool = False


def display_name(codec: str) -> str:
    """Return the conventional upper-case name of a Python codec (``cp1250`` → ``CP1250``)."""
    canonical = codecs.lookup(codec).name.replace("-", "_")
    return _NAMES.get(canonical, canonical.upper().replace("_", "-"))


def parse_cpg(text: str) -> str | None:
    """Translate the content of a ``.cpg`` file into an encoding name.

    Parameters
    ----------
    text : str
        Content such as ``"ANSI 1250"``, ``"1250"``, ``"UTF-8"``, ``"65001"``, ``"88592"``.

    Returns
    -------
    str | None
        Display name such as ``"CP1250"``, or ``None`` when it is not understood.
    """
    token = text.strip().strip("\0").upper().replace("ANSI ", "").replace("CODEPAGE ", "")
    token = token.strip()
    if not token:
        return None
    codec = _CPG_ALIASES.get(token.replace("-", "").replace("_", ""), token)
    if codec.isdigit():
        codec = f"cp{codec}"
    if codec.startswith("WINDOWS-"):
        codec = "cp" + codec.removeprefix("WINDOWS-")
    try:
        return display_name(codec)
    except LookupError:
        return None


def read_cpg(path: Path | None) -> tuple[str | None, str]:
    """Read a ``.cpg`` file; return its encoding (or ``None``) and its literal text."""
    if path is None or not path.is_file():
        return None, ""
    text = path.read_bytes()[:64].decode("latin-1", errors="replace").strip()
    return parse_cpg(text), text


def language_byte_encoding(value: int) -> str | None:
    """Return the encoding announced by a DBF language driver byte, ``None`` for 0/unknown."""
    codec = _LDID.get(value)
    return display_name(codec) if codec else None


@dataclass(frozen=True)
class _Evidence:
    """Counts gathered from the bytes for one candidate encoding."""

    encoding: str
    valid: bool
    polish: int
    garbage: int

    @property
    def score(self) -> int:
        return self.polish - 2 * self.garbage


def _byte_table(codec: str) -> list[str | None]:
    """Map each byte 0x80-0xFF to its character in a single-byte codec (None if undefined)."""
    table: list[str | None] = []
    for b in range(0x80, 0x100):
        try:
            table.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            table.append(None)
    return table


_TABLES = {name: _byte_table(name) for name in CANDIDATES}


def _single_byte_evidence(histogram: np.ndarray) -> list[_Evidence]:
    """Score every single-byte candidate from the histogram of high bytes."""
    result = []
    for name in CANDIDATES:
        polish = garbage = 0
        undefined = False
        for char, count in zip(_TABLES[name], histogram[0x80:], strict=True):
            if not count:
                continue
            if char is None:
                undefined = True
                garbage += int(count)
            elif char in POLISH_LETTERS:
                polish += int(count)
            elif not char.isalpha() or not char.isprintable():
                garbage += int(count)
        result.append(_Evidence(name, not undefined, polish, garbage))
    return result


def _utf8_evidence(data: bytes, histogram: np.ndarray) -> tuple[int, int, int]:
    """Return (multibyte characters, Polish letters, invalid sequences) for UTF-8."""
    try:
        data.decode("utf-8")
        invalid = 0
    except UnicodeDecodeError:
        invalid = data.decode("utf-8", errors="replace").count("\ufffd")
    multibyte = max(0, int(histogram[0xC2:0xF5].sum()) - invalid)  # UTF-8 lead bytes
    raw = np.frombuffer(data, dtype=np.uint8)
    # Counting letters only among the non-ASCII bytes keeps this fast on megabytes of text.
    high = raw[raw >= 0x80].tobytes().decode("utf-8", errors="replace")
    polish = sum(high.count(c) for c in POLISH_LETTERS)
    return multibyte, polish, invalid


def detect(data: bytes, declared: str | None, declared_by: str) -> EncodingChoice:
    """Choose the encoding of text bytes, verifying a declared one.

    Parameters
    ----------
    data : bytes
        Sampled text bytes (the character fields of a DBF, or a CSV file).
    declared : str | None
        Encoding declared by the file (``.cpg``, language byte), if any.
    declared_by : str
        Where the declaration comes from, e.g. ``".cpg 'ANSI 1250'"``; empty if none.

    Returns
    -------
    EncodingChoice
        The encoding to read with and a one-line reason for the user.
    """
    source = f"declared {declared} by {declared_by}" if declared else f"no {declared_by}"
    histogram = np.bincount(np.frombuffer(data, dtype=np.uint8), minlength=256)
    high = int(histogram[0x80:].sum())
    if high == 0:
        return EncodingChoice(declared or UTF8, f"{source}; the text is plain ASCII")
    multibyte, utf8_polish, invalid = _utf8_evidence(data, histogram)
    if multibyte > 0 and invalid * 100 <= multibyte:
        what = f"valid UTF-8 with {multibyte} multibyte characters"
        if utf8_polish:
            what += f" ({utf8_polish} Polish letters)"
        if declared in (None, UTF8):
            return EncodingChoice(UTF8, f"{source}; bytes are {what}")
        return EncodingChoice(UTF8, f"{source}, but bytes are {what}: read as UTF-8")
    if declared == UTF8:
        declared = None
        source += f", but bytes are not valid UTF-8 ({invalid} invalid sequences)"
    evidence = _single_byte_evidence(histogram)
    best = max(evidence, key=lambda e: (e.valid, e.score))
    chosen = next((e for e in evidence if e.encoding == declared), None)
    if chosen is not None and chosen.valid and chosen.score >= best.score:
        return EncodingChoice(
            chosen.encoding, f"{source}; confirmed by {chosen.polish} Polish letters in the text"
        )
    # A declaration outside the candidates (e.g. cp1251) is kept unless Polish text shows.
    if declared is not None and chosen is None and best.polish == 0:
        return EncodingChoice(declared, f"{source}; no Polish letters to contradict it")
    verb = ", but bytes look like" if declared else "; bytes look like"
    return EncodingChoice(
        best.encoding,
        f"{source}{verb} {best.encoding} ({best.polish} Polish letters, "
        f"{best.garbage} unexpected characters): read as {best.encoding}",
        uncertain=best.polish * 2 < high,  # Polish text is mostly Polish letters
    )
