from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mgis.layers import Style, VectorLayer
from mgis.layers.style import StyleClass, class_indices
from mgis.project import Project


def cat_style(field: str = "kind", other: bool = True) -> Style:
    classes = [
        StyleClass("A", "#ff0000", "#000000", value="a"),
        StyleClass("B", "#00ff00", "#000000", value="b"),
    ]
    if other:
        classes.append(StyleClass("Other", "#cccccc", "#000000", value=None))
    return Style(mode="categorized", field=field, classes=tuple(classes))


def range_style() -> Style:
    return Style(
        mode="graduated",
        field="v",
        method="equal_interval",
        classes=(
            StyleClass("0-10", "#111111", "#000000", lower=0.0, upper=10.0),
            StyleClass("10-20", "#222222", "#000000", lower=10.0, upper=20.0),
            StyleClass("20-30", "#333333", "#000000", lower=20.0, upper=30.0),
        ),
    )


def test_old_style_dicts_still_load() -> None:
    old = {"fill": "#ff0000", "stroke": "#000000", "stroke_width": 0.3, "dash": "solid",
           "marker": "circle", "marker_size": 2.0, "label_field": None, "extra": {}}  # fmt: skip
    style = Style.from_dict(old)
    assert style.mode == "single"
    assert style.classes == ()
    assert style.fill == "#ff0000"
    assert not style.classified


def test_round_trip_through_json_keeps_classes() -> None:
    style = cat_style()
    data = json.loads(json.dumps(style.to_dict()))
    assert Style.from_dict(data) == style
    assert isinstance(Style.from_dict(data).classes[0], StyleClass)
    graduated = range_style()
    assert Style.from_dict(json.loads(json.dumps(graduated.to_dict()))) == graduated


def test_unknown_mode_falls_back_to_single() -> None:
    assert Style.from_dict({"mode": "heatmap"}).mode == "single"


def test_category_indices_with_other_and_empty() -> None:
    frame = pd.DataFrame({"kind": ["a", "b", "c", None, "a", np.nan]})
    assert class_indices(cat_style(), frame).tolist() == [0, 1, 2, 2, 0, 2]


def test_category_indices_without_other_class_gives_minus_one() -> None:
    frame = pd.DataFrame({"kind": ["a", "zzz", None]})
    assert class_indices(cat_style(other=False), frame).tolist() == [0, -1, -1]


def test_category_indices_of_categorical_and_numbers() -> None:
    frame = pd.DataFrame({"kind": pd.Categorical(["b", "a", "x", None])})
    assert class_indices(cat_style(), frame).tolist() == [1, 0, 2, 2]
    numbers = Style(
        mode="categorized",
        field="n",
        classes=(
            StyleClass("1", "#f00", "#000", value=1),
            StyleClass("2", "#0f0", "#000", value=2),
        ),
    )
    frame = pd.DataFrame({"n": [2, 1, 3]})
    assert class_indices(numbers, frame).tolist() == [1, 0, -1]
    frame = pd.DataFrame({"n": [2.0, 1.0, np.nan]})
    assert class_indices(numbers, frame).tolist() == [1, 0, -1]


def test_range_indices_bounds_and_nan() -> None:
    frame = pd.DataFrame({"v": [0.0, 5, 10, 10.0001, 20, 25, 30, 30.5, -1, np.nan]})
    got = class_indices(range_style(), frame).tolist()
    # a value on a bound belongs to the lower class; the first class includes its lower bound
    assert got == [0, 0, 0, 1, 1, 2, 2, -1, -1, -1]


def test_range_indices_accept_integer_and_nullable_columns() -> None:
    frame = pd.DataFrame({"v": pd.array([1, 15, None, 29], dtype="Int64")})
    assert class_indices(range_style(), frame).tolist() == [0, 1, -1, 2]


def test_missing_field_and_single_style_give_minus_one() -> None:
    frame = pd.DataFrame({"other": [1, 2]})
    assert class_indices(range_style(), frame).tolist() == [-1, -1]
    assert class_indices(Style(), frame).tolist() == [-1, -1]


def test_class_indices_fast_for_300k_rows() -> None:
    import time

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"kind": rng.choice(["a", "b", "c", "d"], 300_000), "v": rng.uniform(0, 30, 300_000)}
    )
    t = time.perf_counter()
    cats = class_indices(cat_style(), frame)
    ranges = class_indices(range_style(), frame)
    assert time.perf_counter() - t < 0.5
    assert set(np.unique(cats)) == {0, 1, 2}
    assert set(np.unique(ranges)) == {0, 1, 2}


def test_project_save_open_keeps_classes(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"kind": ["a", "b"], "v": [1.0, 15.0]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs=2180,
    )
    cat = cat_style()
    grad = range_style()
    project = Project(
        layers=[
            VectorLayer("cat", frame, style=cat),
            VectorLayer("grad", frame.copy(), style=grad),
        ],
        crs="EPSG:2180",
    )
    path = project.save(tmp_path / "styles.gpkg")
    back = Project.open(path)
    styles = {lyr.name: lyr.style for lyr in back.layers}
    assert styles["cat"] == cat
    assert styles["grad"] == grad
    assert class_indices(styles["grad"], frame).tolist() == [0, 1]
