"""Register menu of the main window: link, refresh, panel, charts and the parcel search box.

:func:`install_register_ui` adds it all to a window. The dialogs only collect;
:class:`RegisterUi` does the work in background workers and changes the
project through undoable commands: the ``investment_areas`` layer is added
or replaced and the :class:`~mgis.layers.link_store.RegisterLink` stored in
``project.links`` in one step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QToolBar

from mgis.analysis.pick import bounds_of
from mgis.commands import AddLayer, Command, RemoveLayer, SetRegisterLink
from mgis.layers import Style, VectorLayer, shared_register
from mgis.layers.link_store import RegisterDiff, RegisterLink, refresh_diff, reread
from mgis.ui.i18n import tr
from mgis.ui.parcel_search import ParcelSearchBox
from mgis.ui.register_charts import RegisterChartsDock
from mgis.ui.register_panel import RegisterPanel
from mgis.ui.register_refresh import RefreshDialog
from mgis.ui.register_shared import SharedRegisterActions
from mgis.ui.register_state import AREAS_LAYER, LinkOutcome, LinkParameters, RegisterState
from mgis.ui.register_state import link_from_parameters as _link_from_parameters
from mgis.ui.register_state import relink as _relink
from mgis.ui.workers import Worker

if TYPE_CHECKING:
    from mgis.project import Project
    from mgis.ui.main_window import MainWindow

AREAS_STYLE = Style(fill="#f28e2b55", stroke="#b3400a", stroke_width=0.8)


@dataclass
class LinkStep:
    """One undoable step made of several commands (done in order, undone in reverse)."""

    steps: list[Command]
    label: str = "Link register"

    def do(self, project: Project) -> None:
        """Do every step."""
        for step in self.steps:
            step.do(project)

    def undo(self, project: Project) -> None:
        """Undo every step, last first."""
        for step in reversed(self.steps):
            step.undo(project)


@dataclass(frozen=True, eq=False)
class PendingRefresh:
    """A reread register waiting for the user's OK: the project's link, its successor, the diff."""

    link: RegisterLink
    new: RegisterLink
    diff: RegisterDiff


def _reread_and_diff(link: RegisterLink) -> PendingRefresh:
    """Read the spreadsheet (or the database) again and compare with the copy (worker thread)."""
    if link.shared is not None:
        new = shared_register.reload(link)
    else:
        table, register = reread(link)
        new = RegisterLink.create(
            table, register, parcels_layer=link.parcels_layer, id_field=link.id_field,
            context=link.context(),
        )  # fmt: skip
    new = replace(new, corrections=link.corrections)
    return PendingRefresh(link, new, refresh_diff(link, new.register()))


def areas_layer(outcome: LinkOutcome) -> VectorLayer:
    """Return the styled ``investment_areas`` layer of a link, labelled by name."""
    frame = outcome.result.investment_areas
    name = outcome.link.mapping.name
    label = name if name in frame.columns else "investment_id"
    return VectorLayer(AREAS_LAYER, frame, style=replace(AREAS_STYLE, label_field=label))


class RegisterUi(QObject):
    """The register features of a main window.

    Parameters
    ----------
    window : MainWindow
        The window; its controller, canvas and progress panel are used.

    Signals
    -------
    linked(object)
        A link was stored in the project (the :class:`LinkOutcome`).
    refreshReady(object)
        A refresh was read: the :class:`PendingRefresh` (see :meth:`apply_refresh`).
    failed(str)
        Linking or reading failed; the message was shown in the status bar.
    """

    linked = Signal(object)
    refreshReady = Signal(object)  # noqa: N815 - Qt naming
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.state = RegisterState(self.controller, self)
        self.panel: RegisterPanel | None = None
        self.charts: RegisterChartsDock | None = None
        self.pending: PendingRefresh | None = None
        self.worker: Worker | None = None
        self._build()
        self.controller.projectReplaced.connect(self._follow_project)
        self.controller.projectReplaced.connect(self._check_shared)
        self.controller.projectModified.connect(self._follow_project)

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        """Register menu (before Help) and the parcel search toolbar."""
        w = self.window
        self.menu = QMenu(tr("&Register"), w)
        self.link_action = QAction(tr("&Link register…"), w)
        self.refresh_action = QAction(tr("&Refresh register…"), w)
        self.panel_action = QAction(tr("Show register &panel"), w)
        self.charts_action = QAction(tr("&Charts"), w)
        self.link_action.triggered.connect(self.open_wizard)
        self.refresh_action.triggered.connect(lambda: self.start_refresh())  # noqa: PLW0108
        self.panel_action.triggered.connect(self.show_panel)
        self.charts_action.triggered.connect(self.show_charts)
        self.shared = SharedRegisterActions(self)
        self.menu.addActions([self.link_action, self.refresh_action])
        self.menu.addSeparator()
        self.menu.addActions(
            [self.shared.publish_action, self.shared.open_action, self.shared.new_action]
        )
        self.menu.addSeparator()
        self.menu.addActions([self.panel_action, self.charts_action])
        bar = w.menuBar()
        help_menu = next((a for a in bar.actions() if a.text() == tr("&Help")), None)
        if help_menu is None:
            bar.addMenu(self.menu)
        else:
            bar.insertMenu(help_menu, self.menu)
        self.search = ParcelSearchBox(self.controller, w.canvas)
        self.toolbar = QToolBar(tr("Parcel search"), w)
        self.toolbar.setObjectName("parcel_search")
        self.toolbar.addWidget(self.search)
        w.addToolBar(self.toolbar)
        self._update_actions()

    def _update_actions(self) -> None:
        """Enable what the project allows."""
        has_link = bool(self.controller.project.links)
        for action in (self.refresh_action, self.panel_action, self.charts_action):
            action.setEnabled(has_link)
        self.shared.update(has_link)

    def current_link(self) -> RegisterLink | None:
        """Return the project's register link (the last one), or None."""
        links = self.controller.project.links
        return links[-1] if links else None

    # -- docks -----------------------------------------------------------------------------

    def show_panel(self) -> RegisterPanel:
        """Show the register panel (created on first use)."""
        if self.panel is None:
            self.panel = RegisterPanel(self.state, self.window)
            self.panel.zoomRequested.connect(self.zoom_to_investments)
            self.panel.correctionRequested.connect(self.use_suggestion)
            self.shared.attach(self.panel)
            self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.panel)
            self.window.resizeDocks([self.panel], [460], Qt.Orientation.Horizontal)
        self.panel.show()
        self.panel.raise_()
        return self.panel

    def show_charts(self) -> RegisterChartsDock:
        """Show the register charts (created on first use)."""
        if self.charts is None:
            self.charts = RegisterChartsDock(self.state, self.window)
            self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.charts)
            if self.panel is not None:
                self.window.splitDockWidget(self.panel, self.charts, Qt.Orientation.Vertical)
        self.charts.show()
        self.charts.raise_()
        return self.charts

    def zoom_to_investments(self, ids: object) -> None:
        """Show the areas of these investments on the map."""
        project = self.controller.project
        wanted = set(ids) if isinstance(ids, list | tuple) else set()
        if not wanted or AREAS_LAYER not in project.layer_names():
            return
        frame = project.layer(AREAS_LAYER).frame
        rows = np.flatnonzero(frame["investment_id"].astype(str).isin(wanted).to_numpy())
        self.window.canvas.zoom_to_extent(bounds_of(frame, rows), 0.1)

    # -- linking ---------------------------------------------------------------------------

    def open_wizard(self) -> None:
        """Ask for the link parameters; link when the wizard is accepted."""
        from mgis.ui.link_wizard import LinkWizard

        if not any(layer.family == "polygon" for layer in self.controller.project.layers):
            text = tr("Add a parcel layer first.")
            QMessageBox.information(self.window, tr("Link register"), text)
            return
        wizard = LinkWizard(self.controller.project, self.window)
        if wizard.exec():
            self.apply_link(wizard.parameters())

    def _run(self, fn: object, *args: object, text: str, done: object) -> Worker:
        """Run ``fn(*args)`` in a worker shown in the status bar; ``done`` gets the result."""
        worker = Worker(fn, *args, parent=self)  # type: ignore[arg-type]
        worker.succeeded.connect(done)
        worker.failed.connect(self._fail)
        self.window.progress.track(worker, text)
        self.worker = worker.start()
        return worker

    def _fail(self, text: str) -> None:
        """Tell the user why the work failed."""
        self.window.statusBar().showMessage(text, 15_000)
        self.failed.emit(text)

    def apply_link(self, params: LinkParameters) -> Worker:
        """Link the register as the wizard collected, then store it (undoable)."""
        frame = self.controller.project.layer(params.layer).frame
        old = self.current_link()
        return self._run(
            _link_from_parameters,
            params,
            frame,
            text=tr("Linking register…"),
            done=lambda outcome: self._store(outcome, old, "Link register"),
        )

    def use_suggestion(self, investment: str, written: str, suggestion: str) -> Worker | None:
        """Record ``suggestion`` for the identifier written as ``written`` and link again.

        In a register shared in the database the parcels cell itself is corrected
        and saved, so every desk gets the fix.
        """
        link = self.current_link()
        if link is None or link.parcels_layer not in self.controller.project.layer_names():
            return None
        if link.shared is not None:
            cells = replace(link, corrections=((investment, written, suggestion),)).corrected()
            column = str(cells.mapping.parcels)
            cell = cells.frame[column].iloc[cells.ids.index(investment)]
            return self.shared.edit(investment, {column: str(cell)}, label="Use suggestion")
        fixed = replace(link, corrections=(*link.corrections, (investment, written, suggestion)))
        frame = self.controller.project.layer(link.parcels_layer).frame
        return self._run(
            _relink,
            fixed,
            frame,
            text=tr("Linking register…"),
            done=lambda outcome: self._store(outcome, link, "Use suggestion"),
        )

    def _store(self, outcome: LinkOutcome, old: RegisterLink | None, label: str) -> None:
        """Add or replace the investment areas and store the link, as one undoable step."""
        project = self.controller.project
        names = project.layer_names()
        steps: list[Command] = []
        if AREAS_LAYER in names:
            index: int | None = names.index(AREAS_LAYER)
            steps.append(RemoveLayer(AREAS_LAYER))
        else:
            parcels = outcome.link.parcels_layer
            index = names.index(parcels) + 1 if parcels in names else None
        steps += [AddLayer(areas_layer(outcome), index), SetRegisterLink(outcome.link, old)]
        self.state.set_result(outcome.link, outcome.result)
        self.controller.push(LinkStep(steps, label))
        self.show_panel()
        self.linked.emit(outcome)

    # -- refresh ---------------------------------------------------------------------------

    def start_refresh(self, *, confirm: bool = True, quiet: bool = False) -> Worker | None:
        """Read the spreadsheet (or the database) again and show what changed; apply it on OK.

        Parameters
        ----------
        confirm : bool
            Show the changes in a dialog (False: only emit :attr:`refreshReady`).
        quiet : bool
            Show no dialog when nothing changed (the check made on opening a project).
        """
        link = self.current_link()
        if link is None:
            return None
        return self._run(
            _reread_and_diff,
            link,
            text=tr("Reading register…"),
            done=lambda pending: self._on_reread(pending, confirm, quiet),
        )

    def _check_shared(self) -> None:
        """On opening a project with a shared register, show what others changed meanwhile."""
        link = self.current_link()
        if link is not None and link.shared is not None:
            self.start_refresh(quiet=True)

    def _on_reread(self, pending: PendingRefresh, confirm: bool, quiet: bool = False) -> None:
        """Keep the reread register; ask the user when ``confirm``."""
        self.pending = pending
        self.refreshReady.emit(pending)
        if pending.diff.empty and pending.new.shared != pending.link.shared:
            self.apply_refresh()  # only row versions moved on: take them without asking
        elif confirm and not (quiet and pending.diff.empty):
            dialog = RefreshDialog(pending.diff, self.investment_names(), self.window)
            if dialog.exec() and not pending.diff.empty:
                self.apply_refresh()

    def investment_names(self) -> dict[str, str]:
        """Investment names by id in the current result."""
        result, link = self.state.result, self.state.link
        if result is None or link is None or link.mapping.name is None:
            return {}
        frame = result.investment_areas
        column = link.mapping.name
        if column not in frame.columns:
            return {}
        return dict(zip(frame["investment_id"].astype(str), frame[column].astype(str), strict=True))

    def apply_refresh(self) -> Worker | None:
        """Link the reread register (keeping the corrections) and store it (undoable)."""
        pending, self.pending = self.pending, None
        if pending is None:
            return None
        old = pending.link
        project = self.controller.project
        if old.parcels_layer not in project.layer_names():
            self._fail(tr("The linked parcel layer is not in the project."))
            return None
        frame = project.layer(old.parcels_layer).frame
        return self._run(
            _relink,
            pending.new,
            frame,
            text=tr("Linking register…"),
            done=lambda outcome: self._store(outcome, old, "Refresh register"),
        )

    # -- following the project ---------------------------------------------------------------

    def _follow_project(self) -> None:
        """After undo/redo or opening a project: show the result of the project's link."""
        self._update_actions()
        link = self.current_link()
        if link is self.state.link:
            return
        project = self.controller.project
        if link is None or link.parcels_layer not in project.layer_names():
            self.state.set_result(None, None)
            return
        self.state.set_result(link, None)
        frame = project.layer(link.parcels_layer).frame
        self._run(_relink, link, frame, text=tr("Linking register…"), done=self._show_relinked)

    def _show_relinked(self, outcome: LinkOutcome) -> None:
        """Show a result computed for the project's link (if it is still the current one)."""
        if outcome.link is self.current_link():
            self.state.set_result(outcome.link, outcome.result)


def install_register_ui(window: MainWindow) -> RegisterUi:
    """Add the Register menu, the register docks and the parcel search box to ``window``.

    Parameters
    ----------
    window : MainWindow
        The main window (its menus, canvas and controller exist).

    Returns
    -------
    RegisterUi
        Kept by the window as ``window.register_ui``.
    """
    ui = RegisterUi(window)
    window.register_ui = ui  # type: ignore[attr-defined]
    return ui
