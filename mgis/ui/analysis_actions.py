"""Analysis menu of the main window: dialogs, background runs, result layers and summaries.

:func:`install_analysis_ui` adds the menu. The dialogs only collect
parameters; :class:`AnalysisUi` takes the input layers from the project,
runs the analysis in a :class:`~mgis.ui.workers.Worker` (progress and Cancel
in the status bar; a cancelled run changes nothing), then adds the result as
a styled layer through an undoable command, or changes the selection, and
shows the summary in the summary dock. Problems with the inputs are told in
plain words in a message box.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox

from mgis.commands import AddLayer
from mgis.layers.selection import SelectMode
from mgis.ui.analysis_dialogs import AnalysisDialog
from mgis.ui.analysis_dialogs2 import (
    CoverageDialog,
    DistanceDialog,
    IndicatorsDialog,
    RingsDialog,
    ServiceAreaDialog,
    StandardsDialog,
)
from mgis.ui.analysis_dialogs3 import CostDialog, InvestmentChoices, InvestmentDialog
from mgis.ui.analysis_dialogs_geo import BufferDialog, DissolveDialog, JoinDialog, OverlayDialog
from mgis.ui.analysis_dialogs_select import SelectExpressionDialog, SelectLocationDialog
from mgis.ui.analysis_jobs import AnalysisOutcome, investment_inputs, run_analysis
from mgis.ui.analysis_outcome import AnalysisFailure
from mgis.ui.analysis_params import (
    AnalysisParams,
    InvestmentParams,
    SelectExpressionParams,
    SelectLocationParams,
)
from mgis.ui.analysis_server import prepare_server_job, select_on_server
from mgis.ui.db_actions import ensure_connection
from mgis.ui.i18n import tr
from mgis.ui.summary_view import SummaryDock
from mgis.ui.workers import Worker

if TYPE_CHECKING:
    import geopandas as gpd

    from mgis.project import Project
    from mgis.ui.main_window import MainWindow

LAYER_FIELDS = frozenset(
    {
        "layer", "by", "target", "source", "mask", "overlay", "facilities", "zones",
        "points", "districts", "network", "targets", "parcels", "schools", "green",
        "residents", "areas", "plan_zones", "buildings", "addresses",
    }
)  # fmt: skip
"""Parameter fields that name a project layer."""

SELECTED_SUFFIX = "_selected"
"""Appended to a layer name standing for its selected features only."""


def menu_items() -> list[tuple[str, str]]:
    """Return ``(kind, menu text)`` of the Analysis menu, ``""`` for a separator."""
    return [
        ("select_location", tr("Select by &location…")),
        ("select_expression", tr("Select by &expression…")),
        ("", ""),
        ("join", tr("Spatial &join…")),
        ("dissolve", tr("&Dissolve…")),
        ("buffer", tr("&Buffer…")),
        ("clip", tr("&Clip…")),
        ("intersection", tr("&Intersection…")),
        ("", ""),
        ("rings", tr("Facility &rings (accessibility buffers)…")),
        ("coverage", tr("C&overage…")),
        ("distance", tr("&Walking distance to facilities…")),
        ("service_area", tr("Service &areas…")),
        ("standards", tr("Art. 13f &standards check…")),
        ("", ""),
        ("indicators", tr("I&ndicators (grid or districts)…")),
        ("investments", tr("In&vestment area statistics…")),
        ("costs", tr("Costs and &benefits of an investment…")),
    ]


def analyse(
    params: AnalysisParams,
    frames: dict[str, gpd.GeoDataFrame],
    current: np.ndarray | None,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AnalysisOutcome | AnalysisFailure | None:
    """Run the analysis (worker thread); input problems come back as :class:`AnalysisFailure`."""
    try:
        return run_analysis(params, frames, current, progress=progress, cancelled=cancelled)
    except ValueError as exc:  # AnalysisError, ExpressionError: the text says what to do
        return AnalysisFailure(str(exc))


class AnalysisUi(QObject):
    """The analysis features of a main window.

    Parameters
    ----------
    window : MainWindow
        The window; its controller, progress panel and menu bar are used.

    Signals
    -------
    done(object)
        An analysis finished and its :class:`AnalysisOutcome` was applied.
    failed(str)
        An analysis failed; the message was shown.
    """

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.worker: Worker | None = None
        self.summary: SummaryDock | None = None
        self.error_box: QMessageBox | None = None
        self.last: AnalysisOutcome | None = None
        self.actions: dict[str, QAction] = {}
        self._build()

    @property
    def project(self) -> Project:
        """The open project."""
        return self.controller.project

    def _build(self) -> None:
        """Build the Analysis menu, after the Layer menu."""
        w = self.window
        self.menu = QMenu(tr("&Analysis"), w)
        for kind, text in menu_items():
            if not kind:
                self.menu.addSeparator()
                continue
            action = QAction(text, w)
            action.triggered.connect(lambda _=False, k=kind: self.open(k))
            self.actions[kind] = action
            self.menu.addAction(action)
        bar = w.menuBar()
        entries = bar.actions()
        layer = next((i for i, a in enumerate(entries) if a.text() == tr("&Layer")), None)
        if layer is not None and layer + 1 < len(entries):
            bar.insertMenu(entries[layer + 1], self.menu)
        else:
            bar.addMenu(self.menu)

    # -- dialogs ---------------------------------------------------------------------

    def dialog(self, kind: str) -> AnalysisDialog:
        """Return the (not yet shown) dialog of analysis ``kind`` (see :func:`menu_items`)."""
        p, w = self.project, self.window
        makers: dict[str, Callable[[], AnalysisDialog]] = {
            "select_location": lambda: SelectLocationDialog(p, w),
            "select_expression": lambda: SelectExpressionDialog(p, w),
            "join": lambda: JoinDialog(p, w),
            "dissolve": lambda: DissolveDialog(p, w),
            "buffer": lambda: BufferDialog(p, w),
            "clip": lambda: OverlayDialog(p, "clip", w),
            "intersection": lambda: OverlayDialog(p, "intersection", w),
            "rings": lambda: RingsDialog(p, w),
            "coverage": lambda: CoverageDialog(p, w),
            "distance": lambda: DistanceDialog(p, w),
            "service_area": lambda: ServiceAreaDialog(p, w),
            "standards": lambda: StandardsDialog(p, w),
            "indicators": lambda: IndicatorsDialog(p, w),
            "investments": lambda: InvestmentDialog(p, w),
            "costs": lambda: CostDialog(p, self.investment_choices(), w),
        }
        return makers[kind]()

    def open(self, kind: str) -> None:
        """Ask for the parameters of ``kind``; run the analysis when the dialog is accepted."""
        if not self.project.layers and kind != "costs":
            QMessageBox.information(self.window, tr("Analysis"), tr("Add layers first."))
            return
        dialog = self.dialog(kind)
        if dialog.exec():
            self.run(dialog.parameters())

    def investment_choices(self) -> InvestmentChoices:
        """Investments of the linked register with their outlays and land area (may be empty)."""
        ui = getattr(self.window, "register_ui", None)
        state = getattr(ui, "state", None)
        result, link = getattr(state, "result", None), getattr(state, "link", None)
        if result is None or link is None:
            return {}
        register = link.register()
        areas = result.investment_areas
        names = link.mapping.name
        choices: dict[str, tuple[str, dict[int, float], float]] = {}
        for k, key in enumerate(str(v) for v in areas["investment_id"]):
            name = str(areas[names].iloc[k]) if names and names in areas.columns else ""
            label = f"{key} — {name}" if name else key
            outlays, land = investment_inputs(register, areas, key)
            choices[key] = (label, outlays, land)
        return choices

    # -- running ---------------------------------------------------------------------

    def inputs(self, params: AnalysisParams) -> tuple[AnalysisParams, dict[str, Any]]:
        """Return the parameters (selected-only inputs renamed) and the input frames by name.

        Raises
        ------
        KeyError
            When a named layer is not in the project.
        """
        frames: dict[str, Any] = {}
        for item in dataclasses.fields(params):
            name = getattr(params, item.name)
            if item.name in LAYER_FIELDS and isinstance(name, str) and name:
                frames[name] = self.project.layer(name).frame
        subset = None
        if isinstance(params, SelectLocationParams) and params.by_selected_only:
            subset = ("by", params.by)
        elif isinstance(params, InvestmentParams) and params.areas_selected_only:
            subset = ("areas", params.areas)
        if subset is not None:
            field, name = subset
            key = name + SELECTED_SUFFIX
            frames[key] = frames[name].iloc[self.project.layer(name).selected]
            params = dataclasses.replace(params, **{field: key})  # type: ignore[arg-type]
        return params, frames

    def run(self, params: AnalysisParams) -> Worker | None:
        """Run the analysis of ``params`` in the background and apply its outcome.

        Returns
        -------
        Worker or None
            The worker (None when an input layer is missing; the user was told).
        """
        try:
            params, frames = self.inputs(params)
        except KeyError as exc:
            self._fail(f"{tr('The project has no layer')} {exc}")
            return None
        if isinstance(params, SelectLocationParams) and params.on_server:
            return self.run_on_server(params, frames[params.by])
        current = None
        if isinstance(params, SelectLocationParams | SelectExpressionParams):
            current = self.project.layer(params.layer).selected.copy()
        return self._start(Worker(analyse, params, frames, current, controls=True, parent=self))

    def run_on_server(self, params: SelectLocationParams, by: gpd.GeoDataFrame) -> Worker | None:
        """Select in the whole PostGIS table on the server; the rows found become a new layer.

        The password is settled here, on the UI thread, before the worker starts.
        """
        try:
            layer = self.project.layer(params.layer)
            job = prepare_server_job(params, layer, by, self.project.crs)
        except (KeyError, ValueError) as exc:
            self._fail(str(exc))
            return None
        if not ensure_connection(self.window, job.connection):  # it told the user why
            self.failed.emit(tr("The database could not be reached."))
            return None
        return self._start(Worker(select_on_server, job, controls=True, parent=self))

    def _start(self, worker: Worker) -> Worker:
        """Start an analysis worker, with progress and Cancel in the status bar."""
        worker.succeeded.connect(self._finish)
        worker.failed.connect(self._fail)
        self.window.progress.track(worker, tr("Analysing…"))
        self.worker = worker.start()
        return worker

    def cancel(self) -> None:
        """Cancel the running analysis (its result is dropped; the project stays as it is)."""
        if self.worker is not None:
            self.worker.cancel()

    def _finish(self, outcome: AnalysisOutcome | AnalysisFailure | None) -> None:
        """Apply a finished analysis: selection or result layer, then the summary."""
        if outcome is None:
            return
        if isinstance(outcome, AnalysisFailure):
            self._fail(outcome.text)
            return
        self.apply(outcome)

    def apply(self, outcome: AnalysisOutcome) -> None:
        """Select the rows or add the result layer (undoable), and show the summary."""
        project = self.project
        rows, target = outcome.select_rows, outcome.select_layer
        if rows is not None and target is not None and target in project.layer_names():
            self.controller.select(target, rows, SelectMode(outcome.select_mode))
        if outcome.frame is not None and outcome.layer_name:
            layer = project.make_layer(outcome.layer_name, outcome.frame, style=outcome.style)
            self.controller.push(AddLayer(layer, label="Add analysis result"))
        self.last = outcome
        self.show_summary(outcome)
        self.window.statusBar().showMessage(f"{tr('Done')}: {outcome.title}", 10_000)
        self.done.emit(outcome)

    def show_summary(self, outcome: AnalysisOutcome | None = None) -> SummaryDock:
        """Show the summary dock (created on first use), with ``outcome`` if given."""
        if self.summary is None:
            self.summary = SummaryDock(self.window)
            self.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.summary)
            self.window.resizeDocks([self.summary], [280], Qt.Orientation.Vertical)
        if outcome is not None:
            self.summary.view.show_outcome(outcome)
        self.summary.show()
        self.summary.raise_()
        return self.summary

    def _fail(self, text: str) -> None:
        """Tell the user in a message (not modal: the map stays usable) why it failed."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            tr("Analysis"),
            f"{tr('The analysis could not run.')}\n\n{text}",
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.open()
        self.error_box = box
        self.window.statusBar().showMessage(text, 15_000)
        self.failed.emit(text)


def install_analysis_ui(window: MainWindow) -> AnalysisUi:
    """Add the Analysis menu and the summary dock to ``window``.

    Parameters
    ----------
    window : MainWindow
        The main window (its menus and controller exist).

    Returns
    -------
    AnalysisUi
        Kept by the window as ``window.analysis_ui``.
    """
    ui = AnalysisUi(window)
    window.analysis_ui = ui  # type: ignore[attr-defined]
    return ui
