"""The layer panel: a tree of the project's layers (top layer first) in a dock.

Ticks, in-place renames, drag-and-drop moves and removals become undoable
commands pushed to the :class:`~mgis.ui.controller.ProjectController`; the
panel rebuilds itself whenever the project changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QIcon,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QMenu, QTreeView, QWidget

from mgis.commands import MoveLayer, RemoveLayer, RenameLayer, SetLayerProperties
from mgis.layers import Style
from mgis.ui.controller import ProjectController
from mgis.ui.i18n import tr

NAME_ROLE = Qt.ItemDataRole.UserRole + 1
"""Item data role holding the layer name the item stands for."""
MIME_TYPE = "application/x-mgis-layer"

AnyIndex = QModelIndex | QPersistentModelIndex
MenuExtension = Callable[[QMenu, str], None]
"""Adds actions to the context menu of the named layer (e.g. the PostGIS ones)."""


def _colour(text: str) -> QColor:
    """Return the QColor of ``#rrggbb`` or ``#rrggbbaa`` (Qt reads 8 digits as ``#aarrggbb``)."""
    text = text.strip()
    if len(text) == 9 and text.startswith("#"):
        colour = QColor(text[:7])
        colour.setAlpha(int(text[7:], 16))
        return colour
    return QColor(text)


def layer_icon(style: Style, family: str) -> QIcon:
    """Return a 16 x 16 legend swatch of ``style`` for a geometry ``family``.

    Parameters
    ----------
    style : Style
        The layer style.
    family : str
        ``polygon``, ``line``, ``point`` or ``none``.
    """
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(_colour(style.stroke))
    pen.setWidthF(2.0 if family == "line" else 1.0)
    painter.setPen(pen)
    painter.setBrush(_colour(style.fill))
    if family == "line":
        painter.drawLine(2, 12, 14, 4)
    elif family == "point":
        painter.drawEllipse(4, 4, 8, 8)
    else:
        painter.drawRect(2, 3, 12, 10)
    painter.end()
    return QIcon(pixmap)


class LayerModel(QStandardItemModel):
    """One checkable, editable row per layer of the controller's project, top layer first.

    Parameters
    ----------
    controller : ProjectController
        The project and its undo stack.
    """

    def __init__(self, controller: ProjectController) -> None:
        super().__init__()
        self.controller = controller
        self._rebuilding = False
        self.itemChanged.connect(self._on_item_changed)
        self.rebuild()

    def rebuild(self) -> None:
        """Show the project's layers again (cheap for tens of layers)."""
        self._rebuilding = True
        try:
            self.clear()
            for layer in reversed(self.controller.project.layers):
                item = QStandardItem(layer.name)
                item.setData(layer.name, NAME_ROLE)
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsUserCheckable
                    | Qt.ItemFlag.ItemIsEditable
                    | Qt.ItemFlag.ItemIsDragEnabled
                )
                item.setCheckState(
                    Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked
                )
                item.setToolTip(f"{layer.name}\n{tr(layer.family)} · {layer.feature_count}")
                item.setIcon(layer_icon(layer.style, layer.family))
                self.appendRow(item)
        finally:
            self._rebuilding = False

    def layer_names(self) -> list[str]:
        """Return the names shown, top first."""
        return [str(self.item(row).data(NAME_ROLE)) for row in range(self.rowCount())]

    def row_of(self, name: str) -> int:
        """Return the row of the layer called ``name`` or -1."""
        names = self.layer_names()
        return names.index(name) if name in names else -1

    # -- drag and drop ------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        """Layers are only moved."""
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        """Return the panel's own layer-name format."""
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        """Encode the dragged layer names."""
        data = QMimeData()
        names = [str(index.data(NAME_ROLE)) for index in indexes if index.isValid()]
        data.setData(MIME_TYPE, "\n".join(names).encode("utf-8"))
        return data

    def dropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        """Turn a drop into a MoveLayer command; the view never moves rows itself."""
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME_TYPE):
            return False
        if row < 0:  # dropped onto an item: take its place
            row = parent.row() if parent.isValid() else self.rowCount()
        names = bytes(data.data(MIME_TYPE).data()).decode("utf-8").split("\n")
        if names and names[0]:
            self.move_to_row(names[0], row)
        return False  # the rebuilt model already shows the result

    def moveRows(  # noqa: N802
        self,
        source_parent: AnyIndex,
        source_row: int,
        count: int,
        destination_parent: AnyIndex,
        destination_child: int,
    ) -> bool:
        """Move one layer row before ``destination_child`` through MoveLayer."""
        if count != 1 or source_parent.isValid() or destination_parent.isValid():
            return False
        item = self.item(source_row)
        if item is None:
            return False
        return self.move_to_row(str(item.data(NAME_ROLE)), destination_child)

    def move_to_row(self, name: str, row: int) -> bool:
        """Move ``name`` so that it is shown before the current row ``row``."""
        source = self.row_of(name)
        if source < 0:
            return False
        target = row - 1 if row > source else row
        target = max(0, min(target, self.rowCount() - 1))
        if target == source:
            return False
        index = self.rowCount() - 1 - target  # panel rows are top first, the project bottom first
        self.controller.push(MoveLayer(name, index))
        return True

    # -- edits --------------------------------------------------------------------------

    def _on_item_changed(self, item: QStandardItem) -> None:
        """Turn a tick or an in-place rename into a command."""
        if self._rebuilding:
            return
        name = str(item.data(NAME_ROLE))
        project = self.controller.project
        if name not in project.layer_names():
            return
        layer = project.layer(name)
        visible = item.checkState() == Qt.CheckState.Checked
        new_name = item.text().strip()
        if visible != layer.visible:
            self.controller.push(SetLayerProperties(name, visible=visible))
        elif new_name != name:
            if new_name and new_name not in project.layer_names():
                self.controller.push(RenameLayer(name, new_name))
            else:  # empty or taken: show the old name again
                self.rebuild()


