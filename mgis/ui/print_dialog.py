"""Print dialogs: a map sheet with a live preview, and an atlas. They only collect settings.

The preview is the sheet itself rendered at a low dpi by
:func:`mgis.render.printing.sheet_image`; the full-resolution output is made
by :class:`~mgis.ui.print_actions.PrintUi` in a worker.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mgis.render.renderer import MapRenderer
from mgis.render.scales import format_scale, parse_scale
from mgis.render.sheet import PAPER_MM, STANDARD_SCALES, SheetSpec, TitleBlock
from mgis.render.templates import all_templates
from mgis.ui.i18n import current_language, tr

if TYPE_CHECKING:
    from mgis.project import Project
    from mgis.render.view import MapView

Extent = tuple[float, float, float, float]

PREVIEW_WIDTH = 520
"""Width of the preview in pixels."""


def _path_row(edit: QLineEdit, parent: QWidget, filters: str, folder: bool = False) -> QWidget:
    """Return a line edit with a Browse button choosing a file (or a folder)."""
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    button = QPushButton(tr("Browse…"), row)

    def browse() -> None:
        if folder:
            chosen = QFileDialog.getExistingDirectory(parent, tr("Choose a folder"), edit.text())
        else:
            chosen, _ = QFileDialog.getSaveFileName(parent, tr("Save as"), edit.text(), filters)
        if chosen:
            edit.setText(chosen)

    button.clicked.connect(browse)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row


class SheetForm(QWidget):
    """Sheet settings shared by the print and atlas dialogs: template, paper, scale, texts."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        form = QFormLayout(self)
        self.template = QComboBox(self)
        self.template.addItem(tr("(none)"), "")
        for name, template in all_templates(project).items():
            self.template.addItem(template.display(current_language()), name)
        self.paper = QComboBox(self)
        self.paper.addItems(list(PAPER_MM))
        self.orientation = QComboBox(self)
        self.orientation.addItem(tr("Portrait"), "portrait")
        self.orientation.addItem(tr("Landscape"), "landscape")
        self.scale = QComboBox(self)
        self.scale.setEditable(True)
        self.scale.addItem(tr("Fit"))
        self.scale.addItems([format_scale(s) for s in STANDARD_SCALES])
        self.title = QLineEdit(project.metadata.get("title", ""), self)
        self.subtitle = QLineEdit(self)
        self.author = QLineEdit(self)
        self.department = QLineEdit(self)
        self.sources = QLineEdit(self)
        self.checks: dict[str, QCheckBox] = {}
        for key, text in (
            ("legend", tr("Legend")),
            ("legend_in_frame_only", tr("Legend: only items in the frame")),
            ("scale_bar", tr("Scale bar")),
            ("north_arrow", tr("North arrow")),
            ("grid", tr("Coordinate grid")),
            ("inset", tr("Overview map")),
            ("title_block", tr("Title block")),
        ):
            self.checks[key] = QCheckBox(text, self)
            self.checks[key].setChecked(True)
        self.language = QComboBox(self)
        self.language.addItem("Polski", "pl")
        self.language.addItem("English", "en")
        self.dpi = QSpinBox(self)
        self.dpi.setRange(72, 1200)
        self.dpi.setValue(300)
        form.addRow(tr("Template"), self.template)
        form.addRow(tr("Paper"), self.paper)
        form.addRow(tr("Orientation"), self.orientation)
        form.addRow(tr("Scale"), self.scale)
        form.addRow(tr("Title"), self.title)
        form.addRow(tr("Subtitle"), self.subtitle)
        form.addRow(tr("Author"), self.author)
        form.addRow(tr("Department"), self.department)
        form.addRow(tr("Data sources"), self.sources)
        for box in self.checks.values():
            form.addRow("", box)
        form.addRow(tr("Sheet language"), self.language)
        form.addRow(tr("Resolution (dpi)"), self.dpi)
        self.template.currentIndexChanged.connect(self._apply_template)

    def _apply_template(self) -> None:
        """Copy the chosen template's settings into the widgets."""
        name = self.template.currentData()
        if not name:
            return
        spec = all_templates(self.project)[name].spec()
        self.paper.setCurrentText(spec.paper)
        self.orientation.setCurrentIndex(self.orientation.findData(spec.orientation))
        self.scale.setCurrentText(format_scale(spec.scale) if spec.scale else tr("Fit"))
        for key, box in self.checks.items():
            box.setChecked(bool(getattr(spec, key)) if key != "title_block" else True)
        self.dpi.setValue(round(spec.dpi))

    def scale_value(self) -> float | None:
        """Return the typed or chosen scale denominator; None to fit."""
        return parse_scale(self.scale.currentText())

    def spec(self) -> SheetSpec:
        """Return the sheet described by the widgets (without a place on the map)."""
        block = TitleBlock(self.author.text(), self.department.text(), "", self.sources.text())
        on: dict[str, Any] = {key: box.isChecked() for key, box in self.checks.items()}
        return SheetSpec(
            paper=self.paper.currentText(),
            orientation=str(self.orientation.currentData()),
            scale=self.scale_value(),
            title=self.title.text(),
            subtitle=self.subtitle.text(),
            title_block=block if on.pop("title_block") else None,
            language=str(self.language.currentData()),
            dpi=float(self.dpi.value()),
            **on,
        )


