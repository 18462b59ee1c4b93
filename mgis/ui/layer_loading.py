"""Adding vector layers from files: a queue of reads run one by one in a worker.

Each file is read with :func:`mgis.io.read_layer` off the UI thread; the frame
becomes a project layer through ``project.make_layer`` and an undoable
:class:`~mgis.commands.AddLayer`; then the load report is shown, where a guessed
CRS can be confirmed or changed (which reloads the file with that CRS).
The dialog functions of this module are the seams tests replace.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from mgis.commands import AddLayer
from mgis.io import LayerInfo, LoadReport, list_layers, read_layer
from mgis.project import ProjectError
from mgis.ui.controller import ProjectController
from mgis.ui.i18n import tr
from mgis.ui.load_dialogs import CrsDialog, LayerChooserDialog, LoadReportDialog
from mgis.ui.workers import ProgressPanel, Worker, readable_error

MULTI_LAYER_SUFFIXES = frozenset({".gpkg", ".gml", ".kml", ".dxf", ".zip", ".xlsx", ".sqlite"})


def file_filters() -> str:
    """Return the file-dialog filter string of the vector formats mgis reads."""
    return ";;".join(
        (
            f"{tr('All supported files')} (*.shp *.zip *.gpkg *.geojson *.json *.gml "
            "*.kml *.dxf *.csv *.xlsx)",
            f"{tr('Shapefile')} (*.shp *.SHP)",
            f"{tr('Zipped shapefile')} (*.zip)",
            "GeoPackage (*.gpkg)",
            "GeoJSON (*.geojson *.json)",
            "GML (*.gml *.xml)",
            "KML (*.kml)",
            "DXF (*.dxf)",
            f"{tr('Tables')} CSV/XLSX (*.csv *.xlsx)",
            f"{tr('All files')} (*)",
        )
    )


# -- dialogs (replaced in tests) ---------------------------------------------------------


def choose_layers(parent: QWidget, path: Path, layers: list[LayerInfo]) -> list[str]:
    """Ask which layers of ``path`` to add; empty when cancelled."""
    dialog = LayerChooserDialog(path, layers, parent)
    return dialog.chosen() if dialog.exec() else []


def ask_crs(parent: QWidget, name: str) -> str:
    """Ask for the CRS of a layer whose file does not say; ``""`` when cancelled."""
    dialog = CrsDialog(name, parent)
    return dialog.crs() if dialog.exec() else ""


def show_report(parent: QWidget, name: str, report: LoadReport) -> str:
    """Show the load report; return a CRS to reload with, or ``""`` to keep the layer."""
    dialog = LoadReportDialog(name, report, parent)
    dialog.exec()
    return dialog.new_crs()


def show_error(parent: QWidget, text: str) -> None:
    """Tell the user that a file could not be added."""
    QMessageBox.warning(parent, tr("Cannot add the layer"), text)


# -- the loader --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadJob:
    """One layer to read: file, layer inside it, name in the project and CRS override."""

    path: Path
    layer: str | None
    name: str
    crs: str | None = None


class LayerLoader(QObject):
    """Reads queued files one at a time in a :class:`~mgis.ui.workers.Worker`.

    Parameters
    ----------
    controller : ProjectController
        Receives the AddLayer commands.
    progress : ProgressPanel
        Shows the running read and its Cancel button.
    parent : QWidget
        Parent of the dialogs.

    Signals
    -------
    layerAdded(str)
        A layer was added under that name.
    idle()
        The queue is empty (after success, failure or Cancel).
    """

    layerAdded = Signal(str)  # noqa: N815 - Qt naming
    idle = Signal()

    def __init__(
        self, controller: ProjectController, progress: ProgressPanel, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.progress = progress
        self.widget = parent
        self._queue: deque[LoadJob] = deque()
        self._worker: Worker | None = None

    def busy(self) -> bool:
        """Return True while a file is being read."""
        return self._worker is not None

    def add_files(self, paths: list[Path]) -> None:
        """Queue ``paths`` (asking for layers of multi-layer files) and start reading."""
        for path in paths:
            self._queue.extend(self._jobs_for(Path(path)))
        self._next()

    def cancel(self) -> None:
        """Stop the running read and forget the queue; the project stays unchanged."""
        self._queue.clear()
        if self._worker is not None:
            self._worker.cancel()

    def _jobs_for(self, path: Path) -> list[LoadJob]:
        """Return the reads one file needs (one per chosen layer)."""
        if path.suffix.lower() not in MULTI_LAYER_SUFFIXES:
            return [LoadJob(path, None, path.stem)]
        try:
            layers = list_layers(path)
        except Exception as exc:  # the user gets the message, never a traceback
            show_error(self.widget, f"{path.name}: {readable_error(exc)}")
            return []
        if len(layers) <= 1:
            return [LoadJob(path, None, path.stem)]
        names = choose_layers(self.widget, path, layers)
        return [LoadJob(path, name, name) for name in names]

    def _next(self) -> None:
        """Start the next queued read, or announce that the queue is empty."""
        if self._worker is not None:
            return
        if not self._queue:
            self.idle.emit()
            return
        job = self._queue.popleft()
        worker = Worker(read_layer, job.path, job.layer, crs=job.crs, repair=True, parent=self)
        self._worker = worker
        worker.succeeded.connect(lambda result: self._on_read(job, result))
        worker.failed.connect(lambda text: self._on_failed(job, text))
        worker.canceled.connect(self._on_cancelled)
        worker.finished.connect(self._on_finished)
        self.progress.track(worker, f"{tr('Loading')} {job.path.name}…")
        worker.start()

    def _on_finished(self) -> None:
        """Forget the finished worker and go on with the queue."""
        self._worker = None
        self._next()

    def _on_cancelled(self) -> None:
        """Drop the rest of the queue."""
        self._queue.clear()

    def _on_failed(self, job: LoadJob, text: str) -> None:
        """Say which file failed and why."""
        show_error(self.widget, f"{job.path.name}: {text}")

    def _on_read(self, job: LoadJob, result: tuple[Any, LoadReport]) -> None:
        """Add the read frame to the project and show its report."""
        frame, report = result
        if "geometry" not in getattr(frame, "columns", ()) or not hasattr(frame, "crs"):
            show_error(self.widget, f"{job.path.name}: {tr('the data has no geometry column.')}")
            return
        if frame.crs is None:
            crs = ask_crs(self.widget, job.name)
            if crs:
                self._queue.appendleft(replace(job, crs=crs))
            return
        try:
            layer = self.controller.project.make_layer(job.name, frame, source=str(job.path))
        except (ProjectError, ValueError) as exc:
            show_error(self.widget, f"{job.path.name}: {readable_error(exc)}")
            return
        command = AddLayer(layer)
        self.controller.push(command)
        self.layerAdded.emit(layer.name)
        new_crs = show_report(self.widget, layer.name, report)
        if new_crs and new_crs != report.crs:
            if self.controller.stack.undo_label == command.label and any(
                lyr is layer for lyr in self.controller.project.layers
            ):
                self.controller.undo()  # the reload replaces this layer
            self._queue.appendleft(replace(job, crs=new_crs))
