"""link_dataset(): /links/series as an xarray Dataset over (link, time), on tiny.yaml runs."""
import math

import numpy as np
import pytest

from fabricsim_analysis import link_dataset, link_series, load

INTERVAL_PS = 5_000_000  # 5 us
LINKS = 16  # 4 hosts x (up + down) + 2 leaves x 2 spines x 2 directions


@pytest.fixture(scope="module")
def packet_file(run_sim):
    return run_sim("packet-xr", "model=packet", "output.sample_interval=5us")


def test_dims_and_coordinates_name_every_link_and_sample(packet_file):
    r = load(packet_file)
    ds = link_dataset(packet_file)
    samples = math.ceil(r.attrs["sim_end_ps"] / INTERVAL_PS)
    assert dict(ds.sizes) == {"link": LINKS, "time": samples}
    assert (ds["time_ps"].values == np.arange(samples) * INTERVAL_PS).all()
    assert np.allclose(ds["time"].values, ds["time_ps"].values / 1e6)
    assert list(ds["name"].values) == list(r.links["name"])
    tiers = dict(zip(*np.unique(ds["tier"].values.astype(str), return_counts=True)))
    assert tiers == {"host->leaf": 4, "leaf->host": 4, "leaf->spine": 4, "spine->leaf": 4}
    name = ds["name"].sel(link=ds.link[ds.tier == "leaf->spine"]).values
    assert all(n.startswith("leaf") and "->spine" in n for n in name)
    assert (ds["rate_bps"].values == 100e9).all()


def test_variables_match_link_series_and_the_summary(packet_file):
    ds = link_dataset(load(packet_file))  # a Result works as well as its path
    long = link_series(packet_file)
    for variable in ("queue_bytes", "tx_bytes", "throughput_bps"):
        wide = long.pivot(index="link_id", columns="time_ps", values=variable).to_numpy()
        assert np.array_equal(ds[variable].values, wide, equal_nan=True), variable
    assert np.allclose(ds["utilisation"].values, ds["throughput_bps"].values / 100e9,
                       equal_nan=True)
    assert np.isnan(ds["utilisation"].isel(time=0)).all()
    # Host uplinks run at line rate while their flow lasts: some sample near 1.
    uplinks = ds.where(ds.tier == "host->leaf", drop=True)
    assert (uplinks["utilisation"].max("time") > 0.9).all()
    summary = load(packet_file).links.set_index("id")["busy_fraction"]
    assert np.allclose(ds["busy_fraction"].values, summary.to_numpy())


def test_a_run_without_series_has_no_time(ecmp_file):
    ds = link_dataset(ecmp_file)
    assert dict(ds.sizes) == {"link": LINKS, "time": 0}
    assert ds["queue_bytes"].shape == (LINKS, 0)
    assert ds["busy_fraction"].max() > 0.9
