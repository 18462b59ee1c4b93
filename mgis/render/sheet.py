"""Map sheets: what goes on a printed page (:class:`SheetSpec`) and where (:func:`compute_layout`).

Everything here is plain Python in millimetres on paper and metres on the
ground, without Qt: the drawing lives in :mod:`mgis.render.sheet_elements` and
:mod:`mgis.render.printing`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

Extent = tuple[float, float, float, float]

PAPER_MM: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
    "A2": (420.0, 594.0),
    "A1": (594.0, 841.0),
    "A0": (841.0, 1189.0),
}
"""ISO paper sizes, portrait ``(width, height)`` in millimetres."""

STANDARD_SCALES = (500, 1_000, 2_000, 2_500, 5_000, 10_000, 25_000, 50_000)
"""Scales offered first in the print dialog and the CLI."""

NICE_STEPS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5)
"""Mantissas of round scale denominators chosen when a sheet is fitted to an extent."""

GAP_MM = 3.0
"""Space between the map frame and the panel elements."""


@dataclass(frozen=True)
class Rect:
    """A rectangle on paper: top-left corner and size in millimetres."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """The right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> float:
        """The bottom edge."""
        return self.y + self.h

    def inside(self, other: Rect, tol: float = 1e-6) -> bool:
        """Return True when this rectangle lies within ``other``."""
        return (
            self.x >= other.x - tol
            and self.y >= other.y - tol
            and self.right <= other.right + tol
            and self.bottom <= other.bottom + tol
        )

    def overlaps(self, other: Rect) -> bool:
        """Return True when the interiors of the two rectangles meet."""
        return (
            self.x < other.right - 1e-6
            and other.x < self.right - 1e-6
            and self.y < other.bottom - 1e-6
            and other.y < self.bottom - 1e-6
        )


