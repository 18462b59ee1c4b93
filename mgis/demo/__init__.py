"""The demo town: a deterministic synthetic Polish town written as an mgis project.

``build_demo`` generates the town (:mod:`mgis.demo.town`), writes the project
file with styled layers, the investment register (XLSX and cp1250 CSV) and a
few legacy cp1250 shapefiles without ``.cpg`` beside it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from mgis.layers import Style

PROJECT_NAME = "demo_town.gpkg"
_STAMP = "demo_town.json"

# Drawing order bottom -> top, with the styles a planner expects at first sight.
_STYLES: dict[str, Style] = {
    "parcels": Style(fill="#f7f4ea", stroke="#9e9178", stroke_width=0.1),
    "green_areas": Style(fill="#a1d99bcc", stroke="#31a354", stroke_width=0.2),
    "plan_zones": Style(fill="#fdae6b55", stroke="#e6550d", stroke_width=0.2),
    "buildings": Style(fill="#bdb1a6", stroke="#6e625a", stroke_width=0.1),
    "streets": Style(fill="#00000000", stroke="#6f6f6f", stroke_width=0.4),
    "districts": Style(fill="#00000000", stroke="#8c6bb1", stroke_width=0.6, dash="dash"),
    "addresses": Style(fill="#636363", stroke="#252525", marker_size=0.8),
    "bus_stops": Style(fill="#3182bd", stroke="#08306b", marker="square", marker_size=1.8),
    "kindergartens": Style(fill="#fdd0a2", stroke="#a63603", marker="triangle", marker_size=2.6),
    "schools": Style(fill="#fb6a4a", stroke="#67000d", marker="circle", marker_size=3.0),
    "boundary": Style(fill="#00000000", stroke="#cb181d", stroke_width=0.8, dash="dash"),
}
_ORDER = {name: i for i, name in enumerate(_STYLES)}
_HIDDEN = {"plan_zones", "addresses"}


@dataclass(frozen=True)
class DemoResult:
    """What :func:`build_demo` wrote."""

    project_path: Path
    files: tuple[Path, ...]
    layer_counts: tuple[tuple[str, int], ...]
    register_rows: int
    built: bool
    seconds: float

    def summary_lines(self) -> list[str]:
        """Return a short human-readable summary."""
        verb = "Built" if self.built else "Reused"
        lines = [f"{verb} demo town project: {self.project_path}"]
        lines += [f"  {name:<14} {count:>8} features" for name, count in self.layer_counts]
        lines.append(f"  investment register: {self.register_rows} investments")
        lines += [f"  beside it: {p.relative_to(self.project_path.parent)}" for p in self.files]
        if self.built:
            lines.append(f"  ({self.seconds:.1f} s)")
        return lines


def default_demo_dir() -> Path:
    r"""Return the per-user data folder for the demo town.

    ``%LOCALAPPDATA%\\mgis\\demo`` on Windows, ``$XDG_DATA_HOME/mgis/demo``
    (``~/.local/share/mgis/demo``) elsewhere.
    """
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "mgis" / "demo"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mgis" / "demo"


def build_demo(
    out_dir: Path, *, parcels: int = 20_000, seed: int = 7, force: bool = False
) -> DemoResult:
    """Generate the demo town into ``out_dir`` unless it is already there.

    Parameters
    ----------
    out_dir : pathlib.Path
        Folder for ``demo_town.gpkg``, the register and the shapefile copies.
    parcels : int
        Approximate number of parcels.
    seed : int
        Random seed; the same ``(parcels, seed)`` always gives the same town.
    force : bool
        Rebuild even when a project of the same size and seed exists.

    Returns
    -------
    DemoResult
        The project path, the files beside it and the layer counts.
    """
    out_dir = Path(out_dir).resolve()
    project_path = out_dir / PROJECT_NAME
    stamp = out_dir / _STAMP
    if not force and project_path.is_file() and stamp.is_file():
        previous = json.loads(stamp.read_text(encoding="utf-8"))
        if previous.get("parcels") == parcels and previous.get("seed") == seed:
            return _result_from_stamp(project_path, previous)
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    result = _build(out_dir, project_path, parcels, seed, start)
    stamp.write_text(
        json.dumps(
            {
                "parcels": parcels,
                "seed": seed,
                "files": [p.relative_to(out_dir).as_posix() for p in result.files],
                "layer_counts": result.layer_counts,
                "register_rows": result.register_rows,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return result


def _build(out_dir: Path, project_path: Path, parcels: int, seed: int, start: float) -> DemoResult:
    """Generate the town and write every file."""
    from mgis.demo.register import write_legacy_shapefiles, write_register_files
    from mgis.demo.town import generate_town
    from mgis.layers import VectorLayer
    from mgis.project import Project

    town = generate_town(parcels=parcels, seed=seed)
    project = Project(metadata={"title": f"{town.name} (demo)", "teryt": town.teryt})
    ordered = sorted(town.layers.items(), key=lambda item: _ORDER.get(item[0], len(_ORDER)))
    for name, frame in ordered:
        layer = VectorLayer(name=name, frame=frame, source=None)
        layer.style = _STYLES.get(name) or Style.for_geometry(layer.family)
        layer.visible = name not in _HIDDEN
        project.layers.append(layer)
    project.extent = project.full_extent()
    project.save(project_path)
    files = [*write_register_files(town, out_dir), *write_legacy_shapefiles(town, out_dir)]
    return DemoResult(
        project_path=project_path.resolve(),
        files=tuple(files),
        layer_counts=tuple((name, len(frame)) for name, frame in ordered),
        register_rows=len(town.register),
        built=True,
        seconds=time.perf_counter() - start,
    )


def _result_from_stamp(project_path: Path, stamp: dict[str, object]) -> DemoResult:
    """Describe an existing demo from its stamp file."""
    files = stamp.get("files", [])
    counts = stamp.get("layer_counts", [])
    rows = stamp.get("register_rows", 0)
    return DemoResult(
        project_path=project_path.resolve(),
        files=tuple(project_path.parent / str(f) for f in files) if isinstance(files, list) else (),
        layer_counts=tuple((str(n), int(c)) for n, c in counts) if isinstance(counts, list) else (),
        register_rows=int(rows) if isinstance(rows, int) else 0,
        built=False,
        seconds=0.0,
    )