class PrintDialog(QDialog):
    """Print one map sheet: settings on the left, a live preview on the right.

    Parameters
    ----------
    project : Project
        The project printed.
    view : MapView, optional
        The canvas view: its centre is the default centre of the sheet.
    selection : tuple of float, optional
        Extent of the selected features (an investment), offered as the place.
    parent : QWidget, optional
        Parent widget.

    Signals
    -------
    saveTemplateRequested(str)
        The user asked to keep the settings as a template of this name.
    """

    saveTemplateRequested = Signal(str)  # noqa: N815 - Qt naming

    def __init__(
        self,
        project: Project,
        view: MapView | None = None,
        selection: Extent | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Print map sheet"))
        self.project = project
        self.view = view
        self.selection = selection
        self.renderer = MapRenderer()
        self.form = SheetForm(project, self)
        self.place = QComboBox(self)
        if view is not None:
            self.place.addItem(tr("Centre of the map view"), "view")
        if selection is not None:
            self.place.addItem(tr("Fit the selection"), "selection")
        self.place.addItem(tr("Fit the whole project"), "project")
        self.output = QLineEdit(self)
        self.output.setPlaceholderText(tr("File .pdf or .png"))
        self.preview = QLabel(self)
        self.preview.setFixedSize(PREVIEW_WIDTH, PREVIEW_WIDTH)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: #808080;")
        self.save_template_button = QPushButton(tr("Save as template…"), self)
        self.save_template_button.clicked.connect(self._ask_template_name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Print"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        left = QVBoxLayout()
        left.addWidget(self.form)
        extra = QFormLayout()
        extra.addRow(tr("Place"), self.place)
        extra.addRow(tr("Output"), _path_row(self.output, self, "PDF (*.pdf);;PNG (*.png)"))
        left.addLayout(extra)
        left.addWidget(self.save_template_button)
        top = QHBoxLayout()
        top.addLayout(left)
        top.addWidget(self.preview)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.update_preview)
        for widget in self.findChildren(QLineEdit):
            widget.textChanged.connect(self._timer.start)
        for combo in self.findChildren(QComboBox):
            combo.currentIndexChanged.connect(self._timer.start)
        for box in self.form.checks.values():
            box.toggled.connect(self._timer.start)
        self._timer.start()

    def spec(self) -> SheetSpec:
        """Return the sheet to print, placed on the map."""
        spec = self.form.spec()
        place = self.place.currentData()
        if place == "view" and self.view is not None:
            scale = spec.scale or round(self.view.scale_denominator())
            return dataclasses.replace(spec, center=(self.view.cx, self.view.cy), scale=scale)
        if place == "selection" and self.selection is not None:
            return dataclasses.replace(spec, extent=self.selection)
        return spec

    def output_path(self) -> Path | None:
        """Return the chosen file (``.pdf`` added without a known suffix), or None."""
        text = self.output.text().strip()
        if not text:
            return None
        path = Path(text)
        return path if path.suffix.lower() in (".pdf", ".png") else path.with_suffix(".pdf")

    def update_preview(self) -> None:
        """Render the sheet at a low dpi into the preview."""
        from mgis.render.printing import sheet_image

        try:
            spec = self.spec()
        except ValueError as exc:
            self.preview.setText(str(exc))
            return
        w_mm, h_mm = spec.page_mm
        dpi = min(PREVIEW_WIDTH / (w_mm / 25.4), PREVIEW_WIDTH / (h_mm / 25.4))
        image, _ = sheet_image(self.project, spec, dpi, renderer=self.renderer)
        self.preview.setPixmap(QPixmap.fromImage(image))

    def _ask_template_name(self) -> None:
        """Ask for a template name and pass it on."""
        name, ok = QInputDialog.getText(self, tr("Save as template"), tr("Template name"))
        if ok and name.strip():
            self.saveTemplateRequested.emit(name.strip())

    def _accept(self) -> None:
        """Close only with an output file chosen."""
        if self.output_path() is None:
            self.output.setFocus()
            self.output.setPlaceholderText(tr("Choose an output file first"))
            return
        self.accept()


class AtlasDialog(QDialog):
    """Print one sheet per feature of a coverage layer, to one PDF or to one file per sheet."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Atlas"))
        self.project = project
        self.form = SheetForm(project, self)
        self.coverage = QComboBox(self)
        self.name_field = QComboBox(self)
        self.table_layer = QComboBox(self)
        self.table_layer.addItem(tr("(none)"), "")
        for layer in project.layers:
            if layer.family == "polygon":
                self.coverage.addItem(layer.name, layer.name)
            self.table_layer.addItem(layer.name, layer.name)
        self.table_fields = QLineEdit(self)
        self.table_fields.setPlaceholderText(
            tr("fields, comma separated (default: the first four)")
        )
        self.one_file = QCheckBox(tr("One multi-page PDF"), self)
        self.one_file.setChecked(True)
        self.output = QLineEdit(self)
        form = QFormLayout()
        form.addRow(tr("Coverage layer"), self.coverage)
        form.addRow(tr("Name field"), self.name_field)
        form.addRow(tr("Table of features from"), self.table_layer)
        form.addRow(tr("Table fields"), self.table_fields)
        form.addRow("", self.one_file)
        form.addRow(tr("Output"), _path_row(self.output, self, "PDF (*.pdf)"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Print"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.coverage.currentIndexChanged.connect(self._fill_fields)
        self._fill_fields()

    def _fill_fields(self) -> None:
        """Offer the fields of the chosen coverage layer as sheet names."""
        self.name_field.clear()
        self.name_field.addItem(tr("(feature number)"), "")
        name = self.coverage.currentData()
        if name:
            for column in self.project.layer(name).frame.columns:
                if column != "geometry":
                    self.name_field.addItem(str(column), str(column))

    def parameters(self) -> dict[str, object]:
        """Return the keyword arguments of :func:`mgis.render.printing.print_atlas`."""
        fields = [f.strip() for f in self.table_fields.text().split(",") if f.strip()]
        return {
            "spec": self.form.spec(),
            "coverage": self.coverage.currentData(),
            "out": Path(self.output.text().strip()),
            "name_field": self.name_field.currentData() or None,
            "one_file": self.one_file.isChecked(),
            "table_layer": self.table_layer.currentData() or None,
            "table_fields": fields or None,
        }
