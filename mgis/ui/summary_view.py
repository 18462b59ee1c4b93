"""The summary of the last analysis: its tables (Copy, Export CSV) and, for costs, a chart.

One tab per table of the :class:`~mgis.ui.analysis_jobs.AnalysisOutcome` (the
art. 13f criteria, coverage per district, the investment comparison, the
cash flow ...), and for the cost analysis a bar chart of the yearly net flow
with the cumulative discounted flow as a line.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mgis.ui.i18n import current_language, tr

if TYPE_CHECKING:
    from mgis.ui.analysis_jobs import AnalysisOutcome

CSV_SEPARATOR = ";"
"""Column separator of exported CSV (what Polish Excel opens directly)."""


def column_labels() -> dict[str, str]:
    """Return plain-language headers for the columns the analyses produce."""
    return {
        "key": tr("Item"),
        "value": tr("Value"),
        "count": tr("Count"),
        "district": tr("District"),
        "share": tr("Share"),
        "distance": tr("Distance"),
        "covered": tr("Covered"),
        "criterion": tr("Criterion"),
        "threshold": tr("Threshold"),
        "passed": tr("Passed"),
        "failed": tr("Failed"),
        "median_m": tr("Median distance, m"),
        "year": tr("Year"),
        "outlay": tr("Outlay"),
        "land_tax": tr("Land tax"),
        "building_tax": tr("Building tax"),
        "lease": tr("Lease"),
        "sale": tr("Sale"),
        "maintenance": tr("Maintenance"),
        "net": tr("Net flow"),
        "discount_factor": tr("Discount factor"),
        "discounted": tr("Discounted"),
        "cumulative_discounted": tr("Cumulative discounted"),
    }


def key_labels() -> dict[str, str]:
    """Return plain-language names of the most used summary items."""
    return {
        "total": tr("Features examined"),
        "covered": tr("Covered"),
        "uncovered": tr("Not covered"),
        "share": tr("Share covered"),
        "weight": tr("Weight field"),
        "weight_total": tr("Weight in total"),
        "weight_covered": tr("Weight covered"),
        "weight_share": tr("Share of the weight covered"),
        "parcels": tr("Parcels"),
        "passed_all": tr("Parcels meeting every criterion"),
        "share_passed": tr("Share meeting every criterion"),
        "unreachable": tr("Parcels without a school reachable"),
        "npv_pln": tr("Net present value (NPV), PLN"),
        "payback_year": tr("Payback year (discounted)"),
        "simple_payback_year": tr("Payback year (simple)"),
        "total_outlays_pln": tr("Outlays in total, PLN"),
        "total_benefits_pln": tr("Benefits in total, PLN"),
        "layer_features": tr("Features in the layer"),
        "matched": tr("Features found"),
        "selected": tr("Features selected"),
        "features": tr("Result features"),
        "input_features": tr("Input features"),
        "area_m2": tr("Area, m²"),
    }


def format_value(value: object, column: str = "") -> str:
    """Return a table cell's text: numbers with spaces between thousands (not in years)."""
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    if isinstance(value, int):
        return str(value) if _is_year(column) else f"{value:,}".replace(",", " ")
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{value:,.0f}".replace(",", " ")
        text = f"{value:,.4g}".replace(",", " ") if abs(value) < 1 else _two(value)
        return text.replace(".", ",") if current_language() == "pl" else text
    return "" if value is None else str(value)


def _is_year(column: str) -> bool:
    """Return True for a column of years (``year``, ``Rok rozpoczęcia`` ...)."""
    name = column.lower()
    return "year" in name or name.startswith("rok")


def _two(value: float) -> str:
    """Return ``value`` with two decimals and spaced thousands."""
    return f"{value:,.2f}".replace(",", " ")


