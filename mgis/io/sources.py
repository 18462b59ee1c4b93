"""Locating what GDAL should open: zip members, shapefile sidecars, checked and repaired DBFs.

Nothing here writes beside the user's files: a DBF that needs a repaired header
is copied, with its sidecars, into a temporary folder that is removed after reading.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from mgis.io import dbf
from mgis.io.encoding import EncodingChoice, detect, language_byte_encoding, parse_cpg
from mgis.io.errors import MgisIOError

DATA_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".gml", ".xml", ".kml", ".dxf", ".dbf")
SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
GML_SUFFIXES = (".gml", ".xml")


@dataclass
class Prepared:
    """What to hand to GDAL for one user path, and what was found on the way."""

    ogr_path: str
    display_name: str
    is_gml: bool = False
    encoding: EncodingChoice | None = None
    warnings: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    member: str | None = None


Opener = Callable[[str], IO[bytes]]


def find_sidecar(path: Path, suffix: str) -> Path | None:
    """Return the file beside ``path`` with ``suffix`` in any letter case, if it exists."""
    exact = path.with_suffix(suffix)
    if exact.is_file():
        return exact
    upper = path.with_suffix(suffix.upper())
    if upper.is_file():
        return upper
    stem = path.stem.lower()
    for candidate in path.parent.iterdir():
        if candidate.stem.lower() == stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def zip_members(path: Path) -> list[str]:
    """List the data files inside a zip archive (shapefiles, GeoPackages, GeoJSON …)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except zipfile.BadZipFile as exc:
        raise MgisIOError(
            f"{path.name}: the zip archive is damaged ({exc}). Download or pack it again."
        ) from exc
    data = [n for n in names if Path(n).suffix.lower() in DATA_SUFFIXES]
    has_shp = {
        Path(n).with_suffix("").as_posix().lower() for n in data if n.lower().endswith(".shp")
    }
    data = [
        n
        for n in data
        if not (
            n.lower().endswith(".dbf") and Path(n).with_suffix("").as_posix().lower() in has_shp
        )
        and not n.lower().endswith(".shp.xml")
    ]
    if not data:
        raise MgisIOError(
            f"{path.name}: the zip archive holds no GIS data file (.shp, .gpkg, .geojson, "
            ".gml, .kml). Unpack it and open the data file directly."
        )
    return data


def _check_shp(fh: IO[bytes], size: int, name: str) -> None:
    """Raise when a .shp is not a shapefile or is shorter than its header says."""
    head = fh.read(100)
    if len(head) < 100 or struct.unpack(">i", head[:4])[0] != 9994:
        raise MgisIOError(
            f"{name}: this is not a valid shapefile (the .shp header is missing or damaged). "
            "Copy or export the file again."
        )
    declared = struct.unpack(">i", head[24:28])[0] * 2
    if size < declared:
        raise MgisIOError(
            f"{name}: the shapefile is truncated: its header says {declared} bytes, but the "
            f".shp has only {size} bytes. The file was cut off while copying or downloading; "
            "copy or export it again."
        )


def _dbf_encoding(
    header: dbf.DbfHeader, records: bytes, cpg_text: str | None, override: str | None
) -> EncodingChoice:
    """Choose the DBF encoding from the user, the .cpg, the language byte and the bytes."""
    if override:
        return EncodingChoice(override, "given by the user")
    if cpg_text is not None and parse_cpg(cpg_text):
        return detect(records, parse_cpg(cpg_text), f".cpg {cpg_text!r}")
    from_byte = language_byte_encoding(header.language_byte)
    prefix = "no .cpg; " if cpg_text is None else f"unreadable .cpg {cpg_text!r}; "
    if from_byte:
        by = f"DBF language byte 0x{header.language_byte:02X}"
        choice = detect(records, from_byte, by)
    else:
        choice = detect(records, None, "DBF language byte")
    return EncodingChoice(choice.encoding, prefix + choice.reason)


@dataclass
class _DbfCheck:
    """Outcome of checking one DBF: encoding and, if needed, a repaired header."""

    encoding: EncodingChoice
    repaired_header: bytes | None = None
    note: str = ""


def _check_dbf(
    open_dbf: Callable[[], IO[bytes]],
    size: int,
    name: str,
    cpg_text: str | None,
    override: str | None,
) -> _DbfCheck:
    """Check a DBF for truncation and a broken layout, and choose its encoding."""
    with open_dbf() as fh:
        header, raw = dbf.read_header(fh, name)
        dbf.check_truncated(header, size, name)
        records = dbf.sample_records(fh, header, size)
    repaired: bytes | None = None
    note = ""
    if header.fields_length != header.record_length:
        candidate, detail = dbf.propose_repair(header, records)
        if candidate is None:
            raise MgisIOError(dbf.mismatch_message(header, name, detail))
        repaired = dbf.repaired_header_bytes(raw, candidate)
        note = (
            f"{name}: the .dbf header gave 254-byte text fields in 255-byte slots "
            f"({header.fields_length} vs {header.record_length} bytes per record); "
            "read with the corrected layout (all numbers and dates verified)"
        )
        header = candidate
    sample = records[:, header.char_byte_positions()].tobytes()
    return _DbfCheck(_dbf_encoding(header, sample, cpg_text, override), repaired, note)


