"""Link an investment register to a parcel layer: links, investment areas, problems.

The link is many-to-many: a register cell lists many parcels, a parcel may
belong to several investments. :func:`link_register` reads every cell with
:func:`~mgis.layers.parcel_search.parse_parcel_list` (the row's ``Obręb`` cell
as the default obręb), looks each identifier up in the layer and reports what
did not fit: unmatched identifiers with "did you mean" suggestions, ambiguous
short forms (a gmina with a town and a rural unit, both holding the parcel),
unreadable items, identifiers that occur twice in the layer, parcels in
several investments and investments with no parcels.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from mgis.layers.link_index import LayerIds
from mgis.layers.parcel_ids import ParcelContext, ParcelIdError, ParseResult
from mgis.layers.parcel_search import parse_parcel_list
from mgis.layers.register import Register, RegisterError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["PROBLEM_KINDS", "LinkResult", "LinkSummary", "link_register"]

#: Kinds of problems, in report order.
PROBLEM_KINDS = (
    "unmatched", "ambiguous", "invalid", "duplicate_id", "multi_investment", "no_parcels",
)  # fmt: skip
PROBLEM_COLUMNS = ["kind", "investment_id", "value", "parcel_id", "suggestion", "detail"]
Problem = tuple[str, str, str, str, str, str]
_OWNER_NAMES = ("wlasnosc", "wlasciciel", "forma wlasnosci", "rodzaj wlasnosci", "wladanie")
_GMINA = re.compile(r"\bgmin|\bmiast|komunaln", re.IGNORECASE)
_AREA_CRS = "EPSG:2180"  # areas of a layer in degrees are measured in PUWG 1992


@dataclass(frozen=True)
class LinkSummary:
    """Counts shown after linking.

    Attributes
    ----------
    investments : int
        Register rows.
    investments_linked : int
        Investments with at least one matched parcel.
    identifiers : int
        Items read from the parcel cells (including failed ones).
    matched : int
        Items that found their parcel.
    parcels : int
        Distinct parcels linked.
    links : int
        Distinct (investment, parcel) pairs.
    unmatched, ambiguous, invalid : int
        Items not found, matching several parcels, or unreadable.
    duplicates : int
        Identifiers occurring more than once in the parcel layer.
    multi_investment : int
        Parcels linked to more than one investment.
    no_parcels : int
        Investments with no matched parcel.
    """

    investments: int
    investments_linked: int
    identifiers: int
    matched: int
    parcels: int
    links: int
    unmatched: int
    ambiguous: int
    invalid: int
    duplicates: int
    multi_investment: int
    no_parcels: int

    def lines(self) -> list[str]:
        """Describe the result in a few lines for the user."""
        return [
            f"investments: {self.investments} ({self.investments_linked} with parcels, "
            f"{self.no_parcels} without)",
            f"identifiers read: {self.identifiers}; matched: {self.matched} "
            f"({self.parcels} parcels, {self.links} links)",
            f"unmatched: {self.unmatched}; ambiguous: {self.ambiguous}; invalid: {self.invalid}",
            f"duplicate ids in the parcel layer: {self.duplicates}; "
            f"parcels in several investments: {self.multi_investment}",
        ]


@dataclass(frozen=True, eq=False)
class LinkResult:
    """Everything :func:`link_register` produces.

    Attributes
    ----------
    links : pandas.DataFrame
        ``investment_id``, ``parcel_id`` (canonical), one row per distinct pair.
    investment_areas : geopandas.GeoDataFrame
        One feature per investment, in register order: ``investment_id``,
        ``area_m2``, ``area_ha``, ``parcel_count``, ownership columns when the
        layer has an owner field (``gmina_share`` 0..1, ``ownership`` text),
        then the register's columns; no geometry when no parcel matched.
    problems : pandas.DataFrame
        ``kind`` (see :data:`PROBLEM_KINDS`), ``investment_id`` (several joined
        by ``", "``), ``value`` (as written), ``parcel_id`` (canonical id looked
        for, or the duplicated/shared id; ``" or "`` between candidates),
        ``suggestion`` (existing ids, ``"; "``-separated), ``detail``.
    summary : LinkSummary
        The counts.
    context : ParcelContext
        Unit codes used for short forms.
    owner_field : str or None
        The ownership field used, if any.
    """

    links: pd.DataFrame
    investment_areas: gpd.GeoDataFrame
    problems: pd.DataFrame
    summary: LinkSummary
    context: ParcelContext
    owner_field: str | None = None


def link_register(
    parcels: gpd.GeoDataFrame,
    id_field: str,
    register: Register,
    *,
    context: ParcelContext | None = None,
    owner_field: str | None = None,
) -> LinkResult:
    """Link register rows to the parcels they list.

    Parameters
    ----------
    parcels : geopandas.GeoDataFrame
        The parcel layer (not modified).
    id_field : str
        Its column of EGiB identifiers (``WWPPGG_R.OOOO.NR``, messy forms allowed).
    register : Register
        The register with its column mapping.
    context : ParcelContext, optional
        Unit codes for short forms (``123/4``, ``0002.77``); by default the
        unit codes found in the layer's identifiers.
    owner_field : str, optional
        Ownership column of the layer; detected (``wlasnosc``, ``wlasciciel``
        ...) when None.

    Returns
    -------
    LinkResult

    Raises
    ------
    RegisterError
        When ``id_field`` or ``owner_field`` is not a column of the layer, or
        the field holds no parcel identifier at all.
    """
    if id_field not in parcels.columns:
        raise RegisterError(
            f"the parcel layer has no field {id_field!r}; its fields are: "
            + ", ".join(str(c) for c in parcels.columns if c != parcels.geometry.name)
        )
    layer = LayerIds(parcels[id_field].tolist(), id_field)
    if context is None:
        context = ParcelContext(layer.unit_codes)
    owner = _owner_field(parcels, owner_field)
    problems: list[Problem] = []
    pairs, counts = _match_cells(register, layer, context, problems)
    links = pd.DataFrame(pairs, columns=["investment_id", "parcel_id"], dtype="str")
    links = links.drop_duplicates(ignore_index=True)
    multi = _report_layer_and_links(layer, links, register, problems)
    areas = _investment_areas(parcels, layer, links, register, owner)
    table = pd.DataFrame(problems, columns=PROBLEM_COLUMNS, dtype="str")
    order = {k: i for i, k in enumerate(PROBLEM_KINDS)}
    table = table.sort_values("kind", key=lambda s: s.map(order), kind="stable")
    linked = int(links["investment_id"].nunique())
    summary = LinkSummary(
        investments=len(register),
        investments_linked=linked,
        identifiers=sum(counts.values()),
        matched=counts["matched"],
        parcels=int(links["parcel_id"].nunique()),
        links=len(links),
        unmatched=counts["unmatched"],
        ambiguous=counts["ambiguous"],
        invalid=counts["invalid"],
        duplicates=len(layer.duplicates),
        multi_investment=multi,
        no_parcels=len(register) - linked,
    )
    return LinkResult(links, areas, table.reset_index(drop=True), summary, context, owner)


def _match_cells(
    register: Register,
    layer: LayerIds,
    context: ParcelContext,
    problems: list[Problem],
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Read every parcel cell and look its items up; return the pairs and the counts."""
    counts = dict.fromkeys(("matched", "unmatched", "ambiguous", "invalid"), 0)
    pairs: list[tuple[str, str]] = []
    contexts: dict[str | None, ParcelContext] = {None: context}
    rows = layer.row
    for inv, cell, obreb in register.cells():
        if obreb not in contexts:
            try:
                contexts[obreb] = context.with_obreb(obreb)
            except ParcelIdError as err:
                problems.append(("invalid", inv, str(obreb), "", "", f"Obręb cell: {err}"))
                contexts[obreb] = context
        for item in parse_parcel_list(cell, contexts[obreb]):
            kind, value = _classify(item, rows)
            counts[kind] += 1
            if kind == "matched":
                pairs.append((inv, value))
            elif kind == "ambiguous":
                problems.append(("ambiguous", inv, item.text, value, "", "several parcels match"))
            elif kind == "invalid":
                problems.append(("invalid", inv, item.text, "", "", item.error or ""))
            else:
                wanted = (item.parcel,) if item.parcel is not None else item.ambiguous
                hint = "; ".join(layer.suggest(wanted))
                problems.append(
                    ("unmatched", inv, item.text, value, hint, "not in the parcel layer")
                )
    return pairs, counts


