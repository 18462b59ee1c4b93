"""``mgis demo``: build the demo town (once) and open it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mgis.cli.errors import CliError


def add_parser(sub: Any) -> None:
    """Register the ``demo`` command."""
    demo = sub.add_parser("demo", help="build the demo town project and open it")
    demo.add_argument("--out", type=Path, help="folder for the demo (default: user data folder)")
    demo.add_argument("--parcels", type=int, default=20_000, help="number of parcels (20000)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (7)")
    demo.add_argument("--no-gui", action="store_true", help="only write the project")
    demo.add_argument("--force", action="store_true", help="rebuild even if it exists")


def run(args: argparse.Namespace) -> int:
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
