"""Print and Export menus of the main window: map sheets, atlases and layer exports.

:func:`install_print_ui` adds them to a window. The dialogs only collect;
:class:`PrintUi` prints and exports in background workers with progress and
Cancel in the status bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox

from mgis.ui.i18n import tr
from mgis.ui.workers import CancelledFn, ProgressFn, Worker

if TYPE_CHECKING:
    from mgis.project import Project
    from mgis.render.sheet import SheetSpec
    from mgis.ui.main_window import MainWindow


@dataclass
class SetMetadata:
    """Set one metadata value of the project (undoable): e.g. the user's sheet templates."""

    key: str
    value: str
    label: str = "Save sheet template"
    _old: str | None = None

    def do(self, project: Project) -> None:
        """Store the new value, remembering the old one."""
        self._old = project.metadata.get(self.key)
        project.metadata[self.key] = self.value

    def undo(self, project: Project) -> None:
        """Put the old value back."""
        if self._old is None:
            project.metadata.pop(self.key, None)
        else:
            project.metadata[self.key] = self._old


def print_sheet_job(
    project: Project, spec: SheetSpec, path: Path, *, progress: ProgressFn, cancelled: CancelledFn
) -> Path:
    """Print one sheet to PDF or PNG by the file's suffix (worker thread)."""
    from mgis.render.printing import print_pdf, print_png

    progress(-1)
    printer = print_png if path.suffix.lower() == ".png" else print_pdf
    printer(project, spec, path, cancel=cancelled)
    progress(100)
    return path


def print_atlas_job(
    project: Project, *, progress: ProgressFn, cancelled: CancelledFn, **kwargs: Any
) -> Path:
    """Print an atlas (worker thread); return the PDF or the folder."""
    from mgis.render.atlas import print_atlas

    progress(0)
    result = print_atlas(project, progress=progress, cancel=cancelled, **kwargs)
    return result.files[0] if kwargs.get("one_file") and result.files else Path(kwargs["out"])


class PrintUi(QObject):
    """The Print and Export menus and the work behind them.

    Signals
    -------
    done(str)
        A file or folder was written (its path).
    """

    done = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.worker: Worker | None = None
        w = window
        self.print_menu = QMenu(tr("&Print"), w)
        self.sheet_action = QAction(tr("Print map &sheet…"), w)
        self.atlas_action = QAction(tr("&Atlas…"), w)
        self.sheet_action.triggered.connect(self.open_print_dialog)
        self.atlas_action.triggered.connect(self.open_atlas_dialog)
        self.print_menu.addActions([self.sheet_action, self.atlas_action])
        self.export_menu = QMenu(tr("E&xport"), w)
        self.export_action = QAction(tr("Export &layer…"), w)
        self.export_action.triggered.connect(self.open_export_dialog)
        self.export_menu.addAction(self.export_action)
        bar = w.menuBar()
        help_menu = next((a for a in bar.actions() if a.text() == tr("&Help")), None)
        for menu in (self.print_menu, self.export_menu):
            if help_menu is None:
                bar.addMenu(menu)
            else:
                bar.insertMenu(help_menu, menu)

    @property
    def project(self) -> Project:
        """The window's project."""
        return self.window.controller.project

    # -- dialogs -----------------------------------------------------------------------------

    def _selection_extent(self) -> tuple[float, float, float, float] | None:
        """Bounds of the selected features of the active layer, or None."""
        from mgis.analysis.pick import bounds_of

        name = self.window.canvas.active_layer_name
        if not name or name not in self.project.layer_names():
            return None
        layer = self.project.layer(name)
        return bounds_of(layer.frame, layer.selected) if len(layer.selected) else None

    def open_print_dialog(self) -> Worker | None:
        """Ask for a sheet and print it."""
        from mgis.ui.print_dialog import PrintDialog

        dialog = PrintDialog(
            self.project, self.window.canvas.view, self._selection_extent(), self.window
        )
        dialog.saveTemplateRequested.connect(lambda name: self.save_template(name, dialog.spec()))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        path = dialog.output_path()
        return self.print_sheet(dialog.spec(), path) if path is not None else None

    def open_atlas_dialog(self) -> Worker | None:
        """Ask for an atlas and print it."""
        from mgis.ui.print_dialog import AtlasDialog

        dialog = AtlasDialog(self.project, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.print_atlas(**dialog.parameters())

    def open_export_dialog(self) -> Worker | None:
        """Ask for a layer export and run it."""
        from mgis.ui.export_dialog import ExportLayerDialog

        view = self.window.canvas.view
        dialog = ExportLayerDialog(
            self.project,
            self.window.canvas.active_layer_name,
            view.extent if view is not None else None,
            self.window,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.export_layer(
            dialog.layer_name(), dialog.output_path(), dialog.format_name(), dialog.options()
        )

    # -- work --------------------------------------------------------------------------------

    def save_template(self, name: str, spec: SheetSpec) -> None:
        """Store ``spec``'s settings in the project as template ``name`` (undoable)."""
        from mgis.render.templates import METADATA_KEY, template_from_spec, templates_metadata

        value = templates_metadata(self.project, template_from_spec(name, spec))
        self.window.controller.push(SetMetadata(METADATA_KEY, value))

    def print_sheet(self, spec: SheetSpec, path: Path) -> Worker:
        """Print one sheet at full resolution in a worker."""
        return self._run(print_sheet_job, self.project, spec, Path(path), text=tr("Printing…"))

    def print_atlas(self, **kwargs: Any) -> Worker:
        """Print an atlas in a worker; ``kwargs`` are those of ``print_atlas``."""
        return self._run(print_atlas_job, self.project, text=tr("Printing atlas…"), **kwargs)

    def export_layer(self, name: str, path: Path, fmt: str, options: Any) -> Worker:
        """Export a layer in a worker."""
        from mgis.io.export import export_layer

        frame = self.project.layer(name).frame

        def job(*, progress: ProgressFn, cancelled: CancelledFn) -> Path:
            progress(-1)
            report = export_layer(frame, path, fmt, options=options)
            return Path(report.path)

        return self._run(job, text=tr("Exporting…"))

    def _run(self, fn: Any, *args: Any, text: str, **kwargs: Any) -> Worker:
        """Start ``fn`` in a worker shown in the status bar."""
        worker = Worker(fn, *args, controls=True, parent=self, **kwargs)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        self.window.progress.track(worker, text)
        self.worker = worker
        return worker.start()

    def _succeeded(self, path: object) -> None:
        """Say where the output went."""
        self.window.statusBar().showMessage(tr("Written: {path}").format(path=path), 15_000)
        self.done.emit(str(path))

    def _failed(self, message: str) -> None:
        """Show why the work failed."""
        QMessageBox.warning(self.window, tr("Printing or export failed"), message)


def install_print_ui(window: MainWindow) -> PrintUi:
    """Add the Print and Export menus to ``window``.

    Parameters
    ----------
    window : MainWindow
        The main window (its menus, canvas, controller and progress panel exist).

    Returns
    -------
    PrintUi
        Kept by the window as ``window.print_ui``.
    """
    ui = PrintUi(window)
    window.print_ui = ui  # type: ignore[attr-defined]
    return ui
