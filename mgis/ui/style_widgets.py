"""Small widgets of the style dialog: colour buttons, swatch icons, class tables."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mgis.layers.classify import RANGE_DASH, LegendItem, format_number
from mgis.layers.style import Style
from mgis.render.legend import draw_swatch
from mgis.render.symbols import parse_color
from mgis.ui.i18n import tr

SWATCH = QSize(28, 16)
"""Size of swatch icons in pixels."""

LABEL_COLUMN = 2
"""Column of a class table holding the editable label."""


def color_text(colour: QColor) -> str:
    """Return ``#rrggbb``, or ``#rrggbbaa`` for a translucent colour."""
    text = f"#{colour.red():02x}{colour.green():02x}{colour.blue():02x}"
    return text if colour.alpha() == 255 else f"{text}{colour.alpha():02x}"


def ask_color(current: str, parent: QWidget | None) -> str | None:
    """Ask for a colour with the Qt colour dialog; None when cancelled."""
    options = QColorDialog.ColorDialogOption.ShowAlphaChannel
    chosen = QColorDialog.getColor(parse_color(current), parent, tr("Choose colour"), options)
    return color_text(chosen) if chosen.isValid() else None


def swatch_icon(item: LegendItem) -> QIcon:
    """Return an icon showing the symbol of a legend row."""
    pixmap = QPixmap(SWATCH)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        draw_swatch(painter, QRectF(0, 0, SWATCH.width(), SWATCH.height()), item)
    finally:
        painter.end()
    return QIcon(pixmap)


class ColorButton(QPushButton):
    """A button showing a colour; a click asks for a new one.

    Parameters
    ----------
    colour : str
        Initial colour ``#rrggbb[aa]``.
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(64)
        self.set_color(colour)
        self.clicked.connect(self._choose)

    def color(self) -> str:
        """Return the colour as ``#rrggbb[aa]``."""
        return self._colour

    def set_color(self, colour: str) -> None:
        """Show ``colour`` (``#rrggbb[aa]``)."""
        self._colour = colour
        pixmap = QPixmap(SWATCH)
        pixmap.fill(parse_color(colour))
        self.setIcon(QIcon(pixmap))
        self.setText(colour)

    def _choose(self) -> None:
        """Ask for a new colour."""
        chosen = ask_color(self._colour, self)
        if chosen is not None:
            self.set_color(chosen)


def make_combo(entries: Sequence[tuple[str, object]], current: object) -> QComboBox:
    """Return a combo box of ``(text, data)`` entries with ``current`` selected (else the first)."""
    combo = QComboBox()
    for text, data in entries:
        combo.addItem(text, data)
    index = combo.findData(current) if current is not None else -1
    if current is None and entries and entries[0][1] is None:
        index = 0
    combo.setCurrentIndex(max(index, 0))
    return combo


def make_class_table(value_title: str) -> QTableWidget:
    """Return an empty class table: swatch, value or range, label, count."""
    table = QTableWidget(0, 4)
    table.setHorizontalHeaderLabels(["", value_title, tr("Label"), tr("Count")])
    table.setIconSize(SWATCH)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
    )
    return table


def make_page(form: QFormLayout, button: QPushButton, table: QTableWidget) -> QWidget:
    """Return a page of a form, a Classify button and a class table."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addLayout(form)
    layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
    layout.addWidget(table, 1)
    return page


def fill_class_table(table: QTableWidget, style: Style | None, family: str) -> None:
    """Show the classes of ``style`` in ``table`` (emptied when ``style`` is None).

    Only the label column is editable; signals are blocked while filling.
    """
    table.blockSignals(True)
    try:
        table.setRowCount(0)
        if style is None:
            return
        for row, cls in enumerate(style.classes):
            table.insertRow(row)
            item = LegendItem(cls.label, cls.fill, cls.stroke, cls.count, family,
                              stroke_width=style.stroke_width, marker=style.marker)  # fmt: skip
            swatch = QTableWidgetItem(swatch_icon(item), "")
            swatch.setToolTip(tr("Double-click to change the colour"))
            if style.mode == "graduated":
                value = f"{_bound(cls.lower)}{RANGE_DASH}{_bound(cls.upper)}"
            else:
                value = tr("(other and empty)") if cls.value is None else str(cls.value)
            count = QTableWidgetItem(format_number(cls.count))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells = [swatch, QTableWidgetItem(value), QTableWidgetItem(cls.label), count]
            for col, cell in enumerate(cells):
                if col != LABEL_COLUMN:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                table.setItem(row, col, cell)
        table.resizeColumnsToContents()
    finally:
        table.blockSignals(False)


def _bound(value: float | None) -> str:
    """Return the short text of a range bound (empty for an open bound)."""
    return "" if value is None else f"{value:g}"


def make_scale_spin(value: float | None) -> QSpinBox:
    """Return a 1:N scale box where 0 means "no limit"."""
    spin = QSpinBox()
    spin.setRange(0, 10_000_000)
    spin.setSingleStep(500)
    spin.setPrefix("1:")
    spin.setSpecialValueText(tr("no limit"))
    spin.setValue(round(value) if value else 0)
    return spin


def scale_value(spin: QSpinBox) -> float | None:
    """Return the scale denominator of a :func:`make_scale_spin` box, None for no limit."""
    return float(spin.value()) if spin.value() > 0 else None
