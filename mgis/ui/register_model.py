"""The investments of a link result as a Qt table model, with a text and status filter."""

from __future__ import annotations

import math
import unicodedata
from typing import Any

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from mgis.ui.i18n import tr
from mgis.ui.register_state import RegisterState

Index = QModelIndex | QPersistentModelIndex
STATUS_COLOURS = {
    "plan": "#dbe9f6",
    "realiz": "#fde9c4",
    "zakoncz": "#d9f0d3",
    "wstrzym": "#eeeeee",
}
NO_PARCELS_COLOUR = "#f8d0d0"


def _plain(text: object) -> str:
    """Lower-case text without Polish diacritics."""
    raw = str(text).lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", raw) if not unicodedata.combining(c))


def status_colour(status: object) -> str | None:
    """Background colour of a register status (``planowane``, ``w realizacji`` ...), or None."""
    plain = _plain(status)
    return next((colour for key, colour in STATUS_COLOURS.items() if key in plain), None)


def cell_text(value: object) -> str:
    """Cell text: empty for missing values, amounts with spaces between thousands."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", " ").replace(".", ",")
    return str(value)


class InvestmentModel(QAbstractTableModel):
    """Investments of a link result, one row each in register order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []
        self.rows: list[list[object]] = []
        self.ids: list[str] = []
        self.status: list[str] = []
        self.empty: list[bool] = []

    def load(self, state: RegisterState) -> None:
        """Fill from the state's link result."""
        self.beginResetModel()
        self.headers, self.rows, self.ids, self.status, self.empty = [], [], [], [], []
        result, link = state.result, state.link
        if result is not None and link is not None:
            areas, mapping = result.investment_areas, link.mapping
            problems = result.problems["investment_id"].str.split(", ").explode().value_counts()
            columns = [
                (tr("Id"), areas["investment_id"]),
                (tr("Name"), areas.get(mapping.name or "")),
                (tr("Department"), areas.get(mapping.department or "")),
                (tr("Status"), areas.get(mapping.status or "")),
                (tr("Total cost [zł]"), areas.get(mapping.total_cost or "")),
                (tr("Area [ha]"), areas["area_ha"]),
                (tr("Parcels"), areas["parcel_count"]),
            ]
            self.headers = [h for h, _ in columns] + [tr("Problems")]
            n = len(areas)
            values = [c.tolist() if c is not None else [None] * n for _, c in columns]
            self.ids = [str(v) for v in areas["investment_id"]]
            self.rows = [
                [*(v[k] for v in values), int(problems.get(self.ids[k], 0))] for k in range(n)
            ]
            self.status = [cell_text(r[3]) for r in self.rows]
            self.empty = [int(c) == 0 for c in areas["parcel_count"]]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """Return the number of investments."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """Return the number of columns."""
        return 0 if parent.isValid() else len(self.headers)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, sort value, status colour and alignment."""
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(value)
        if role == Qt.ItemDataRole.UserRole:  # sorting: numbers as numbers
            return value if isinstance(value, int | float) else cell_text(value)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = NO_PARCELS_COLOUR if self.empty[index.row()] else None
            colour = colour or status_colour(self.status[index.row()])
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class InvestmentFilter(QSortFilterProxyModel):
    """Text in any column and one status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.status = ""
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_filter(self, text: str, status: str) -> None:
        """Show rows containing ``text`` (any column) with ``status`` ('' for any)."""
        self.beginFilterChange()
        self.text, self.status = _plain(text.strip()), status
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802 - Qt API
        """Whether the investment in ``row`` matches the filter."""
        model = self.sourceModel()
        assert isinstance(model, InvestmentModel)
        if self.status and model.status[row] != self.status:
            return False
        return not self.text or any(self.text in _plain(cell_text(v)) for v in model.rows[row])
