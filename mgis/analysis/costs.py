"""Cost and benefit of an investment: yearly cash flow, NPV and payback year.

Modelled on IRMiR's *Kalkulator nakładów i przyszłych pożytków z nieruchomości*:
the outlays of the investment per year (from the investment register), then, from
the year after the last outlay, the gmina's yearly benefits (property tax on the
land and the buildings, lease of the buildings, a one-off sale of land) less the
maintenance costs, all discounted to the first year.

All rates are editable (:class:`CostRates`); the defaults are documented there and
are only a starting point: put in the rates of the gmina's own tax resolution.

Examples
--------
>>> result = cash_flow({2025: 1_000_000}, land_m2=10_000, building_m2=0,
...                    rates=CostRates(land_tax_pln_m2=2.0, maintenance_share=0.0,
...                                    discount_rate=0.0, horizon_years=60))
>>> result.summary.payback_year, round(result.summary.npv)
(2075, 200000)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgis.analysis._checks import AnalysisError

__all__ = ["CostRates", "CostResult", "CostSummary", "cash_flow"]


@dataclass(frozen=True)
class CostRates:
    """Rates and assumptions of the cost-benefit calculation (PLN, per year).

    Attributes
    ----------
    land_tax_pln_m2 : float
        Property tax on land per m2 and year. Default 1.45: the statutory upper
        limit for 2026 for land used for business (obwieszczenie of the Minister
        of Finance under art. 20 ust. 2 of the local taxes act; 1.38 in 2025).
        Other land is taxed at most 0.77; the gmina's own resolution decides.
    building_tax_pln_m2 : float
        Property tax on usable floor area per m2 and year. Default 35.53: the
        2026 upper limit for business buildings (34.00 in 2025; residential
        buildings at most 1.25). The limits change every year with inflation.
    lease_pln_m2_year : float
        Rent or lease the gmina receives per m2 of building and year (default 0).
    sale_pln_m2 : float
        Sale price of the land per m2 (default 0: not sold).
    sold_share : float
        Share of the land sold, in the first year of operation (default 0).
    maintenance_pln_m2_year : float
        Upkeep per m2 of building and year (default 0).
    maintenance_share : float
        Yearly upkeep as a share of the total outlays (default 0.01 = 1 %).
    discount_rate : float
        Real discount rate (default 0.04, the financial discount rate of the
        EU cost-benefit analysis guide).
    horizon_years : int
        Years of operation after the last outlay year (default 25).
    """

    land_tax_pln_m2: float = 1.45
    building_tax_pln_m2: float = 35.53
    lease_pln_m2_year: float = 0.0
    sale_pln_m2: float = 0.0
    sold_share: float = 0.0
    maintenance_pln_m2_year: float = 0.0
    maintenance_share: float = 0.01
    discount_rate: float = 0.04
    horizon_years: int = 25


@dataclass(frozen=True)
class CostSummary:
    """Figures of the calculation.

    Attributes
    ----------
    first_year, last_year : int
        Span of the table.
    base_year : int
        Year values are discounted to.
    total_outlays_pln, total_benefits_pln : float
        Undiscounted sums (benefits net of maintenance).
    npv_pln : float
        Net present value at ``discount_rate``.
    payback_year : int or None
        First year in which the cumulative *discounted* net flow turns non-negative
        (None when it never does within the horizon).
    simple_payback_year : int or None
        The same without discounting.
    land_m2, building_m2 : float
        Areas used.
    rates : CostRates
        The rates used.
    """

    first_year: int
    last_year: int
    base_year: int
    total_outlays_pln: float
    total_benefits_pln: float
    npv_pln: float
    payback_year: int | None
    simple_payback_year: int | None
    land_m2: float
    building_m2: float
    rates: CostRates

    @property
    def npv(self) -> float:
        """The net present value (alias of ``npv_pln``)."""
        return self.npv_pln


@dataclass(frozen=True)
class CostResult:
    """The yearly cash-flow table and the summary.

    The table has one row per year: ``year, outlay, land_tax, building_tax, lease,
    sale, maintenance, net, discount_factor, discounted, cumulative_discounted``.
    """

    table: pd.DataFrame
    summary: CostSummary


def cash_flow(
    outlays: Mapping[int, float],
    *,
    land_m2: float,
    building_m2: float = 0.0,
    rates: CostRates | None = None,
    base_year: int | None = None,
) -> CostResult:
    """Return the yearly cash flow, NPV and payback year of an investment.

    Parameters
    ----------
    outlays : mapping of int to float
        Outlays per year in PLN (positive numbers), e.g. from the register's
        ``Limit 2025`` ... columns.
    land_m2 : float
        Area of the investment's land.
    building_m2 : float
        Usable floor area of the buildings it creates.
    rates : CostRates, optional
        Tax rates, lease, sale, maintenance, discount rate and horizon.
    base_year : int, optional
        Year to discount to (default: the first outlay year).

    Returns
    -------
    CostResult
        The table and the summary.

    Raises
    ------
    AnalysisError
        For no outlays, negative amounts or areas, or a discount rate of -100 % or less.
    """
    r = rates or CostRates()
    if not outlays:
        raise AnalysisError("no outlays given; give at least one year and amount")
    if any(v < 0 or not np.isfinite(v) for v in outlays.values()):
        raise AnalysisError("outlays must be non-negative amounts in PLN")
    if land_m2 < 0 or building_m2 < 0:
        raise AnalysisError("land and building areas must be 0 or more m2")
    if r.discount_rate <= -1 or r.horizon_years < 0:
        raise AnalysisError("the discount rate must exceed -100 % and the horizon be 0 or more")
    first, last = min(outlays), max(outlays)
    years = np.arange(first, last + r.horizon_years + 1)
    base = first if base_year is None else base_year
    operating = years > last
    total_outlay = float(sum(outlays.values()))
    table = pd.DataFrame({"year": years})
    table["outlay"] = [0.0 - float(outlays.get(int(y), 0.0)) for y in years]
    table["land_tax"] = np.where(operating, land_m2 * r.land_tax_pln_m2, 0.0)
    table["building_tax"] = np.where(operating, building_m2 * r.building_tax_pln_m2, 0.0)
    table["lease"] = np.where(operating, building_m2 * r.lease_pln_m2_year, 0.0)
    table["sale"] = np.where(years == last + 1, land_m2 * r.sold_share * r.sale_pln_m2, 0.0)
    upkeep = building_m2 * r.maintenance_pln_m2_year + total_outlay * r.maintenance_share
    table["maintenance"] = np.where(operating, -upkeep, 0.0)
    flows = ["outlay", "land_tax", "building_tax", "lease", "sale", "maintenance"]
    table["net"] = table[flows].sum(axis=1)
    table["discount_factor"] = (1.0 + r.discount_rate) ** -(years - base).astype(float)
    table["discounted"] = table.net * table.discount_factor
    table["cumulative_discounted"] = table.discounted.cumsum()
    table = table.round(2).assign(discount_factor=table.discount_factor.round(6))
    summary = CostSummary(
        first_year=int(first),
        last_year=int(years[-1]),
        base_year=int(base),
        total_outlays_pln=round(total_outlay, 2),
        total_benefits_pln=round(float(table[flows[1:]].to_numpy().sum()), 2),
        npv_pln=round(float(table.discounted.sum()), 2),
        payback_year=_payback(years, table.discounted.to_numpy()),
        simple_payback_year=_payback(years, table.net.to_numpy()),
        land_m2=float(land_m2),
        building_m2=float(building_m2),
        rates=r,
    )
    return CostResult(table, summary)


def _payback(years: np.ndarray, flows: np.ndarray) -> int | None:
    """Return the first year the cumulative flow is non-negative after being negative."""
    cumulative = np.cumsum(flows)
    negative = np.flatnonzero(cumulative < -1e-6)
    if negative.size == 0:
        return None
    after = np.flatnonzero(cumulative[negative[-1] + 1 :] >= -1e-6)
    return int(years[negative[-1] + 1 + after[0]]) if after.size else None
