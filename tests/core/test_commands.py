"""Commands: every project change can be undone and redone without a GUI."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from mgis.commands import (
    AddLayer,
    CommandStack,
    MoveLayer,
    RemoveLayer,
    RenameLayer,
    SetLayerProperties,
)
from mgis.layers import Style, VectorLayer
from mgis.project import Project


def _layer(name: str) -> VectorLayer:
    return VectorLayer(name, gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=2180))


@pytest.fixture
def stack() -> CommandStack:
    return CommandStack(Project(layers=[_layer("a"), _layer("b"), _layer("c")]))


def test_add_remove_move_rename_round_trip(stack: CommandStack) -> None:
    project = stack.project
    stack.push(AddLayer(_layer("d")))
    stack.push(RemoveLayer("a"))
    stack.push(MoveLayer("d", 0))
    stack.push(RenameLayer("b", "budynki"))
    assert project.layer_names() == ["d", "budynki", "c"]
    assert stack.undo_label == "Rename layer"
    for _ in range(4):
        stack.undo()
    assert project.layer_names() == ["a", "b", "c"]
    for _ in range(4):
        stack.redo()
    assert project.layer_names() == ["d", "budynki", "c"]


def test_properties_undo_restores_style_visibility_opacity(stack: CommandStack) -> None:
    red = Style(fill="#ff0000")
    stack.push(SetLayerProperties("b", style=red, visible=False, opacity=1.7))
    layer = stack.project.layer("b")
    assert (layer.style.fill, layer.visible, layer.opacity) == ("#ff0000", False, 1.0)
    stack.undo()
    assert (layer.style, layer.visible, layer.opacity) == (Style(), True, 1.0)


def test_clean_state_tracks_save_point(stack: CommandStack) -> None:
    assert stack.is_clean
    stack.push(SetLayerProperties("a", visible=False))
    assert not stack.is_clean
    stack.set_clean()
    stack.undo()
    assert not stack.is_clean
    stack.redo()
    assert stack.is_clean
    stack.undo()
    stack.push(SetLayerProperties("a", opacity=0.3))  # the saved state is unreachable now
    assert not stack.is_clean


def test_history_is_bounded_and_notifies() -> None:
    calls: list[int] = []
    stack = CommandStack(Project(layers=[_layer("a")]), limit=3)
    stack.listeners.append(lambda: calls.append(1))
    for i in range(5):
        stack.push(SetLayerProperties("a", opacity=i / 10))
    for _ in range(5):
        stack.undo()
    assert stack.project.layer("a").opacity == pytest.approx(0.1)
    assert len(calls) == 8


def test_rename_to_taken_name_is_refused(stack: CommandStack) -> None:
    with pytest.raises(ValueError, match="already exists"):
        stack.push(RenameLayer("a", "b"))
    assert stack.project.layer_names() == ["a", "b", "c"]
