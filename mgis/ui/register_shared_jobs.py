"""Work of the shared register done in workers: publish, open, save, and the refusal text.

Each job talks to the database and links the register again off the UI thread;
:mod:`mgis.ui.register_shared` starts them and shows what they gave.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mgis.io.pg_register import RegisterConflictError
from mgis.layers import shared_register
from mgis.ui.i18n import tr
from mgis.ui.register_state import LinkOutcome, relink

if TYPE_CHECKING:
    from collections.abc import Mapping

    import geopandas as gpd
    import pandas as pd

    from mgis.layers.link_store import RegisterLink
    from mgis.ui.register_db_dialogs import OpenChoice, PublishChoice


@dataclass(frozen=True, eq=False)
class SavedEdit:
    """What saving an investment gave: the relinked fresh register, or the refusal."""

    outcome: LinkOutcome | None
    investment_id: str
    conflict: RegisterConflictError | None = None


def conflict_text(error: RegisterConflictError, names: Mapping[str, str]) -> str:
    """Say in the user's language which investment was changed by whom and when."""
    iid = error.investment_id
    label = f"{iid} ({names[iid]})" if names.get(iid) else iid
    if not error.changed_by:
        return tr("Investment {investment} was removed by another user; your change was not "
                  "saved. Refresh the register.").format(investment=label)  # fmt: skip
    when = error.changed_at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if error.changed_at else "?"
    return tr(
        "Investment {investment} was changed by {who} at {when} after you opened it. "
        "Your changes were not saved: refresh the register to see them, then make yours again."
    ).format(investment=label, who=error.changed_by, when=when)


def publish_job(
    link: RegisterLink,
    links: pd.DataFrame | None,
    choice: PublishChoice,
    replace_existing: bool,
    frame: gpd.GeoDataFrame,
) -> LinkOutcome:
    """Store the register and link the stored copy again."""
    new = shared_register.publish(
        link, links, choice.connection, choice.name, schema=choice.schema,
        replace_existing=replace_existing,
    )  # fmt: skip
    return relink(new, frame)


def open_job(choice: OpenChoice, frame: gpd.GeoDataFrame) -> LinkOutcome:
    """Read a shared register and link it to the parcel layer."""
    link = shared_register.open_shared(
        choice.connection, choice.name, schema=choice.schema, parcels_layer=choice.layer,
        id_field=choice.id_field,
    )  # fmt: skip
    return relink(link, frame)


def save_job(
    link: RegisterLink,
    investment_id: str,
    values: Mapping[str, Any],
    frame: gpd.GeoDataFrame,
    delete: bool = False,
) -> SavedEdit:
    """Save (or remove) one investment with its parcel links, then read it all again."""
    parcels: tuple[str, ...] | None = None
    mapping = link.mapping
    if mapping.parcels in values or (mapping.obreb and mapping.obreb in values):
        trial = relink(shared_register.with_values(link, investment_id, values), frame)
        found = trial.result.links
        parcels = tuple(found.loc[found["investment_id"] == investment_id, "parcel_id"])
    try:
        fresh = shared_register.save_investment(link, investment_id, values, parcels, delete=delete)
    except RegisterConflictError as exc:
        return SavedEdit(None, investment_id, exc)
    return SavedEdit(relink(replace(fresh, corrections=link.corrections), frame), investment_id)
