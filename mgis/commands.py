"""Undoable project changes: commands with do/undo/label on a bounded CommandStack.

Front-ends turn user actions into commands; tests drive the stack without a GUI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from mgis.layers import Style, VectorLayer
from mgis.project import Project

if TYPE_CHECKING:
    from mgis.layers.link_store import RegisterLink


class Command(Protocol):
    """A change that can be done and undone."""

    @property
    def label(self) -> str:
        """Short English description of the change, e.g. ``Rename layer``."""
        ...

    def do(self, project: Project) -> None:
        """Apply the change to ``project``."""
        ...

    def undo(self, project: Project) -> None:
        """Revert the change made by :meth:`do`."""
        ...


@dataclass
class CommandStack:
    """Undo/redo history for one project.

    Parameters
    ----------
    project : Project
        The project the commands change.
    limit : int
        How many commands are kept for undo.
    """

    project: Project
    limit: int = 100
    _undo: list[Command] = field(default_factory=list)
    _redo: list[Command] = field(default_factory=list)
    _clean_depth: int | None = 0
    listeners: list[Callable[[], None]] = field(default_factory=list)

    def push(self, command: Command) -> None:
        """Do ``command`` and make it the next one to undo."""
        command.do(self.project)
        self._undo.append(command)
        self._redo.clear()
        if self._clean_depth is not None and self._clean_depth > len(self._undo) - 1:
            self._clean_depth = None  # the saved state can no longer be reached
        if len(self._undo) > self.limit:
            del self._undo[0]
            if self._clean_depth is not None:
                self._clean_depth = self._clean_depth - 1 if self._clean_depth > 0 else None
        self._notify()

    def undo(self) -> None:
        """Undo the last command, if any."""
        if self._undo:
            command = self._undo.pop()
            command.undo(self.project)
            self._redo.append(command)
            self._notify()

    def redo(self) -> None:
        """Redo the last undone command, if any."""
        if self._redo:
            command = self._redo.pop()
            command.do(self.project)
            self._undo.append(command)
            self._notify()

    @property
    def undo_label(self) -> str | None:
        """Label of the command :meth:`undo` would revert."""
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        """Label of the command :meth:`redo` would apply."""
        return self._redo[-1].label if self._redo else None

    def set_clean(self) -> None:
        """Mark the current state as saved."""
        self._clean_depth = len(self._undo)
        self._notify()

    @property
    def is_clean(self) -> bool:
        """True when the project equals its last saved state."""
        return self._clean_depth == len(self._undo)

    def _notify(self) -> None:
        for listener in list(self.listeners):
            listener()


# -- layer commands --------------------------------------------------------------


@dataclass
class AddLayer:
    """Add a layer at ``index`` (default: on top)."""

    layer: VectorLayer
    index: int | None = None
    label: str = "Add layer"

    def do(self, project: Project) -> None:
        """Insert the layer."""
        index = len(project.layers) if self.index is None else self.index
        project.layers.insert(index, self.layer)

    def undo(self, project: Project) -> None:
        """Remove the layer again."""
        project.layers.remove(self.layer)


@dataclass
class RemoveLayer:
    """Remove the layer called ``name``."""

    name: str
    label: str = "Remove layer"
    _removed: tuple[int, VectorLayer] | None = None

    def do(self, project: Project) -> None:
        """Take the layer out, remembering where it was."""
        layer = project.layer(self.name)
        index = project.layers.index(layer)
        project.layers.pop(index)
        self._removed = (index, layer)

    def undo(self, project: Project) -> None:
        """Put the layer back where it was."""
        if self._removed is not None:
            index, layer = self._removed
            project.layers.insert(index, layer)


@dataclass
class MoveLayer:
    """Move the layer called ``name`` to position ``index`` (0 = bottom)."""

    name: str
    index: int
    label: str = "Move layer"
    _old: int | None = None

    def do(self, project: Project) -> None:
        """Move the layer."""
        layer = project.layer(self.name)
        self._old = project.layers.index(layer)
        project.layers.remove(layer)
        project.layers.insert(self.index, layer)

    def undo(self, project: Project) -> None:
        """Move it back."""
        if self._old is not None:
            layer = project.layer(self.name)
            project.layers.remove(layer)
            project.layers.insert(self._old, layer)


@dataclass
class RenameLayer:
    """Rename a layer; the new name must be unused."""

    name: str
    new_name: str
    label: str = "Rename layer"

    def do(self, project: Project) -> None:
        """Rename."""
        if self.new_name in project.layer_names():
            raise ValueError(f"A layer named '{self.new_name}' already exists.")
        project.layer(self.name).name = self.new_name

    def undo(self, project: Project) -> None:
        """Restore the old name."""
        project.layer(self.new_name).name = self.name


@dataclass
class SetLayerProperties:
    """Change a layer's style, visibility, opacity and/or scale range in one step.

    ``scale_range`` is ``(min_scale, max_scale)`` (see :class:`VectorLayer`;
    None inside the tuple means no limit); None leaves the range unchanged.
    """

    name: str
    style: Style | None = None
    visible: bool | None = None
    opacity: float | None = None
    scale_range: tuple[float | None, float | None] | None = None
    label: str = "Change layer"
    _before: tuple[Style, bool, float, float | None, float | None] | None = None

    def do(self, project: Project) -> None:
        """Apply the new values, remembering the old ones."""
        layer = project.layer(self.name)
        self._before = (
            layer.style,
            layer.visible,
            layer.opacity,
            layer.min_scale,
            layer.max_scale,
        )
        if self.scale_range is not None:
            layer.min_scale, layer.max_scale = self.scale_range
        if self.style is not None:
            layer.style = replace(self.style)
        if self.visible is not None:
            layer.visible = self.visible
        if self.opacity is not None:
            layer.opacity = min(1.0, max(0.0, self.opacity))

    def undo(self, project: Project) -> None:
        """Restore the old values."""
        if self._before is not None:
            layer = project.layer(self.name)
            (
                layer.style,
                layer.visible,
                layer.opacity,
                layer.min_scale,
                layer.max_scale,
            ) = self._before


# -- register links ----------------------------------------------------------------


@dataclass
class SetRegisterLink:
    """Store a register link in the project, in place of ``old`` when it is there."""

    link: RegisterLink
    old: RegisterLink | None = None
    label: str = "Link register"
    _index: int | None = None

    def do(self, project: Project) -> None:
        """Replace ``old`` by ``link`` (or append ``link``), remembering where."""
        links = project.links
        at = next((i for i, x in enumerate(links) if x is self.old), None)
        if at is None:
            links.append(self.link)
        else:
            links[at] = self.link
        self._index = at

    def undo(self, project: Project) -> None:
        """Take ``link`` out again and put ``old`` back."""
        links = project.links
        at = next(i for i, x in enumerate(links) if x is self.link)
        if self._index is None or self.old is None:
            links.pop(at)
        else:
            links[at] = self.old
