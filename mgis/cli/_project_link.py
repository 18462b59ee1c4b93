"""``mgis link --project``: link a project's register as the desktop app does.

The project's register link (the last one, as the app shows it) names the
parcel layer, its identifier field (``build:UNIT|OBRĘB|NUMBER`` for ids built
from three columns), the column mapping, the unit codes for short forms and
the corrections chosen with *Use suggestion*. The register is read again from
where it lives: the spreadsheet (its current content, with a warning when it
changed since the project was saved; the copy saved in the project when the
file is gone) or the database for a shared register (the connection name
resolved as everywhere in the command line, see :mod:`mgis.cli._db`). The
corrections are applied to it, then it is linked exactly as the app links it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mgis.cli.errors import CliError

if TYPE_CHECKING:
    import geopandas as gpd

    from mgis.layers.link_store import RegisterLink
    from mgis.layers.parcel_ids import ParcelContext
    from mgis.layers.register import Register
    from mgis.project import Project

NOT_WITH_PROJECT = (
    ("parcels", "parcels"),
    ("id_field", "id-field"),
    ("sheet", "sheet"),
    ("encoding", "encoding"),
    ("teryt", "teryt"),
    ("id_column", "id-column"),
    ("parcels_column", "parcels-column"),
    ("obreb_column", "obreb-column"),
    ("owner_field", "owner-field"),
)
"""Options (attribute, flag) the project's register link decides instead."""
DATABASE_OPTIONS = (
    ("publish", "publish"),
    ("register_name", "register-name"),
    ("replace", "replace"),
    ("db_schema", "db-schema"),
)
"""Options of ``--publish`` and ``--from-db`` (attribute, flag); not with ``--project``."""


@dataclass(frozen=True, eq=False)
class LinkInput:
    """What ``mgis link`` links: parcels, the field to link on, the register, the context.

    Attributes
    ----------
    frame : geopandas.GeoDataFrame
        The parcel layer (with the built id column when the link builds ids).
    id_field : str
        The column to link on.
    register : Register
        The register (from a project: read again, the link's corrections applied).
    context : ParcelContext or None
        Unit codes for short forms (None: taken from the layer).
    lines : list of str
        What was read from where, and warnings, printed before the summary.
    corrections : str or None
        From a project: the line saying how many corrections were applied.
    """

    frame: gpd.GeoDataFrame
    id_field: str
    register: Register
    context: ParcelContext | None
    lines: list[str]
    corrections: str | None = None


def check_options(args: argparse.Namespace) -> None:
    """Refuse options the project's register link decides (before anything is read)."""
    for attr, flag in NOT_WITH_PROJECT:
        if getattr(args, attr):
            raise CliError(
                f"--{flag} does not go with --project: the project's register link names "
                "the parcel layer, its field, the columns and the unit codes"
            )
    for attr, flag in DATABASE_OPTIONS:
        value = getattr(args, attr)
        if value and value != "public":  # --db-schema has a default
            raise CliError(
                f"--{flag} does not go with --project: a shared register is read from where "
                "the project's link says; publish one with --register or from the app"
            )


def load(path: Path) -> LinkInput:
    """Open the project and return what to link: its parcels and its corrected register.

    Raises
    ------
    CliError
        When the project has no register link, or its parcel layer is missing or empty.
    MgisIOError
        When the register cannot be read again (an unreadable file, the database).
    """
    from mgis.project import Project, database_connections

    if not path.is_file():
        raise CliError(f"project not found: {path}")
    if database_connections(path):
        from mgis.cli._db import prepare

        prepare()  # database layers and a shared register resolve connection names
    project = Project.open(path)
    if not project.links:
        raise CliError(
            f"{path.name} has no linked investment register; link one in the app "
            "(Rejestr → Link register…) or use --parcels, --id-field and --register"
        )
    link = project.links[-1]
    if not link.id_field:
        raise CliError(f"{path.name}: the register link names no identifier field")
    lines = [
        f"project {path.name}: register linked to layer {link.parcels_layer!r} "
        f"(field {link.id_field}), {len(link.corrections)} saved correction(s)",
        *(f"warning: {w}" for w in project.load_warnings),
    ]
    from mgis.layers.link_ids import with_parcel_ids

    frame = _parcel_frame(project, link, lines)
    frame, field = with_parcel_ids(frame, link.id_field)
    register, read = _reread(link)
    corrected, skipped = apply_corrections(link, register)
    context = link.context() if link.unit_codes else None
    return LinkInput(frame, field, corrected, context, [*lines, *read], _describe(link, skipped))


