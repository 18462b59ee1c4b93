"""Fast GeoPackage tables for the project file (data mgis wrote itself)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def write_gpkg_table(frame: pd.DataFrame, path: Path, table: str) -> None:
    """Write ``frame`` as table ``table`` of the GeoPackage ``path`` (created if missing).

    Geometry frames become feature tables with a spatial index; plain frames
    become attribute tables. Text columns stay text.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        The data to write.
    path : pathlib.Path
        The GeoPackage file.
    table : str
        Table (layer) name; an existing table of that name is replaced.
    """
    import pyogrio

    pyogrio.write_dataframe(
        frame,
        path,
        layer=table,
        driver="GPKG",
        use_arrow=True,
        layer_options={"OVERWRITE": "YES"},
    )


def read_gpkg_table(path: Path, table: str) -> pd.DataFrame:
    """Read table ``table`` of the GeoPackage ``path`` as it was written.

    Parameters
    ----------
    path : pathlib.Path
        The GeoPackage file.
    table : str
        Table (layer) name.

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        The table; a GeoDataFrame when it has a geometry column.
    """
    import pyogrio

    frame: pd.DataFrame = pyogrio.read_dataframe(path, layer=table, use_arrow=True)
    return frame
