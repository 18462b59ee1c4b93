"""Layer styles: plain data, serialisable to JSON, no Qt."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

_GEOMETRY_DEFAULTS: dict[str, tuple[str, str]] = {
    # geometry family -> (fill, stroke)
    "polygon": ("#f2e6c9", "#7a6a4f"),
    "line": ("#00000000", "#555555"),
    "point": ("#d7301f", "#3b0a05"),
}


@dataclass(frozen=True)
class Style:
    """How a layer is drawn.

    Colours are ``#rrggbb`` or ``#rrggbbaa`` strings so they survive JSON and
    need no Qt to be read.

    Parameters
    ----------
    fill : str
        Fill colour of polygons and point markers.
    stroke : str
        Outline colour of polygons and markers, colour of lines.
    stroke_width : float
        Outline or line width in millimetres on paper (and screen at 96 dpi).
    dash : str
        ``"solid"``, ``"dash"`` or ``"dot"``.
    marker : str
        ``"circle"``, ``"square"`` or ``"triangle"``.
    marker_size : float
        Marker diameter in millimetres.
    label_field : str or None
        Attribute drawn as a label, or None for no labels.
    """

    fill: str = "#f2e6c9"
    stroke: str = "#7a6a4f"
    stroke_width: float = 0.26
    dash: str = "solid"
    marker: str = "circle"
    marker_size: float = 2.0
    label_field: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dictionary of this style."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Style:
        """Build a style from :meth:`to_dict` output, ignoring unknown keys."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @classmethod
    def for_geometry(cls, family: str, **overrides: Any) -> Style:
        """Return the default style for a geometry family with ``overrides`` applied."""
        fill, stroke = _GEOMETRY_DEFAULTS.get(family, _GEOMETRY_DEFAULTS["polygon"])
        width = 0.5 if family == "line" else 0.26
        base: dict[str, Any] = {"fill": fill, "stroke": stroke, "stroke_width": width}
        base.update(overrides)
        return cls(**base)
