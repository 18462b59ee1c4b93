"""What the analysis dialogs collect: one frozen dataclass per analysis (no Qt).

Layers are named, never held: the window looks them up in the project when
the analysis starts, so a dialog never touches project data. Distances are
metres; text values are the English API values (``"intersects"``, ``"new"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mgis.analysis.costs import CostRates
from mgis.analysis.standards import StandardsThresholds


@dataclass(frozen=True)
class SelectLocationParams:
    """Select by location: features of ``layer`` meeting features of ``by``.

    Attributes
    ----------
    layer, by : str
        Layer to select in; selecting layer.
    predicate : str
        ``layer feature <predicate> by feature`` (see :mod:`mgis.analysis.selection`).
    distance : float or None
        Metres, for ``dwithin`` only.
    by_selected_only : bool
        Use only the selected features of ``by``.
    mode : str
        ``new``, ``add``, ``remove`` or ``intersect`` with the current selection.
    summary_field : str or None
        Count the selected features per value of this field in the summary.
    on_server : bool
        ``layer`` is a PostGIS table: let the database test the whole table
        (``intersects`` or ``dwithin`` only) and add the matching rows as a new
        layer instead of changing the selection (``mode`` is then not used).
    """

    layer: str
    by: str
    predicate: str = "intersects"
    distance: float | None = None
    by_selected_only: bool = False
    mode: str = "new"
    summary_field: str | None = None
    on_server: bool = False


@dataclass(frozen=True)
class SelectExpressionParams:
    """Select the features of ``layer`` where ``expression`` holds (combined by ``mode``)."""

    layer: str
    expression: str
    mode: str = "new"
    summary_field: str | None = None


@dataclass(frozen=True)
class JoinParams:
    """Spatial join of ``source`` attributes onto ``target``.

    Attributes
    ----------
    how : str
        ``one_to_many``, ``largest_overlap`` or ``summary`` (statistics per target).
    stats : tuple of (field, statistic)
        For ``summary``: e.g. ``(("mieszkancy", "sum"),)``.
    """

    target: str
    source: str
    how: str = "one_to_many"
    predicate: str = "intersects"
    stats: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DissolveParams:
    """Dissolve the polygons of ``layer`` (per value of ``by`` when given)."""

    layer: str
    by: str | None = None


@dataclass(frozen=True)
class BufferParams:
    """Buffer ``layer`` by ``distances`` metres (optionally dissolved, per field, as rings)."""

    layer: str
    distances: tuple[float, ...] = (100.0,)
    dissolve: bool = False
    by: str | None = None
    rings: bool = False


@dataclass(frozen=True)
class ClipParams:
    """Cut ``layer`` to the polygons of ``mask``."""

    layer: str
    mask: str


@dataclass(frozen=True)
class IntersectionParams:
    """Pieces where ``layer`` and ``overlay`` overlap, with the attributes of both."""

    layer: str
    overlay: str


@dataclass(frozen=True)
class RingsParams:
    """Accessibility buffers around facilities, per facility type when ``type_field`` is set."""

    facilities: str
    distances: tuple[float, ...] = (300.0, 500.0, 1000.0)
    type_field: str | None = None
    rings: bool = True


@dataclass(frozen=True)
class CoverageParams:
    """Which features of ``points`` lie in the ``zones`` (shares, per district)."""

    zones: str
    points: str
    weight: str | None = None
    districts: str | None = None
    district_field: str = "nazwa"
    uncovered_only: bool = False


@dataclass(frozen=True)
class DistanceParams:
    """Walking distance along ``network`` from every target to the nearest facility."""

    network: str
    facilities: str
    targets: str
    measure_from: str = "boundary"
    facility_field: str | None = None
    tolerance: float = 0.5


@dataclass(frozen=True)
class ServiceAreaParams:
    """Areas within walking ``distances`` of the facilities along ``network``."""

    network: str
    facilities: str
    distances: tuple[float, ...] = (500.0, 1000.0)
    width: float = 50.0
    tolerance: float = 0.5


@dataclass(frozen=True)
class StandardsParams:
    """The art. 13f standards check of the housing parcels.

    Housing parcels are those matching ``housing_where`` (when given) and lying
    in a plan zone whose ``zone_field`` is one of ``zone_values`` (when
    ``zones`` is given), as in ``mgis analyze standards``.
    """

    parcels: str
    network: str
    schools: str
    green: str
    thresholds: StandardsThresholds = field(default_factory=StandardsThresholds)
    housing_where: str = ""
    zones: str | None = None
    zone_field: str = "przeznaczenie"
    zone_values: tuple[str, ...] = ("MN", "MW")
    tolerance: float = 0.5


@dataclass(frozen=True)
class IndicatorParams:
    """Counts, sums or densities of ``layer`` on a grid (``cell`` m) or per ``zones``."""

    layer: str
    cell: float | None = 500.0
    zones: str | None = None
    stat: str = "count"
    field: str | None = None
    residents: str | None = None
    residents_field: str = "mieszkancy"
    scheme: str = "quantiles"
    k: int = 5


@dataclass(frozen=True)
class InvestmentParams:
    """Statistics of investment areas: ownership, plan zones, buildings, residents."""

    areas: str
    parcels: str
    areas_selected_only: bool = False
    plan_zones: str | None = None
    buildings: str | None = None
    addresses: str | None = None
    cost_field: str | None = None
    ownership_field: str = "wlasnosc"
    zone_field: str = "symbol"
    residents_field: str = "mieszkancy"


@dataclass(frozen=True)
class CostParams:
    """Cash flow and NPV of one investment.

    Attributes
    ----------
    investment : str or None
        Register id the outlays and land area were taken from (for the title).
    outlays : tuple of (year, PLN)
        Yearly outlays.
    land_m2, building_m2 : float
        Areas.
    rates : CostRates
        Tax, lease, sale, upkeep and discount rates.
    """

    outlays: tuple[tuple[int, float], ...]
    land_m2: float
    building_m2: float = 0.0
    rates: CostRates = field(default_factory=CostRates)
    investment: str | None = None


AnalysisParams = (
    SelectLocationParams
    | SelectExpressionParams
    | JoinParams
    | DissolveParams
    | BufferParams
    | ClipParams
    | IntersectionParams
    | RingsParams
    | CoverageParams
    | DistanceParams
    | ServiceAreaParams
    | StandardsParams
    | IndicatorParams
    | InvestmentParams
    | CostParams
)
"""Any of the parameter sets."""
