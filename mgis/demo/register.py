"""The investment register (WPF style) of the demo town and its legacy exports.

Registers kept by town offices name parcels loosely: ``123/4; 125, 0002.77``,
``obr. 2 dz. 15/3``, one per line, joined with `` i ``; some entries have
typos or name parcels that do not exist. :func:`make_register` reproduces
that, and keeps the ground truth for tests of parsers.
"""

from __future__ import annotations

import csv
import math
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from mgis.demo import names

if TYPE_CHECKING:
    from mgis.demo.town import DemoTown

YEARS = (2025, 2026, 2027, 2028)
CURRENT_YEAR = 2025
COLUMNS = (
    "Lp.", "Nazwa zadania", "Jednostka realizująca", "Status", "Rok rozpoczęcia",
    "Rok zakończenia", "Łączne nakłady", *(f"Limit {y}" for y in YEARS),
    "Źródło finansowania", "Działki", "Obręb",
)  # fmt: skip
SOURCES = (
    "budżet gminy", "budżet gminy", "budżet gminy", "RPO WP 2021\u20132027", "KPO",
    "Rządowy Fundusz Polski Ład", "Rządowy Fundusz Rozwoju Dróg", "WFOŚiGW w Poznaniu",
)  # fmt: skip
STREET_TASKS = (  # (name template, department, PLN per metre low, high, weight)
    ("Przebudowa {u} wraz z chodnikami", "Wydział Inwestycji", 2500, 6000, 4),
    ("Budowa {u} \u2013 etap II", "Zarząd Dróg Miejskich", 3000, 7000, 2),
    ("Remont nawierzchni {u}", "Zarząd Dróg Miejskich", 600, 1500, 2),
    ("Budowa kanalizacji sanitarnej w {u}", "Wydział Gospodarki Komunalnej", 900, 2200, 2),
    ("Modernizacja oświetlenia ulicznego w {u}", "Wydział Gospodarki Komunalnej", 150, 400, 1),
    ("Budowa ścieżki rowerowej wzdłuż {u}", "Wydział Inwestycji", 700, 1600, 1),
)  # fmt: skip
AREA_TASKS = (  # (name template, department, PLN low, high, weight, kind)
    ("Termomodernizacja budynku {s}", "Wydział Edukacji", 1.5e6, 8e6, 2, "school"),
    ("Rozbudowa {s} o salę gimnastyczną", "Wydział Inwestycji", 4e6, 12e6, 1, "school"),
    ("Budowa placu zabaw przy {k}", "Wydział Edukacji", 2e5, 8e5, 1, "kinder"),
    ("Rewitalizacja \u2013 {g}", "Zarząd Zieleni Miejskiej", 1e6, 6e6, 2, "green"),
    ("Budowa boiska wielofunkcyjnego przy {a}", "MOSiR", 6e5, 2.5e6, 1, "cluster"),
    ("Budowa budynku komunalnego przy {a}", "Wydział Gospodarki Nieruchomościami",
     5e6, 1.5e7, 1, "cluster"),
    ("Uzbrojenie terenów inwestycyjnych przy {a}", "Wydział Rozwoju Gospodarczego",
     2e6, 9e6, 1, "cluster"),
)  # fmt: skip


@dataclass
class Entry:
    """One register row before formatting: parcel indices and money."""

    name: str
    department: str
    parcels: list[int]
    total: float


def _street_parcels(
    street: str,
    layers: dict[str, gpd.GeoDataFrame],
    tree: shapely.STRtree,
    is_road: NDArray[np.bool_],
    rng: np.random.Generator,
) -> tuple[list[int], float]:
    """Pick a contiguous run of road parcels along ``street`` (plus a few frontage plots)."""
    st = layers["streets"]
    segs = st.geometry.to_numpy()[st["nazwa"].to_numpy() == street]
    if segs.size == 0:
        return [], 0.0
    mids = shapely.get_coordinates(shapely.centroid(segs))
    axis = mids - mids.mean(axis=0)
    order = np.argsort(axis[:, 0] * 0.6 + axis[:, 1] * 0.4)
    run = int(rng.integers(2, 9))
    start = int(rng.integers(0, max(1, segs.size - run + 1)))
    part = segs[order[start : start + run]]
    _, hit = tree.query(part, predicate="intersects")
    hit = np.unique(hit)
    roads = hit[is_road[hit]]
    _, near = tree.query(part, predicate="dwithin", distance=14.0)
    front = np.setdiff1d(np.unique(near), roads)
    extra = (
        rng.choice(front, size=min(front.size, int(rng.integers(0, 4))), replace=False)
        if front.size
        else front
    )
    chosen = np.concatenate([roads[:12], extra]).astype(int).tolist()
    return chosen, float(shapely.length(part).sum())


