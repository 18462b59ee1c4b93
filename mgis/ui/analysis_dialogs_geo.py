"""Dialogs of the geoprocessing analyses (join, dissolve, buffer, clip, intersection).

They only collect parameters; see :mod:`mgis.ui.analysis_dialogs` for the base class.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from mgis.project import Project
from mgis.ui.analysis_dialogs import AnalysisDialog, parse_distances, predicate_names
from mgis.ui.analysis_params import (
    BufferParams,
    ClipParams,
    DissolveParams,
    IntersectionParams,
    JoinParams,
)
from mgis.ui.i18n import tr


class JoinDialog(AnalysisDialog):
    """Join attributes by location, or summarise the source features per target."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Spatial join"),
            tr("Copy the attributes of one layer onto the features of another that they meet."),
            parent,
        )
        self.target = self.layer_combo(prefer=("districts", "parcels"))
        self.source = self.layer_combo(prefer=("addresses",))
        self.predicate = QComboBox()
        for key, text in predicate_names()[:-1]:
            self.predicate.addItem(text, key)
        self.how = QComboBox()
        self.how.addItem(tr("one row per matching pair"), "one_to_many")
        self.how.addItem(tr("the feature it overlaps most"), "largest_overlap")
        self.how.addItem(tr("statistics of the matching features"), "summary")
        self.stat_field = self.field_combo(self.source, numeric=True, prefer=("mieszkancy",))
        self.stat = QComboBox()
        for key, text in (("sum", tr("sum")), ("mean", tr("mean")), ("min", tr("minimum")),
                          ("max", tr("maximum")), ("count", tr("count"))):  # fmt: skip
            self.stat.addItem(text, key)
        self.how.currentIndexChanged.connect(self._update)
        self.form.addRow(tr("Features of"), self.target)
        self.form.addRow(tr("that"), self.predicate)
        self.form.addRow(tr("features of"), self.source)
        self.form.addRow(tr("Join"), self.how)
        self.form.addRow(tr("Field"), self.stat_field)
        self.form.addRow(tr("Statistic"), self.stat)
        self._update()

    def _update(self) -> None:
        """Enable the statistic only for summaries."""
        summary = self.how.currentData() == "summary"
        self.stat_field.setEnabled(summary)
        self.stat.setEnabled(summary)

    def parameters(self) -> JoinParams:
        """Return the parameters."""
        how = str(self.how.currentData())
        stats: tuple[tuple[str, str], ...] = ()
        field = self.data(self.stat_field)
        if how == "summary" and field:
            stats = ((field, str(self.stat.currentData())),)
        return JoinParams(
            target=self.need(self.target, tr("target layer")),
            source=self.need(self.source, tr("source layer")),
            how=how,
            predicate=str(self.predicate.currentData()),
            stats=stats,
        )


class DissolveDialog(AnalysisDialog):
    """Merge polygons, all together or per value of a field."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Dissolve"),
            tr("Merge the polygons of a layer into one, or one per value of a field."),
            parent,
        )
        self.layer = self.layer_combo(["polygon"], prefer=("parcels",))
        self.by = self.field_combo(self.layer)
        self.form.addRow(tr("Polygon layer"), self.layer)
        self.form.addRow(tr("Per value of"), self.by)

    def parameters(self) -> DissolveParams:
        """Return the parameters."""
        return DissolveParams(self.need(self.layer, tr("polygon layer")), self.data(self.by))


class BufferDialog(AnalysisDialog):
    """Zones of one or several distances around features."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Buffer"),
            tr("Draw zones of the given distances around the features of a layer."),
            parent,
        )
        self.layer = self.layer_combo(prefer=("bus_stops", "schools"))
        self.distances = QLineEdit("100")
        self.distances.setToolTip(tr("Metres; several distances separated by commas"))
        self.dissolve = QCheckBox(tr("Merge overlapping zones"))
        self.by = self.field_combo(self.layer)
        self.rings = QCheckBox(tr("Bands between the distances (rings)"))
        self.form.addRow(tr("Layer"), self.layer)
        self.form.addRow(tr("Distances, m"), self.distances)
        self.form.addRow("", self.dissolve)
        self.form.addRow(tr("Merge per value of"), self.by)
        self.form.addRow("", self.rings)

    def parameters(self) -> BufferParams:
        """Return the parameters."""
        return BufferParams(
            layer=self.need(self.layer, tr("layer")),
            distances=parse_distances(self.distances.text()),
            dissolve=self.dissolve.isChecked(),
            by=self.data(self.by),
            rings=self.rings.isChecked(),
        )


class OverlayDialog(AnalysisDialog):
    """Clip (``kind="clip"``) or intersect (``kind="intersection"``) a layer with polygons."""

    def __init__(self, project: Project, kind: str, parent: QWidget | None = None) -> None:
        clip = kind == "clip"
        super().__init__(
            project,
            tr("Clip") if clip else tr("Intersection"),
            tr("Cut the features of a layer to the area of polygons.")
            if clip
            else tr("Keep the pieces where two layers overlap, with the attributes of both."),
            parent,
        )
        self.kind = kind
        self.layer = self.layer_combo(prefer=("parcels",))
        self.other = self.layer_combo(["polygon"], prefer=("districts", "plan_zones"))
        self.form.addRow(tr("Layer"), self.layer)
        self.form.addRow(tr("Clip to") if clip else tr("Overlay"), self.other)

    def parameters(self) -> ClipParams | IntersectionParams:
        """Return the parameters."""
        layer = self.need(self.layer, tr("layer"))
        other = self.need(self.other, tr("polygon layer"))
        return ClipParams(layer, other) if self.kind == "clip" else IntersectionParams(layer, other)
