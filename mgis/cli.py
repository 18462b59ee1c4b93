"""Command line: ``mgis gui | demo | info``.

Heavy libraries are imported inside the commands so ``mgis --help`` is instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from mgis import __version__


class CliError(Exception):
    """An error reported to the user as one line, with exit code 2."""


def _build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of all subcommands."""
    parser = argparse.ArgumentParser(
        prog="mgis",
        description="Lightweight desktop GIS for municipal GIS and planning staff.",
    )
    parser.add_argument("--version", action="version", version=f"mgis {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the desktop app")
    gui.add_argument("project", nargs="?", type=Path, help="project file (.gpkg) to open")

    demo = sub.add_parser("demo", help="build the demo town project and open it")
    demo.add_argument("--out", type=Path, help="folder for the demo (default: user data folder)")
    demo.add_argument("--parcels", type=int, default=20_000, help="number of parcels (20000)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (7)")
    demo.add_argument("--no-gui", action="store_true", help="only write the project")
    demo.add_argument("--force", action="store_true", help="rebuild even if it exists")

    info = sub.add_parser("info", help="describe the layers of a vector file")
    info.add_argument("path", type=Path, help="vector file, zipped shapefile or project")
    info.add_argument("--layer", help="only this layer of a multi-layer file")
    info.add_argument("--encoding", help="override the detected text encoding, e.g. cp1250")
    info.add_argument("--crs", help="override the coordinate reference system, e.g. EPSG:2178")
    info.add_argument("--engine", choices=["pyogrio", "fiona"], default="pyogrio")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mgis`` command line and return the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if args.command == "gui":
            return _cmd_gui(args.project)
        if args.command == "demo":
            return _cmd_demo(args)
        return _cmd_info(args)
    except KeyboardInterrupt:
        print("mgis: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one clear line for the user, never a traceback
        print(f"mgis {args.command}: {_describe(exc)}", file=sys.stderr)
        return 2


def _describe(exc: BaseException) -> str:
    """Return the user-facing text of an error."""
    from mgis.io import MgisIOError
    from mgis.project import ProjectError

    if isinstance(exc, CliError | MgisIOError | ProjectError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    return f"unexpected error ({type(exc).__name__}: {exc}); please report it"


def _cmd_gui(project: Path | None) -> int:
    """Open the desktop app, optionally with a project."""
    from mgis.ui.app import display_available, run_gui

    if project is not None and not project.is_file():
        raise CliError(f"project file not found: {project}")
    if not display_available():
        raise CliError("no display available: the desktop app needs a screen")
    return run_gui(project)


def _cmd_demo(args: argparse.Namespace) -> int:
    """Build (once) and open the demo town."""
    from mgis.demo import build_demo, default_demo_dir

    out = args.out if args.out is not None else default_demo_dir()
    if args.parcels < 500:
        raise CliError("--parcels must be at least 500")
    result = build_demo(out, parcels=args.parcels, seed=args.seed, force=args.force)
    print("\n".join(result.summary_lines()))
    if args.no_gui:
        return 0
    from mgis.ui.app import display_available, run_gui

    if not display_available():
        print("No display available: the project is written; open it later with")
        print(f'  mgis gui "{result.project_path}"')
        return 0
    return run_gui(result.project_path)


def _cmd_info(args: argparse.Namespace) -> int:
    """Print a load report for every layer of a file."""
    from mgis.io import MgisIOError, list_layers, read_layer
    from mgis.project import SETTINGS_TABLE

    path: Path = args.path
    if not path.exists():
        raise CliError(f"file not found: {path}")
    names: list[str | None]
    if args.layer:
        names = [args.layer]
    else:
        names = [info.name for info in list_layers(path) if info.name != SETTINGS_TABLE] or [None]
    print(f"{path}: {len(names)} layer(s)")
    failed = 0
    for name in names:
        try:
            _frame, report = read_layer(
                path, name, encoding=args.encoding, crs=args.crs, engine=args.engine
            )
        except MgisIOError as exc:  # one bad layer must not hide the others
            if len(names) == 1:
                raise
            failed += 1
            print(f"\nmgis info: layer {name!r}: {exc}", file=sys.stderr)
            continue
        print()
        print("\n".join(report.summary_lines()))
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