@contextmanager
def prepare(path: Path, layer: str | None, encoding: str | None) -> Iterator[Prepared]:
    """Work out what GDAL should open for ``path``; clean up temporary copies afterwards.

    Parameters
    ----------
    path : Path
        The user's file (shapefile, lone DBF, zip, GeoPackage, GML …).
    layer : str, optional
        For a zip with several data files: the member (or its stem) to read.
    encoding : str, optional
        Encoding forced by the user for DBF attributes.

    Yields
    ------
    Prepared
        The GDAL path and the findings (encoding, warnings).
    """
    suffix = path.suffix.lower()
    with tempfile.TemporaryDirectory(prefix="mgis-") as tmp:
        if suffix == ".zip":
            yield _prepare_zip(path, layer, encoding, Path(tmp))
        elif suffix in (".shp", ".dbf"):
            yield _prepare_shapefile(path, encoding, Path(tmp))
        else:
            yield Prepared(str(path), path.name, is_gml=suffix in GML_SUFFIXES)


def _prepare_shapefile(path: Path, encoding: str | None, tmp: Path) -> Prepared:
    """Check a local shapefile (or lone DBF) and its sidecars."""
    prepared = Prepared(str(path), path.name)
    is_dbf = path.suffix.lower() == ".dbf"
    if not is_dbf:
        with path.open("rb") as fh:
            _check_shp(fh, path.stat().st_size, path.name)
        if find_sidecar(path, ".shx") is None:
            raise MgisIOError(
                f"{path.name}: the index file {path.stem}.shx is missing. Copy all files of "
                "the shapefile (.shp, .shx, .dbf, .prj, .cpg) into the same folder."
            )
    dbf_path = path if is_dbf else find_sidecar(path, ".dbf")
    if dbf_path is None:
        prepared.warnings.append(
            f"{path.stem}.dbf is missing: geometries are read without attributes"
        )
        return prepared
    cpg = find_sidecar(path, ".cpg")
    cpg_text = cpg.read_bytes()[:64].decode("latin-1").strip() if cpg else None
    check = _check_dbf(
        lambda: dbf_path.open("rb"), dbf_path.stat().st_size, dbf_path.name, cpg_text, encoding
    )
    prepared.encoding = check.encoding
    if check.repaired_header is not None:
        target = tmp / path.name
        for suffix in SIDECARS:
            side = find_sidecar(path, suffix)
            if side is not None and side != dbf_path:
                shutil.copyfile(side, target.with_suffix(suffix))
        _write_repaired(dbf_path.open("rb"), check.repaired_header, target.with_suffix(".dbf"))
        prepared.ogr_path = str(target.with_suffix(path.suffix.lower()))
        prepared.warnings.append(check.note)
    return prepared


def _write_repaired(source: IO[bytes], header: bytes, target: Path) -> None:
    """Copy a DBF with a replaced header into ``target``."""
    with source, target.open("wb") as out:
        source.seek(len(header))
        out.write(header)
        shutil.copyfileobj(source, out)


def _prepare_zip(path: Path, layer: str | None, encoding: str | None, tmp: Path) -> Prepared:
    """Choose the member of a zip archive to read and check it like a local file."""
    members = zip_members(path)
    member = members[0]
    if layer is not None:
        wanted = [m for m in members if layer in (m, Path(m).name, Path(m).stem)]
        if wanted:
            member = wanted[0]
    prepared = Prepared(
        f"/vsizip/{path.resolve().as_posix()}/{member}",
        f"{path.name}/{member}",
        is_gml=Path(member).suffix.lower() in GML_SUFFIXES,
        members=members,
        member=member,
    )
    if Path(member).suffix.lower() not in (".shp", ".dbf"):
        return prepared
    with zipfile.ZipFile(path) as archive:
        infos = {i.filename.lower(): i for i in archive.infolist()}
        base = Path(member).with_suffix("").as_posix()

        def find(suffix: str) -> zipfile.ZipInfo | None:
            return infos.get((base + suffix).lower())

        shp = find(".shp")
        if shp is not None:
            with archive.open(shp) as fh:
                _check_shp(fh, shp.file_size, Path(member).name)
        dbf_info = find(".dbf")
        if dbf_info is None:
            prepared.warnings.append(
                f"{Path(base).name}.dbf is missing: geometries are read without attributes"
            )
            return prepared
        cpg = find(".cpg")
        cpg_text = archive.read(cpg)[:64].decode("latin-1").strip() if cpg else None
        check = _check_dbf(
            lambda: archive.open(dbf_info),
            dbf_info.file_size,
            Path(dbf_info.filename).name,
            cpg_text,
            encoding,
        )
        prepared.encoding = check.encoding
        if check.repaired_header is not None:
            target = tmp / Path(member).name
            for suffix in SIDECARS:
                info = find(suffix)
                if info is not None and info is not dbf_info:
                    target.with_suffix(suffix).write_bytes(archive.read(info))
            _write_repaired(
                archive.open(dbf_info), check.repaired_header, target.with_suffix(".dbf")
            )
            prepared.ogr_path = str(target)
            prepared.warnings.append(check.note)
    return prepared
