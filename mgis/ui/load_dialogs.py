"""Dialogs of adding layers: the layer chooser, the CRS question and the load report.

They only collect answers; :mod:`mgis.ui.layer_loading` acts on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mgis.io import LayerInfo, LoadReport
from mgis.ui.dialog_buttons import ok_cancel
from mgis.ui.i18n import tr

COMMON_CRS = (
    ("EPSG:2180", "PL-1992"),
    ("EPSG:2176", "PL-2000 strefa 5"),
    ("EPSG:2177", "PL-2000 strefa 6"),
    ("EPSG:2178", "PL-2000 strefa 7"),
    ("EPSG:2179", "PL-2000 strefa 8"),
    ("EPSG:4326", "WGS 84"),
    ("EPSG:3857", "Web Mercator"),
)


def crs_combo(current: str | None = None) -> QComboBox:
    """Return an editable combo of the usual Polish CRSs; any ``EPSG:code`` may be typed.

    Parameters
    ----------
    current : str, optional
        CRS shown first.
    """
    box = QComboBox()
    box.setEditable(True)
    for code, name in COMMON_CRS:
        box.addItem(f"{code} — {name}", code)
    if current:
        row = box.findData(current)
        if row >= 0:
            box.setCurrentIndex(row)
        else:
            box.setEditText(current)
    return box


def combo_crs(box: QComboBox) -> str:
    """Return the CRS chosen or typed in a :func:`crs_combo` (``""`` when empty)."""
    text = box.currentText().strip()
    row = box.findText(text)
    if row >= 0 and box.itemData(row):
        return str(box.itemData(row))
    code = text.split("—")[0].strip()
    return f"EPSG:{code}" if code.isdigit() else code


class LayerChooserDialog(QDialog):
    """Asks which layers of a multi-layer file to add (all ticked at first).

    Parameters
    ----------
    path : pathlib.Path
        The file.
    layers : sequence of LayerInfo
        Its layers, as :func:`mgis.io.list_layers` returns them.
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(
        self, path: Path, layers: Sequence[LayerInfo], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Choose layers"))
        self.list = QListWidget()
        for info in layers:
            count = "?" if info.feature_count is None else str(info.feature_count)
            kind = info.geometry_type or tr("table")
            item = QListWidgetItem(f"{info.name}  ({kind}, {count})")
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{tr('Layers to add from')} {path.name}:"))
        layout.addWidget(self.list)
        layout.addWidget(ok_cancel(self))

    def chosen(self) -> list[str]:
        """Return the names of the ticked layers."""
        items = (self.list.item(row) for row in range(self.list.count()))
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]


class CrsDialog(QDialog):
    """Asks for the CRS of a layer whose file does not say.

    Parameters
    ----------
    name : str
        File or layer name shown in the question.
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Coordinate reference system"))
        self.combo = crs_combo("EPSG:2180")
        text = QLabel(f"{name}: {tr('the file does not say which CRS it uses. Choose one:')}")
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.combo)
        layout.addWidget(ok_cancel(self))

    def crs(self) -> str:
        """Return the chosen CRS."""
        return combo_crs(self.combo)


class LoadReportDialog(QDialog):
    """Shows what loading found; for a guessed CRS offers Confirm or Change….

    After ``exec()``, :meth:`new_crs` is the CRS to reload with, or ``""`` to
    keep the layer as it is.

    Parameters
    ----------
    name : str
        The layer name.
    report : LoadReport
        What :func:`mgis.io.read_layer` found.
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, name: str, report: LoadReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{tr('Layer loaded')} — {name}")
        self.setMinimumWidth(520)
        self._new_crs = ""
        form = QFormLayout()
        form.addRow(tr("File:"), _wrapped(report.path))
        form.addRow(tr("Format:"), QLabel(report.format))
        form.addRow(tr("Features:"), QLabel(str(report.feature_count)))
        if report.encoding is not None:
            form.addRow(tr("Encoding:"), _wrapped(f"{report.encoding} — {report.encoding_reason}"))
        crs = report.crs or tr("unknown")
        if report.crs_name:
            crs = f"{crs} ({report.crs_name})"
        if report.crs_guessed:
            crs = f"{crs} — {tr('guessed')}"
        form.addRow(tr("CRS:"), _wrapped(f"{crs}\n{report.crs_reason}"))
        if report.invalid_geometries or report.repairs:
            geometries = (
                f"{report.invalid_geometries} {tr('invalid')}, {report.repairs} {tr('repaired')}"
            )
            form.addRow(tr("Geometries:"), QLabel(geometries))
        for text in report.warnings:
            form.addRow(tr("Warning:"), _wrapped(text))
        self.combo = crs_combo(report.crs)
        self.combo.setVisible(False)
        buttons = QDialogButtonBox()
        if report.crs_guessed:
            self.confirm_button = QPushButton(tr("Confirm CRS"))
            self.change_button = QPushButton(tr("Change CRS…"))
            buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
            buttons.addButton(self.change_button, QDialogButtonBox.ButtonRole.ActionRole)
            self.change_button.clicked.connect(self._show_change)
        else:
            buttons.addButton(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        self.apply_button = QPushButton(tr("Reload with this CRS"))
        self.apply_button.setVisible(False)
        self.apply_button.clicked.connect(self._apply)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.combo)
        layout.addWidget(self.apply_button)
        layout.addWidget(buttons)

    def new_crs(self) -> str:
        """Return the CRS to reload the layer with, or ``""`` to keep it."""
        return self._new_crs

    def choose(self, crs: str) -> None:
        """Pick ``crs`` as the new CRS and close (what Change… then Reload does)."""
        self._new_crs = crs
        self.accept()

    def _show_change(self) -> None:
        """Show the CRS combo and its Reload button."""
        self.combo.setVisible(True)
        self.apply_button.setVisible(True)
        self.combo.setFocus()

    def _apply(self) -> None:
        """Close with the CRS chosen in the combo."""
        self.choose(combo_crs(self.combo))


def _wrapped(text: str) -> QLabel:
    """Return a word-wrapping, selectable label."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