def _classify(item: ParseResult, rows: dict[str | None, int]) -> tuple[str, str]:
    """Return (kind, value): the matched id, the ids looked for, or the candidates."""
    if item.parcel is not None:
        key = str(item.parcel)
        return ("matched" if key in rows else "unmatched"), key
    if not item.ambiguous:
        return "invalid", ""
    present = [str(c) for c in item.ambiguous if str(c) in rows]
    if len(present) == 1:  # several units possible, only one holds the parcel
        return "matched", present[0]
    if present:
        return "ambiguous", " or ".join(present)
    return "unmatched", " or ".join(str(c) for c in item.ambiguous)


def _report_layer_and_links(
    layer: LayerIds,
    links: pd.DataFrame,
    register: Register,
    problems: list[Problem],
) -> int:
    """Add duplicate ids, unreadable layer ids, shared parcels and empty investments.

    Returns the number of parcels linked to several investments.
    """
    shared_rows = links[links["parcel_id"].duplicated(keep=False)]
    by_parcel = shared_rows.groupby("parcel_id", sort=False)["investment_id"].agg(list)
    for key in layer.duplicates:
        users = ", ".join(links.loc[links["parcel_id"] == key, "investment_id"])
        detail = f"{len(layer.extra[key])} features of the parcel layer have this id"
        problems.append(("duplicate_id", users, key, key, "", detail))
    for row, value in layer.invalid:
        detail = f"parcel layer feature {row + 1}: not an EGiB parcel identifier"
        problems.append(("invalid", "", "" if value is None else str(value), "", "", detail))
    for parcel, invs in by_parcel.items():
        problems.append(
            (
                "multi_investment",
                ", ".join(invs),
                str(parcel),
                str(parcel),
                "",
                f"{len(invs)} investments",
            )
        )
    linked = set(links["investment_id"])
    for inv, cell, _ in register.cells():
        if inv not in linked:
            why = "the parcels cell is empty" if not cell.strip() else "no listed parcel was found"
            problems.append(("no_parcels", inv, cell, "", "", why))
    return len(by_parcel)


