"""Dialogs of the accessibility, planning and investment analyses; they only collect parameters.

See :mod:`mgis.ui.analysis_dialogs` for the base class.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from mgis.analysis.standards import StandardsThresholds
from mgis.project import Project
from mgis.ui.analysis_dialogs import AnalysisDialog, parse_distances
from mgis.ui.analysis_params import (
    CoverageParams,
    DistanceParams,
    IndicatorParams,
    RingsParams,
    ServiceAreaParams,
    StandardsParams,
)
from mgis.ui.i18n import tr


class RingsDialog(AnalysisDialog):
    """Accessibility buffers (rings) around facilities."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Facility rings"),
            tr("Draw distance bands around facilities (schools, stops …), merged per type."),
            parent,
        )
        self.facilities = self.layer_combo(prefer=("bus_stops", "schools"))
        self.distances = QLineEdit("300, 500, 1000")
        self.type_field = self.field_combo(self.facilities)
        self.rings = QCheckBox(tr("Bands between the distances (rings)"))
        self.rings.setChecked(True)
        self.form.addRow(tr("Facilities"), self.facilities)
        self.form.addRow(tr("Distances, m"), self.distances)
        self.form.addRow(tr("Facility type field"), self.type_field)
        self.form.addRow("", self.rings)

    def parameters(self) -> RingsParams:
        """Return the parameters."""
        return RingsParams(
            facilities=self.need(self.facilities, tr("facilities")),
            distances=parse_distances(self.distances.text()),
            type_field=self.data(self.type_field),
            rings=self.rings.isChecked(),
        )


class CoverageDialog(AnalysisDialog):
    """Which addresses (buildings, parcels) lie in service zones; shares per district."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Coverage"),
            tr("Find which features lie in the service zones and the share of residents covered."),
            parent,
        )
        self.zones = self.layer_combo(["polygon"], prefer=("bus_stops_rings",))
        self.points = self.layer_combo(prefer=("addresses",))
        self.weight = self.field_combo(self.points, numeric=True, prefer=("mieszkancy",))
        self.districts = self.layer_combo(["polygon"], prefer=("districts",), optional=True)
        self.district_field = self.field_combo(self.districts, optional=False, prefer=("nazwa",))
        self.uncovered = QCheckBox(tr("Keep only the features not covered"))
        self.form.addRow(tr("Service zones"), self.zones)
        self.form.addRow(tr("Features to cover"), self.points)
        self.form.addRow(tr("Weight (e.g. residents)"), self.weight)
        self.form.addRow(tr("Districts"), self.districts)
        self.form.addRow(tr("District name field"), self.district_field)
        self.form.addRow("", self.uncovered)

    def parameters(self) -> CoverageParams:
        """Return the parameters."""
        districts = self.data(self.districts)
        return CoverageParams(
            zones=self.need(self.zones, tr("service zones")),
            points=self.need(self.points, tr("features to cover")),
            weight=self.data(self.weight),
            districts=districts,
            district_field=self.data(self.district_field) or "nazwa",
            uncovered_only=self.uncovered.isChecked(),
        )


class DistanceDialog(AnalysisDialog):
    """Walking distance along the streets from every target to the nearest facility."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Walking distance to facilities"),
            tr("Measure along the street network from every feature to the nearest facility."),
            parent,
        )
        self.network = self.layer_combo(["line"], prefer=("streets",))
        self.facilities = self.layer_combo(prefer=("schools", "bus_stops"))
        self.targets = self.layer_combo(prefer=("parcels", "addresses"))
        self.measure_from = QComboBox()
        self.measure_from.addItem(tr("boundary (the legal rule)"), "boundary")
        self.measure_from.addItem(tr("centre"), "centroid")
        self.facility_field = self.field_combo(self.facilities, prefer=("nazwa",))
        self.form.addRow(tr("Street network"), self.network)
        self.form.addRow(tr("Facilities"), self.facilities)
        self.form.addRow(tr("Measure from"), self.targets)
        self.form.addRow(tr("Measure from their"), self.measure_from)
        self.form.addRow(tr("Facility name field"), self.facility_field)

    def parameters(self) -> DistanceParams:
        """Return the parameters."""
        return DistanceParams(
            network=self.need(self.network, tr("street network")),
            facilities=self.need(self.facilities, tr("facilities")),
            targets=self.need(self.targets, tr("features to measure from")),
            measure_from=str(self.measure_from.currentData()),
            facility_field=self.data(self.facility_field),
        )


