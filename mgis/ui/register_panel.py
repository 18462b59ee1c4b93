"""The register panel: investments with filter and status colours, and the problems list.

Selecting investments selects their parcels on the map (through
:class:`~mgis.ui.register_state.RegisterState`); parcels selected on the map
highlight the investments holding them. The problems tab lists unmatched
identifiers with "did you mean" suggestions; *Use suggestion* asks the window
to record the correction and link again.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mgis.ui.i18n import tr
from mgis.ui.register_model import InvestmentFilter, InvestmentModel, cell_text, status_colour
from mgis.ui.register_state import PROBLEM_NAMES, RegisterState

__all__ = ["InvestmentFilter", "InvestmentModel", "RegisterPanel", "status_colour"]


class RegisterPanel(QDockWidget):
    """Dock with the investments of the linked register and the problems of the link.

    Parameters
    ----------
    state : RegisterState
        The link result and the linked selection.
    parent : QWidget, optional
        Usually the main window.

    Signals
    -------
    zoomRequested(object)
        The user asked to see these investment ids on the map.
    correctionRequested(str, str, str)
        Use a suggestion: investment id, item as written, parcel id to use.
    editRequested(str)
        Edit this investment of a register shared in the database.
    """

    zoomRequested = Signal(object)  # noqa: N815 - Qt naming
    correctionRequested = Signal(str, str, str)  # noqa: N815
    editRequested = Signal(str)  # noqa: N815

    def __init__(self, state: RegisterState, parent: QWidget | None = None) -> None:
        super().__init__(tr("Investment register"), parent)
        self.setObjectName("register_panel")
        self.state = state
        self._syncing = False
        self.model = InvestmentModel(self)
        self.proxy = InvestmentFilter(self)
        self.proxy.setSourceModel(self.model)
        tabs = QTabWidget()
        tabs.addTab(self._build_investments(), tr("Investments"))
        tabs.addTab(self._build_problems(), tr("Problems"))
        self.tabs = tabs
        self.setWidget(tabs)
        state.resultChanged.connect(self.reload)
        state.highlightChanged.connect(self._show_highlight)
        self.reload()

    # -- building ----------------------------------------------------------------------

    def _build_investments(self) -> QWidget:
        """Filter line, status choice, zoom button, summary and the table."""
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(tr("Filter: text in any column…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(160)
        self.filter_edit.textChanged.connect(self.apply_filter)
        self.status_box = QComboBox()
        self.status_box.currentIndexChanged.connect(self.apply_filter)
        self.zoom_button = QPushButton(tr("Zoom to investment"))
        self.zoom_button.clicked.connect(lambda: self.zoomRequested.emit(self.selected_ids()))
        self.edit_button = QPushButton(tr("Edit…"))
        self.edit_button.setToolTip(tr("Change this investment in the shared register"))
        self.edit_button.clicked.connect(self._request_edit)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.doubleClicked.connect(lambda _i: self.zoomRequested.emit(self.selected_ids()))
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.status_box)
        top.addWidget(self.zoom_button)
        top.addWidget(self.edit_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.view, 1)
        return page

    def _build_problems(self) -> QWidget:
        """Build the problems table, the suggestion choice and the Use suggestion button."""
        self.problems = QTableWidget(0, 5)
        self.problems.setHorizontalHeaderLabels(
            [tr("Problem"), tr("Written"), tr("Suggestion"), tr("Investment"), tr("Details")]
        )
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.verticalHeader().hide()
        self.problems.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.problems.setWordWrap(False)
        self.problems.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.problems.itemSelectionChanged.connect(self._on_problem_selected)
        self.suggestion_box = QComboBox()
        self.suggestion_box.setMinimumContentsLength(20)
        self.use_button = QPushButton(tr("Use suggestion"))
        self.use_button.setToolTip(tr("Record the suggested parcel instead of the written one"))
        self.use_button.clicked.connect(self.use_suggestion)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Did you mean:")))
        row.addWidget(self.suggestion_box, 1)
        row.addWidget(self.use_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.problems, 1)
        layout.addLayout(row)
        return page

    # -- contents ----------------------------------------------------------------------

    def reload(self) -> None:
        """Show the state's current result."""
        self._syncing = True
        try:
            self.model.load(self.state)
        finally:
            self._syncing = False
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), 280))
        current = self.status_box.currentData()
        self.status_box.blockSignals(True)
        self.status_box.clear()
        self.status_box.addItem(tr("All statuses"), "")
        for status in sorted({s for s in self.model.status if s}):
            self.status_box.addItem(status, status)
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(current)))
        self.status_box.blockSignals(False)
        self._fill_problems()
        self._update_summary()
        self.apply_filter()

    def _update_summary(self) -> None:
        """One line of counts under the filter."""
        result, link = self.state.result, self.state.link
        self._update_edit()
        if result is None:
            self.summary_label.setText(tr("No register is linked."))
            return
        s = result.summary
        text = tr("{linked} of {total} investments with parcels; {parcels} parcels; "
                  "{problems} problems").format(
            linked=s.investments_linked, total=s.investments, parcels=s.parcels,
            problems=len(result.problems),
        )  # fmt: skip
        if link is not None and link.shared is not None:
            text = f"{tr('Shared register')}: {link.shared.describe()}\n{text}"
        self.summary_label.setText(text)

    def _update_edit(self) -> None:
        """Show Edit… for a shared register, enabled for one chosen investment."""
        link = self.state.link
        shared = link is not None and link.shared is not None
        self.edit_button.setVisible(shared)
        self.edit_button.setEnabled(shared and len(self.selected_ids()) == 1)

    def _request_edit(self) -> None:
        """Ask to edit the chosen investment."""
        ids = self.selected_ids()
        if len(ids) == 1:
            self.editRequested.emit(ids[0])

    def _fill_problems(self) -> None:
        """List the problems of the link, unmatched identifiers first."""
        result = self.state.result
        frame = result.problems if result is not None else None
        self.problems.setRowCount(0)
        if frame is None:
            return
        self.problems.setRowCount(len(frame))
        for k, row in enumerate(frame.itertuples(index=False)):
            first = str(row.suggestion).split("; ")[0] if isinstance(row.suggestion, str) else ""
            kind = tr(PROBLEM_NAMES.get(str(row.kind), str(row.kind)))
            texts = [kind, cell_text(row.value), first, cell_text(row.investment_id),
                     cell_text(row.detail)]  # fmt: skip
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, k)
                self.problems.setItem(k, column, item)
        self.problems.resizeColumnsToContents()
        for column, widest in enumerate((150, 120, 180, 120)):
            self.problems.setColumnWidth(column, min(self.problems.columnWidth(column), widest))
        self._on_problem_selected()

    def apply_filter(self) -> None:
        """Filter the investments by the typed text and the chosen status."""
        self.proxy.set_filter(self.filter_edit.text(), str(self.status_box.currentData() or ""))
        self._show_highlight(self.state.highlighted)

    def visible_ids(self) -> list[str]:
        """Investment ids shown in the table, in its order."""
        return [self.model.ids[self.proxy.mapToSource(self.proxy.index(r, 0)).row()]
                for r in range(self.proxy.rowCount())]  # fmt: skip

    def selected_ids(self) -> list[str]:
        """Investment ids selected in the table, in register order."""
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.ids[r] for r in sorted(rows)]

    def select_ids(self, ids: list[str]) -> None:
        """Select these investments in the table (and so their parcels on the map)."""
        self._select_rows(ids)
        self._on_view_selection()

    # -- selection sync ----------------------------------------------------------------

    def _select_rows(self, ids: tuple[str, ...] | list[str]) -> None:
        """Select the table rows of ``ids`` without telling the state."""
        wanted = set(ids)
        selection = QItemSelection()
        last = self.proxy.columnCount() - 1
        for r in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            if self.model.ids[source] in wanted:
                selection.select(self.proxy.index(r, 0), self.proxy.index(r, last))
        self._syncing = True
        try:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
            self.view.selectionModel().select(selection, flags)
        finally:
            self._syncing = False

    def _on_view_selection(self) -> None:
        """Select the parcels of the investments the user chose."""
        self._update_edit()
        if not self._syncing:
            self.state.select_investments(self.selected_ids())

    def _show_highlight(self, ids: object) -> None:
        """Parcels chosen elsewhere: select the investments holding them."""
        self._select_rows(list(ids) if isinstance(ids, tuple | list) else [])
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.view.scrollTo(rows[0])

    # -- problems ------------------------------------------------------------------------

    def _current_problem(self) -> tuple[str, str, list[str]] | None:
        """Investment, written text and suggestions of the selected problem, if any."""
        result = self.state.result
        items = self.problems.selectedItems()
        if result is None or not items:
            return None
        first = self.problems.item(items[0].row(), 0)
        if first is None:
            return None
        row = result.problems.iloc[int(first.data(Qt.ItemDataRole.UserRole))]
        hints = [h for h in str(row["suggestion"] or "").split("; ") if h]
        return str(row["investment_id"]), str(row["value"]), hints

    def _on_problem_selected(self) -> None:
        """Offer the suggestions of the selected problem."""
        problem = self._current_problem()
        self.suggestion_box.clear()
        if problem is not None:
            self.suggestion_box.addItems(problem[2])
        self.use_button.setEnabled(self.suggestion_box.count() > 0)

    def select_problem(self, value: str) -> bool:
        """Select the problem row of the identifier written as ``value``; False when none."""
        for r in range(self.problems.rowCount()):
            item = self.problems.item(r, 1)
            if item is not None and item.text() == value:
                self.problems.selectRow(r)
                return True
        return False

    def use_suggestion(self) -> None:
        """Ask for the chosen suggestion to replace the written identifier."""
        problem = self._current_problem()
        choice = self.suggestion_box.currentText()
        if problem is not None and choice:
            self.correctionRequested.emit(problem[0], problem[1], choice)
