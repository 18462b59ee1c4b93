"""Project: ordered layers, CRS, view and metadata, saved as ONE GeoPackage file.

The project file is an ordinary GeoPackage: every embedded layer is a GeoPackage
table that QGIS or ``ogrinfo`` opens as it is, and mgis keeps its own settings
(layer order, styles, visibility, view) as versioned JSON in an attribute table
named ``mgis_project``.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgis import DEFAULT_CRS
from mgis.layers import Style, VectorLayer

if TYPE_CHECKING:
    import geopandas as gpd

    from mgis.layers.link_store import RegisterLink

SETTINGS_TABLE = "mgis_project"
FORMAT_NAME = "mgis-project"
FORMAT_VERSION = 1

Extent = tuple[float, float, float, float]


class ProjectError(Exception):
    """A project file cannot be read or written; the message says why and what to do."""


@dataclass
class Project:
    """Layers and settings of one mgis project.

    Parameters
    ----------
    layers : list of VectorLayer
        Layers in drawing order, bottom first.
    crs : str
        Project CRS; layers added to the project are reprojected to it.
    extent : tuple of float or None
        The saved view ``(xmin, ymin, xmax, ymax)`` in the project CRS.
    metadata : dict
        Free-form text metadata (title, author, department ...).
    path : pathlib.Path or None
        Where the project was last opened from or saved to.
    links : list of RegisterLink
        Investment registers linked to parcel layers (copy, mapping, source).
    load_warnings : list of str
        Set by :meth:`open`: why a database layer could not be read (it is kept,
        without features, so that saving does not lose it). Not saved.
    """

    layers: list[VectorLayer] = field(default_factory=list)
    crs: str = DEFAULT_CRS
    extent: Extent | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    links: list[RegisterLink] = field(default_factory=list)
    load_warnings: list[str] = field(default_factory=list)

    # -- layers -----------------------------------------------------------------

    def layer(self, name: str) -> VectorLayer:
        """Return the layer called ``name``.

        Raises
        ------
        KeyError
            When no layer has that name.
        """
        for lyr in self.layers:
            if lyr.name == name:
                return lyr
        raise KeyError(name)

    def layer_names(self) -> list[str]:
        """Return the layer names in drawing order."""
        return [lyr.name for lyr in self.layers]

    def unique_name(self, wanted: str) -> str:
        """Return ``wanted`` or ``wanted (2)``, ``wanted (3)`` ... not used by any layer."""
        names = set(self.layer_names())
        if wanted not in names:
            return wanted
        n = 2
        while f"{wanted} ({n})" in names:
            n += 1
        return f"{wanted} ({n})"

    def make_layer(
        self,
        name: str,
        frame: gpd.GeoDataFrame,
        *,
        source: str | None = None,
        style: Style | None = None,
    ) -> VectorLayer:
        """Build a layer for this project: unique name, frame in the project CRS.

        A frame without a CRS is refused: the loader must have assigned or
        guessed one (and told the user) before it reaches the project.
        """
        if frame.crs is None:
            raise ProjectError(
                f"Layer '{name}' has no coordinate reference system; "
                "set one when loading it (e.g. EPSG:2180)."
            )
        from mgis.io.crs import reproject

        frame = reproject(frame, self.crs)
        lyr = VectorLayer(name=self.unique_name(name), frame=frame, source=source)
        lyr.style = style or Style.for_geometry(lyr.family)
        return lyr

    def full_extent(self) -> Extent | None:
        """Return the extent of all layers with features, or None for an empty project."""
        boxes = [
            lyr.frame.total_bounds
            for lyr in self.layers
            if len(lyr.frame) and not lyr.frame.geometry.is_empty.all()
        ]
        if not boxes:
            return None
        xs0, ys0, xs1, ys1 = zip(*boxes, strict=True)
        return (float(min(xs0)), float(min(ys0)), float(max(xs1)), float(max(ys1)))

    # -- persistence ----------------------------------------------------------

    def save(self, path: Path | str | None = None) -> Path:
        """Save the project atomically as one GeoPackage file.

        The file is written to a temporary name beside the target and then
        moved into place; the previous version is kept as ``NAME.backup.gpkg``.

        Parameters
        ----------
        path : pathlib.Path or str, optional
            Target file; defaults to where the project was opened from.

        Returns
        -------
        pathlib.Path
            The saved file.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ProjectError("The project has not been saved yet: choose a file name.")
        target = target.resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.stem + ".saving.gpkg")
        tmp.unlink(missing_ok=True)
        try:
            _write_project_file(self, tmp, project_dir=target.parent)
        except Exception:
            tmp.unlink(missing_ok=True)
            raise
        if target.exists():
            target.replace(target.with_name(target.stem + ".backup.gpkg"))
        tmp.replace(target)
        self.path = target
        return target

    def save_copy(self, path: Path | str) -> Path:
        """Write the project to ``path`` (e.g. a recovery file) without adopting that path.

        Unlike :meth:`save`, :attr:`path` is left unchanged and no backup of an
        existing ``path`` is kept.

        Parameters
        ----------
        path : pathlib.Path or str
            Target file.

        Returns
        -------
        pathlib.Path
            The written file.
        """
        target = Path(path).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.stem + ".saving.gpkg")
        tmp.unlink(missing_ok=True)
        try:
            _write_project_file(self, tmp, project_dir=target.parent)
        except Exception:
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(target)
        return target

    @classmethod
    def open(cls, path: Path | str) -> Project:
        """Open a project file written by :meth:`save`.

        Parameters
        ----------
        path : pathlib.Path or str
            The project GeoPackage.

        Returns
        -------
        Project
            The project with every layer loaded. A view-only database layer is
            read only for the saved extent; a database layer that cannot be read
            is kept empty and explained in :attr:`load_warnings`.
        """
        path = Path(path).resolve()
        if not path.is_file():
            raise ProjectError(f"Project file not found: {path}")
        settings = _read_settings(path)
        project = cls(
            crs=str(settings.get("crs", DEFAULT_CRS)),
            extent=_as_extent(settings.get("extent")),
            metadata={str(k): str(v) for k, v in settings.get("metadata", {}).items()},
            path=path,
        )
        if "register_links" in settings:
            from mgis.layers.link_store import links_from_json

            project.links = links_from_json(settings["register_links"], path.parent)
        for entry in settings.get("layers", []):
            project.layers.append(_load_layer(entry, path, project))
        return project