def _cluster(centres: NDArray[np.float64], kd: cKDTree, seed_idx: int, size: int) -> list[int]:
    """``size`` parcels nearest to parcel ``seed_idx``."""
    _, idx = kd.query(centres[seed_idx], k=size)
    return sorted({int(i) for i in np.atleast_1d(idx)})


@dataclass
class _Lookup:
    """Spatial indexes over the town shared by the entry builders."""

    layers: dict[str, gpd.GeoDataFrame]
    category: NDArray[np.str_]
    centres: NDArray[np.float64]
    kd: cKDTree
    tree: shapely.STRtree
    street_tree: shapely.STRtree
    is_road: NDArray[np.bool_]


def _area_entry(look: _Lookup, rng: np.random.Generator) -> Entry:
    """Draw a non-road investment: a school, kindergarten, park or a cluster of plots."""
    w = np.array([t[4] for t in AREA_TASKS], float)
    a = AREA_TASKS[int(rng.choice(len(AREA_TASKS), p=w / w.sum()))]
    kind, layers = a[5], look.layers
    plist: list[int] = []
    if kind in ("school", "kinder"):
        layer = layers["schools" if kind == "school" else "kindergartens"]
        j = int(rng.integers(0, len(layer)))
        pt = layer.geometry.iloc[j]
        seed_idx = int(look.kd.query([pt.x, pt.y])[1])
        label = str(layer["nazwa"].iloc[j])
        dative = label.replace("Przedszkole Miejskie", "Przedszkolu Miejskim")
        name = a[0].format(
            s=label.replace("Szkoła Podstawowa", "Szkoły Podstawowej"),
            k=dative.replace("Przedszkole nr", "Przedszkolu nr"),
        )
        plist = _cluster(look.centres, look.kd, seed_idx, int(rng.integers(1, 3)))
    elif kind == "green" and len(layers["green_areas"]):
        g = layers["green_areas"]
        j = int(rng.integers(0, min(len(g), 4)))
        inside = look.tree.query(g.geometry.iloc[j], predicate="contains_properly")
        if inside.size:
            plist = sorted(rng.choice(inside, min(inside.size, 12), replace=False).tolist())
        name = a[0].format(g=str(g["nazwa"].iloc[j]))
    else:
        pool = np.flatnonzero(np.isin(look.category, ["MN", "MW", "U", "P"]))
        seed_idx = int(rng.choice(pool))
        plist = _cluster(look.centres, look.kd, seed_idx, int(rng.integers(2, 7)))
        geom = layers["parcels"].geometry.iloc[seed_idx]
        seg = look.street_tree.query_nearest(geom, all_matches=False)
        street = str(layers["streets"]["nazwa"].iloc[int(seg[0])])
        name = a[0].format(a=names.genitive(street))
    if not plist:
        plist = _cluster(look.centres, look.kd, int(rng.integers(0, look.centres.shape[0])), 4)
    return Entry(name, a[1], plist, float(rng.uniform(a[2], a[3])))


def _entries(
    layers: dict[str, gpd.GeoDataFrame],
    category: NDArray[np.str_],
    rows: int,
    rng: np.random.Generator,
) -> list[Entry]:
    """Draw the register entries with their parcels (indices into the parcels layer)."""
    par = layers["parcels"]
    geoms = par.geometry.to_numpy()
    centres = shapely.get_coordinates(shapely.centroid(geoms))
    st = layers["streets"]
    look = _Lookup(
        layers=layers,
        category=category,
        centres=centres,
        kd=cKDTree(centres),
        tree=shapely.STRtree(geoms),
        street_tree=shapely.STRtree(st.geometry.to_numpy()),
        is_road=par["uzytek"].to_numpy() == "dr",
    )
    street_names = pd.unique(st.loc[st["klasa"] != "G", "nazwa"])
    street_w = np.array([t[4] for t in STREET_TASKS], float)
    entries: list[Entry] = []
    first_street, first_length = "", 0.0
    for k in range(rows - 1):
        if k % 2:
            entries.append(_area_entry(look, rng))
            continue
        t = STREET_TASKS[int(rng.choice(len(STREET_TASKS), p=street_w / street_w.sum()))]
        street = str(rng.choice(street_names))
        if k == 2 and entries:  # a sewer under the same stretch of road: shared parcels
            street, t = first_street, STREET_TASKS[3]
            plist, length = list(entries[0].parcels), first_length
        else:
            plist, length = _street_parcels(street, layers, look.tree, look.is_road, rng)
        first_street, first_length = first_street or street, first_length or length
        total = length * rng.uniform(t[2], t[3])
        if not plist:
            plist = _cluster(centres, look.kd, int(rng.integers(0, centres.shape[0])), 3)
        entries.append(Entry(t[0].format(u=names.genitive(street)), t[1], plist, max(total, 5e4)))
    vehicle = Entry(
        "Zakup samochodu ratowniczo-gaśniczego dla OSP",
        "Wydział Zarządzania Kryzysowego",
        [],
        1.2e6,
    )
    entries.insert(int(rng.integers(1, len(entries))), vehicle)
    return entries


