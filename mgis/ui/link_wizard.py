"""The link wizard: parcel layer and identifiers, register file and columns, preview.

The wizard only collects :class:`~mgis.ui.register_state.LinkParameters`; the
register is read and the preview linked in background workers. The window
that accepted the wizard makes the link.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from mgis.io.register import RegisterTable, read_register
from mgis.layers.link_ids import build_spec
from mgis.layers.register import ROLES, ColumnMapping, detect_columns
from mgis.ui.i18n import tr
from mgis.ui.parcel_search import guess_id_field
from mgis.ui.register_state import (
    PROBLEM_NAMES,
    LinkOutcome,
    LinkParameters,
    link_from_parameters,
)
from mgis.ui.workers import Worker

if TYPE_CHECKING:
    from mgis.project import Project

ROLE_NAMES = {
    "id": "Investment id (Lp.)", "name": "Name", "department": "Department", "status": "Status",
    "start_year": "Start year", "end_year": "End year", "period": "Period (years)",
    "total_cost": "Total cost", "funding": "Funding", "parcels": "Parcels", "obreb": "Obręb",
}  # fmt: skip
_ROLE_ORDER = ("parcels", "obreb", "id", "name", "department", "status", "total_cost",
               "start_year", "end_year", "period", "funding")  # fmt: skip
assert set(_ROLE_ORDER) == set(ROLES)


def _read(path: Path, sheet: str | None) -> tuple[list[str], RegisterTable]:
    """Sheets of the workbook (none for CSV) and the register read (worker thread)."""
    from mgis.io.tables import list_sheets

    sheets = list_sheets(path) if path.suffix.lower() in (".xlsx", ".xlsm") else []
    return sheets, read_register(path, sheet=sheet)


class LayerPage(QWizardPage):
    """Choose the parcel layer and its identifier field, or the columns to build ids from."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setTitle(tr("Parcel layer"))
        self.setSubTitle(tr("Choose the parcel layer and where its EGiB identifiers are."))
        self.layer_box = QComboBox()
        for layer in project.layers:
            if layer.family == "polygon":
                self.layer_box.addItem(layer.name, layer.name)
        self.field_radio = QRadioButton(tr("Identifier field"))
        self.build_radio = QRadioButton(tr("Build identifiers from columns"))
        self.field_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.field_radio)
        group.addButton(self.build_radio)
        self.field_box = QComboBox()
        self.unit_box = QComboBox()
        self.unit_box.setEditable(True)
        self.unit_box.setToolTip(tr("A field with the unit code, or the code, e.g. 301001_1"))
        self.obreb_box = QComboBox()
        self.number_box = QComboBox()
        form = QFormLayout()
        form.addRow(tr("Layer"), self.layer_box)
        form.addRow(self.field_radio, self.field_box)
        form.addRow(self.build_radio)
        form.addRow(tr("TERYT unit (field or code)"), self.unit_box)
        form.addRow(tr("Obręb field"), self.obreb_box)
        form.addRow(tr("Parcel number field"), self.number_box)
        self.setLayout(form)
        self.layer_box.currentIndexChanged.connect(self._fill_fields)
        self.build_radio.toggled.connect(self._enable)
        self._fill_fields()
        names = [self.layer_box.itemText(k) for k in range(self.layer_box.count())]
        default = next((k for k, n in enumerate(names) if guess_id_field(project.layer(n))), 0)
        self.layer_box.setCurrentIndex(default)

    def _fill_fields(self) -> None:
        """List the fields of the chosen layer; preselect the identifier field."""
        name = self.layer_box.currentData()
        if name is None:
            return
        layer = self.project.layer(str(name))
        fields = [str(c) for c in layer.frame.columns if c != layer.frame.geometry.name]
        for box in (self.field_box, self.unit_box, self.obreb_box, self.number_box):
            box.clear()
            box.addItems(fields)
        guess = guess_id_field(layer)
        if guess:
            self.field_box.setCurrentText(guess)
        teryt = self.project.metadata.get("teryt", "")
        self.unit_box.setCurrentText(f"{teryt[:6]}_{teryt[6:]}" if len(teryt) == 7 else teryt)
        for box, words in ((self.obreb_box, ("obreb", "obr")), (self.number_box, ("numer", "nr"))):
            hit = next((f for f in fields if f.lower().startswith(words)), None)
            if hit:
                box.setCurrentText(hit)
        self._enable()
        self.completeChanged.emit()

    def _enable(self) -> None:
        """Enable the controls of the chosen way."""
        build = self.build_radio.isChecked()
        self.field_box.setEnabled(not build)
        for box in (self.unit_box, self.obreb_box, self.number_box):
            box.setEnabled(build)

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Tell whether a layer and a field are chosen."""
        return self.layer_box.count() > 0 and bool(self.field_box.currentText())

    def id_field(self) -> str:
        """Return the identifier field, or the ``build:`` spec."""
        if self.build_radio.isChecked():
            return build_spec(self.unit_box.currentText().strip(), self.obreb_box.currentText(),
                              self.number_box.currentText())  # fmt: skip
        return self.field_box.currentText()


class RegisterPage(QWizardPage):
    """Choose the register file (and sheet) and check the detected column roles."""

    readDone = Signal(object)  # noqa: N815 - Qt naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(tr("Investment register"))
        self.setSubTitle(tr("Choose the register file; check which column holds what."))
        self.table: RegisterTable | None = None
        self.worker: Worker | None = None
        self.path_edit = QLineEdit()
        self.path_edit.editingFinished.connect(lambda: self.read(self.path_edit.text()))
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.sheet_box = QComboBox()
        self.sheet_box.activated.connect(lambda _i: self.read(self.path_edit.text(), sheet=True))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.role_boxes: dict[str, QComboBox] = {}
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(tr("File"), row)
        form.addRow(tr("Sheet"), self.sheet_box)
        for role in _ROLE_ORDER:
            box = QComboBox()
            box.currentIndexChanged.connect(self.completeChanged)
            self.role_boxes[role] = box
            form.addRow(tr(ROLE_NAMES[role]), box)
        self.limits_label = QLabel()
        self.limits_label.setWordWrap(True)
        form.addRow(tr("Yearly limits"), self.limits_label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)

    def _browse(self) -> None:
        """Ask for the register file."""
        name, _ = QFileDialog.getOpenFileName(
            self, tr("Investment register"), "", tr("Registers (*.xlsx *.xlsm *.csv *.txt)")
        )
        if name:
            self.path_edit.setText(name)
            self.read(name)

    def read(self, path: str | Path, *, sheet: bool = False) -> Worker | None:
        """Read the register in the background, then show its columns."""
        if not str(path).strip():
            return None
        chosen = self.sheet_box.currentText() if sheet and self.sheet_box.count() else None
        self.path_edit.setText(str(path))
        self.table = None
        self.status.setText(tr("Reading…"))
        self.completeChanged.emit()
        worker = Worker(_read, Path(path), chosen, parent=self)
        worker.succeeded.connect(self._on_read)
        worker.failed.connect(self.status.setText)
        self.worker = worker.start()
        return worker

    def _on_read(self, value: object) -> None:
        """Fill the sheets and the role choices, preselecting the detected columns."""
        sheets, table = cast("tuple[list[str], RegisterTable]", value)
        self.table = table
        self.sheet_box.clear()
        self.sheet_box.addItems(sheets)
        if table.sheet:
            self.sheet_box.setCurrentText(table.sheet)
        columns = [str(c) for c in table.frame.columns]
        detected = detect_columns(columns)
        for role, box in self.role_boxes.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(tr("(none)"), None)
            for column in columns:
                box.addItem(column, column)
            box.setCurrentIndex(max(0, box.findData(getattr(detected, role))))
            box.blockSignals(False)
        self._limits = detected.limits
        self.limits_label.setText(", ".join(c for _, c in detected.limits) or tr("(none)"))
        self.status.setText("\n".join(table.summary_lines()))
        self.completeChanged.emit()
        self.readDone.emit(table)

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Tell whether the file is read and the parcels column chosen."""
        return self.table is not None and self.role_boxes["parcels"].currentData() is not None

    def mapping(self) -> ColumnMapping:
        """Return the column roles as chosen."""
        roles = {role: box.currentData() for role, box in self.role_boxes.items()}
        return ColumnMapping(limits=getattr(self, "_limits", ()), **roles)

    def set_role(self, role: str, column: str | None) -> None:
        """Choose the column of ``role`` (None: no such column)."""
        box = self.role_boxes[role]
        box.setCurrentIndex(max(0, box.findData(column)))


