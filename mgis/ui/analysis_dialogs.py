"""Dialogs of the selection and geoprocessing analyses; they only collect parameters.

Each dialog lists the project's layers (by geometry where it matters) and
their fields, and returns a frozen dataclass from
:mod:`mgis.ui.analysis_params` through :meth:`AnalysisDialog.parameters`.
OK is refused, with the reason shown in the dialog, while the parameters are
incomplete. :mod:`mgis.ui.analysis_actions` runs the analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mgis.layers.classify import numeric_fields
from mgis.project import Project
from mgis.ui.analysis_params import (
    AnalysisParams,
    BufferParams,
    ClipParams,
    DissolveParams,
    IntersectionParams,
    JoinParams,
    SelectExpressionParams,
    SelectLocationParams,
)
from mgis.ui.i18n import tr


def predicate_names() -> list[tuple[str, str]]:
    """Return ``(predicate, plain words)``: "features of the layer … features of the other"."""
    return [
        ("intersects", tr("intersect")),
        ("within", tr("lie within")),
        ("contains", tr("contain")),
        ("touches", tr("touch")),
        ("overlaps", tr("overlap")),
        ("crosses", tr("cross")),
        ("dwithin", tr("are within a distance of")),
    ]


def mode_names() -> list[tuple[str, str]]:
    """Return ``(mode, plain words)`` of combining with the current selection."""
    return [
        ("new", tr("new selection")),
        ("add", tr("add to the selection")),
        ("remove", tr("remove from the selection")),
        ("intersect", tr("select within the selection")),
    ]


def parse_distances(text: str) -> tuple[float, ...]:
    """Return the metres of ``"300, 500 1000"`` (sorted, unique); raise ValueError otherwise."""
    parts = text.replace(";", ",").replace(",", " ").split()
    try:
        values = sorted({float(p) for p in parts})
    except ValueError:
        raise ValueError(tr("Write distances in metres, e.g. 300, 500, 1000.")) from None
    if not values or values[0] <= 0:
        raise ValueError(tr("Write distances in metres, e.g. 300, 500, 1000."))
    return tuple(values)


class AnalysisDialog(QDialog):
    """Base of the analysis dialogs: a form, a message line and OK / Cancel.

    Parameters
    ----------
    project : Project
        Its layers and fields fill the combos (nothing is changed).
    title : str
        Window title (translated).
    intro : str
        One or two sentences saying what the analysis does (translated).
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(
        self, project: Project, title: str, intro: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        text = QLabel(intro)
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    # -- widgets ---------------------------------------------------------------------

    def layer_combo(
        self,
        families: Iterable[str] | None = None,
        *,
        prefer: Sequence[str] = (),
        optional: bool = False,
    ) -> QComboBox:
        """Return a combo of the project's layers (of ``families``), ``prefer`` names first.

        With ``optional`` the first item is "(none)" with no data.
        """
        wanted = set(families) if families is not None else None
        box = QComboBox()
        if optional:
            box.addItem(tr("(none)"), None)
        for layer in self.project.layers:
            if wanted is None or layer.family in wanted:
                box.addItem(layer.name, layer.name)
        for name in prefer:
            row = box.findData(name)
            if row >= 0:
                box.setCurrentIndex(row)
                break
        return box

    def field_combo(
        self,
        layers: QComboBox,
        *,
        numeric: bool = False,
        optional: bool = True,
        prefer: Sequence[str] = (),
    ) -> QComboBox:
        """Return a combo of the fields of the layer chosen in ``layers``, kept up to date."""
        box = QComboBox()

        def fill() -> None:
            current = box.currentData()
            box.clear()
            if optional:
                box.addItem(tr("(none)"), None)
            name = layers.currentData()
            if name and name in self.project.layer_names():
                frame = self.project.layer(name).frame
                columns = (
                    numeric_fields(frame)
                    if numeric
                    else [str(c) for c in frame.columns if c != frame.geometry.name]
                )
                for column in columns:
                    box.addItem(column, column)
            for wanted in (current, *prefer):
                row = box.findData(wanted) if wanted else -1
                if row >= 0:
                    box.setCurrentIndex(row)
                    break

        layers.currentIndexChanged.connect(fill)
        fill()
        return box

    @staticmethod
    def metres(value: float, maximum: float = 100_000.0) -> QDoubleSpinBox:
        """Return a spin box of metres starting at ``value``."""
        box = QDoubleSpinBox()
        box.setRange(0.0, maximum)
        box.setDecimals(1)
        box.setValue(value)
        box.setSuffix(" m")
        return box

    def selected_only(self, layers: QComboBox) -> QCheckBox:
        """Return a "selected features only" check box for the layer chosen in ``layers``."""
        box = QCheckBox(tr("Selected features only"))

        def update() -> None:
            name = layers.currentData()
            count = 0
            if name and name in self.project.layer_names():
                count = int(self.project.layer(name).selected.size)
            box.setEnabled(count > 0)
            box.setChecked(box.isChecked() and count > 0)
            box.setText(f"{tr('Selected features only')} ({count})")

        layers.currentIndexChanged.connect(update)
        update()
        return box

    @staticmethod
    def data(box: QComboBox) -> str | None:
        """Return the data of the current item (a layer or field name), None for "(none)"."""
        value = box.currentData()
        return str(value) if value else None

    def need(self, box: QComboBox, what: str) -> str:
        """Return the chosen name; raise ValueError naming ``what`` when nothing is chosen."""
        value = self.data(box)
        if value is None:
            raise ValueError(f"{tr('Choose')}: {what}")
        return value

    # -- accepting -------------------------------------------------------------------

    def parameters(self) -> AnalysisParams:
        """Return the collected parameters; raise ValueError saying what is missing."""
        raise NotImplementedError

    def accept(self) -> None:
        """Close only when the parameters are complete; otherwise say what is missing."""
        try:
            self.parameters()
        except ValueError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        self.message.hide()
        super().accept()


class SelectLocationDialog(AnalysisDialog):
    """Select the features of a layer by where they are relative to another layer."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Select by location"),
            tr("Select the features of a layer that meet the features of another layer."),
            parent,
        )
        self.layer = self.layer_combo(prefer=("parcels",))
        self.predicate = QComboBox()
        for key, text in predicate_names():
            self.predicate.addItem(text, key)
        self.distance = self.metres(100.0)
        self.by = self.layer_combo(prefer=("investment_areas",))
        self.by_selected = self.selected_only(self.by)
        self.mode = QComboBox()
        for key, text in mode_names():
            self.mode.addItem(text, key)
        self.summary_field = self.field_combo(self.layer, prefer=("wlasnosc",))
        self.predicate.currentIndexChanged.connect(self._update)
        self.form.addRow(tr("Select features of"), self.layer)
        self.form.addRow(tr("that"), self.predicate)
        self.form.addRow(tr("Distance"), self.distance)
        self.form.addRow(tr("features of"), self.by)
        self.form.addRow("", self.by_selected)
        self.form.addRow(tr("Selection"), self.mode)
        self.form.addRow(tr("Count selected by field"), self.summary_field)
        self._update()

    def _update(self) -> None:
        """Enable the distance only for "within a distance"."""
        self.distance.setEnabled(self.predicate.currentData() == "dwithin")

    def parameters(self) -> SelectLocationParams:
        """Return the parameters."""
        predicate = str(self.predicate.currentData())
        return SelectLocationParams(
            layer=self.need(self.layer, tr("layer to select in")),
            by=self.need(self.by, tr("selecting layer")),
            predicate=predicate,
            distance=self.distance.value() if predicate == "dwithin" else None,
            by_selected_only=self.by_selected.isChecked(),
            mode=str(self.mode.currentData()),
            summary_field=self.data(self.summary_field),
        )


class SelectExpressionDialog(AnalysisDialog):
    """Select features by an attribute expression, e.g. ``uzytek == "B"``."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(
            project,
            tr("Select by expression"),
            tr('Select the features where a condition holds, e.g. wlasnosc == "Gmina".'),
            parent,
        )
        self.layer = self.layer_combo(prefer=("parcels",))
        self.expression = QLineEdit()
        self.expression.setPlaceholderText('uzytek == "B" and pow_m2 > 1000')
        self.mode = QComboBox()
        for key, text in mode_names():
            self.mode.addItem(text, key)
        self.summary_field = self.field_combo(self.layer)
        self.form.addRow(tr("Layer"), self.layer)
        self.form.addRow(tr("Expression"), self.expression)
        self.form.addRow(tr("Selection"), self.mode)
        self.form.addRow(tr("Count selected by field"), self.summary_field)

    def parameters(self) -> SelectExpressionParams:
        """Return the parameters."""
        text = self.expression.text().strip()
        if not text:
            raise ValueError(tr("Write an expression."))
        return SelectExpressionParams(
            layer=self.need(self.layer, tr("layer")),
            expression=text,
            mode=str(self.mode.currentData()),
            summary_field=self.data(self.summary_field),
        )


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
