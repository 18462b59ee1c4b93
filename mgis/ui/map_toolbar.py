"""The map toolbar: navigation, identify, selection and measuring tools for a MapCanvas."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QToolBar, QToolButton

from mgis.ui.canvas import MapCanvas
from mgis.ui.controller import ProjectController
from mgis.ui.i18n import tr
from mgis.ui.icons import icon
from mgis.ui.identify_panel import IdentifyHit, IdentifyPanel
from mgis.ui.measure import MeasureAreaTool, MeasureDistanceTool
from mgis.ui.select_tool import SelectShape, SelectTool
from mgis.ui.tools import IdentifyTool, MapTool, ZoomBoxTool

_Pixmap = QStyle.StandardPixmap


class MapToolBar(QToolBar):
    """Map tools as exclusive checkable actions, plus zoom and selection commands.

    Build it with :func:`build_map_toolbar`. The actions and tools are public
    attributes so the main window can put them in menus too.

    Parameters
    ----------
    window : QMainWindow
        The window the toolbar and the identify panel belong to.
    canvas : MapCanvas
        The map the tools work on.
    controller : ProjectController or None
        Selections go through it (``canvas.set_controller`` is called).
    """

    def __init__(
        self, window: QMainWindow, canvas: MapCanvas, controller: ProjectController | None
    ) -> None:
        super().__init__(tr("Map tools"), window)
        self.setObjectName("map_tools")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.window_ = window
        self.canvas = canvas
        if controller is not None and canvas.controller is not controller:
            canvas.set_controller(controller)
        self.zoom_box_tool = ZoomBoxTool(canvas)
        self.identify_tool = IdentifyTool(canvas)
        self.select_tools = {shape: SelectTool(canvas, shape) for shape in SelectShape}
        self.measure_distance_tool = MeasureDistanceTool(canvas)
        self.measure_area_tool = MeasureAreaTool(canvas)
        self.identify_panel = IdentifyPanel(window)
        self.identify_panel.hide()
        self._docked = False
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self._tool_of: dict[QAction, MapTool | None] = {}
        self._build_tools()
        self.addSeparator()
        self._build_commands()
        self.identify_tool.identified.connect(self.show_identify)
        self.measure_distance_tool.measured.connect(self._show_measure)
        self.measure_area_tool.measured.connect(self._show_measure)
        canvas.toolChanged.connect(self._sync_checked)
        canvas.historyChanged.connect(self._sync_history)
        self._sync_history(canvas.history.can_back, canvas.history.can_forward)

    # -- building ---------------------------------------------------------------------

    def _icon(self, pixmap: _Pixmap | None) -> QIcon:
        """Return a standard style icon, or an empty one."""
        return self.style().standardIcon(pixmap) if pixmap is not None else QIcon()

    def _tool_action(self, text: str, tip: str, tool: MapTool | None, icon_name: str) -> QAction:
        """Return a checkable action in the exclusive group that activates ``tool`` (None: pan)."""
        action = QAction(icon(icon_name), text, self)
        action.setToolTip(f"{text}: {tip}")
        action.setStatusTip(tip)
        action.setCheckable(True)
        self.group.addAction(action)
        self._tool_of[action] = tool
        action.triggered.connect(lambda _=False, t=tool: self.canvas.set_tool(t))
        return action

    def _command(
        self, text: str, tip: str, slot: Callable[[], None], pixmap: _Pixmap | str
    ) -> QAction:
        """Return a plain toolbar action calling ``slot``, with a style or mgis icon."""
        image = icon(pixmap) if isinstance(pixmap, str) else self._icon(pixmap)
        action = QAction(image, text, self)
        action.setToolTip(f"{text}: {tip}")
        action.setStatusTip(tip)
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        return action

    def _build_tools(self) -> None:
        """Pan, zoom box, identify, select (with a shape menu) and the two measures."""
        self.pan_action = self._tool_action(
            tr("Pan"), tr("Pan the map by dragging it"), None, "pan"
        )
        self.pan_action.setChecked(True)
        self.zoom_box_action = self._tool_action(
            tr("Zoom box"), tr("Drag a rectangle to zoom to it"), self.zoom_box_tool, "zoom_box"
        )
        self.identify_action = self._tool_action(
            tr("Identify"),
            tr("Click to show the attributes of features"),
            self.identify_tool,
            "identify",
        )
        self.identify_action.toggled.connect(self._identify_toggled)
        tools = self.select_tools
        self.select_click_action = self._tool_action(
            tr("Select by click"),
            tr("Click a feature to select it; Shift adds, Ctrl toggles"),
            tools[SelectShape.CLICK],
            "select_click",
        )
        self.select_rect_action = self._tool_action(
            tr("Select by rectangle"),
            tr("Drag a rectangle to select features; Shift adds, Ctrl toggles"),
            tools[SelectShape.RECTANGLE],
            "select_rectangle",
        )
        self.select_polygon_action = self._tool_action(
            tr("Select by polygon"),
            tr("Click the corners, double-click or Enter to close; Esc cancels"),
            tools[SelectShape.POLYGON],
            "select_polygon",
        )
        self.measure_distance_action = self._tool_action(
            tr("Measure distance"),
            tr("Click points of a line; double-click finishes, Esc clears"),
            self.measure_distance_tool,
            "measure_distance",
        )
        self.measure_area_action = self._tool_action(
            tr("Measure area"),
            tr("Click corners of an area; double-click finishes, Esc clears"),
            self.measure_area_tool,
            "measure_area",
        )
        for action in (self.pan_action, self.zoom_box_action, self.identify_action):
            self.addAction(action)
        menu = QMenu(self)
        self.select_button = QToolButton(self)
        select_actions = (
            self.select_click_action,
            self.select_rect_action,
            self.select_polygon_action,
        )
        for action in select_actions:
            menu.addAction(action)
            action.triggered.connect(
                lambda _=False, a=action: self.select_button.setDefaultAction(a)
            )
        self.select_button.setMenu(menu)
        self.select_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.select_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.select_button.setDefaultAction(self.select_click_action)
        self.addWidget(self.select_button)
        self.addAction(self.measure_distance_action)
        self.addAction(self.measure_area_action)

    def _build_commands(self) -> None:
        """Zoom full, to selection, previous and next view, clear selection."""
        canvas = self.canvas
        self.zoom_full_action = self._command(
            tr("Full extent"), tr("Show all layers (Home)"), canvas.zoom_full, "zoom_full"
        )
        self.zoom_selection_action = self._command(
            tr("Zoom to selection"),
            tr("Show the selected features"),
            canvas.zoom_to_selection,
            "zoom_selection",
        )
        self.previous_action = self._command(
            tr("Previous view"), tr("Go back to the previous view"), canvas.zoom_previous,
            _Pixmap.SP_ArrowBack,
        )  # fmt: skip
        self.next_action = self._command(
            tr("Next view"), tr("Go forward to the next view"), canvas.zoom_next,
            _Pixmap.SP_ArrowForward,
        )  # fmt: skip
        self.clear_selection_action = self._command(
            tr("Clear selection"), tr("Deselect the features of all layers"),
            canvas.clear_selection, "clear_selection",
        )  # fmt: skip

    # -- slots ------------------------------------------------------------------------

    def show_identify(self, hits: list[IdentifyHit] | None) -> None:
        """Dock the identify panel on the right (first time), show it, and list ``hits``."""
        if not self._docked:
            self.window_.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.identify_panel)
            self._docked = True
        self.identify_panel.show()
        if hits is not None:
            self.identify_panel.show_hits(hits)

    def _identify_toggled(self, on: bool) -> None:
        """Show the identify panel when the identify tool is chosen."""
        if on:
            self.show_identify(None)

    def _show_measure(self, _value: float) -> None:
        """Show the running measure in the status bar too."""
        tool = self.canvas.tool
        if isinstance(tool, MeasureDistanceTool | MeasureAreaTool):
            self.window_.statusBar().showMessage(tool.text().replace("\n", "   "))

    def _sync_checked(self, tool: MapTool) -> None:
        """Check the action of a tool activated elsewhere (e.g. ``set_tool`` in code)."""
        for action, owned in self._tool_of.items():
            if owned is tool or (owned is None and tool is self.canvas.pan_tool):
                action.setChecked(True)
                return

    def _sync_history(self, back: bool, forward: bool) -> None:
        """Enable Previous and Next view when there is somewhere to go."""
        self.previous_action.setEnabled(back)
        self.next_action.setEnabled(forward)


def build_map_toolbar(
    parent_window: QMainWindow, canvas: MapCanvas, controller: ProjectController | None
) -> MapToolBar:
    """Create the map toolbar, add it to the top of ``parent_window`` and return it.

    Parameters
    ----------
    parent_window : QMainWindow
        The main window; the identify panel docks on its right when identify is used.
    canvas : MapCanvas
        The map the tools work on (usually the central widget).
    controller : ProjectController or None
        Selections go through it, so the attribute table follows the map.

    Returns
    -------
    MapToolBar
        A ``QToolBar`` whose actions and tools are attributes (``pan_action``,
        ``select_tools``, ``identify_panel`` ...).
    """
    toolbar = MapToolBar(parent_window, canvas, controller)
    parent_window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    return toolbar