def _owner_field(parcels: gpd.GeoDataFrame, wanted: str | None) -> str | None:
    """Return the ownership column: the given one (checked) or one named like ``wlasnosc``."""
    if wanted is not None:
        if wanted not in parcels.columns:
            raise RegisterError(f"the parcel layer has no owner field {wanted!r}")
        return wanted
    for column in parcels.columns:
        text = unicodedata.normalize("NFKD", str(column).lower().replace("ł", "l"))
        plain = " ".join(re.findall(r"[a-z]+", text.encode("ascii", "ignore").decode()))
        if plain in _OWNER_NAMES or plain.startswith(("wlasnosc", "wlasciciel")):
            return str(column)
    return None


def _investment_areas(
    parcels: gpd.GeoDataFrame,
    layer: LayerIds,
    links: pd.DataFrame,
    register: Register,
    owner: str | None,
) -> gpd.GeoDataFrame:
    """One feature per investment: union of its parcels, areas, counts, owners, register columns."""
    import geopandas as gpd

    ids = list(register.ids)
    ordinal = {inv: k for k, inv in enumerate(ids)}
    inv_of: list[int] = []
    rows: list[int] = []
    for inv, key in zip(links["investment_id"].tolist(), links["parcel_id"].tolist(), strict=True):
        for row in layer.rows(key):
            inv_of.append(ordinal[inv])
            rows.append(row)
    inv_arr = np.asarray(inv_of, dtype=np.int64)
    row_arr = np.asarray(rows, dtype=np.int64)
    order = np.argsort(inv_arr, kind="stable")
    inv_arr, row_arr = inv_arr[order], row_arr[order]
    geoms = np.asarray(parcels.geometry.to_numpy(), dtype=object)[row_arr]
    unions = np.full(len(ids), None, dtype=object)
    starts = np.flatnonzero(np.r_[True, inv_arr[1:] != inv_arr[:-1]]).tolist()
    bounds: list[int] = [*(starts if inv_arr.size else []), int(inv_arr.size)]
    for a, b in itertools.pairwise(bounds):
        unions[inv_arr[a]] = _union(geoms[a:b])
    series = gpd.GeoSeries(unions, crs=parcels.crs)
    measured = (
        series.to_crs(_AREA_CRS)
        if parcels.crs is not None and parcels.crs.is_geographic
        else series
    )
    area = np.nan_to_num(np.asarray(shapely.area(measured.to_numpy()), dtype=float))
    counts = np.bincount([ordinal[i] for i in links["investment_id"].tolist()], minlength=len(ids))
    columns: dict[str, object] = {
        "investment_id": pd.Series(ids, dtype="str"),
        "area_m2": np.round(area, 1),
        "area_ha": np.round(area / 10_000, 4),
        "parcel_count": counts.astype(np.int64),
    }
    if owner is not None:
        columns.update(
            _ownership(parcels, owner, geoms=geoms, inv_arr=inv_arr, row_arr=row_arr, n=len(ids))
        )
    frame = pd.DataFrame(columns)
    for name in register.frame.columns:
        label = str(name) if str(name) not in frame.columns else f"{name} (rejestr)"
        frame[label] = register.frame[name].to_numpy()
    return gpd.GeoDataFrame(frame, geometry=series.to_numpy(), crs=parcels.crs)


