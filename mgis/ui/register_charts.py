"""Charts of the linked register (matplotlib in Qt), linked to the table and the map.

Three charts: outlays per year stacked by department or status, total cost per
investment, cost per m² of the investment area. Clicking a bar selects its
investments (and so their parcels); investments highlighted elsewhere are
outlined in the chart. Charts export to PNG, SVG or PDF.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backend_bases import PickEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mgis.ui.i18n import tr
from mgis.ui.register_state import RegisterState

CHART_KINDS = ("outlays", "total_cost", "cost_per_m2")
GROUPS = ("department", "status")
MAX_BARS = 40
EXPORT_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
_PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
            "#ff9da7", "#9c755f", "#bab0ac")  # fmt: skip


def _number(value: object) -> float:
    """Return a cell as a float (0 for empty or text)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number


def _short(text: str, width: int = 30) -> str:
    """Text cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


class RegisterCharts(QWidget):
    """A chart of the register with its choices and an Export button.

    Parameters
    ----------
    state : RegisterState
        The link result and the linked selection.
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(self, state: RegisterState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.figure = Figure(figsize=(7, 4.5), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)  # type: ignore[no-untyped-call]
        self.canvas.setMinimumSize(320, 240)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.canvas)
        self.canvas.mpl_connect("pick_event", self._on_pick)
        self.bars: list[tuple[Rectangle, tuple[str, ...]]] = []
        self.kind_box = QComboBox()
        for kind, text in zip(CHART_KINDS, (tr("Outlays per year"), tr("Total cost per investment"),
                                            tr("Cost per m²")), strict=True):  # fmt: skip
            self.kind_box.addItem(text, kind)
        self.group_box = QComboBox()
        self.group_box.addItem(tr("by department"), "department")
        self.group_box.addItem(tr("by status"), "status")
        self.export_button = QPushButton(tr("Export…"))
        self.export_button.setToolTip(tr("Save the chart as PNG, SVG or PDF"))
        self.export_button.clicked.connect(self._ask_export)
        self.note = QLabel()
        self.kind_box.currentIndexChanged.connect(self.redraw)
        self.group_box.currentIndexChanged.connect(self.redraw)
        top = QHBoxLayout()
        top.addWidget(self.kind_box)
        top.addWidget(self.group_box)
        top.addStretch(1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.note)
        state.resultChanged.connect(self.redraw)
        state.highlightChanged.connect(self._show_highlight)
        self.redraw()

    # -- drawing -------------------------------------------------------------------------

    def set_kind(self, kind: str, group: str = "department") -> None:
        """Show chart ``kind`` (see :data:`CHART_KINDS`), outlays grouped by ``group``."""
        self.group_box.setCurrentIndex(max(0, self.group_box.findData(group)))
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(kind)))
        self.redraw()

    def redraw(self) -> None:
        """Draw the chosen chart from the state's result."""
        kind = str(self.kind_box.currentData())
        self.group_box.setEnabled(kind == "outlays")
        self.figure.clear()
        self.canvas.setMinimumHeight(240)
        self.bars = []
        self.note.setText("")
        ax = self.figure.add_subplot()
        result, link = self.state.result, self.state.link
        if result is None or link is None:
            ax.set_axis_off()
            ax.text(0.5, 0.5, tr("No register is linked."), ha="center", va="center")
        elif kind == "outlays":
            self._draw_outlays(ax, result.investment_areas, link.mapping)
        else:
            self._draw_per_investment(ax, kind, result.investment_areas, link.mapping)
        self._show_highlight(self.state.highlighted)

    def _draw_outlays(self, ax: object, areas: pd.DataFrame, mapping: object) -> None:
        """Stacked bars: yearly limits summed per department or status."""
        from matplotlib.axes import Axes

        assert isinstance(ax, Axes)
        limits = list(getattr(mapping, "limits", ()))
        group = str(self.group_box.currentData())
        column = getattr(mapping, group, None)
        if not limits:
            ax.set_axis_off()
            ax.text(0.5, 0.5, tr("The register has no yearly limit columns."), ha="center")
            return
        ids = [str(v) for v in areas["investment_id"]]
        keys = (areas[column].astype(object).where(areas[column].notna(), None).tolist()
                if column in areas.columns else [None] * len(ids))  # fmt: skip
        labels = [str(k) if k not in (None, "") else tr("(none)") for k in keys]
        groups = sorted(set(labels))
        years = [y for y, _ in limits]
        bottom = np.zeros(len(years))
        for g_index, name in enumerate(groups):
            members = [k for k, label in enumerate(labels) if label == name]
            heights = []
            for _, col in limits:
                heights.append(sum(_number(areas[col].iloc[k]) for k in members) / 1e6)
            colour = _PALETTE[g_index % len(_PALETTE)]
            drawn = ax.bar(years, heights, bottom=bottom, color=colour, label=_short(name, 40),
                           picker=True)  # fmt: skip
            for (_, col), rect in zip(limits, drawn.patches, strict=True):
                chosen = tuple(ids[k] for k in members if _number(areas[col].iloc[k]) > 0)
                if chosen:
                    self.bars.append((rect, chosen))
            bottom += np.asarray(heights)
        self.canvas.setMinimumHeight(250 + 16 * ((len(groups) + 1) // 2))  # room for the legend
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_ylabel(tr("Outlays [mln zł]"))
        ax.set_title(tr("Outlays per year"))
        self.figure.legend(loc="outside lower center", ncols=2, fontsize="x-small", frameon=False)

    def _draw_per_investment(
        self, ax: object, kind: str, areas: pd.DataFrame, mapping: object
    ) -> None:
        """Horizontal bars, largest first: total cost or cost per m² of each investment."""
        from matplotlib.axes import Axes

        assert isinstance(ax, Axes)
        total = getattr(mapping, "total_cost", None)
        name = getattr(mapping, "name", None)
        if total not in areas.columns:
            ax.set_axis_off()
            ax.text(0.5, 0.5, tr("The register has no total cost column."), ha="center")
            return
        cost = np.array([_number(v) for v in areas[total]])
        if kind == "cost_per_m2":
            area = areas["area_m2"].to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(area > 0, cost / area, np.nan)
            unit, title = tr("Cost per m² [zł/m²]"), tr("Cost per m²")
        else:
            value, unit, title = (
                cost / 1e6,
                tr("Total cost [mln zł]"),
                tr("Total cost per investment"),
            )
        ids = [str(v) for v in areas["investment_id"]]
        names = [str(v) for v in areas[name]] if name in areas.columns else ids
        order = [k for k in np.argsort(-np.nan_to_num(value, nan=-1.0)) if not np.isnan(value[k])]
        if len(order) > MAX_BARS:
            self.note.setText(tr("The {n} largest of {total} investments.").format(
                n=MAX_BARS, total=len(order)))  # fmt: skip
            order = order[:MAX_BARS]
        order = order[::-1]  # largest at the top
        self.canvas.setMinimumHeight(max(240, 15 * len(order) + 110))
        labels = [f"{ids[k]}. {_short(names[k])}" for k in order]
        drawn = ax.barh(range(len(order)), [value[k] for k in order], color=_PALETTE[0],
                        picker=True)  # fmt: skip
        for k, rect in zip(order, drawn.patches, strict=True):
            self.bars.append((rect, (ids[k],)))
        ax.set_yticks(range(len(order)), labels, fontsize="x-small")
        ax.set_xlabel(unit)
        ax.set_title(title)

    # -- linking -------------------------------------------------------------------------

    def investments_at(self, artist: Artist) -> tuple[str, ...]:
        """Investment ids behind a bar (empty for other artists)."""
        return next((ids for rect, ids in self.bars if rect is artist), ())

    def _on_pick(self, event: PickEvent) -> None:
        """Select the investments of a clicked bar."""
        ids = self.investments_at(event.artist)
        if ids:
            self.state.select_investments(ids)

    def _show_highlight(self, ids: object) -> None:
        """Outline the bars of the highlighted investments, fade the others."""
        wanted = set(ids) if isinstance(ids, tuple | list) else set()
        for rect, members in self.bars:
            hit = bool(wanted.intersection(members))
            rect.set_alpha(1.0 if hit or not wanted else 0.3)
            rect.set_edgecolor("#000000" if hit else "none")
            rect.set_linewidth(1.6 if hit else 0.0)
        self.canvas.draw_idle()  # type: ignore[no-untyped-call]

    def highlighted_bars(self) -> list[tuple[str, ...]]:
        """Investments of the bars drawn outlined (for tests and status texts)."""
        return [ids for rect, ids in self.bars if rect.get_linewidth() > 0]

    # -- export --------------------------------------------------------------------------

    def export(self, path: Path | str) -> Path:
        """Save the chart as PNG, SVG or PDF (chosen by the suffix; PNG by default).

        Parameters
        ----------
        path : pathlib.Path or str
            Target file.

        Returns
        -------
        pathlib.Path
            The written file.
        """
        target = Path(path)
        if target.suffix.lower() not in EXPORT_FORMATS:
            target = target.with_name(target.name + ".png")
        self.figure.savefig(target, format=EXPORT_FORMATS[target.suffix.lower()], dpi=150)
        return target

    def _ask_export(self) -> None:
        """Ask for a file and export the chart to it."""
        name, _ = QFileDialog.getSaveFileName(
            self, tr("Export chart"), "wykres.png", tr("Images (*.png *.svg *.pdf)")
        )
        if name:
            self.export(name)


class RegisterChartsDock(QDockWidget):
    """A dock holding :class:`RegisterCharts`."""

    def __init__(self, state: RegisterState, parent: QWidget | None = None) -> None:
        super().__init__(tr("Register charts"), parent)
        self.setObjectName("register_charts")
        self.charts = RegisterCharts(state, self)
        self.setWidget(self.charts)