@dataclass(frozen=True)
class TitleBlock:
    """The title block (metryka): who made the sheet, when, from what data, in which CRS.

    An empty ``date`` prints today's date; an empty ``crs`` prints the project's.
    """

    author: str = ""
    department: str = ""
    date: str = ""
    sources: str = ""
    crs: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A table on the sheet, e.g. the parcels of an investment with areas and owners."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ChartSpec:
    """A bar chart on the sheet: one bar per label."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str = ""


@dataclass(frozen=True)
class SheetSpec:
    """Everything that defines a map sheet.

    Parameters
    ----------
    paper : str
        ``A4`` ... ``A0``.
    orientation : str
        ``portrait`` or ``landscape``.
    margins_mm : float
        Empty border of the page.
    scale : float or None
        N of the fixed scale 1:N; None fits ``extent`` (or the project) at a round scale.
    center : tuple of float or None
        Map coordinates of the frame centre; the centre of ``extent`` when None.
    extent : tuple of float or None
        ``(xmin, ymin, xmax, ymax)`` to show (an extent, a selection or one feature).
    title, subtitle : str
        Texts at the top of the sheet.
    title_block : TitleBlock or None
        The title block; None leaves it out.
    legend, legend_in_frame_only : bool
        Draw the legend; list only the classes with features inside the frame.
    scale_bar, north_arrow, grid, inset : bool
        Draw these elements.
    grid_interval : float or None
        Grid spacing in map units; chosen automatically when None.
    inset_layer : str or None
        Layer of the overview map (the town boundary); guessed when None.
    table, chart : TableSpec or ChartSpec or None
        Optional table and chart in the panel.
    panel_mm : float or None
        Width of the side panel (landscape) or height of the bottom panel (portrait).
    font_scale : float
        Multiplies all text sizes (which grow with the paper by default).
    language : str
        ``pl`` or ``en``: language of the fixed texts on the sheet.
    dpi : float
        Resolution of PNG output and of the PDF's device coordinates.
    layers : tuple of str or None
        Names of the layers to print; the project's visible layers when None.
    extent_margin : float
        Room around a fitted extent, as a fraction of its size.
    """

    paper: str = "A4"
    orientation: str = "portrait"
    margins_mm: float = 10.0
    scale: float | None = None
    center: tuple[float, float] | None = None
    extent: Extent | None = None
    title: str = ""
    subtitle: str = ""
    title_block: TitleBlock | None = field(default_factory=TitleBlock)
    legend: bool = True
    legend_in_frame_only: bool = True
    scale_bar: bool = True
    north_arrow: bool = True
    grid: bool = True
    grid_interval: float | None = None
    inset: bool = True
    inset_layer: str | None = None
    table: TableSpec | None = None
    chart: ChartSpec | None = None
    panel_mm: float | None = None
    font_scale: float = 1.0
    language: str = "pl"
    dpi: float = 300.0
    layers: tuple[str, ...] | None = None
    extent_margin: float = 0.05

    def __post_init__(self) -> None:
        """Refuse unknown papers, orientations and impossible scales."""
        if self.paper.upper() not in PAPER_MM:
            raise ValueError(f"Unknown paper {self.paper!r}; use one of {', '.join(PAPER_MM)}.")
        if self.orientation not in ("portrait", "landscape"):
            raise ValueError(
                f"Orientation must be portrait or landscape, not {self.orientation!r}."
            )
        if self.scale is not None and not (self.scale > 0 and math.isfinite(self.scale)):
            raise ValueError(f"The scale must be a positive number, not {self.scale}.")
        if self.dpi <= 0:
            raise ValueError(f"The resolution must be positive, not {self.dpi} dpi.")

    @property
    def page_mm(self) -> tuple[float, float]:
        """Page ``(width, height)`` in millimetres in the chosen orientation."""
        w, h = PAPER_MM[self.paper.upper()]
        return (h, w) if self.orientation == "landscape" else (w, h)

    @property
    def text_scale(self) -> float:
        """Text size factor: 1 on A4, growing with the square root of the paper area."""
        w, h = self.page_mm
        return math.sqrt(w * h / (210.0 * 297.0)) * self.font_scale

    def to_dict(self) -> dict[str, Any]:
        """Return the spec as JSON-ready data (tables and charts included)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SheetSpec:
        """Build a spec from :meth:`to_dict` data; unknown keys are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in data.items() if k in names}
        for key in ("center", "extent", "layers"):
            if kw.get(key) is not None:
                kw[key] = tuple(kw[key])
        if isinstance(kw.get("title_block"), dict):
            kw["title_block"] = TitleBlock(**kw["title_block"])
        if isinstance(kw.get("table"), dict):
            t = kw["table"]
            kw["table"] = TableSpec(
                str(t["title"]), tuple(t["headers"]), tuple(tuple(r) for r in t["rows"])
            )
        if isinstance(kw.get("chart"), dict):
            c = kw["chart"]
            kw["chart"] = ChartSpec(
                str(c["title"]), tuple(c["labels"]), tuple(c["values"]), c.get("unit", "")
            )
        return cls(**kw)


@dataclass(frozen=True)
class SheetLayout:
    """Where every element of a sheet goes, in millimetres from the page's top-left corner.

    Elements that are switched off are None. The scale bar and the north arrow
    lie inside the map frame; the grid labels take ``gutter`` mm around it.
    """

    page: Rect
    map: Rect
    title: Rect | None = None
    panel: Rect | None = None
    legend: Rect | None = None
    inset: Rect | None = None
    table: Rect | None = None
    chart: Rect | None = None
    title_block: Rect | None = None
    scale_bar: Rect | None = None
    north_arrow: Rect | None = None
    gutter: float = 0.0

    def elements(self) -> dict[str, Rect]:
        """Return the rectangles of the elements present, by name (the page excluded)."""
        names = ("map", "title", "legend", "inset", "table", "chart", "title_block")
        found = {n: getattr(self, n) for n in names}
        return {n: r for n, r in found.items() if r is not None}


def title_block_rows(spec: SheetSpec) -> int:
    """Return the number of text rows of the title block (with the scale row)."""
    return 6 if spec.title_block is not None else 0


def compute_layout(spec: SheetSpec) -> SheetLayout:
    """Place the map frame and the elements of ``spec`` on its page.

    Landscape sheets get a panel on the right, portrait ones a panel below the
    map. The panel holds the overview map, the legend, the table, the chart and
    the title block; an empty panel is left out and the map takes the room.

    Parameters
    ----------
    spec : SheetSpec
        The sheet.

    Returns
    -------
    SheetLayout
        Rectangles in millimetres; none overlaps another or leaves the margins.
    """
    width, height = spec.page_mm
    ts = spec.text_scale
    m = spec.margins_mm
    page = Rect(0.0, 0.0, width, height)
    inner = Rect(m, m, width - 2 * m, height - 2 * m)
    title = None
    top = inner.y
    if spec.title or spec.subtitle:
        th = (7.5 * bool(spec.title) + 5.0 * bool(spec.subtitle) + 2.0) * ts
        title = Rect(inner.x, inner.y, inner.w, th)
        top += th + GAP_MM
    gutter = 4.0 * ts if spec.grid else 0.0
    has_panel = bool(
        spec.legend or spec.inset or spec.table or spec.chart or spec.title_block is not None
    )
    body = Rect(inner.x, top, inner.w, inner.bottom - top)
    if not has_panel:
        return _with_map_items(
            SheetLayout(page, _shrink(body, gutter), title, gutter=gutter), spec, ts
        )
    block_h = (title_block_rows(spec) * 4.6 + 3.0) * ts if spec.title_block is not None else 0.0
    if spec.orientation == "landscape":
        pw = spec.panel_mm or min(max(0.24 * inner.w, 60.0), 190.0)
        panel = Rect(body.right - pw, body.y, pw, body.h)
        map_rect = _shrink(Rect(body.x, body.y, body.w - pw - GAP_MM, body.h), gutter)
        parts = _stack_panel(panel, spec, block_h)
    else:
        share = 0.36 if spec.table is not None else 0.28
        ph = spec.panel_mm or min(max(share * inner.h, 62.0), 300.0)
        panel = Rect(body.x, body.bottom - ph, body.w, ph)
        map_rect = _shrink(Rect(body.x, body.y, body.w, body.h - ph - GAP_MM), gutter)
        parts = _columns_panel(panel, spec, block_h)
    layout = SheetLayout(page, map_rect, title, panel, gutter=gutter, **parts)
    return _with_map_items(layout, spec, ts)


def _shrink(rect: Rect, by: float) -> Rect:
    """Return the rectangle with ``by`` mm taken off every side."""
    return Rect(rect.x + by, rect.y + by, rect.w - 2 * by, rect.h - 2 * by)


def _with_map_items(layout: SheetLayout, spec: SheetSpec, ts: float) -> SheetLayout:
    """Add the scale bar (bottom left) and north arrow (top right) inside the map frame."""
    frame, pad = layout.map, 3.0 * ts
    bar = arrow = None
    if spec.scale_bar:
        bw = min(70.0 * ts, frame.w * 0.45)
        bar = Rect(frame.x + pad, frame.bottom - pad - 13.0 * ts, bw, 13.0 * ts)
    if spec.north_arrow:
        size = min(14.0 * ts, frame.w * 0.15)
        arrow = Rect(frame.right - pad - size * 0.7, frame.y + pad, size * 0.7, size)
    return dataclasses.replace(layout, scale_bar=bar, north_arrow=arrow)


def _stack_panel(panel: Rect, spec: SheetSpec, block_h: float) -> dict[str, Rect | None]:
    """Split a side panel top to bottom: overview, legend, table, chart, title block."""
    out: dict[str, Rect | None] = {}
    y, bottom = panel.y, panel.bottom
    if spec.title_block is not None:
        out["title_block"] = Rect(panel.x, bottom - block_h, panel.w, block_h)
        bottom -= block_h + GAP_MM
    if spec.inset:
        ih = min(panel.w * 0.72, (bottom - y) * 0.3)
        out["inset"] = Rect(panel.x, y, panel.w, ih)
        y += ih + GAP_MM
    free = bottom - y
    extras = [(n, s) for n, s in (("table", spec.table), ("chart", spec.chart)) if s is not None]
    share = 0.32 if spec.legend else 0.5
    for name, _ in reversed(extras):
        h = free * share
        out[name] = Rect(panel.x, bottom - h, panel.w, h)
        bottom -= h + GAP_MM
    if spec.legend:
        out["legend"] = Rect(panel.x, y, panel.w, max(bottom - y, 1.0))
    return out


def _columns_panel(panel: Rect, spec: SheetSpec, block_h: float) -> dict[str, Rect | None]:
    """Split a bottom panel in columns: legend | overview, chart | table, title block.

    With a table, the table gets a full-height column of its own and the title
    block goes under the legend.
    """
    out: dict[str, Rect | None] = {}
    block = spec.title_block is not None
    table = spec.table is not None
    middle = [n for n, on in (("inset", spec.inset), ("chart", spec.chart is not None)) if on]
    first = ["legend"] if spec.legend else []
    last = ["table"] if table else []
    (first if table else last).extend(["title_block"] if block else [])
    cols = [c for c in (first, middle, last) if c]
    weights = {"legend": 1.0, "inset": 0.8, "chart": 0.8, "table": 1.5, "title_block": 1.2}
    widths = [max(weights[n] for n in col) for col in cols]
    usable = panel.w - GAP_MM * (len(cols) - 1)
    x = panel.x
    for col, weight in zip(cols, widths, strict=True):
        w = usable * weight / sum(widths)
        y, bottom = panel.y, panel.bottom
        stacked = col
        if col[-1] == "title_block":
            h = min(block_h, panel.h)
            out["title_block"] = Rect(x, bottom - h, w, h)
            bottom -= h + GAP_MM
            stacked = col[:-1]
        n = len(stacked)
        for i, name in enumerate(stacked):
            h = (bottom - y - GAP_MM * (n - 1)) / n
            out[name] = Rect(x, y + i * (h + GAP_MM), w, h)
        x += w + GAP_MM
    return out