def _union(geoms: np.ndarray) -> object:
    """Union of one investment's parcels (a single parcel is returned as it is)."""
    if geoms.size == 1:
        return geoms[0]
    return shapely.union_all(geoms)


def _ownership(
    parcels: gpd.GeoDataFrame,
    owner: str,
    *,
    geoms: np.ndarray,
    inv_arr: np.ndarray,
    row_arr: np.ndarray,
    n: int,
) -> dict[str, object]:
    """Share of each investment's parcel area owned by the gmina, and a text breakdown."""
    owners = parcels[owner].to_numpy(dtype=object)[row_arr]
    names = pd.Series(owners, dtype="str").fillna("(brak)")
    table = pd.DataFrame({"inv": inv_arr, "owner": names, "area": shapely.area(geoms)})
    table = table.drop_duplicates()  # a parcel listed twice counts once
    sums = table.groupby(["inv", "owner"], sort=False)["area"].sum().reset_index()
    total = np.bincount(sums["inv"], weights=sums["area"], minlength=n)
    is_gmina = sums["owner"].str.contains(_GMINA).to_numpy()
    gmina = np.bincount(sums["inv"][is_gmina], weights=sums["area"][is_gmina], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, gmina / total, np.nan)
    sums["pct"] = sums["area"] / total[sums["inv"]] * 100
    sums = sums.sort_values(["inv", "pct"], ascending=[True, False])
    parts: list[list[str]] = [[] for _ in range(n)]
    for inv, name, pct in zip(
        sums["inv"].tolist(), sums["owner"], sums["pct"].tolist(), strict=True
    ):
        parts[inv].append(f"{name} {pct:.0f}%")
    breakdown = pd.Series(["; ".join(p) if p else None for p in parts], dtype="str")
    return {"gmina_share": np.round(share, 3), "ownership": breakdown.to_numpy()}