class LayerPanel(QDockWidget):
    """The "Layers" dock: tree view, context menu and the signals the window acts on.

    Parameters
    ----------
    controller : ProjectController
        The project and its undo stack.
    parent : QWidget, optional
        Parent widget.

    Signals
    -------
    activeLayerChanged(str)
        The current layer changed ("" for none).
    zoomToLayerRequested(str), attributeTableRequested(str), propertiesRequested(str)
        Context-menu requests for the named layer.

    Attributes
    ----------
    menu_extensions : list of callable
        Called with the context menu and the layer name, after the Remove
        action, so that installed features (PostGIS) add their own actions.
    add_actions : list of QAction
        Offered when the user right-clicks the empty part of the panel (add a
        file layer, add a PostGIS layer).
    """

    activeLayerChanged = Signal(str)  # noqa: N815 - Qt naming
    zoomToLayerRequested = Signal(str)  # noqa: N815
    attributeTableRequested = Signal(str)  # noqa: N815
    propertiesRequested = Signal(str)  # noqa: N815

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(tr("Layers"), parent)
        self.setObjectName("layers")
        self.controller = controller
        self.model = LayerModel(controller)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setRootIsDecorated(False)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.setWidget(self.view)
        self._active = ""
        self.menu_extensions: list[MenuExtension] = []
        self.add_actions: list[QAction] = []
        self.remove_action = QAction(tr("&Remove layer"), self)
        self.remove_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.remove_action.triggered.connect(lambda: self.remove_layer(self.active_layer()))
        self.view.addAction(self.remove_action)
        controller.projectModified.connect(self.refresh)
        controller.projectReplaced.connect(self.refresh)
        self.view.selectionModel().currentChanged.connect(self._on_current)

    def active_layer(self) -> str:
        """Return the name of the current layer, or ``""``."""
        return self._active

    def set_active_layer(self, name: str) -> None:
        """Make ``name`` the current layer (``""`` clears)."""
        row = self.model.row_of(name)
        selection = self.view.selectionModel()
        if row < 0:
            selection.clearCurrentIndex()
            selection.clearSelection()
            self._set_active("")
            return
        selection.setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )

    def refresh(self) -> None:
        """Rebuild the rows from the project, keeping the current layer if it still exists."""
        active = self._active
        self.model.rebuild()
        names = self.model.layer_names()
        if active in names:
            self.set_active_layer(active)
        else:
            self._set_active(names[0] if names else "")
            if names:
                self.set_active_layer(names[0])

    def remove_layer(self, name: str) -> None:
        """Remove the layer called ``name`` (undoable)."""
        if name and name in self.controller.project.layer_names():
            self.controller.push(RemoveLayer(name))

    def rename_layer(self, name: str) -> None:
        """Start editing the name of ``name`` in place."""
        row = self.model.row_of(name)
        if row >= 0:
            self.view.edit(self.model.index(row, 0))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """Announce the new active layer."""
        self._set_active(str(current.data(NAME_ROLE)) if current.isValid() else "")

    def _set_active(self, name: str) -> None:
        """Store and announce the active layer when it changed."""
        if name != self._active:
            self._active = name
            self.activeLayerChanged.emit(name)

    def _context_menu(self, pos: QPoint) -> None:
        """Show the layer actions for the item under the cursor."""
        index = self.view.indexAt(pos)
        if index.isValid():
            menu: QMenu | None = self.build_context_menu(str(index.data(NAME_ROLE)))
        else:  # empty space: the "add layer" choices (file, database)
            menu = self.build_add_menu()
        if menu is None:
            return
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def build_add_menu(self) -> QMenu | None:
        """Return the menu of the panel's empty space (add a layer), None when there is none."""
        if not self.add_actions:
            return None
        menu = QMenu(self)
        menu.addActions(self.add_actions)
        return menu

    def build_context_menu(self, name: str) -> QMenu:
        """Return the context menu for the layer called ``name``."""
        menu = QMenu(self)
        menu.addAction(tr("&Zoom to layer"), lambda: self.zoomToLayerRequested.emit(name))
        menu.addAction(tr("Open &attribute table"), lambda: self.attributeTableRequested.emit(name))
        menu.addSeparator()
        menu.addAction(tr("Re&name"), lambda: self.rename_layer(name))
        menu.addAction(tr("&Remove layer"), lambda: self.remove_layer(name))
        for extend in self.menu_extensions:
            extend(menu, name)
        menu.addSeparator()
        menu.addAction(tr("&Properties…"), lambda: self.propertiesRequested.emit(name))
        return menu