class PreviewPage(QWizardPage):
    """Link in the background and show the counts and problems before accepting."""

    previewDone = Signal(object)  # noqa: N815 - Qt naming

    def __init__(self, wizard: LinkWizard) -> None:
        super().__init__(wizard)
        self.wizard_ = wizard
        self.setTitle(tr("Preview"))
        self.setSubTitle(tr("Matches and problems; the link is made when you click Finish."))
        self.outcome: LinkOutcome | None = None
        self.worker: Worker | None = None
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        """Start the preview link."""
        self.run()

    def run(self) -> Worker:
        """Link with the collected parameters in the background."""
        params = self.wizard_.parameters()
        frame = self.wizard_.project.layer(params.layer).frame
        self.outcome = None
        self.text.setPlainText(tr("Linking…"))
        self.completeChanged.emit()
        worker = Worker(link_from_parameters, params, frame, parent=self)
        worker.succeeded.connect(self._on_done)
        worker.failed.connect(self.text.setPlainText)
        self.worker = worker.start()
        return worker

    def _on_done(self, outcome: object) -> None:
        """Show the counts and the first problems."""
        assert isinstance(outcome, LinkOutcome)
        self.outcome = outcome
        s = outcome.result.summary
        lines = [
            tr("Investments: {n} ({linked} with parcels)").format(
                n=s.investments, linked=s.investments_linked),
            tr("Identifiers read: {n}; matched: {m}; parcels: {p}").format(
                n=s.identifiers, m=s.matched, p=s.parcels),
            tr("Not found: {u}; ambiguous: {a}; unreadable: {i}").format(
                u=s.unmatched, a=s.ambiguous, i=s.invalid),
            tr("Parcels in several investments: {m}; duplicate ids: {d}").format(
                m=s.multi_investment, d=s.duplicates),
            "",
        ]  # fmt: skip
        problems = outcome.result.problems
        for row in problems[problems["kind"] != "multi_investment"].head(50).itertuples():
            hint = f" → {row.suggestion!s}" if row.suggestion else ""
            kind = tr(PROBLEM_NAMES.get(str(row.kind), str(row.kind)))
            lines.append(f"{kind}: {row.investment_id!s}: {row.value!s}{hint}")
        self.text.setPlainText("\n".join(lines))
        self.completeChanged.emit()
        self.previewDone.emit(outcome)

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Tell whether the preview is ready."""
        return self.outcome is not None


class LinkWizard(QWizard):
    """Collect what is needed to link a register to a parcel layer.

    Parameters
    ----------
    project : Project
        The open project (its polygon layers are offered).
    parent : QWidget, optional
        Usually the main window.
    """

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle(tr("Link register"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.layer_page = LayerPage(project, self)
        self.register_page = RegisterPage(self)
        self.preview_page = PreviewPage(self)
        for page in (self.layer_page, self.register_page, self.preview_page):
            self.addPage(page)
        self.resize(640, 620)

    def parameters(self) -> LinkParameters:
        """Return what the user chose."""
        page = self.register_page
        table = page.table
        return LinkParameters(
            layer=str(self.layer_page.layer_box.currentData()),
            id_field=self.layer_page.id_field(),
            register_path=table.path if table is not None else Path(page.path_edit.text()),
            sheet=table.sheet if table is not None else None,
            mapping=page.mapping() if table is not None else None,
        )
