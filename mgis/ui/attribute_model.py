"""AttributeTableModel: a Qt table model over a layer's GeoDataFrame, without copying it.

The model keeps one array of positional row indices (``order``): the rows shown,
in the order shown, after sorting and filtering.  ``data()`` reads one cell from
the column's array at ``order[row]``; nothing is formatted ahead of time.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from mgis.layers import VectorLayer
from mgis.layers.expressions import filter_rows
from mgis.layers.selection import Indices

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_POLISH = str.maketrans({"ą": "a\uffff", "ć": "c\uffff", "ę": "e\uffff", "ł": "l\uffff",
                         "ń": "n\uffff", "ó": "o\uffff", "ś": "s\uffff", "ź": "z\uffff",
                         "ż": "z\uffff\uffff"})  # fmt: skip
_MAX_DECIMALS = 6
_DECIMAL_SAMPLE = 2000
AnyIndex = QModelIndex | QPersistentModelIndex


class AttributeTableModel(QAbstractTableModel):
    """Rows of a layer's attribute table in the current sort and filter order.

    Parameters
    ----------
    layer : VectorLayer
        The layer shown; its ``frame`` is read, never copied, and its
        ``selected`` drives "selected only".
    parent : QObject, optional
        Qt parent.
    """

    def __init__(self, layer: VectorLayer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self._text = ""
        self._expression = ""
        self._selected_only = False
        self._sort_column = -1
        self._descending = False
        self._bind_frame()

    # -- data ----------------------------------------------------------------------

    def _bind_frame(self) -> None:
        """Take the columns and arrays of the layer's current frame."""
        frame = self.layer.frame
        self.frame = frame
        self.columns = [str(c) for c in frame.columns if str(frame[c].dtype) != "geometry"]
        self._series = [frame[c] for c in self.columns]
        self._arrays: dict[int, Any] = {}
        self._getters: dict[int, Callable[[int], Any]] = {}
        self._numeric = [
            pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
            for s in self._series
        ]
        self._decimals: dict[int, int] = {}
        self._permutation: Indices | None = None
        self._text_mask: np.ndarray | None = None
        self._expr_mask: np.ndarray | None = None
        if self._expression:
            self._expr_mask = filter_rows(frame, self._expression)
        if self._text:
            self._text_mask = self._match_text(self._text)
        if self._sort_column >= len(self.columns):
            self._sort_column = -1
        if self._sort_column >= 0:
            self._permutation = self._sort_permutation(self._sort_column, self._descending)
        self._order = self._compute_order()
        self._inverse: Indices | None = None

    def reload(self) -> None:
        """Re-read the layer's frame (after it was replaced or edited), keeping sort and filters.

        An expression that no longer fits the new columns is dropped.
        """
        self.beginResetModel()
        try:
            self._bind_frame()
        except ValueError:
            self._expression = ""
            self._bind_frame()
        self.endResetModel()

    def rowCount(self, parent: AnyIndex | None = None) -> int:  # noqa: N802 - Qt API
        """Return the number of rows shown."""
        return 0 if parent is not None and parent.isValid() else len(self._order)

    def columnCount(self, parent: AnyIndex | None = None) -> int:  # noqa: N802 - Qt API
        """Return the number of attribute columns."""
        return 0 if parent is not None and parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        """Return the text of one cell, read from its column at ``order[row]``."""
        if not index.isValid():
            return None
        column = index.column()
        if role in (_DISPLAY, _TOOLTIP):
            return self.cell_text(int(self._order[index.row()]), column)
        if role == _ALIGN and self._numeric[column]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def cell_index(self, row: int, column: int) -> QModelIndex:
        """Return the index of a cell known to exist, without Qt's bounds checks."""
        return self.createIndex(row, column)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        """Return column names, and feature numbers (position + 1) for rows."""
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section] if 0 <= section < len(self.columns) else None
        if 0 <= section < len(self._order):
            return str(int(self._order[section]) + 1)
        return None

    def cell_text(self, position: int, column: int) -> str:
        """Return the shown text of the feature at ``position`` in ``column`` ('' for missing)."""
        getter = self._getters.get(column) or self._make_getter(column)
        value = getter(position)
        if value is None or value is pd.NA or value is pd.NaT:
            return ""
        if isinstance(value, float | np.floating):
            if np.isnan(value):
                return ""
            return f"{value:.{self._column_decimals(column)}f}"
        return str(value)

    def _make_getter(self, column: int) -> Callable[[int], Any]:
        """Return a fast reader of one value of ``column`` by position (no copy of the column)."""
        series = self._series[column]
        getter: Callable[[int], Any]
        if self._numeric[column]:
            array = series.to_numpy()
            self._arrays[column] = array
            getter = array.__getitem__
        elif getattr(series.dtype, "storage", "") == "pyarrow" or "[pyarrow]" in str(series.dtype):
            import pyarrow as pa

            arrow = pa.array(series, from_pandas=True)  # zero-copy view of the Arrow data
            if isinstance(arrow, pa.ChunkedArray):
                arrow = arrow.combine_chunks()
            getter = partial(_arrow_value, arrow)
        else:
            getter = series.array.__getitem__
        self._getters[column] = getter
        return getter

    def _column_decimals(self, column: int) -> int:
        """Return how many decimals a float column needs (checked on a sample, at most 6)."""
        if column not in self._decimals:
            values = np.asarray(self._arrays[column][:_DECIMAL_SAMPLE], dtype=float)
            values = values[np.isfinite(values)]
            decimals = _MAX_DECIMALS
            for d in range(_MAX_DECIMALS + 1):
                if np.allclose(
                    np.round(values, d), values, rtol=0, atol=10.0 ** -(_MAX_DECIMALS + 1)
                ):
                    decimals = d
                    break
            self._decimals[column] = decimals
        return self._decimals[column]

    # -- order: sort and filters -------------------------------------------------------

    @property
    def order(self) -> Indices:
        """Positional indices of the rows shown, in the order shown."""
        return self._order

    @property
    def total_count(self) -> int:
        """Number of features in the layer."""
        return len(self.layer.frame)

    @property
    def expression(self) -> str:
        """The expression filter in use ('' for none)."""
        return self._expression

    @property
    def selected_only(self) -> bool:
        """Whether only selected features are shown."""
        return self._selected_only

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column``: stable, text case-insensitive in Polish order; -1: feature order."""
        descending = order == Qt.SortOrder.DescendingOrder
        if column == self._sort_column and descending == self._descending:
            return
        self._sort_column, self._descending = column, descending
        if 0 <= column < len(self.columns):
            self._permutation = self._sort_permutation(column, descending)
        else:
            self._sort_column, self._permutation = -1, None
        # A reset, not a layout change: Qt would map every selected row's persistent index.
        self._reset_order()

    def set_text_filter(self, text: str) -> None:
        """Show only rows where some text column contains ``text`` (case-insensitive)."""
        text = text.strip()
        if text == self._text:
            return
        self._text = text
        self._text_mask = self._match_text(text) if text else None
        self._reset_order()

    def set_expression(self, expression: str) -> None:
        """Show only rows satisfying ``expression`` ('' removes the expression filter).

        Raises
        ------
        ExpressionError
            When the expression is invalid; the filter in use is kept.
        """
        expression = expression.strip()
        mask = filter_rows(self.layer.frame, expression) if expression else None
        self._expression, self._expr_mask = expression, mask
        self._reset_order()

    def set_selected_only(self, on: bool) -> None:
        """Show only the selected features, or all features."""
        if on != self._selected_only:
            self._selected_only = on
            self._reset_order()

    def selection_changed(self) -> None:
        """Follow a new layer selection when showing selected features only."""
        if self._selected_only:
            self._reset_order()

    def rows_of(self, positions: Indices) -> Indices:
        """Return the sorted view rows of the features at ``positions`` that are shown."""
        if self._inverse is None:
            self._inverse = np.full(len(self.layer.frame), -1, dtype=np.int64)
            self._inverse[self._order] = np.arange(len(self._order), dtype=np.int64)
        positions = positions[(positions >= 0) & (positions < len(self._inverse))]
        rows = self._inverse[positions]
        return np.sort(rows[rows >= 0])

    def positions_in_order(self, positions: Indices) -> Indices:
        """Return ``positions`` sorted the way the table is sorted (all of them, shown or not)."""
        if self._permutation is None:
            return np.sort(positions)
        rank = np.empty(len(self._permutation), dtype=np.int64)
        rank[self._permutation] = np.arange(len(self._permutation), dtype=np.int64)
        return positions[np.argsort(rank[positions], kind="stable")]

    def rows_as_tsv(self, positions: Indices) -> str:
        """Return a header line and one tab-separated line per feature, as shown in the table."""
        lines = ["\t".join(_clean(c) for c in self.columns)]
        for position in positions.tolist():
            cells = (self.cell_text(position, c) for c in range(len(self.columns)))
            lines.append("\t".join(_clean(cell) for cell in cells))
        return "\n".join(lines) + "\n"

    def _reset_order(self) -> None:
        """Recompute the rows shown and tell the views (a model reset)."""
        self.beginResetModel()
        self._set_order()
        self.endResetModel()

    def _set_order(self) -> None:
        """Recompute ``order`` and forget its inverse."""
        self._order = self._compute_order()
        self._inverse = None

    def _compute_order(self) -> Indices:
        """Combine the sort permutation with the text, expression and selection filters."""
        n = len(self.layer.frame)
        mask: np.ndarray | None = None
        for part in (self._text_mask, self._expr_mask):
            if part is not None:
                mask = part if mask is None else mask & part
        if self._selected_only:
            chosen = np.zeros(n, dtype=bool)
            selected = self.layer.selected
            chosen[selected[(selected >= 0) & (selected < n)]] = True
            mask = chosen if mask is None else mask & chosen
        base = self._permutation if self._permutation is not None else np.arange(n, dtype=np.int64)
        return base if mask is None else base[mask[base]]

    def _match_text(self, text: str) -> np.ndarray:
        """Return rows where any text column contains ``text``, case-insensitively."""
        mask = np.zeros(len(self.layer.frame), dtype=bool)
        for column, numeric in zip(self._series, self._numeric, strict=True):
            if numeric or pd.api.types.is_bool_dtype(column.dtype):
                continue
            series = column
            if pd.api.types.is_object_dtype(series.dtype) or not pd.api.types.is_string_dtype(
                series.dtype
            ):
                series = series.astype(pd.StringDtype(na_value=np.nan))
            hits = series.str.contains(text, case=False, regex=False, na=False)
            mask |= hits.to_numpy(dtype=bool, na_value=False)
        return mask

    def _sort_permutation(self, column: int, descending: bool) -> Indices:
        """Return positions sorted by ``column``; stable, missing values last."""
        import pyarrow as pa
        import pyarrow.compute as pc

        series = self._series[column]
        kind = series.dtype
        values: Any
        if (
            self._numeric[column]
            or pd.api.types.is_bool_dtype(kind)
            or pd.api.types.is_datetime64_any_dtype(kind)
        ):
            values = pa.array(series, from_pandas=True)
        else:
            if pd.api.types.is_object_dtype(kind) or not pd.api.types.is_string_dtype(kind):
                series = series.astype(pd.StringDtype(na_value=np.nan))
            sample = series.iloc[:: max(1, len(series) // _DECIMAL_SAMPLE)]
            if sample.nunique() * 2 > len(sample):  # mostly distinct: key every value
                values = pa.array(_polish_key(series), from_pandas=True)
            else:  # few distinct values: key and rank them, then sort the ranks
                codes, uniques = pd.factorize(series)
                keys = pa.array(_polish_key(pd.Series(uniques)), from_pandas=True)
                rank = np.empty(len(uniques), dtype=np.int64)
                rank[np.asarray(pc.array_sort_indices(keys))] = np.arange(len(uniques))
                values = pa.array(rank[codes], mask=codes < 0)
        order = "descending" if descending else "ascending"
        indices = pc.array_sort_indices(values, order=order, null_placement="at_end")
        return np.asarray(indices, dtype=np.int64)


def _polish_key(series: pd.Series) -> pd.Series:
    """Return sort keys: case-folded, with Polish letters right after their base letter."""
    series = series.str.casefold()
    for letter, key in _POLISH.items():
        series = series.str.replace(chr(letter), key, regex=False)
    return series


def _arrow_value(array: Any, position: int) -> Any:
    """Return one Arrow value as a Python object."""
    return array[position].as_py()


def _clean(text: str) -> str:
    """Make a cell safe for tab-separated text."""
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
