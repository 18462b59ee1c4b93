"""Select by location on the database server, for layers read from a PostGIS table.

A PostGIS layer added with "Read only the current map view" holds only the
rows of the view, so selecting in memory would miss the rest of the table.
Here the database tests the whole table instead (``ST_Intersects`` or
``ST_DWithin`` on its spatial index, :func:`mgis.io.postgis.select_by_location`)
and only the matching rows travel back; they become a new layer, since the
loaded layer may not hold them. The result equals the in-memory selection
(:func:`mgis.analysis.selection.locate`) on the whole table.

:func:`prepare_server_job` runs on the UI thread (the caller settles the
password with :func:`mgis.ui.db_actions.ensure_connection` before starting);
:func:`select_on_server` runs in a :class:`~mgis.ui.workers.Worker`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from mgis.io import MgisIOError
from mgis.io.crs import reproject, to_crs
from mgis.io.pg_connect import PgConnection, get_connection
from mgis.io.postgis import PgSource, is_postgis_source, select_by_location, session, table_info
from mgis.layers import Style
from mgis.layers.vector import geometry_family
from mgis.ui.analysis_outcome import AnalysisFailure, AnalysisOutcome, counts_by
from mgis.ui.analysis_params import SelectLocationParams
from mgis.ui.i18n import tr

if TYPE_CHECKING:
    import geopandas as gpd

    from mgis.layers import VectorLayer

SERVER_PREDICATES = ("intersects", "dwithin")
"""The predicates the database tests with its spatial index."""


def server_source(layer: VectorLayer | None) -> PgSource | None:
    """Return where a PostGIS *table* layer comes from; None for any other layer.

    Layers of a saved SQL query are not tables: they get None too.
    """
    source = getattr(layer, "source", None)
    if not is_postgis_source(source):
        return None
    try:
        found = PgSource.parse(str(source))
    except MgisIOError:
        return None
    return None if found.sql else found


def server_hint(*, layer_ok: bool, predicate_ok: bool) -> str:
    """Return what running on the server does, or why it cannot be used (the tooltip)."""
    if not layer_ok:
        return tr("Only for layers read from a PostGIS table (not from a saved query).")
    if not predicate_ok:
        return tr("On the server only “intersect” and “are within a distance of” can be used.")
    return tr(
        "The database tests the whole table with its spatial index, not only the "
        "features loaded for the map view; the matching rows are added as a new layer."
    )


def result_name(layer: str) -> str:
    """Return the name of the layer holding the rows the server selected."""
    return f"{layer} \N{EN DASH} {tr('selection')}"


@dataclass(frozen=True)
class ServerSelectionSummary:
    """What the server selection did.

    Attributes
    ----------
    predicate : str
        ``intersects`` or ``dwithin``.
    distance : float
        The ``dwithin`` distance in metres (0 otherwise).
    table : str
        ``schema.table`` tested.
    srid : int
        The table's SRID (the selecting features were reprojected to it).
    by_features : int
        Selecting features sent to the server.
    loaded_features : int
        Rows the layer held in the project (only the map view, possibly).
    rows_returned : int
        Rows of the whole table the server returned.
    """

    predicate: str
    distance: float
    table: str
    srid: int
    by_features: int
    loaded_features: int
    rows_returned: int

    def table_rows(self) -> pd.DataFrame:
        """Return the summary as ``key``/``value`` rows in plain words."""
        condition = f"{tr('intersects')} (ST_Intersects)"
        if self.predicate == "dwithin":
            condition = f"{tr('within a distance of')} {self.distance:g} m (ST_DWithin)"
        rows: list[tuple[str, object]] = [
            (tr("Database table"), self.table),
            (tr("Condition"), condition),
            (tr("Selecting features"), self.by_features),
            (tr("Features loaded in the layer"), self.loaded_features),
            (tr("Rows returned by the server"), self.rows_returned),
        ]
        return pd.DataFrame(rows, columns=["key", "value"])


@dataclass(frozen=True, eq=False)
class ServerJob:
    """Everything the worker needs, gathered on the UI thread.

    Attributes
    ----------
    params : SelectLocationParams
        What the dialog collected.
    source : PgSource
        The table of the layer to select in.
    connection : PgConnection
        Its connection (the password is settled before the worker starts).
    by : geopandas.GeoDataFrame
        The selecting features (selected ones only where asked), project CRS.
    loaded : int
        Rows the layer holds in the project.
    project_crs : str
        The CRS of the result layer.
    """

    params: SelectLocationParams
    source: PgSource
    connection: PgConnection
    by: gpd.GeoDataFrame
    loaded: int
    project_crs: str


def prepare_server_job(
    params: SelectLocationParams,
    layer: VectorLayer,
    by: gpd.GeoDataFrame,
    project_crs: str,
) -> ServerJob:
    """Check that ``layer`` can be selected on the server and gather the job (UI thread).

    Raises
    ------
    ValueError
        In plain words, when the layer is no PostGIS table or the predicate is unsupported.
    """
    source = server_source(layer)
    if source is None:
        text = tr("only layers read from a PostGIS table can be selected on the server.")
        raise ValueError(f"{layer.name}: {text}")
    if params.predicate not in SERVER_PREDICATES:
        raise ValueError(server_hint(layer_ok=True, predicate_ok=False))
    return ServerJob(
        params, source, get_connection(source.connection), by, len(layer.frame), project_crs
    )


def select_on_server(
    job: ServerJob,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AnalysisOutcome | AnalysisFailure | None:
    """Select the matching rows of the whole table on the server (worker thread).

    Returns
    -------
    AnalysisOutcome, AnalysisFailure or None
        The new layer and summary; the problem in plain words; None when cancelled.
    """
    if progress is not None:
        progress(-1)
    try:
        outcome = _select(job)
    except (MgisIOError, ValueError) as exc:  # plain words from io and the checks below
        return AnalysisFailure(str(exc))
    if cancelled is not None and cancelled():
        return None
    if progress is not None:
        progress(100)
    return outcome


def _select(job: ServerJob) -> AnalysisOutcome:
    """Reproject the selecting features to the table's SRID, select, bring the rows back."""
    params, src = job.params, job.source
    name = f"{src.schema}.{src.table}"
    with session(job.connection) as pg:
        info = table_info(pg, src.schema, src.table)
        if info.srid <= 0:
            raise MgisIOError(f"{name}: {tr('the table declares no SRID.')}")
        table_crs = to_crs(info.srid)
        if params.predicate == "dwithin" and not table_crs.is_projected:
            text = tr(
                "the table stores degrees, so a distance in metres cannot be tested "
                "on the server; untick “Run on the database server”."
            )
            raise MgisIOError(f"{name}: {text}")
        shapes = reproject(job.by, table_crs).geometry  # explicitly into the table's SRID
        predicate: Literal["intersects", "dwithin"] = (
            "dwithin" if params.predicate == "dwithin" else "intersects"
        )
        frame, report = select_by_location(
            pg, src.schema, src.table, shapes, predicate=predicate, distance=params.distance
        )
    frame = reproject(frame, job.project_crs).reset_index(drop=True)
    summary = ServerSelectionSummary(
        predicate=params.predicate,
        distance=float(params.distance or 0.0),
        table=name,
        srid=info.srid,
        by_features=len(job.by),
        loaded_features=job.loaded,
        rows_returned=report.feature_count,
    )
    tables = [(tr("Summary"), summary.table_rows())]
    by_value = counts_by(frame, np.arange(len(frame)), params.summary_field)
    if by_value is not None:
        tables.insert(0, (tr("Selected features by value"), by_value))
    found = len(frame) > 0
    return AnalysisOutcome(
        tr("Select by location on the database server"),
        summary,
        tuple(tables),
        layer_name=result_name(params.layer) if found else None,
        frame=frame if found else None,
        style=Style.for_geometry(geometry_family(frame)) if found else None,
    )