def _format_cell(
    obreby: list[str], numbers: list[str], rng: np.random.Generator
) -> tuple[str, str]:
    """Write a parcel list the way clerks do; return (Działki, Obręb)."""
    if not numbers:
        return "", ""
    short = [str(int(o)) for o in obreby]
    pairs = list(zip(obreby, short, numbers, strict=True))
    if len(set(obreby)) > 1:
        mixed = (
            "; ".join(f"obr. {s} dz. {n}" for _, s, n in pairs),
            "\n".join(f"{o}.{n}" for o, _, n in pairs),
            ", ".join(f"{o}.{n}" for o, _, n in pairs),
        )
        return mixed[int(rng.integers(0, len(mixed)))], ""
    ob, ob_short = obreby[0], short[0]
    ob_col = str(rng.choice([ob, ob_short, f"obręb {ob_short}"]))
    listed = ", ".join(numbers[:-1]) + " i " + numbers[-1] if len(numbers) > 1 else numbers[0]
    mixed_tail = "; ".join(numbers[:-1]) + f", {ob}.{numbers[-1]}" if len(numbers) > 2 else ""
    styles = [
        ("; ".join(numbers), ob_col),
        ("\n".join(numbers), ob_col),
        (", ".join(f"{ob}.{n}" for n in numbers), ""),
        (f"obr. {ob_short} dz. " + ", ".join(numbers), ""),
        (f"dz. nr {listed}", ob_col),
        (f"obr. {ob_short} dz. " + " i ".join(numbers), ""),
    ]
    if mixed_tail:
        styles.append((mixed_tail, ob))
    return styles[int(rng.integers(0, len(styles)))]


def _typo(number: str, rng: np.random.Generator) -> str:
    """Corrupt a parcel number: swapped digits, a stray digit or a wrong sub-number."""
    kind = int(rng.integers(0, 3))
    # A swap that brings a zero to the front would name the same parcel (040 is 40).
    if kind == 0 and len(number.split("/", maxsplit=1)[0]) >= 2 and number[1] != "0":
        head, _, tail = number.partition("/")
        head = head[1] + head[0] + head[2:]
        return head + ("/" + tail if tail else "")
    if kind == 1:
        return "9" + number
    return number.split("/", maxsplit=1)[0] + "/" + str(int(rng.integers(40, 99)))


