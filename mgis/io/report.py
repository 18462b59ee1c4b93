"""Records describing what was read: :class:`LoadReport` and :class:`LayerInfo`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a (possibly multi-layer) data source.

    Attributes
    ----------
    name : str
        Layer name as the driver reports it (pass it as ``layer=`` to ``read_layer``).
    geometry_type : str | None
        Declared geometry type (``"Polygon"``, ``"Unknown"`` …), ``None`` for a table.
    feature_count : int | None
        Number of features, ``None`` when the driver cannot tell without a full scan.
    """

    name: str
    geometry_type: str | None
    feature_count: int | None


@dataclass(frozen=True)
class LoadReport:
    """What :func:`mgis.io.read_layer` found and decided while reading a layer.

    Every guess (encoding, CRS) and every repair is recorded here, so that the
    user can be told about it instead of it happening silently.
    """

    path: str
    format: str
    layer: str | None
    feature_count: int
    geometry_types: tuple[str, ...]
    encoding: str | None
    encoding_reason: str
    crs: str | None
    crs_guessed: bool
    crs_reason: str
    invalid_geometries: int
    repairs: int
    warnings: tuple[str, ...]
    extent: tuple[float, float, float, float] | None
    empty_geometries: int = 0
    other_layers: tuple[str, ...] = ()
    axes_swapped: bool = False
    crs_name: str = ""

    def summary_lines(self) -> list[str]:
        """Render the report as a few short lines for ``mgis info`` and the UI.

        Returns
        -------
        list[str]
            Human-readable lines, warnings last.
        """
        layer = f" (layer {self.layer})" if self.layer else ""
        lines = [f"{self.path}{layer}", f"  format: {self.format}"]
        types = ", ".join(self.geometry_types) if self.geometry_types else "no geometry"
        lines.append(f"  features: {self.feature_count} ({types})")
        if self.encoding is not None:
            lines.append(f"  encoding: {self.encoding} - {self.encoding_reason}")
        crs = self.crs or "unknown"
        if self.crs is not None and not self.crs.startswith("EPSG:"):
            crs = f"{self.crs_name or 'custom'} (no EPSG code)"
        elif self.crs_name:
            crs = f"{crs} ({self.crs_name})"
        guessed = " (guessed)" if self.crs_guessed else ""
        lines.append(f"  CRS: {crs}{guessed} - {self.crs_reason}")
        if self.extent is not None:
            xmin, ymin, xmax, ymax = self.extent
            # Degrees need decimals; metres read best as whole numbers with a decimetre.
            fmt = ".6f" if max(abs(v) for v in self.extent) <= 360 else ".1f"
            lines.append(f"  extent: {xmin:{fmt}}, {ymin:{fmt}} - {xmax:{fmt}}, {ymax:{fmt}}")
        if self.invalid_geometries or self.repairs:
            lines.append(
                f"  geometries: {self.invalid_geometries} invalid, {self.repairs} repaired"
            )
        lines.extend(f"  warning: {text}" for text in self.warnings)
        return lines
