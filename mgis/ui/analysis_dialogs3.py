"""Dialogs of the investment analyses (area statistics, costs); they only collect parameters.

See :mod:`mgis.ui.analysis_dialogs` for the base class.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

from mgis.analysis.costs import CostRates
from mgis.project import Project
from mgis.ui.analysis_dialogs import AnalysisDialog
from mgis.ui.analysis_params import CostParams, InvestmentParams
from mgis.ui.i18n import tr

InvestmentChoices = Mapping[str, tuple[str, dict[int, float], float]]
"""Investment id -> (label, yearly outlays, land m²), from the linked register."""


class InvestmentDialog(AnalysisDialog):
    """Statistics of investment areas: land ownership, plan zones, buildings, residents."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Investment area statistics"),
            tr(
                "Describe each investment area: its parcels and their owners, plan zones, "
                "buildings and residents."
            ),
            parent,
        )
        self.areas = self.layer_combo(["polygon"], prefer=("investment_areas",))
        self.areas_selected = self.selected_only(self.areas)
        self.parcels = self.layer_combo(["polygon"], prefer=("parcels",))
        self.ownership = self.field_combo(self.parcels, optional=False, prefer=("wlasnosc",))
        self.zones = self.layer_combo(["polygon"], prefer=("plan_zones",), optional=True)
        self.zone_field = self.field_combo(self.zones, optional=False, prefer=("symbol",))
        self.buildings = self.layer_combo(
            ["polygon", "point"], prefer=("buildings",), optional=True
        )
        self.addresses = self.layer_combo(["point"], prefer=("addresses",), optional=True)
        self.residents_field = self.field_combo(
            self.addresses, numeric=True, optional=False, prefer=("mieszkancy",)
        )
        self.cost = self.field_combo(self.areas, numeric=True, prefer=("Łączne nakłady",))
        self.form.addRow(tr("Investment areas"), self.areas)
        self.form.addRow("", self.areas_selected)
        self.form.addRow(tr("Parcels"), self.parcels)
        self.form.addRow(tr("Ownership field"), self.ownership)
        self.form.addRow(tr("Plan zones"), self.zones)
        self.form.addRow(tr("Zone symbol field"), self.zone_field)
        self.form.addRow(tr("Buildings"), self.buildings)
        self.form.addRow(tr("Addresses"), self.addresses)
        self.form.addRow(tr("Residents field"), self.residents_field)
        self.form.addRow(tr("Cost field"), self.cost)

    def parameters(self) -> InvestmentParams:
        """Return the parameters."""
        return InvestmentParams(
            areas=self.need(self.areas, tr("investment areas")),
            parcels=self.need(self.parcels, tr("parcels")),
            areas_selected_only=self.areas_selected.isChecked(),
            plan_zones=self.data(self.zones),
            buildings=self.data(self.buildings),
            addresses=self.data(self.addresses),
            cost_field=self.data(self.cost),
            ownership_field=self.need(self.ownership, tr("ownership field")),
            zone_field=self.data(self.zone_field) or "symbol",
            residents_field=self.data(self.residents_field) or "mieszkancy",
        )


def parse_outlays(text: str) -> tuple[tuple[int, float], ...]:
    """Return ``((year, PLN), ...)`` of ``"2025: 1000000, 2026: 500000"``; ValueError otherwise."""
    out: dict[int, float] = {}
    for part in (p.strip() for p in text.replace(";", ",").split(",") if p.strip()):
        year, sep, amount = part.partition(":")
        try:
            if not sep:
                raise ValueError
            out[int(year)] = out.get(int(year), 0.0) + float(amount.replace(" ", ""))
        except ValueError:
            raise ValueError(tr("Write outlays as YEAR: PLN, e.g. 2025: 1000000.")) from None
    if not out:
        raise ValueError(tr("Write outlays as YEAR: PLN, e.g. 2025: 1000000."))
    return tuple(sorted(out.items()))