def make_register(
    layers: dict[str, gpd.GeoDataFrame],
    category: NDArray[np.str_],
    size: int,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the investment register and its ground truth.

    Parameters
    ----------
    layers : dict of str to geopandas.GeoDataFrame
        The town's layers (``parcels``, ``streets``, ``schools``...).
    category : numpy.ndarray
        Land-use category of every parcel (internal).
    size : int
        Requested parcel count (sets the number of rows: 30 to 200).
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    register : pandas.DataFrame
        Columns :data:`COLUMNS`.
    truth : pandas.DataFrame
        ``Lp.``, ``id_dzialki`` (intended id, or the written text when the
        parcel does not exist), ``known``.
    """
    rows = int(min(200, 30 + size // 2000))
    entries = _entries(layers, category, rows, rng)
    par = layers["parcels"]
    ids = par["id_dzialki"].to_numpy(dtype=str)
    obreb = par["obreb"].to_numpy(dtype=str)
    numer = par["numer"].to_numpy(dtype=str)
    existing = set(zip(obreb.tolist(), numer.tolist(), strict=True))
    records: list[dict[str, object]] = []
    truth: list[tuple[int, str, bool]] = []
    for lp, e in enumerate(entries, start=1):
        obs = [str(obreb[i]) for i in e.parcels]
        nums = [str(numer[i]) for i in e.parcels]
        truth.extend((lp, str(ids[i]), True) for i in e.parcels)
        if nums and (rng.random() < 0.08 or lp in (4, 17)):
            j = int(rng.integers(0, len(nums)))
            for _ in range(8):  # a typo that happens to name a real parcel is no typo
                bad = _typo(nums[j], rng)
                if (obs[j], bad) not in existing:
                    truth[-len(nums) + j] = (lp, f"{obs[j]}.{bad}", False)
                    nums[j] = bad
                    break
        cell, ob_col = _format_cell(obs, nums, rng)
        start = int(rng.integers(2022, 2028))
        end = min(start + int(rng.integers(0, 4)), 2030)
        status = (
            "zakończone"
            if end < CURRENT_YEAR
            else ("planowane" if start > CURRENT_YEAR else "w realizacji")
        )
        total = round(float(e.total), 2)
        span = list(range(start, end + 1))
        weights = rng.uniform(0.5, 1.5, len(span))
        yearly = dict(zip(span, total * weights / weights.sum(), strict=True))
        record: dict[str, object] = {
            "Lp.": lp,
            "Nazwa zadania": e.name,
            "Jednostka realizująca": e.department,
            "Status": status,
            "Rok rozpoczęcia": start,
            "Rok zakończenia": end,
            "Łączne nakłady": total,
        }
        for y in YEARS:
            record[f"Limit {y}"] = (
                round(float(yearly[y]), 2) if y in yearly and status != "zakończone" else math.nan
            )
        record["Źródło finansowania"] = str(rng.choice(SOURCES))
        record["Działki"] = cell
        record["Obręb"] = ob_col
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    truth_frame = pd.DataFrame(truth, columns=["Lp.", "id_dzialki", "known"])
    return frame, truth_frame


def _number_text(value: object) -> str:
    """Format a number with a decimal comma (Polish locale); NaN becomes empty."""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.2f}".replace(".", ",")
    return str(value)


def write_register_files(town: DemoTown, out_dir: Path | str) -> list[Path]:
    """Write the register as ``rejestr_inwestycji.xlsx`` and a cp1250 ``;`` CSV.

    Parameters
    ----------
    town : DemoTown
        Generated town.
    out_dir : pathlib.Path or str
        Folder (created if missing; Polish letters and spaces are fine).

    Returns
    -------
    list of pathlib.Path
        The XLSX and CSV paths.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    reg = town.register
    wb = Workbook()
    ws = wb.active
    ws.title = "Rejestr inwestycji"
    ws.append(list(reg.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    money = {c for c in reg.columns if c == "Łączne nakłady" or c.startswith("Limit")}
    for row in reg.itertuples(index=False):
        ws.append([None if isinstance(v, float) and math.isnan(v) else v for v in row])
    for col_idx, name in enumerate(reg.columns, start=1):
        letter = ws.cell(row=1, column=col_idx).column_letter
        ws.column_dimensions[letter].width = 14 if name not in ("Nazwa zadania", "Działki") else 48
        for cell in ws[letter][1:]:
            if name in money:
                cell.number_format = "#,##0.00"
            elif name == "Działki":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    xlsx = out / "rejestr_inwestycji.xlsx"
    wb.save(xlsx)
    csv_path = out / "rejestr_inwestycji.csv"
    with csv_path.open("w", encoding="cp1250", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(list(reg.columns))
        for row in reg.itertuples(index=False):
            writer.writerow([_number_text(v) for v in row])
    return [xlsx, csv_path]


def write_legacy_shapefiles(town: DemoTown, out_dir: Path | str) -> list[Path]:
    """Write schools, bus stops and districts as cp1250 shapefiles with no ``.cpg``.

    The DBF language-driver byte is zeroed too, so readers must detect the
    encoding from the content.

    Parameters
    ----------
    town : DemoTown
        Generated town.
    out_dir : pathlib.Path or str
        Parent folder; files go to ``out_dir / "shp"``.

    Returns
    -------
    list of pathlib.Path
        The ``.shp`` paths.
    """
    import pyogrio

    folder = Path(out_dir) / "shp"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for key in ("schools", "bus_stops", "districts"):
        path = folder / f"{key}.shp"
        for old in folder.glob(f"{key}.*"):
            old.unlink()
        frame = town.layers[key].rename(columns=lambda c: c if len(c) <= 10 else c[:9])
        pyogrio.write_dataframe(frame, path, driver="ESRI Shapefile", encoding="cp1250")
        path.with_suffix(".cpg").unlink(missing_ok=True)
        dbf = path.with_suffix(".dbf")
        with dbf.open("r+b") as fh:
            fh.seek(29)
            fh.write(struct.pack("B", 0))
        written.append(path)
    return written