def _parcel_frame(project: Project, link: RegisterLink, lines: list[str]) -> gpd.GeoDataFrame:
    """Return the link's parcel layer (a view-only database layer read whole, told in lines)."""
    name = link.parcels_layer
    if name is None or name not in project.layer_names():
        raise CliError(
            f"the project has no layer {name!r}, the register's parcel layer; its layers are: "
            + ", ".join(project.layer_names())
        )
    layer = project.layer(name)
    frame = layer.frame
    source = str(layer.source or "")
    if layer.view_only and source.startswith("postgis:"):
        from mgis.layers.pg_view import read_postgis_layer

        frame, report = read_postgis_layer(source, project.crs)
        lines.append(
            f"parcels: {name!r} is read only for the view in the app; "
            f"fetched the whole table ({report.feature_count} rows) from {source}"
        )
    if not len(frame):
        why = [w for w in project.load_warnings if w.startswith(f"Layer '{name}'")]
        raise CliError(why[0] if why else f"the parcel layer {name!r} has no features")
    return frame


def _reread(link: RegisterLink) -> tuple[Register, list[str]]:
    """Read the register again from its file or database; return it and lines about it."""
    from mgis.layers.link_store import refresh_diff, reread

    if link.shared is not None:
        return _reload_shared(link)
    source = Path(link.source)
    changed = link.source_changed()
    if changed is None:
        saved = link.register()
        return saved, [
            f"warning: the register file {source} is gone; "
            f"linking the copy saved in the project ({len(saved.ids)} rows)"
        ]
    table, register = reread(link)
    lines = table.summary_lines()
    if changed:
        diff = refresh_diff(link, register)
        what = ", ".join(
            f"{len(ids)} {kind}"
            for kind, ids in (
                ("added", diff.added),
                ("removed", diff.removed),
                ("changed", diff.changed),
            )
            if ids
        )
        lines.append(
            f"warning: {source.name} changed since the project was saved "
            f"(investments: {what or 'none differ'}); its current content is linked"
        )
    if register.mapping != link.mapping:
        lines.append(
            f"warning: the project's column mapping no longer fits {source.name}; "
            "the columns were recognised anew"
        )
    return register, lines


def _reload_shared(link: RegisterLink) -> tuple[Register, list[str]]:
    """Read a shared register again from the database (the connection name resolved first)."""
    from mgis.io import MgisIOError
    from mgis.io.pg_connect import known_connections
    from mgis.layers.shared_register import reload

    assert link.shared is not None
    where = link.shared
    try:  # the saved connections were made known by load() (mgis.cli._db.prepare)
        fresh = reload(link)
    except MgisIOError as exc:
        text = str(exc)
        saved = {conn.name for conn in known_connections()}
        if where.connection in saved or not (
            "definition of service" in text or "service file" in text
        ):
            raise
        raise MgisIOError(
            f"{exc} {where.connection!r} (the shared register's connection) is not a "
            "connection saved in mgis, so it was taken as a pg_service name; save the "
            "connection in the app or add it to pg_service.conf."
        ) from exc
    register = fresh.register()
    return register, [
        f"register {where.register!r} read from the database {where.connection!r} "
        f"(schema {where.schema}): {len(register.ids)} rows"
    ]


def apply_corrections(
    link: RegisterLink, register: Register
) -> tuple[Register, list[tuple[str, str, str]]]:
    """Return ``register`` with the link's corrections applied, and those that found no text.

    The corrected register is :meth:`RegisterLink.corrected` (as in the app);
    a correction is not applied when its investment is gone or its cell no
    longer holds the text it replaces (the spreadsheet was fixed meanwhile).
    """
    column = register.mapping.parcels
    position = {inv: k for k, inv in enumerate(register.ids)}
    current, skipped = register, []
    for correction in link.corrections:  # one at a time, in order, as corrected() does
        step = replace(link, corrections=(correction,)).corrected(current)
        k = position.get(correction[0])
        before = current.frame[column].iloc[k] if k is not None else None
        after = step.frame[column].iloc[k] if k is not None else None
        if not isinstance(before, str) or before == after:
            skipped.append(correction)
        current = step
    return current, skipped


def _describe(link: RegisterLink, skipped: list[tuple[str, str, str]]) -> str:
    """Return the line saying how many corrections were applied (and which were not)."""
    total = len(link.corrections)
    line = f"corrections applied: {total - len(skipped)} of {total}"
    if skipped:
        line += "; not applied (the text is no longer in the register): " + ", ".join(
            f"investment {inv}: {wrong!r} -> {right}" for inv, wrong, right in skipped
        )
    return line