class SummaryView(QWidget):
    """Tabs of tables with Copy and Export CSV, and an optional cash-flow chart.

    Parameters
    ----------
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outcome: AnalysisOutcome | None = None
        self.tables: list[pd.DataFrame] = []
        self.title = QLabel(tr("No analysis has run yet."))
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.tabs = QTabWidget()
        self.figure = Figure(figsize=(6, 3.5), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)  # type: ignore[no-untyped-call]
        self.canvas.setMinimumSize(300, 220)
        self.copy_button = QPushButton(tr("Copy"))
        self.copy_button.setToolTip(tr("Copy the table shown to the clipboard"))
        self.copy_button.clicked.connect(self.copy)
        self.export_button = QPushButton(tr("Export CSV…"))
        self.export_button.setToolTip(tr("Save the table shown as a CSV file"))
        self.export_button.clicked.connect(self._ask_export)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def show_outcome(self, outcome: AnalysisOutcome) -> None:
        """Show the tables (and chart) of ``outcome``."""
        self.outcome = outcome
        self.title.setText(outcome.title)
        self.tabs.clear()
        self.tables = []
        for caption, table in outcome.tables:
            self.tables.append(table)
            self.tabs.addTab(self._table_widget(table), caption)
        if outcome.chart is not None:
            self.draw_cash_flow(outcome.chart)
            self.tabs.addTab(self.canvas, tr("Chart"))
        self.tabs.setCurrentIndex(0)
        self._update_buttons()

    def _table_widget(self, table: pd.DataFrame) -> QTableWidget:
        """Return a read-only table widget showing ``table``."""
        labels = column_labels()
        widget = QTableWidget(len(table), len(table.columns))
        widget.setHorizontalHeaderLabels([labels.get(str(c), str(c)) for c in table.columns])
        widget.verticalHeader().setVisible(False)
        widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        widget.setAlternatingRowColors(True)
        keys = key_labels() if "key" in table.columns else {}
        for r, row in enumerate(table.itertuples(index=False)):
            for c, value in enumerate(row):
                text = format_value(_plain(value), str(table.columns[c]))
                if keys and table.columns[c] == "key":
                    text = keys.get(text, text)
                item = QTableWidgetItem(text)
                if isinstance(_plain(value), int | float):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                widget.setItem(r, c, item)
        widget.resizeColumnsToContents()
        header = widget.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        return widget

    def current_table(self) -> pd.DataFrame | None:
        """Return the table of the current tab (None on the chart or when empty)."""
        index = self.tabs.currentIndex()
        return self.tables[index] if 0 <= index < len(self.tables) else None

    def table_text(self, table: pd.DataFrame | None = None) -> str:
        """Return ``table`` (the current one by default) as tab-separated text with headers."""
        table = self.current_table() if table is None else table
        if table is None:
            return ""
        labels = column_labels()
        lines = ["\t".join(labels.get(str(c), str(c)) for c in table.columns)]
        lines += [
            "\t".join(
                format_value(_plain(v), str(c)) for c, v in zip(table.columns, row, strict=True)
            )
            for row in table.itertuples(index=False)
        ]
        return "\n".join(lines)

    def copy(self) -> None:
        """Copy the current table to the clipboard (pastes into a spreadsheet)."""
        QApplication.clipboard().setText(self.table_text())

    def export_csv(self, path: Path | str, table: pd.DataFrame | None = None) -> Path:
        """Write ``table`` (the current one by default) as ``;``-separated UTF-8 CSV.

        Parameters
        ----------
        path : pathlib.Path or str
            Target file (``.csv`` is added when missing).
        table : pandas.DataFrame, optional
            The table; the current tab's by default.

        Returns
        -------
        pathlib.Path
            The written file.
        """
        target = Path(path)
        if target.suffix.lower() != ".csv":
            target = target.with_name(target.name + ".csv")
        table = self.current_table() if table is None else table
        data = table if table is not None else pd.DataFrame()
        data.to_csv(target, sep=CSV_SEPARATOR, index=False, encoding="utf-8-sig", decimal=",")
        return target

    def _ask_export(self) -> None:
        """Ask for a file and export the current table to it."""
        name, _ = QFileDialog.getSaveFileName(
            self, tr("Export CSV"), "podsumowanie.csv", tr("CSV files (*.csv)")
        )
        if name:
            self.export_csv(name)

    def draw_cash_flow(self, table: pd.DataFrame) -> None:
        """Draw the yearly net flow as bars and the cumulative discounted flow as a line."""
        self.figure.clear()
        ax = self.figure.add_subplot()
        years = table["year"].astype(int).to_numpy()
        net = table["net"].to_numpy(dtype=float)
        colours = ["#1a9641" if v >= 0 else "#d7191c" for v in net]
        ax.bar(years, net / 1000, color=colours, label=tr("Net flow"))
        ax.plot(
            years,
            table["cumulative_discounted"].to_numpy(dtype=float) / 1000,
            color="#2b2b2b",
            marker="o",
            markersize=3,
            label=tr("Cumulative discounted"),
        )
        ax.axhline(0, color="#777777", linewidth=0.8)
        ax.set_xlabel(tr("Year"))
        ax.set_ylabel(tr("thousand PLN"))
        ax.legend(loc="best", fontsize="small")
        self.canvas.draw_idle()  # type: ignore[no-untyped-call]

    def _update_buttons(self) -> None:
        """Enable Copy and Export when there is a table."""
        has = bool(self.tables)
        self.copy_button.setEnabled(has)
        self.export_button.setEnabled(has)


def _plain(value: object) -> object:
    """Return a Python scalar for numpy values."""
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, str) else value


class SummaryDock(QDockWidget):
    """A dock holding the :class:`SummaryView` (bottom of the window)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Analysis summary"), parent)
        self.setObjectName("analysis_summary")
        self.view = SummaryView(self)
        self.setWidget(self.view)
