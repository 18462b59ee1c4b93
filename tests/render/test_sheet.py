"""Sheet specs, layouts, exact frame views, round scales and templates (no Qt needed)."""

from __future__ import annotations

import itertools
import math

import pytest

from mgis.project import Project
from mgis.render.scales import (
    fit_scale,
    format_length,
    format_scale,
    frame_extent,
    frame_view,
    grid_interval,
    nice_scale,
    parse_scale,
    scale_bar_length,
    sheet_center,
    sheet_scale,
)
from mgis.render.sheet import (
    NICE_STEPS,
    PAPER_MM,
    ChartSpec,
    SheetSpec,
    TableSpec,
    TitleBlock,
    compute_layout,
)
from mgis.render.templates import (
    METADATA_KEY,
    builtin_templates,
    find_template,
    save_user_template,
    user_templates,
)

TABLE = TableSpec("Działki", ("nr", "właściciel"), (("1/2", "Gmina"),))
CHART = ChartSpec("Powierzchnia", ("a", "b"), (1.0, 2.0), "m²")


@pytest.mark.parametrize(
    ("paper", "orientation"), list(itertools.product(PAPER_MM, ("portrait", "landscape")))
)
@pytest.mark.parametrize("extras", [False, True])
def test_layout_elements_inside_margins_and_apart(
    paper: str, orientation: str, extras: bool
) -> None:
    spec = SheetSpec(
        paper=paper,
        orientation=orientation,
        title="Tytuł",
        subtitle="Podtytuł",
        table=TABLE if extras else None,
        chart=CHART if extras else None,
    )
    layout = compute_layout(spec)
    w, h = spec.page_mm
    assert (w > h) == (orientation == "landscape")
    m = spec.margins_mm
    inner = type(layout.page)(m, m, w - 2 * m, h - 2 * m)
    rects = layout.elements()
    assert {"map", "title", "legend", "inset", "title_block"} <= set(rects)
    assert ("table" in rects) == extras
    for name, rect in rects.items():
        assert rect.w > 5, name
        assert rect.h > 5, name
        assert rect.inside(inner), name
    for (n1, r1), (n2, r2) in itertools.combinations(rects.items(), 2):
        assert not r1.overlaps(r2), (n1, n2)
    # the grid labels' gutter around the map does not reach the other elements
    g = layout.gutter
    grown = type(layout.map)(
        layout.map.x - g, layout.map.y - g, layout.map.w + 2 * g, layout.map.h + 2 * g
    )
    for name, rect in rects.items():
        if name != "map":
            assert not grown.overlaps(rect), name
    assert layout.scale_bar is not None
    assert layout.scale_bar.inside(layout.map)
    assert layout.north_arrow is not None
    assert layout.north_arrow.inside(layout.map)


def test_layout_without_panel_gives_the_map_the_page() -> None:
    spec = SheetSpec(
        legend=False, inset=False, title_block=None, grid=False, scale_bar=False, north_arrow=False
    )
    layout = compute_layout(spec)
    assert layout.map.w == pytest.approx(210 - 20)
    assert layout.map.h == pytest.approx(297 - 20)
    assert layout.scale_bar is None
    assert layout.north_arrow is None


def test_frame_view_has_the_exact_scale_at_any_dpi() -> None:
    spec = SheetSpec(paper="A4", scale=5000, center=(500_000.0, 400_000.0))
    layout = compute_layout(spec)
    for dpi in (72, 96, 300, 600):
        view = frame_view(spec, layout, dpi)
        assert view.scale_denominator(dpi) == pytest.approx(5000)
        # 100 m on the ground = 20 mm on paper = 20 / 25.4 * dpi pixels
        assert 100 / view.resolution == pytest.approx(20 / 25.4 * dpi)
        assert (view.cx, view.cy) == (500_000.0, 400_000.0)
        assert view.width == round(layout.map.w / 25.4 * dpi)
    ext = frame_extent(spec, layout)
    assert ext[2] - ext[0] == pytest.approx(layout.map.w / 1000 * 5000)