# -- file format helpers --------------------------------------------------------------


def _table_name(name: str, taken: set[str]) -> str:
    """Return a GeoPackage table name for a layer name, unique among ``taken``."""
    base = re.sub(r"[^\w]+", "_", name, flags=re.UNICODE).strip("_").lower() or "layer"
    if base.startswith(("gpkg_", "rtree_", "mgis_", "sqlite_")):
        base = "l_" + base
    table, n = base, 2
    while table in taken:
        table, n = f"{base}_{n}", n + 1
    taken.add(table)
    return table


def _relative_source(source: str | None, project_dir: Path) -> str | None:
    """Return ``source`` relative to the project folder when it lies on the same drive."""
    if not source or source.startswith("postgis:"):  # a database table, not a file
        return source
    try:
        return Path(os.path.relpath(Path(source).resolve(), project_dir)).as_posix()
    except ValueError:  # another drive on Windows
        return source


def _write_project_file(project: Project, tmp: Path, project_dir: Path) -> None:
    """Write all embedded layers and the settings table into ``tmp``."""
    from mgis.io import write_layer

    taken: set[str] = set()
    entries: list[dict[str, Any]] = []
    for lyr in project.layers:
        entry: dict[str, Any] = {
            "name": lyr.name,
            "style": lyr.style.to_dict(),
            "visible": lyr.visible,
            "opacity": lyr.opacity,
            "embedded": lyr.embedded,
            "min_scale": lyr.min_scale,
            "max_scale": lyr.max_scale,
            "view_only": lyr.view_only,
        }
        if lyr.embedded:
            entry["table"] = _table_name(lyr.name, taken)
            entry["source"] = lyr.source
            write_layer(lyr.frame, tmp, entry["table"])
        else:
            entry["source"] = _relative_source(lyr.source, project_dir)
        entries.append(entry)
    settings = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "crs": project.crs,
        "extent": list(project.extent) if project.extent else None,
        "metadata": project.metadata,
        "layers": entries,
    }
    if project.links:
        from mgis.layers.link_store import links_to_json

        settings["register_links"] = links_to_json(project.links, project_dir)
    _write_settings(tmp, settings)


