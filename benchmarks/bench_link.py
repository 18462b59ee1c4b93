"""Register linking benchmark: 300 000 parcels, a 2 000-investment register, 1 000 000 ids.

Usage: ``python3 benchmarks/bench_link.py [--parcels 300000] [--runs 3]``.
Uses ``/tmp/mgis-bench/town_<N>/demo_town.gpkg`` (layer ``parcels``) when present,
otherwise generates the demo town (seed 1). The register is synthetic: 2 000 rows
of about 10 neighbouring parcels each (20 000 references) written the ways clerks
write them (full ids, ``obr. N dz. ...``, ``0003.12`` lines, numbers with an
``Obręb`` column), with 2 % typos. Targets (issue): linking including the
investment areas <= 3 s; normalising 1 000 000 identifiers <= 2 s.
Prints JSON lines, then a table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd
import shapely
from _common import Result, emit, median_time, peak_rss_mb, print_table
from scipy.spatial import cKDTree

from mgis.layers.links import link_register
from mgis.layers.parcel_columns import normalise_parcel_ids
from mgis.layers.register import Register

CACHE = Path(tempfile.gettempdir()) / "mgis-bench"
LINK_TARGET_S = 3.0
PARSE_TARGET_S = 2.0
INVESTMENTS = 2_000
PER_INVESTMENT = 10
IDS = 1_000_000


def load_parcels(size: int):  # type: ignore[no-untyped-def]
    """Return the parcels of the demo town (from the cached GeoPackage when present)."""
    path = CACHE / f"town_{size}" / "demo_town.gpkg"
    if path.exists():
        import pyogrio

        return pyogrio.read_dataframe(path, layer="parcels")
    from mgis.demo.town import generate_town

    return generate_town(parcels=size, seed=1).layers["parcels"]


def _cell(ids: list[str], style: int) -> tuple[str, str]:
    """Write one investment's parcels in one of four clerk styles; return (Działki, Obręb)."""
    obreby = {i[9:13] for i in ids}
    if style == 0 or len(obreby) > 1:
        return "; ".join(ids), ""
    ob, numbers = ids[0][9:13], [i[14:] for i in ids]
    if style == 1:
        return f"obr. {int(ob)} dz. " + ", ".join(numbers), ""
    if style == 2:
        return "\n".join(f"{ob}.{n}" for n in numbers), ""
    return ", ".join(numbers[:-1]) + " i " + numbers[-1], ob


def make_register(parcels, rng: np.random.Generator) -> tuple[Register, int]:  # type: ignore[no-untyped-def]
    """Synthetic register of clustered parcels with typos; return it and the typo count."""
    ids = parcels["id_dzialki"].to_numpy(dtype=str)
    centres = shapely.get_coordinates(shapely.centroid(parcels.geometry.to_numpy()))
    seeds = rng.choice(len(ids), INVESTMENTS, replace=False)
    _, near = cKDTree(centres).query(centres[seeds], k=PER_INVESTMENT)
    rows, typos = [], 0
    for k, group in enumerate(near):
        chosen = [str(ids[i]) for i in group]
        for j in range(len(chosen)):
            if rng.random() < 0.02:
                head, _, number = chosen[j].rpartition(".")
                chosen[j] = f"{head}.9{number}"
                typos += 1
        cell, obreb = _cell(chosen, int(rng.integers(0, 4)))
        rows.append(
            {
                "Lp.": k + 1,
                "Nazwa zadania": f"Zadanie {k + 1}",
                "Łączne nakłady": float(rng.uniform(1e5, 1e7)),
                "Działki": cell,
                "Obręb": obreb,
            }
        )
    return Register.from_frame(pd.DataFrame(rows)), typos


def make_ids(parcels, rng: np.random.Generator) -> list[str]:  # type: ignore[no-untyped-def]
    """1 000 000 identifiers: 60 % canonical, 40 % messy (distinct, not memoised)."""
    ids = parcels["id_dzialki"].to_numpy(dtype=str)
    canonical = rng.choice(ids, int(IDS * 0.6)).tolist()
    messy_src = rng.choice(ids, IDS - len(canonical)).tolist()
    messy = []
    for k, pid in enumerate(messy_src):
        unit, obreb, number = pid[:8], pid[9:13], pid[14:]
        style = k % 4
        if style == 0:
            messy.append(f"{unit}-{obreb}-{number}")
        elif style == 1:
            messy.append(f"{unit}.{int(obreb)}.{number}")
        elif style == 2:
            messy.append(f" {unit} {obreb} {number} ")
        else:
            messy.append(f"{unit}.{int(obreb)}.0.{number}")
    out = canonical + messy
    rng.shuffle(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    parcels = load_parcels(args.parcels)
    register, typos = make_register(parcels, rng)
    results: list[Result] = []

    result = link_register(parcels, "id_dzialki", register)  # warm-up and check
    assert result.summary.unmatched >= typos * 0.9, result.summary
    print(" | ".join(result.summary.lines()), flush=True)
    seconds = median_time(lambda: link_register(parcels, "id_dzialki", register), args.runs)
    emit(
        Result(
            "link",
            f"link {INVESTMENTS} investments + areas",
            len(parcels),
            seconds,
            LINK_TARGET_S,
            peak_rss_mb(),
        ),
        results,
    )

    ids = make_ids(parcels, rng)
    seconds = median_time(lambda: normalise_parcel_ids(ids), args.runs)
    emit(
        Result(
            "link", "normalise ids (60% canonical)", IDS, seconds, PARSE_TARGET_S, peak_rss_mb()
        ),
        results,
    )
    print_table(results)


if __name__ == "__main__":
    main()
