"""``mgis gui [PROJECT]``: open the desktop app."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mgis.cli.errors import CliError


def add_parser(sub: Any) -> None:
    """Register the ``gui`` command."""
    gui = sub.add_parser("gui", help="open the desktop app")
    gui.add_argument("project", nargs="?", type=Path, help="project file (.gpkg) to open")


def run(args: argparse.Namespace) -> int:
    """Open the desktop app, optionally with a project."""
    from mgis.ui.app import display_available, run_gui

    project: Path | None = args.project
    if project is not None and not project.is_file():
        raise CliError(f"project file not found: {project}")
    if not display_available():
        raise CliError("no display available: the desktop app needs a screen")
    return run_gui(project)