class CostDialog(AnalysisDialog):
    """Cash flow, NPV and payback of an investment (outlays and land from the register)."""

    def __init__(
        self,
        project: Project,
        investments: InvestmentChoices | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            project,
            tr("Costs and benefits of an investment"),
            tr(
                "Yearly outlays, taxes, lease, sale and upkeep of an investment; its net "
                "present value and payback year. Rates follow the gmina's resolutions."
            ),
            parent,
        )
        self.choices = dict(investments or {})
        r = CostRates()
        self.investment = QComboBox()
        self.investment.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.investment.setMinimumContentsLength(30)
        self.investment.addItem(tr("(enter the values)"), None)
        for key, (label, _, _) in self.choices.items():
            self.investment.addItem(label, key)
        self.outlays = QLineEdit()
        self.outlays.setPlaceholderText("2025: 1000000, 2026: 500000")
        self.land = _number(0.0, " m²", 100_000_000.0, 1)
        self.building = _number(0.0, " m²", 10_000_000.0, 1)
        self.land_tax = _number(r.land_tax_pln_m2, tr(" PLN/m²"), 1000.0, 2)
        self.building_tax = _number(r.building_tax_pln_m2, tr(" PLN/m²"), 1000.0, 2)
        self.lease = _number(r.lease_pln_m2_year, tr(" PLN/m² a year"), 10_000.0, 2)
        self.sale = _number(r.sale_pln_m2, tr(" PLN/m²"), 100_000.0, 2)
        self.sold_share = _number(r.sold_share * 100, " %", 100.0, 1)
        self.upkeep_m2 = _number(r.maintenance_pln_m2_year, tr(" PLN/m² a year"), 10_000.0, 2)
        self.upkeep_share = _number(r.maintenance_share * 100, tr(" % of outlays"), 100.0, 2)
        self.discount = _number(r.discount_rate * 100, " %", 50.0, 2)
        self.horizon = QSpinBox()
        self.horizon.setRange(0, 100)
        self.horizon.setValue(r.horizon_years)
        self.horizon.setSuffix(tr(" years"))
        self.investment.currentIndexChanged.connect(self._fill)
        self.form.addRow(tr("Investment"), self.investment)
        self.form.addRow(tr("Outlays (year: PLN)"), self.outlays)
        self.form.addRow(tr("Land area"), self.land)
        self.form.addRow(tr("Building floor area"), self.building)
        self.form.addRow(tr("Property tax on land"), self.land_tax)
        self.form.addRow(tr("Property tax on buildings"), self.building_tax)
        self.form.addRow(tr("Lease income"), self.lease)
        self.form.addRow(tr("Land sale price"), self.sale)
        self.form.addRow(tr("Share of land sold"), self.sold_share)
        self.form.addRow(tr("Upkeep per m²"), self.upkeep_m2)
        self.form.addRow(tr("Upkeep share"), self.upkeep_share)
        self.form.addRow(tr("Discount rate"), self.discount)
        self.form.addRow(tr("Years of operation"), self.horizon)

    def choose(self, investment: str) -> bool:
        """Choose an investment of the register (fills outlays and land); False if unknown."""
        row = self.investment.findData(investment)
        if row >= 0:
            self.investment.setCurrentIndex(row)
        return row >= 0

    def _fill(self) -> None:
        """Fill the outlays and the land area of the chosen investment."""
        key = self.investment.currentData()
        if key in self.choices:
            _, outlays, land = self.choices[key]
            self.outlays.setText(", ".join(f"{y}: {v:.2f}" for y, v in sorted(outlays.items())))
            self.land.setValue(land)

    def parameters(self) -> CostParams:
        """Return the parameters."""
        key = self.investment.currentData()
        if key in self.choices and not self.choices[key][1]:
            raise ValueError(tr("The register gives no yearly outlays for this investment."))
        outlays, land = parse_outlays(self.outlays.text()), self.land.value()
        if key in self.choices:
            # The register's exact values, unless the user changed what was filled in.
            _, chosen, exact = self.choices[key]
            shown = tuple((y, round(v, 2)) for y, v in sorted(chosen.items()))
            if outlays == shown:
                outlays = tuple(sorted(chosen.items()))
            if abs(land - exact) < 0.05:
                land = exact
        rates = CostRates(
            land_tax_pln_m2=self.land_tax.value(),
            building_tax_pln_m2=self.building_tax.value(),
            lease_pln_m2_year=self.lease.value(),
            sale_pln_m2=self.sale.value(),
            sold_share=self.sold_share.value() / 100,
            maintenance_pln_m2_year=self.upkeep_m2.value(),
            maintenance_share=self.upkeep_share.value() / 100,
            discount_rate=self.discount.value() / 100,
            horizon_years=self.horizon.value(),
        )
        return CostParams(
            outlays=outlays,
            land_m2=land,
            building_m2=self.building.value(),
            rates=rates,
            investment=str(key) if key in self.choices else None,
        )


def _number(value: float, suffix: str, maximum: float, decimals: int) -> QDoubleSpinBox:
    """Return a spin box with a unit suffix."""
    box = QDoubleSpinBox()
    box.setRange(0.0, maximum)
    box.setDecimals(decimals)
    box.setValue(value)
    box.setSuffix(suffix)
    return box
