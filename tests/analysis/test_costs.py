from __future__ import annotations

import pytest

from mgis.analysis._checks import AnalysisError
from mgis.analysis.costs import CostRates, cash_flow


def test_simple_undiscounted_payback() -> None:
    rates = CostRates(land_tax_pln_m2=1.0, building_tax_pln_m2=10.0, maintenance_share=0.0,
                      discount_rate=0.0, horizon_years=10)  # fmt: skip
    res = cash_flow({2025: 600_000, 2026: 400_000}, land_m2=50_000, building_m2=5_000, rates=rates)
    t = res.table
    assert t.year.tolist() == list(range(2025, 2037))
    assert t.outlay.tolist()[:3] == [-600_000, -400_000, 0]
    assert t.net.tolist()[2] == 100_000  # 50 000 + 50 000 a year from 2027
    assert res.summary.simple_payback_year == 2036
    assert res.summary.payback_year == 2036
    assert res.summary.npv_pln == pytest.approx(0.0)


def test_discounting_sale_and_maintenance() -> None:
    rates = CostRates(land_tax_pln_m2=0.0, building_tax_pln_m2=0.0, sale_pln_m2=100.0,
                      sold_share=0.5, maintenance_share=0.1, discount_rate=0.1,
                      horizon_years=2)  # fmt: skip
    res = cash_flow({2025: 1000}, land_m2=100, rates=rates)
    t = res.table
    assert t.sale.tolist() == [0, 5000, 0]
    assert t.maintenance.tolist() == [0, -100, -100]
    expected = -1000 + 4900 / 1.1 - 100 / 1.21
    assert res.summary.npv_pln == pytest.approx(expected, abs=0.01)
    assert res.summary.payback_year == 2026


def test_never_pays_back_and_bad_inputs() -> None:
    res = cash_flow({2025: 1e6}, land_m2=10)
    assert res.summary.payback_year is None
    assert res.summary.npv_pln < 0
    with pytest.raises(AnalysisError):
        cash_flow({}, land_m2=1)
    with pytest.raises(AnalysisError):
        cash_flow({2025: -1}, land_m2=1)
    with pytest.raises(AnalysisError):
        cash_flow({2025: 1}, land_m2=-1)


def test_default_rates_are_documented() -> None:
    r = CostRates()
    assert (r.land_tax_pln_m2, r.building_tax_pln_m2, r.discount_rate, r.horizon_years) == (
        1.45, 35.53, 0.04, 25,
    )  # fmt: skip
