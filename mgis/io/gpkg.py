"""Fast reads of the project file's own GeoPackage tables (data mgis wrote itself).

Writing goes through :func:`mgis.io.write_layer`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


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