class ServiceAreaDialog(AnalysisDialog):
    """Areas within walking distances of facilities along the streets."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Service areas"),
            tr("Find the area within walking distance of the facilities along the streets."),
            parent,
        )
        self.network = self.layer_combo(["line"], prefer=("streets",))
        self.facilities = self.layer_combo(prefer=("schools", "bus_stops"))
        self.distances = QLineEdit("500, 1000, 1500")
        self.width_box = self.metres(50.0, 1000.0)
        self.form.addRow(tr("Street network"), self.network)
        self.form.addRow(tr("Facilities"), self.facilities)
        self.form.addRow(tr("Walking distances, m"), self.distances)
        self.form.addRow(tr("Width around the streets"), self.width_box)

    def parameters(self) -> ServiceAreaParams:
        """Return the parameters."""
        if self.width_box.value() <= 0:
            raise ValueError(tr("The width must be more than 0 m."))
        return ServiceAreaParams(
            network=self.need(self.network, tr("street network")),
            facilities=self.need(self.facilities, tr("facilities")),
            distances=parse_distances(self.distances.text()),
            width=self.width_box.value(),
        )


class StandardsDialog(AnalysisDialog):
    """The art. 13f accessibility standards of housing parcels (the 2023 planning act)."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Art. 13f standards check"),
            tr(
                "Check every housing parcel along the walking network: a primary school "
                "nearby, enough green areas nearby and a large green area within reach."
            ),
            parent,
        )
        t = StandardsThresholds()
        self.parcels = self.layer_combo(["polygon"], prefer=("parcels",))
        self.network = self.layer_combo(["line"], prefer=("streets",))
        self.schools = self.layer_combo(prefer=("schools",))
        self.green = self.layer_combo(["polygon"], prefer=("green_areas",))
        self.housing_where = QLineEdit()
        self.housing_where.setPlaceholderText('uzytek == "B"')
        self.zones = self.layer_combo(["polygon"], prefer=("plan_zones",), optional=True)
        self.zone_field = self.field_combo(self.zones, optional=False, prefer=("przeznaczenie",))
        self.zone_values = QLineEdit("MN, MW")
        self.rural = QCheckBox(tr("Outside a town (school within 3000 m)"))
        self.school_m = self.metres(t.school_m)
        self.green_total_m = self.metres(t.green_total_m)
        self.green_total_ha = _hectares(t.green_total_ha)
        self.large_green_m = self.metres(t.large_green_m)
        self.large_green_ha = _hectares(t.large_green_ha)
        self.rural.toggled.connect(lambda on: self.school_m.setValue(3000.0 if on else 1500.0))
        self.form.addRow(tr("Parcels"), self.parcels)
        self.form.addRow(tr("Street network"), self.network)
        self.form.addRow(tr("Primary schools"), self.schools)
        self.form.addRow(tr("Public green areas"), self.green)
        self.form.addRow(tr("Housing parcels where"), self.housing_where)
        self.form.addRow(tr("Housing plan zones"), self.zones)
        self.form.addRow(tr("Zone use field"), self.zone_field)
        self.form.addRow(tr("Housing uses"), self.zone_values)
        self.form.addRow("", self.rural)
        self.form.addRow(tr("School within"), self.school_m)
        self.form.addRow(tr("Green areas within"), self.green_total_m)
        self.form.addRow(tr("Green areas at least"), self.green_total_ha)
        self.form.addRow(tr("Large green area within"), self.large_green_m)
        self.form.addRow(tr("Large green area at least"), self.large_green_ha)

    def parameters(self) -> StandardsParams:
        """Return the parameters."""
        values = self.zone_values.text().replace(";", ",").split(",")
        zones = self.data(self.zones)
        if zones and not self.data(self.zone_field):
            raise ValueError(f"{tr('Choose')}: {tr('zone use field')}")
        for box in (
            self.school_m,
            self.green_total_m,
            self.large_green_m,
            self.green_total_ha,
            self.large_green_ha,
        ):
            if box.value() <= 0:
                raise ValueError(tr("Distances and areas must be more than 0."))
        thresholds = StandardsThresholds(
            school_m=self.school_m.value(),
            green_total_m=self.green_total_m.value(),
            green_total_ha=self.green_total_ha.value(),
            large_green_m=self.large_green_m.value(),
            large_green_ha=self.large_green_ha.value(),
        )
        return StandardsParams(
            parcels=self.need(self.parcels, tr("parcels")),
            network=self.need(self.network, tr("street network")),
            schools=self.need(self.schools, tr("primary schools")),
            green=self.need(self.green, tr("public green areas")),
            thresholds=thresholds,
            housing_where=self.housing_where.text().strip(),
            zones=zones,
            zone_field=self.data(self.zone_field) or "przeznaczenie",
            zone_values=tuple(v.strip() for v in values if v.strip()),
        )