def test_fitted_scale_is_round_and_holds_the_extent() -> None:
    extent = (0.0, 0.0, 3000.0, 1000.0)
    spec = SheetSpec(paper="A3", orientation="landscape", extent=extent)
    layout = compute_layout(spec)
    scale = sheet_scale(spec, layout, None)
    assert scale == fit_scale(extent, (layout.map.w, layout.map.h))
    assert round(scale / 10 ** math.floor(math.log10(scale)), 6) in NICE_STEPS
    ext = frame_extent(spec, layout)
    assert ext[0] <= 0
    assert ext[2] >= 3000
    assert ext[1] <= 0
    assert ext[3] >= 1000
    assert sheet_center(spec, None) == (1500.0, 500.0)
    # a fixed scale wins over the extent
    assert sheet_scale(SheetSpec(scale=2500, extent=extent), layout, None) == 2500


@pytest.mark.parametrize(
    ("raw", "nice"), [(4300, 5000), (5000, 5000), (1100, 1500), (26_000, 30_000), (0.0, 1000.0)]
)
def test_nice_scale(raw: float, nice: float) -> None:
    assert nice_scale(raw) == nice


@pytest.mark.parametrize(("scale", "max_mm"), [(500, 60), (5000, 60), (25_000, 45), (150_000, 50)])
def test_scale_bar_is_a_round_length_that_fits(scale: float, max_mm: float) -> None:
    length, segments = scale_bar_length(scale, max_mm)
    assert length / scale * 1000 <= max_mm
    assert length / scale * 1000 > max_mm / 2.6  # not needlessly short
    mantissa = length / 10 ** len(str(int(length))) * 10
    assert round(mantissa, 6) in (1, 2, 5)
    assert segments in (4, 5)


def test_texts() -> None:
    assert format_scale(5000) == "1:5 000"
    assert format_scale(50_000) == "1:50 000"
    assert format_length(250) == "250 m"
    assert format_length(1500) == "1,5 km"
    assert parse_scale("1:5 000") == 5000
    assert parse_scale("2500") == 2500
    assert parse_scale("Dopasuj") is None
    assert grid_interval((0, 0, 1000, 800)) == 200


def test_spec_round_trips_through_json_data() -> None:
    spec = SheetSpec(
        paper="A2",
        orientation="landscape",
        scale=1000,
        center=(1.0, 2.0),
        title="Łąka",
        title_block=TitleBlock(author="Zofia Żak"),
        table=TABLE,
        chart=CHART,
        layers=("a", "b"),
    )
    assert SheetSpec.from_dict(spec.to_dict()) == spec


def test_bad_specs_are_refused() -> None:
    with pytest.raises(ValueError, match="paper"):
        SheetSpec(paper="B5")
    with pytest.raises(ValueError, match="Orientation"):
        SheetSpec(orientation="sideways")
    with pytest.raises(ValueError, match="scale"):
        SheetSpec(scale=-5)


def test_builtin_templates() -> None:
    templates = builtin_templates()
    assert set(templates) == {"a4-note", "a3-plan", "a1-wall"}
    a4 = templates["a4-note"].spec()
    assert (a4.paper, a4.orientation) == ("A4", "portrait")
    a3 = find_template("A3 landscape plan").spec(title="Plan")
    assert (a3.paper, a3.orientation, a3.title) == ("A3", "landscape", "Plan")
    a1 = find_template("Mapa ścienna A1").spec()
    assert a1.paper == "A1"
    with pytest.raises(KeyError, match="a4-note"):
        find_template("nope")


def test_user_templates_live_in_the_project(tmp_path) -> None:  # type: ignore[no-untyped-def]
    project = Project()
    spec = SheetSpec(
        paper="A2",
        orientation="landscape",
        scale=2500,
        title="nie zapisywany",
        center=(1.0, 1.0),
        grid=False,
    )
    save_user_template(project, "Plan wydziału", spec)
    assert METADATA_KEY in project.metadata
    path = project.save(tmp_path / "p.gpkg")
    reopened = Project.open(path)
    found = user_templates(reopened)["Plan wydziału"].spec()
    assert (found.paper, found.orientation, found.scale, found.grid) == (
        "A2",
        "landscape",
        2500,
        False,
    )
    assert found.title == ""
    assert found.center is None
    assert find_template("plan wydziału", reopened).name == "Plan wydziału"
