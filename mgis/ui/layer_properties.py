"""Layer properties dialog: name, opacity, scale-dependent visibility and style.

The dialog only collects values; the main window turns them into commands.
"""

from __future__ import annotations

import importlib.util

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mgis.layers import Style, VectorLayer
from mgis.ui.i18n import tr

_MAX_DENOMINATOR = 100_000_000


def style_dialog_available() -> bool:
    """Return True when the style dialog module is installed."""
    return importlib.util.find_spec("mgis.ui.style_dialog") is not None


def _scale_box(value: float | None, default: int) -> QSpinBox:
    """Return a spin box for a scale denominator shown as ``1:N``."""
    box = QSpinBox()
    box.setRange(1, _MAX_DENOMINATOR)
    box.setPrefix("1:")
    box.setGroupSeparatorShown(True)
    box.setValue(round(value) if value else default)
    return box


class LayerPropertiesDialog(QDialog):
    """Asks for a layer's name, opacity, scale range and style.

    Parameters
    ----------
    layer : VectorLayer
        The layer whose current values are shown (it is not changed).
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, layer: VectorLayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.setWindowTitle(f"{tr('Layer properties')} — {layer.name}")
        self._style: Style | None = None
        self.name_edit = QLineEdit(layer.name)
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setRange(0, 100)
        self.opacity_spin = QSpinBox()
        self.opacity_spin.setRange(0, 100)
        self.opacity_spin.setSuffix(" %")
        self.opacity_slider.valueChanged.connect(self.opacity_spin.setValue)
        self.opacity_spin.valueChanged.connect(self.opacity_slider.setValue)
        self.opacity_spin.setValue(round(layer.opacity * 100))
        opacity_row = QHBoxLayout()
        opacity_row.addWidget(self.opacity_slider, 1)
        opacity_row.addWidget(self.opacity_spin)
        limited = layer.min_scale is not None or layer.max_scale is not None
        self.scale_check = QCheckBox(tr("Show only between these scales"))
        self.scale_check.setChecked(limited)
        self.min_scale_box = _scale_box(layer.min_scale, 50_000)
        self.max_scale_box = _scale_box(layer.max_scale, 500)
        self.min_scale_box.setToolTip(tr("Hidden when zoomed out beyond this scale"))
        self.max_scale_box.setToolTip(tr("Hidden when zoomed in beyond this scale"))
        for box in (self.min_scale_box, self.max_scale_box):
            box.setEnabled(limited)
            self.scale_check.toggled.connect(box.setEnabled)
        self.style_button = QPushButton(tr("Style…"))
        self.style_button.setEnabled(style_dialog_available())
        self.style_button.clicked.connect(self._edit_style)
        form = QFormLayout()
        form.addRow(tr("Name:"), self.name_edit)
        form.addRow(tr("Opacity:"), opacity_row)
        form.addRow(self.scale_check)
        form.addRow(tr("Minimum (zoomed out):"), self.min_scale_box)
        form.addRow(tr("Maximum (zoomed in):"), self.max_scale_box)
        form.addRow(tr("Style:"), self.style_button)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def new_name(self) -> str:
        """Return the name typed (stripped)."""
        return self.name_edit.text().strip()

    def opacity(self) -> float:
        """Return the chosen opacity, 0 to 1."""
        return self.opacity_spin.value() / 100.0

    def scale_range(self) -> tuple[float | None, float | None]:
        """Return ``(min_scale, max_scale)``; ``(None, None)`` when not limited."""
        if not self.scale_check.isChecked():
            return (None, None)
        low, high = float(self.min_scale_box.value()), float(self.max_scale_box.value())
        return (max(low, high), min(low, high))  # min_scale is the larger denominator

    def new_style(self) -> Style | None:
        """Return the style chosen with "Style…", or None when unchanged."""
        return self._style

    def _edit_style(self) -> None:
        """Open the style dialog and keep its result."""
        from mgis.ui.style_dialog import StyleDialog  # type: ignore[import-not-found,import-untyped,unused-ignore]

        dialog = StyleDialog(self.layer, self)
        if dialog.exec():
            style = dialog.result_style()
            if style is not None:
                self._style = style
