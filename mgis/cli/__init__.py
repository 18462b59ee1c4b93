"""Command line: ``mgis gui | demo | info | ...``, one module per command.

Each command module offers ``add_parser(subparsers)`` (argparse only) and
``run(args) -> int``; heavy libraries are imported inside ``run`` so that
``mgis --help`` answers at once.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from mgis import __version__
from mgis.cli.errors import CliError, describe

# Command name -> module under mgis.cli; the order is the order in --help.
COMMANDS = ("gui", "demo", "info", "link", "analyze", "export", "print")

# Command name -> module name where they differ (``print`` would shadow the built-in).
_MODULES = {"print": "print_cmd"}

__all__ = ["COMMANDS", "CliError", "main"]


def _build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of all subcommands."""
    parser = argparse.ArgumentParser(
        prog="mgis",
        description="Lightweight desktop GIS for municipal GIS and planning staff.",
    )
    parser.add_argument("--version", action="version", version=f"mgis {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"mgis.cli.{_MODULES.get(name, name)}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mgis`` command line and return the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        module = importlib.import_module(f"mgis.cli.{_MODULES.get(args.command, args.command)}")
        code: int = module.run(args)
    except KeyboardInterrupt:
        print("mgis: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one clear line for the user, never a traceback
        print(f"mgis {args.command}: {describe(exc)}", file=sys.stderr)
        return 2
    return code
