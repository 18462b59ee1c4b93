"""Reading and writing GIS files: the bottom layer of mgis.

Only this package talks to GDAL.  Every read returns the data together with a
:class:`LoadReport` that records each decision taken (encoding, CRS, repairs),
and every failure caused by bad input raises :class:`MgisIOError` with a message
fit to show to the user.
"""

from mgis.io.crs import reproject
from mgis.io.errors import MgisIOError
from mgis.io.report import LayerInfo, LoadReport
from mgis.io.vector import list_layers, read_layer, write_layer

__all__ = [
    "LayerInfo",
    "LoadReport",
    "MgisIOError",
    "list_layers",
    "read_layer",
    "reproject",
    "write_layer",
]