def _hectares(value: float) -> QDoubleSpinBox:
    """Return a spin box of hectares."""
    box = QDoubleSpinBox()
    box.setRange(0.0, 10_000.0)
    box.setDecimals(2)
    box.setValue(value)
    box.setSuffix(" ha")
    return box


class IndicatorsDialog(AnalysisDialog):
    """Counts, sums or densities on a grid or per district, in classes for a map."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Indicators"),
            tr("Count or sum features in grid cells or per district and map them in classes."),
            parent,
        )
        self.layer = self.layer_combo(prefer=("buildings", "addresses"))
        self.units = QComboBox()
        self.units.addItem(tr("grid cells"), "grid")
        self.units.addItem(tr("zones (e.g. districts)"), "zones")
        self.cell = QComboBox()
        for size in (100, 250, 500, 1000):
            self.cell.addItem(f"{size} m", float(size))
        self.cell.setCurrentIndex(2)
        self.zones = self.layer_combo(["polygon"], prefer=("districts",), optional=True)
        self.stat = QComboBox()
        for key, text in (
            ("count", tr("number of features")),
            ("sum", tr("sum of a field")),
            ("density", tr("features per km²")),
        ):
            self.stat.addItem(text, key)
        self.field = self.field_combo(self.layer, numeric=True)
        self.residents = self.layer_combo(["point"], prefer=(), optional=True)
        self.residents_field = self.field_combo(
            self.residents, numeric=True, optional=False, prefer=("mieszkancy",)
        )
        self.scheme = QComboBox()
        for key, text in (
            ("quantiles", tr("quantiles")),
            ("equal_interval", tr("equal intervals")),
            ("natural_breaks", tr("natural breaks")),
            ("fisher_jenks", tr("Fisher-Jenks")),
        ):
            self.scheme.addItem(text, key)
        self.k = QSpinBox()
        self.k.setRange(2, 9)
        self.k.setValue(5)
        self.units.currentIndexChanged.connect(self._update)
        self.form.addRow(tr("Layer"), self.layer)
        self.form.addRow(tr("Aggregate to"), self.units)
        self.form.addRow(tr("Cell size"), self.cell)
        self.form.addRow(tr("Zones"), self.zones)
        self.form.addRow(tr("Indicator"), self.stat)
        self.form.addRow(tr("Field"), self.field)
        self.form.addRow(tr("Per 1000 residents of"), self.residents)
        self.form.addRow(tr("Residents field"), self.residents_field)
        self.form.addRow(tr("Classes"), self.scheme)
        self.form.addRow(tr("Number of classes"), self.k)
        self._update()

    def _update(self) -> None:
        """Show the cell size for grids, the zone layer for zones."""
        grid = self.units.currentData() == "grid"
        self.cell.setEnabled(grid)
        self.zones.setEnabled(not grid)

    def parameters(self) -> IndicatorParams:
        """Return the parameters."""
        stat = str(self.stat.currentData())
        field = self.data(self.field)
        if stat == "sum" and field is None:
            raise ValueError(f"{tr('Choose')}: {tr('field to sum')}")
        grid = self.units.currentData() == "grid"
        zones = None if grid else self.need(self.zones, tr("zones"))
        residents = self.data(self.residents)
        return IndicatorParams(
            layer=self.need(self.layer, tr("layer")),
            cell=float(self.cell.currentData()) if grid else None,
            zones=zones,
            stat=stat,
            field=field if stat != "count" else None,
            residents=residents,
            residents_field=self.data(self.residents_field) or "mieszkancy",
            scheme=str(self.scheme.currentData()),
            k=self.k.value(),
        )
