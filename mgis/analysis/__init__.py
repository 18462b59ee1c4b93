"""Pure analysis functions: GeoDataFrames in, GeoDataFrame and a typed summary out (no Qt)."""
