"""mgis: a lightweight desktop GIS for the GIS and planning staff of Polish towns.

Heavy dependencies (geopandas, PySide6, matplotlib) are imported by the modules
that need them, never here, so ``mgis --help`` answers at once.
"""

__version__ = "0.1.0"

DEFAULT_CRS = "EPSG:2180"
"""PUWG 1992, the default project coordinate reference system."""
