"""The base of the analysis dialogs and what they share; the dialogs only collect parameters.

Each dialog lists the project's layers (by geometry where it matters) and
their fields, and returns a frozen dataclass from
:mod:`mgis.ui.analysis_params` through :meth:`AnalysisDialog.parameters`.
OK is refused, with the reason shown in the dialog, while the parameters are
incomplete. :mod:`mgis.ui.analysis_actions` runs the analysis.

The dialogs themselves are in :mod:`mgis.ui.analysis_dialogs_select`
(selections), :mod:`mgis.ui.analysis_dialogs_geo` (geoprocessing),
:mod:`mgis.ui.analysis_dialogs2` (accessibility and planning) and
:mod:`mgis.ui.analysis_dialogs3` (investments).
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
    QVBoxLayout,
    QWidget,
)

from mgis.layers.classify import numeric_fields
from mgis.project import Project
from mgis.ui.analysis_params import AnalysisParams
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
