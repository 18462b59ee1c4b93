"""Style dialog: single symbol, categories of a field, graduated numeric ranges, labels.

The dialog only collects parameters; :meth:`StyleDialog.result_style` gives the
new style and the caller applies it (as an undoable command). Opacity is a
layer property and is set elsewhere.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mgis.layers.classify import (
    attribute_fields,
    categorize,
    format_number,
    graduate,
    is_numeric_field,
    legend_items,
    numeric_fields,
)
from mgis.layers.ramps import DEFAULT_PALETTE, DEFAULT_RAMP, PALETTES, RAMPS
from mgis.layers.style import Style, StyleClass
from mgis.layers.vector import VectorLayer
from mgis.ui.i18n import tr
from mgis.ui.style_widgets import (
    LABEL_COLUMN,
    SWATCH,
    ColorButton,
    ask_color,
    fill_class_table,
    make_class_table,
    make_combo,
    make_page,
    make_scale_spin,
    scale_value,
    swatch_icon,
)


class StyleDialog(QDialog):
    """Asks how a layer should be drawn; never changes the layer.

    Parameters
    ----------
    layer : VectorLayer
        The layer whose style and fields are shown.
    parent : QWidget, optional
        Parent widget.
    """

    MODES = ("single", "categorized", "graduated")

    def __init__(self, layer: VectorLayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.setWindowTitle(f"{tr('Layer style')} — {layer.name}")
        style = layer.style
        self._result: Style | None = None
        self._made: dict[str, Style | None] = dict.fromkeys(self.MODES)
        if style.classified:
            self._made[style.mode] = style
        self.mode_combo = make_combo(
            [(tr("Single symbol"), "single"), (tr("Categorized"), "categorized"),
             (tr("Graduated"), "graduated")], style.mode,
        )  # fmt: skip
        symbol_box = self._symbol_box(style)
        self.pages = QStackedWidget()
        self.pages.addWidget(QLabel(tr("All features are drawn with the symbol above.")))
        self.pages.addWidget(self._categorized_page())
        self.pages.addWidget(self._graduated_page())
        self.pages.setCurrentIndex(self.mode_combo.currentIndex())
        fields = attribute_fields(layer.frame)
        self.label_combo = make_combo(
            [(tr("No labels"), None), *[(f, f) for f in fields]], style.label_field
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.preview = QListWidget()
        self.preview.setIconSize(SWATCH)
        self.preview.setMinimumWidth(200)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        mode_form = QFormLayout()
        mode_form.addRow(tr("Style:"), self.mode_combo)
        left.addLayout(mode_form)
        left.addWidget(symbol_box)
        left.addWidget(self.pages, 1)
        left.addLayout(self._label_form(style))
        left.addWidget(self.message)
        right = QVBoxLayout()
        right.addWidget(QLabel(tr("Legend preview")))
        right.addWidget(self.preview, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(columns)
        outer.addWidget(buttons)

        self._connect()
        self._fill_table("categorized")
        self._fill_table("graduated")
        self.update_preview()

    def _connect(self) -> None:
        """Redraw the preview when the mode or the shared symbol changes."""
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        for button in (self.fill_button, self.stroke_button):
            button.clicked.connect(self.update_preview)
        self.width_spin.valueChanged.connect(self.update_preview)
        self.marker_combo.currentIndexChanged.connect(self.update_preview)
        self.dash_combo.currentIndexChanged.connect(self.update_preview)
        # new parameters make the shown classes stale: OK then classifies afresh
        for combo in (self.cat_field, self.cat_ramp):
            combo.currentIndexChanged.connect(lambda: self._forget("categorized"))
        self.cat_max.valueChanged.connect(lambda: self._forget("categorized"))
        for combo in (self.grad_field, self.grad_method, self.grad_ramp):
            combo.currentIndexChanged.connect(lambda: self._forget("graduated"))
        self.grad_classes.valueChanged.connect(lambda: self._forget("graduated"))

    def _forget(self, mode: str) -> None:
        """Drop the classes of ``mode`` after its parameters changed."""
        self._made[mode] = None
        self._fill_table(mode)
        self.update_preview()

    def _symbol_box(self, style: Style) -> QGroupBox:
        """Build the widgets of the shared symbol: colours, width, dash, marker."""
        self.fill_button = ColorButton(style.fill)
        self.stroke_button = ColorButton(style.stroke)
        self.width_spin = QDoubleSpinBox()
        self.width_spin.setRange(0.0, 10.0)
        self.width_spin.setDecimals(2)
        self.width_spin.setSingleStep(0.05)
        self.width_spin.setSuffix(" mm")
        self.width_spin.setValue(style.stroke_width)
        self.dash_combo = make_combo(
            [(tr("Solid"), "solid"), (tr("Dashed"), "dash"), (tr("Dotted"), "dot")], style.dash
        )
        self.marker_combo = make_combo(
            [(tr("Circle"), "circle"), (tr("Square"), "square"), (tr("Triangle"), "triangle")],
            style.marker,
        )
        self.size_spin = QDoubleSpinBox()
        self.size_spin.setRange(0.2, 50.0)
        self.size_spin.setSuffix(" mm")
        self.size_spin.setValue(style.marker_size)
        points = self.layer.family == "point"
        self.marker_combo.setEnabled(points)
        self.size_spin.setEnabled(points)
        form = QFormLayout()
        form.addRow(tr("Fill colour:"), self.fill_button)
        form.addRow(tr("Outline colour:"), self.stroke_button)
        form.addRow(tr("Outline width:"), self.width_spin)
        form.addRow(tr("Line style:"), self.dash_combo)
        form.addRow(tr("Marker:"), self.marker_combo)
        form.addRow(tr("Marker size:"), self.size_spin)
        box = QGroupBox(tr("Symbol"))
        box.setLayout(form)
        return box

    def _categorized_page(self) -> QWidget:
        """Build the page of categories: field, palette, class limit, Classify, table."""
        made = self._made["categorized"]
        fields = attribute_fields(self.layer.frame)
        self.cat_field = make_combo([(f, f) for f in fields], made.field if made else None)
        ramps = [(n, n) for n in [*PALETTES, *RAMPS]]
        self.cat_ramp = make_combo(ramps, made.ramp if made else DEFAULT_PALETTE)
        self.cat_max = QSpinBox()
        self.cat_max.setRange(1, 200)
        self.cat_max.setValue(max(20, len(made.classes)) if made else 20)
        self.cat_button = QPushButton(tr("Classify"))
        self.cat_button.clicked.connect(self.classify_categories)
        self.cat_table = self._class_table(tr("Value"))
        form = QFormLayout()
        form.addRow(tr("Field:"), self.cat_field)
        form.addRow(tr("Colours:"), self.cat_ramp)
        form.addRow(tr("Most classes:"), self.cat_max)
        return make_page(form, self.cat_button, self.cat_table)

    def _graduated_page(self) -> QWidget:
        """Build the page of ranges: numeric field, method, classes, ramp, Classify, table."""
        made = self._made["graduated"]
        numeric = numeric_fields(self.layer.frame)
        self.grad_field = make_combo([(f, f) for f in numeric], made.field if made else None)
        methods: list[tuple[str, object]] = [
            (tr("Natural breaks (Jenks)"), "natural_breaks"),
            (tr("Equal interval"), "equal_interval"),
            (tr("Quantiles (equal count)"), "quantiles"),
            (tr("Standard deviation"), "std_dev"),
        ]
        self.grad_method = make_combo(methods, made.method if made else None)
        self.grad_classes = QSpinBox()
        self.grad_classes.setRange(2, 12)
        self.grad_classes.setValue(len(made.classes) if made else 5)
        self.grad_ramp = make_combo([(n, n) for n in RAMPS], made.ramp if made else DEFAULT_RAMP)
        self.grad_button = QPushButton(tr("Classify"))
        self.grad_button.clicked.connect(self.classify_ranges)
        self.grad_table = self._class_table(tr("Range"))
        if not numeric:
            self.grad_button.setEnabled(False)
            self.grad_field.setToolTip(tr("The layer has no numeric fields."))
        form = QFormLayout()
        form.addRow(tr("Numeric field:"), self.grad_field)
        form.addRow(tr("Method:"), self.grad_method)
        form.addRow(tr("Classes:"), self.grad_classes)
        form.addRow(tr("Colour ramp:"), self.grad_ramp)
        return make_page(form, self.grad_button, self.grad_table)

    # -- public API -----------------------------------------------------------------------

    def mode(self) -> str:
        """Return the chosen mode: ``single``, ``categorized`` or ``graduated``."""
        return str(self.mode_combo.currentData())

    def set_mode(self, mode: str) -> None:
        """Switch to ``mode`` (as if chosen in the combo box)."""
        self.mode_combo.setCurrentIndex(self.MODES.index(mode))

    def classify_categories(self) -> None:
        """Make one class per value of the chosen field (the "Classify" button)."""
        field = self.cat_field.currentData()
        if field is None:
            self._say(tr("Choose a field first."))
            return
        try:
            style = categorize(
                self.layer.frame, str(field), str(self.cat_ramp.currentData()),
                self.cat_max.value(), base=self._base(), other_label=tr("Other values"),
                empty_label=tr("No value"),
            )  # fmt: skip
        except ValueError:
            self._say(tr("The layer has no field “{field}”.").format(field=field), error=True)
            return
        hidden = int(style.extra.get("hidden_values", 0))
        if hidden:
            note = tr("{hidden} less frequent values share the class “{other}”.")
            self._say(note.format(hidden=format_number(hidden), other=tr("Other values")))
        else:
            self._say("")
        self._made["categorized"] = style
        self._fill_table("categorized")
        self.update_preview()

    def classify_ranges(self) -> None:
        """Make numeric ranges of the chosen field (the "Classify" button)."""
        field = self.grad_field.currentData()
        if field is None:
            self._say(tr("The layer has no numeric fields."), error=True)
            return
        try:
            style = graduate(
                self.layer.frame, str(field), str(self.grad_method.currentData()),
                self.grad_classes.value(), str(self.grad_ramp.currentData()), base=self._base(),
            )  # fmt: skip
        except ValueError:
            if is_numeric_field(self.layer.frame, str(field)):
                text = tr("The field “{field}” has no numeric values to classify.")
            else:
                text = tr("The field “{field}” is not numeric; use a categorized style.")
            self._say(text.format(field=field), error=True)
            return
        self._say("")
        self._made["graduated"] = style
        self._fill_table("graduated")
        self.update_preview()

    def classes(self, mode: str | None = None) -> tuple[StyleClass, ...]:
        """Return the classes made for ``mode`` (the current mode by default)."""
        made = self._made.get(mode or self.mode())
        return made.classes if made is not None else ()

    def set_class_color(self, row: int, colour: str, mode: str | None = None) -> None:
        """Give class ``row`` of ``mode`` the colour ``colour`` (fill, or line colour of lines)."""
        mode = mode or self.mode()
        made = self._made[mode]
        if made is None:
            return
        cls = made.classes[row]
        if self.layer.family == "line":
            cls = dataclasses.replace(cls, stroke=colour)
        else:
            cls = dataclasses.replace(cls, fill=colour)
        classes = (*made.classes[:row], cls, *made.classes[row + 1 :])
        self._made[mode] = dataclasses.replace(made, classes=classes)
        self._fill_table(mode)
        self.update_preview()

    def current_style(self) -> Style:
        """Return the style the widgets describe now (classifying first when needed)."""
        base = self._base()
        mode = self.mode()
        if mode == "categorized" and self._made[mode] is None:
            self.classify_categories()
        elif mode == "graduated" and self._made[mode] is None:
            self.classify_ranges()
        made = self._made[mode] if mode != "single" else None
        if made is None:
            return dataclasses.replace(
                base, mode="single", field=None, classes=(), method=None, ramp=None
            )
        classes = made.classes
        if self.layer.family != "line":  # outlines are shared; only fills differ per class
            classes = tuple(dataclasses.replace(c, stroke=base.stroke) for c in classes)
        return dataclasses.replace(
            base, mode=mode, field=made.field, classes=classes, method=made.method,
            ramp=made.ramp, extra={**base.extra, **made.extra},
        )  # fmt: skip

    def result_style(self) -> Style:
        """Return the style chosen when the dialog was accepted (else the current choice)."""
        return self._result if self._result is not None else self.current_style()

    def accept(self) -> None:
        """Keep the chosen style and close."""
        self._result = self.current_style()
        super().accept()

    def update_preview(self) -> None:
        """Redraw the legend preview from the current choices."""
        self.preview.clear()
        probe = VectorLayer(self.layer.name, self.layer.frame, style=self._preview_style())
        for item in legend_items(probe, unclassified_label=tr("No class")):
            text = f"{item.label} ({format_number(item.count)})"
            self.preview.addItem(QListWidgetItem(swatch_icon(item), text))

    # -- helpers --------------------------------------------------------------------------

    def _label_form(self, style: Style) -> QFormLayout:
        """Return the label field and the label scale range rows."""
        form = QFormLayout()
        form.addRow(tr("Label with:"), self.label_combo)
        self.label_min_spin = make_scale_spin(style.label_min_scale)
        self.label_max_spin = make_scale_spin(style.label_max_scale)
        form.addRow(tr("Labels when zoomed in beyond"), self.label_min_spin)
        form.addRow(tr("Labels until zoomed in to"), self.label_max_spin)
        return form

    def _base(self) -> Style:
        """Return the shared symbol and labels described by the widgets."""
        extra = {
            k: v for k, v in self.layer.style.extra.items() if k not in ("note", "hidden_values")
        }
        return Style(
            fill=self.fill_button.color(), stroke=self.stroke_button.color(),
            stroke_width=self.width_spin.value(), dash=str(self.dash_combo.currentData()),
            marker=str(self.marker_combo.currentData()), marker_size=self.size_spin.value(),
            label_field=self.label_combo.currentData(), extra=extra,
            label_min_scale=scale_value(self.label_min_spin),
            label_max_scale=scale_value(self.label_max_spin),
        )  # fmt: skip

    def _preview_style(self) -> Style:
        """Return the current style without classifying anything."""
        mode = self.mode()
        made = self._made[mode] if mode != "single" else None
        if made is None:
            return self._base()
        return self.current_style()

    def _mode_changed(self) -> None:
        """Show the page of the chosen mode."""
        self.pages.setCurrentIndex(self.mode_combo.currentIndex())
        self._say("")
        self.update_preview()

    def _say(self, text: str, *, error: bool = False) -> None:
        """Show a note (or an error, in red) under the form."""
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)

    def _fill_table(self, mode: str) -> None:
        """Show the classes of ``mode`` in its table."""
        table = self.cat_table if mode == "categorized" else self.grad_table
        fill_class_table(table, self._made[mode], self.layer.family)

    def _label_edited(self, table: QTableWidget, item: QTableWidgetItem) -> None:
        """Keep a label typed into a class table."""
        mode = "categorized" if table is self.cat_table else "graduated"
        made = self._made[mode]
        if made is None or item.column() != LABEL_COLUMN:
            return
        row = item.row()
        cls = dataclasses.replace(made.classes[row], label=item.text())
        classes = (*made.classes[:row], cls, *made.classes[row + 1 :])
        self._made[mode] = dataclasses.replace(made, classes=classes)
        self.update_preview()

    def _row_activated(self, table: QTableWidget, row: int, column: int) -> None:
        """Ask for a new colour of the class in ``row`` (double-click)."""
        if column == LABEL_COLUMN:
            return  # the label cell is edited in place
        mode = "categorized" if table is self.cat_table else "graduated"
        classes = self.classes(mode)
        if not 0 <= row < len(classes):
            return
        cls = classes[row]
        chosen = ask_color(cls.stroke if self.layer.family == "line" else cls.fill, self)
        if chosen is not None:
            self.set_class_color(row, chosen, mode)

    def _class_table(self, value_title: str) -> QTableWidget:
        """Return a class table wired to colour and label edits."""
        table = make_class_table(value_title)
        table.cellDoubleClicked.connect(lambda r, c: self._row_activated(table, r, c))
        table.itemChanged.connect(lambda item: self._label_edited(table, item))
        return table
