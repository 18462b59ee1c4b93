"""The demo register's ground truth agrees with the parcel layer under EGiB rules."""

from __future__ import annotations

from mgis.demo.town import generate_town
from mgis.layers import normalise_parcel_ids


def test_known_parcels_exist_and_unknown_ones_do_not() -> None:
    town = generate_town(parcels=3000, seed=5)
    layer_ids = set(normalise_parcel_ids(town.layers["parcels"]["id_dzialki"].tolist()))
    truth = town.register_truth
    normalised = normalise_parcel_ids(truth["id_dzialki"].tolist())
    found = [pid in layer_ids for pid in normalised]
    assert found == truth["known"].tolist()
    assert not all(found)  # the register has typos and unknown parcels, as real ones do