def _write_settings(path: Path, settings: dict[str, Any]) -> None:
    """Store ``settings`` as JSON in the project's attribute table."""
    import pandas as pd

    from mgis.io import write_layer

    row = pd.DataFrame({"key": ["project"], "value": [json.dumps(settings, ensure_ascii=False)]})
    write_layer(row, path, SETTINGS_TABLE)
    # Rollback journal, not WAL: WAL breaks on Windows network shares.
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA journal_mode=DELETE")
    con.close()


def _read_settings(path: Path) -> dict[str, Any]:
    """Read and check the JSON settings of a project file."""
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute(
                f"SELECT value FROM {SETTINGS_TABLE} WHERE key = 'project'"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise ProjectError(
            f"{path} is not an mgis project (no '{SETTINGS_TABLE}' table: {exc}). "
            "Add its layers to a new project instead."
        ) from exc
    if row is None:
        raise ProjectError(f"{path}: the '{SETTINGS_TABLE}' table holds no project settings.")
    settings: dict[str, Any] = json.loads(row[0])
    if settings.get("format") != FORMAT_NAME:
        raise ProjectError(f"{path} is not an mgis project file.")
    version = int(settings.get("version", 0))
    if version > FORMAT_VERSION:
        raise ProjectError(
            f"{path} was saved by a newer mgis (project format {version}); update mgis to open it."
        )
    return settings


def database_connections(path: Path | str) -> list[str]:
    """Return the database connections a project file reads layers or a shared register through.

    The UI connects to each one on its own thread before opening the project,
    so that a password is asked for once and kept for the session.

    Raises
    ------
    ProjectError
        When ``path`` is not a readable mgis project.
    """
    from mgis.layers.pg_view import connection_names

    settings = _read_settings(Path(path).resolve())
    names = connection_names(settings.get("layers", []))
    for link in settings.get("register_links") or []:
        shared = link.get("shared") if isinstance(link, dict) else None
        if isinstance(shared, dict) and shared.get("connection") not in (None, "", *names):
            names.append(str(shared["connection"]))
    return names


def _load_layer(entry: dict[str, Any], project_path: Path, project: Project) -> VectorLayer:
    """Load one layer described by a settings entry."""
    name = str(entry["name"])
    embedded = bool(entry.get("embedded", True))
    view_only = bool(entry.get("view_only", False))
    crs = project.crs
    if embedded:
        from mgis.io.gpkg import read_gpkg_table

        frame = read_gpkg_table(project_path, str(entry["table"]))
    elif str(entry.get("source") or "").startswith("postgis:"):
        from mgis.layers.pg_view import read_or_empty

        extent = project.extent if view_only else None
        frame, warning = read_or_empty(name, str(entry["source"]), crs, extent)
        if warning:
            project.load_warnings.append(warning)
    else:
        from mgis.io import read_layer
        from mgis.io.crs import reproject

        source = Path(str(entry["source"]))
        if not source.is_absolute():
            source = (project_path.parent / source).resolve()
        if not source.exists():
            raise ProjectError(
                f"Layer '{name}' refers to {source}, which no longer exists; "
                "move the file back or remove the layer from the project."
            )
        frame, _report = read_layer(source)
        frame = reproject(frame, crs)
    return VectorLayer(
        name=name,
        frame=frame,
        source=entry.get("source"),
        style=Style.from_dict(entry.get("style", {})),
        visible=bool(entry.get("visible", True)),
        opacity=float(entry.get("opacity", 1.0)),
        embedded=embedded,
        min_scale=_as_scale(entry.get("min_scale")),
        max_scale=_as_scale(entry.get("max_scale")),
        view_only=view_only,
    )


def _as_scale(value: Any) -> float | None:
    """Return a positive scale denominator from JSON, or None for no limit."""
    if value is None:
        return None
    try:
        scale = float(value)
    except (TypeError, ValueError):
        return None
    return scale if scale > 0 else None


def _as_extent(value: Any) -> Extent | None:
    """Return a 4-tuple extent from JSON, or None."""
    if not value or len(value) != 4:
        return None
    return (float(value[0]), float(value[1]), float(value[2]), float(value[3]))
