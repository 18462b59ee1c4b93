"""ProjectController: the one place the UI changes the project, with Qt signals."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QObject, Signal

from mgis.commands import Command, CommandStack
from mgis.layers.selection import SelectMode, combine
from mgis.project import Project


class ProjectController(QObject):
    """Holds the open project and its undo stack; widgets listen to its signals.

    Every change to the project goes through :meth:`push` (undoable commands);
    selections through :meth:`select`. Widgets never change the project directly.

    Signals
    -------
    projectReplaced()
        A different project was opened or created.
    projectModified()
        A command was done, undone or redone (layers, order, names, styles ...).
    selectionChanged(str)
        The selection of the named layer changed.
    cleanChanged(bool)
        The project became saved (True) or modified (False).
    """

    projectReplaced = Signal()  # noqa: N815 - Qt naming
    projectModified = Signal()  # noqa: N815
    selectionChanged = Signal(str)  # noqa: N815
    cleanChanged = Signal(bool)  # noqa: N815

    def __init__(self, project: Project | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stack = CommandStack(project or Project())
        self._was_clean = True
        self.stack.listeners.append(self._on_stack)

    @property
    def project(self) -> Project:
        """The open project."""
        return self.stack.project

    def set_project(self, project: Project) -> None:
        """Replace the open project; the undo history starts afresh."""
        self.stack.listeners.remove(self._on_stack)
        self.stack = CommandStack(project)
        self.stack.listeners.append(self._on_stack)
        self._was_clean = True
        self.projectReplaced.emit()
        self.cleanChanged.emit(True)

    def push(self, command: Command) -> None:
        """Do ``command`` on the project as an undoable step."""
        self.stack.push(command)

    def undo(self) -> None:
        """Undo the last command."""
        self.stack.undo()

    def redo(self) -> None:
        """Redo the last undone command."""
        self.stack.redo()

    def mark_saved(self) -> None:
        """Record that the project equals the file it was saved to."""
        self.stack.set_clean()

    def select(self, layer_name: str, indices: Iterable[int], mode: SelectMode) -> None:
        """Change the selection of a layer and tell the map and the tables."""
        layer = self.project.layer(layer_name)
        layer.selected = combine(layer.selected, np.fromiter(indices, dtype=np.int64), mode)
        self.selectionChanged.emit(layer_name)

    def clear_selection(self) -> None:
        """Deselect the features of every layer."""
        for layer in self.project.layers:
            if layer.selected.size:
                layer.selected = np.empty(0, dtype=np.int64)
                self.selectionChanged.emit(layer.name)

    def _on_stack(self) -> None:
        """Relay a change of the undo stack as signals."""
        self.projectModified.emit()
        clean = self.stack.is_clean
        if clean != self._was_clean:
            self._was_clean = clean
            self.cleanChanged.emit(clean)
