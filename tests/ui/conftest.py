from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from mgis.layers import Style, VectorLayer
from mgis.project import Project


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep every UI test away from the real user's settings and data folders."""
    from PySide6.QtCore import QSettings, QStandardPaths

    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    parcels = gpd.GeoDataFrame(
        {"nr": ["1", "2"]},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)],
        crs=2180,
    )
    roads = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 50), (200, 50)])], crs=2180)
    project = Project(
        layers=[
            VectorLayer("Działki", parcels, style=Style(fill="#ff0000", stroke="#ff0000")),
            VectorLayer("Drogi", roads, style=Style(stroke="#0000ff", stroke_width=0.5)),
        ],
        crs="EPSG:2180",
        metadata={"title": "Testowo"},
    )
    return project.save(tmp_path / "p.gpkg")
